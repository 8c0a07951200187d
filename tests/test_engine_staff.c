/* Staff accounts in the agent engine (agent_staff.c): caps, daily limits,
 * acceptance, assignment, refusal policies, bans and costs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_engine.h"
#include "engine_fixture.h"
#include "kpi.h"

static double last(const fx_run *r, uint32_t col) {
  return fx_at(r, r->l.n_samples - 1, col);
}

static wx_units_rt *rt(const fx_run *r, uint32_t mod) {
  return r->e->ux->of[mod];
}

/* 200/d arrivals onto 3 accounts of 7 friends, 5 adds a day, churn: at
 * every sample no account is above its cap, and no calendar day saw more
 * than 3 x 5 adds, whatever the policy. */
static void caps_and_daily_limit_hold_under_every_policy(void **state) {
  (void)state;
  const wx_refuse pol[] = {WX_REFUSE_OVERFLOW, WX_REFUSE_DROP, WX_REFUSE_RETRY};
  for (int a = 0; a < 2; a++)
    for (int k = 0; k < 3; k++) {
      wx_model *m = fx_model(20, 1);
      uint32_t s = fx_module(m, "S");
      wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
      u->units = 3, u->cap = 7, u->daily_adds = 5, u->on_refused = pol[k];
      u->assign = a ? WX_ASSIGN_ROUND_ROBIN : WX_ASSIGN_LEAST_LOADED;
      u->retry_after = 0.3;
      fx_flow(m, WX_FLOW_CHURN, s, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 2, 0);
      double from = 0, rate = 200;
      fx_poisson(m, s, 1, &from, &rate);
      fx_run r;
      assert_int_equal(fx_setup(&r, m), 0);
      assert_int_equal(fx_go(&r, 7, 0), WX_OK);
      for (uint32_t t = 1; t < r.l.n_samples; t++) {
        assert_true(fx_at(&r, t, fx_unit_col(&r, s, WX_S_FRIENDS_MAX)) <= 7);
        assert_true(fx_at(&r, t, fx_members(&r, s)) <= 21);
        double adds =
            fx_at(&r, t, fx_joins(&r, s)) - fx_at(&r, t - 1, fx_joins(&r, s));
        assert_true(adds <= 15);
      }
      assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_DAILY)) > 0);
      if (pol[k] == WX_REFUSE_RETRY)
        assert_true(last(&r, fx_unit_col(&r, s, WX_S_RETRIES)) > 0);
      fx_teardown(&r);
    }
}

/* 1000 people at t = 0, 3 accounts of 100, nobody leaves: drop refuses
 * exactly 1000 - 300, with either assignment. */
static void drop_refuses_exactly_the_arrivals_beyond_the_caps(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    wx_model *m = fx_model(2, 1);
    uint32_t s = fx_module(m, "S");
    wx_units_cfg *u = fx_units(m, s, WX_KIND_PERSONAL_ACCOUNT);
    u->units = 3, u->cap = 100, u->on_refused = WX_REFUSE_DROP;
    u->assign = a ? WX_ASSIGN_ROUND_ROBIN : WX_ASSIGN_LEAST_LOADED;
    fx_initial(m, s, 1000);
    fx_run r;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(fx_go(&r, 1, 0), WX_OK);
    assert_true(last(&r, fx_members(&r, s)) == 300);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) == 700);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_FRIENDS_MAX)) == 100);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_ACCOUNTS_USED)) == 3);
    fx_teardown(&r);
  }
}

/* Overflow fills every account before refusing: 7 people, 3 accounts of
 * 2 -> each account exactly 2, one refused; round robin with drop and 2
 * adds a day refuses the 5th of 5 on a day. */
static void overflow_fills_every_account_before_refusing(void **state) {
  (void)state;
  wx_model *m = fx_model(1, 1);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->units = 3, u->cap = 2;
  fx_initial(m, s, 7);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  for (uint32_t i = 0; i < 3; i++) assert_int_equal(rt(&r, s)->mem[i].n, 2);
  assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) == 1);
  fx_teardown(&r);

  m = fx_model(1, 1);
  s = fx_module(m, "S");
  u = fx_units(m, s, WX_KIND_WECOM);
  u->units = 2, u->daily_adds = 2, u->assign = WX_ASSIGN_ROUND_ROBIN;
  u->on_refused = WX_REFUSE_DROP;
  fx_initial(m, s, 5);
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(last(&r, fx_members(&r, s)) == 4);
  assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_DAILY)) == 1);
  assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) == 0);
  fx_teardown(&r);
}

