/*
 * The response of paid ads to spend.  Without a saturation the arrivals
 * grow linearly with the budget, which an allocator would exploit by
 * pouring everything into one channel; a saturating curve gives
 * diminishing returns.  Both curves have the ceiling a S, and the
 * exponential one (and the Hill curve of shape 1) the linear slope a at
 * low spend, so a saturation can be added to a linear source without
 * changing its small-budget behaviour.
 */
#include <math.h>

#include "model.h"

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
  double a = 1000 / v->cpm * v->ctr * v->convert;
  if (curve == WX_ADS_LINEAR || !(v->saturation > 0)) return a * v->budget;
  double S = v->saturation;
  return a * S * response(curve, v->budget / S, v->shape);
}

double wx__ads_rate(const wx_source *s, const double *pv) {
  wx_ads_values v = {
      .budget = pv[s->budget], .cpm = pv[s->cpm], .ctr = pv[s->ctr],
      .convert = pv[s->convert],
      .saturation = s->saturation == WX_NONE ? 0 : pv[s->saturation],
      .shape = s->shape == WX_NONE ? 1 : pv[s->shape]};
  return wx__ads_rate_of(s->curve, &v);
}
