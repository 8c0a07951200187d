/* Scenarios whose time cannot advance, or whose numbers the engine cannot
 * draw or lay out, are refused at load with the key's position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <string.h>

#include <math.h>

#include "dist.h"
#include "engine_fixture.h"
#include "rng.h"
#include "runner.h"
#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
/* MODS takes lines 1-3; snippets below start on line 4. */

static void cycle(const char *there, const char *back) {
  char text[512];
  snprintf(text, sizeof text,
           MODS
           "flows:\n  there: {from: oa, to: sdr, delay: %s}\n"
           "  back: {from: sdr, to: oa, delay: %s}\n",
           there, back);
  wxt_load_fails(text, WX_ESCENARIO, 6, 3, "there -> back form a cycle");
}

static void cycles_whose_delays_can_all_be_zero_are_refused(void **state) {
  (void)state;
  cycle("0d", "\"uniform(0d, 0d)\"");
  cycle("{dist: fixed, value: \"uniform(0d, 2d)\"}", "0d");
  cycle("{dist: gamma, shape: 2, mean: 1e-300d}", "0d");
  cycle("\"exponential(1e-12d)\"", "0d");
  cycle("0d", "{dist: exponential, mean: \"uniform(1e-12d, 1d)\"}");
}

static void cycles_that_can_advance_are_accepted(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS
                            "flows:\n"
                            "  there: {from: oa, to: sdr, delay: 0d}\n"
                            "  back: {from: sdr, to: oa, "
                            "delay: \"uniform(0d, 1d)\"}\n");
  wx_model_free(m);
  m = wxt_load_ok(MODS
                  "flows:\n"
                  "  there: {from: oa, to: sdr, delay: 0d}\n"
                  "  back: {from: sdr, to: oa, "
                  "delay: {dist: exponential, mean: \"uniform(1d, 2d)\"}}\n");
  wx_model_free(m);
}

static void a_sure_instant_repeat_is_refused(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "outcomes:\n  purchase: {value: 10, "
                 "repeat: {p: 100%, delay: 0d}}\n",
                 WX_ESCENARIO, 5, 3, "repeats with p 100%");
  wx_model *m = wxt_load_ok(MODS
                            "outcomes:\n  purchase: {value: 10, "
                            "repeat: {p: 50%, delay: 0d}}\n");
  wx_model_free(m);
}

static void touchpoints_fire_at_most_once_a_minute(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "touchpoints:\n  push:\n    module: oa\n"
                 "    schedule: {every: 1e-6s}\n"
                 "    responses: {r: {p: 1%, to: sdr}}\n",
                 WX_ESCENARIO, 7, 23, "at most once a minute");
}

/* What the loader cannot see (here a model built in C) the engine stops:
 * a zero-delay loop ends the replication with a message naming it. */
static void the_engine_ends_a_replication_whose_time_stands_still(
    void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "a"), b = fx_module(m, "b");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, 1, WX_DIST_FIXED, 0, 0);
  fx_flow(m, WX_FLOW_MOVE, b, a, 0, 1, WX_DIST_FIXED, 0, 0);
  fx_initial(m, a, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_ERUNTIME);
  wx_engine_stats st;
  wx__agent_stats(r.e, &st);
  assert_non_null(strstr(st.failure.msg, "time stopped advancing at day 0"));
  assert_non_null(strstr(st.failure.msg, "flow f0"));
  assert_non_null(strstr(st.failure.msg, "flow f1"));
  /* the engine is reusable after a stall */
  assert_int_equal(fx_go(&r, 1, 0), WX_ERUNTIME);
  fx_teardown(&r);
}

static int no_sink(void *ctx, const wx_rep_result *r) {
  (void)ctx;
  (void)r;
  return WX_OK;
}

/* The stall's message reaches the runner's caller (core.c reports it),
 * from the caller's thread and from worker threads alike. */
static void the_runner_hands_on_the_stall_message(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "a"), b = fx_module(m, "b");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, 1, WX_DIST_FIXED, 0, 0);
  fx_flow(m, WX_FLOW_MOVE, b, a, 0, 1, WX_DIST_FIXED, 0, 0);
  fx_initial(m, a, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  for (uint32_t threads = 1; threads <= 2; threads++) {
    wx_error why = {0};
    wx_runner_opts o = {
        .seed = 5, .replications = 3, .threads = threads, .failure = &why};
    assert_int_equal(wx__run_replications(r.m, &r.l, &o, no_sink, NULL),
                     WX_ERUNTIME);
    assert_int_equal(why.code, WX_ERUNTIME);
    assert_non_null(strstr(why.msg, "time stopped advancing at day 0"));
    assert_non_null(strstr(why.msg, "flow f0"));
  }
  fx_teardown(&r);
}

