/* Flow pulses (cohort_pulse.c) and responses pending several times at
 * once (cohort_pend.c) on the cohort engine.
 *
 * pulses_agree_with_agent, pending_agrees_with_agent,
 * festivals_agree_with_agent: both engines on tests/data/cohort_pulse.yaml,
 * cohort_pend.yaml and scenarios/festivals.yaml, every series column at
 * every sample time, means and variances within |z| <= 4
 * (engines_agree.h; festivals' variances where the means are 5 or more).
 *
 * pulsed_branches_closed_form: Poisson arrivals at rate L into a module
 * whose churn branch a (40 %, x 3 on day 5: clamped to 100 %, then with
 * b's 20 % scaled to 5/6 and 1/6) and, into a second module, a join flow
 * to an outcome (10 %, x 3 on days 5 and 6) fire after exponential(mu)
 * delays.  The firings of flow f by T are a thinned Poisson stream:
 * Poisson with mean L sum_d p_f(d) int_d^min(d + 1, T) (1 - e^-(T - u)/mu)
 * du, p_f(d) the p of whoever joins on day d.  Samples 36 h apart cut the
 * pulse days inside steps.  z of the mean and of the variance over
 * replications within 4, at L = 200/d and 1.09e9/d.
 *
 * Seeds are fixed, so the outcome is deterministic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "cohort.h"
#include "engine.h"
#include "engines_agree.h"
#include "model.h"
#include "series.h"
#include "test_scale.h"

/* 300 replications per engine, 60 under WX_TEST_SCALE=0.1 (valgrind); the
 * z-tests' standard errors follow the count run. */
#define R wxt_scaled(300, 60)

static void pulses_agree_with_agent(void **state) {
  (void)state;
  wxt_file_agrees("tests/data/cohort_pulse.yaml", R);
}

/* The response needs more than WX_COHORT_TP_PEND slots: with only that
 * many the run is refused (the tail bound, wx__ctouch_derive). */
static void pending_agrees_with_agent(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("tests/data/cohort_pend.yaml");
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  wx_cohort *e = wx__cohort_alloc(m, &l);
  assert_non_null(e);
  uint32_t f = m->touchpoints[0].responses[0];
  print_message("%s: %u pending slots\n", m->flows[f].name, e->sp.resp_cap[f]);
  assert_true(e->sp.resp_cap[f] >= 3);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  assert_int_equal(wx__cohort_run(e, par, 1, &s, NULL, NULL), WX_OK);
  e->sp.resp_cap[f] = WX_COHORT_TP_PEND;
  e->have_last = 0; /* derive again */
  assert_int_equal(wx__cohort_run(e, par, 1, &s, NULL, NULL), WX_ERUNTIME);
  free(par);
  wx__cohort_free(e);
  wx__series_free(&s);
  wx__layout_free(&l);
  wxt_cells_agree(m, R);
  wx_model_free(m);
}

/* The shipped festival calendar over its whole horizon (the 618 pulse
 * of shop_buy is on day 164), R replications of each engine. */
static void festivals_agree_with_agent(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("scenarios/festivals.yaml");
  wxt_cells_agree_common(m, R);
  wx_model_free(m);
}

static wx_model *branches_model(double rate) {
  char text[2048];
  snprintf(text, sizeof text,
           "wxflow: 1\n"
           "start: 2026-01-05\n"
           "horizon: 12d\n"
           "sample_every: 36h\n"
           "modules:\n"
           "  shop: {kind: mini_program}\n"
           "  oa: {kind: official_account}\n"
           "outcomes:\n"
           "  purchase: {}\n"
           "sources:\n"
           "  s: {into: shop, rate: %.17g/d}\n"
           "  t: {into: oa, rate: %.17g/d}\n"
           "flows:\n"
           "  a: {from: shop, type: churn, p: 40%%, delay: exponential(1d),"
           " pulses: [{date: 2026-01-10, x: 3}]}\n"
           "  b: {from: shop, type: churn, p: 20%%, delay: exponential(1d)}\n"
           "  buy: {from: oa, to: purchase, type: join, p: 10%%,"
           " delay: exponential(1d),"
           " pulses: [{date: 2026-01-10, x: 3, days: 2}]}\n",
           rate, rate);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  if (wx_model_load_buffer("t.yaml", text, strlen(text), &m, d) != WX_OK)
    fail_msg("%s", wx_diags_get(d, 0)->msg);
  wx_diags_clear(d);
  if (wx__cohort_check(m, d) != WX_OK)
    fail_msg("refused: %s", wx_diags_get(d, 0)->msg);
  wx_diags_free(d);
  return m;
}

/* The mean firings by T of a flow of p(d) on day d, delay mean mu. */
static double fired_by(double rate, double T, double mu, double (*p)(int)) {
  double sum = 0;
  for (int d = 0; d < T; d++) {
    double a = d, b = d + 1 < T ? d + 1 : T;
    sum += p(d) * ((b - a) - mu * (exp(-(T - b) / mu) - exp(-(T - a) / mu)));
  }
  return rate * sum;
}

static double p_a(int d) { return d == 5 ? 5.0 / 6 : 0.4; }
static double p_b(int d) { return d == 5 ? 1.0 / 6 : 0.2; }
static double p_buy(int d) { return d == 5 || d == 6 ? 0.3 : 0.1; }

static void branches(double rate) {
  wx_model *m = branches_model(rate);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(2 * n, sizeof *buf);
  assert_non_null(buf);
  wxt_run_engine("cohort", m, &l, R, buf, buf + n);
  static const char *const name[] = {"a", "b", "buy"};
  double (*const p[])(int) = {p_a, p_b, p_buy};
  for (uint32_t k = 1; k < l.n_samples; k++)
    for (int j = 0; j < 3; j++) {
      size_t c = (size_t)k * l.n_cols + wxt_col_of(m, &l, name[j], "fired");
      double want = fired_by(rate, l.times[k], 1, p[j]);
      /* Poisson: the variance is the mean */
      wxt_moments_agree(name[j], l.times[k], buf[c], buf[n + c], R, want, want);
    }
  free(buf);
  wx__layout_free(&l);
  wx_model_free(m);
}

static void pulsed_branches_closed_form(void **state) {
  (void)state;
  branches(200);
  branches(1.09e9);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pulsed_branches_closed_form),
      cmocka_unit_test(pulses_agree_with_agent),
      cmocka_unit_test(pending_agrees_with_agent),
      cmocka_unit_test(festivals_agree_with_agent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
