/* Staff account and group keys: defaults, values, and every error with
 * its position; constraints.csv from a deterministic run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model.h"
#include "scenario_support.h"

static const wx_units_cfg *cfg(const wx_model *m, const char *name) {
  return &m->modules[wx__model_find_module(m, name)].units;
}

static void defaults_come_from_the_kind(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "modules:\n  p: {kind: personal_account}\n  w: {kind: wecom}\n"
      "  g: {kind: group}\n  o: {kind: group, group_kind: ordinary}\n"
      "  oa: {kind: official_account}\n");
  assert_true(cfg(m, "p")->type == WX_UNITS_STAFF && cfg(m, "p")->cap == 5000);
  assert_true(cfg(m, "w")->cap == 50000 && cfg(m, "w")->units == 1);
  assert_true(isinf(cfg(m, "w")->daily_adds));
  assert_true(cfg(m, "w")->on_refused == WX_REFUSE_OVERFLOW);
  assert_true(cfg(m, "g")->type == WX_UNITS_GROUPS && cfg(m, "g")->cap == 100);
  assert_true(cfg(m, "g")->on_refused == WX_REFUSE_NEW_GROUP);
  assert_true(cfg(m, "o")->cap == 500);
  assert_true(cfg(m, "oa")->type == WX_UNITS_NONE);
  wx_model_free(m);
}

static void staff_and_group_keys_are_read(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "modules:\n"
      "  s: {kind: wecom, accounts: 3, friend_cap: 50_000, daily_adds: 300,\n"
      "      accept: 60%, assign: round_robin, on_refused: retry,\n"
      "      retry_after: 2d, cost: 300/month,\n"
      "      ban: {rate: 0.05%/d, per_post: 0.02%, replace_after: 3d}}\n"
      "  g: {kind: group, group_type: functional, lifetime: 7d, group_cap: "
      "80,\n"
      "      on_full: drop, groups: 4, cost: 1/d,\n"
      "      welcome: {churn_x: 0.7, window: 3d},\n"
      "      activity: {initial: 0.9, decay: 5%/d,\n"
      "                 shills: {count: 2, boost: 0.5, withdraw: 21d}},\n"
      "      negative_feedback: {rate: 0.02/d, leave: 10%}}\n");
  const wx_units_cfg *s = cfg(m, "s"), *g = cfg(m, "g");
  assert_true(s->units == 3 && s->cap == 50000 && s->daily_adds == 300);
  assert_true(fabs(m->params[s->accept].value - 0.6) < 1e-12);
  assert_true(s->assign == WX_ASSIGN_ROUND_ROBIN);
  assert_true(s->on_refused == WX_REFUSE_RETRY && s->retry_after == 2);
  assert_true(s->cost == 300 && s->replace_after == 3);
  assert_true(fabs(m->params[s->ban_rate].value - 0.0005) < 1e-12);
  assert_true(fabs(m->params[s->ban_per_post].value - 0.0002) < 1e-12);
  assert_true(g->group_type == WX_GROUP_FUNCTIONAL && g->lifetime == 7);
  assert_true(g->cap == 80 && g->units == 4 && g->on_refused == WX_REFUSE_DROP);
  assert_true(fabs(g->cost - 30) < 1e-12);
  assert_true(g->welcome_x == 0.7 && g->welcome_window == 3);
  assert_true(g->act_initial == 0.9 && fabs(g->act_decay - 0.05) < 1e-12);
  assert_true(g->shills == 2 && g->shill_boost == 0.5 &&
              g->shill_withdraw == 21);
  assert_true(fabs(m->params[g->nf_leave].value - 0.1) < 1e-12);
  wx_model_free(m);
}

#define HEAD "modules:\n"
static void every_units_key_error_has_its_position(void **state) {
  (void)state;
  wxt_load_fails(HEAD "  oa: {kind: official_account, friend_cap: 5}\n",
                 WX_ESCENARIO, 2, 32, "applies to personal_account and wecom");
  wxt_load_fails(HEAD "  oa: {kind: official_account, cost: 5}\n", WX_ESCENARIO,
                 2, 32, "applies to personal_account, wecom");
  wxt_load_fails(HEAD "  s: {kind: wecom, group_cap: 5}\n", WX_ESCENARIO, 2, 20,
                 "applies to group");
  wxt_load_fails(HEAD "  g: {kind: group, accounts: 5}\n", WX_ESCENARIO, 2, 20,
                 "applies to personal_account");
  wxt_load_fails(HEAD "  s: {kind: wecom, accounts: 0}\n", WX_ESCENARIO, 2, 30,
                 "at least 1");
  wxt_load_fails(HEAD "  s: {kind: wecom, friend_cap: 1.5}\n", WX_ESCENARIO, 2,
                 32, "modules.s.friend_cap");
  wxt_load_fails(HEAD "  s: {kind: wecom, daily_adds: -3}\n", WX_ESCENARIO, 2,
                 32, "modules.s.daily_adds");
  wxt_load_fails(HEAD "  s: {kind: wecom, accept: 120%}\n", WX_ESCENARIO, 2, 28,
                 "modules.s.accept");
  wxt_load_fails(HEAD "  s: {kind: wecom, assign: least_load}\n", WX_ESCENARIO,
                 2, 28, "did you mean `least_loaded`");
  wxt_load_fails(HEAD "  s: {kind: wecom, on_refused: new_group}\n",
                 WX_ESCENARIO, 2, 32, "overflow, drop, retry");
  wxt_load_fails(HEAD "  s: {kind: wecom, retry_after: 0d}\n", WX_ESCENARIO, 2,
                 33, "modules.s.retry_after");
  wxt_load_fails(HEAD "  s: {kind: wecom, cost: lots}\n", WX_ESCENARIO, 2, 26,
                 "300/month");
  wxt_load_fails(HEAD "  s: {kind: wecom, ban: 3}\n", WX_ESCENARIO, 2, 25,
                 "expected a mapping");
  wxt_load_fails(HEAD "  s: {kind: wecom, ban: {rat: 1/d}}\n", WX_ESCENARIO, 2,
                 26, "did you mean `rate`");
  wxt_load_fails(HEAD "  s: {kind: wecom, ban: {replace_after: x}}\n",
                 WX_ESCENARIO, 2, 41, "replace_after");
  wxt_load_fails(HEAD "  g: {kind: group, group_type: fun}\n", WX_ESCENARIO, 2,
                 32, "communication, functional");
  wxt_load_fails(HEAD "  g: {kind: group, group_kind: big}\n", WX_ESCENARIO, 2,
                 32, "wecom, ordinary");
  wxt_load_fails(HEAD "  g: {kind: group, on_full: overflow}\n", WX_ESCENARIO,
                 2, 29, "new_group, drop, retry");
  wxt_load_fails(HEAD "  g: {kind: group, lifetime: 7d}\n", WX_ESCENARIO, 2, 30,
                 "only functional groups");
  wxt_load_fails(HEAD "  g: {kind: group, group_cap: 0}\n", WX_ESCENARIO, 2, 31,
                 "at least 1");
  wxt_load_fails(HEAD "  g: {kind: group, groups: 0}\n", WX_ESCENARIO, 2, 28,
                 "at least 1");
  wxt_load_fails(HEAD "  g: {kind: group, welcome: {churn_x: 0.5}}\n",
                 WX_ESCENARIO, 2, 29, "missing required key `window`");
  wxt_load_fails(HEAD "  g: {kind: group, welcome: {churn_x: 2, window: 1d}}\n",
                 WX_ESCENARIO, 2, 39, "welcome.churn_x");
  wxt_load_fails(HEAD "  g: {kind: group, activity: {decay: fast}}\n",
                 WX_ESCENARIO, 2, 38, "activity.decay");
  wxt_load_fails(HEAD "  g: {kind: group, activity: {shills: {count: 2}}}\n",
                 WX_ESCENARIO, 2, 39, "missing required key `boost`");
  wxt_load_fails(HEAD "  g: {kind: group, negative_feedback: {rate: 1/d}}\n",
                 WX_ESCENARIO, 2, 39, "missing required key `leave`");
  wxt_load_fails(HEAD
                 "  g: {kind: group, negative_feedback: {rate: 1/d, "
                 "leave: 2}}\n",
                 WX_ESCENARIO, 2, 58, "negative_feedback.leave");
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = calloc(1, 1 << 16);
  if (buf) fread(buf, 1, (1 << 16) - 1, f);
  fclose(f);
  return buf;
}

/* 10 people reach a 1-account cap of 5 at exactly 3d: the cap binds on
 * day 3 in every replication and refuses 5; the daily limit never binds. */
