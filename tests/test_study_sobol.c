/* Sobol indices (Saltelli sampling, Jansen estimators, bootstrap) against
 * functions whose indices are known in closed form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "study.h"

/* Ishigami and Homma (1990), a = 7, b = 0.1, x_i ~ U(-pi, pi):
 * f = sin x1 (1 + b x3^4) + a sin^2 x2.  With E sin^2 = 1/2,
 * Var sin^2 = 1/8, E x^4 = pi^4 / 5 and E x^8 = pi^8 / 9:
 *   V1 = (1 + b pi^4 / 5)^2 / 2,  V2 = a^2 / 8,  V3 = 0,
 *   V13 = Var(sin x1 (1 + b x3^4)) - V1 = b^2 pi^8 (1/18 - 1/50),
 * so VT1 = V1 + V13, VT2 = V2, VT3 = V13. */
#define ISH_A 7.0
#define ISH_B 0.1

static void ishigami_truth(double S1[3], double ST[3]) {
  double p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
  double v1 = 0.5 * pow(1 + ISH_B * p4 / 5, 2), v2 = ISH_A * ISH_A / 8;
  double v13 = ISH_B * ISH_B * p8 * (1.0 / 18 - 1.0 / 50);
  double v = v1 + v2 + v13;
  S1[0] = v1 / v, S1[1] = v2 / v, S1[2] = 0;
  ST[0] = (v1 + v13) / v, ST[1] = v2 / v, ST[2] = v13 / v;
}

static int ishigami(void *ctx, const double *x, double *y) {
  (void)ctx;
  double s = sin(x[0]);
  y[0] = s + ISH_A * sin(x[1]) * sin(x[1]) + ISH_B * pow(x[2], 4) * s;
  return WX_OK;
}

