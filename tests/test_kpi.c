/* KPIs from a series: levels at the horizon, peaks, and targets (first
 * day reached, share of replications reaching it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "kpi.h"
#include "scenario_support.h"

static const char *scenario =
    "horizon: 4d\n"
    "modules:\n"
    "  sdr: {kind: wecom}\n"
    "flows:\n"
    "  buy: {from: sdr, to: purchase, type: join, p: 10%, delay: 1d}\n"
    "targets:\n"
    "  friends_3: {module: sdr, value: 3}\n"
    "  buyers_9:  {outcome: purchase, value: 9}\n";

static uint32_t find(const wx_kpi_set *k, const char *name) {
  for (uint32_t i = 0; i < k->n; i++)
    if (!strcmp(k->defs[i].name, name)) return i;
  fail_msg("no KPI %s", name);
  return 0;
}

static void targets_report_first_day_and_whether_reached(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  wx_layout l;
  wx_kpi_set k;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  uint32_t members = wx__layout_find(&l, WX_SCOPE_MODULE, 0, "members");
  uint32_t count = wx__layout_find(&l, WX_SCOPE_OUTCOME, 0, "count");
  const double level[5] = {0, 1, 3, 2, 5}, bought[5] = {0, 0, 1, 2, 2};
  for (uint32_t t = 0; t < 5; t++) {
    s.v[t * s.n_cols + members] = level[t];
    s.v[t * s.n_cols + count] = bought[t];
  }
  double out[32];
  assert_true(k.n <= 32);
  wx__kpis_eval(&k, &l, &s, out);
  assert_true(out[find(&k, "target_day.friends_3")] == 2.0);
  assert_true(out[find(&k, "target_reached.friends_3")] == 1.0);
  assert_true(isnan(out[find(&k, "target_day.buyers_9")]));
  assert_true(out[find(&k, "target_reached.buyers_9")] == 0.0);
  assert_true(out[find(&k, "members_end.sdr")] == 5.0);
  assert_true(out[find(&k, "members_peak.sdr")] == 5.0);
  assert_true(out[find(&k, "outcome.purchase")] == 2.0);
  wx__series_free(&s);
  wx__kpis_free(&k);
  wx__layout_free(&l);
  wx_model_free(m);
}

static void target_with_unknown_metric_is_reported_with_position(void **s) {
  (void)s;
  wxt_load_fails(
      "modules: {sdr: {kind: wecom}}\n"
      "targets:\n"
      "  t: {module: sdr, metric: memebrs, value: 3}\n",
      WX_ESCENARIO, 3, 28, "no metric `memebrs`");
}

static void target_needs_exactly_one_entity(void **s) {
  (void)s;
  wxt_load_fails(
      "modules: {sdr: {kind: wecom}}\n"
      "targets:\n"
      "  t: {value: 3}\n",
      WX_ESCENARIO, 3, 6, "exactly one of `module` or `outcome`");
  wxt_load_fails(
      "modules: {sdr: {kind: wecom}}\n"
      "targets:\n"
      "  t: {module: sdx, value: 3}\n",
      WX_ESCENARIO, 3, 15, "did you mean `sdr`");
}

/* people_new sums every way a person is created: source arrivals, fission
 * arrivals of campaigns and touchpoints, recommend responses (one response
 * per touchpoint, so one per viewer).  Each column gets a distinct power of
 * two at the horizon, so the sum shows which were taken. */
static void people_new_counts_sources_fission_and_recommendations(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(
      "horizon: 10d\nmodules:\n  oa: {kind: official_account}\n"
      "sources:\n  ads: {into: oa, rate: 5/d}\n"
      "  vote:\n    type: campaign\n    into: oa\n    at: 1d\n    count: 50\n"
      "    fission: {share: 20%, offspring: poisson(2), generation_delay: 1d}\n"
      "touchpoints:\n  vid:\n    module: oa\n    schedule: {every: 2d}\n"
      "    fission: {share: 5%, offspring: poisson(2), generation_delay: 1d}\n"
      "    recommend: {views: 100, responses: {f: {to: oa, p: 5%}}}\n");
  wx_layout l;
  wx_kpi_set k;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  double *last = s.v + (size_t)(s.n_samples - 1) * s.n_cols;
  for (uint32_t j = 0; j < s.n_cols; j++) last[j] = ldexp(1, (int)j);
  double want = 0;
  uint32_t cols[] = {
      wx__layout_find(&l, WX_SCOPE_SOURCE, 0, "arrivals"),
      wx__layout_find(&l, WX_SCOPE_SOURCE, 1, "arrivals"),
      wx__layout_find(&l, WX_SCOPE_SOURCE, 1, "fission_arrivals"),
      wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "fission_arrivals"),
      l.flow_base + m->touchpoints[0].rec[0]};
  for (int i = 0; i < 5; i++) {
    assert_int_not_equal(cols[i], WX_NONE);
    want += last[cols[i]];
  }
  double out[64];
  assert_true(k.n <= 64);
  wx__kpis_eval(&k, &l, &s, out);
  assert_true(out[find(&k, "people_new")] == want);
  assert_true(out[find(&k, "people_in")] == last[cols[0]] + last[cols[1]]);
  wx__series_free(&s);
  wx__kpis_free(&k);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* Compare picks winners from this field (kpi_summary.csv `better`), so
 * time-to-target must be lower-better whatever its name. */