static void constraints_csv_has_the_first_bind_day(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 6d\nreplications: 3\n"
      "modules:\n  oa: {kind: official_account}\n"
      "  sdr: {kind: wecom, label: SDR, friend_cap: 5, daily_adds: 100}\n"
      "sources:\n  s: {into: oa, initial: 10}\n"
      "flows:\n  f: {from: oa, to: sdr, type: join, delay: 3d}\n");
  char dir[] = "/tmp/wxflow_constraints_XXXXXX";
  assert_non_null(mkdtemp(dir));
  wx_run_options o = {.out_dir = dir, .force = 1, .threads = 1};
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx_run(m, &o, NULL, d), WX_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/constraints.csv", dir);
  char *text = slurp(path);
  assert_non_null(text);
  assert_string_equal(text,
                      "constraint,label,first_bind_day,refused\n"
                      "sdr.friend_cap,SDR friend cap,3,5\n"
                      "sdr.daily_adds,SDR daily add limit,,0\n");
  free(text);
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  text = slurp(path);
  assert_non_null(strstr(text, "\"constraints.csv\""));
  free(text);
  wx_diags_free(d);
  wx_model_free(m);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_come_from_the_kind),
      cmocka_unit_test(staff_and_group_keys_are_read),
      cmocka_unit_test(every_units_key_error_has_its_position),
      cmocka_unit_test(constraints_csv_has_the_first_bind_day),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
