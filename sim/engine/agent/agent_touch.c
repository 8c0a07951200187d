/*
 * Touchpoint firings (model.h wx_touchpoint), the touchpoints mechanic
 * (touch.h).  At a post on module M with n members: K ~ Binomial(n, reach
 * x pulse x solitaire) (one draw), then K distinct members uniformly
 * (wx__members_sample), each of whom acts as agent_reach.c says.  Then
 * Poisson(views) recommended non-members, each taking each recommend
 * response independently; a viewer with any response becomes one new
 * person.  Moments posts (staff and enterprise) are in agent_moments.c.
 * The members of each audience module are kept by the on_enter and
 * on_leave hooks.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "calendar.h"
#include "touch.h"
#include "util.h"

static int touch_next(wx_engine *e, uint32_t i, double after) {
  double t =
      wx__schedule_next(&e->m->touchpoints[i].sched, e->m->start_day, after);
  if (t > e->horizon && t <= e->horizon + WX__SAME_TIME) t = e->horizon;
  if (!(t <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, t, i, WX_EV_TOUCH, 0);
}

/* A viewer who takes at least one recommend response becomes a person
 * now, counted as living only from the first response on. */
static int viewer(wx_engine *e, const wx_touchpoint *tp, double t, gsl_rng *r) {
  uint32_t p = WX_NONE;
  for (uint32_t k = 0; k < tp->n_rec; k++) {
    uint32_t f = tp->rec[k];
    if (!(gsl_rng_uniform(r) < e->join_p[f])) continue;
    double at = t + wx__touch_delay(e, f, r);
    if (!(at <= e->horizon)) continue;
    if (p == WX_NONE) {
      int rc = WX_OK;
      p = wx__agent_new_person(e, &rc);
      if (p == WX_NONE) return rc;
      e->pp.live--;
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

/* One post to the whole module: K ~ Binomial(n, p) distinct members. */
static int broadcast(wx_engine *e, uint32_t i, double t, double p) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  wx_touch_state *x = wx__touch(e);
  gsl_rng *r = wx__agent_tp_rng(e, i);
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

static int fire(wx_engine *e, uint32_t i, double t) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  if (tp->type == WX_TP_ENTERPRISE_MOMENTS &&
      !wx__moments_enterprise_ok(e, i, t))
    return WX_OK;
  wx__fission_fired(e, i, t);
  wx__groups_posted(e, tp->module, t, e->params[tp->solitaire]);
  double p = wx__clamp01(e->params[tp->reach] *
                         wx__tp_pulse(tp, e->params, t, WX_PULSE_REACH) *
                         e->params[tp->solitaire]);
  int rc = tp->type == WX_TP_STAFF_MOMENTS ? wx__moments_staff(e, i, t, p)
                                           : broadcast(e, i, t, p);
  return rc != WX_OK ? rc : recommend(e, i, t, wx__agent_tp_rng(e, i));
}

/* A recommend response: the viewer enters `to` (or counts the outcome). */
static int rec_event(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person, f = ev->epoch;
  const wx_flow *fl = &e->m->flows[f];
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  if (rec[0] == 0 && ++e->pp.live > e->pp.peak_live)
    e->pp.peak_live = e->pp.live;
  e->cur[e->l->flow_base + f] += 1;
  if (e->jr) wx__journey_step(e->jr, p, WX_J_TOUCH, fl->tp - 1, ev->t, 0);
  int rc = WX_OK;
  if (fl->target == WX_TARGET_MODULE)
    rc = wx__agent_enter(e, p, fl->to, ev->t);
  else if (fl->target == WX_TARGET_OUTCOME)
    rc = wx__agent_outcome(e, p, fl->to, ev->t, f);
  wx__agent_settle(e, p, 1);
  return rc;
}

/* ------------------------------------------------- the mechanic's frame */

static int touch_event(wx_engine *e, const wx_event *ev) {
  if (ev->what == WX_EV_REC) return rec_event(e, ev);
  int rc = fire(e, ev->person, ev->t);
  return rc != WX_OK ? rc : touch_next(e, ev->person, ev->t);
}

static int touch_start(wx_engine *e) {
  for (uint32_t i = 0; i < e->m->n_touchpoints; i++) {
    if (e->m->touchpoints[i].live) continue; /* a stream: agent_live.c */
    int rc = touch_next(e, i, -INFINITY);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

static int touch_enter(wx_engine *e, uint32_t p, uint32_t m, double t) {
  (void)t;
  wx_touch_state *x = wx__touch(e);
  uint32_t a = x->aud_of[m];
  return a == WX_NONE ? WX_OK : wx__members_add(&x->aud[a], p);
}

static void touch_leave(wx_engine *e, uint32_t p, uint32_t m, double t) {
  (void)t;
  wx_touch_state *x = wx__touch(e);
  uint32_t a = x->aud_of[m];
  if (a != WX_NONE) wx__members_remove(&x->aud[a], p);
}

static int touch_watch(const wx_engine *e, uint32_t m) {
  return wx__touch(e)->aud_of[m] != WX_NONE;
}

static int touch_person(wx_engine *e, uint32_t p) {
  return wx__moments_new_person(wx__touch(e), p);
}

static void touch_free(void *state) {
  wx_touch_state *x = state;
  if (!x) return;
  for (uint32_t i = 0; x->aud && i < x->n_aud; i++)
    wx__members_free(&x->aud[i]);
  free(x->aud);
  free(x->aud_of);
  free(x->scratch);
  wx__moments_free(x);
  free(x);
}

/* Audience modules: those some touchpoint broadcasts to. */
static int touch_alloc(wx_engine *e, void **out) {
  const wx_model *m = e->m;
  wx_touch_state *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  *out = x;
  x->aud_of = malloc((m->n_modules + 1) * sizeof *x->aud_of);
  x->aud = calloc(m->n_touchpoints + 1, sizeof *x->aud);
  if (!x->aud_of || !x->aud) return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_modules; i++) x->aud_of[i] = WX_NONE;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    uint32_t mod = m->touchpoints[i].module;
    if (x->aud_of[mod] == WX_NONE) x->aud_of[mod] = x->n_aud++;
  }
  return wx__moments_alloc(x, m);
}

static int touch_reset(wx_engine *e, uint64_t seed) {
  (void)seed; /* the touchpoints' streams are the core's */
  wx_touch_state *x = wx__touch(e);
  for (uint32_t i = 0; i < x->n_aud; i++) wx__members_clear(&x->aud[i]);
  wx__moments_reset(x, e->m);
  return WX_OK;
}

static uint64_t touch_bytes(const wx_engine *e) {
  const wx_touch_state *x = wx__touch(e);
  uint64_t b = (uint64_t)x->day_cap * x->n_day * sizeof(int32_t);
  for (uint32_t i = 0; i < x->n_aud; i++)
    b += ((uint64_t)x->aud[i].cap + x->aud[i].pos_cap) * sizeof(uint32_t);
  return b;
}

static int applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  return m->n_touchpoints > 0;
}

const wx_agent_mechanic wx__mech_touch = {
    .name = "touchpoints",
    .applies = applies,
    .alloc = touch_alloc,
    .free = touch_free,
    .reset = touch_reset,
    .start = touch_start,
    .on_person = touch_person,
    .watches = touch_watch,
    .on_enter = touch_enter,
    .on_leave = touch_leave,
    .on_event = touch_event,
    .events = {WX_EV_TOUCH, WX_EV_REC},
    .bytes = touch_bytes,
};
