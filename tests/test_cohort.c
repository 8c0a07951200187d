/* The cohort engine against exact results, with steps as long as the
 * sample interval: M/M/inf occupancy (Poisson), binomial thinning, piecewise
 * Poisson arrivals with a rate change inside a step, and the ODE mean of a
 * network with a join flow that leaving cancels.  Fixed seeds; tolerances
 * are 4 standard errors from theory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "cohort_fixture.h"

/* Standard error of the sample variance over R draws (variance s2, fourth
 * central moment m4). */
static double se_var(double s2, double m4, uint32_t R) {
  return sqrt((m4 - s2 * s2 * (R - 3.0) / (R - 1.0)) / R);
}

typedef struct {
  double s1, s2;
} acc;

static void add(acc *a, double x) {
  a->s1 += x;
  a->s2 += x * x;
}

static double mean_of(const acc *a, uint32_t R) { return a->s1 / R; }
static double var_of(const acc *a, uint32_t R) {
  double m = a->s1 / R;
  return (a->s2 - R * m * m) / (R - 1);
}

/* Mean and variance of a Poisson(mu) statistic within 4 standard errors. */
static void check_poisson(const acc *a, uint32_t R, double mu, const char *what,
                          double t) {
  double m = mean_of(a, R), v = var_of(a, R);
  if (fabs(m - mu) > 4 * sqrt(mu / R))
    fail_msg("%s at t=%g: mean %.4f, want %.4f", what, t, m, mu);
  if (fabs(v - mu) > 4 * se_var(mu, mu + 3 * mu * mu, R))
    fail_msg("%s at t=%g: variance %.4f, want %.4f", what, t, v, mu);
}

/* M/M/inf, one step per sample of 2 days (a coarse grid: the usual
 * binomial scheme would be biased by ~dt/2 per mean stay here).  N(t) ~
 * Poisson(lambda/mu (1 - e^{-mu t})); leaves ~ Poisson(lambda t - E N). */
static void mminf_occupancy_is_poisson(void **state) {
  (void)state;
  const double lambda = 40, mu = 0.5;
  const uint32_t R = 400;
  wx_model *m = fx_model(10, 2);
  uint32_t a = fx_module(m, "A");
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 1 / mu, 0);
  double from[] = {0}, rate[] = {lambda};
  fx_poisson(m, a, 1, from, rate);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  const double t[3] = {2, 6, 10};
  acc occ[3] = {{0}}, lv[3] = {{0}}, jn[3] = {{0}};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(cx_go(&c, 77, rep), WX_OK);
    for (int i = 0; i < 3; i++) {
      uint32_t k = fx_sample(&r, t[i]);
      add(&occ[i], cx_at(&c, k, fx_members(&r, a)));
      add(&lv[i], cx_at(&c, k, fx_leaves(&r, a)));
      add(&jn[i], cx_at(&c, k, fx_joins(&r, a)));
      /* levels and counters are one consistent draw */
      assert_true(cx_at(&c, k, fx_members(&r, a)) ==
                  cx_at(&c, k, fx_joins(&r, a)) -
                      cx_at(&c, k, fx_leaves(&r, a)));
    }
  }
  wx_engine_stats st;
  wx__cohort_stats(c.e, &st);
  uint32_t last = r.l.n_samples - 1;
  assert_true((double)st.arrivals == cx_at(&c, last, r.l.source_base));
  assert_true((double)st.events ==
              st.arrivals + cx_at(&c, last, r.l.flow_base));
  assert_true(st.peak_live >= cx_at(&c, last, fx_members(&r, a)));
  assert_true(st.peak_bytes > 0 &&
              (double)st.peak_bytes == wx__cohort_memory(r.m, &r.l));
  for (int i = 0; i < 3; i++) {
    double mt = lambda / mu * (1 - exp(-mu * t[i]));
    check_poisson(&occ[i], R, mt, "members", t[i]);
    check_poisson(&lv[i], R, lambda * t[i] - mt, "leaves", t[i]);
    check_poisson(&jn[i], R, lambda * t[i], "joins", t[i]);
  }
  cx_teardown(&c);
  fx_teardown(&r);
}

/* N people start in A; A -move p1-> B -move p2-> C, Exp(1) delays, one
 * 60-day step.  Entries into C ~ Binomial(N, q), q = p1 p2. */
