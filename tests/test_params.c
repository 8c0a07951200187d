/* Priors: parsing into wx_param.prior and drawing per replication. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "params.h"
#include "scenario_support.h"

#define MODS "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"

static const wx_param *param(const wx_model *m, const char *path) {
  for (uint32_t i = 0; i < m->n_params; i++)
    if (strcmp(m->params[i].path, path) == 0) return &m->params[i];
  fail_msg("no parameter %s", path);
  return NULL;
}

static void priors_are_parsed_with_units_and_means(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      MODS
      "sources:\n"
      "  a: {into: oa, rate: \"gamma(shape=4, mean=200/d)\"}\n"
      "  b: {into: oa, rate: \"lognormal(median=10/h, sigma=0.3)\"}\n"
      "  c: {into: oa, rate: \"uniform(150/d, 250/d)\"}\n"
      "  d: {into: oa, initial: \"normal(mean=80, sd=10)\"}\n"
      "flows:\n"
      "  f: {from: oa, to: sdr, p: \"beta(alpha=2, beta=48)\", delay: "
      "{dist: exponential, mean: \"uniform(2d, 4d)\"}}\n");
  const wx_param *p = param(m, "sources.a.rate");
  assert_int_equal(p->prior.kind, WX_PRIOR_GAMMA);
  assert_float_equal(p->prior.a, 4, 0);
  assert_float_equal(p->prior.b, 50, 1e-12); /* scale = mean / shape */
  assert_float_equal(p->value, 200, 1e-12);
  assert_true(isinf(p->prior.hi));
  p = param(m, "sources.b.rate");
  assert_int_equal(p->prior.kind, WX_PRIOR_LOGNORMAL);
  assert_float_equal(p->prior.a, log(240), 1e-12);
  assert_float_equal(p->value, 240 * exp(0.045), 1e-9);
  p = param(m, "sources.c.rate");
  assert_int_equal(p->prior.kind, WX_PRIOR_UNIFORM);
  assert_float_equal(p->value, 200, 1e-12);
  p = param(m, "sources.d.initial");
  assert_int_equal(p->prior.kind, WX_PRIOR_NORMAL);
  assert_float_equal(p->prior.b, 10, 0);
  p = param(m, "flows.f.p");
  assert_int_equal(p->prior.kind, WX_PRIOR_BETA);
  assert_float_equal(p->value, 0.04, 1e-15);
  assert_float_equal(p->prior.hi, 1, 0);
  p = param(m, "flows.f.delay.mean");
  assert_int_equal(p->prior.kind, WX_PRIOR_UNIFORM);
  assert_float_equal(p->value, 3, 0);
  wx_model_free(m);
}

static void certain_parameters_are_copied(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS
                            "flows:\n  f: {from: oa, to: sdr, p: 4%, "
                            "delay: 3d}\n");
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  double *out = calloc(m->n_params, sizeof *out);
  assert_int_equal(wx__params_draw(m, r, out), WX_OK);
  for (uint32_t i = 0; i < m->n_params; i++)
    assert_true(out[i] == m->params[i].value);
  free(out);
  gsl_rng_free(r);
  wx_model_free(m);
}

/* The mean of n Beta(a, b) draws is within 4 standard errors of a/(a+b);
 * SE = sqrt(var / n), var = ab / ((a+b)^2 (a+b+1)). */
static void beta_draws_have_the_beta_mean(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS
                            "flows:\n  f: {from: oa, to: sdr, p: "
                            "\"beta(2, 48)\", delay: 3d}\n");
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 12345);
  uint32_t ip = m->flows[0].p;
  double *out = calloc(m->n_params, sizeof *out);
  const int n = 20000;
  double sum = 0;
  for (int i = 0; i < n; i++) {
    wx__params_draw(m, r, out);
    assert_true(out[ip] >= 0 && out[ip] <= 1);
    sum += out[ip];
  }
  double a = 2, b = 48, mean = a / (a + b);
  double var = a * b / ((a + b) * (a + b) * (a + b + 1));
  assert_true(fabs(sum / n - mean) < 4 * sqrt(var / n));
  free(out);
  gsl_rng_free(r);
  wx_model_free(m);
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Kolmogorov-Smirnov: D = sup |F_n - F| over the sorted sample, against
 * the 1% critical value 1.63 / sqrt(n). */
static void gamma_draws_pass_a_ks_test(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(MODS
                            "sources:\n  s: {into: oa, rate: "
                            "\"gamma(shape=4, mean=200/d)\"}\n");
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 2024);
  const int n = 5000;
  double *x = malloc(n * sizeof *x), *out = calloc(m->n_params, sizeof *out);
  uint32_t ip = m->sources[0].steps[0].rate;
  for (int i = 0; i < n; i++) {
    wx__params_draw(m, r, out);
    x[i] = out[ip];
  }
  qsort(x, n, sizeof *x, cmp);
  double d = 0;
  for (int i = 0; i < n; i++) {
    double f = gsl_cdf_gamma_P(x[i], 4, 50);
    double lo = f - (double)i / n, hi = (double)(i + 1) / n - f;
    d = fmax(d, fmax(lo, hi));
  }
  assert_true(d < 1.63 / sqrt(n));
  /* the test can fail: the same sample against a wrong scale does */
  double wrong = 0;
  for (int i = 0; i < n; i++)
    wrong = fmax(wrong, fabs(gsl_cdf_gamma_P(x[i], 4, 55) - (i + 0.5) / n));
  assert_true(wrong > 1.63 / sqrt(n));
  free(x);
  free(out);
  gsl_rng_free(r);
  wx_model_free(m);
}

