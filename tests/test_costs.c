/* The total cost is every cost the scenario names: ads budget by active
 * day, cost per post, campaign one-offs, staff accounts and groups per
 * month (30 d).  Each part is known in closed form here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "agent_engine.h"
#include "scenario_support.h"
#include "series.h"

static const char *scenario =
    "horizon: 30d\nsample_every: 10d\nseed: 3\n"
    "modules:\n"
    "  oa: {kind: official_account}\n"
    "  sdr: {kind: wecom, accounts: 2, cost: 300/month}\n"
    "  grp: {kind: group, cost: 60/month}\n"
    "sources:\n"
    "  ads: {type: ads, into: oa, budget: 100/d, cpm: 50, ctr: 1%,"
    " convert: 50%, from: 0d, until: 10d}\n"
    "  vote: {type: campaign, into: oa, at: 5d, count: 10, cost: 700}\n"
    "flows:\n"
    "  add: {from: oa, to: sdr, type: join, p: 50%, delay: 1d}\n"
    "  join_group: {from: sdr, to: grp, type: join, p: 100%, delay: 1d}\n"
    "touchpoints:\n"
    "  article: {module: oa, schedule: {every: 7d}, cost: 50}\n";

static double at_end(const wx_series *s, uint32_t col) {
  return s->v[(size_t)(s->n_samples - 1) * s->n_cols + col];
}

static void total_cost_adds_every_part(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  wx_engine *e = wx__agent_alloc(m, &l);
  assert_non_null(e);
  double params[64];
  assert_true(m->n_params <= 64);
  wx__params_nominal(m, params);
  assert_int_equal(wx__agent_run(e, params, 11, &s, NULL), WX_OK);
  uint32_t posts = wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "posts");
  uint32_t groups = wx__layout_find(&l, WX_SCOPE_MODULE, 2, "cost");
  uint32_t total = wx__layout_find(&l, WX_SCOPE_TOTAL, 0, "cost");
  assert_int_not_equal(posts, WX_NONE);
  assert_int_not_equal(groups, WX_NONE);
  assert_int_not_equal(total, WX_NONE);
  double n_posts = at_end(&s, posts);
  assert_true(n_posts >= 4); /* every 7 d over 30 d */
  /* ads 100/d x 10 d; campaign 700; posts x 50; 2 accounts x 300 x 1
   * month; groups: whatever time groups were open, as the series says. */
  double want = 1000 + 700 + 50 * n_posts + 2 * 300 + at_end(&s, groups);
  assert_true(at_end(&s, groups) > 0);
  if (fabs(at_end(&s, total) - want) > 1e-6)
    fail_msg("total cost %.6f, parts %.6f", at_end(&s, total), want);
  wx__agent_free(e);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(total_cost_adds_every_part),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
