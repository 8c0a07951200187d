/* Accumulators: cross-replication summaries must equal a direct
 * computation with GSL on the same values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "accum.h"

static void summary_matches_direct_computation(void **state) {
  (void)state;
  enum { R = 37, CELLS = 3 };
  wx_accum a;
  assert_int_equal(wx__accum_init(&a, CELLS, R), 0);
  double col[CELLS][R];
  for (int r = 0; r < R; r++) {
    double row[CELLS] = {r * 1.5, (r * 7919) % 101, -r * 0.25 + 3};
    for (int c = 0; c < CELLS; c++) col[c][r] = row[c];
    assert_int_equal(wx__accum_add(&a, row), 0);
  }
  const double probs[3] = {0.05, 0.5, 0.95};
  double scratch[R];
  for (int c = 0; c < CELLS; c++) {
    wx_cell_summary s;
    wx__accum_summary(&a, c, probs, 3, scratch, &s);
    double sorted[R];
    for (int r = 0; r < R; r++) sorted[r] = col[c][r];
    gsl_sort(sorted, 1, R);
    double mean = gsl_stats_mean(sorted, 1, R);
    double sd = gsl_stats_sd(sorted, 1, R);
    assert_int_equal(s.n, R);
    assert_true(fabs(s.mean - mean) < 1e-12 * (1 + fabs(mean)));
    assert_true(fabs(s.sd - sd) < 1e-12 * (1 + sd));
    double half = gsl_cdf_tdist_Pinv(0.975, R - 1) * sd / sqrt(R);
    assert_true(fabs(s.ci_high - s.ci_low - 2 * half) < 1e-9);
    for (int k = 0; k < 3; k++)
      assert_true(s.q[k] ==
                  gsl_stats_quantile_from_sorted_data(sorted, 1, R, probs[k]));
  }
  wx__accum_free(&a);
}

static void nan_values_are_left_out(void **state) {
  (void)state;
  wx_accum a;
  assert_int_equal(wx__accum_init(&a, 1, 4), 0);
  double v[4] = {1, NAN, 3, NAN};
  for (int r = 0; r < 4; r++) assert_int_equal(wx__accum_add(&a, &v[r]), 0);
  double scratch[4], p = 0.5;
  wx_cell_summary s;
  wx__accum_summary(&a, 0, &p, 1, scratch, &s);
  assert_int_equal(s.n, 2);
  assert_true(s.mean == 2.0);
  wx__accum_free(&a);
}

static void adding_beyond_capacity_is_refused(void **state) {
  (void)state;
  wx_accum a;
  assert_int_equal(wx__accum_init(&a, 1, 1), 0);
  double v = 1;
  assert_int_equal(wx__accum_add(&a, &v), 0);
  assert_int_not_equal(wx__accum_add(&a, &v), 0);
  wx__accum_free(&a);
}

/* Ratio of means by hand: x = {1, 2, 3, 6}, y = {1, 1, 2, 0}: R = 3/1,
 * residuals x - 3y = {-2, -1, -3, 6} (variance 50/3), half-width
 * t(0.975, 3) sqrt(50/3) / sqrt(4); quantiles of 1, 2, 1.5 (y = 0 has no
 * ratio of its own but counts in the means). */
static void ratio_of_means_matches_the_delta_method(void **state) {
  (void)state;
  wx_accum a;
  assert_int_equal(wx__accum_init(&a, 2, 4), 0);
  const double x[4] = {1, 2, 3, 6}, y[4] = {1, 1, 2, 0};
  for (int i = 0; i < 4; i++) {
    double row[2] = {x[i], y[i]};
    assert_int_equal(wx__accum_add(&a, row), 0);
  }
  double probs[1] = {0.5}, scratch[9];
  wx_cell_summary s;
  wx__accum_ratio(&a, 0, 1, 0, probs, 1, scratch, &s);
  double half = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(50.0 / 3) / 2;
  assert_int_equal(s.n, 4);
  assert_true(fabs(s.mean - 3) < 1e-12);
  assert_true(fabs(s.ci_low - (3 - half)) < 1e-9);
  assert_true(fabs(s.ci_high - (3 + half)) < 1e-9);
  assert_true(fabs(s.q[0] - 1.5) < 1e-12);
  wx__accum_ratio(&a, 0, 1, -1, probs, 1, scratch, &s); /* a gain */
  assert_true(fabs(s.mean - 2) < 1e-12 && fabs(s.q[0] - 0.5) < 1e-12);
  wx__accum_free(&a);
}

/* Coverage: cost = 500 + 50 y + N(0, 100^2) with y ~ Poisson(3) customers
 * (zeros included), so the true ratio is (500 + 150) / 3.  Over 2000
 * samples of 60 replications the 95% interval must cover it 95% of the
 * time, within 4 binomial standard errors (the mean of per-replication
 * ratios, by contrast, is not even defined when y = 0). */
static void ratio_interval_covers_the_true_ratio(void **state) {
  (void)state;
  const int trials = 2000, n = 60;
  const double truth = 650.0 / 3;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 20261201);
  double probs[1] = {0.5}, scratch[2 * 60 + 1];
  int covered = 0;
  for (int t = 0; t < trials; t++) {
    wx_accum a;
    assert_int_equal(wx__accum_init(&a, 2, (uint32_t)n), 0);
    for (int i = 0; i < n; i++) {
      double y = gsl_ran_poisson(r, 3);
      double row[2] = {500 + 50 * y + gsl_ran_gaussian(r, 100), y};
      assert_int_equal(wx__accum_add(&a, row), 0);
    }
    wx_cell_summary s;
    wx__accum_ratio(&a, 0, 1, 0, probs, 1, scratch, &s);
    covered += s.ci_low <= truth && truth <= s.ci_high;
    wx__accum_free(&a);
  }
  gsl_rng_free(r);
  double p = (double)covered / trials, se = sqrt(0.95 * 0.05 / trials);
  assert_true(fabs(p - 0.95) <= 4 * se);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(summary_matches_direct_computation),
      cmocka_unit_test(nan_values_are_left_out),
      cmocka_unit_test(adding_beyond_capacity_is_refused),
      cmocka_unit_test(ratio_of_means_matches_the_delta_method),
      cmocka_unit_test(ratio_interval_covers_the_true_ratio),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
