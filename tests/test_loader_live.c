/* `session:` of a live touchpoint (scenario_live.c): what it compiles to,
 * planner units, and a positioned message for every bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model.h"
#include "scenario_support.h"

#define MODS                         \
  "modules:\n"                       \
  "  video: {kind: video_account}\n" \
  "  shop: {kind: mini_program}\n"   \
  "touchpoints:\n"                   \
  "  live:\n"                        \
  "    module: video\n"              \
  "    type: live\n"                 \
  "    schedule: {weekdays: [fri], at: \"20:00\"}\n"
/* The session is on line 9, its first key on line 10. */
#define SESSION MODS "    session:\n"

static double pv(const wx_model *m, uint32_t i) { return m->params[i].value; }

static void session_values(void **state) {
  (void)state;
  wx_model *m =
      wxt_load_ok(SESSION
                  "      duration: 2h\n"
                  "      arrivals: exponential(20min)\n"
                  "      watch: gamma(shape=2, mean=25min)\n"
                  "      recommended: 3000\n"
                  "      buy: 1.3%/h\n"
                  "      follow: 4%\n"
                  "      replay: {window: 3d, reach: 1%, buy: 0.5%,\n"
                  "               views: \"gamma(shape=4, mean=500)\"}\n");
  const wx_live *lv = m->touchpoints[0].live;
  assert_non_null(lv);
  assert_true(fabs(lv->duration - 2.0 / 24) < 1e-12);
  assert_false(lv->arrive_uniform);
  assert_int_equal(lv->arrive.kind, WX_DIST_EXPONENTIAL);
  assert_true(fabs(pv(m, lv->arrive.p[0]) - 20.0 / 1440) < 1e-12);
  assert_int_equal(lv->watch.kind, WX_DIST_GAMMA);
  assert_true(pv(m, lv->views) == 3000);
  assert_true(fabs(pv(m, lv->buy) - 0.013 * 24) < 1e-12); /* per day */
  assert_true(fabs(pv(m, lv->follow) - 0.04) < 1e-12);
  assert_string_equal(m->outcomes[lv->outcome].name, "purchase");
  assert_true(lv->replay && lv->replay_window == 3);
  assert_int_equal(m->params[lv->replay_views].prior.kind, WX_PRIOR_GAMMA);
  wx_model_free(m);
  /* the defaults: uniform arrivals, nobody recommended, no shop, no replay */
  m = wxt_load_ok(SESSION "      duration: 90min\n      watch: 30min\n");
  lv = m->touchpoints[0].live;
  assert_true(lv->arrive_uniform && !lv->replay);
  assert_int_equal(lv->views, WX_NONE);
  assert_int_equal(lv->buy, WX_NONE);
  assert_int_equal(lv->follow, WX_NONE);
  wx_model_free(m);
}

static void session_errors_have_positions(void **state) {
  (void)state;
  wxt_load_fails(SESSION "      watch: 30min\n", WX_ESCENARIO, 10, 7,
                 "missing required key `duration`");
  wxt_load_fails(SESSION "      duration: 2s\n      watch: 30min\n",
                 WX_ESCENARIO, 10, 17, "shorter than a minute");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      buy: 3%\n",
                 WX_ESCENARIO, 12, 12, "touchpoints.live.session.buy");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      follow: 4\n",
                 WX_ESCENARIO, 12, 15, "did you mean 4%");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      outcome: shop\n",
                 WX_ESCENARIO, 12, 16, "expected an outcome");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      recomended: 5\n",
                 WX_ESCENARIO, 12, 7, "did you mean `recommended`");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      replay: {reach: 1%}\n",
                 WX_ESCENARIO, 12, 15, "missing required key `window`");
  wxt_load_fails(SESSION
                 "      duration: 2h\n      watch: 30min\n"
                 "      recommended: 2e9\n",
                 WX_ESCENARIO, 12, 20, "viewers per session");
  wxt_load_fails(SESSION "      duration: 2h\n      watch: sometimes\n",
                 WX_ESCENARIO, 11, 14, "watch");
  /* only live touchpoints have sessions, and they recommend through it */
  wxt_load_fails(
      "modules: {oa: {kind: official_account}}\n"
      "touchpoints:\n"
      "  post:\n"
      "    module: oa\n"
      "    schedule: {every: 7d}\n"
      "    session: {duration: 2h, watch: 30min}\n",
      WX_ESCENARIO, 6, 14, "applies only to type live");
  wxt_load_fails(MODS
                 "    recommend: {views: 10, responses: {f: {to: video}}}\n"
                 "    session: {duration: 2h, watch: 30min}\n",
                 WX_ESCENARIO, 9, 16, "session.recommended");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(session_values),
      cmocka_unit_test(session_errors_have_positions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
