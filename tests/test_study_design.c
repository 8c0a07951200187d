/* Study designs: point counts, Latin hypercube strata, the Sobol sequence
 * against GSL, Morris trajectories, Saltelli's matrices, and the mapping
 * from the unit cube to factor values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_qrng.h>

#include "study.h"

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

static wx_study_design *points(const wx_study_spec *s, const double *nom) {
  wx_study_design *p = NULL;
  assert_int_equal(wx__study_points(s, nom, &p, NULL), WX_OK);
  return p;
}

/* 3 listed levels x 4 (grid: 4) x 5 (the design's levels) x 3 (an integer
 * range 1..3 has only three values) = 180 points, last factor fastest. */
static void test_grid_count_and_order(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  design: {type: grid, levels: 5}\n"
      "  factors:\n    a: {levels: [10, 20, 30]}\n"
      "    b: {range: [0, 3], grid: 4}\n    c: {range: [1%, 5%]}\n"
      "    d: {range: [1, 3], integer: true}\n");
  wx_study_design *p = points(s, NULL);
  assert_int_equal(p->n_points, 180);
  assert_int_equal(p->k, 4);
  const double *x = p->x;
  assert_true(x[0] == 10 && x[1] == 0 && fabs(x[2] - 0.01) < 1e-15);
  assert_true(x[3] == 1 && x[4 + 3] == 2 && x[8 + 3] == 3);
  assert_true(fabs(x[12 + 2] - 0.02) < 1e-15); /* c's second level */
  assert_true(x[(p->n_points - 1) * 4] == 30 &&
              x[(p->n_points - 1) * 4 + 1] == 3 &&
              fabs(x[(p->n_points - 1) * 4 + 2] - 0.05) < 1e-15);
  for (size_t j = 0; j < p->n_points; j++)
    for (size_t l = 0; l < j; l++)
      assert_true(memcmp(x + j * 4, x + l * 4, 4 * sizeof *x));
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

/* 2k + 1 points: the base (the scenario's nominal unless `base:`), then
 * each factor alone at its low and high end (5% and 95% of a
 * distribution). */
static void test_oat_points(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  design: oat\n  factors:\n"
      "    a: {range: [1, 3]}\n    b: {dist: 'normal(10, 2)'}\n"
      "    c: {range: [3d, 5d], base: 4d}\n");
  const double nominal[3] = {2.5, 9, NAN};
  wx_study_design *p = points(s, nominal);
  assert_int_equal(p->n_points, 7);
  const double base[3] = {2.5, 9, 4};
  double z = gsl_cdf_ugaussian_Pinv(0.95) * 2;
  const double lo[3] = {1, 10 - z, 3}, hi[3] = {3, 10 + z, 5};
  for (size_t j = 0; j < 7; j++)
    for (size_t i = 0; i < 3; i++) {
      double want = j == 1 + 2 * i ? lo[i] : j == 2 + 2 * i ? hi[i] : base[i];
      assert_true(fabs(p->x[j * 3 + i] - want) < 1e-9);
    }
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

/* Exactly one point in each of the n strata of every dimension. */
static void test_lhs_strata(void **state) {
  (void)state;
  enum { N = 97, K = 5 };
  double *u = malloc(N * K * sizeof *u);
  assert_int_equal(wx__design_lhs(u, N, K, 7), WX_OK);
  for (size_t i = 0; i < K; i++) {
    int seen[N] = {0};
    for (size_t j = 0; j < N; j++) {
      double v = u[j * K + i];
      assert_true(v >= 0 && v < 1);
      seen[(size_t)(v * N)]++;
    }
    for (size_t b = 0; b < N; b++) assert_int_equal(seen[b], 1);
  }
  /* a different seed gives a different hypercube */
  double *w = malloc(N * K * sizeof *w);
  assert_int_equal(wx__design_lhs(w, N, K, 8), WX_OK);
  assert_true(memcmp(u, w, N * K * sizeof *u) != 0);
  free(u);
  free(w);
}

/* The points are GSL's, in order; and the first 2^m - 1 of them (with the
 * origin, which GSL leaves out) put one point in each interval
 * [j / 2^m, (j + 1) / 2^m) of every coordinate, as a (0, m, 1)-net does. */
