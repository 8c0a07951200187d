/* Calibration's losses and point fit against closed forms: the deviances
 * against log-likelihoods computed by GSL, and the fit of a Poisson
 * source's rate, whose maximum-likelihood estimate is total / days. */
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
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "calib.h"
#include "test_scale.h"

/* replications: %u, 400 at full size (test_scale.h). */
#define BASE_YAML                                                          \
  "wxflow: 1\nhorizon: 30d\nsample_every: 1d\nseed: 5\nreplications: %u\n" \
  "modules:\n  oa: {kind: official_account}\n"                             \
  "sources:\n  content: {into: oa, rate: 40/d}\n"

static void put(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Poisson: deviance = 2 (log L(saturated) - log L(mu)), with L from GSL. */
static void poisson_deviance_is_likelihood_ratio(void **state) {
  (void)state;
  const double y[] = {0, 3, 7, 12, 1, 40}, mu[] = {0.5, 2.5, 9, 12, 4, 33};
  double ll = 0;
  for (int i = 0; i < 6; i++) /* P(0 | mean 0) = 1: GSL gives NaN there */
    ll += (y[i] > 0 ? log(gsl_ran_poisson_pdf((unsigned)y[i], y[i])) : 0) -
          log(gsl_ran_poisson_pdf((unsigned)y[i], mu[i]));
  double dev = wx__calib_deviance(WX_LOSS_POISSON, 0, y, mu, 6);
  assert_true(fabs(dev - 2 * ll) < 1e-9 * (1 + fabs(dev)));
  /* A perfect fit scores 0; NaN (unobserved) days are left out. */
  const double yn[] = {3, NAN}, mun[] = {3, 100};
  assert_true(fabs(wx__calib_deviance(WX_LOSS_POISSON, 0, yn, mun, 2)) < 1e-12);
}

/* Negative binomial of size r: the same identity with GSL's pmf, and the
 * Poisson deviance as r grows. */
static void negbin_deviance(void **state) {
  (void)state;
  const double r = 7;
  const double y[] = {0, 3, 7, 12, 1, 40}, mu[] = {0.5, 2.5, 9, 12, 4, 33};
  double ll = 0;
  for (int i = 0; i < 6; i++)
    ll +=
        (y[i] > 0 ? log(gsl_ran_negative_binomial_pdf((unsigned)y[i],
                                                      r / (r + y[i]), r))
                  : 0) -
        log(gsl_ran_negative_binomial_pdf((unsigned)y[i], r / (r + mu[i]), r));
  double dev = wx__calib_deviance(WX_LOSS_NEGBIN, r, y, mu, 6);
  assert_true(fabs(dev - 2 * ll) < 1e-9 * (1 + fabs(dev)));
  double p = wx__calib_deviance(WX_LOSS_POISSON, 0, y, mu, 6);
  double big = wx__calib_deviance(WX_LOSS_NEGBIN, 1e9, y, mu, 6);
  assert_true(fabs(big - p) < 1e-5 * p);
  /* Pearson-weighted squares. */
  double w = wx__calib_deviance(WX_LOSS_WLS, 0, y, mu, 6), e = 0;
  for (int i = 0; i < 6; i++)
    e += (y[i] - mu[i]) * (y[i] - mu[i]) / (mu[i] > 1 ? mu[i] : 1);
  assert_true(fabs(w - e) < 1e-12 * e);
}

static void transforms_round_trip(void **state) {
  (void)state;
  const double xs[] = {1e-5, 0.013, 0.5, 0.97};
  for (int i = 0; i < 4; i++)
    for (int t = 0; t < 3; t++) {
      double z = wx__calib_to_z((wx_calib_tf)t, xs[i]);
      assert_true(fabs(wx__calib_from_z((wx_calib_tf)t, z) - xs[i]) <
                  1e-12 * (1 + xs[i]));
    }
  assert_true(fabs(wx__calib_to_z(WX_TF_LOGIT, 0.5)) < 1e-15);
}

/* Daily arrivals of a Poisson source with a constant rate: the likelihood
 * of a constant mean is maximised at mean(y) = total / days, where the
 * Poisson deviance is 2 sum y log(y / mean(y)).  The fit uses the mean of
 * R replications, so it may miss the MLE by two errors: the Monte Carlo
 * error of the simulated total (relative sd 1 / sqrt(rate days R)), and
 * the roughness of the simulated loss: a small change of the rate moves
 * arrivals across day boundaries, which re-draws each day's simulated
 * mean by up to sqrt(rate / R).  That changes the deviance by about
 * 2 sqrt(days / R), against a curvature of rate * days per squared
 * relative change of the rate, so the minimum can move by up to
 * sqrt(2 sqrt(days / R) / (rate days)) relative.  The fit must land
 * within 4 of the combined errors, and be a minimum at the scale of the
 * MLE's own standard error. */
static void poisson_rate_mle(void **state) {
  (void)state;
  char dir[] = "/tmp/wx_calib_fitXXXXXX";
  assert_non_null(mkdtemp(dir));
  unsigned reps = wxt_scaled(400, 20);
  char base[512];
  snprintf(base, sizeof base, BASE_YAML, reps);
  put(dir, "base.yaml", base);
  /* Data: deliberately not at the nominal 40/d. */
  char csv[4096] = "day,metric,value\n";
  double y[30], total = 0;
  for (int d = 1; d <= 30; d++) {
    y[d - 1] = 52 + (d * 7919 % 23) - 11; /* 41..63, mean near 52 */
    total += y[d - 1];
    snprintf(csv + strlen(csv), sizeof csv - strlen(csv),
             "%d,source.content.arrivals,%g\n", d, y[d - 1]);
  }
  put(dir, "obs.csv", csv);
  put(dir, "c.yaml",
      "calibrate:\n  base: base.yaml\n  data: obs.csv\n"
      "  parameters:\n    sources.content.rate: {range: [5/d, 400/d]}\n"
      "  bootstrap: 0\n");
  char path[512];
  snprintf(path, sizeof path, "%s/c.yaml", dir);
  wx_diags *d = wx_diags_alloc(20);
  wx_calib_spec *s = NULL;
  wx_model *m = NULL;
  assert_int_equal(wx__calib_spec_load(path, &s, d), WX_OK);
  snprintf(path, sizeof path, "%s/base.yaml", dir);
  assert_int_equal(wx_model_load(path, &m, d), WX_OK);
  wx_calib_sim c = {.threads = 1};
  assert_int_equal(wx__calib_bind(&c, m, s, d), WX_OK);
  double *obs = wx__calib_observed(&c);
  double start = 40, x, loss;
  unsigned evals;
  wx_calib_problem p = {.sim = &c,
                        .y = obs,
                        .fit_days = 30,
                        .start = &start,
                        .max_evals = 200,
                        .algo = s->algo};
  assert_int_equal(wx__calib_fit(&p, &x, &loss, &evals, d), WX_OK);
  double mle = total / 30, R = reps, mc = 1 / sqrt(mle * 30 * R);
  double rough = sqrt(2 * sqrt(30 / R) / (mle * 30));
  double rel = sqrt(mc * mc + rough * rough), se = 1 / sqrt(mle * 30);
  fprintf(stderr,
          "rate %.4f, MLE %.4f (%.2f%%, tolerance %.2f%%), %u "
          "evaluations\n",
          x, mle, 100 * (x - mle) / mle, 400 * rel, evals);
  assert_true(fabs(x - mle) < 4 * rel * mle);
  /* At 400 replications the loss's roughness (2 sqrt(days / R), 0.55) is
   * below the deviance's rise at one standard error (1); with fewer
   * (scaled down, under valgrind) it need not be. */
  double l2, x2;
  for (int sgn = -1; sgn <= 1 && wxt_full_size(); sgn += 2) {
    x2 = x * (1 + sgn * se);
    assert_int_equal(wx__calib_loss_at(&p, &x2, &l2, d), WX_OK);
    assert_true(l2 > loss);
  }
  /* The deviance at the MLE in closed form. */
  double mu[30], closed = 0;
  for (int i = 0; i < 30; i++) {
    mu[i] = mle;
    closed += 2 * y[i] * log(y[i] / mle);
  }
  double at = wx__calib_deviance(WX_LOSS_POISSON, 0, y, mu, 30);
  assert_true(fabs(at - closed) < 1e-9 * closed);
  /* ... and it is the minimum over constant means. */
  for (int i = 0; i < 30; i++) mu[i] = mle * 1.01;
  assert_true(wx__calib_deviance(WX_LOSS_POISSON, 0, y, mu, 30) > at);
  for (int i = 0; i < 30; i++) mu[i] = mle * 0.99;
  assert_true(wx__calib_deviance(WX_LOSS_POISSON, 0, y, mu, 30) > at);
  /* The simulated fit cannot beat the saturated model, nor be far from
   * the constant-mean optimum (the simulated means vary by day). */
  assert_true(loss > 0);
  free(obs);
  wx__calib_sim_clear(&c);
  wx_model_free(m);
  wx__calib_spec_free(s);
  wx_diags_free(d);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* A parameter the data say nothing about (the share of followers who go
 * on to the mini program, with only the source's arrivals observed) has a
 * flat slice and is flagged; the rate is not. */
static void flat_parameter_is_flagged(void **state) {
  (void)state;
  char dir[] = "/tmp/wx_calib_flatXXXXXX";
  assert_non_null(mkdtemp(dir));
  put(dir, "base.yaml",
      "wxflow: 1\nhorizon: 20d\nsample_every: 1d\nseed: 5\nreplications: 20\n"
      "modules:\n  oa: {kind: official_account}\n  shop: {kind: mini_program}\n"
      "sources:\n  content: {into: oa, rate: 40/d}\n"
      "flows:\n  oa_to_shop: {from: oa, to: shop, type: join, p: 20%, "
      "delay: exponential(2d)}\n");
  char csv[2048] = "day,metric,value\n";
  for (int d = 1; d <= 20; d++)
    snprintf(csv + strlen(csv), sizeof csv - strlen(csv),
             "%d,source.content.arrivals,%d\n", d, 40 + (d * 37 % 13) - 6);
  put(dir, "obs.csv", csv);
  put(dir, "c.yaml",
      "calibrate:\n  base: base.yaml\n  data: obs.csv\n"
      "  parameters:\n    sources.content.rate: {range: [5/d, 400/d]}\n"
      "    flows.oa_to_shop.p: {range: [1%, 90%]}\n"
      "  bootstrap: 0\n  max_evals: 60\n");
  char path[512];
  snprintf(path, sizeof path, "%s/c.yaml", dir);
  wx_calib_spec *s = NULL;
  wx_model *m = NULL;
  assert_int_equal(wx__calib_spec_load(path, &s, NULL), WX_OK);
  snprintf(path, sizeof path, "%s/base.yaml", dir);
  assert_int_equal(wx_model_load(path, &m, NULL), WX_OK);
  wx_calib_sim c = {.threads = 1};
  assert_int_equal(wx__calib_bind(&c, m, s, NULL), WX_OK);
  wx_calib_result r;
  assert_int_equal(wx__calib_run(&c, &r, NULL), WX_OK);
  assert_false(r.unidentified[0]);
  assert_true(r.rise[0] > 100);
  assert_true(r.unidentified[1]);
  assert_true(fabs(r.rise[1]) < 1e-9);
  wx__calib_result_free(&r);
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
      cmocka_unit_test(poisson_deviance_is_likelihood_ratio),
      cmocka_unit_test(negbin_deviance),
      cmocka_unit_test(transforms_round_trip),
      cmocka_unit_test(poisson_rate_mle),
      cmocka_unit_test(flat_parameter_is_flagged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
