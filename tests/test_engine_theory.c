/* The agent engine against exact results: M/G/inf occupancy, binomial
 * thinning, piecewise Poisson counts and the mean of a linear flow network
 * (ODE).  Fixed seeds; tolerances are 4 standard errors from theory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_odeiv2.h>

#include "engine_fixture.h"

/* Sample mean and (unbiased) variance of column col at sample k over R
 * replications. */
static void moments(fx_run *r, uint32_t R, uint32_t n_k, const uint32_t *k,
                    uint32_t col, double *mean, double *var) {
  double s1[8] = {0}, s2[8] = {0};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(fx_go(r, 2024, rep), WX_OK);
    for (uint32_t i = 0; i < n_k; i++) {
      double x = fx_at(r, k[i], col);
      s1[i] += x;
      s2[i] += x * x;
    }
  }
  for (uint32_t i = 0; i < n_k; i++) {
    mean[i] = s1[i] / R;
    var[i] = (s2[i] - R * mean[i] * mean[i]) / (R - 1);
  }
}

/* Standard error of the sample variance over R draws, for a distribution
 * with variance s2 and fourth central moment m4:
 *   Var(S^2) = (m4 - s2^2 (R - 3) / (R - 1)) / R. */
static double se_var(double s2, double m4, uint32_t R) {
  return sqrt((m4 - s2 * s2 * (R - 3.0) / (R - 1.0)) / R);
}

/* M/G/inf: Poisson(lambda) arrivals, exponential stay of mean 1/mu.  The
 * occupancy N(t) ~ Poisson(m), m = lambda/mu (1 - e^{-mu t}); for a
 * Poisson, var = m and m4 = m + 3 m^2. */
static void mginf_occupancy_is_poisson(void **state) {
  (void)state;
  const double lambda = 40, mu = 0.5;
  const uint32_t R = 400;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A");
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 1 / mu, 0);
  double from[] = {0}, rate[] = {lambda};
  fx_poisson(m, a, 1, from, rate);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t k[2] = {fx_sample(&r, 1), fx_sample(&r, 6)};
  double t[2] = {1, 6}, mean[2], var[2];
  moments(&r, R, 2, k, fx_members(&r, a), mean, var);
  for (int i = 0; i < 2; i++) {
    double mt = lambda / mu * (1 - exp(-mu * t[i]));
    assert_true(fabs(mean[i] - mt) <= 4 * sqrt(mt / R));
    assert_true(fabs(var[i] - mt) <= 4 * se_var(mt, mt + 3 * mt * mt, R));
  }
  fx_teardown(&r);
}

/* M/G/inf with a stay of cdf G: occupancy N(t) ~ Poisson(lambda * int_0^t
 * (1 - G(s)) ds) whatever G (the arrivals still present at t are a thinned
 * Poisson process).  Mean and variance within 4 standard errors. */
static void check_mginf(wx_dist_kind dk, double a, double b, const double t[2],
                        const double mt[2]) {
  const double lambda = 40;
  const uint32_t R = 400;
  wx_model *m = fx_model(10, 1);
  uint32_t mod = fx_module(m, "A");
  fx_flow(m, WX_FLOW_CHURN, mod, WX_NONE, 0, 1, dk, a, b);
  double from[] = {0}, rate[] = {lambda};
  fx_poisson(m, mod, 1, from, rate);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t k[2] = {fx_sample(&r, t[0]), fx_sample(&r, t[1])};
  double mean[2], var[2];
  moments(&r, R, 2, k, fx_members(&r, mod), mean, var);
  for (int i = 0; i < 2; i++) {
    double mu = lambda * mt[i];
    if (fabs(mean[i] - mu) > 4 * sqrt(mu / R))
      fail_msg("t=%g: mean %.3f, want %.3f", t[i], mean[i], mu);
    if (fabs(var[i] - mu) > 4 * se_var(mu, mu + 3 * mu * mu, R))
      fail_msg("t=%g: variance %.3f, want %.3f", t[i], var[i], mu);
  }
  fx_teardown(&r);
}

/* Fixed stay D = 3 d: int_0^t (1 - G) = min(t, D). */
static void mginf_with_fixed_stay_is_poisson(void **state) {
  (void)state;
  const double t[2] = {2, 6}, mt[2] = {2, 3};
  check_mginf(WX_DIST_FIXED, 3, 0, t, mt);
}

