/* One test per validation rule: code, line:col and a message fragment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
/* MODS takes lines 1-3; snippets below start on line 4. */

static void unknown_top_key_suggests_the_closest(void **state) {
  (void)state;
  wxt_load_fails("horizn: 30d\n" MODS, WX_ESCENARIO, 1, 1,
                 "unknown key `horizn` in the top level; did you mean "
                 "`horizon`?");
}

static void unknown_flow_key_suggests_the_closest(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr, dealy: 2d}\n",
                 WX_ESCENARIO, 5, 26, "did you mean `delay`?");
}

static void misspelt_kind_suggests_the_closest(void **state) {
  (void)state;
  wxt_load_fails("modules:\n  oa: {kind: official_acount}\n", WX_ESCENARIO, 2,
                 14, "did you mean `official_account`?");
}

static void misspelt_module_reference_suggests_the_closest(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdrr, delay: 2d}\n",
                 WX_ESCENARIO, 5, 21,
                 "unknown module or outcome `sdrr`; did you mean `sdr`?");
  wxt_load_fails(MODS "flows:\n  f: {from: ao, to: sdr, delay: 2d}\n",
                 WX_ESCENARIO, 5, 13, "did you mean `oa`?");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: purchse, delay: 2d}\n",
                 WX_ESCENARIO, 5, 21, "did you mean `purchase`?");
  wxt_load_fails(MODS "sources:\n  s: {into: od, rate: 1/d}\n", WX_ESCENARIO, 5,
                 13, "unknown module `od`; did you mean `oa`?");
}

static void missing_required_keys_are_named(void **state) {
  (void)state;
  wxt_load_fails("horizon: 3d\n", WX_ESCENARIO, 1, 1,
                 "missing required key `modules` in the top level");
  wxt_load_fails("modules:\n  oa: {label: x}\n", WX_ESCENARIO, 2, 7,
                 "missing required key `kind` in module `oa`");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr}\n", WX_ESCENARIO, 5, 6,
                 "missing required key `delay` in flow `f`");
}

static void wrong_types_are_reported(void **state) {
  (void)state;
  wxt_load_fails("horizon: [3d]\n" MODS, WX_ESCENARIO, 1, 10,
                 "`horizon`: expected a duration, got a sequence");
  wxt_load_fails("modules: [a]\n", WX_ESCENARIO, 1, 10,
                 "expected a mapping of module names");
  wxt_load_fails("- a\n- b\n", WX_ESCENARIO, 1, 1, "a scenario is a mapping");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: 2d, "
                 "enabled: maybe}\n",
                 WX_ESCENARIO, 5, 46, "expected true or false");
}

static void bad_units_are_reported_with_the_expected_form(void **state) {
  (void)state;
  wxt_load_fails("horizon: 3x\n" MODS, WX_ESCENARIO, 1, 10,
                 "expected a duration such as 3d, 12h or 30min, got \"3x\"");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: 5/dd}\n", WX_ESCENARIO,
                 5, 23, "expected a rate");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr, p: 1.3%%, delay: 1d}\n",
                 WX_ESCENARIO, 5, 29, "expected a probability");
}

static void probabilities_outside_zero_one_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr, p: 130%, delay: 1d}\n",
                 WX_ESCENARIO, 5, 29, "between 0 and 1");
}

static void exclusive_probabilities_above_one_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "flows:\n"
                 "  a: {from: oa, to: sdr, p: 60%, delay: 1d}\n"
                 "  b: {from: oa, type: join, to: sdr, p: 90%, delay: 1d}\n"
                 "  c: {from: oa, p: 50%, delay: 1d}\n",
                 WX_ESCENARIO, 7, 3,
                 "add up to 110% (more than 100%): a 60%, c 50%");
}

static void negative_values_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: -5/d}\n", WX_ESCENARIO,
                 5, 23, "must not be negative");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, initial: -5}\n", WX_ESCENARIO,
                 5, 26, "must not be negative");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr, delay: -1d}\n",
                 WX_ESCENARIO, 5, 33, "must not be negative");
}

static void nan_and_infinity_are_rejected(void **state) {
  (void)state;
  wxt_load_fails("horizon: .nan\n" MODS, WX_ESCENARIO, 1, 10,
                 "expected a duration");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: inf}\n", WX_ESCENARIO, 5,
                 23, "expected a rate");
}

static void move_without_to_and_churn_with_to_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, type: move, delay: 1d}\n",
                 WX_ESCENARIO, 5, 23, "has type move but no `to`");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, type: churn, "
                 "delay: 1d}\n",
                 WX_ESCENARIO, 5, 32, "remove `to`");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, type: jion, "
                 "delay: 1d}\n",
                 WX_ESCENARIO, 5, 32, "did you mean `join`?");
}

