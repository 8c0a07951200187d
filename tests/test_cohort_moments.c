/* Staff Moments and per-post bans on the cohort engine (cohort_moments.c).
 *
 * agrees_with_agent: tests/data/cohort_moments.yaml (three WeCom accounts
 * posting twice a day to at most 12 friends each, once per customer per
 * day, with unfollows, an instant move and a delayed join response, an
 * enterprise Moments post over its monthly quota, and bans whose hazard
 * grows by 4 % per post), both engines, every series column at every
 * sample time: the means within 4 standard errors of their difference
 * beyond the units' bias allowance (2 % of the column's largest mean,
 * docs/cohort.md "Units" and "Staff Moments").
 *
 * selection_closed_form: N friends on 3 accounts, nobody leaving, posts
 * at 09:00 and 21:00 with recipients_per_post R: the day's first post
 * selects sum min(f_u, R), the second sum min(f_u - R, R) of the rest,
 * refusing the first post's (daily_once) and those past R
 * (recipients_limit), all exactly; the reached are Binomial(selected, p)
 * (z of the mean and the variance over replications).
 *
 * pressure_agrees_with_agent: the same with ban_pressure (posts_gain,
 * adds_gain) instead of per_post.
 *
 * day_flag_only_when_needed: the day flag is in the state space only
 * when a calendar day holds two once_per_day staff posts.
 *
 * The seeds are fixed, so the outcome is deterministic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cohort.h"
#include "engine.h"
#include "engine_fixture.h"
#include "engines_agree.h"
#include "model.h"
#include "scenario_support.h"
#include "series.h"

#define BIAS 0.02

static void agrees_with_agent(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("tests/data/cohort_moments.yaml");
  wxt_cells_agree_within(m, 300, BIAS);
  wx_model_free(m);
}

/* The same with aggressive-marketing bans (ban_pressure): the rate grows
 * by exp(posts_gain x posts + adds_gain x adds / daily_adds). */
static void pressure_agrees_with_agent(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("tests/data/cohort_moments.yaml");
  wx_units_cfg *u = &m->modules[1].units;
  assert_int_equal(u->type, WX_UNITS_STAFF);
  u->ban_pressure = 1;
  u->ban_rate = fx_param(m, 0.02);
  u->ban_per_post = fx_param(m, 0);
  u->ban_posts_gain = fx_param(m, 0.5);
  u->ban_adds_gain = fx_param(m, 1.5);
  assert_int_equal(wx__cohort_check(m, NULL), WX_OK);
  wxt_cells_agree_within(m, 300, BIAS);
  wx_model_free(m);
}

static const char *closed =
    "wxflow: 1\n"
    "horizon: 3d\n"
    "sample_every: 1d\n"
    "modules:\n"
    "  sdr: {kind: wecom, accounts: 3, friend_cap: 1000, daily_adds: 1000}\n"
    "sources:\n"
    "  card: {into: sdr, initial: 100}\n"
    "touchpoints:\n"
    "  moments:\n"
    "    module: sdr\n"
    "    type: staff_moments\n"
    "    schedule: {every: 12h, at: \"09:00\"}\n"
    "    recipients_per_post: 20\n"
    "    reach: 30%\n"
    "    cost: 5\n";

/* The touchpoint's column of metric. */
static double tp_at(const wx_layout *l, const wx_series *s, uint32_t k,
                    uint32_t metric) {
  return s->v[(size_t)k * l->n_cols + l->touch_base + metric];
}

static void selection_closed_form(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(closed);
  assert_int_equal(wx__cohort_check(m, NULL), WX_OK);
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  void *e = wx__cohort_alloc(m, &l);
  assert_non_null(e);
  /* least_loaded puts 34, 33, 33 on the accounts; a day's first post
   * selects 3 x 20, its second 14 + 13 + 13 */
  const uint32_t R = 400, last = l.n_samples - 1;
  double s1 = 0, s2 = 0;
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(wx__cohort_run(e, par, 90u + rep, &s, NULL, NULL), WX_OK);
    for (uint32_t k = 1; k <= last; k++) {
      assert_true(tp_at(&l, &s, k, WX_TP_POSTS) == 6.0 * k);
      assert_true(tp_at(&l, &s, k, WX_TP_COST) == 30.0 * k);
      assert_true(tp_at(&l, &s, k, WX_TP_SELECTED) == 100.0 * k);
      assert_true(tp_at(&l, &s, k, WX_TP_REFUSED_ONCE) == 60.0 * k);
      assert_true(tp_at(&l, &s, k, WX_TP_REFUSED_LIMIT) == 40.0 * k);
    }
    double x = tp_at(&l, &s, last, WX_TP_REACHED);
    s1 += x, s2 += x * x;
  }
  double n = 300, p = 0.3, mean = s1 / R,
         var = (s2 - R * mean * mean) / (R - 1);
  print_message("reached %.2f (var %.2f), Binomial(300, 0.3): %.0f (%.0f)\n",
                mean, var, n * p, n * p * (1 - p));
  assert_true(fabs(mean - n * p) <= 4 * sqrt(n * p * (1 - p) / R));
  assert_true(fabs(var - n * p * (1 - p)) <=
              4 * n * p * (1 - p) * sqrt(2.0 / (R - 1)));
  wx__cohort_free(e);
  free(par);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
}

static uint32_t day_flags(const char *text) {
  wx_model *m = wxt_load_ok(text);
  wx_cspace sp;
  assert_int_equal(wx__cspace_build(&sp, m), WX_OK);
  uint32_t n = sp.n_day;
  wx__cspace_free(&sp);
  wx_model_free(m);
  return n;
}

static void day_flag_only_when_needed(void **state) {
  (void)state;
  char text[2048];
  assert_int_equal(day_flags(closed), 1);
  /* once a day: the rule never refuses anybody */
  snprintf(text, sizeof text, "%s", closed);
  char *at = strstr(text, "every: 12h");
  assert_non_null(at);
  memcpy(at, "every: 1d ", 10);
  assert_int_equal(day_flags(text), 0);
  /* twice a day on a personal account: no once_per_day rule */
  snprintf(text, sizeof text, "%s", closed);
  at = strstr(text, "kind: wecom");
  assert_non_null(at);
  memmove(at + 22, at + 11, strlen(at + 11) + 1);
  memcpy(at, "kind: personal_account", 22);
  assert_int_equal(day_flags(text), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(selection_closed_form),
      cmocka_unit_test(day_flag_only_when_needed),
      cmocka_unit_test(agrees_with_agent),
      cmocka_unit_test(pressure_agrees_with_agent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
