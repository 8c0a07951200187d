/*
 * Touchpoint firings (model.h wx_touchpoint).  At a post on module M with
 * n members: K ~ Binomial(n, reach x pulse x solitaire) (one draw), then K
 * distinct members uniformly (wx__members_sample).  Each reached member,
 * in order: unfollows with p (leaves M, nothing else); else takes each
 * response independently (a flow from M carrying M's epoch, so leaving M
 * cancels it) and then shares per `fission`.  Then Poisson(views)
 * recommended non-members, each taking each recommend response
 * independently; a viewer with any response becomes one new person.
 * Moments posts (staff and enterprise) are in agent_moments.c.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "calendar.h"
#include "dist.h"

double *wx__touch_col(wx_engine *e, uint32_t i, int k) {
  return &e->cur[e->l->touch_base + i * WX_TP_METRICS + k];
}

int wx__touch_next(wx_engine *e, uint32_t i, double after) {
  double t =
      wx__schedule_next(&e->m->touchpoints[i].sched, e->m->start_day, after);
  if (t > e->horizon && t <= e->horizon + WX__SAME_TIME) t = e->horizon;
  if (!(t <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, t, i, WX_EV_TOUCH, 0);
}

static double pulse(const wx_engine *e, const wx_touchpoint *tp, double t) {
  double x = 1, day = floor(t);
  for (uint32_t k = 0; k < tp->n_pulses; k++)
    if (tp->pulses[k].day == day) x *= e->params[tp->pulses[k].x];
  return x;
}

static double response_delay(wx_engine *e, uint32_t f, gsl_rng *r) {
  return wx__dist_draw_pdf(&e->m->flows[f].delay, e->params, e->pdf[f], r);
}

/* What one reached member q does. */
int wx__touch_reached(wx_engine *e, uint32_t i, uint32_t q, double t, gsl_rng *r) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  if (e->jr) wx__journey_step(e->jr, q, WX_J_TOUCH, i, t, 0);
  if (gsl_rng_uniform(r) < e->params[tp->unfollow]) {
    *wx__touch_col(e, i, WX_TP_UNFOLLOWS) += 1;
    wx__agent_leave(e, q, tp->module);
    wx__agent_settle(e, q, 1);
    return WX_OK;
  }
  uint16_t epoch = wx__person(&e->pp, q)[2 + tp->module];
  for (uint32_t k = 0; k < tp->n_responses; k++) {
    uint32_t f = tp->responses[k];
    if (!(gsl_rng_uniform(r) < e->join_p[f])) continue;
    double d = response_delay(e, f, r);
    if (wx__agent_schedule(e, t + d, q, f, epoch) != WX_OK) return WX_ENOMEM;
  }
  if (tp->fission.on && gsl_rng_uniform(r) < e->params[tp->fission.share])
    return wx__fission_share(e, i, t);
  return WX_OK;
}

int wx__touch_scratch(wx_xstate *x, uint32_t k) {
  if (k <= x->scratch_cap) return WX_OK;
  uint32_t *s = realloc(x->scratch, (size_t)k * sizeof *s);
  if (!s) return WX_ENOMEM;
  x->scratch = s;
  x->scratch_cap = k;
  return WX_OK;
}

/* A viewer who takes at least one recommend response becomes a person
 * now, counted as living only from the first response on. */
static int viewer(wx_engine *e, const wx_touchpoint *tp, double t, gsl_rng *r) {
  uint32_t p = WX_NONE;
  for (uint32_t k = 0; k < tp->n_rec; k++) {
    uint32_t f = tp->rec[k];
    if (!(gsl_rng_uniform(r) < e->join_p[f])) continue;
    double at = t + response_delay(e, f, r);
    if (!(at <= e->horizon)) continue;
    if (p == WX_NONE) {
      int toobig = 0;
      p = wx__people_new(&e->pp, &toobig);
      if (p == WX_NONE) return toobig ? WX_ETOOBIG : WX_ENOMEM;
      e->pp.live--;
      if (wx__x_new_person(e, p) != WX_OK) return WX_ENOMEM;
    }
    if (wx__agent_schedule(e, at, p, WX_EV_REC, (uint16_t)f) != WX_OK)
      return WX_ENOMEM;
  }
  return WX_OK;
}

