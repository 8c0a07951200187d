/* Study methods: the table, evaluating a design through a callback, and
 * the tornado and Morris methods (Sobol indices: study_sobol.c; PRCC:
 * stats/prcc.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "compare.h"
#include "study.h"

void wx__study_indices_free(wx_study_indices *ix) {
  if (!ix) return;
  free(ix->rows);
  *ix = (wx_study_indices){0};
}

int wx__study_indices_add(wx_study_indices *ix, const wx_study_index *row) {
  if (ix->n == ix->cap) {
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    wx_study_index *g = realloc(ix->rows, cap * sizeof *g);
    if (!g) return WX_ENOMEM;
    ix->rows = g;
    ix->cap = cap;
  }
  ix->rows[ix->n++] = *row;
  return WX_OK;
}

static int add(wx_study_indices *ix, size_t f, size_t kpi, const char *name,
               double v, double lo, double hi, double p) {
  wx_study_index row = {(unsigned)f, (unsigned)kpi, name, v, lo, hi, p};
  return wx__study_indices_add(ix, &row);
}

int wx__study_evaluate(const wx_study_design *p, size_t n_kpi, size_t n_rep,
                       wx_study_eval_fn eval, void *ctx, double **Y) {
  size_t per = n_kpi * n_rep;
  size_t cells = p->n_points * per > 0 ? p->n_points * per : 1;
  *Y = malloc(cells * sizeof **Y);
  if (!*Y) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t j = 0; rc == WX_OK && j < p->n_points; j++)
    rc = eval(ctx, p->x + j * p->k, *Y + j * per);
  if (rc != WX_OK) {
    free(*Y);
    *Y = NULL;
  }
  return rc;
}

/* Mean over the finite replications of each point, for one KPI. */
static void point_means(const double *Y, size_t n_points, size_t n_kpi,
                        size_t n_rep, size_t kpi, double *out) {
  for (size_t j = 0; j < n_points; j++) {
    const double *y = Y + (j * n_kpi + kpi) * n_rep;
    double s = 0;
    size_t m = 0;
    for (size_t r = 0; r < n_rep; r++)
      if (isfinite(y[r])) s += y[r], m++;
    out[j] = m ? s / m : NAN;
  }
}

/* ------------------------------------------------------------- tornado */