static void chain_thins_binomially(void **state) {
  (void)state;
  const double N = 1000, p1 = 0.6, p2 = 0.5, q = p1 * p2;
  const uint32_t R = 300;
  wx_model *m = fx_model(60, 60);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), cc = fx_module(m, "C");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, p1, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, cc, 0, p2, WX_DIST_EXPONENTIAL, 1, 0);
  fx_initial(m, a, N);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  acc x = {0};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(cx_go(&c, 5, rep), WX_OK);
    add(&x, cx_at(&c, r.l.n_samples - 1, fx_joins(&r, cc)));
  }
  double s2 = N * q * (1 - q), m4 = s2 * (1 + 3 * (N - 2) * q * (1 - q));
  assert_true(fabs(mean_of(&x, R) - N * q) <= 4 * sqrt(s2 / R));
  assert_true(fabs(var_of(&x, R) - s2) <= 4 * se_var(s2, m4, R));
  cx_teardown(&c);
  fx_teardown(&r);
}

/* Rate 30/d on [0, 4.5), 120/d from 4.5 on: the change falls inside a
 * step.  Arrivals by t ~ Poisson(L(t)); members of a module nobody
 * leaves likewise. */
static void piecewise_rate_inside_a_step(void **state) {
  (void)state;
  const uint32_t R = 300;
  wx_model *m = fx_model(8, 1);
  uint32_t a = fx_module(m, "A");
  double from[] = {0, 4.5}, rate[] = {30, 120};
  uint32_t s = fx_poisson(m, a, 2, from, rate);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  const double t[3] = {4, 5, 8}, L[3] = {120, 135 + 60, 135 + 420};
  acc x[3] = {{0}}, y[3] = {{0}};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(cx_go(&c, 11, rep), WX_OK);
    for (int i = 0; i < 3; i++) {
      add(&x[i], cx_at(&c, fx_sample(&r, t[i]), r.l.source_base + s));
      add(&y[i], cx_at(&c, fx_sample(&r, t[i]), fx_members(&r, a)));
    }
  }
  for (int i = 0; i < 3; i++) {
    check_poisson(&x[i], R, L[i], "arrivals", t[i]);
    check_poisson(&y[i], R, L[i], "members", t[i]);
  }
  cx_teardown(&c);
  fx_teardown(&r);
}

/* Source 50/d -> A.  A: churn p=1 Exp(mean 2); join -> B p=.5 Exp(mean 1),
 * cancelled when the holder leaves A first.  B: churn p=1 Exp(mean 4).
 * With x the people in A with the join pending:
 *   x' = .5 L - (1/2 + 1) x,  B' = x - B/4,  A = 2 L (1 - e^{-t/2}).
 * Occupancies are Poisson. */
static int join_rhs(double t, const double y[], double dy[], void *ctx) {
  (void)t;
  (void)ctx;
  dy[0] = 0.5 * 50 - 1.5 * y[0];
  dy[1] = y[0] - 0.25 * y[1];
  return GSL_SUCCESS;
}

static double join_mean_b(double t) {
  double y[2] = {0, 0}, t0 = 0;
  gsl_odeiv2_system sys = {join_rhs, NULL, 2, NULL};
  gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(
      &sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-11, 1e-11);
  assert_non_null(d);
  assert_int_equal(gsl_odeiv2_driver_apply(d, &t0, t, y), GSL_SUCCESS);
  gsl_odeiv2_driver_free(d);
  return y[1];
}

static void join_network_matches_ode_mean(void **state) {
  (void)state;
  const uint32_t R = 300;
  wx_model *m = fx_model(12, 3);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_JOIN, a, b, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 4, 0);
  double from[] = {0}, rate[] = {50};
  fx_poisson(m, a, 1, from, rate);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  const double t[4] = {3, 6, 9, 12};
  acc xa[4] = {{0}}, xb[4] = {{0}};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(cx_go(&c, 3, rep), WX_OK);
    for (int i = 0; i < 4; i++) {
      uint32_t k = fx_sample(&r, t[i]);
      add(&xa[i], cx_at(&c, k, fx_members(&r, a)));
      add(&xb[i], cx_at(&c, k, fx_members(&r, b)));
    }
  }
  for (int i = 0; i < 4; i++) {
    check_poisson(&xa[i], R, 100 * (1 - exp(-t[i] / 2)), "A", t[i]);
    check_poisson(&xb[i], R, join_mean_b(t[i]), "B", t[i]);
  }
  cx_teardown(&c);
  fx_teardown(&r);
}

/* A run after one with other parameters equals a fresh engine's run (the
 * engine reuses rates and exponentials only for identical parameters). */
