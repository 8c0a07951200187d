/* Study methods on functions with known answers: Morris elementary
 * effects, partial rank correlations, and the paired tornado. */
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
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

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

static const wx_study_index *row(const wx_study_indices *ix, unsigned f,
                                 const char *name) {
  for (size_t i = 0; i < ix->n; i++)
    if (ix->rows[i].factor == f && !strcmp(ix->rows[i].index, name))
      return &ix->rows[i];
  fail_msg("no %s row for factor %u", name, f);
  return NULL;
}

static wx_study_indices run(const wx_study_spec *s, const double *nominal,
                            size_t n_rep, wx_study_eval_fn f, void *ctx) {
  wx_study_design *p = NULL;
  double *Y = NULL;
  wx_study_indices ix = {0};
  assert_int_equal(wx__study_points(s, nominal, &p, NULL), WX_OK);
  assert_int_equal(wx__study_evaluate(p, 1, n_rep, f, ctx, &Y), WX_OK);
  assert_int_equal(wx__study_analyse(s, p, Y, 1, n_rep, &ix), WX_OK);
  free(Y);
  wx__study_design_free(p);
  return ix;
}

/* ------------------------------------------------------------- Morris */

/* f = 10 a - 5 b + 6 c e + 8 d^2 + 0 g, a in [0, 2], the rest in [0, 1].
 * Effects per whole range: a 20 and b -5 exactly (sigma 0); d's effect
 * 8 (2 x + delta) over the lower end x of its step, x in {0, 1/3} with
 * p = 4, delta = 2/3, so E = 8; c's and e's 6 times the other one's value,
 * uniform on the four levels, so E = 3 (sigma > 0); g none. */
static int morris_fn(void *ctx, const double *x, double *y) {
  (void)ctx;
  y[0] = 10 * x[0] - 5 * x[1] + 6 * x[2] * x[4] + 8 * x[3] * x[3];
  return WX_OK;
}

static int morris_fn_ab(void *ctx, const double *x, double *y) {
  (void)ctx;
  y[0] = 10 * x[0] - 5 * x[1];
  return WX_OK;
}

static void test_morris_known_effects(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  seed: 5\n  method: {type: morris, r: 40}\n"
      "  factors:\n    a: {range: [0, 2]}\n    b: {range: [0, 1]}\n"
      "    c: {range: [0, 1]}\n    d: {range: [0, 1]}\n"
      "    e: {range: [0, 1]}\n    g: {range: [0, 1]}\n");
  wx_study_indices ix = run(s, NULL, 1, morris_fn, NULL);
  assert_true(fabs(row(&ix, 0, "mu")->value - 20) < 1e-9);
  assert_true(fabs(row(&ix, 1, "mu")->value + 5) < 1e-9);
  assert_true(fabs(row(&ix, 1, "mu_star")->value - 5) < 1e-9);
  assert_true(fabs(row(&ix, 0, "sigma")->value) < 1e-9);
  assert_true(fabs(row(&ix, 5, "mu_star")->value) < 1e-12);
  const double truth[6] = {20, 5, 3, 8, 3, 0};
  double t = gsl_cdf_tdist_Pinv(0.975, 39);
  for (unsigned i = 2; i < 5; i++) {
    const wx_study_index *m = row(&ix, i, "mu_star");
    double se = (m->hi - m->lo) / (2 * t);
    assert_true(fabs(m->value - truth[i]) <= 4 * se);
    assert_true(row(&ix, i, "sigma")->value > 0);
  }
  /* the ranking a > d > b > {c, e} > g */
  double ms[6];
  for (unsigned i = 0; i < 6; i++) ms[i] = row(&ix, i, "mu_star")->value;
  assert_true(ms[0] > ms[3] && ms[3] > ms[1] && ms[1] > ms[2] &&
              ms[1] > ms[4] && ms[2] > ms[5] && ms[4] > ms[5]);
  wx__study_indices_free(&ix);
  wx__study_spec_free(s);
}

