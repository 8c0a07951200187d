/* Odd but possible input: byte order marks, empty sections, units where
 * money is meant, NUL escapes, big documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"

static void a_byte_order_mark_is_accepted(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok("\xEF\xBB\xBFhorizon: 3d\n" MODS);
  wx_model_free(m);
}

static void a_scenario_without_modules_is_refused(void **state) {
  (void)state;
  wxt_load_fails("modules: {}\n", WX_ESCENARIO, 1, 10,
                 "give at least one module");
  wxt_load_fails("modules:\n  oa: {kind: official_account, enabled: false}\n",
                 WX_ESCENARIO, 2, 3, "every module has `enabled: false`");
}

static void order_values_are_money_not_time(void **state) {
  (void)state;
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: 12h}\n", WX_ESCENARIO, 5,
                 21, "expected an amount of money");
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: 30/d}\n", WX_ESCENARIO, 5,
                 21, "amount of money in CNY");
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: \"uniform(10, 2h)\"}\n",
                 WX_ESCENARIO, 5, 21, "amount of money");
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: [1, 2]}\n", WX_ESCENARIO,
                 5, 21, "expected a delay");
  wxt_load_fails(MODS
                 "outcomes:\n  purchase: {value: {dist: fixed, "
                 "value: [1]}}\n",
                 WX_ESCENARIO, 5, 42, "an amount of money");
  wx_model *m = wxt_load_ok(MODS "outcomes:\n  purchase: {value: 120}\n");
  assert_true(m->outcomes[0].has_value);
  wx_model_free(m);
  m = wxt_load_ok(MODS
                  "outcomes:\n  purchase: "
                  "{value: \"lognormal(median=80, sigma=0.5)\"}\n");
  wx_model_free(m);
}

static void nul_escapes_are_refused(void **state) {
  (void)state;
  wxt_load_fails("title: \"cut\\0here\"\n" MODS, WX_EYAML, 1, 8,
                 "NUL character");
  wxt_load_fails(MODS "  \"a\\x00b\": {kind: wecom}\n", WX_EYAML, 4, 3,
                 "NUL character");
}

/* A document over the node budget: the message blames aliases only when
 * there are some. */
static void the_node_limit_names_aliases_only_when_used(void **state) {
  (void)state;
  size_t n = 100005, cap = 16 * n + 200;
  char *text = malloc(cap);
  assert_non_null(text);
  size_t len = (size_t)snprintf(text, cap, MODS "x: [");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, cap - len, "1,");
  snprintf(text + len, cap - len, "1]\n");
  size_t got =
      wxt_load_fails(text, WX_EYAML, 4, 199979, "more than 100000 nodes");
  assert_int_equal(got, 1);
  wx_diags *d = wx_diags_alloc(8);
  wx_model *m = NULL;
  wx_model_load_buffer("t.yaml", text, strlen(text), &m, d);
  assert_null(strstr(wx_diags_get(d, 0)->msg, "alias"));
  wx_diags_free(d);
  free(text);
}

/* Duplicate keys are found in a mapping of many keys (the hash set grows
 * many times), at the second occurrence, naming the first. */
static void duplicates_are_found_in_big_mappings(void **state) {
  (void)state;
  size_t n = 5000, cap = 40 * n + 200;
  char *text = malloc(cap);
  assert_non_null(text);
  size_t len = (size_t)snprintf(text, cap, MODS "x:\n");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, cap - len, "  key_%zu: 1\n", i);
  snprintf(text + len, cap - len, "  key_1234: 2\n");
  wxt_load_fails(text, WX_EYAML, (int)(5 + n), 3,
                 "duplicate key `key_1234` (first at line 1239)");
  free(text);
}

static void replications_have_one_limit(void **state) {
  (void)state;
  wxt_load_fails("replications: 1000001\n" MODS, WX_ESCENARIO, 1, 15,
                 "between 1 and 1000000");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_byte_order_mark_is_accepted),
      cmocka_unit_test(a_scenario_without_modules_is_refused),
      cmocka_unit_test(order_values_are_money_not_time),
      cmocka_unit_test(nul_escapes_are_refused),
      cmocka_unit_test(the_node_limit_names_aliases_only_when_used),
      cmocka_unit_test(duplicates_are_found_in_big_mappings),
      cmocka_unit_test(replications_have_one_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