static int recommend(wx_engine *e, uint32_t i, double t, gsl_rng *r) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  if (tp->views == WX_NONE) return WX_OK;
  unsigned v = wx__poisson(r, e->params[tp->views]);
  *wx__touch_col(e, i, WX_TP_VIEWS) += v;
  for (unsigned k = 0; k < v; k++) {
    if (wx__agent_stopping(e, k)) return WX_EINTERRUPTED;
    int rc = viewer(e, tp, t, r);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

void wx__touch_post(wx_engine *e, uint32_t i) {
  *wx__touch_col(e, i, WX_TP_POSTS) += 1;
  wx__econ_add_cost(e, e->l->touch_base + i * WX_TP_METRICS + WX_TP_COST,
                    e->params[e->m->touchpoints[i].cost]);
}

/* One post to the whole module: K ~ Binomial(n, p) distinct members. */
static int broadcast(wx_engine *e, uint32_t i, double t, double p) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  wx_xstate *x = e->x;
  gsl_rng *r = x->tp_rng[i];
  wx__touch_post(e, i);
  wx_members *a = &x->aud[x->aud_of[tp->module]];
  if (tp->type == WX_TP_ENTERPRISE_MOMENTS)
    *wx__touch_col(e, i, WX_TP_SELECTED) += a->n;
  uint32_t k = a->n ? gsl_ran_binomial(r, p, a->n) : 0;
  if (wx__touch_scratch(x, k) != WX_OK) return WX_ENOMEM;
  wx__members_sample(a, k, r, x->scratch);
  *wx__touch_col(e, i, WX_TP_REACHED) += k;
  for (uint32_t j = 0; j < k; j++) {
    if (wx__agent_stopping(e, j)) return WX_EINTERRUPTED;
    int rc = wx__touch_reached(e, i, x->scratch[j], t, r);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

int wx__touch_fire(wx_engine *e, uint32_t i, double t) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  wx_xstate *x = e->x;
  if (tp->type == WX_TP_ENTERPRISE_MOMENTS &&
      !wx__moments_enterprise_ok(e, i, t))
    return WX_OK;
  if (isnan(x->first[i])) x->first[i] = t;
  double p = wx__clamp01(e->params[tp->reach] * pulse(e, tp, t) *
                         e->params[tp->solitaire]);
  int rc = tp->type == WX_TP_STAFF_MOMENTS ? wx__moments_staff(e, i, t, p)
                                           : broadcast(e, i, t, p);
  return rc != WX_OK ? rc : recommend(e, i, t, x->tp_rng[i]);
}

/* A recommend response: the viewer enters `to` (or counts the outcome). */
int wx__touch_rec_event(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person, f = ev->epoch;
  const wx_flow *fl = &e->m->flows[f];
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  if (rec[0] == 0 && ++e->pp.live > e->pp.peak_live)
    e->pp.peak_live = e->pp.live;
  e->cur[e->l->flow_base + f] += 1;
  if (e->jr) wx__journey_step(e->jr, p, WX_J_TOUCH, fl->tp - 1, ev->t, 0);
  int rc = WX_OK;
  if (fl->target == WX_TARGET_MODULE) {
    rc = wx__agent_enter(e, p, fl->to, ev->t);
  } else if (fl->target == WX_TARGET_OUTCOME) {
    e->cur[e->l->outcome_base + fl->to] += 1;
    rc = wx__x_outcome(e, p, fl->to, ev->t, f);
  }
  wx__agent_settle(e, p, 1);
  return rc;
}
