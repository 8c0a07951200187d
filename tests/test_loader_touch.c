/* Loader of the WeChat mechanics: what each new key compiles to, and every
 * new error with its position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "model.h"
#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
/* MODS takes lines 1-3; snippets below start on line 4. */
#define TP   "touchpoints:\n  art:\n    module: oa\n"
/* TP takes lines 4-6 after MODS; touchpoint keys start on line 7. */

static double pv(const wx_model *m, uint32_t i) { return m->params[i].value; }

static void touchpoint_compiles_with_defaults_and_responses(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "start: 2026-02-02\n" MODS TP
      "    schedule: {weekdays: [mon, thu], at: \"20:30\", until: 60d}\n"
      "    responses:\n"
      "      cta: {to: sdr, p: 3%, delay: exponential(1d)}\n"
      "      buy: {to: purchase, type: move, p: 1%}\n"
      "    pulses: [{date: 2026-02-10, x: 3}]\n"
      "    cost: 500\n");
  assert_non_null(m);
  assert_int_equal(m->start_day, wx__days_from_civil(2026, 2, 2));
  assert_int_equal(m->n_touchpoints, 1);
  const wx_touchpoint *t = &m->touchpoints[0];
  assert_true(pv(m, t->reach) == 0.013); /* official_account default */
  assert_true(pv(m, t->unfollow) == 0 && pv(m, t->solitaire) == 1);
  assert_true(pv(m, t->cost) == 500);
  assert_int_equal(t->sched.weekdays, 1u | 1u << 3);
  assert_true(fabs(t->sched.at - 20.5 / 24) < 1e-12);
  assert_true(t->sched.until == 60);
  assert_int_equal(t->n_pulses, 1);
  assert_true(t->pulses[0].day == 8 && pv(m, t->pulses[0].x) == 3);
  assert_int_equal(t->n_responses, 2);
  const wx_flow *f = &m->flows[t->responses[0]];
  assert_string_equal(f->name, "art.cta");
  assert_int_equal(f->tp, 1);
  assert_int_equal(f->kind, WX_FLOW_JOIN);
  assert_int_equal(m->flows[t->responses[1]].kind, WX_FLOW_MOVE);
  assert_int_equal(m->modules[0].n_joins + m->modules[0].n_exclusive, 0);
  assert_int_equal(t->views, WX_NONE);
  wx_model_free(m);
}

static void recommend_fission_and_money_compile(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      MODS
      "outcomes:\n"
      "  purchase:\n"
      "    value: lognormal(median=80, sigma=0.6)\n"
      "    repeat: {p: 30%, delay: exponential(30d)}\n"
      "sources:\n"
      "  ads: {type: ads, into: oa, budget: 2000/d, cpm: 40, ctr: 1.2%, "
      "convert: 30%, until: 60d}\n"
      "  vote:\n"
      "    type: campaign\n"
      "    into: oa\n"
      "    at: 2026-01-15\n"
      "    count: 500\n"
      "    fission:\n"
      "      share: 20%\n"
      "      offspring: negbin(mean=3, size=0.5)\n"
      "      generation_delay: 1d\n"
      "      saturation: {cap: 200k}\n"
      "      decline: {half_life: 365d}\n"
      "touchpoints:\n"
      "  vid:\n"
      "    module: oa\n"
      "    type: live\n"
      "    solitaire: {x: 1.5}\n"
      "    schedule: {every: 7d}\n"
      "    recommend: {views: 5000, responses: {follow: {to: oa, p: 2%}}}\n");
  assert_non_null(m);
  const wx_outcome *o = &m->outcomes[0];
  assert_true(o->has_value && o->has_repeat);
  assert_true(pv(m, o->repeat_p) == 0.3);
  const wx_source *ads = &m->sources[0], *vote = &m->sources[1];
  assert_int_equal(ads->kind, WX_SOURCE_ADS);
  assert_true(pv(m, ads->budget) == 2000 && ads->until == 60 && ads->from == 0);
  assert_int_equal(vote->kind, WX_SOURCE_CAMPAIGN);
  assert_true(vote->at == 10 && pv(m, vote->count) == 500);
  assert_true(vote->fission.on && vote->fission.into == 0);
  assert_int_equal(vote->fission.offspring, WX_OFFSPRING_NEGBIN);
  assert_true(pv(m, vote->fission.size) == 0.5);
  assert_true(pv(m, vote->fission.cap) == 200000);
  assert_int_equal(vote->fission.half_life, WX_NONE);
  const wx_touchpoint *t = &m->touchpoints[0];
  assert_int_equal(t->type, WX_TP_LIVE);
  assert_true(pv(m, t->solitaire) == 1.5 && pv(m, t->views) == 5000);
  assert_int_equal(t->n_rec, 1);
  assert_true(m->flows[t->rec[0]].recommend);
  wx_model_free(m);
}