static double lognormal_survival(double s, void *p) {
  const double *ms = p; /* median, sigma */
  return s <= 0 ? 1 : gsl_cdf_lognormal_Q(s, log(ms[0]), ms[1]);
}

/* Lognormal stay, median 2 d, sigma 0.8: the integral by quadrature. */
static void mginf_with_lognormal_stay_is_poisson(void **state) {
  (void)state;
  double ms[2] = {2, 0.8}, t[2] = {1, 6}, mt[2], err;
  gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
  gsl_function f = {lognormal_survival, ms};
  for (int i = 0; i < 2; i++)
    assert_int_equal(
        gsl_integration_qags(&f, 0, t[i], 0, 1e-10, 200, w, &mt[i], &err),
        GSL_SUCCESS);
  gsl_integration_workspace_free(w);
  /* not the exponential answer: the check has power against G */
  const double mean_stay = 2 * exp(0.32);
  assert_true(fabs(mt[0] - mean_stay * (1 - exp(-1 / mean_stay))) > 0.05);
  check_mginf(WX_DIST_LOGNORMAL, 2, 0.8, t, mt);
}

/* N people start in A; A -move p1-> B -move p2-> C, exponential delays of
 * mean 1 day, horizon 60 days (all moves done but with probability
 * ~N e^{-60}).  Entries into C ~ Binomial(N, q), q = p1 p2: mean N q, var
 * N q (1 - q), m4 = N q (1 - q) (1 + 3 (N - 2) q (1 - q)). */
static void chain_thins_binomially(void **state) {
  (void)state;
  const double N = 1000, p1 = 0.6, p2 = 0.5, q = p1 * p2;
  const uint32_t R = 300;
  wx_model *m = fx_model(60, 60);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, p1, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, c, 0, p2, WX_DIST_EXPONENTIAL, 1, 0);
  fx_initial(m, a, N);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t k[1] = {r.l.n_samples - 1};
  double mean, var, s2 = N * q * (1 - q);
  moments(&r, R, 1, k, fx_joins(&r, c), &mean, &var);
  assert_true(fabs(mean - N * q) <= 4 * sqrt(s2 / R));
  double m4 = s2 * (1 + 3 * (N - 2) * q * (1 - q));
  assert_true(fabs(var - s2) <= 4 * se_var(s2, m4, R));
  fx_teardown(&r);
}

/* Piecewise rate 30/d on [0, 4), 120/d from 4 on: arrivals by t ~
 * Poisson(L(t)), L(t) = integral of the rate. */
static void piecewise_rate_counts_are_poisson(void **state) {
  (void)state;
  const uint32_t R = 300;
  wx_model *m = fx_model(8, 1);
  uint32_t a = fx_module(m, "A");
  double from[] = {0, 4}, rate[] = {30, 120};
  uint32_t s = fx_poisson(m, a, 2, from, rate);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t k[3] = {fx_sample(&r, 2), fx_sample(&r, 4), fx_sample(&r, 7)};
  double L[3] = {60, 120, 120 + 360}, mean[3], var[3];
  moments(&r, R, 3, k, r.l.source_base + s, mean, var);
  for (int i = 0; i < 3; i++) {
    assert_true(fabs(mean[i] - L[i]) <= 4 * sqrt(L[i] / R));
    assert_true(fabs(var[i] - L[i]) <=
                4 * se_var(L[i], L[i] + 3 * L[i] * L[i], R));
  }
  fx_teardown(&r);
}

/* ------------------------------------------------- linear network vs ODE
 *
 * Source b/d -> A.  A: move->B p=.4 Exp(mean 2), churn p=.3 Exp(mean 4),
 * stay .3; join->D p=.5 Exp(mean 3).  B: move->C p=.5 Exp(1), churn p=.5
 * Exp(5).  C: churn p=1 Exp(10).  D: churn p=.8 Exp(2), stay .2.
 *
 * The engine draws a branch on joining, then its delay, so a module is a
 * set of sub-compartments, one per branch, each draining at its own rate:
 * linear.  A pending join from A fires at rate s while its holder is still
 * in A, so A is split further into "join pending" or not.  The ODE is exact
 * because nobody can already be in D when the join fires (D is entered
 * only through this join, and A is entered once per person), so set
 * membership never swallows an entry, and nobody re-enters A.  Every
 * person moves independently and arrivals are Poisson, so each occupancy
 * is Poisson: its variance is its mean. */