/* Points never evaluated (NaN, e.g. after an interrupt) are skipped: a
 * linear function's effects stay exact on the trajectories left. */
static void test_morris_skips_missing_points(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: {type: morris, r: 6}\n"
      "  factors:\n    a: {range: [0, 2]}\n    b: {range: [0, 1]}\n");
  wx_study_design *p = NULL;
  double *Y = NULL;
  wx_study_indices ix = {0};
  assert_int_equal(wx__study_points(s, NULL, &p, NULL), WX_OK);
  assert_int_equal(wx__study_evaluate(p, 1, 1, morris_fn_ab, NULL, &Y), WX_OK);
  for (size_t j = 9; j < p->n_points; j++) Y[j] = NAN; /* 3 of 6 done */
  assert_int_equal(wx__study_analyse(s, p, Y, 1, 1, &ix), WX_OK);
  assert_true(fabs(row(&ix, 0, "mu")->value - 20) < 1e-9);
  assert_true(fabs(row(&ix, 1, "mu_star")->value - 5) < 1e-9);
  assert_true(row(&ix, 0, "sigma")->value < 1e-9);
  wx__study_indices_free(&ix);
  free(Y);
  wx__study_design_free(p);
  wx__study_spec_free(s);
}

/* --------------------------------------------------------------- PRCC */

typedef struct {
  gsl_rng *r;
  double noise;
} noisy;

/* y = 3 x1 - 2 x2 + 0 x3 + N(0, noise^2) */
static int linear_fn(void *ctx, const double *x, double *y) {
  noisy *c = ctx;
  y[0] = 3 * x[0] - 2 * x[1] + gsl_ran_gaussian(c->r, c->noise);
  return WX_OK;
}

/* Ranks (no ties in continuous data) by counting. */
static void rank_col(const double *v, size_t n, size_t stride, double *out) {
  for (size_t j = 0; j < n; j++) {
    size_t below = 0;
    for (size_t l = 0; l < n; l++) below += v[l * stride] < v[j * stride];
    out[j] = (double)below + 1;
  }
}

/* The definition: regress the ranks of x_i and of y on the other ranks,
 * correlate the residuals. */
static double prcc_by_regression(const double *X, const double *y, size_t n,
                                 size_t k, size_t i) {
  gsl_matrix *D = gsl_matrix_alloc(n, k);
  gsl_vector *ri = gsl_vector_alloc(n), *ry = gsl_vector_alloc(n);
  gsl_vector *c = gsl_vector_alloc(k), *res_i = gsl_vector_alloc(n),
             *res_y = gsl_vector_alloc(n);
  gsl_matrix *cov = gsl_matrix_alloc(k, k);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, k);
  double *col = malloc(n * sizeof *col), chi;
  for (size_t j = 0; j < n; j++) gsl_matrix_set(D, j, 0, 1);
  for (size_t a = 0, m = 1; a < k; a++) {
    rank_col(X + a, n, k, col);
    for (size_t j = 0; j < n; j++)
      if (a == i)
        gsl_vector_set(ri, j, col[j]);
      else
        gsl_matrix_set(D, j, m, col[j]);
    if (a != i) m++;
  }
  rank_col(y, n, 1, col);
  for (size_t j = 0; j < n; j++) gsl_vector_set(ry, j, col[j]);
  gsl_multifit_linear(D, ri, c, cov, &chi, w);
  gsl_multifit_linear_residuals(D, ri, c, res_i);
  gsl_multifit_linear(D, ry, c, cov, &chi, w);
  gsl_multifit_linear_residuals(D, ry, c, res_y);
  double r = gsl_stats_correlation(res_i->data, 1, res_y->data, 1, n);
  gsl_multifit_linear_free(w);
  gsl_matrix_free(D), gsl_matrix_free(cov);
  gsl_vector_free(ri), gsl_vector_free(ry), gsl_vector_free(c);
  gsl_vector_free(res_i), gsl_vector_free(res_y);
  free(col);
  return r;
}