/* --- KS tests of wx__prior_draw for the other priors ------------------ */

typedef double (*cdf_fn)(double x, const wx_prior *p);

static double beta_cdf(double x, const wx_prior *p) {
  return gsl_cdf_beta_P(x, p->a, p->b);
}
static double lognormal_cdf(double x, const wx_prior *p) {
  return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, p->a, p->b);
}
static double uniform_cdf(double x, const wx_prior *p) {
  return gsl_cdf_flat_P(x, p->a, p->b);
}
/* The normal prior clamped to [lo, hi]: atoms at lo and hi. */
static double clamped_normal_cdf(double x, const wx_prior *p) {
  if (x < p->lo) return 0;
  if (x >= p->hi) return 1;
  return gsl_cdf_gaussian_P(x - p->a, p->b);
}

/* KS distance of sorted x[n] from cdf, ties (atoms) included: at each
 * distinct value v, compare F(v) with the share <= v and F(v-) with the
 * share < v. */
static double ks_distance(const double *x, int n, cdf_fn cdf,
                          const wx_prior *p) {
  double d = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && x[j] == x[i]) j++;
    double f = cdf(x[i], p), f_left = cdf(nextafter(x[i], -INFINITY), p);
    d = fmax(d, fmax(fabs(f - (double)j / n), fabs(f_left - (double)i / n)));
    i = j;
  }
  return d;
}

/* Draws n values of prior `p`, passes the KS test at 1% (1.63 / sqrt n)
 * against its own cdf and fails it against `wrong` (so the test can
 * fail). */
static void ks_check(wx_prior p, wx_prior wrong, cdf_fn cdf) {
  const int n = 5000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 777);
  double *x = malloc(n * sizeof *x);
  for (int i = 0; i < n; i++) x[i] = wx__prior_draw(&p, r);
  qsort(x, n, sizeof *x, cmp);
  double d = ks_distance(x, n, cdf, &p), crit = 1.63 / sqrt(n);
  if (d >= crit) fail_msg("prior %d: D = %.4f >= %.4f", p.kind, d, crit);
  double dw = ks_distance(x, n, cdf, &wrong);
  if (dw <= crit) fail_msg("prior %d: wrong D = %.4f", p.kind, dw);
  free(x);
  gsl_rng_free(r);
}

static void beta_draws_pass_a_ks_test(void **state) {
  (void)state;
  wx_prior p = {WX_PRIOR_BETA, 2, 18, 0, 1}, w = p;
  w.b = 16;
  ks_check(p, w, beta_cdf);
}

static void lognormal_draws_pass_a_ks_test(void **state) {
  (void)state;
  wx_prior p = {WX_PRIOR_LOGNORMAL, log(30), 0.4, 0, INFINITY}, w = p;
  w.a = log(31.5);
  ks_check(p, w, lognormal_cdf);
}

static void uniform_draws_pass_a_ks_test(void **state) {
  (void)state;
  wx_prior p = {WX_PRIOR_UNIFORM, 0.05, 0.15, 0, 1}, w = p;
  w.b = 0.16;
  ks_check(p, w, uniform_cdf);
}

/* Mean 0.1, sd 0.2 in [0, 1]: 31% of draws clamp to 0, an atom the cdf
 * accounts for. */
static void clamped_normal_draws_pass_a_ks_test(void **state) {
  (void)state;
  wx_prior p = {WX_PRIOR_NORMAL, 0.1, 0.2, 0, 1}, w = p;
  w.a = 0.12;
  ks_check(p, w, clamped_normal_cdf);
}

static void normal_draws_are_clamped_to_the_valid_range(void **state) {
  (void)state;
  wx_prior p = {WX_PRIOR_NORMAL, 0.01, 0.5, 0, 1};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int at_zero = 0;
  for (int i = 0; i < 1000; i++) {
    double x = wx__prior_draw(&p, r);
    assert_true(x >= 0 && x <= 1);
    at_zero += x == 0;
  }
  assert_true(at_zero > 300); /* about half fall below 0 */
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(priors_are_parsed_with_units_and_means),
      cmocka_unit_test(certain_parameters_are_copied),
      cmocka_unit_test(beta_draws_have_the_beta_mean),
      cmocka_unit_test(gamma_draws_pass_a_ks_test),
      cmocka_unit_test(beta_draws_pass_a_ks_test),
      cmocka_unit_test(lognormal_draws_pass_a_ks_test),
      cmocka_unit_test(uniform_draws_pass_a_ks_test),
      cmocka_unit_test(clamped_normal_draws_pass_a_ks_test),
      cmocka_unit_test(normal_draws_are_clamped_to_the_valid_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