/* A burst that is legitimate (many people, one instant flow each) is not
 * mistaken for a stall. */
static void a_large_instant_burst_is_not_a_stall(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "a"), b = fx_module(m, "b");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, 1, WX_DIST_FIXED, 0, 0);
  fx_initial(m, a, 200000);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fx_at(&r, r.l.n_samples - 1, fx_members(&r, b)) == 200000);
  fx_teardown(&r);
}

static void counts_beyond_what_can_be_drawn_are_refused(void **state) {
  (void)state;
  const char *tp = MODS
      "touchpoints:\n  vid:\n    module: oa\n"
      "    schedule: {every: 7d}\n";
  char text[512];
  snprintf(text, sizeof text,
           "%s    recommend: {views: 1e15, responses: "
           "{f: {to: oa, p: 2%%}}}\n",
           tp);
  wxt_load_fails(text, WX_ESCENARIO, 8, 24, "at most 1e+09 views per post");
  snprintf(text, sizeof text,
           "%s    recommend: {views: 3.1e27, responses: "
           "{f: {to: oa, p: 2%%}}}\n",
           tp);
  wxt_load_fails(text, WX_ESCENARIO, 8, 24, "views per post can be drawn");
  snprintf(text, sizeof text,
           "%s    fission: {share: 5%%, offspring: "
           "poisson(1e12), generation_delay: 1d}\n",
           tp);
  wxt_load_fails(text, WX_ESCENARIO, 8, 37, "offspring per share");
}

static void horizons_and_sample_grids_beyond_memory_are_refused(void **state) {
  (void)state;
  wxt_load_fails("horizon: 1e9d\n" MODS, WX_ESCENARIO, 1, 10,
                 "at most 36525 days");
  wxt_load_fails("horizon: 365d\nsample_every: 1e-300d\n" MODS, WX_ESCENARIO, 2,
                 15, "sample rows per replication");
  wxt_load_fails("horizon: 3650d\nsample_every: 1min\n" MODS, WX_ESCENARIO, 2,
                 15, "sample less often");
  wx_model *m = wxt_load_ok("horizon: 3650d\nsample_every: 1h\n" MODS);
  wx_model_free(m);
}

/* Above WX_POISSON_NORMAL_MIN draws are normal: mean and variance still
 * those of the Poisson (within 4 standard errors), and a prior draw past
 * WX_COUNT_MEAN_MAX is clamped rather than hanging. */
static void large_poisson_means_are_drawn_fast_and_right(void **state) {
  (void)state;
  gsl_rng *r = wx__rng_alloc();
  gsl_rng_set(r, 7);
  const double mu = 4e8;
  const int n = 4000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; i++) {
    double x = wx__poisson(r, mu);
    sum += x;
    sq += x * x;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  assert_true(fabs(mean - mu) < 4 * sqrt(mu / n));
  /* sd of a sample variance of a near-normal: var * sqrt(2 / n) */
  assert_true(fabs(var - mu) < 4 * mu * sqrt(2.0 / n));
  unsigned big = wx__poisson(r, 3.1e27);
  assert_true(fabs(big - WX_COUNT_MEAN_MAX) < 6 * sqrt(WX_COUNT_MEAN_MAX));
  assert_int_equal(wx__poisson(r, 0), 0);
  assert_int_equal(wx__poisson(r, NAN), 0);
  gsl_rng_free(r);
}

static void retries_and_group_lifetimes_are_at_least_a_minute(void **state) {
  (void)state;
  wxt_load_fails(
      "modules:\n  sdr: {kind: wecom, on_refused: retry, "
      "retry_after: 1s}\n",
      WX_ESCENARIO, 2, 54, "`modules.sdr.retry_after`: at most once a minute");
  wxt_load_fails(
      "modules:\n  g: {kind: group, group_type: functional, "
      "lifetime: 1e-9d}\n",
      WX_ESCENARIO, 2, 54, "`modules.g.lifetime`: at most once a minute");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cycles_whose_delays_can_all_be_zero_are_refused),
      cmocka_unit_test(cycles_that_can_advance_are_accepted),
      cmocka_unit_test(a_sure_instant_repeat_is_refused),
      cmocka_unit_test(touchpoints_fire_at_most_once_a_minute),
      cmocka_unit_test(retries_and_group_lifetimes_are_at_least_a_minute),
      cmocka_unit_test(the_engine_ends_a_replication_whose_time_stands_still),
      cmocka_unit_test(the_runner_hands_on_the_stall_message),
      cmocka_unit_test(a_large_instant_burst_is_not_a_stall),
      cmocka_unit_test(counts_beyond_what_can_be_drawn_are_refused),
      cmocka_unit_test(large_poisson_means_are_drawn_fast_and_right),
      cmocka_unit_test(horizons_and_sample_grids_beyond_memory_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
