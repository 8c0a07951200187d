/*
 * Delays as phase-type stages for the cohort engine (cohort.h,
 * docs/cohort.md).  A pending flow passes stages 0 .. k-1 in turn, stage j
 * at rate r_j; after stage `exit_at` it fires at once with probability q
 * (else it goes on), after the last it fires.  With stage counters in the
 * state, the person stays a Markov chain, so the steps stay exact for the
 * chain; the only approximation is the chain itself:
 *
 *   exponential           k = 1                                exact
 *   gamma, whole shape s  Erlang: k = s, r = s / mean           exact
 *   cv^2 >= 1 otherwise   Coxian-2: r0 = 2 / mean, on with      mean and
 *                         b = 1 / (2 cv^2) at r1 = 2 b / mean   variance
 *   1/8 <= cv^2 < 1       Erlang(k-1, k) mixture of one rate    mean and
 *                         (Tijms), k = ceil(1 / cv^2)           variance
 *   cv^2 < 1/8 (fixed...) Erlang(8)                             mean only
 *
 * The structure (k, exit_at) comes from the nominal parameters, once per
 * engine; the rates and q from each replication's parameters, keeping the
 * mean exact when priors move the coefficient of variation.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sf_gamma.h>

#include "cohort.h"
#include "dist.h"
#include "util.h"

double wx__cohort_dist_variance(const wx_dist *d, const double *params) {
  double mu = wx__dist_mean(d, params);
  if (d->kind == WX_DIST_EMPIRICAL) {
    double w = 0, m2 = 0; /* uniform within each bin */
    for (uint32_t i = 0; i < d->n_bins; i++) {
      double a = d->edges[i], b = d->edges[i + 1];
      w += d->weights[i];
      m2 += d->weights[i] * (a * a + a * b + b * b) / 3;
    }
    return w > 0 ? fmax(m2 / w - mu * mu, 0) : 0;
  }
  if (d->kind == WX_DIST_FIXED) return 0;
  double a = params[d->p[0]];
  if (d->kind == WX_DIST_EXPONENTIAL) return a * a;
  double b = params[d->p[1]]; /* the kinds of two parameters */
  switch (d->kind) {
    case WX_DIST_UNIFORM: return (b - a) * (b - a) / 12;
    case WX_DIST_GAMMA: return a > 0 ? b * b / a : 0;
    case WX_DIST_LOGNORMAL: return mu * mu * expm1(b * b);
    case WX_DIST_WEIBULL:
      return fmax(b * b * gsl_sf_gamma(1 + 2 / a) - mu * mu, 0);
    default: return 0;
  }
}

int wx__cohort_zero_delay(const wx_model *m, const wx_flow *fl) {
  const wx_param *p = &m->params[fl->delay.p[0]];
  return fl->delay.kind == WX_DIST_FIXED && p->prior.kind == WX_PRIOR_NONE &&
         p->value == 0;
}

uint32_t wx__cohort_erlang(const wx_model *m, const wx_dist *d) {
  if (d->kind == WX_DIST_EXPONENTIAL) return 1;
  if (d->kind != WX_DIST_GAMMA) return 0;
  const wx_param *k = &m->params[d->p[0]];
  if (k->prior.kind != WX_PRIOR_NONE) return 0;
  double v = k->value;
  return v >= 1 && v <= WX_COHORT_MAX_STAGES && v == floor(v) ? (uint32_t)v : 0;
}

static wx_cphase phase_of(double mu, double c) {
  wx_cphase ph = {0, WX_NONE, 0};
  if (!(mu > 0) || !isfinite(mu)) return (wx_cphase){0, WX_NONE, 0};
  if (c >= 1) return (wx_cphase){2, 0, 0};
  if (!(c * WX_COHORT_MAX_STAGES >= 1))
    return (wx_cphase){WX_COHORT_MAX_STAGES, WX_NONE, 0};
  ph.k = (uint32_t)ceil(1 / c - 1e-12);
  if (ph.k < 2) ph.k = 2;
  ph.exit_at = ph.k - 2;
  return ph;
}

wx_cphase wx__cohort_phase(const wx_model *m, const wx_dist *d,
                           const double *nominal) {
  wx_cphase ph = {wx__cohort_erlang(m, d), WX_NONE, 1};
  if (ph.k) return ph;
  double mu = wx__dist_mean(d, nominal);
  double c = mu > 0 ? wx__cohort_dist_variance(d, nominal) / (mu * mu) : 0;
  return phase_of(mu, c);
}

static int rates_of(const wx_cphase *ph, double mu, double c, double *r,
                    double *q) {
  *q = 0;
  if (!(mu > 0)) return -1;
  if (isinf(mu)) {
    for (uint32_t j = 0; j < ph->k; j++) r[j] = 0;
    return 0;
  }
  if (ph->exact || ph->exit_at == WX_NONE) {
    for (uint32_t j = 0; j < ph->k; j++) r[j] = ph->k / mu;
    return 0;
  }
  if (ph->k == 2 && ph->exit_at == 0 && c >= 0.5) { /* Coxian-2 */
    double b = wx__clamp01(1 / (2 * c));
    r[0] = 2 / mu;
    r[1] = 2 * b / mu;
    *q = 1 - b;
    return 0;
  }
  /* Erlang(k-1) with probability q, else Erlang(k), one rate (Tijms) */
  double k = ph->k;
  double disc = k * (1 + c) - k * k * c;
  double p = disc >= 0 ? wx__clamp01((k * c - sqrt(disc)) / (1 + c)) : 0;
  for (uint32_t j = 0; j < ph->k; j++) r[j] = (k - p) / mu;
  *q = p;
  return 0;
}

int wx__cohort_phase_rates(const wx_cphase *ph, const wx_dist *d,
                           const double *params, double *r, double *q) {
  double mu = wx__dist_mean(d, params);
  double c = mu > 0 && isfinite(mu)
                 ? wx__cohort_dist_variance(d, params) / (mu * mu)
                 : 0;
  return rates_of(ph, mu, c, r, q);
}

wx_cphase wx__cohort_flow_phase(const wx_model *m, uint32_t f,
                                const double *nominal) {
  double mc[2];
  if (wx__cohort_welcome(m, f, nominal, mc) < 1) return phase_of(mc[0], mc[1]);
  return wx__cohort_phase(m, &m->flows[f].delay, nominal);
}

int wx__cohort_flow_rates(const wx_model *m, uint32_t f, const wx_cphase *ph,
                          const double *params, double *r, double *q) {
  double mc[2];
  if (wx__cohort_welcome(m, f, params, mc) < 1)
    return rates_of(ph, mc[0], mc[1], r, q);
  return wx__cohort_phase_rates(ph, &m->flows[f].delay, params, r, q);
}