static void flows_and_sources_into_nothing_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, type: join, delay: 1d}\n",
                 WX_ESCENARIO, 5, 23, "has type join but no `to`");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: \"\", delay: 1d}\n",
                 WX_ESCENARIO, 5, 21, "unknown module or outcome ``");
  wxt_load_fails(MODS "sources:\n  s: {rate: 1/d}\n", WX_ESCENARIO, 5, 6,
                 "missing required key `into` in source `s`");
}

static void a_zero_delay_self_loop_is_a_cycle(void **state) {
  (void)state;
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: oa, delay: 0d}\n",
                 WX_ESCENARIO, 5, 3, "time would never advance");
}

static void odd_numbers_are_rejected_where_they_matter(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, p: .nan, "
                 "delay: 1d}\n",
                 WX_ESCENARIO, 5, 29, "expected a probability");
  wxt_load_fails("horizon: -3d\n" MODS, WX_ESCENARIO, 1, 10,
                 "must not be negative");
  wxt_load_fails(MODS "flows:\n  f: {from: oa, to: sdr, delay: .inf}\n",
                 WX_ESCENARIO, 5, 33, "expected a duration");
}

static void zero_delay_cycles_are_named(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "flows:\n"
                 "  there: {from: oa, to: sdr, delay: 0d}\n"
                 "  back: {from: sdr, to: oa, delay: fixed(0d)}\n",
                 WX_ESCENARIO, 6, 3, "flows there -> back form a cycle");
  /* a delay anywhere in the loop makes it fine */
  wx_model *m = wxt_load_ok(MODS
                            "flows:\n"
                            "  there: {from: oa, to: sdr, delay: 0d}\n"
                            "  back: {from: sdr, to: oa, delay: 1min}\n");
  wx_model_free(m);
}

static void horizon_and_sample_every_are_checked(void **state) {
  (void)state;
  wxt_load_fails("horizon: 0d\n" MODS, WX_ESCENARIO, 1, 10, "must be > 0");
  wxt_load_fails("horizon: 10d\nsample_every: 11d\n" MODS, WX_ESCENARIO, 2, 15,
                 "longer than the horizon");
  wxt_load_fails("wxflow: 2\n" MODS, WX_ESCENARIO, 1, 9, "format version 1");
  wxt_load_fails("replications: 0\n" MODS, WX_ESCENARIO, 1, 15,
                 "between 1 and");
}

static void name_clashes_and_invalid_names_are_rejected(void **state) {
  (void)state;
  wxt_load_fails(MODS "outcomes:\n  sdr: {label: x}\n", WX_ESCENARIO, 5, 3,
                 "`sdr` is both a module and an outcome");
  wxt_load_fails("modules:\n  2fast: {kind: group}\n", WX_ESCENARIO, 2, 3,
                 "invalid module name `2fast`");
  wxt_load_fails(MODS "flows:\n  a-b: {from: oa, to: sdr, delay: 1d}\n",
                 WX_ESCENARIO, 5, 3, "invalid flow name");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: 1d}\n"
                 "  f: {from: oa, to: sdr, delay: 1d}\n",
                 WX_EYAML, 6, 3, "duplicate key `f`");
}

static void schedules_must_start_at_zero_and_increase(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "sources:\n  s:\n    into: oa\n    schedule:\n"
                 "      - {from: 1d, rate: 1/d}\n",
                 WX_ESCENARIO, 8, 16, "must start at 0d");
  wxt_load_fails(MODS
                 "sources:\n  s:\n    into: oa\n    schedule:\n"
                 "      - {from: 0d, rate: 1/d}\n"
                 "      - {from: 5d, rate: 1/d}\n"
                 "      - {from: 5d, rate: 2/d}\n",
                 WX_ESCENARIO, 10, 16, "increasing `from`");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: 1/d, initial: 3}\n",
                 WX_ESCENARIO, 5, 6, "has both `initial` and `rate`");
  wxt_load_fails(MODS "sources:\n  s: {into: oa}\n", WX_ESCENARIO, 5, 6,
                 "needs one of `initial`");
}

