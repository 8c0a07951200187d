/*
 * The response of paid ads to spend.  Without a saturation the arrivals
 * grow linearly with the budget, which an allocator would exploit by
 * pouring everything into one channel; a saturating curve gives
 * diminishing returns.  Both curves have the ceiling a S, and the
 * exponential one (and the Hill curve of shape 1) the linear slope a at
 * low spend, so a saturation can be added to a linear source without
 * changing its small-budget behaviour.  A finite audience with a frequency
 * cap saturates for another reason: the same people see the ad again.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "model.h"

/* E[min(X, f)] for X ~ Poisson(lambda): the sum over k < f of P(X > k). */
static double capped_mean(double lambda, double f) {
  double e = 0;
  for (double k = 0; k < f; k++) {
    double q = gsl_cdf_poisson_Q((unsigned)k, lambda);
    e += q;
    if (q < 1e-17) break; /* the rest add nothing */
  }
  return e;
}

/* A finite audience: impressions beyond f per person a day are not shown
 * (the platform's frequency cap), so arrivals tend to N f ctr convert. */
static double audience_rate(const wx_ads_values *v) {
  double N = v->audience, f = floor(v->freq_cap);
  if (!(N > 0) || !(f >= 1)) return 0;
  double lambda = 1000 * v->budget / (v->cpm * N);
  return N * capped_mean(lambda, fmin(f, 1e6)) * v->ctr * v->convert;
}

static double response(wx_ads_curve curve, double u, double k) {
  switch (curve) {
    case WX_ADS_HILL: {
      double uk = pow(u, k);
      return isinf(uk) ? 1 : uk / (1 + uk);
    }
    case WX_ADS_EXP: return -expm1(-u);
    default: return u;
  }
}

double wx__ads_rate_of(wx_ads_curve curve, const wx_ads_values *v) {
  if (!(v->cpm > 0) || !(v->budget > 0)) return 0;
  if (curve == WX_ADS_AUDIENCE) return audience_rate(v);
  double a = 1000 / v->cpm * v->ctr * v->convert;
  if (curve == WX_ADS_LINEAR || !(v->saturation > 0)) return a * v->budget;
  double S = v->saturation;
  return a * S * response(curve, v->budget / S, v->shape);
}

double wx__ads_rate(const wx_source *s, const double *pv) {
  wx_ads_values v = {
      .budget = pv[s->budget],
      .cpm = pv[s->cpm],
      .ctr = pv[s->ctr],
      .convert = pv[s->convert],
      .saturation = s->saturation == WX_NONE ? 0 : pv[s->saturation],
      .shape = s->shape == WX_NONE ? 1 : pv[s->shape],
      .audience = s->audience == WX_NONE ? 0 : pv[s->audience],
      .freq_cap = s->freq_cap == WX_NONE ? 1 : pv[s->freq_cap]};
  return wx__ads_rate_of(s->curve, &v);
}