static void calendar_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails("start: 2026-02-30\n" MODS, WX_ESCENARIO, 1, 8,
                 "expected a date YYYY-MM-DD");
  wxt_load_fails(MODS TP "    schedule: {dates: [2025-12-31]}\n", WX_ESCENARIO,
                 7, 24, "before the scenario's start");
  wxt_load_fails(MODS TP "    schedule: {every: 7d, at: \"25:00\"}\n",
                 WX_ESCENARIO, 7, 31, "time of day hh:mm");
  wxt_load_fails(MODS TP "    schedule: {weekdays: [mon, fry]}\n", WX_ESCENARIO,
                 7, 32, "unknown weekday `fry`");
}

static void schedule_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails(MODS TP "    schedule: {from: 3d}\n", WX_ESCENARIO, 7, 15,
                 "give `every`, `weekdays` or `dates`");
  wxt_load_fails(MODS TP "    schedule: {every: 1d, weekdays: [mon]}\n",
                 WX_ESCENARIO, 7, 15, "not both");
  wxt_load_fails(MODS TP "    schedule: {every: 0d}\n", WX_ESCENARIO, 7, 23,
                 "must be >");
  wxt_load_fails(MODS TP "    schedule: {every: 1d, from: 9d, until: 3d}\n",
                 WX_ESCENARIO, 7, 44, "before `from`");
  wxt_load_fails(MODS TP "    schedul: {every: 1d}\n", WX_ESCENARIO, 7, 5,
                 "did you mean `schedule`?");
  wxt_load_fails(MODS TP, WX_ESCENARIO, 6, 5,
                 "missing required key `schedule`");
}

static void touchpoint_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "touchpoints:\n  art: {module: ao, schedule: {every: "
                 "1d}}\n",
                 WX_ESCENARIO, 5, 17, "did you mean `oa`?");
  wxt_load_fails(MODS TP "    schedule: {every: 1d}\n    type: brodcast\n",
                 WX_ESCENARIO, 8, 11, "did you mean `broadcast`?");
  wxt_load_fails(MODS TP "    schedule: {every: 1d}\n    type: staff_moments\n",
                 WX_ESCENARIO, 8, 11, "need a staff module");
  wxt_load_fails(MODS TP "    schedule: {every: 1d}\n    reach: 130%\n",
                 WX_ESCENARIO, 8, 12, "reach");
  wxt_load_fails(MODS TP "    schedule: {every: 1d}\n    solitaire: {x: 0}\n",
                 WX_ESCENARIO, 8, 20, "solitaire.x");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n    pulses: [{date: 3d}]\n",
                 WX_ESCENARIO, 8, 14, "missing required key `x`");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n"
                 "    responses: {cta: {to: sdrr}}\n",
                 WX_ESCENARIO, 8, 27, "did you mean `sdr`?");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n"
                 "    responses: {cta: {to: sdr, type: churn}}\n",
                 WX_ESCENARIO, 8, 38, "expected join or move");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n"
                 "    recommend: {responses: {f: {to: oa}}}\n",
                 WX_ESCENARIO, 8, 16, "missing required key `views`");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n"
                 "    recommend: {views: 5, responses: {f: {to: oa, type: "
                 "move}}}\n",
                 WX_ESCENARIO, 8, 57, "viewers are new people");
}