/* Two-sided p-value of a paired mean, recovered from its t interval. */
static double paired_p(const wx_ci *c) {
  if (c->n < 2 || !isfinite(c->lo)) return NAN;
  double half = (c->hi - c->lo) / 2;
  if (!(half > 0)) return c->mean == 0 ? 1 : 0;
  double df = c->n - 1.0, t = c->mean / (half / gsl_cdf_tdist_Pinv(0.975, df));
  return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

static int tornado_one(const double *Y, size_t n_kpi, size_t n_rep, size_t i,
                       size_t kpi, wx_study_indices *out) {
  const double *base = Y + kpi * n_rep;
  const double *low = Y + ((1 + 2 * i) * n_kpi + kpi) * n_rep;
  const double *high = Y + ((2 + 2 * i) * n_kpi + kpi) * n_rep;
  wx_ci l, h, dl, dh, sw;
  wx__ci_mean(low, n_rep, &l);
  wx__ci_mean(high, n_rep, &h);
  wx__ci_paired(low, base, n_rep, &dl);
  wx__ci_paired(high, base, n_rep, &dh);
  wx__ci_paired(high, low, n_rep, &sw);
  int rc = add(out, i, kpi, "low", l.mean, l.lo, l.hi, NAN);
  if (rc == WX_OK) rc = add(out, i, kpi, "high", h.mean, h.lo, h.hi, NAN);
  if (rc == WX_OK)
    rc = add(out, i, kpi, "low_change", dl.mean, dl.lo, dl.hi, paired_p(&dl));
  if (rc == WX_OK)
    rc = add(out, i, kpi, "high_change", dh.mean, dh.lo, dh.hi, paired_p(&dh));
  if (rc == WX_OK)
    rc = add(out, i, kpi, "swing", sw.mean, sw.lo, sw.hi, paired_p(&sw));
  return rc;
}

/* Per factor and KPI: the KPI at the low and high end, their paired
 * changes from the base and the swing (high - low), paired per
 * replication: under common random numbers replication r of every point
 * shares its draws, so the pairs cancel most of the noise. */
static int tornado(const wx_study_spec *s, const wx_study_design *p,
                   const double *Y, size_t n_kpi, size_t n_rep,
                   wx_study_indices *out) {
  int rc = WX_OK;
  (void)s;
  for (size_t i = 0; i < p->k; i++)
    for (size_t kpi = 0; rc == WX_OK && kpi < n_kpi; kpi++)
      rc = tornado_one(Y, n_kpi, n_rep, i, kpi, out);
  return rc;
}

/* -------------------------------------------------------------- morris */

int wx__morris_effects(const double *u, const double *y, size_t r, size_t k,
                       double *mu, double *mu_star, double *sigma,
                       double *mu_lo, double *mu_hi, double *mus_lo,
                       double *mus_hi) {
  double *ee = malloc((r ? r : 1) * k * sizeof *ee);
  double *abs_ee = malloc((r ? r : 1) * sizeof *abs_ee);
  if (!ee || !abs_ee) {
    free(ee);
    free(abs_ee);
    return WX_ENOMEM;
  }
  for (size_t t = 0; t < r * k; t++) ee[t] = NAN;
  for (size_t t = 0; t < r; t++)
    for (size_t m = 1; m <= k; m++) {
      const double *a = u + (t * (k + 1) + m - 1) * k, *b = a + k;
      size_t i = 0;
      while (i < k && a[i] == b[i]) i++;
      double dy = y[t * (k + 1) + m] - y[t * (k + 1) + m - 1];
      if (i < k) ee[i * r + t] = dy / (b[i] - a[i]);
    }
  for (size_t i = 0; i < k; i++) {
    wx_ci c, ca;
    for (size_t t = 0; t < r; t++) abs_ee[t] = fabs(ee[i * r + t]);
    wx__ci_mean(ee + i * r, r, &c);
    wx__ci_mean(abs_ee, r, &ca);
    mu[i] = c.mean;
    mu_star[i] = ca.mean;
    size_t m = 0;
    for (size_t t = 0; t < r; t++)
      if (isfinite(ee[i * r + t])) abs_ee[m++] = ee[i * r + t];
    sigma[i] = m > 1 ? gsl_stats_sd(abs_ee, 1, m) : NAN;
    if (mu_lo) mu_lo[i] = c.lo, mu_hi[i] = c.hi;
    if (mus_lo) mus_lo[i] = ca.lo, mus_hi[i] = ca.hi;
  }
  free(ee);
  free(abs_ee);
  return WX_OK;
}

static int morris_kpi(const wx_study_design *p, const double *y, size_t kpi,
                      double *w, wx_study_indices *out) {
  size_t k = p->k;
  double *mu = w, *ms = w + k, *sd = w + 2 * k, *ml = w + 3 * k,
         *mh = w + 4 * k, *sl = w + 5 * k, *sh = w + 6 * k;
  int rc =
      wx__morris_effects(p->u, y, p->n_base, k, mu, ms, sd, ml, mh, sl, sh);
  for (size_t i = 0; rc == WX_OK && i < k; i++) {
    rc = add(out, i, kpi, "mu_star", ms[i], sl[i], sh[i], NAN);
    if (rc == WX_OK) rc = add(out, i, kpi, "mu", mu[i], ml[i], mh[i], NAN);
    if (rc == WX_OK) rc = add(out, i, kpi, "sigma", sd[i], NAN, NAN, NAN);
  }
  return rc;
}

static int morris(const wx_study_spec *s, const wx_study_design *p,
                  const double *Y, size_t n_kpi, size_t n_rep,
                  wx_study_indices *out) {
  (void)s;
  double *y = malloc((p->n_points + 7 * p->k + 1) * sizeof *y);
  if (!y) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t kpi = 0; rc == WX_OK && kpi < n_kpi; kpi++) {
    point_means(Y, p->n_points, n_kpi, n_rep, kpi, y);
    rc = morris_kpi(p, y, kpi, y + p->n_points, out);
  }
  free(y);
  return rc;
}

