/* Recovery: datasets simulated by wxflow from known parameters are fitted
 * back, and the truth must fall inside the 90% intervals at about that
 * rate.  A small model (a Poisson source into the official account, 20%
 * of followers joining the mini program), 24 days, so that 20 datasets
 * with 20 bootstrap refits each stay within seconds; bench/ has the
 * quickstart calibration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "calib.h"
#include "test_scale.h"

#define DATASETS 20 /* at full size (test_scale.h) */
#define DAYS     24

static const char *const base_yaml =
    "wxflow: 1\nhorizon: 24d\nsample_every: 1d\nseed: 11\nreplications: 10\n"
    "modules:\n  oa: {kind: official_account}\n  shop: {kind: mini_program}\n"
    "sources:\n  content: {into: oa, rate: 25/d}\n"
    "flows:\n  oa_to_shop: {from: oa, to: shop, type: join, p: 20%, "
    "delay: exponential(2d)}\n";

static const char *const calib_yaml =
    "calibrate:\n  base: base.yaml\n  data: obs.csv\n"
    "  parameters:\n"
    "    sources.content.rate: {range: [10/d, 160/d]}\n"
    "    flows.oa_to_shop.p: {range: [2%, 80%]}\n"
    "  bootstrap: 20\n  max_evals: 80\n";

static void put(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* One replication far from those the fits use (0..R + B + predictions)
 * at the truth, as the observed daily counts of both series. */
static void synthetic(wx_calib_sim *c, const double *truth, unsigned rep) {
  double cum[2 * (DAYS + 1)];
  assert_int_equal(wx__calib_simulate(c, truth, rep, 1, cum, NULL), WX_OK);
  for (size_t i = 0; i < 2; i++)
    for (size_t d = 1; d <= DAYS; d++)
      c->s->s[i].y[d - 1] =
          cum[i * (DAYS + 1) + d] - cum[i * (DAYS + 1) + d - 1];
}

static void check_coverage(const unsigned inside[2], const double sd_sum[2],
                           double se_rate, double se_p) {
  /* If the intervals hold 90%, 15 or fewer of 20 happens with
   * probability 4.3% per parameter (binomial): allow 15. */
  assert_true(inside[0] >= 15 && inside[1] >= 15);
  /* Not too wide either: the bootstrap sd within a factor 1.6 of the
   * MLE's (the simulated mean's roughness widens it somewhat). */
  for (int j = 0; j < 2; j++) {
    double ratio = sd_sum[j] / DATASETS / (j ? se_p : se_rate);
    assert_true(ratio > 0.6 && ratio < 1.6);
  }
}

static void recovers_the_truth(void **state) {
  (void)state;
  char dir[] = "/tmp/wx_calib_recXXXXXX";
  assert_non_null(mkdtemp(dir));
  put(dir, "base.yaml", base_yaml);
  put(dir, "c.yaml", calib_yaml);
  char csv[8192] = "day,metric,value\n";
  for (int d = 1; d <= DAYS; d++)
    snprintf(csv + strlen(csv), sizeof csv - strlen(csv),
             "%d,module.oa.joins,0\n%d,module.shop.joins,0\n", d, d);
  put(dir, "obs.csv", csv);
  char path[512];
  snprintf(path, sizeof path, "%s/c.yaml", dir);
  wx_calib_spec *s = NULL;
  wx_model *m = NULL;
  assert_int_equal(wx__calib_spec_load(path, &s, NULL), WX_OK);
  snprintf(path, sizeof path, "%s/base.yaml", dir);
  assert_int_equal(wx_model_load(path, &m, NULL), WX_OK);
  wx_calib_sim c = {.threads = 1};
  assert_int_equal(wx__calib_bind(&c, m, s, NULL), WX_OK);
  const double truth[2] = {25, 0.2};
  unsigned inside[2] = {0, 0}, n = wxt_scaled(DATASETS, 2);
  double sd_sum[2] = {0, 0};
  for (unsigned k = 0; k < n; k++) {
    synthetic(&c, truth, 100000 + k);
    wx_calib_result r;
    assert_int_equal(wx__calib_run(&c, &r, NULL), WX_OK);
    assert_int_equal(r.B, 20);
    for (int j = 0; j < 2; j++) {
      inside[j] += r.lo[j] <= truth[j] && truth[j] <= r.hi[j];
      sd_sum[j] += r.sd_z[j];
      assert_false(r.unidentified[j]);
    }
    wx__calib_result_free(&r);
  }
  /* Standard errors of the MLE on the optimiser's scales: log(rate) has
   * 1 / sqrt(rate days) from the arrivals; logit(p) about
   * 1 / sqrt(n p (1 - p)) from the n = rate days followers, less the
   * last days' followers who have not had their ~2 days' delay. */
  double se_rate = 1 / sqrt(25.0 * DAYS);
  double se_p = 1 / sqrt(25.0 * (DAYS - 2) * 0.2 * 0.8);
  fprintf(stderr,
          "coverage of the 90%% intervals over %u datasets: rate "
          "%u/%u, p %u/%u; mean bootstrap sd %.4f (theory %.4f), %.4f "
          "(theory %.4f)\n",
          n, inside[0], n, inside[1], n, sd_sum[0] / n, se_rate, sd_sum[1] / n,
          se_p);
  /* The bounds are set for 20 datasets; a scaled-down run (under
   * valgrind) only exercises the code. */
  if (wxt_full_size()) check_coverage(inside, sd_sum, se_rate, se_p);
  wx__calib_sim_clear(&c);
  wx_model_free(m);
  wx__calib_spec_free(s);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(recovers_the_truth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
