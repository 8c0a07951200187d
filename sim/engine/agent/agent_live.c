/*
 * Live streams (model.h wx_live), the live mechanic (live.h).  At each
 * firing of a touchpoint with a session, at t0, for a stream of T days:
 *   - the post is counted (posts, cost) and fission's clock starts;
 *   - K ~ Binomial(members, reach x pulse x solitaire) distinct members
 *     attend, each then acting as a reached member (agent_reach.c:
 *     unfollow, responses, shares), and Poisson(recommended x pulse)
 *     viewers come from the platform;
 *   - per viewer, in this order: an arrival offset (uniform on [0, T), or
 *     a draw of `arrivals`; at T or later the viewer misses the stream),
 *     a viewing time W (leaving at min(arrival + W, t0 + T)), a purchase
 *     at arrival + Exp(buy) if that is before leaving, and for a
 *     recommended viewer a follow (with p) when leaving;
 *   - the replay: Binomial(members, replay reach) members and
 *     Poisson(replay views) others, arriving uniformly within the window
 *     after t0 + T, each buying with p.
 * Arrivals and departures go into the touchpoint's timeline (live_line.c)
 * for the samples; purchases and follows are events about a person.  A
 * recommended viewer becomes a person only when it buys or follows (like
 * a post's recommended viewers, agent_touch.c).  Every draw is from the
 * touchpoint's stream, at t0.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "calendar.h"
#include "dist.h"
#include "live.h"
#include "util.h"

/* What a WX_EV_LIVE event is: its tag is rank j * 4 + one of these. */
enum { LIVE_BUY, LIVE_FOLLOW, LIVE_REPLAY_BUY, LIVE_SESSION };

static wx_live_state *state(const wx_engine *e) {
  return e->mech[WX_MECH_LIVE];
}

static double *col(wx_engine *e, uint32_t j, int k) {
  return &e->cur[e->l->live_base + j * WX_LIVE_METRICS + (uint32_t)k];
}

static double param(const wx_engine *e, uint32_t pi) {
  return pi == WX_NONE ? 0 : e->params[pi];
}