/* --------------------------------------------------------------- sobol */

static int sobol(const wx_study_spec *s, const wx_study_design *p,
                 const double *Y, size_t n_kpi, size_t n_rep,
                 wx_study_indices *out) {
  size_t k = p->k;
  double *y = malloc((p->n_points + 6 * k + 1) * sizeof *y);
  if (!y) return WX_ENOMEM;
  double *w = y + p->n_points;
  int rc = WX_OK;
  for (size_t kpi = 0; rc == WX_OK && kpi < n_kpi; kpi++) {
    point_means(Y, p->n_points, n_kpi, n_rep, kpi, y);
    rc = wx__sobol_indices(y, p->n_base, k, s->bootstrap, s->seed + kpi, w,
                           w + k, w + 2 * k, w + 3 * k, w + 4 * k, w + 5 * k);
    for (size_t i = 0; rc == WX_OK && i < k; i++) {
      rc = add(out, i, kpi, "S1", w[i], w[2 * k + i], w[3 * k + i], NAN);
      if (rc == WX_OK)
        rc = add(out, i, kpi, "ST", w[k + i], w[4 * k + i], w[5 * k + i], NAN);
    }
  }
  free(y);
  return rc;
}

/* ---------------------------------------------------------------- prcc */

static int prcc(const wx_study_spec *s, const wx_study_design *p,
                const double *Y, size_t n_kpi, size_t n_rep,
                wx_study_indices *out) {
  (void)s;
  size_t k = p->k;
  double *y = malloc((p->n_points + 4 * k + 1) * sizeof *y);
  if (!y) return WX_ENOMEM;
  double *w = y + p->n_points;
  int rc = WX_OK;
  for (size_t kpi = 0; rc == WX_OK && kpi < n_kpi; kpi++) {
    point_means(Y, p->n_points, n_kpi, n_rep, kpi, y);
    rc = wx__prcc(p->x, p->n_points, k, y, w, w + k, w + 2 * k, w + 3 * k);
    for (size_t i = 0; rc == WX_OK && i < k; i++)
      rc = add(out, i, kpi, "prcc", w[i], w[2 * k + i], w[3 * k + i], w[k + i]);
  }
  free(y);
  return rc;
}

static const wx_study_method_type methods[] = {
    {"tornado", "low/high swing of each factor, paired", "oat", tornado},
    {"morris", "Morris elementary effects (mu*, mu, sigma)", "morris", morris},
    {"sobol", "Sobol first-order and total indices (Jansen)", "saltelli",
     sobol},
    {"prcc", "partial rank correlation with each KPI", "", prcc},
};
#define N_METHODS (sizeof methods / sizeof methods[0])

const wx_study_method_type *wx__study_method_find(const char *name) {
  for (size_t i = 0; i < N_METHODS; i++)
    if (!strcmp(methods[i].name, name)) return &methods[i];
  return NULL;
}

size_t wx__study_method_count(void) { return N_METHODS; }

const wx_study_method_type *wx__study_method_at(size_t i) {
  return i < N_METHODS ? &methods[i] : NULL;
}

int wx__study_analyse(const wx_study_spec *s, const wx_study_design *p,
                      const double *Y, size_t n_kpi, size_t n_rep,
                      wx_study_indices *out) {
  const wx_study_method_type *m = s->method;
  if (!m || (m->design[0] && strcmp(m->design, p->type->name)))
    return WX_EINVAL;
  return m->analyse(s, p, Y, n_kpi, n_rep, out);
}
