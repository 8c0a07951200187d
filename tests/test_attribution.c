/* Purchases and revenue are attributed to the module a purchase flow left
 * and to the touchpoint a response answered; without repeats, the parts
 * add up to the outcome's count and the total revenue exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "agent_engine.h"
#include "scenario_support.h"
#include "series.h"

static const char *scenario =
    "horizon: 20d\nsample_every: 10d\n"
    "modules:\n"
    "  a: {kind: official_account}\n"
    "  b: {kind: mini_program}\n"
    "outcomes:\n"
    "  purchase: {value: 10}\n"
    "sources:\n"
    "  ads: {into: a, rate: 50/d}\n"
    "flows:\n"
    "  a_buy: {from: a, to: purchase, type: join, p: 20%, delay: 1d}\n"
    "  a_b:   {from: a, to: b, type: join, p: 50%, delay: 1d}\n"
    "  b_buy: {from: b, to: purchase, p: 30%, delay: 2d}\n"
    "touchpoints:\n"
    "  post:\n"
    "    module: a\n"
    "    schedule: {every: 2d}\n"
    "    reach: 50%\n"
    "    responses: {buy_now: {to: purchase, p: 10%, delay: 0d}}\n";

static double last(const wx_series *s, uint32_t col) {
  assert_int_not_equal(col, WX_NONE);
  return s->v[(size_t)(s->n_samples - 1) * s->n_cols + col];
}

static uint32_t flow(const wx_model *m, const char *name) {
  for (uint32_t f = 0; f < m->n_flows; f++)
    if (!strcmp(m->flows[f].name, name)) return f;
  fail_msg("no flow %s", name);
  return 0;
}

static void purchases_and_revenue_are_attributed(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  wx_engine *e = wx__agent_alloc(m, &l);
  double params[64];
  assert_true(m->n_params <= 64);
  wx__params_nominal(m, params);
  assert_int_equal(wx__agent_run(e, params, 7, &s, NULL), WX_OK);
  double a = last(&s, wx__layout_find(&l, WX_SCOPE_MODULE, 0, "purchases"));
  double b = last(&s, wx__layout_find(&l, WX_SCOPE_MODULE, 1, "purchases"));
  double tp =
      last(&s, wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "purchases"));
  double fired_a = last(&s, l.flow_base + flow(m, "a_buy"));
  double fired_b = last(&s, l.flow_base + flow(m, "b_buy"));
  double fired_tp = last(&s, l.flow_base + flow(m, "post.buy_now"));
  assert_true(fired_a > 0 && fired_b > 0 && fired_tp > 0);
  /* Responses leave the touchpoint's module: they count for `a` too. */
  assert_true(a == fired_a + fired_tp);
  assert_true(b == fired_b);
  assert_true(tp == fired_tp);
  double count = last(&s, wx__layout_find(&l, WX_SCOPE_OUTCOME, 0, "count"));
  assert_true(a + b == count);
  double rev_a = last(&s, wx__layout_find(&l, WX_SCOPE_MODULE, 0, "revenue"));
  double rev_b = last(&s, wx__layout_find(&l, WX_SCOPE_MODULE, 1, "revenue"));
  double total = last(&s, wx__layout_find(&l, WX_SCOPE_TOTAL, 0, "revenue"));
  assert_true(rev_a == 10 * a && rev_b == 10 * b);
  assert_true(fabs(total - (rev_a + rev_b)) < 1e-9);
  wx__agent_free(e);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(purchases_and_revenue_are_attributed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
