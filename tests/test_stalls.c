/* Scenarios whose time cannot advance, or whose numbers the engine cannot
 * draw or lay out, are refused at load with the key's position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <string.h>

#include "engine_fixture.h"
#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
/* MODS takes lines 1-3; snippets below start on line 4. */

static void cycle(const char *there, const char *back) {
  char text[512];
  snprintf(text, sizeof text,
           MODS "flows:\n  there: {from: oa, to: sdr, delay: %s}\n"
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
  wx_model *m = wxt_load_ok(MODS "flows:\n"
                            "  there: {from: oa, to: sdr, delay: 0d}\n"
                            "  back: {from: sdr, to: oa, "
                            "delay: \"uniform(0d, 1d)\"}\n");
  wx_model_free(m);
  m = wxt_load_ok(MODS "flows:\n"
                  "  there: {from: oa, to: sdr, delay: 0d}\n"
                  "  back: {from: sdr, to: oa, "
                  "delay: {dist: exponential, mean: \"uniform(1d, 2d)\"}}\n");
  wx_model_free(m);
}

static void a_sure_instant_repeat_is_refused(void **state) {
  (void)state;
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: 10, "
                 "repeat: {p: 100%, delay: 0d}}\n",
                 WX_ESCENARIO, 5, 3, "repeats with p 100%");
  wx_model *m = wxt_load_ok(MODS "outcomes:\n  purchase: {value: 10, "
                            "repeat: {p: 50%, delay: 0d}}\n");
  wx_model_free(m);
}

static void touchpoints_fire_at_most_once_a_minute(void **state) {
  (void)state;
  wxt_load_fails(MODS "touchpoints:\n  push:\n    module: oa\n"
                 "    schedule: {every: 1e-6s}\n"
                 "    responses: {r: {p: 1%, to: sdr}}\n",
                 WX_ESCENARIO, 7, 23, "at most once a minute");
}

/* What the loader cannot see (here a model built in C) the engine stops:
 * a zero-delay loop ends the replication with a message naming it. */
static void the_engine_ends_a_replication_whose_time_stands_still(void **state) {
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
  wx__engine_stats(r.e, &st);
  assert_non_null(strstr(st.stalled, "time stopped advancing at day 0"));
  assert_non_null(strstr(st.stalled, "flow f0"));
  assert_non_null(strstr(st.stalled, "flow f1"));
  /* the engine is reusable after a stall */
  assert_int_equal(fx_go(&r, 1, 0), WX_ERUNTIME);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cycles_whose_delays_can_all_be_zero_are_refused),
      cmocka_unit_test(cycles_that_can_advance_are_accepted),
      cmocka_unit_test(a_sure_instant_repeat_is_refused),
      cmocka_unit_test(touchpoints_fire_at_most_once_a_minute),
      cmocka_unit_test(the_engine_ends_a_replication_whose_time_stands_still),
      cmocka_unit_test(a_large_instant_burst_is_not_a_stall),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
