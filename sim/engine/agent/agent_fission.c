/*
 * Referral fission (model.h wx_fission): a share brings a number of new
 * people ~ Poisson(mean) or NegBin(mean, size), each arriving after its own
 * generation delay into `into`, where they are "reached": they share with
 * the same probability (a Galton-Watson process, R = share x mean).
 * Origins: touchpoint i is origin i, source s is origin n_touchpoints + s;
 * each draws from its own stream.
 *
 * The mean is scaled by saturation (2^(-age/half_life), age since the
 * origin's first firing; or 1 - committed/cap, and the offspring are cut
 * at the cap, so arrivals never exceed it) and by decline (2^(-t /
 * half_life) over scenario time).
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "dist.h"

const wx_fission *wx__fission_of(const wx_engine *e, uint32_t origin) {
  uint32_t n_tp = e->m->n_touchpoints;
  return origin < n_tp ? &e->m->touchpoints[origin].fission
                       : &e->m->sources[origin - n_tp].fission;
}

gsl_rng *wx__fission_rng(const wx_engine *e, uint32_t origin) {
  uint32_t n_tp = e->m->n_touchpoints;
  return origin < n_tp ? e->x->tp_rng[origin] : e->rng[origin - n_tp];
}

/* The counter column `k` (shares or fission arrivals) of an origin. */
static double *counter(wx_engine *e, uint32_t origin, int shares) {
  uint32_t n_tp = e->m->n_touchpoints;
  if (origin < n_tp)
    return &e->cur[e->l->touch_base + origin * WX_TP_METRICS +
                   (shares ? WX_TP_SHARES : WX_TP_FISSION)];
  uint32_t s = origin - n_tp;
  return &e->cur[shares ? e->x->src_shares[s] : e->x->src_fission[s]];
}

static double effective_mean(const wx_engine *e, const wx_fission *f,
                             uint32_t origin, double t) {
  const double *pv = e->params;
  double mean = pv[f->mean];
  if (f->half_life != WX_NONE)
    mean *= exp2(-(t - e->x->first[origin]) / pv[f->half_life]);
  if (f->cap != WX_NONE) {
    double left = 1 - e->x->committed[origin] / pv[f->cap];
    mean *= left > 0 ? left : 0;
  }
  if (f->decline != WX_NONE) mean *= exp2(-t / pv[f->decline]);
  return mean;
}

static unsigned offspring(const wx_engine *e, const wx_fission *f, double mean,
                          gsl_rng *r) {
  if (!(mean > 0)) return 0;
  if (f->offspring == WX_OFFSPRING_POISSON) return wx__poisson(r, mean);
  /* NegBin as a gamma-mixed Poisson, the draws gsl_ran_negative_binomial
   * makes, but through wx__poisson so that a huge mean cannot hang. */
  double size = e->params[f->size];
  return wx__poisson(r, gsl_ran_gamma(r, size, 1.0) * (mean / size));
}

int wx__fission_share(wx_engine *e, uint32_t origin, double t) {
  const wx_fission *f = wx__fission_of(e, origin);
  gsl_rng *r = wx__fission_rng(e, origin);
  *counter(e, origin, 1) += 1;
  double n = offspring(e, f, effective_mean(e, f, origin, t), r);
  if (f->cap != WX_NONE) {
    double left = floor(e->params[f->cap]) - e->x->committed[origin];
    if (n > left) n = left > 0 ? left : 0;
  }
  e->x->committed[origin] += n;
  for (double k = 0; k < n; k++) {
    if (wx__agent_stopping(e, (uint64_t)k)) return WX_EINTERRUPTED;
    double at = t + wx__dist_draw(&f->delay, e->params, r);
    if (!(at <= e->horizon)) continue;
    if (wx__queue_push(&e->q, at, origin, WX_EV_FISSION, 0) != WX_OK)
      return WX_ENOMEM;
  }
  return WX_OK;
}

int wx__fission_arrival(wx_engine *e, uint32_t origin, double t) {
  const wx_fission *f = wx__fission_of(e, origin);
  int toobig = 0;
  uint32_t p = wx__people_new(&e->pp, &toobig);
  if (p == WX_NONE) return toobig ? WX_ETOOBIG : WX_ENOMEM;
  if (wx__x_new_person(e, p) != WX_OK) return WX_ENOMEM;
  e->st.arrivals++;
  *counter(e, origin, 0) += 1;
  int rc = wx__agent_enter(e, p, f->into, t);
  /* reached by the campaign, p shares whether `into` took p or not */
  if (rc == WX_OK &&
      gsl_rng_uniform(wx__fission_rng(e, origin)) < e->params[f->share])
    rc = wx__fission_share(e, origin, t);
  wx__agent_settle(e, p, 1); /* refused (declined, full): nobody */
  return rc;
}