#define MOM "touchpoints:\n  mo:\n    module: sdr\n    schedule: {every: 1d}\n"
/* MOM takes lines 4-7 after MODS; further keys start on line 8. */

static void moments_compile_with_wecom_quota_defaults(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS MOM
                            "    type: staff_moments\n"
                            "  ent:\n    module: sdr\n"
                            "    type: enterprise_moments\n"
                            "    schedule: {every: 1d}\n"
                            "    posts_per_month: 2\n");
  assert_non_null(m);
  assert_int_equal(m->touchpoints[0].type, WX_TP_STAFF_MOMENTS);
  assert_true(m->touchpoints[0].recipients_per_post == 200);
  assert_int_equal(m->touchpoints[1].type, WX_TP_ENTERPRISE_MOMENTS);
  assert_true(m->touchpoints[1].posts_per_month == 2);
  wx_model_free(m);
  m = wxt_load_ok(MODS MOM
                  "    type: staff_moments\n"
                  "    recipients_per_post: 50\n");
  assert_non_null(m);
  assert_true(m->touchpoints[0].recipients_per_post == 50);
  wx_model_free(m);
}

/* WeCom's quotas are WeCom's: a personal account's staff Moments have no
 * recipient limit and no once-a-day rule, and it has no enterprise
 * Moments. */
static void personal_account_moments_have_no_wecom_quotas(void **state) {
  (void)state;
  const char *mods =
      "modules:\n  oa: {kind: official_account}\n"
      "  sdr: {kind: personal_account}\n";
  char text[1024];
  snprintf(text, sizeof text, "%s%s    type: staff_moments\n", mods, MOM);
  wx_model *m = wxt_load_ok(text);
  assert_true(m->touchpoints[0].recipients_per_post == 0);
  assert_int_equal(m->touchpoints[0].once_per_day, 0);
  wx_model_free(m);
  m = wxt_load_ok(MODS MOM "    type: staff_moments\n");
  assert_int_equal(m->touchpoints[0].once_per_day, 1);
  wx_model_free(m);
  m = wxt_load_ok(MODS MOM
                  "    type: staff_moments\n    once_per_day: false\n");
  assert_int_equal(m->touchpoints[0].once_per_day, 0);
  wx_model_free(m);
  snprintf(text, sizeof text, "%s%s    type: enterprise_moments\n", mods, MOM);
  wxt_load_fails(text, WX_ESCENARIO, 8, 11, "a WeCom feature");
}

static void moments_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails(MODS MOM
                 "    type: staff_moments\n"
                 "    recipients_per_post: 0\n",
                 WX_ESCENARIO, 9, 26, "at least 1");
  wxt_load_fails(MODS MOM
                 "    type: staff_moments\n"
                 "    recipients_per_post: 2.5\n",
                 WX_ESCENARIO, 9, 26, "recipients_per_post");
  wxt_load_fails(MODS MOM
                 "    type: staff_moments\n"
                 "    posts_per_month: 4\n",
                 WX_ESCENARIO, 9, 22, "only to type enterprise_moments");
  wxt_load_fails(MODS MOM "    recipients_per_post: 200\n", WX_ESCENARIO, 8, 26,
                 "only to type staff_moments");
  wxt_load_fails(MODS MOM
                 "    type: enterprise_moments\n"
                 "    posts_per_month: -1\n",
                 WX_ESCENARIO, 9, 22, "posts_per_month");
  wxt_load_fails(MODS TP
                 "    schedule: {every: 1d}\n"
                 "    type: enterprise_moments\n",
                 WX_ESCENARIO, 8, 11, "`oa` is official_account");
}