static int next_session(wx_engine *e, uint32_t j, double after) {
  const wx_touchpoint *tp = &e->m->touchpoints[state(e)->tp[j]];
  double t = wx__schedule_next(&tp->sched, e->m->start_day, after);
  if (t > e->horizon && t <= e->horizon + WX__SAME_TIME) t = e->horizon;
  if (!(t <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, t, j, WX_EV_LIVE,
                        (uint16_t)(j * 4 + LIVE_SESSION));
}

/* Queues what viewer *q does at t, making a recommended viewer (WX_NONE)
 * a person first; nothing after the horizon. */
static int act(wx_engine *e, uint32_t j, uint32_t *q, double t, int what) {
  if (!(t <= e->horizon)) return WX_OK;
  if (*q == WX_NONE) {
    int rc = WX_OK;
    *q = wx__agent_new_person(e, &rc);
    if (*q == WX_NONE) return rc;
    e->pp.live--; /* living from its first event on (see live_event) */
    *col(e, j, WX_LIVE_NEW_PEOPLE) += 1;
  }
  return wx__agent_schedule(e, t, *q, WX_EV_LIVE, (uint16_t)(j * 4 + what));
}

/* One viewer of the stream of rank j from t0: member q, or WX_NONE. */
static int viewer(wx_engine *e, uint32_t j, uint32_t q, double t0, gsl_rng *r) {
  const wx_live *lv = e->m->touchpoints[state(e)->tp[j]].live;
  wx_live_line *ln = &state(e)->line[j];
  int recommended = q == WX_NONE; /* q becomes a person if it buys */
  double T = lv->duration;
  double off = lv->arrive_uniform ? T * gsl_rng_uniform(r)
                                  : wx__dist_draw(&lv->arrive, e->params, r);
  if (!(off < T)) return WX_OK; /* arrives after the end: missed */
  double a = t0 + off, d = a + wx__dist_draw(&lv->watch, e->params, r);
  if (!(d < t0 + T)) d = t0 + T;
  int rc = wx__live_line_push(ln, a, WX_LT_ARRIVE);
  if (rc == WX_OK) rc = wx__live_line_push(ln, d, WX_LT_LEAVE);
  if (rc == WX_OK && lv->buy != WX_NONE) {
    double h = e->params[lv->buy], u = gsl_rng_uniform_pos(r);
    double x = h > 0 ? -log(u) / h : INFINITY;
    if (a + x < d) rc = act(e, j, &q, a + x, LIVE_BUY);
  }
  if (rc == WX_OK && recommended && lv->follow != WX_NONE &&
      gsl_rng_uniform(r) < e->params[lv->follow])
    rc = act(e, j, &q, d, LIVE_FOLLOW);
  return rc;
}

static int replay_viewer(wx_engine *e, uint32_t j, uint32_t q, double end,
                         gsl_rng *r) {
  const wx_live *lv = e->m->touchpoints[state(e)->tp[j]].live;
  double a = end + lv->replay_window * gsl_rng_uniform(r);
  int rc = wx__live_line_push(&state(e)->line[j], a, WX_LT_REPLAY);
  if (rc == WX_OK && lv->replay_buy != WX_NONE &&
      gsl_rng_uniform(r) < e->params[lv->replay_buy])
    rc = act(e, j, &q, a, LIVE_REPLAY_BUY);
  return rc;
}

typedef int (*viewer_fn)(wx_engine *e, uint32_t j, uint32_t q, double t,
                         gsl_rng *r);

/* K ~ Binomial(members, p) distinct members, then Poisson(mean) others,
 * each through f; `reached` also makes members reached ones. */
static int audience(wx_engine *e, uint32_t j, double t, double p, double mean,
                    viewer_fn f, int reached) {
  uint32_t i = state(e)->tp[j];
  wx_touch_state *x = wx__touch(e);
  wx_members *a = &x->aud[x->aud_of[e->m->touchpoints[i].module]];
  gsl_rng *r = wx__agent_tp_rng(e, i);
  uint32_t k = a->n && p > 0 ? gsl_ran_binomial(r, p, a->n) : 0;
  if (wx__touch_scratch(x, k) != WX_OK) return WX_ENOMEM;
  wx__members_sample(a, k, r, x->scratch);
  if (reached) *wx__touch_col(e, i, WX_TP_REACHED) += k;
  int rc = WX_OK;
  for (uint32_t n = 0; rc == WX_OK && n < k; n++) {
    if (wx__agent_stopping(e, n)) return WX_EINTERRUPTED;
    /* its events first: they hold the slot if it unfollows and dies */
    rc = f(e, j, x->scratch[n], t, r);
    if (rc == WX_OK && reached)
      rc = wx__touch_reached(e, i, x->scratch[n], t, r);
  }
  unsigned v = mean > 0 ? wx__poisson(r, mean) : 0;
  if (reached) *wx__touch_col(e, i, WX_TP_VIEWS) += v;
  for (unsigned n = 0; rc == WX_OK && n < v; n++) {
    if (wx__agent_stopping(e, n)) return WX_EINTERRUPTED;
    rc = f(e, j, WX_NONE, t, r);
  }
  return rc;
}

static int session(wx_engine *e, uint32_t j, double t0) {
  uint32_t i = state(e)->tp[j];
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  const wx_live *lv = tp->live;
  wx__touch_post(e, i);
  wx__fission_fired(e, i, t0);
  wx__live_line_fold(&state(e)->line[j], t0);
  double x = wx__tp_pulse(tp, e->params, t0, WX_PULSE_REACH);
  double p = wx__clamp01(e->params[tp->reach] * x * e->params[tp->solitaire]);
  int rc = audience(e, j, t0, p, param(e, lv->views) * x, viewer, 1);
  if (rc == WX_OK && lv->replay)
    rc = audience(e, j, t0 + lv->duration,
                  wx__clamp01(param(e, lv->replay_reach)),
                  param(e, lv->replay_views), replay_viewer, 0);
  wx__live_line_sort(&state(e)->line[j]);
  return rc;
}

/* A purchase or a follow of person p (counted as living meanwhile). */
static int live_event(wx_engine *e, const wx_event *ev) {
  uint32_t j = ev->epoch / 4, what = ev->epoch % 4;
  if (what == LIVE_SESSION) {
    int rc = session(e, j, ev->t);
    return rc != WX_OK ? rc : next_session(e, j, ev->t);
  }
  const wx_touchpoint *tp = &e->m->touchpoints[state(e)->tp[j]];
  uint32_t p = ev->person, rev = state(e)->rev_col[j];
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  if (rec[0] == 0 && ++e->pp.live > e->pp.peak_live)
    e->pp.peak_live = e->pp.live;
  if (e->jr) wx__journey_step(e->jr, p, WX_J_TOUCH, state(e)->tp[j], ev->t, 0);
  int rc;
  if (what == LIVE_FOLLOW) {
    *col(e, j, WX_LIVE_FOLLOWS) += 1;
    rc = wx__agent_enter(e, p, tp->module, ev->t);
  } else {
    int replay = what == LIVE_REPLAY_BUY;
    double before = rev != WX_NONE ? e->cur[rev] : 0;
    rc = wx__agent_outcome(e, p, tp->live->outcome, ev->t, WX_NONE);
    *col(e, j, replay ? WX_LIVE_REPLAY_PURCHASES : WX_LIVE_PURCHASES) += 1;
    if (rev != WX_NONE)
      *col(e, j, replay ? WX_LIVE_REPLAY_REVENUE : WX_LIVE_REVENUE) +=
          e->cur[rev] - before;
  }
  wx__agent_settle(e, p, 1);
  return rc;
}

static void live_sample(wx_engine *e, double t) {
  wx_live_state *x = state(e);
  for (uint32_t j = 0; j < x->n; j++) {
    wx_live_now v = wx__live_line_at(&x->line[j], t);
    *col(e, j, WX_LIVE_ONLINE) = v.online;
    *col(e, j, WX_LIVE_PEAK) = v.peak;
    *col(e, j, WX_LIVE_VIEWERS) = v.viewers;
    *col(e, j, WX_LIVE_REPLAY_VIEWERS) = v.replay;
  }
}

/* ------------------------------------------------- the mechanic's frame */

static int live_start(wx_engine *e) {
  int rc = WX_OK;
  for (uint32_t j = 0; rc == WX_OK && j < state(e)->n; j++)
    rc = next_session(e, j, -INFINITY);
  return rc;
}

static int live_reset(wx_engine *e, uint64_t seed) {
  (void)seed; /* the touchpoints' streams are the core's */
  wx_live_state *x = state(e);
  for (uint32_t j = 0; j < x->n; j++) wx__live_line_clear(&x->line[j]);
  return WX_OK;
}

static void live_free(void *st) {
  wx_live_state *x = st;
  if (!x) return;
  for (uint32_t j = 0; x->line && j < x->n; j++)
    wx__live_line_free(&x->line[j]);
  free(x->line);
  free(x->tp);
  free(x->rev_col);
  free(x);
}

/* Points per timeline: its share of the engine's memory, and what an
 * int32 prefix can count. */
static uint32_t max_points(const wx_engine *e, uint32_t n) {
  double most = (double)INT32_MAX;
  if (e->l->engine_bytes_max > 0)
    most = fmin(most, e->l->engine_bytes_max / 4 / n / sizeof(wx_live_point));
  return (uint32_t)fmax(most, 1024);
}

static int live_alloc(wx_engine *e, void **out) {
  const wx_model *m = e->m;
  wx_live_state *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  *out = x;
  x->tp = malloc((m->n_touchpoints + 1) * sizeof *x->tp);
  x->rev_col = malloc((m->n_touchpoints + 1) * sizeof *x->rev_col);
  x->line = calloc(m->n_touchpoints + 1, sizeof *x->line);
  if (!x->tp || !x->rev_col || !x->line) return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_live *lv = m->touchpoints[i].live;
    if (!lv) continue;
    x->rev_col[x->n] =
        wx__layout_find(e->l, WX_SCOPE_OUTCOME, lv->outcome, "revenue");
    x->tp[x->n++] = i;
  }
  for (uint32_t j = 0; j < x->n; j++) x->line[j].max = max_points(e, x->n);
  return WX_OK;
}

static uint64_t live_bytes(const wx_engine *e) {
  const wx_live_state *x = state(e);
  uint64_t b = 0;
  for (uint32_t j = 0; j < x->n; j++)
    b += (uint64_t)x->line[j].cap * sizeof(wx_live_point);
  return b;
}

static int applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (m->touchpoints[i].live) return 1;
  return 0;
}

const wx_agent_mechanic wx__mech_live = {
    .name = "live streams",
    .applies = applies,
    .alloc = live_alloc,
    .free = live_free,
    .reset = live_reset,
    .start = live_start,
    .on_sample = live_sample,
    .on_event = live_event,
    .events = {WX_EV_LIVE},
    .bytes = live_bytes,
};