/* With x ~ U(0, 1) (variance 1/12) the partial (Pearson) correlation of
 * x_i and y is c_i sd_x / sqrt(c_i^2 / 12 + noise^2); ranks move it by
 * less than 0.02 here (Spearman vs Pearson for near-normal data,
 * (6 / pi) asin(rho / 2)), sampling by about (1 - r^2) / sqrt(n - k - 2). */
static void test_prcc_linear_model(void **state) {
  (void)state;
  enum { N = 300, K = 3 };
  noisy c = {gsl_rng_alloc(gsl_rng_mt19937), 0.5};
  gsl_rng_set(c.r, 17);
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  seed: 2\n  method: prcc\n"
      "  design: {type: lhs, n: 300}\n  factors:\n"
      "    x1: {range: [0, 1]}\n    x2: {range: [0, 1]}\n"
      "    x3: {range: [0, 1]}\n");
  wx_study_design *p = NULL;
  double *Y = NULL;
  wx_study_indices ix = {0};
  assert_int_equal(wx__study_points(s, NULL, &p, NULL), WX_OK);
  assert_int_equal(wx__study_evaluate(p, 1, 1, linear_fn, &c, &Y), WX_OK);
  assert_int_equal(wx__study_analyse(s, p, Y, 1, 1, &ix), WX_OK);
  const double coef[K] = {3, -2, 0};
  for (unsigned i = 0; i < K; i++) {
    const wx_study_index *r = row(&ix, i, "prcc");
    assert_true(fabs(r->value - prcc_by_regression(p->x, Y, N, K, i)) < 1e-9);
    double sdx = sqrt(1.0 / 12), cs = coef[i] * sdx;
    double truth = cs / sqrt(cs * cs + c.noise * c.noise);
    double tol = 4 * (1 - truth * truth) / sqrt(N - K - 2.0) + 0.02;
    assert_true(fabs(r->value - truth) < tol);
    assert_true(r->lo < r->value && r->value < r->hi);
  }
  assert_true(row(&ix, 0, "prcc")->p < 1e-10 && row(&ix, 1, "prcc")->p < 1e-10);
  assert_true(row(&ix, 2, "prcc")->p > 1e-4); /* |z| < 4 under r = 0 */
  wx__study_indices_free(&ix);
  free(Y);
  wx__study_design_free(p);
  wx__study_spec_free(s);
  gsl_rng_free(c.r);
}

/* A constant input, too few rows, NaN rows. */
static void test_prcc_degenerate(void **state) {
  (void)state;
  double X[6 * 2], y[6], r[2], p[2], lo[2], hi[2];
  for (int j = 0; j < 6; j++) X[j * 2] = j, X[j * 2 + 1] = 1, y[j] = j * j;
  assert_int_equal(wx__prcc(X, 6, 2, y, r, p, lo, hi), WX_OK);
  assert_true(isnan(r[0]) && isnan(p[1]));
  const double other[6] = {3, 1, 4, 0, 5, 2};
  for (int j = 0; j < 6; j++) X[j * 2 + 1] = other[j];
  y[2] = NAN;
  assert_int_equal(wx__prcc(X, 4, 2, y, r, p, lo, hi), WX_OK);
  assert_true(isnan(r[0])); /* 3 finite rows for 2 inputs */
  /* the ranks of y = x1^2 are those of x1: a singular matrix, no answer */
  assert_int_equal(wx__prcc(X, 6, 2, y, r, NULL, NULL, NULL), WX_OK);
  assert_true(isnan(r[0]));
  const double jitter[6] = {0, 3, 0, -4, 0, 0};
  for (int j = 0; j < 6; j++) y[j] = j * j + jitter[j];
  assert_int_equal(wx__prcc(X, 6, 2, y, r, NULL, NULL, NULL), WX_OK);
  assert_true(r[0] > 0.5 && r[0] < 1);
}

