/* The point fit: the loss at given parameter values, minimised by NLopt in
 * the transformed space (calib.h). */
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "calib.h"
#include "ranks.h"
#include "util.h"

/* A share's logit is kept finite: a bound of 0 or 1 becomes 1e-6 away. */
#define SHARE_EPS    1e-6
/* Local searches after the first, from the best point so far. */
#define MAX_RESTARTS 3

void wx__calib_trace_free(wx_calib_trace *t) {
  free(t->x);
  free(t->loss);
  *t = (wx_calib_trace){0};
}

static int trace_add(wx_calib_trace *t, const double *x, size_t k,
                     double loss) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 256;
    double *nx = realloc(t->x, cap * k * sizeof *nx);
    if (!nx) return WX_ENOMEM;
    t->x = nx;
    double *nl = realloc(t->loss, cap * sizeof *nl);
    if (!nl) return WX_ENOMEM;
    t->loss = nl;
    t->cap = cap;
  }
  memcpy(t->x + t->n * k, x, k * sizeof *x);
  t->loss[t->n++] = loss;
  return WX_OK;
}

/* -2 log density of a prior (a `dist:` parameter), 0 for a range. */
static double prior_penalty(const wx_study_factor *f, double x) {
  if (f->kind != WX_FACTOR_DIST) return 0;
  double p;
  switch (f->dist) {
    case WX_FDIST_NORMAL: p = gsl_ran_gaussian_pdf(x - f->a, f->b); break;
    case WX_FDIST_LOGNORMAL:
      p = gsl_ran_lognormal_pdf(x, log(f->a), f->b);
      break;
    case WX_FDIST_TRIANGULAR:
      p = x < f->c ? 2 * (x - f->a) / ((f->b - f->a) * (f->c - f->a))
                   : 2 * (f->b - x) / ((f->b - f->a) * (f->b - f->c));
      break;
    case WX_FDIST_UNIFORM:
    default: p = 1.0 / (f->b - f->a); break;
  }
  return p > 1e-300 ? -2.0 * log(p) : 1e6;
}

int wx__calib_loss_at(const wx_calib_problem *p, const double *x, double *loss,
                      wx_diags *d) {
  const wx_calib_sim *c = p->sim;
  const wx_calib_spec *s = c->s;
  size_t D = c->days;
  double *cum = malloc(s->n_series * (D + 1) * sizeof *cum);
  double *mu = malloc((D + 1) * sizeof *mu);
  int rc = cum && mu ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) rc = wx__calib_simulate(c, x, p->first_rep, c->reps, cum, d);
  double total = 0;
  for (size_t i = 0; rc == WX_OK && i < s->n_series; i++) {
    const double *ci = cum + i * (D + 1);
    for (size_t day = 1; day <= p->fit_days; day++)
      mu[day - 1] = ci[day] - ci[day - 1];
    total += wx__calib_deviance(s->loss, s->dispersion, p->y + i * D, mu,
                                p->fit_days);
  }
  for (size_t j = 0; j < s->k; j++) total += prior_penalty(&s->f[j], x[j]);
  free(cum);
  free(mu);
  *loss = total;
  return rc;
}

typedef struct {
  const wx_calib_problem *p;
  wx_diags *d;
  nlopt_opt opt;
  int rc;
  unsigned evals;
  double best;
  double *best_x, *x;
} octx;

static void z_to_x(const wx_calib_spec *s, const double *z, double *x) {
  for (size_t i = 0; i < s->k; i++) {
    x[i] = wx__calib_from_z(s->tf[i], z[i]);
    if (x[i] < s->f[i].lo) x[i] = s->f[i].lo;
    if (x[i] > s->f[i].hi) x[i] = s->f[i].hi;
  }
}

static double objective(unsigned n, const double *z, double *grad, void *data) {
  (void)n;
  (void)grad;
  octx *o = data;
  const wx_calib_spec *s = o->p->sim->s;
  if (o->rc != WX_OK) return HUGE_VAL;
  z_to_x(s, z, o->x);
  double loss = HUGE_VAL;
  int rc = wx__calib_loss_at(o->p, o->x, &loss, o->d);
  if (rc == WX_OK && o->p->trace) rc = trace_add(o->p->trace, o->x, s->k, loss);
  o->evals++;
  if (rc != WX_OK) {
    o->rc = rc;
    nlopt_force_stop(o->opt);
    return HUGE_VAL;
  }
  if (!isfinite(loss)) loss = 1e300;
  if (loss < o->best) {
    o->best = loss;
    memcpy(o->best_x, o->x, s->k * sizeof *o->x);
  }
  return loss;
}

static double lower_z(const wx_calib_spec *s, size_t i) {
  double lo = s->f[i].lo;
  if (s->tf[i] == WX_TF_LOGIT && lo < SHARE_EPS) lo = SHARE_EPS;
  return wx__calib_to_z(s->tf[i], lo);
}