enum { AM0, AM1, AC0, AC1, AS0, AS1, B1, B2, C1, D1, D2, NX };
static const double B_IN = 100, PM = .4, PC = .3, PS = .3, PJ = .5;
static const double RM = 1 / 2., RC = 1 / 4., RJ = 1 / 3.;

static int network_rhs(double t, const double x[], double dx[], void *ctx) {
  (void)t;
  (void)ctx;
  const double p[3] = {PM, PC, PS}, r[3] = {RM, RC, 0};
  for (int i = 0; i < 3; i++) { /* x[2i]: no join pending, x[2i+1]: pending */
    dx[2 * i + 1] = B_IN * p[i] * PJ - (r[i] + RJ) * x[2 * i + 1];
    dx[2 * i] = B_IN * p[i] * (1 - PJ) + RJ * x[2 * i + 1] - r[i] * x[2 * i];
  }
  double into_b = RM * (x[AM0] + x[AM1]);
  double into_d = RJ * (x[AM1] + x[AC1] + x[AS1]);
  dx[B1] = .5 * into_b - 1.0 * x[B1];
  dx[B2] = .5 * into_b - 0.2 * x[B2];
  dx[C1] = 1.0 * x[B1] - 0.1 * x[C1];
  dx[D1] = .8 * into_d - 0.5 * x[D1];
  dx[D2] = .2 * into_d;
  return GSL_SUCCESS;
}

/* Mean occupancy of A, B, C, D at time t. */
static void network_mean(double t, double out[4]) {
  double x[NX] = {0}, t0 = 0;
  gsl_odeiv2_system sys = {network_rhs, NULL, NX, NULL};
  gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(
      &sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-10, 1e-10);
  assert_non_null(d);
  assert_int_equal(gsl_odeiv2_driver_apply(d, &t0, t, x), GSL_SUCCESS);
  gsl_odeiv2_driver_free(d);
  out[0] = x[AM0] + x[AM1] + x[AC0] + x[AC1] + x[AS0] + x[AS1];
  out[1] = x[B1] + x[B2];
  out[2] = x[C1];
  out[3] = x[D1] + x[D2];
}

static void linear_network_matches_ode_mean(void **state) {
  (void)state;
  const uint32_t R = 200;
  wx_model *m = fx_model(20, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C"),
           d = fx_module(m, "D");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, PM, WX_DIST_EXPONENTIAL, 1 / RM, 0);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, PC, WX_DIST_EXPONENTIAL, 1 / RC, 0);
  fx_flow(m, WX_FLOW_JOIN, a, d, 0, PJ, WX_DIST_EXPONENTIAL, 1 / RJ, 0);
  fx_flow(m, WX_FLOW_MOVE, b, c, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .5, WX_DIST_EXPONENTIAL, 5, 0);
  fx_flow(m, WX_FLOW_CHURN, c, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 10, 0);
  fx_flow(m, WX_FLOW_CHURN, d, WX_NONE, 0, .8, WX_DIST_EXPONENTIAL, 2, 0);
  double from[] = {0}, rate[] = {B_IN};
  fx_poisson(m, a, 1, from, rate);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  const double t[4] = {2, 5, 10, 20};
  uint32_t k[4];
  for (int i = 0; i < 4; i++) k[i] = fx_sample(&r, t[i]);
  uint32_t mods[4] = {a, b, c, d};
  double s1[4][4] = {{0}};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(fx_go(&r, 99, rep), WX_OK);
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++)
        s1[i][j] += fx_at(&r, k[i], fx_members(&r, mods[j]));
  }
  for (int i = 0; i < 4; i++) {
    double mu[4];
    network_mean(t[i], mu);
    for (int j = 0; j < 4; j++)
      assert_true(fabs(s1[i][j] / R - mu[j]) <= 4 * sqrt(mu[j] / R));
  }
  fx_teardown(&r);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mginf_occupancy_is_poisson),
      cmocka_unit_test(mginf_with_fixed_stay_is_poisson),
      cmocka_unit_test(mginf_with_lognormal_stay_is_poisson),
      cmocka_unit_test(chain_thins_binomially),
      cmocka_unit_test(piecewise_rate_counts_are_poisson),
      cmocka_unit_test(linear_network_matches_ode_mean),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