/* ------------------------------------------------------------ tornado */

/* y = 2 a + 0.5 b + 0 c + eps_rep + eta: eps is replication r's common
 * random number (sd 5, the same at every point), eta independent (sd
 * 0.1).  Paired per replication, the swings' intervals are about 0.1
 * wide; unpaired they would be about 7 wide. */
typedef struct {
  gsl_rng *r;
  double eps[20];
} crn;

static int tornado_fn(void *ctx, const double *x, double *y) {
  crn *c = ctx;
  for (int r = 0; r < 20; r++)
    y[r] = 2 * x[0] + 0.5 * x[1] + c->eps[r] + gsl_ran_gaussian(c->r, 0.1);
  return WX_OK;
}

static void test_tornado_paired_swings(void **state) {
  (void)state;
  crn c = {gsl_rng_alloc(gsl_rng_mt19937), {0}};
  gsl_rng_set(c.r, 23);
  for (int r = 0; r < 20; r++) c.eps[r] = gsl_ran_gaussian(c.r, 5);
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: tornado\n  factors:\n"
      "    a: {range: [1, 3]}\n    b: {range: [0, 10]}\n"
      "    c: {range: [0, 1]}\n");
  const double nominal[3] = {2, 5, 0.5};
  wx_study_indices ix = run(s, nominal, 20, tornado_fn, &c);
  const double swing[3] = {4, 5, 0}, low_change[3] = {-2, -2.5, 0};
  double t = gsl_cdf_tdist_Pinv(0.975, 19);
  for (unsigned i = 0; i < 3; i++) {
    const wx_study_index *sw = row(&ix, i, "swing"),
                         *lc = row(&ix, i, "low_change");
    double se = (sw->hi - sw->lo) / (2 * t);
    assert_true(fabs(sw->value - swing[i]) <= 4 * se);
    assert_true(sw->hi - sw->lo < 0.3);
    se = (lc->hi - lc->lo) / (2 * t);
    assert_true(fabs(lc->value - low_change[i]) <= 4 * se);
  }
  assert_true(row(&ix, 0, "swing")->p < 1e-10);
  assert_true(row(&ix, 2, "swing")->p > 1e-4);
  /* the unpaired interval of the level itself carries eps: wide */
  assert_true(row(&ix, 0, "high")->hi - row(&ix, 0, "high")->lo > 1);
  wx__study_indices_free(&ix);
  wx__study_spec_free(s);
  gsl_rng_free(c.r);
}

/* A design that is not the method's is refused. */
static void test_analyse_refuses_wrong_design(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "study:\n  base: s.yaml\n  method: tornado\n"
      "  factors:\n    a: {range: [1, 3]}\n");
  wx_study_spec *g = spec_ok(
      "study:\n  base: s.yaml\n  design: grid\n"
      "  factors:\n    a: {range: [1, 3]}\n");
  wx_study_design *p = NULL;
  assert_int_equal(wx__study_points(g, NULL, &p, NULL), WX_OK);
  double Y[5] = {0};
  wx_study_indices ix = {0};
  assert_int_equal(wx__study_analyse(s, p, Y, 1, 1, &ix), WX_EINVAL);
  assert_int_equal(wx__study_analyse(g, p, Y, 1, 1, &ix), WX_EINVAL);
  wx__study_design_free(p);
  wx__study_spec_free(s);
  wx__study_spec_free(g);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_morris_known_effects),
      cmocka_unit_test(test_morris_skips_missing_points),
      cmocka_unit_test(test_prcc_linear_model),
      cmocka_unit_test(test_prcc_degenerate),
      cmocka_unit_test(test_tornado_paired_swings),
      cmocka_unit_test(test_analyse_refuses_wrong_design),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