static double upper_z(const wx_calib_spec *s, size_t i) {
  double hi = s->f[i].hi;
  if (s->tf[i] == WX_TF_LOGIT && hi > 1 - SHARE_EPS) hi = 1 - SHARE_EPS;
  return wx__calib_to_z(s->tf[i], hi);
}

/* One NLopt run of `algo` from z (updated to its result). */
static int run_one(octx *o, int algo, double *z, unsigned evals) {
  const wx_calib_spec *s = o->p->sim->s;
  unsigned k = (unsigned)s->k;
  nlopt_opt opt = nlopt_create((nlopt_algorithm)algo, k);
  if (!opt) return WX_ENOMEM;
  o->opt = opt;
  double lb[32], ub[32], dz[32], xt[32];
  for (unsigned i = 0; i < k; i++) {
    lb[i] = lower_z(s, i);
    ub[i] = upper_z(s, i);
    /* Refits take the same first step as the fit: a bootstrap must
     * repeat the estimator, not a tamer version of it. */
    dz[i] = 0.1 * (ub[i] - lb[i]);
    xt[i] = 1e-4 * (ub[i] - lb[i]);
    if (z[i] < lb[i]) z[i] = lb[i];
    if (z[i] > ub[i]) z[i] = ub[i];
  }
  nlopt_set_lower_bounds(opt, lb);
  nlopt_set_upper_bounds(opt, ub);
  nlopt_set_initial_step(opt, dz);
  nlopt_set_xtol_abs(opt, xt);
  /* Deviance differences below 0.01 are far inside the roughness of a
   * simulated loss (docs/calibrate.md): no use chasing them. */
  nlopt_set_ftol_abs(opt, 1e-2);
  nlopt_set_maxeval(opt, (int)evals);
  nlopt_set_min_objective(opt, objective, o);
  double f;
  nlopt_result r = nlopt_optimize(opt, z, &f);
  nlopt_destroy(opt);
  o->opt = NULL;
  if (o->rc != WX_OK) return o->rc;
  if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED && o->evals == 0)
    return wx__diag(o->d, WX_ERUNTIME, o->p->sim->s->file, 0, 0,
                    "NLopt failed (%d)", (int)r);
  return WX_OK;
}

/* A simulated loss is rough (docs/calibrate.md): a local search stalls in
 * a dip of the noise.  Restarting it from the best point with a fresh
 * simplex or trust region gets out of most; stop when a restart no longer
 * gains a tenth of a deviance unit. */
static int local_phase(octx *o, int algo, double *z, unsigned budget) {
  const wx_calib_spec *s = o->p->sim->s;
  unsigned used = o->evals;
  double before = HUGE_VAL;
  int rc = WX_OK;
  for (int run = 0;
       rc == WX_OK && run <= MAX_RESTARTS && o->evals < used + budget &&
       (run == 0 || before - o->best > 0.1);
       run++) {
    before = o->best;
    for (size_t i = 0; i < s->k && run; i++)
      z[i] = wx__calib_to_z(s->tf[i], o->best_x[i]);
    rc = run_one(o, algo, z, used + budget - o->evals);
  }
  return rc;
}

int wx__calib_fit(const wx_calib_problem *p, double *x, double *loss,
                  unsigned *evals, wx_diags *d) {
  const wx_calib_spec *s = p->sim->s;
  double best_x[32], xx[32], z[32];
  octx o = {.p = p, .d = d, .best = HUGE_VAL, .best_x = best_x, .x = xx};
  for (size_t i = 0; i < s->k; i++) {
    best_x[i] = p->start[i];
    z[i] = wx__calib_to_z(s->tf[i], p->start[i]);
  }
  int rc = WX_OK;
  unsigned budget = p->max_evals;
  if (p->algo->global && !p->local_only) {
    /* NLopt's global algorithms draw from its own generator: seeded so
     * that a calibration is reproducible. */
    nlopt_srand(p->sim->seed);
    rc = run_one(&o, p->algo->nlopt, z, budget * 2 / 3);
    for (size_t i = 0; i < s->k; i++)
      z[i] = wx__calib_to_z(s->tf[i], best_x[i]);
    budget -= o.evals < budget ? o.evals : budget - 1;
  }
  int local = p->algo->global ? NLOPT_LN_SBPLX : p->algo->nlopt;
  if (rc == WX_OK) rc = local_phase(&o, local, z, budget);
  if (p->sim->stop && atomic_load(p->sim->stop) && rc == WX_OK)
    rc = WX_EINTERRUPTED;
  wx__ranks_share(&rc, NULL, 0); /* rank 0's stop is every rank's */
  if (rc == WX_OK && !(o.best < HUGE_VAL))
    rc = wx__diag(d, WX_ERUNTIME, s->file, 0, 0,
                  "the fit evaluated no "
                  "finite loss");
  memcpy(x, best_x, s->k * sizeof *x);
  *loss = o.best;
  *evals = o.evals;
  return rc;
}