static void test_sobol_sequence(void **state) {
  (void)state;
  enum { M = 6, N = (1 << M) - 1, K = 7 };
  double u[N * K], g[K];
  assert_int_equal(wx__design_sobol_seq(u, N, K), WX_OK);
  gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, K);
  for (size_t j = 0; j < N; j++) {
    gsl_qrng_get(q, g);
    for (size_t i = 0; i < K; i++) assert_true(u[j * K + i] == g[i]);
  }
  gsl_qrng_free(q);
  for (size_t i = 0; i < K; i++) assert_true(u[i] == 0.5);
  for (size_t i = 0; i < K; i++) {
    int seen[N + 1] = {0};
    for (size_t j = 0; j < N; j++) seen[(size_t)(u[j * K + i] * (N + 1))]++;
    assert_int_equal(seen[0], 0);
    for (size_t b = 1; b <= N; b++) assert_int_equal(seen[b], 1);
  }
  assert_int_equal(wx__design_sobol_seq(u, 1, WX_SOBOL_MAX_DIM + 1), WX_EINVAL);
}

/* Every step of a trajectory moves exactly one factor, by +-delta, each
 * factor once, and every coordinate is on the p-level grid. */
static void test_morris_trajectories(void **state) {
  (void)state;
  enum { R = 30, K = 5 };
  const unsigned p = 6;
  double delta = p / (2.0 * (p - 1)), u[R * (K + 1) * K];
  assert_int_equal(wx__design_morris(u, R, K, p, 1), WX_OK);
  int up = 0, down = 0;
  for (size_t t = 0; t < R; t++) {
    int moved[K] = {0};
    for (size_t m = 0; m <= K; m++)
      for (size_t i = 0; i < K; i++) {
        double v = u[(t * (K + 1) + m) * K + i] * (p - 1);
        assert_true(fabs(v - nearbyint(v)) < 1e-9 && v > -1e-9 &&
                    v < p - 1 + 1e-9);
      }
    for (size_t m = 1; m <= K; m++) {
      const double *a = u + (t * (K + 1) + m - 1) * K, *b = a + K;
      int changed = 0;
      for (size_t i = 0; i < K; i++)
        if (a[i] != b[i]) {
          changed++;
          moved[i]++;
          assert_true(fabs(fabs(b[i] - a[i]) - delta) < 1e-12);
          if (b[i] > a[i])
            up++;
          else
            down++;
        }
      assert_int_equal(changed, 1);
    }
    for (size_t i = 0; i < K; i++) assert_int_equal(moved[i], 1);
  }
  assert_true(up > 0 && down > 0);
  assert_int_equal(wx__design_morris(u, 1, K, 5, 1), WX_EINVAL);
}

/* A, B, then AB_i: A with column i from B. */
static void test_saltelli_matrices(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: {type: sobol, n: 16}\n"
      "  factors:\n    a: {range: [0, 1]}\n    b: {range: [0, 1]}\n"
      "    c: {range: [0, 1]}\n");
  wx_study_design *p = points(s, NULL);
  const size_t N = 16, K = 3;
  assert_int_equal(p->n_points, N * (K + 2));
  assert_int_equal(p->n_base, N);
  for (size_t j = 0; j < N; j++)
    for (size_t i = 0; i < K; i++) {
      const double *A = p->u + j * K, *B = p->u + (N + j) * K;
      assert_true(memcmp(A, B, K * sizeof *A) != 0);
      for (size_t c = 0; c < K; c++) {
        const double *AB = p->u + ((2 + i) * N + j) * K;
        assert_true(AB[c] == (c == i ? B[c] : A[c]));
      }
    }
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

/* Beyond 20 factors A and B cannot be halves of one Sobol sequence (40
 * dimensions at most): they are pseudo-random, still independent. */
static void test_saltelli_many_factors(void **state) {
  (void)state;
  char text[4096] =
      "study:\n  base: s.yaml\n  method: {type: sobol, n: 64}\n"
      "  factors:\n";
  for (int i = 0; i < 25; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text),
             "    f%d: {range: [0, 1]}\n", i);
  wx_study_spec *s = spec_ok(text);
  wx_study_design *p = points(s, NULL);
  const size_t N = 64, K = 25;
  assert_int_equal(p->n_points, N * (K + 2));
  double mean = 0;
  for (size_t j = 0; j < 2 * N * K; j++) mean += p->u[j];
  mean /= 2.0 * N * K;
  /* 3200 uniforms: sd of the mean 0.29 / sqrt(3200) = 0.005 */
  assert_true(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / (2.0 * N * K)));
  for (size_t i = 0; i < K; i++)
    assert_true(p->u[(2 + i) * N * K + i] == p->u[N * K + i]);
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

