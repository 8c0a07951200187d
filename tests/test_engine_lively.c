/* Lively groups (agent_activity.c): posts and solitaire chains, shills
 * that withdraw at an activity threshold, members' talk that keeps a
 * group going or lets it fade, and activity's hold on churn and
 * conversion; each against its closed form. */
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
#include "scenario_support.h"
#include "touch_fixture.h"
#include "wxflow/wxflow.h"

static double activity_at(const fx_run *r, uint32_t g, double t) {
  return fx_at(r, fx_sample(r, t), fx_unit_col(r, g, WX_G_ACTIVITY_MEAN));
}

/* A post a day at 00:00 adds b x (solitaire x) and m decays at d: half a
 * day after the k-th post m = b x (1 - e^(-(k+1) d)) / (1 - e^(-d))
 * e^(-d/2), exactly (no talk: m decays in closed form). */
static void posts_and_solitaire_raise_activity(void **state) {
  (void)state;
  const double b = 0.05, d = 0.4, x = 1.5;
  wx_model *m = fx_model(20, 0.5);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->act_initial = 0, u->act_decay = d, u->act_post = b;
  fx_initial(m, g, 10);
  uint32_t tp = fx_touch(m, g, 1, 0.5);
  m->touchpoints[tp].solitaire = fx_param(m, x);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  for (int k = 0; k < 19; k++) {
    double want = b * x * -expm1(-(k + 1) * d) / -expm1(-d) * exp(-d / 2);
    assert_true(fabs(activity_at(&r, g, k + 0.5) - want) < 1e-9);
  }
  fx_teardown(&r);
}

/* Shills (0.5) stay until the members' activity m reaches 0.3, then
 * withdraw over 10 days.  With chat c and decay d in a full group the
 * members alone follow dm/dt = m (c (1 - m) - d): c > d keeps the group
 * at m* = 1 - d / c; c < d lets it fade to 0.  Without talk m never
 * reaches the threshold and the shills stay. */
static double lively_end(double chat, double decay, double *shill_from) {
  wx_model *m = fx_model(200, 1);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->act_initial = 0, u->act_decay = decay, u->act_chat = chat;
  u->shills = 1, u->shill_boost = 0.5, u->shill_withdraw = 10;
  u->shill_until = 0.3;
  fx_initial(m, g, 100); /* the group is full: n / cap = 1 */
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 5, 0), WX_OK);
  *shill_from = r.e->ux->of[g]->live[0].shill_from;
  double a = activity_at(&r, g, 200);
  fx_teardown(&r);
  return a;
}

static void shills_withdraw_and_the_group_keeps_going_or_fades(void **s) {
  (void)s;
  double from;
  double keeps = lively_end(0.5, 0.1, &from);
  assert_true(from > 0 && from < 50);
  assert_true(fabs(keeps - (1 - 0.1 / 0.5)) < 1e-6);
  double fades = lively_end(0.3, 0.5, &from);
  assert_true(from > 0 && from < 100); /* m reached 0.3 with the shills */
  assert_true(fades < 1e-3);
  double stays = lively_end(0, 0.1, &from);
  assert_true(isinf(from));
  assert_true(fabs(stays - 0.5) < 1e-12);
}

/* Constant activity A: a churn (p 1, Exp(5d)) drawn on joining is
 * cancelled with probability hold A, a move (p 1, Exp(5d)) with convert
 * (1 - A): by day T the leavers and movers are Binomial(N, (1 - q) F(T)). */