static void fission_errors_have_positions(void **state) {
  (void)state;
  const char *head = MODS TP "    schedule: {every: 1d}\n    fission:\n";
  char buf[1024];
  /* R = 50% x 3 = 1.5 without saturation grows without end. */
  snprintf(buf, sizeof buf,
           "%s      share: 50%%\n      offspring: poisson(3)\n"
           "      generation_delay: 1d\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 9, 7, "grows without end");
  snprintf(buf, sizeof buf,
           "%s      share: 50%%\n      offspring: poisson(3)\n"
           "      generation_delay: 1d\n      saturation: {cap: 1000}\n",
           head);
  wx_model *m = wxt_load_ok(buf);
  wx_model_free(m);
  snprintf(buf, sizeof buf,
           "%s      share: 5%%\n      offspring: pareto(3)\n"
           "      generation_delay: 1d\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 10, 18, "poisson(mean) or negbin");
  snprintf(buf, sizeof buf,
           "%s      share: 5%%\n      offspring: negbin(3)\n"
           "      generation_delay: 1d\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 10, 18, "offspring");
  snprintf(buf, sizeof buf, "%s      share: 5%%\n      offspring: poisson(3)\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 9, 7,
                 "missing required key `generation_delay`");
  snprintf(buf, sizeof buf,
           "%s      share: 5%%\n      offspring: poisson(3)\n"
           "      generation_delay: 1d\n      saturation: {cap: 9, "
           "half_life: 2d}\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 12, 19, "not both");
  snprintf(buf, sizeof buf,
           "%s      share: 5%%\n      offspring: poisson(3)\n"
           "      generation_delay: 1d\n      into: nowhere\n",
           head);
  wxt_load_fails(buf, WX_ESCENARIO, 12, 13, "unknown module `nowhere`");
}

static void money_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails(MODS
                 "sources:\n  a: {type: ads, into: oa, cpm: 40, ctr: 1%, "
                 "convert: 1%}\n",
                 WX_ESCENARIO, 5, 6, "needs `budget`");
  wxt_load_fails(MODS "sources:\n  a: {type: ad, into: oa}\n", WX_ESCENARIO, 5,
                 13, "did you mean `ads`?");
  wxt_load_fails(MODS "sources:\n  a: {into: oa, rate: 1/d, budget: 3/d}\n",
                 WX_ESCENARIO, 5, 28, "needs `type: ads`");
  wxt_load_fails(MODS
                 "sources:\n  a: {type: campaign, into: oa, count: 5, "
                 "rate: 1/d}\n",
                 WX_ESCENARIO, 5, 43,
                 "does not apply to a source of type campaign");
  wxt_load_fails(MODS
                 "sources:\n  a: {type: ads, into: oa, budget: 1/d, "
                 "cpm: 40, ctr: 1%, convert: 1%, from: 9d, until: 2d}\n",
                 WX_ESCENARIO, 5, 89, "must be after `from`");
  wxt_load_fails(MODS "outcomes:\n  purchase: {value: exponential(-3)}\n",
                 WX_ESCENARIO, 5, 21, "purchase.value");
  wxt_load_fails(MODS "outcomes:\n  purchase: {repeat: {p: 30%}}\n",
                 WX_ESCENARIO, 5, 22, "missing required key `delay`");
}

static void example_matrix_scenario_loads(void **state) {
  (void)state;
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(20);
  int rc = wx_model_load(WX_SOURCE_DIR "/scenarios/wechat_matrix.yaml", &m, d);
  if (rc != WX_OK)
    for (size_t i = 0; i < wx_diags_count(d); i++)
      print_message("%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(m->n_touchpoints, 3);
  wx_model_free(m);
  wx_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(touchpoint_compiles_with_defaults_and_responses),
      cmocka_unit_test(recommend_fission_and_money_compile),
      cmocka_unit_test(calendar_errors_have_positions),
      cmocka_unit_test(schedule_errors_have_positions),
      cmocka_unit_test(touchpoint_errors_have_positions),
      cmocka_unit_test(moments_compile_with_wecom_quota_defaults),
      cmocka_unit_test(moments_errors_have_positions),
      cmocka_unit_test(personal_account_moments_have_no_wecom_quotas),
      cmocka_unit_test(fission_errors_have_positions),
      cmocka_unit_test(money_errors_have_positions),
      cmocka_unit_test(example_matrix_scenario_loads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