static int failing_eval(void *ctx, const double *x, double *y) {
  int *calls = ctx;
  (void)x;
  y[0] = 1;
  return ++*calls == 3 ? WX_ERUNTIME : WX_OK;
}

/* An evaluation error stops the study and frees Y. */
static void test_evaluate_stops_on_error(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  design: oat\n"
      "  factors:\n    a: {range: [0, 1]}\n"
      "    b: {range: [0, 1]}\n");
  wx_study_design *p = points(s, NULL);
  int calls = 0;
  double *Y = (double *)1;
  assert_int_equal(wx__study_evaluate(p, 1, 1, failing_eval, &calls, &Y),
                   WX_ERUNTIME);
  assert_null(Y);
  assert_int_equal(calls, 3);
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

static void test_design_sizes(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: {type: morris, r: 12, levels: 6}\n"
      "  factors:\n    a: {range: [0, 1]}\n    b: {levels: [1, 2]}\n");
  assert_string_equal(s->design->name, "morris");
  wx_study_design *p = points(s, NULL);
  assert_int_equal(p->n_points, 12 * 3);
  wx__study_design_free(p);
  wx__study_spec_free(s);
  s = spec_ok(
      "study:\n  base: s.yaml\n  design: {type: lhs, n: 33}\n"
      "  factors:\n    a: {range: [0, 1]}\n");
  p = points(s, NULL);
  assert_int_equal(p->n_points, 33);
  wx__study_design_free(p);
  wx__study_spec_free(s);
  for (size_t i = 0; i < wx__study_design_count(); i++)
    assert_ptr_equal(wx__study_design_find(wx__study_design_at(i)->name),
                     wx__study_design_at(i));
  assert_null(wx__study_design_find("nope"));
}

/* Planner units, scales, integers, levels and distributions. */
static void test_factor_values(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  design: oat\n  factors:\n"
      "    a: {range: [12h, 3d]}\n    b: {range: [1.3%, 2.6%]}\n"
      "    c: {range: [0.5/d, 2/d], scale: log}\n"
      "    d: {range: [1, 4], integer: true}\n"
      "    e: {levels: [200k, 1, 7]}\n"
      "    f: {dist: 'lognormal(3, 0.5)'}\n"
      "    g: {dist: 'triangular(0, 1, 4)'}\n"
      "    h: {range: [2000/month, 4k], base: 3000/month}\n");
  const wx_study_factor *f = s->f;
  assert_true(f[0].lo == 0.5 && f[0].hi == 3);
  assert_true(fabs(f[1].lo - 0.013) < 1e-15 && fabs(f[1].hi - 0.026) < 1e-15);
  assert_true(fabs(wx__factor_value(&f[2], 0.5) - 1.0) < 1e-12);
  int count[5] = {0};
  for (int j = 0; j < 1000; j++)
    count[(int)wx__factor_value(&f[3], (j + 0.5) / 1000)]++;
  assert_true(count[0] == 0 && count[1] == 250 && count[2] == 250 &&
              count[3] == 250 && count[4] == 250);
  assert_true(wx__factor_value(&f[3], 1.0) == 4);
  assert_true(wx__factor_value(&f[4], 0.0) == 200000 &&
              wx__factor_value(&f[4], 0.5) == 1 &&
              wx__factor_value(&f[4], 1.0) == 7);
  assert_true(fabs(wx__factor_value(&f[5], 0.5) - 3) < 1e-12);
  /* triangular(0, 1, 4): F(1) = 1/4, so the quantile at 1/4 is the mode */
  assert_true(fabs(wx__factor_value(&f[6], 0.25) - 1) < 1e-12);
  /* and F(2.5) = 1 - (4 - 2.5)^2 / (4 * 3) = 0.8125 */
  assert_true(fabs(wx__factor_value(&f[6], 0.8125) - 2.5) < 1e-9);
  assert_true(f[7].lo == 2000 && f[7].hi == 4000 && f[7].base == 3000);
  assert_true(isfinite(wx__factor_value(&f[5], 0)) &&
              isfinite(wx__factor_value(&f[5], 1)));
  wx__study_spec_free(s);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_count_and_order),
      cmocka_unit_test(test_oat_points),
      cmocka_unit_test(test_lhs_strata),
      cmocka_unit_test(test_sobol_sequence),
      cmocka_unit_test(test_morris_trajectories),
      cmocka_unit_test(test_saltelli_matrices),
      cmocka_unit_test(test_saltelli_many_factors),
      cmocka_unit_test(test_evaluate_stops_on_error),
      cmocka_unit_test(test_design_sizes),
      cmocka_unit_test(test_factor_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