static void new_parameters_are_derived_again(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A");
  uint32_t f =
      fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 2, 0);
  fx_initial(m, a, 1000);
  fx_run r;
  cx_run c, fresh;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  assert_int_equal(cx_go(&c, 1, 0), WX_OK);
  r.params[r.m->flows[f].delay.p[0]] = 0.5;
  assert_int_equal(cx_go(&c, 1, 1), WX_OK);
  assert_int_equal(cx_setup(&fresh, &r), 0);
  assert_int_equal(cx_go(&fresh, 1, 1), WX_OK);
  for (uint32_t k = 0; k < r.l.n_samples; k++)
    for (uint32_t j = 0; j < r.l.n_cols; j++)
      assert_true(cx_at(&c, k, j) == cx_at(&fresh, k, j));
  /* mean stay 0.5 d: after 10 d, ~1000 e^-20 are left */
  assert_true(cx_at(&c, r.l.n_samples - 1, fx_members(&r, a)) < 1);
  cx_teardown(&fresh);
  cx_teardown(&c);
  fx_teardown(&r);
}

/* A set stop flag interrupts; a delay mean of 0 is a positioned runtime
 * error, not a silent number. */
static void stop_and_bad_mean(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A");
  uint32_t f =
      fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 2, 0);
  fx_initial(m, a, 10);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  atomic_int stop = 1;
  assert_int_equal(wx__cohort_run(c.e, r.params, 1, &c.s, &stop, NULL),
                   WX_EINTERRUPTED);
  r.params[r.m->flows[f].delay.p[0]] = 0;
  wx_diags *d = wx_diags_alloc(4);
  assert_int_equal(wx__cohort_run(c.e, r.params, 1, &c.s, NULL, d),
                   WX_ERUNTIME);
  assert_int_equal(wx_diags_count(d), 1);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "positive delay mean"));
  /* a delay far too fast for the interval, and an absurd rate */
  r.params[r.m->flows[f].delay.p[0]] = 1e-9;
  wx_diags_clear(d);
  assert_int_equal(wx__cohort_run(c.e, r.params, 1, &c.s, NULL, d),
                   WX_ERUNTIME);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "sample more often"));
  cx_teardown(&c);
  fx_teardown(&r);
  m = fx_model(10, 1);
  a = fx_module(m, "A");
  double from[] = {0}, rate[] = {1e300};
  fx_poisson(m, a, 1, from, rate);
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  assert_int_equal(wx__cohort_run(c.e, r.params, 1, &c.s, NULL, NULL),
                   WX_ETOOBIG);
  wx_diags_free(d);
  cx_teardown(&c);
  fx_teardown(&r);
}

/* A horizon that is not a multiple of the interval: the last step is
 * shorter (its own exponentials).  M/M/inf at t = 9 and t = 10 (a 1-day
 * last step after 3-day ones); the same seed gives the same series. */
static void short_last_step_and_reproducible(void **state) {
  (void)state;
  const double lambda = 40, mu = 0.5;
  const uint32_t R = 400;
  wx_model *m = fx_model(10, 3);
  uint32_t a = fx_module(m, "A");
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 1 / mu, 0);
  double from[] = {0}, rate[] = {lambda};
  fx_poisson(m, a, 1, from, rate);
  fx_run r;
  cx_run c, c2;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  assert_int_equal(cx_setup(&c2, &r), 0);
  assert_int_equal(r.l.n_samples, 5);
  const double t[2] = {9, 10};
  acc occ[2] = {{0}};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(cx_go(&c, 21, rep), WX_OK);
    for (int i = 0; i < 2; i++)
      add(&occ[i], cx_at(&c, fx_sample(&r, t[i]), fx_members(&r, a)));
  }
  for (int i = 0; i < 2; i++)
    check_poisson(&occ[i], R, lambda / mu * (1 - exp(-mu * t[i])), "members",
                  t[i]);
  assert_int_equal(cx_go(&c2, 21, R - 1), WX_OK);
  for (uint32_t k = 0; k < r.l.n_samples; k++)
    for (uint32_t j = 0; j < r.l.n_cols; j++)
      assert_true(cx_at(&c, k, j) == cx_at(&c2, k, j));
  cx_teardown(&c2);
  cx_teardown(&c);
  fx_teardown(&r);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mminf_occupancy_is_poisson),
      cmocka_unit_test(chain_thins_binomially),
      cmocka_unit_test(piecewise_rate_inside_a_step),
      cmocka_unit_test(join_network_matches_ode_mean),
      cmocka_unit_test(new_parameters_are_derived_again),
      cmocka_unit_test(stop_and_bad_mean),
      cmocka_unit_test(short_last_step_and_reproducible),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
