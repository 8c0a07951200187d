/*
 * A group's welcome (agent_groups.c) in the cohort engine: a churn out of
 * the group due before the window w is kept (does not happen) with
 * probability 1 - x.  Of a churn delay with CDF F, Z = 1 - (1 - x) F(w)
 * still happen, after a delay of density (x f 1{d < w} + f 1{d >= w}) / Z.
 * That delay becomes phase-type stages fitted to its mean and variance
 * (cohort_phase.c), from the truncated moments
 *   A1 = int_0^w d dF = w F(w) - int_0^w F,
 *   A2 = int_0^w d^2 dF = w^2 F(w) - 2 int_0^w u F(u) du
 * (Simpson's rule, 256 intervals); the branch's probability is
 * multiplied by Z and the rest kept as "stay" (cohort_trans.c).
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "cohort.h"
#include "dist.h"

#define SIMPSON 256

static double empirical_cdf(const wx_dist *d, double t) {
  double w = 0, below = 0;
  for (uint32_t i = 0; i < d->n_bins; i++) {
    double a = d->edges[i], b = d->edges[i + 1];
    w += d->weights[i];
    if (t >= b)
      below += d->weights[i];
    else if (t > a) /* uniform within the bin */
      below += d->weights[i] * (t - a) / (b - a);
  }
  return w > 0 ? below / w : 0;
}

static double cdf(const wx_dist *d, const double *params, double t) {
  if (d->kind == WX_DIST_EMPIRICAL) return empirical_cdf(d, t);
  double a = params[d->p[0]];
  if (t <= 0) return 0;
  if (d->kind == WX_DIST_FIXED) return t >= a ? 1 : 0;
  if (d->kind == WX_DIST_EXPONENTIAL) return a > 0 ? -expm1(-t / a) : 1;
  double b = params[d->p[1]];
  switch (d->kind) {
    case WX_DIST_UNIFORM: return t >= b ? 1 : t > a ? (t - a) / (b - a) : 0;
    case WX_DIST_GAMMA: return gsl_cdf_gamma_P(t, a, b / a);
    case WX_DIST_LOGNORMAL: return gsl_cdf_lognormal_P(t, log(a), b);
    case WX_DIST_WEIBULL: return gsl_cdf_weibull_P(t, b, a);
    default: return 0;
  }
}

/* int_0^w u^k F(u) du, k = 0 or 1. */
static double integral(const wx_dist *d, const double *params, double w,
                       int k) {
  double h = w / SIMPSON, acc = 0;
  for (int j = 0; j <= SIMPSON; j++) {
    double u = j * h, g = (k ? u : 1) * cdf(d, params, u);
    acc += g * (j == 0 || j == SIMPSON ? 1 : j % 2 ? 4 : 2);
  }
  return acc * h / 3;
}

double wx__cohort_welcome(const wx_model *m, uint32_t f, const double *params,
                          double *mc) {
  const wx_flow *fl = &m->flows[f];
  const wx_units_cfg *u = &m->modules[fl->from].units;
  if (fl->tp || fl->kind != WX_FLOW_CHURN || u->type != WX_UNITS_GROUPS ||
      !(u->welcome_window > 0) || !(u->welcome_x < 1))
    return 1;
  double w = u->welcome_window, x = u->welcome_x;
  double fw = cdf(&fl->delay, params, w), z = 1 - (1 - x) * fw;
  double mu = wx__dist_mean(&fl->delay, params);
  if (!(z > 0) || !(mu > 0) || !isfinite(mu)) return 1;
  if (mc) {
    double m2 = wx__cohort_dist_variance(&fl->delay, params) + mu * mu;
    double a1 = w * fw - integral(&fl->delay, params, w, 0);
    double a2 = w * w * fw - 2 * integral(&fl->delay, params, w, 1);
    double k1 = (mu - (1 - x) * a1) / z, k2 = (m2 - (1 - x) * a2) / z;
    mc[0] = k1;
    mc[1] = k1 > 0 ? fmax(k2 - k1 * k1, 0) / (k1 * k1) : 0;
  }
  return z;
}