static void empirical_delays_are_checked(void **state) {
  (void)state;
  const char *head = MODS
      "flows:\n  f:\n    from: oa\n    to: sdr\n"
      "    delay:\n      dist: empirical\n";
  char buf[600];
  snprintf(buf, sizeof buf,
           "%s      bins: [0d, 3d, 1d]\n"
           "      weights: [1, 1]\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 10, 22, "strictly ascending");
  snprintf(buf, sizeof buf,
           "%s      bins: [0d, 1d, 3d]\n"
           "      weights: [1]\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 11, 16, "2 bins need 2 weights, got 1");
  snprintf(buf, sizeof buf,
           "%s      bins: [0d, 1d]\n"
           "      weights: [0%%]\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 11, 16, "all zero");
  snprintf(buf, sizeof buf,
           "%s      bins: [0d, 1d]\n"
           "      weights: [-1]\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 11, 17, "a weight must be >= 0");
}

static void delay_forms_are_checked(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "\"erlang(2.5, 3d)\"}\n",
                 WX_ESCENARIO, 5, 33, "erlang shape must be a whole number");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "\"uniform(3d, 1d)\"}\n",
                 WX_ESCENARIO, 5, 33, "uniform low (3d) is above high (1d)");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "expnential(3d)}\n",
                 WX_ESCENARIO, 5, 33, "did you mean `exponential`?");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "gamma(shape=2, mean=5d)}\n",
                 WX_ESCENARIO, 5, 33, "put quotes around a call");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "{dist: exponential, scale: 3d}}\n",
                 WX_ESCENARIO, 5, 33, "exponential needs `mean`");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "{dist: exponential, mean: 3d, scale: 3d}}\n",
                 WX_ESCENARIO, 5, 63, "`scale` does not apply");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, delay: "
                 "exponential(beta(2, 3))}\n",
                 WX_ESCENARIO, 5, 33, "cut short");
}

/* Size is the run's to judge (memory_guard.c, test_evaluate.c): it depends on
 * the engine, horizon, threads and budget, not on the file alone. */
static void too_large_populations_load(void **state) {
  (void)state;
  wx_model_free(wxt_load_ok("horizon: 3650d\n" MODS
                            "sources:\n  s: {into: oa, rate: 1e15/d}\n"));
}

static void disabled_modules_take_their_flows_and_sources(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS
                            "  g: {kind: group, enabled: false}\n"
                            "sources:\n  s: {into: g, rate: 1/d}\n"
                            "flows:\n  f: {from: oa, to: g, delay: 1d}\n"
                            "  h: {from: g, to: oa, delay: 1d}\n");
  wx_model_free(m);
}

static void several_errors_are_reported_at_once(void **state) {
  (void)state;
  size_t n = wxt_load_fails("horizn: 3d\nseed: x\n" MODS
                            "flows:\n  f: {from: oa, to: sdrr, delay: 3x}\n",
                            WX_ESCENARIO, 7, 34, "expected a duration");
  assert_int_equal(n, 4);
}

static void diags_limit_counts_the_rest(void **state) {
  (void)state;
  wx_diags *d = wx_diags_alloc(2);
  wx_model *m;
  const char *text = "a: 1\nb: 2\nc: 3\nd: 4\n" MODS;
  assert_int_equal(wx_model_load_buffer("t", text, strlen(text), &m, d),
                   WX_ESCENARIO);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(wx_diags_dropped(d), 2);
  wx_diags_free(d);
}

static void yaml_errors_come_through_the_loader(void **state) {
  (void)state;
  wxt_load_fails("a: [1\n", WX_EYAML, 2, 1, "did not find expected");
  wxt_load_fails("# nothing\n", WX_EYAML, 0, 0, "the scenario is empty");
  wxt_load_fails("title: \"caf\xe9\"\n", WX_EYAML, 1, 12, "not valid UTF-8");
}

static void priors_are_validated(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, p: \"beta(2)\", "
                 "delay: 1d}\n",
                 WX_ESCENARIO, 5, 29, "beta() needs `beta`");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: \"beta(2, 3)\"}\n",
                 WX_ESCENARIO, 5, 23, "for probabilities only");
  wxt_load_fails(MODS "sources:\n  s: {into: oa, rate: \"gama(2, 3/d)\"}\n",
                 WX_ESCENARIO, 5, 23, "did you mean `gamma`?");
  wxt_load_fails(MODS
                 "flows:\n  f: {from: oa, to: sdr, p: \"uniform(0.5, "
                 "1.5)\", delay: 1d}\n",
                 WX_ESCENARIO, 5, 29, "between 0 and 1");
  wxt_load_fails(MODS
                 "sources:\n  s: {into: oa, rate: \"uniform(5/d, 1/d)\"}"
                 "\n",
                 WX_ESCENARIO, 5, 23, "low <= high");
}

/* A misspelt kind is one error, not one more per flow or source that
 * names the module. */
