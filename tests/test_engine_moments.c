/* Moments posts on staff modules (agent_moments.c): the WeCom quotas
 * (200 recipients per account post, once per customer per day, 4
 * enterprise posts per calendar month), their independence, the view
 * probability among the selected, and the per-post ban hazard. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "calendar.h"
#include "agent_engine.h"
#include "touch_fixture.h"

static double last(const fx_run *r, uint32_t col) {
  return fx_at(r, r->l.n_samples - 1, col);
}

/* A wecom module S of `accounts` accounts holding `people` friends at
 * t = 0 (least loaded: equal shares), and a plain module T. */
static wx_model *staff_model(double horizon, uint32_t accounts, double people,
                             uint32_t *s, uint32_t *t) {
  wx_model *m = fx_model(horizon, 1);
  *s = fx_module(m, "S");
  *t = fx_module(m, "T");
  wx_units_cfg *u = fx_units(m, *s, WX_KIND_WECOM);
  u->units = accounts;
  fx_initial(m, *s, people);
  return m;
}

/* Without the once-a-day rule (personal accounts), the same 4 posts a day
 * select 200 each from all 500 friends: 8 posts x 200 = 1600 a day, none
 * refused as daily_once, 300 per post beyond the limit. */
static void without_once_a_day_every_post_selects_afresh(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(3, 2, 1000, &s, &t);
  uint32_t tp = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 0.25, 0.1, 1, 200);
  m->touchpoints[tp].once_per_day = 0;
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  for (uint32_t k = 1; k <= 3; k++) {
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_SELECTED)) == 1600.0 * k);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_REFUSED_ONCE)) == 0);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_REFUSED_LIMIT)) ==
                2400.0 * k);
  }
  fx_teardown(&r);
}

/* 2 accounts of 500 friends, 4 staff posts a day (every 0.25 d from
 * 0.1), reach 1, limit 200: each day each account selects 200, 200, 100,
 * 0 (all 500 friends exactly once); the daily-once rule refuses 0, 200,
 * 400, 500 and the limit 300, 100, 0, 0.  Every reached friend joins T
 * (p = 1): T holds 1000 distinct people after day 0, so nobody was
 * reached twice that day. */
static void staff_posts_reach_each_friend_once_a_day(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(3, 2, 1000, &s, &t);
  uint32_t tp = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 0.25, 0.1, 1, 200);
  fx_response(m, tp, t, 0, 1, 0, 0);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  for (uint32_t k = 1; k <= 3; k++) {
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_POSTS)) == 8.0 * k);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_SELECTED)) == 1000.0 * k);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_REACHED)) == 1000.0 * k);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_REFUSED_ONCE)) ==
                2200.0 * k);
    assert_true(fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_REFUSED_LIMIT)) ==
                800.0 * k);
  }
  assert_true(fx_at(&r, 1, fx_members(&r, t)) == 1000);
  fx_teardown(&r);
}

/* Arrivals, churn and 3 posts a day on 3 accounts: no post ever selects
 * more than 200 of an account's friends, and no day selects more people
 * than there were friends that day (each at most once). */
static void staff_limits_hold_under_churn_and_arrivals(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(30, 3, 600, &s, &t);
  double from = 0, rate = 400;
  fx_poisson(m, s, 1, &from, &rate);
  fx_flow(m, WX_FLOW_CHURN, s, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 5, 0);
  uint32_t tp = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 0.25, 0.2, 0.5, 200);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 11, 0), WX_OK);
  for (uint32_t k = 1; k < r.l.n_samples; k++) {
    double posts = fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_POSTS)) -
                   fx_at(&r, k - 1, fx_tp_col(&r, tp, WX_TP_POSTS));
    double sel = fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_SELECTED)) -
                 fx_at(&r, k - 1, fx_tp_col(&r, tp, WX_TP_SELECTED));
    double seen = fx_at(&r, k - 1, fx_members(&r, s)) +
                  fx_at(&r, k, fx_joins(&r, s)) -
                  fx_at(&r, k - 1, fx_joins(&r, s));
    assert_true(posts == 12);
    assert_true(sel <= 200 * posts);
    assert_true(sel <= seen);
  }
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_REFUSED_LIMIT)) > 0);
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_REFUSED_ONCE)) > 0);
  fx_teardown(&r);
}

/* A daily enterprise post from 2026-01-05 for 120 days: exactly 4 posts
 * in every calendar month (the run has at least 4 days of each), the rest
 * refused. */
static void enterprise_posts_four_per_calendar_month(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(120, 2, 100, &s, &t);
  uint32_t tp = fx_moments(m, s, WX_TP_ENTERPRISE_MOMENTS, 1, 0.5, 1, 4);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 5, 0), WX_OK);
  int32_t first = wx__month_index(m->start_day, 0);
  int32_t lastm = wx__month_index(m->start_day, 119.5);
  double per[8] = {0};
  for (uint32_t k = 1; k < r.l.n_samples; k++) {
    int32_t mo = wx__month_index(m->start_day, k - 0.5);
    per[mo - first] += fx_at(&r, k, fx_tp_col(&r, tp, WX_TP_POSTS)) -
                       fx_at(&r, k - 1, fx_tp_col(&r, tp, WX_TP_POSTS));
  }
  for (int32_t mo = 0; mo <= lastm - first; mo++) assert_true(per[mo] == 4);
  double posts = last(&r, fx_tp_col(&r, tp, WX_TP_POSTS));
  assert_true(posts == 4.0 * (lastm - first + 1));
  assert_true(posts + last(&r, fx_tp_col(&r, tp, WX_TP_REFUSED_POSTS)) == 120);
  /* no recipient limit: every allowed post selects all 100 friends */
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_SELECTED)) == 100 * posts);
  fx_teardown(&r);
}

