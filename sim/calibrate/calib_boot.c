/* The whole calibration: the point fit, a parametric bootstrap for the
 * intervals and correlations, and the prediction of the held-out days.
 *
 * Why a parametric bootstrap: the simulator's daily counts are not
 * Poisson (cohorts, caps and cascades make them over- or under-dispersed),
 * so intervals read off the deviance's curvature or profile would assume a
 * noise model the data need not follow.  Refitting datasets drawn from the
 * fitted simulator itself measures the estimator's spread under the
 * model's own noise, at the price of B refits (each started at the
 * estimate, so they converge quickly). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "calib.h"
#include "util.h"

/* Predictions use at least this many simulated replications. */
#define MIN_PRED 40

static size_t pred_count(unsigned B) { return B > MIN_PRED ? B : MIN_PRED; }

void wx__calib_result_free(wx_calib_result *r) {
  free(r->x_hat);
  free(r->xb);
  free(r->lo);
  free(r->hi);
  free(r->sd_z);
  free(r->at_bound);
  free(r->unidentified);
  free(r->rise);
  free(r->corr);
  free(r->q5);
  free(r->q50);
  free(r->q95);
  wx__calib_trace_free(&r->trace);
  *r = (wx_calib_result){0};
}

static int alloc_result(wx_calib_result *r, size_t k, size_t B, size_t nd) {
  *r = (wx_calib_result){0};
  r->x_hat = calloc(k, sizeof *r->x_hat);
  r->xb = calloc(B * k + 1, sizeof *r->xb);
  r->lo = calloc(k, sizeof *r->lo);
  r->hi = calloc(k, sizeof *r->hi);
  r->sd_z = calloc(k, sizeof *r->sd_z);
  r->at_bound = calloc(k, sizeof *r->at_bound);
  r->unidentified = calloc(k, sizeof *r->unidentified);
  r->rise = calloc(k, sizeof *r->rise);
  r->corr = calloc(k * k, sizeof *r->corr);
  r->q5 = calloc(nd, sizeof *r->q5);
  r->q50 = calloc(nd, sizeof *r->q50);
  r->q95 = calloc(nd, sizeof *r->q95);
  return r->x_hat && r->xb && r->lo && r->hi && r->sd_z && r->at_bound &&
                 r->unidentified && r->rise && r->corr && r->q5 && r->q50 &&
                 r->q95
             ? WX_OK
             : WX_ENOMEM;
}

/* Where a fit starts: the factor's `base:`, else the scenario's value,
 * kept inside the bounds. */
static void start_values(const wx_calib_sim *c, double *x) {
  const wx_calib_spec *s = c->s;
  for (size_t i = 0; i < s->k; i++) {
    const wx_study_factor *f = &s->f[i];
    double v = f->base_set ? f->base : wx_model_param_value(c->m, c->param[i]);
    if (f->kind == WX_FACTOR_DIST && !f->base_set) v = wx__factor_value(f, 0.5);
    if (!(v > f->lo)) v = f->lo + 0.01 * (f->hi - f->lo);
    if (!(v < f->hi)) v = f->hi - 0.01 * (f->hi - f->lo);
    x[i] = v;
  }
}

/* Daily counts of one replication (rep) at x, where y is observed (other
 * days NaN) into yb; or every day when y is NULL. */
static int one_rep(const wx_calib_sim *c, const double *x, unsigned rep,
                   const double *y, double *yb, wx_diags *d) {
  size_t D = c->days, ns = c->s->n_series;
  double *cum = malloc(ns * (D + 1) * sizeof *cum);
  if (!cum) return WX_ENOMEM;
  int rc = wx__calib_simulate(c, x, rep, 1, cum, d);
  for (size_t i = 0; rc == WX_OK && i < ns; i++)
    for (size_t day = 1; day <= D; day++) {
      size_t j = i * D + day - 1;
      double v = cum[i * (D + 1) + day] - cum[i * (D + 1) + day - 1];
      yb[j] = !y || isfinite(y[j]) ? v : NAN;
    }
  free(cum);
  return rc;
}