static wx_study_spec *spec_ok(const char *text) {
  wx_diags *d = wx_diags_alloc(20);
  wx_study_spec *s = NULL;
  int rc = wx__study_spec_parse("t.yaml", text, strlen(text), &s, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    fprintf(stderr, "%d:%d: %s\n", wx_diags_get(d, i)->line,
            wx_diags_get(d, i)->col, wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
  return s;
}

/* Runs the spec's design through f (one KPI, one replication) and its
 * method; returns the index rows. */
static wx_study_indices run(const wx_study_spec *s, wx_study_eval_fn f,
                            void *ctx) {
  wx_study_design *p = NULL;
  double *Y = NULL;
  wx_study_indices ix = {0};
  assert_int_equal(wx__study_points(s, NULL, &p, NULL), WX_OK);
  assert_int_equal(wx__study_evaluate(p, 1, 1, f, ctx, &Y), WX_OK);
  assert_int_equal(wx__study_analyse(s, p, Y, 1, 1, &ix), WX_OK);
  free(Y);
  wx__study_design_free(p);
  return ix;
}

static const wx_study_index *row(const wx_study_indices *ix, unsigned f,
                                 const char *name) {
  for (size_t i = 0; i < ix->n; i++)
    if (ix->rows[i].factor == f && !strcmp(ix->rows[i].index, name))
      return &ix->rows[i];
  fail_msg("no %s row for factor %u", name, f);
  return NULL;
}

/* The truth inside the bootstrap interval, and the estimate within 4
 * standard errors of it (the bootstrap SE = interval width / 3.92). */
static void check_index(const wx_study_index *r, double truth, double max_w) {
  double se = (r->hi - r->lo) / 3.92;
  assert_true(r->lo <= truth && truth <= r->hi);
  assert_true(fabs(r->value - truth) <= 4 * se + 1e-12);
  assert_true(r->hi - r->lo < max_w);
}

static void test_ishigami_quoted_values(void **state) {
  (void)state;
  double S1[3], ST[3];
  ishigami_truth(S1, ST);
  /* the values every sensitivity text quotes */
  assert_true(fabs(S1[0] - 0.3139) < 1e-4 && fabs(S1[1] - 0.4424) < 1e-4);
  assert_true(fabs(ST[0] - 0.5576) < 1e-4 && fabs(ST[2] - 0.2437) < 1e-4);
}

static void test_ishigami_indices(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  seed: 3\n"
      "  method: {type: sobol, n: 8192, bootstrap: 300}\n  factors:\n"
      "    x1: {range: [-3.141592653589793, 3.141592653589793]}\n"
      "    x2: {range: [-3.141592653589793, 3.141592653589793]}\n"
      "    x3: {range: [-3.141592653589793, 3.141592653589793]}\n");
  wx_study_indices ix = run(s, ishigami, NULL);
  assert_int_equal(ix.n, 6);
  double S1[3], ST[3];
  ishigami_truth(S1, ST);
  for (unsigned i = 0; i < 3; i++) {
    check_index(row(&ix, i, "S1"), S1[i], 0.1);
    check_index(row(&ix, i, "ST"), ST[i], 0.1);
  }
  wx__study_indices_free(&ix);
  wx__study_spec_free(s);
}

/* f = x1 x2 x3, x_i ~ U(a_i, b_i) independent: with m_i = E x_i and
 * q_i = E x_i^2, V = prod q - prod m^2, V_i = Var x_i prod_{j != i} m_j^2,
 * VT_i = Var x_i prod_{j != i} q_j. */
static const double lo3[3] = {0, 1, 0}, hi3[3] = {1, 2, 3};

static int product(void *ctx, const double *x, double *y) {
  (void)ctx;
  y[0] = x[0] * x[1] * x[2];
  return WX_OK;
}

static void test_product_of_uniforms(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: {type: sobol, n: 8192, bootstrap: "
      "300}\n  factors:\n    a: {range: [0, 1]}\n    b: {range: [1, 2]}\n"
      "    c: {range: [0, 3]}\n");
  wx_study_indices ix = run(s, product, NULL);
  double m[3], q[3], var[3], pq = 1, pm = 1;
  for (int i = 0; i < 3; i++) {
    m[i] = (lo3[i] + hi3[i]) / 2;
    var[i] = (hi3[i] - lo3[i]) * (hi3[i] - lo3[i]) / 12;
    q[i] = var[i] + m[i] * m[i];
    pq *= q[i], pm *= m[i] * m[i];
  }
  for (unsigned i = 0; i < 3; i++) {
    double v1 = var[i] * pm / (m[i] * m[i]), vt = var[i] * pq / q[i];
    check_index(row(&ix, i, "S1"), v1 / (pq - pm), 0.1);
    check_index(row(&ix, i, "ST"), vt / (pq - pm), 0.1);
  }
  wx__study_indices_free(&ix);
  wx__study_spec_free(s);
}

/* The delta-method standard error of a ratio mean(q) / V over N iid rows,
 * V's own noise included: with b_j = ((fA_j - m)^2 + (fB_j - m)^2) / 2 the
 * row's share of V and R the ratio, the estimator's influence per row is
 * (q_j - R b_j) / V, so SE = sd(influence) / sqrt(N).  For ST, q_j =
 * (fA - fAB_i)^2 / 2; for S1 (= 1 - mean(q) / V), q_j = (fB - fAB_i)^2 / 2. */
static double ratio_se(const double *f, size_t N, size_t i, int total) {
  const double *fa = f, *fb = f + N, *fab = f + (2 + i) * N;
  double m = 0, v = 0, q = 0;
  for (size_t j = 0; j < N; j++) m += fa[j] + fb[j];
  m /= 2.0 * N;
  for (size_t j = 0; j < N; j++) {
    double d = (total ? fa[j] : fb[j]) - fab[j];
    v += ((fa[j] - m) * (fa[j] - m) + (fb[j] - m) * (fb[j] - m)) / 2;
    q += d * d / 2;
  }
  double R = q / v, s = 0, s2 = 0;
  for (size_t j = 0; j < N; j++) {
    double d = (total ? fa[j] : fb[j]) - fab[j];
    double b = ((fa[j] - m) * (fa[j] - m) + (fb[j] - m) * (fb[j] - m)) / 2;
    double h = (d * d / 2 - R * b) / (v / N);
    s += h, s2 += h * h;
  }
  return sqrt((s2 - s * s / N) / (N - 1) / N);
}

/* Independent (pseudo-random) A and B, where the delta method and the
 * bootstrap both estimate the sampling error: f = sum c_i x_i,
 * x_i ~ U(0, 1), S1_i = ST_i = c_i^2 / sum c^2.  The estimates lie within
 * 4 delta-method standard errors of the truth, and the bootstrap's
 * standard error (interval width / 3.92) agrees with the delta method's
 * within 25% (B = 400 resamples estimate an SE to about 1 / sqrt(2B) =
 * 3.5%; the rest allows for the percentile interval's asymmetry). */
static void test_additive_iid(void **state) {
  (void)state;
  enum { N = 4000, K = 4 };
  const double c[K] = {4, 2, 1, 0};
  double *f = malloc(N * (K + 2) * sizeof *f);
  double *ab = malloc(N * 2 * K * sizeof *ab);
  assert_non_null(f);
  assert_non_null(ab);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 99);
  for (size_t j = 0; j < N * 2 * K; j++) ab[j] = gsl_rng_uniform(r);
  for (size_t b = 0; b < K + 2; b++)
    for (size_t j = 0; j < N; j++) {
      double s = 0;
      for (size_t i = 0; i < K; i++) {
        size_t col = b == 1 || (b >= 2 && b - 2 == i) ? K + i : i;
        s += c[i] * ab[j * 2 * K + col];
      }
      f[b * N + j] = s;
    }
  double S1[K], ST[K], l1[K], h1[K], lT[K], hT[K], sum = 0;
  assert_int_equal(wx__sobol_indices(f, N, K, 400, 5, S1, ST, l1, h1, lT, hT),
                   WX_OK);
  for (size_t i = 0; i < K; i++) sum += c[i] * c[i];
  for (size_t i = 0; i < K; i++) {
    double t = c[i] * c[i] / sum;
    double se1 = ratio_se(f, N, i, 0), seT = ratio_se(f, N, i, 1);
    assert_true(fabs(S1[i] - t) <= 4 * se1);
    assert_true(fabs((h1[i] - l1[i]) / 3.92 / se1 - 1) < 0.25);
    if (i == 3) continue; /* ST_3 = 0 exactly: no error to compare */
    assert_true(fabs(ST[i] - t) <= 4 * seT);
    assert_true(fabs((hT[i] - lT[i]) / 3.92 / seT - 1) < 0.25);
  }
  /* a factor with no effect has exactly zero total index (f(A) = f(AB)) */
  assert_true(ST[3] == 0 && lT[3] == 0 && hT[3] == 0);
  free(ab);
  free(f);
  gsl_rng_free(r);
}

/* NaN rows are dropped; a constant output has no indices. */
static void test_degenerate_outputs(void **state) {
  (void)state;
  enum { N = 8, K = 2 };
  double f[N * (K + 2)], S1[K], ST[K];
  for (size_t j = 0; j < N * (K + 2); j++) f[j] = 1.0;
  assert_int_equal(
      wx__sobol_indices(f, N, K, 0, 1, S1, ST, NULL, NULL, NULL, NULL), WX_OK);
  assert_true(isnan(S1[0]) && isnan(ST[1]));
  for (size_t j = 0; j < N * (K + 2); j++) f[j] = NAN;
  assert_int_equal(
      wx__sobol_indices(f, N, K, 10, 1, S1, ST, NULL, NULL, NULL, NULL), WX_OK);
  assert_true(isnan(S1[0]));
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ishigami_quoted_values),
      cmocka_unit_test(test_ishigami_indices),
      cmocka_unit_test(test_product_of_uniforms),
      cmocka_unit_test(test_additive_iid),
      cmocka_unit_test(test_degenerate_outputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
