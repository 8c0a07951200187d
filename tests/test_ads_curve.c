/* Saturating ads (ads_curve.c): arrivals against the curves' closed forms
 * (z-tests at 4 standard errors), the memory guard's estimate equal to the
 * same formula, the curve's keys as parameters, and the loader's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "memory_guard.h"
#include "model.h"
#include "scenario_support.h"

/* 30 active days of ads at budget B into an outside module. */
static wx_model *ads_model(const char *budget, const char *curve) {
  char text[1024];
  snprintf(text, sizeof text,
           "wxflow: 1\nhorizon: 40d\nsample_every: 1d\nreplications: 40\n"
           "seed: 11\nmodules:\n  a: {kind: outside}\n"
           "sources:\n  paid:\n    type: ads\n    into: a\n"
           "    budget: %s\n    cpm: 40\n    ctr: 1%%\n    convert: 40%%\n"
           "    from: 5d\n    until: 35d\n%s",
           budget, curve);
  return wxt_load_ok(text);
}

/* Mean people_in over the model's replications, with `set` applied. */
static double mean_arrivals(const wx_model *m, const wx_param_set *set,
                            unsigned n_set, unsigned *reps) {
  wx_eval_options o = {.threads = 1, .set = set, .n_set = n_set};
  wx_eval *e = NULL;
  assert_int_equal(wx_evaluate(m, &o, &e, NULL), WX_OK);
  int k = wx_eval_kpi_find(e, "people_in");
  assert_true(k >= 0);
  wx_summary s;
  assert_int_equal(wx_eval_kpi_summary(e, (unsigned)k, &s), WX_OK);
  *reps = s.n;
  wx_eval_free(e);
  return s.mean;
}

/* a = 1000 ctr convert / cpm = 1000 x 0.01 x 0.4 / 40 = 0.1 per CNY. */
static const double A = 0.1, DAYS = 30;

/* Arrivals ~ Poisson(rate x 30 days): the mean of R replications is
 * within 4 sd = 4 sqrt(mu / R) of mu. */
static void check(const wx_model *m, double rate_per_day) {
  unsigned reps = 0;
  double got = mean_arrivals(m, NULL, 0, &reps);
  double mu = rate_per_day * DAYS;
  assert_int_equal(reps, 40);
  assert_true(fabs(got - mu) <= 4 * sqrt(mu / reps));
  /* the memory guard's estimate is the same formula */
  assert_true(fabs(wx__source_expected(m, 0, 40) - mu) <= 1e-9 * mu);
}

static void hill_shape_one_is_half_the_ceiling_at_saturation(void **s) {
  (void)s;
  /* budget = saturation = 3000: a S / 2 = 150 a day */
  wx_model *m = ads_model("3000/d", "    saturation: 3000/d\n");
  check(m, A * 3000 / 2);
  wx_model_free(m);
}

static void hill_shape_two(void **s) {
  (void)s;
  /* u = 6000 / 3000 = 2: a S u^2 / (1 + u^2) = 300 x 4 / 5 = 240 */
  wx_model *m = ads_model("6000/d", "    saturation: 3000/d\n    shape: 2\n");
  check(m, A * 3000 * 4.0 / 5.0);
  wx_model_free(m);
}

static void exponential_curve(void **s) {
  (void)s;
  /* u = 1: a S (1 - e^-1) */
  wx_model *m =
      ads_model("2000/d", "    saturation: 2000/d\n    curve: exponential\n");
  check(m, A * 2000 * (1 - exp(-1)));
  wx_model_free(m);
}

static void no_saturation_stays_linear(void **s) {
  (void)s;
  wx_model *m = ads_model("2000/d", "");
  check(m, A * 2000);
  wx_model_free(m);
}

/* A finite audience of N = 10,000 with a frequency cap f = 2: the budget
 * buys 1000 x 1200 / 40 = 30,000 impressions a day, lambda = 3 per person
 * (Poisson), of which min(X, 2) are shown:
 *   E[min(X, 2)] = P(X >= 1) + P(X >= 2) = (1 - e^-3) + (1 - 4 e^-3),
 * and each shown impression brings ctr x convert = 0.4% arrivals. */
static void finite_audience_with_frequency_cap(void **s) {
  (void)s;
  wx_model *m = ads_model("1200/d",
                          "    audience: 10000\n"
                          "    frequency_cap: 2\n");
  double e3 = exp(-3), shown = (1 - e3) + (1 - 4 * e3);
  check(m, 10000 * shown * 0.01 * 0.4);
  wx_model_free(m);
}

/* The saturation is a parameter: set in memory it moves the arrivals to
 * the curve at the new value (and the budget too). */
static void saturation_and_budget_are_parameters(void **s) {
  (void)s;
  wx_model *m = ads_model("3000/d", "    saturation: 3000/d\n");
  int ps = wx_model_param_find(m, "sources.paid.saturation");
  int pb = wx_model_param_find(m, "sources.paid.budget");
  assert_true(ps >= 0 && pb >= 0);
  wx_param_set set[2] = {{(unsigned)ps, 1000}, {(unsigned)pb, 4000}};
  unsigned reps = 0;
  double got = mean_arrivals(m, set, 2, &reps);
  double mu = A * 1000 * 4.0 / 5.0 * DAYS;
  assert_true(fabs(got - mu) <= 4 * sqrt(mu / reps));
  wx_model_free(m);
}

static void curve_errors_are_positioned(void **s) {
  (void)s;
  const char *head =
      "wxflow: 1\nhorizon: 40d\nmodules:\n  a: {kind: outside}\n"
      "sources:\n  paid:\n    type: ads\n    into: a\n"
      "    budget: 300/d\n    cpm: 40\n    ctr: 1%\n    convert: 40%\n";
  char t[1024];
  snprintf(t, sizeof t, "%s    curve: exponential\n", head);
  wxt_load_fails(t, WX_ESCENARIO, 13, 12, "needs `saturation`");
  snprintf(t, sizeof t, "%s    saturation: 1000/d\n    curve: logistic\n",
           head);
  wxt_load_fails(t, WX_ESCENARIO, 14, 12, "unknown curve `logistic`");
  snprintf(t, sizeof t,
           "%s    saturation: 1000/d\n    curve: exponential\n    shape: 2\n",
           head);
  wxt_load_fails(t, WX_ESCENARIO, 15, 5,
                 "`shape` does not apply to `curve: exponential`");
  snprintf(t, sizeof t, "%s    curve: audience\n", head);
  wxt_load_fails(t, WX_ESCENARIO, 13, 12, "`curve: audience` needs `audience`");
  snprintf(t, sizeof t, "%s    saturation: -5/d\n", head);
  wxt_load_fails(t, WX_ESCENARIO, 13, 17, "saturation");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hill_shape_one_is_half_the_ceiling_at_saturation),
      cmocka_unit_test(hill_shape_two),
      cmocka_unit_test(exponential_curve),
      cmocka_unit_test(no_saturation_stays_linear),
      cmocka_unit_test(finite_audience_with_frequency_cap),
      cmocka_unit_test(saturation_and_budget_are_parameters),
      cmocka_unit_test(curve_errors_are_positioned),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