/* Why each refit gets fresh replications: with the fit's own, every refit
 * would share the Monte Carlo error of the simulated mean (and the
 * roughness it gives the loss), and the intervals would leave it out. */
static int bootstrap(const wx_calib_sim *c, const wx_calib_problem *p,
                     wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  size_t nd = s->n_series * c->days;
  double *yb = malloc((nd + 1) * sizeof *yb);
  if (!yb) return WX_ENOMEM;
  int rc = WX_OK;
  wx_calib_problem pb = *p;
  pb.y = yb;
  pb.start = r->x_hat;
  pb.local_only = 1;
  pb.trace = NULL;
  pb.max_evals = p->max_evals / 4 > 30 ? p->max_evals / 4 : 30;
  unsigned B = s->bootstrap, P = (unsigned)pred_count(B);
  for (unsigned b = 0; rc == WX_OK && b < B; b++) {
    pb.first_rep = c->reps + B + P + b * c->reps;
    rc = one_rep(c, r->x_hat, c->reps + b, p->y, yb, d);
    double loss;
    unsigned ev;
    if (rc == WX_OK)
      rc = wx__calib_fit(&pb, r->xb + r->B * s->k, &loss, &ev, d);
    if (rc == WX_OK) r->B++;
  }
  free(yb);
  return rc;
}

static void intervals(const wx_calib_sim *c, wx_calib_result *r) {
  const wx_calib_spec *s = c->s;
  size_t k = s->k, B = r->B;
  double q = gsl_cdf_ugaussian_Pinv(0.5 + s->level / 2);
  double *z = malloc((B * k + 1) * sizeof *z);
  if (!z) return;
  for (size_t b = 0; b < B; b++)
    for (size_t i = 0; i < k; i++)
      z[i * B + b] = wx__calib_to_z(s->tf[i], r->xb[b * k + i]);
  for (size_t i = 0; i < k; i++) {
    const wx_study_factor *f = &s->f[i];
    double zl = wx__calib_to_z(
        s->tf[i], f->lo > 1e-6 || s->tf[i] != WX_TF_LOGIT ? f->lo : 1e-6);
    double zh = wx__calib_to_z(
        s->tf[i],
        f->hi < 1 - 1e-6 || s->tf[i] != WX_TF_LOGIT ? f->hi : 1 - 1e-6);
    double zhat = wx__calib_to_z(s->tf[i], r->x_hat[i]), tol = 1e-3 * (zh - zl);
    size_t at = 0;
    for (size_t b = 0; b < B; b++)
      at += z[i * B + b] <= zl + tol || z[i * B + b] >= zh - tol;
    r->sd_z[i] = B >= 2 ? gsl_stats_sd(z + i * B, 1, B) : NAN;
    r->at_bound[i] = B ? (double)at / (double)B : NAN;
    double a = zhat - q * r->sd_z[i], e = zhat + q * r->sd_z[i];
    r->lo[i] = B >= 2 ? (a <= zl ? f->lo : wx__calib_from_z(s->tf[i], a)) : NAN;
    r->hi[i] = B >= 2 ? (e >= zh ? f->hi : wx__calib_from_z(s->tf[i], e)) : NAN;
    /* Not identified: the data cannot pin it down, so refits run to the
     * bounds, or the interval spans the whole search range. */
    r->unidentified[i] =
        B >= 2 && (r->at_bound[i] >= 0.1 || (a <= zl && e >= zh));
    for (size_t j = 0; j < k; j++)
      r->corr[i * k + j] =
          B >= 3 ? gsl_stats_correlation(z + i * B, 1, z + j * B, 1, B) : NAN;
  }
  free(z);
}

/* The loss along each parameter alone, near both ends of its range: a
 * parameter the data do not constrain leaves it flat, which refits that
 * stop in the dips of a rough loss may not reveal. */