static void activity_holds_members_and_conversion(void **state) {
  (void)state;
  const double n = 20000, a = 0.6, hold = 0.5, conv = 0.5, f = 1 - exp(-2.0);
  for (int k = 0; k < 2; k++) {
    wx_model *m = fx_model(10, 1);
    uint32_t g = fx_module(m, "G"), b = fx_module(m, "B");
    wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
    u->cap = 1e9, u->act_initial = a;
    u->act_hold = hold, u->act_convert = conv;
    wx_flow_kind kind = k ? WX_FLOW_MOVE : WX_FLOW_CHURN;
    fx_flow(m, kind, g, k ? b : WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 5, 0);
    fx_initial(m, g, n);
    fx_run r;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(fx_go(&r, 8, 0), WX_OK);
    double p = (1 - (k ? conv * (1 - a) : hold * a)) * f;
    double got = fx_at(&r, fx_sample(&r, 10), fx_leaves(&r, g));
    assert_true(fabs(got - n * p) <= 4 * sqrt(n * p * (1 - p)));
    if (k) assert_true(fx_at(&r, fx_sample(&r, 10), fx_members(&r, b)) == got);
    fx_teardown(&r);
  }
}

#define HEAD "modules:\n"
static void every_activity_key_error_has_its_position(void **state) {
  (void)state;
  wxt_load_fails(HEAD "  g: {kind: group, activity: {chat: lots}}\n",
                 WX_ESCENARIO, 2, 37, "activity.chat");
  wxt_load_fails(HEAD "  g: {kind: group, activity: {post: -1}}\n",
                 WX_ESCENARIO, 2, 37, "activity.post");
  wxt_load_fails(HEAD "  g: {kind: group, activity: {hold: 150}}\n",
                 WX_ESCENARIO, 2, 37, "activity.hold");
  wxt_load_fails(HEAD "  g: {kind: group, activity: {convert: 2}}\n",
                 WX_ESCENARIO, 2, 40, "activity.convert");
  wxt_load_fails(HEAD
                 "  g: {kind: group, activity: {shills: {count: 1, boost: "
                 "1, withdraw: 5d, until: 0}}}\n",
                 WX_ESCENARIO, 2, 81, "reached at opening");
  wxt_load_fails(HEAD
                 "  g: {kind: group, group_type: functional, activity: "
                 "{chat: 1/d}}\n",
                 WX_ESCENARIO, 2, 55, "communication groups");
  wx_model_free(wxt_load_ok(
      HEAD
      "  g: {kind: group, group_type: functional, activity: {post: 0.1, "
      "shills: {count: 1, boost: 0.4, withdraw: 2d, until: 0.5}}}\n"));
}

/* The shipped example: the group whose shills got it talking keeps more
 * members (activity holds churn) than the same group without them; the
 * cohort engine refuses lively groups by name. */
static void shipped_example_shows_the_shills(void **state) {
  (void)state;
  wx_model *m = NULL;
  assert_int_equal(
      wx_model_load(WX_SOURCE_DIR "/scenarios/group_lively.yaml", &m, NULL),
      WX_OK);
  wx_eval_options o = {.replications = 4, .threads = 1};
  wx_eval *ev = NULL;
  assert_int_equal(wx_evaluate(m, &o, &ev, NULL), WX_OK);
  assert_true(wxt_kpi_mean(ev, "members_end.with_shills") >
              wxt_kpi_mean(ev, "members_end.no_shills") + 100);
  wx_eval_free(ev);
  wx_diags *d = wx_diags_alloc(32);
  wx_eval_options oc = {.replications = 1, .engine = "cohort"};
  assert_int_equal(wx_evaluate(m, &oc, &ev, d), WX_ESCENARIO);
  int named = 0;
  for (size_t i = 0; i < wx_diags_count(d); i++)
    named += strstr(wx_diags_get(d, i)->msg, "lively-group activity") != NULL;
  assert_int_equal(named, 3);
  wx_diags_free(d);
  wx_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(posts_and_solitaire_raise_activity),
      cmocka_unit_test(shills_withdraw_and_the_group_keeps_going_or_fades),
      cmocka_unit_test(activity_holds_members_and_conversion),
      cmocka_unit_test(every_activity_key_error_has_its_position),
      cmocka_unit_test(shipped_example_shows_the_shills),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