static void kpis_know_which_way_is_better(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  wx_layout l;
  wx_kpi_set k;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  assert_int_equal(k.defs[find(&k, "target_day.friends_3")].better,
                   WX_BETTER_LOWER);
  assert_int_equal(k.defs[find(&k, "target_reached.friends_3")].better,
                   WX_BETTER_HIGHER);
  assert_int_equal(k.defs[find(&k, "members_end.sdr")].better,
                   WX_BETTER_HIGHER);
  assert_int_equal(k.defs[find(&k, "outcome.purchase")].better,
                   WX_BETTER_HIGHER);
  assert_string_equal(wx__kpi_better_name(WX_BETTER_LOWER), "lower");
  assert_string_equal(wx__kpi_better_name(WX_BETTER_NEUTRAL), "neutral");
  wx__kpis_free(&k);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* staff_needed counts the friends plus the requests the cap refused: one
 * account of 10 holding 10 friends after refusing 7 needs 2 accounts. */
static void staff_needed_counts_refused_demand(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 2d\nmodules:\n"
      "  sdr: {kind: wecom, friend_cap: 10}\n");
  wx_layout l;
  wx_kpi_set k;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  uint32_t members = wx__layout_find(&l, WX_SCOPE_MODULE, 0, "members");
  uint32_t refused = wx__layout_find(&l, WX_SCOPE_MODULE, 0, "refused_cap");
  assert_int_not_equal(refused, WX_NONE);
  const double level[3] = {0, 10, 10}, ref[3] = {0, 0, 7};
  for (uint32_t t = 0; t < 3; t++) {
    s.v[t * s.n_cols + members] = level[t];
    s.v[t * s.n_cols + refused] = ref[t];
  }
  double out[64];
  assert_true(k.n <= 64);
  wx__kpis_eval(&k, &l, &s, out);
  assert_true(out[find(&k, "staff_needed.sdr")] == 2.0);
  s.v[2 * s.n_cols + refused] = 0;
  wx__kpis_eval(&k, &l, &s, out);
  assert_true(out[find(&k, "staff_needed.sdr")] == 1.0);
  wx__series_free(&s);
  wx__kpis_free(&k);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* Staff modules with a ban hazard report bans and the friends they cost. */
static void bans_are_kpis_where_bans_can_happen(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 2d\nmodules:\n"
      "  p: {kind: personal_account, ban: {rate: 1%/d}}\n"
      "  w: {kind: wecom}\n");
  wx_layout l;
  wx_kpi_set k;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  uint32_t bans = wx__layout_find(&l, WX_SCOPE_MODULE, 0, "bans");
  uint32_t lost = wx__layout_find(&l, WX_SCOPE_MODULE, 0, "ban_losses");
  double *last = s.v + (size_t)(s.n_samples - 1) * s.n_cols;
  last[bans] = 3;
  last[lost] = 1234;
  double out[64];
  assert_true(k.n <= 64);
  wx__kpis_eval(&k, &l, &s, out);
  assert_true(out[find(&k, "bans.p")] == 3);
  assert_true(out[find(&k, "ban_losses.p")] == 1234);
  for (uint32_t i = 0; i < k.n; i++)
    assert_null(strstr(k.defs[i].name, "bans.w"));
  wx__series_free(&s);
  wx__kpis_free(&k);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(people_new_counts_sources_fission_and_recommendations),
      cmocka_unit_test(targets_report_first_day_and_whether_reached),
      cmocka_unit_test(kpis_know_which_way_is_better),
      cmocka_unit_test(staff_needed_counts_refused_demand),
      cmocka_unit_test(bans_are_kpis_where_bans_can_happen),
      cmocka_unit_test(target_with_unknown_metric_is_reported_with_position),
      cmocka_unit_test(target_needs_exactly_one_entity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
