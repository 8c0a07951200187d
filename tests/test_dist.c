/* Delay distributions: sample means against theory, two KS tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "dist.h"

#define N 200000

static double edges[] = {0, 1, 3, 7};
static double weights[] = {0.3, 0.5, 0.2};

/* A dist over params[0], params[1]. */
static wx_dist mk(wx_dist_kind k) {
  wx_dist d = {k, {0, 1}, 0, NULL, NULL};
  if (k == WX_DIST_EMPIRICAL) {
    d.n_bins = 3;
    d.edges = edges;
    d.weights = weights;
  }
  return d;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* The sample mean of N draws must lie within 4 standard errors, SE =
 * sd / sqrt(N), of the mean, sd being the distribution's theoretical sd;
 * the distribution's own mean function must give `mean`. */
static void check_mean(wx_dist_kind k, const double *params, double mean,
                       double sd, const gsl_histogram_pdf *pdf) {
  wx_dist d = mk(k);
  assert_float_equal(wx__dist_mean(&d, params), mean, 1e-12 * (1 + mean));
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 1234 + (unsigned long)k);
  double sum = 0;
  for (int i = 0; i < N; i++) {
    double x = wx__dist_draw_pdf(&d, params, pdf, r);
    assert_true(x >= 0);
    sum += x;
  }
  gsl_rng_free(r);
  double se = sd / sqrt((double)N);
  assert_true(fabs(sum / N - mean) <= 4 * se + 1e-12);
}

static void fixed_is_constant(void **state) {
  (void)state;
  double p[] = {2.5, 0};
  check_mean(WX_DIST_FIXED, p, 2.5, 0, NULL);
}

static void exponential_mean(void **state) {
  (void)state;
  double p[] = {3, 0};
  check_mean(WX_DIST_EXPONENTIAL, p, 3, 3, NULL);
}

static void uniform_mean(void **state) {
  (void)state;
  double p[] = {1, 3};
  check_mean(WX_DIST_UNIFORM, p, 2, 2 / sqrt(12.0), NULL);
}

/* Gamma(k, theta = mean / k): var = k theta^2 = mean^2 / k. */
static void gamma_mean(void **state) {
  (void)state;
  double p[] = {2, 5};
  check_mean(WX_DIST_GAMMA, p, 5, 5 / sqrt(2.0), NULL);
}

/* Lognormal(mu = log median, s): mean e^(mu + s^2/2), var (e^(s^2) - 1)
 * e^(2 mu + s^2). */
static void lognormal_mean(void **state) {
  (void)state;
  double p[] = {2, 0.5}, s2 = 0.25;
  double mean = 2 * exp(s2 / 2), var = (exp(s2) - 1) * 4 * exp(s2);
  check_mean(WX_DIST_LOGNORMAL, p, mean, sqrt(var), NULL);
}

/* Weibull(k, lambda): mean lambda G(1 + 1/k), var lambda^2 (G(1 + 2/k) -
 * G(1 + 1/k)^2). */
static void weibull_mean(void **state) {
  (void)state;
  double p[] = {1.5, 3};
  double g1 = gsl_sf_gamma(1 + 1 / 1.5), g2 = gsl_sf_gamma(1 + 2 / 1.5);
  check_mean(WX_DIST_WEIBULL, p, 3 * g1, 3 * sqrt(g2 - g1 * g1), NULL);
}

/* Mixture of uniforms on [a_i, b_i) with weights w_i: mean sum w (a+b)/2,
 * second moment sum w (a^2 + ab + b^2) / 3. */
static void empirical_mean_both_ways(void **state) {
  (void)state;
  double m1 = 0, m2 = 0;
  for (int i = 0; i < 3; i++) {
    double a = edges[i], b = edges[i + 1];
    m1 += weights[i] * (a + b) / 2;
    m2 += weights[i] * (a * a + a * b + b * b) / 3;
  }
  double p[] = {0, 0};
  check_mean(WX_DIST_EMPIRICAL, p, m1, sqrt(m2 - m1 * m1), NULL);
  wx_dist d = mk(WX_DIST_EMPIRICAL);
  gsl_histogram_pdf *pdf = wx__dist_pdf_new(&d);
  assert_non_null(pdf);
  check_mean(WX_DIST_EMPIRICAL, p, m1, sqrt(m2 - m1 * m1), pdf);
  gsl_histogram_pdf_free(pdf);
  wx_dist e = mk(WX_DIST_EXPONENTIAL);
  assert_null(wx__dist_pdf_new(&e));
}

/* Kolmogorov-Smirnov: sqrt(n) D_n > 1.95 has probability ~0.001 under the
 * null hypothesis. */
static void ks_check(wx_dist_kind k, const double *params,
                     double (*cdf)(double, const double *)) {
  enum { M = 20000 };
  double *x = malloc(M * sizeof *x);
  assert_non_null(x);
  wx_dist d = mk(k);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 99);
  for (int i = 0; i < M; i++) x[i] = wx__dist_draw(&d, params, r);
  qsort(x, M, sizeof *x, cmp_double);
  double dmax = 0;
  for (int i = 0; i < M; i++) {
    double f = cdf(x[i], params);
    dmax = fmax(dmax, fmax(fabs((i + 1.0) / M - f), fabs(f - (double)i / M)));
  }
  assert_true(sqrt((double)M) * dmax < 1.95);
  gsl_rng_free(r);
  free(x);
}

static double cdf_gamma(double x, const double *p) {
  return gsl_cdf_gamma_P(x, p[0], p[1] / p[0]);
}

static double cdf_weibull(double x, const double *p) {
  return gsl_cdf_weibull_P(x, p[1], p[0]);
}

static void gamma_passes_ks(void **state) {
  (void)state;
  double p[] = {2, 5};
  ks_check(WX_DIST_GAMMA, p, cdf_gamma);
}

static void weibull_passes_ks(void **state) {
  (void)state;
  double p[] = {1.5, 3};
  ks_check(WX_DIST_WEIBULL, p, cdf_weibull);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fixed_is_constant),
      cmocka_unit_test(exponential_mean),
      cmocka_unit_test(uniform_mean),
      cmocka_unit_test(gamma_mean),
      cmocka_unit_test(lognormal_mean),
      cmocka_unit_test(weibull_mean),
      cmocka_unit_test(empirical_mean_both_ways),
      cmocka_unit_test(gamma_passes_ks),
      cmocka_unit_test(weibull_passes_ks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
