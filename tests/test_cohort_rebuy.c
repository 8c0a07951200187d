/* Re-buying on the cohort engine: the per-state "has bought" flags of
 * outcomes a person can buy more than once (cohort_space.c), so that a
 * first purchase counts a customer and later ones purchases only, as the
 * agent engine's per-person flags do (agent_econ.c).
 *
 * agrees_with_agent: tests/data/cohort_rebuy.yaml (weekly posts whose
 * delayed and instant responses buy an order with a value, members who
 * stay and are reached again, a second path to the order through the
 * shop, repeats) and cohort_rebuy_fixed.yaml, both engines, every series
 * column at every sample time: means and variances within 4 standard
 * errors of their difference (normal theory, Var(S^2) ~ 2 s^4 / (R - 1)).
 *
 * closed_form: N fixed members, k posts by time t at reach r, an instant
 * response buying with p at a fixed value v: customers are Binomial(N,
 * 1 - (1 - r p)^k), purchases Binomial(N k, r p), revenue v purchases; z
 * over replications of means and variances at every sample time, at N =
 * 500, 1e6 and 1.09e9.
 *
 * The seeds are fixed, so the outcome is deterministic. */
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
#include "model.h"
#include "series.h"
#include "engines_agree.h"

#define R 250u

/* The models keep their re-buyable outcomes and run (no refusal). */
static void agrees_with_agent(void **state) {
  (void)state;
  const char *files[] = {"tests/data/cohort_rebuy.yaml",
                         "tests/data/cohort_rebuy_fixed.yaml"};
  for (size_t k = 0; k < 2; k++) {
    wx_model *m = wxt_cohort_load(files[k]);
    wxt_cells_agree(m, R);
    wx_model_free(m);
  }
}

/* z of a mean and of a variance over R replications against a binomial's
 * n q and n q (1 - q), times v. */
static void binomial_agrees(const char *what, double t, double s1, double s2,
                            double n, double q, double v) {
  wxt_moments_agree(what, t, s1, s2, R, v * n * q, v * v * n * q * (1 - q));
}

static void closed_form_at(double N) {
  wx_model *m = wxt_cohort_load("tests/data/cohort_rebuy_fixed.yaml");
  m->params[m->sources[0].count].value = N;
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(2 * n, sizeof *buf);
  assert_non_null(buf);
  wxt_run_engine("cohort", m, &l, R, buf, buf + n);
  double r = 0.4, p = 0.25, v = 50; /* the yaml */
  uint32_t cp = wxt_col_of(m, &l, "weekly", "posts");
  uint32_t cc = wxt_col_of(m, &l, "order", "customers");
  uint32_t cn = wxt_col_of(m, &l, "order", "count");
  uint32_t cr = wxt_col_of(m, &l, "order", "revenue");
  uint32_t last_k = 0;
  for (uint32_t j = 0; j < l.n_samples; j++) {
    const double *s1 = buf + (size_t)j * l.n_cols, *s2 = s1 + n;
    double k = s1[cp] / R, t = l.times[j];
    assert_true(k == floor(k)); /* posts are fixed by the schedule */
    binomial_agrees("customers", t, s1[cc], s2[cc], N, 1 - pow(1 - r * p, k),
                    1);
    binomial_agrees("purchases", t, s1[cn], s2[cn], N * k, r * p, 1);
    binomial_agrees("revenue", t, s1[cr], s2[cr], N * k, r * p, v);
    last_k = (uint32_t)k;
  }
  print_message(
      "N = %g: customers, purchases and revenue agree at %u "
      "samples (%u posts)\n",
      N, l.n_samples, last_k);
  assert_true(last_k >= 3); /* people were reached again */
  free(buf);
  wx__layout_free(&l);
  wx_model_free(m);
}

static void closed_form(void **state) {
  (void)state;
  closed_form_at(500);
  closed_form_at(1e6);
  closed_form_at(1.09e9);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(closed_form),
      cmocka_unit_test(agrees_with_agent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