static int slices(const wx_calib_problem *p, wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = p->sim->s;
  double x[32];
  int rc = WX_OK;
  for (size_t i = 0; rc == WX_OK && i < s->k; i++) {
    memcpy(x, r->x_hat, s->k * sizeof *x);
    double lo =
        s->tf[i] == WX_TF_LOGIT && s->f[i].lo < 1e-6 ? 1e-6 : s->f[i].lo;
    double hi = s->tf[i] == WX_TF_LOGIT && s->f[i].hi > 1 - 1e-6 ? 1 - 1e-6
                                                                 : s->f[i].hi;
    double zl = wx__calib_to_z(s->tf[i], lo), zh = wx__calib_to_z(s->tf[i], hi);
    r->rise[i] = -HUGE_VAL;
    for (int end = 0; rc == WX_OK && end < 2; end++) {
      double l;
      x[i] = wx__calib_from_z(
          s->tf[i], end ? zh - 0.1 * (zh - zl) : zl + 0.1 * (zh - zl));
      rc = wx__calib_loss_at(p, x, &l, d);
      if (rc == WX_OK && l - r->loss > r->rise[i]) r->rise[i] = l - r->loss;
    }
    if (rc == WX_OK && r->rise[i] < WX_CALIB_FLAT) r->unidentified[i] = 1;
  }
  return rc;
}

/* Quantiles of n_pred simulated replications per day, parameters drawn
 * from the refits, and the held-out coverage. */
static int predict(const wx_calib_sim *c, const double *y, size_t fit_days,
                   wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  size_t nd = s->n_series * c->days, np = pred_count(s->bootstrap);
  double *sims = malloc((np * nd + 1) * sizeof *sims);
  double *col = malloc((np + 1) * sizeof *col);
  int rc = sims && col ? WX_OK : WX_ENOMEM;
  for (size_t j = 0; rc == WX_OK && j < np; j++) {
    const double *x = r->B ? r->xb + (j % r->B) * s->k : r->x_hat;
    rc = one_rep(c, x, c->reps + s->bootstrap + (unsigned)j, NULL,
                 sims + j * nd, d);
  }
  r->coverage = NAN;
  for (size_t i = 0; rc == WX_OK && i < nd; i++) {
    for (size_t j = 0; j < np; j++) col[j] = sims[j * nd + i];
    gsl_sort(col, 1, np);
    r->q5[i] = gsl_stats_quantile_from_sorted_data(col, 1, np, 0.05);
    r->q50[i] = gsl_stats_quantile_from_sorted_data(col, 1, np, 0.5);
    r->q95[i] = gsl_stats_quantile_from_sorted_data(col, 1, np, 0.95);
    size_t day = i % c->days + 1;
    if (day > fit_days && isfinite(y[i])) {
      r->held_out++;
      r->covered += y[i] >= r->q5[i] && y[i] <= r->q95[i];
    }
  }
  if (r->held_out) r->coverage = (double)r->covered / (double)r->held_out;
  free(sims);
  free(col);
  return rc;
}

int wx__calib_run(const wx_calib_sim *c, wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  size_t nd = s->n_series * c->days;
  int rc = alloc_result(r, s->k, s->bootstrap, nd + 1);
  double *y = rc == WX_OK ? wx__calib_observed(c) : NULL;
  double start[32];
  if (rc == WX_OK && !y) rc = WX_ENOMEM;
  r->fit_days = c->days - (size_t)s->holdout;
  wx_calib_problem p = {.sim = c,
                        .y = y,
                        .fit_days = r->fit_days,
                        .start = start,
                        .max_evals = s->max_evals,
                        .algo = s->algo,
                        .trace = &r->trace};
  if (rc == WX_OK) {
    start_values(c, start);
    rc = wx__calib_fit(&p, r->x_hat, &r->loss, &r->evals, d);
  }
  if (rc == WX_OK) rc = bootstrap(c, &p, r, d);
  if (rc == WX_OK) intervals(c, r);
  if (rc == WX_OK) rc = slices(&p, r, d);
  if (rc == WX_OK) rc = predict(c, y, r->fit_days, r, d);
  free(y);
  return rc;
}
