/* Instant flows (delay 0) on the cohort engine (cohort_instant.c).
 *
 * agrees_with_agent: tests/data/cohort_instant.yaml (instant moves out of
 * the entry module with an instant join they make stale, instant joins
 * into an outcome and a module, a chain of two instant moves, an instant
 * purchase with repeats, a delayed flow into a module whose fates are
 * instant, initial people and Poisson arrivals), both engines, every
 * series column at every sample time: means and variances within 4
 * standard errors (tests/support/engines_agree.c).
 *
 * closed_form: the same model with N initial people and no arrivals.
 * Each person's instant path is drawn once, at t = 0: pick_a fires with
 * p_a = 0.4, pick_b with p_b = 0.35; the lead outcome is reached once by
 * those who go to a (a_counted, 100 %) and by those who stay (25 %) and
 * draw stay_lead (50 %), so leads are Binomial(N, 0.4 + 0.25 x 0.5); d's
 * joins are Binomial(N, 0.4 x 0.3) (a_to_d; nothing else enters d).  At
 * t = 0 (before d_back brings anybody into b) the chain traffic -> b -> c
 * fires b_to_c Binomial(N, 0.35 x 0.6) times, and the instant purchase
 * b_order, which the instant move to c makes stale, Binomial(N, 0.35 x
 * 0.4 x 0.2) times (b_leave drawn, then b_order).  z
 * over replications against those means and variances, at the sample at
 * t = 0 (nothing but the instant paths has happened) and at the horizon.
 *
 * more_agrees_with_agent: the same with campaigns, fission and a staff
 * module (tests/data/cohort_instant_more.yaml).
 *
 * The seeds are fixed, so the outcome is deterministic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "engine.h"
#include "model.h"
#include "series.h"
#include "engines_agree.h"

#define R 300u

static void agrees_with_agent(void **state) {
  (void)state;
  wxt_file_agrees("tests/data/cohort_instant.yaml", R);
}

/* tests/data/cohort_instant_more.yaml: initial people and campaigns
 * (within and at the end of a sample interval, with fission) into a
 * module whose fates are instant, instant requests to a staff module, and
 * an instant order behind a delayed move and a delayed touchpoint
 * response (the order's fate drawn on entering the shop). */
static void more_agrees_with_agent(void **state) {
  (void)state;
  wxt_file_agrees("tests/data/cohort_instant_more.yaml", R);
}

/* The model with N initial people and the organic arrivals off. */
static wx_model *closed_model(double N) {
  wx_model *m = wxt_cohort_load("tests/data/cohort_instant.yaml");
  m->params[m->sources[0].count].value = N;
  for (uint32_t k = 0; k < m->sources[1].n_steps; k++)
    m->params[m->sources[1].steps[k].rate].value = 0;
  return m;
}

static void closed_form_at(double N) {
  wx_model *m = closed_model(N);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(2 * n, sizeof *buf);
  assert_non_null(buf);
  wxt_run_engine("cohort", m, &l, R, buf, buf + n);
  struct {
    const char *who, *metric;
    double q;
    int at0; /* closed form at t = 0 only (later entries add to it) */
  } cells[] = {{"pick_a", "fired", 0.4, 0},
               {"pick_b", "fired", 0.35, 0},
               {"lead", "count", 0.4 + 0.25 * 0.5, 0},
               {"d", "joins", 0.4 * 0.3, 0},
               {"stay_lead", "fired", 0.25 * 0.5, 0},
               {"b_to_c", "fired", 0.35 * 0.6, 1},
               {"b_order", "fired", 0.35 * 0.4 * 0.2, 1}};
  size_t rows[] = {0, (size_t)(l.n_samples - 1) * l.n_cols};
  for (size_t t = 0; t < 2; t++)
    for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
      if (t && cells[k].at0) continue;
      uint32_t c = wxt_col_of(m, &l, cells[k].who, cells[k].metric);
      double q = cells[k].q;
      wxt_moments_agree(cells[k].metric, l.times[rows[t] / l.n_cols],
                        buf[rows[t] + c], buf[n + rows[t] + c], R, N * q,
                        N * q * (1 - q));
    }
  free(buf);
  wx__layout_free(&l);
  wx_model_free(m);
}

static void closed_form(void **state) {
  (void)state;
  closed_form_at(1e4);
  closed_form_at(1.09e9);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(closed_form),
      cmocka_unit_test(agrees_with_agent),
      cmocka_unit_test(more_agrees_with_agent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