/* Staff posts twice a day (limit off) and an enterprise post daily on the
 * same module: the staff posts still select every friend once a day (the
 * enterprise post did not use their allowance), and each enterprise post
 * still goes to every friend (staff selections do not block it). */
static void staff_and_enterprise_quotas_are_independent(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(10, 2, 400, &s, &t);
  uint32_t ent = fx_moments(m, s, WX_TP_ENTERPRISE_MOMENTS, 1, 0.1, 1, 31);
  uint32_t st = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 0.5, 0.2, 1, 0);
  uint32_t ent2 = fx_moments(m, s, WX_TP_ENTERPRISE_MOMENTS, 1, 0.9, 1, 31);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 9, 0), WX_OK);
  assert_true(last(&r, fx_tp_col(&r, st, WX_TP_SELECTED)) == 4000);
  assert_true(last(&r, fx_tp_col(&r, st, WX_TP_REFUSED_ONCE)) == 4000);
  assert_true(last(&r, fx_tp_col(&r, ent, WX_TP_SELECTED)) == 4000);
  assert_true(last(&r, fx_tp_col(&r, ent2, WX_TP_SELECTED)) == 4000);
  assert_true(last(&r, fx_tp_col(&r, ent, WX_TP_REFUSED_POSTS)) == 0);
  fx_teardown(&r);
}

/* Two enterprise touchpoints on one module share its monthly quota. */
static void enterprise_quota_is_shared_by_the_module(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(20, 1, 10, &s, &t);
  uint32_t a = fx_moments(m, s, WX_TP_ENTERPRISE_MOMENTS, 1, 0.3, 1, 4);
  uint32_t b = fx_moments(m, s, WX_TP_ENTERPRISE_MOMENTS, 1, 0.6, 1, 4);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 9, 0), WX_OK);
  /* 2026-01-05 + 20 days stays in January: 4 posts, a then b alternately */
  assert_true(last(&r, fx_tp_col(&r, a, WX_TP_POSTS)) == 2);
  assert_true(last(&r, fx_tp_col(&r, b, WX_TP_POSTS)) == 2);
  assert_true(last(&r, fx_tp_col(&r, a, WX_TP_REFUSED_POSTS)) +
                  last(&r, fx_tp_col(&r, b, WX_TP_REFUSED_POSTS)) ==
              36);
  fx_teardown(&r);
}

/* One account of 5000 friends, one staff post a day for 60 days with view
 * probability 0.3: exactly 200 selected per post, and reached ~
 * Binomial(12000, 0.3): mean 3600, sd sqrt(12000 x 0.3 x 0.7) = 50.2;
 * within 4 sd. */
static void reached_among_selected_is_binomial(void **state) {
  (void)state;
  uint32_t s, t;
  wx_model *m = staff_model(60, 1, 5000, &s, &t);
  uint32_t tp = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 1, 0.5, 0.3, 200);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 21, 0), WX_OK);
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_POSTS)) == 60);
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_SELECTED)) == 12000);
  assert_true(last(&r, fx_tp_col(&r, tp, WX_TP_REFUSED_LIMIT)) == 60 * 4800);
  double k = last(&r, fx_tp_col(&r, tp, WX_TP_REACHED));
  double sd = sqrt(12000 * 0.3 * 0.7);
  assert_true(fabs(k - 3600) < 4 * sd);
  fx_teardown(&r);
}

/* Personal accounts with no base ban rate and a huge per-post hazard: with
 * a staff post on day 0 every account is banned at the tick of t = 1 and
 * its friends are lost; without posts nobody is banned. */
static void staff_posts_raise_the_ban_hazard(void **state) {
  (void)state;
  for (int post = 0; post < 2; post++) {
    wx_model *m = fx_model(3, 1);
    uint32_t s = fx_module(m, "S");
    wx_units_cfg *u = fx_units(m, s, WX_KIND_PERSONAL_ACCOUNT);
    u->units = 3;
    u->ban_per_post = fx_param(m, 1e6);
    u->replace_after = 100;
    fx_initial(m, s, 300);
    uint32_t tp = fx_moments(m, s, WX_TP_STAFF_MOMENTS, 10, 0.5, 0.1, 200);
    if (!post) m->touchpoints[tp].sched.from = 50; /* never fires */
    fx_run r;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(fx_go(&r, 4, 0), WX_OK);
    assert_true(last(&r, fx_unit_col(&r, s, WX_S_BANS)) == (post ? 3 : 0));
    assert_true(last(&r, fx_members(&r, s)) == (post ? 0 : 300));
    fx_teardown(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(staff_posts_reach_each_friend_once_a_day),
      cmocka_unit_test(without_once_a_day_every_post_selects_afresh),
      cmocka_unit_test(staff_limits_hold_under_churn_and_arrivals),
      cmocka_unit_test(enterprise_posts_four_per_calendar_month),
      cmocka_unit_test(staff_and_enterprise_quotas_are_independent),
      cmocka_unit_test(enterprise_quota_is_shared_by_the_module),
      cmocka_unit_test(reached_among_selected_is_binomial),
      cmocka_unit_test(staff_posts_raise_the_ban_hazard),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
