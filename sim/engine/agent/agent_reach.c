/*
 * What every kind of touchpoint post shares (touch.h): counting a post and
 * its cost, and what one reached member does.  A reached member, in order:
 * unfollows with p (leaves the module, nothing else); else takes each
 * response independently (a flow from the module carrying its epoch, so
 * leaving it cancels the response) and then shares per `fission`.
 * Broadcasts (agent_touch.c) and Moments posts (agent_moments.c) both
 * come here, so neither calls the other's internals.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "agent_mechanics.h"
#include "touch.h"

int wx__touch_reached(wx_engine *e, uint32_t i, uint32_t q, double t,
                      gsl_rng *r) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  if (e->jr) wx__journey_step(e->jr, q, WX_J_TOUCH, i, t, 0);
  if (gsl_rng_uniform(r) < e->params[tp->unfollow]) {
    *wx__touch_col(e, i, WX_TP_UNFOLLOWS) += 1;
    wx__agent_leave(e, q, tp->module);
    wx__agent_settle(e, q, 1);
    return WX_OK;
  }
  uint16_t epoch = wx__person(&e->pp, q)[2 + tp->module];
  double x = wx__tp_pulse(tp, e->params, t, WX_PULSE_RESPONSES);
  for (uint32_t k = 0; k < tp->n_responses; k++) {
    uint32_t f = tp->responses[k];
    if (!(gsl_rng_uniform(r) < e->join_p[f] * x)) continue;
    double d = wx__touch_delay(e, f, r);
    if (wx__agent_schedule(e, t + d, q, f, epoch) != WX_OK) return WX_ENOMEM;
  }
  if (tp->fission.on && gsl_rng_uniform(r) < e->params[tp->fission.share])
    return wx__fission_share(e, i, t, q);
  return WX_OK;
}

int wx__touch_scratch(wx_touch_state *x, uint32_t k) {
  if (k <= x->scratch_cap) return WX_OK;
  uint32_t *s = realloc(x->scratch, (size_t)k * sizeof *s);
  if (!s) return WX_ENOMEM;
  x->scratch = s;
  x->scratch_cap = k;
  return WX_OK;
}

void wx__touch_post(wx_engine *e, uint32_t i) {
  *wx__touch_col(e, i, WX_TP_POSTS) += 1;
  wx__econ_add_cost(e, e->l->touch_base + i * WX_TP_METRICS + WX_TP_COST,
                    e->params[e->m->touchpoints[i].cost]);
}