/* With no daily limit nothing is refused by one: round robin + drop onto
 * 3 accounts of 7 with churn offers requests to full accounts while
 * others have room, and each such refusal is the cap's. */
static void without_a_daily_limit_every_refusal_is_the_caps(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    wx_model *m = fx_model(20, 1);
    uint32_t s = fx_module(m, "S");
    wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
    u->units = 3, u->cap = 7, u->on_refused = WX_REFUSE_DROP;
    u->assign = a ? WX_ASSIGN_ROUND_ROBIN : WX_ASSIGN_LEAST_LOADED;
    fx_flow(m, WX_FLOW_CHURN, s, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 2, 0);
    double from = 0, rate = 200;
    fx_poisson(m, s, 1, &from, &rate);
    fx_run r;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(fx_go(&r, 7, 0), WX_OK);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) > 1000);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_DAILY)) == 0);
    fx_teardown(&r);
  }
}

static double kpi(const fx_run *r, const char *name) {
  wx_kpi_set k;
  assert_int_equal(wx__kpis_init(&k, r->m, &r->l), WX_OK);
  double out[64], v = NAN;
  assert_true(k.n <= 64);
  wx__kpis_eval(&k, &r->l, &r->s, out);
  for (uint32_t i = 0; i < k.n; i++)
    if (strcmp(k.defs[i].name, name) == 0) v = out[i];
  wx__kpis_free(&k);
  return v;
}

/* n requests at t = 0 on 2 accounts: serving all of them takes
 * max(ceil(n / cap), ceil(n / daily_adds)) accounts. */
static double staff_for(double n, double cap, double daily) {
  wx_model *m = fx_model(3, 1);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->units = 2, u->cap = cap, u->daily_adds = daily;
  u->on_refused = WX_REFUSE_DROP, u->assign = WX_ASSIGN_ROUND_ROBIN;
  fx_initial(m, s, n);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  double v = kpi(&r, "staff_needed.S");
  fx_teardown(&r);
  return v;
}

static void staff_needed_serves_both_the_cap_and_the_daily_limit(void **st) {
  (void)st;
  assert_true(staff_for(5, 1000, 2) == 3);
  assert_true(staff_for(50, 10, 20) == 5);
  assert_true(staff_for(50, 30, 5) == 10);
  assert_true(staff_for(50, 30, INFINITY) == 2);
  assert_true(staff_for(7, 1000, INFINITY) == 1);
}

/* Requests retried are one person's demand: one account of 1 friend, two
 * people at t = 0, the refused one retrying every 0.4 d until the friend
 * churns at 1 d: 2 accounts (not one per attempt). */
static void staff_needed_counts_a_retried_request_once(void **state) {
  (void)state;
  wx_model *m = fx_model(3, 0.5);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->cap = 1, u->on_refused = WX_REFUSE_RETRY, u->retry_after = 0.4;
  fx_flow(m, WX_FLOW_CHURN, s, WX_NONE, 0, 1, WX_DIST_FIXED, 1, 0);
  fx_initial(m, s, 2);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(last(&r, fx_unit_col(&r, s, WX_S_RETRIES)) >= 2);
  assert_true(kpi(&r, "staff_needed.S") == 2);
  fx_teardown(&r);
}

/* Declined requests ~ Binomial(N, 1 - accept): within 4 sd. */
static void declined_requests_are_binomial(void **state) {
  (void)state;
  const double n = 10000, acc = 0.3;
  wx_model *m = fx_model(1, 1);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->accept = fx_param(m, acc);
  fx_initial(m, s, n);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 11, 0), WX_OK);
  double d = last(&r, fx_unit_col(&r, s, WX_S_DECLINED));
  assert_true(fabs(d - n * (1 - acc)) <= 4 * sqrt(n * acc * (1 - acc)));
  assert_true(last(&r, fx_members(&r, s)) == n - d);
  fx_teardown(&r);
}

/* Least loaded: 1000 people onto 7 accounts, no leaving: sizes differ by
 * at most 1. */
static void least_loaded_keeps_accounts_within_one(void **state) {
  (void)state;
  wx_model *m = fx_model(1, 1);
  uint32_t s = fx_module(m, "S");
  fx_units(m, s, WX_KIND_WECOM)->units = 7;
  fx_initial(m, s, 1000);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint32_t i = 0; i < 7; i++) {
    uint32_t n = rt(&r, s)->mem[i].n;
    lo = n < lo ? n : lo;
    hi = n > hi ? n : hi;
  }
  assert_true(hi - lo <= 1);
  fx_teardown(&r);
}

