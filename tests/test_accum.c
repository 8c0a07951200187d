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
      assert_true(s.q[k] == gsl_stats_quantile_from_sorted_data(sorted, 1, R,
                                                                probs[k]));
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(summary_matches_direct_computation),
      cmocka_unit_test(nan_values_are_left_out),
      cmocka_unit_test(adding_beyond_capacity_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
