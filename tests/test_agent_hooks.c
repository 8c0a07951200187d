/* The table of mechanics (agent_hooks.h): a model uses only the
 * mechanics it needs, every mechanic event code has one owner, and a
 * mechanic added after the table (a recorder) sees every entry, exit and
 * outcome the core counts, at the point the hooks promise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "touch_fixture.h"

/* A plain funnel: nothing but the core runs. */
static void plain_model_uses_no_mechanic(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A");
  fx_initial(m, a, 100);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 2, 0);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  const wx_agent_hooks *h = &r.e->hk;
  assert_int_equal(h->n_used, 0);
  assert_int_equal(h->n_person + h->n_admit + h->n_keeps + h->n_enter +
                       h->n_leave + h->n_outcome + h->n_sample,
                   0);
  wx_event ev = {.t = 1, .person = 0, .what = WX_EV_TOUCH};
  assert_int_equal(wx__hooks_event(r.e, &ev), WX_EINVAL);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  fx_teardown(&r);
}

/* Staff accounts, a touchpoint with fission and a campaign: all four
 * mechanics, in table order, and each code of agent_core.h's table
 * between WX_EV_FIRST_SPECIAL and WX_EV_SOURCE owned, but for those of the
 * mechanics the model does not use (live streams, complaint cascades). */
static void every_event_code_has_one_owner(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t s = fx_module(m, "S");
  fx_units(m, s, WX_KIND_WECOM);
  fx_initial(m, s, 50);
  uint32_t tp = fx_touch(m, s, 1, 0.5);
  fx_fission(m, &m->touchpoints[tp].fission, 0.1, 1, 0, 1, s);
  fx_campaign(m, s, 2, 10, 100);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  const wx_agent_hooks *h = &r.e->hk;
  const wx_agent_mechanic *want[] = {&wx__mech_units, &wx__mech_touch,
                                     &wx__mech_fission, &wx__mech_econ};
  assert_int_equal(h->n_used, 4);
  for (int k = 0; k < 4; k++) assert_ptr_equal(h->used[k], want[k]);
  for (uint32_t c = WX_EV_FIRST_SPECIAL; c < WX_EV_SOURCE; c++) {
    const wx_agent_mechanic *o = h->by_event[c - WX_EV_FIRST_SPECIAL];
    if (c == WX_EV_LIVE || c == WX_EV_CASCADE)
      assert_null(o);
    else
      assert_non_null(o);
  }
  assert_ptr_equal(h->by_event[WX_EV_RETRY - WX_EV_FIRST_SPECIAL],
                   &wx__mech_units);
  assert_ptr_equal(h->by_event[WX_EV_FISSION - WX_EV_FIRST_SPECIAL],
                   &wx__mech_fission);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  fx_teardown(&r);
}

/* What the recorder saw (tests may keep globals; the library may not). */
#define MODS 3
static struct {
  double enters[MODS], leaves[MODS], outcomes, samples;
  int misplaced; /* a hook that ran before or after its promised point */
} seen;

static int rec_reset(wx_engine *e, uint64_t seed) {
  (void)e;
  (void)seed;
  memset(&seen, 0, sizeof seen);
  return WX_OK;
}

static int rec_enter(wx_engine *e, uint32_t p, uint32_t m, double t) {
  (void)t;
  seen.enters[m] += 1;
  if (!(wx__person(&e->pp, p)[2 + m] & 1)) seen.misplaced++; /* a member */
  return WX_OK;
}

static void rec_leave(wx_engine *e, uint32_t p, uint32_t m, double t) {
  seen.leaves[m] += 1;
  if (wx__person(&e->pp, p)[2 + m] & 1) seen.misplaced++; /* no more */
  if (t != e->now) seen.misplaced++;
}

static int rec_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                       uint32_t flow) {
  (void)e;
  (void)p;
  (void)o;
  (void)t;
  (void)flow;
  seen.outcomes += 1;
  return WX_OK;
}

static void rec_sample(wx_engine *e, double t) {
  (void)e;
  (void)t;
  seen.samples += 1;
}

static const wx_agent_mechanic recorder = {
    .name = "recorder",
    .reset = rec_reset,
    .on_enter = rec_enter,
    .on_leave = rec_leave,
    .on_outcome = rec_outcome,
    .on_sample = rec_sample,
};

/* A -> S (two staff accounts of 30 friends: most are refused) -> B ->
 * purchase, with churn and a broadcast on S whose readers unfollow: the
 * recorder's counts equal the joins, leaves and outcome columns, so a
 * refused friend request is no entry and every exit path runs on_leave. */
static void a_recorder_sees_what_the_core_counts(void **state) {
  (void)state;
  wx_model *m = fx_model(30, 1);
  uint32_t a = fx_module(m, "A"), s = fx_module(m, "S"), b = fx_module(m, "B");
  uint32_t buy = wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->units = 2, u->cap = 30, u->daily_adds = 1e9;
  u->on_refused = WX_REFUSE_DROP;
  fx_initial(m, a, 400);
  fx_flow(m, WX_FLOW_MOVE, a, s, 0, 0.6, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 0.3, WX_DIST_EXPONENTIAL, 5, 0);
  fx_flow(m, WX_FLOW_MOVE, s, b, 0, 0.4, WX_DIST_EXPONENTIAL, 3, 0);
  fx_flow(m, WX_FLOW_JOIN, b, buy, 1, 0.5, WX_DIST_EXPONENTIAL, 1, 0);
  uint32_t tp = fx_touch(m, s, 1, 0.5);
  m->touchpoints[tp].unfollow = fx_param(m, 0.05);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(wx__hooks_add(r.e, &recorder), WX_OK);
  assert_int_equal(wx__hooks_add(r.e, &recorder), WX_ETOOBIG);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  uint32_t last = r.l.n_samples - 1;
  assert_true(fx_at(&r, last, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) > 0);
  assert_true(fx_at(&r, last, fx_tp_col(&r, tp, WX_TP_UNFOLLOWS)) > 0);
  for (uint32_t k = 0; k < MODS; k++) {
    assert_true(seen.enters[k] > 0);
    assert_true(seen.enters[k] == fx_at(&r, last, fx_joins(&r, k)));
    assert_true(seen.leaves[k] == fx_at(&r, last, fx_leaves(&r, k)));
  }
  assert_true(seen.outcomes > 0);
  assert_true(seen.outcomes == fx_at(&r, last, r.l.outcome_base + buy));
  assert_true(seen.samples == r.l.n_samples);
  assert_int_equal(seen.misplaced, 0);
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_model_uses_no_mechanic),
      cmocka_unit_test(every_event_code_has_one_owner),
      cmocka_unit_test(a_recorder_sees_what_the_core_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