/* One account of 1 friend; 2 people at t = 0; the friend churns at 1d;
 * the refused one retries at 1.5d and gets in. */
static void retry_admits_after_retry_after(void **state) {
  (void)state;
  wx_model *m = fx_model(3, 0.5);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->cap = 1, u->on_refused = WX_REFUSE_RETRY, u->retry_after = 1.5;
  fx_flow(m, WX_FLOW_CHURN, s, WX_NONE, 0, 1, WX_DIST_FIXED, 1, 0);
  fx_initial(m, s, 2);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fx_at(&r, fx_sample(&r, 1), fx_members(&r, s)) == 0);
  assert_true(fx_at(&r, fx_sample(&r, 1.5), fx_members(&r, s)) == 1);
  assert_true(fx_at(&r, fx_sample(&r, 1.5), fx_unit_col(&r, s, WX_S_RETRIES)) ==
              1);
  assert_true(last(&r, fx_unit_col(&r, s, WX_S_REFUSED_CAP)) == 1);
  assert_true(last(&r, fx_joins(&r, s)) == 2);
  fx_teardown(&r);
}

/* 3 accounts of 10 friends; bans at the tick of day 1 (P = 1/2 each); a
 * join S -> B is due at 1.2d for everyone.  A banned account loses exactly
 * its 10 friends, the others keep theirs, and the banned friends' pending
 * joins are cancelled. */
static void a_ban_loses_exactly_that_accounts_friends(void **state) {
  (void)state;
  int partial = 0;
  for (uint64_t seed = 1; seed <= 20; seed++) {
    wx_model *m = fx_model(1.5, 0.5);
    uint32_t s = fx_module(m, "S"), b = fx_module(m, "B");
    wx_units_cfg *u = fx_units(m, s, WX_KIND_PERSONAL_ACCOUNT);
    u->units = 3, u->ban_rate = fx_param(m, log(2.0)), u->replace_after = 5;
    fx_flow(m, WX_FLOW_JOIN, s, b, 0, 1, WX_DIST_FIXED, 1.2, 0);
    fx_initial(m, s, 30);
    fx_run r;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(fx_go(&r, seed, 0), WX_OK);
    double bans = last(&r, fx_unit_col(&r, s, WX_S_BANS));
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_BAN_LOSSES)) == 10 * bans);
    assert_true(last(&r, fx_members(&r, s)) == 30 - 10 * bans);
    assert_true(last(&r, fx_joins(&r, b)) == 30 - 10 * bans);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_ACCOUNTS_ACTIVE)) == 3 - bans);
    for (uint32_t i = 0; i < 3; i++) {
      wx_units_rt *x = rt(&r, s);
      assert_int_equal(x->mem[i].n, x->state[i] == WX_UNIT_BANNED ? 0 : 10);
    }
    partial += bans > 0 && bans < 3;
    fx_teardown(&r);
  }
  assert_true(partial > 0);
}

/* 3 accounts at 300 per 30 days over 90 days cost 2700; 900 at day 30. */
static void account_costs_add_up(void **state) {
  (void)state;
  wx_model *m = fx_model(90, 1);
  uint32_t s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->units = 3, u->cost = 300;
  fx_initial(m, s, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fabs(last(&r, fx_unit_col(&r, s, WX_S_COST)) - 2700) < 1e-9);
  assert_true(fabs(fx_at(&r, 30, fx_unit_col(&r, s, WX_S_COST)) - 900) < 1e-9);
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(caps_and_daily_limit_hold_under_every_policy),
      cmocka_unit_test(drop_refuses_exactly_the_arrivals_beyond_the_caps),
      cmocka_unit_test(overflow_fills_every_account_before_refusing),
      cmocka_unit_test(without_a_daily_limit_every_refusal_is_the_caps),
      cmocka_unit_test(staff_needed_serves_both_the_cap_and_the_daily_limit),
      cmocka_unit_test(staff_needed_counts_a_retried_request_once),
      cmocka_unit_test(declined_requests_are_binomial),
      cmocka_unit_test(least_loaded_keeps_accounts_within_one),
      cmocka_unit_test(retry_admits_after_retry_after),
      cmocka_unit_test(a_ban_loses_exactly_that_accounts_friends),
      cmocka_unit_test(account_costs_add_up),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