static void misspelt_kind_does_not_cascade(void **state) {
  (void)state;
  size_t n = wxt_load_fails(
      "modules:\n  oa: {kind: oficial_account}\n"
      "  sdr: {kind: wecom}\n"
      "sources:\n  ads: {into: oa, rate: 5/d}\n"
      "flows:\n  f: {from: oa, to: sdr, delay: 1d}\n",
      WX_ESCENARIO, 2, 14, "did you mean `official_account`");
  assert_int_equal(n, 1);
}

/* Whole-model checks run even when keys elsewhere are wrong, and every
 * problem comes out in file order: the unknown key on line 9 after the
 * exclusive sum reported at line 6. */
static void model_checks_run_despite_key_errors_in_file_order(void **state) {
  (void)state;
  const char *text =
      "modules:\n  a: {kind: official_account}\n  b: {kind: wecom}\n"
      "flows:\n"
      "  f: {from: a, to: b, p: 70%, delay: 1d}\n"
      "  g: {from: a, type: churn, p: 50%, delay: 1d}\n"
      "sources:\n"
      "  s: {into: a, rate: 5/d}\n"
      "horizn: 30d\n";
  wx_diags *d = wx_diags_alloc(10);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load_buffer("x.yaml", text, strlen(text), &m, d),
                   WX_ESCENARIO);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(wx_diags_get(d, 0)->line, 6);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "add up to 120%"));
  assert_int_equal(wx_diags_get(d, 1)->line, 9);
  assert_non_null(strstr(wx_diags_get(d, 1)->msg, "horizon"));
  wx_diags_free(d);
}

/* Above a published WeCom limit the scenario still loads, with a warning
 * (a diagnostic of code WX_OK) at the value. */
static void values_above_wecom_limits_warn(void **state) {
  (void)state;
  const char *text =
      "modules:\n  sdr: {kind: wecom, friend_cap: 60000}\n"
      "  g: {kind: group, group_cap: 300}\n"
      "  p: {kind: personal_account, friend_cap: 60000}\n";
  wx_diags *d = wx_diags_alloc(10);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load_buffer("x.yaml", text, strlen(text), &m, d),
                   WX_OK);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(wx_diags_get(d, 0)->code, WX_OK);
  assert_int_equal(wx_diags_get(d, 0)->line, 2);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "50000"));
  assert_int_equal(wx_diags_get(d, 1)->line, 3);
  assert_non_null(strstr(wx_diags_get(d, 1)->msg, "group_kind: ordinary"));
  wx_model_free(m);
  wx_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unknown_top_key_suggests_the_closest),
      cmocka_unit_test(unknown_flow_key_suggests_the_closest),
      cmocka_unit_test(misspelt_kind_suggests_the_closest),
      cmocka_unit_test(misspelt_module_reference_suggests_the_closest),
      cmocka_unit_test(missing_required_keys_are_named),
      cmocka_unit_test(wrong_types_are_reported),
      cmocka_unit_test(bad_units_are_reported_with_the_expected_form),
      cmocka_unit_test(probabilities_outside_zero_one_are_rejected),
      cmocka_unit_test(exclusive_probabilities_above_one_are_rejected),
      cmocka_unit_test(negative_values_are_rejected),
      cmocka_unit_test(nan_and_infinity_are_rejected),
      cmocka_unit_test(move_without_to_and_churn_with_to_are_rejected),
      cmocka_unit_test(zero_delay_cycles_are_named),
      cmocka_unit_test(flows_and_sources_into_nothing_are_rejected),
      cmocka_unit_test(a_zero_delay_self_loop_is_a_cycle),
      cmocka_unit_test(odd_numbers_are_rejected_where_they_matter),
      cmocka_unit_test(horizon_and_sample_every_are_checked),
      cmocka_unit_test(name_clashes_and_invalid_names_are_rejected),
      cmocka_unit_test(schedules_must_start_at_zero_and_increase),
      cmocka_unit_test(empirical_delays_are_checked),
      cmocka_unit_test(delay_forms_are_checked),
      cmocka_unit_test(too_large_populations_load),
      cmocka_unit_test(disabled_modules_take_their_flows_and_sources),
      cmocka_unit_test(several_errors_are_reported_at_once),
      cmocka_unit_test(diags_limit_counts_the_rest),
      cmocka_unit_test(yaml_errors_come_through_the_loader),
      cmocka_unit_test(priors_are_validated),
      cmocka_unit_test(misspelt_kind_does_not_cascade),
      cmocka_unit_test(model_checks_run_despite_key_errors_in_file_order),
      cmocka_unit_test(values_above_wecom_limits_warn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
