/* 64-bit exact draws of the cohort engine (cohort_rand.c) at WeChat
 * scale, 1.09e9 and 1e10, where GSL's unsigned int draws alone would
 * overflow: sample means and variances against theory (4 standard errors;
 * at these sizes the draws are normal to ~1e-5, so m4 = 3 s^4), and whole
 * engine runs at 1.09e9 and 1e10 expected arrivals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "cohort_fixture.h"
#include "rng.h"

#define R 2000

static gsl_rng *stream(const char *name) {
  gsl_rng *r = wx__rng_alloc();
  assert_non_null(r);
  wx__rng_seed_stream(r, 12345, WX_STREAM_SOURCE, name);
  return r;
}

/* Draws x[R] have mean mu and variance s2 (normal fourth moment). */
static void check_draws(const double *x, double mu, double s2,
                        const char *what) {
  double s1 = 0, q = 0;
  for (int i = 0; i < R; i++) s1 += x[i];
  double m = s1 / R;
  for (int i = 0; i < R; i++) q += (x[i] - m) * (x[i] - m);
  double v = q / (R - 1);
  if (fabs(m - mu) > 4 * sqrt(s2 / R))
    fail_msg("%s: mean %.6g, want %.6g", what, m, mu);
  if (fabs(v - s2) > 4 * s2 * sqrt(2.0 / (R - 1)))
    fail_msg("%s: variance %.6g, want %.6g", what, v, s2);
}

static void binomial_at_scale(void **state) {
  (void)state;
  static double x[R];
  /* 1e16: chunks of 2^52 */
  const double n[4] = {1.09e9, 1e10, 4294967295.0 + 7, 1e16};
  const double p[4] = {.3, .5, .9, .3};
  gsl_rng *r = stream("binomial");
  for (int k = 0; k < 4; k++) {
    for (int i = 0; i < R; i++)
      x[i] = (double)wx__cohort_binomial(r, p[k], (uint64_t)n[k]);
    check_draws(x, n[k] * p[k], n[k] * p[k] * (1 - p[k]), "binomial");
  }
  assert_true(wx__cohort_binomial(r, 1, (uint64_t)1e10) == (uint64_t)1e10);
  assert_true(wx__cohort_binomial(r, 0, (uint64_t)1e10) == 0);
  gsl_rng_free(r);
}

static void poisson_at_scale(void **state) {
  (void)state;
  static double x[R];
  const double mu[3] = {1.09e9, 1e10, 3.5};
  gsl_rng *r = stream("poisson");
  for (int k = 0; k < 3; k++) {
    for (int i = 0; i < R; i++) x[i] = (double)wx__cohort_poisson(r, mu[k]);
    check_draws(x, mu[k], mu[k], "poisson");
  }
  gsl_rng_free(r);
}

/* Conservation, and each category's binomial marginal, at 1e10. */
static void multinomial_at_scale(void **state) {
  (void)state;
  static double x[R];
  const double p[4] = {.5, 0, .2, .3}, n = 1e10;
  uint64_t out[4];
  gsl_rng *r = stream("multinomial");
  for (int i = 0; i < R; i++) {
    wx__cohort_multinomial(r, (uint64_t)n, p, 4, out);
    assert_true(out[0] + out[1] + out[2] + out[3] == (uint64_t)n);
    assert_true(out[1] == 0);
    x[i] = (double)out[2];
  }
  check_draws(x, n * .2, n * .2 * .8, "multinomial category");
  gsl_rng_free(r);
}

/* The exact pmf: GSL's below 2^32, log-gamma beyond (lgamma's absolute
 * error near 2e11 is ~1e-5 of the pmf, far below chi-square noise). */
static double binomial_pmf_at(double k, double n, double p) {
  if (n < 4294967296.0)
    return gsl_ran_binomial_pdf((unsigned)k, p, (unsigned)n);
  return exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(p) +
             (n - k) * log1p(-p));
}

/* The 64-bit binomial's pmf (cohort_draw.c), either tail, by chi-square
 * over cells of expected count >= 20 at a 1e-6 false-alarm rate, in each
 * of its regimes: n = 1, inversion with (1 - p)^n by squarings (n < 4096)
 * and by exp/log1p, either side of its switch to BTRS at a mean of 20
 * (small n and n beyond 2^32 too), BTRS's pmf ratios near the mode (products) and far
 * (log factorials), p above 1/2 (the complement), n beyond 2^32. */
static void binomial_pmf(void **state) {
  (void)state;
  enum { DRAWS = 100000, CELLS = 4096 };
  const double n[] = {1,    7,      30,     60,   200,  1000, 100000, 4e4,
                      4e4,  1.09e9, 1.09e9, 4e9,  2,    100,  100,    5000,
                      5000, 40,     12,     1e10, 1e10, 6e9,  1,      20,
                      25,   1000,   1000,   1e10, 3000, 45,   1e10};
  const double p[] = {.5,          .3,    .2,    .6,   .05,    .93,    .0003,
                      .5,          .97,   1e-8,  1e-6, 2.5e-7, .4,     .19,
                      .21,         .0039, .0041, .8,   .97,    1.5e-9, 3e-7,
                      .9999999995, .3,    .5,    .42,  .0099,  .0101,  1.2e-9,
                      .7,          .45,   2.1e-9};
  static double seen[CELLS];
  gsl_rng *r = stream("binomial pmf");
  for (size_t t = 0; t < sizeof n / sizeof *n; t++) {
    double mu = n[t] * p[t], sd = sqrt(mu * (1 - p[t]));
    double lo = floor(fmax(0, mu - 8 * sd - 1));
    assert_true(mu + 8 * sd + 2 - lo < CELLS);
    for (int c = 0; c < CELLS; c++) seen[c] = 0;
    for (int i = 0; i < DRAWS; i++) {
      double k = (double)wx__cohort_binomial(r, p[t], (uint64_t)n[t]);
      assert_true(k >= lo && k - lo < CELLS && k <= n[t]);
      seen[(int)(k - lo)]++;
    }
    double chi = 0, e_acc = 0, o_acc = 0, dof = -1;
    for (int c = 0; c < CELLS; c++) {
      double k = lo + c;
      e_acc += k <= n[t] ? DRAWS * binomial_pmf_at(k, n[t], p[t]) : 0;
      o_acc += seen[c];
      if (e_acc >= 20 || c == CELLS - 1) {
        chi += (o_acc - e_acc) * (o_acc - e_acc) / fmax(e_acc, 1e-300);
        dof++;
        e_acc = o_acc = 0;
      }
    }
    if (dof < 1) dof = 1;
    if (chi > gsl_cdf_chisq_Qinv(1e-6, dof))
      fail_msg("binomial(%g, %g): chi-square %.1f on %.0f dof", n[t], p[t], chi,
               dof);
  }
  gsl_rng_free(r);
}

/* BTRS's test far from the mode against the sum of the logs of the pmf's
 * successive ratios, term by term in long double (relative error ~1e-18
 * a term): within 1e-9 absolute, at n up to 4e15 where the log
 * factorials themselves are ~1.4e17. */
static void log_pmf_ratio_is_exact(void **state) {
  (void)state;
  const double n[] = {60, 4e4, 4e4, 1.09e9, 1e10, 4e15, 4e15};
  const double p[] = {.4, .5, .01, 1e-6, .3, .5, 1e-9};
  const double dk[] = {-40, -20, 17, 30, 150, -400, 300};
  for (size_t t = 0; t < sizeof n / sizeof *n; t++) {
    double m = floor((n[t] + 1) * p[t]);
    for (int side = -1; side <= 1; side += 2) {
      double k = m + side * fabs(dk[t]);
      if (k < 0) k = 0;
      /* BTRS never asks beyond n (UBSan: a log factorial of -3) */
      if (k > n[t]) k = n[t];
      long double want = 0, r = (long double)p[t] / (1 - (long double)p[t]);
      for (double j = m + 1; j <= k; j++) want += logl((n[t] - j + 1) * r / j);
      for (double j = k + 1; j <= m; j++) want -= logl((n[t] - j + 1) * r / j);
      double got = wx__cohort_log_pmf_ratio(n[t], p[t], k, m);
      if (fabsl(got - want) > 1e-9L * (1 + fabsl(want)))
        fail_msg("n %g p %g k %g m %g: %.12g, want %.12Lg", n[t], p[t], k, m,
                 got, want);
    }
  }
}

/* Few people over many nodes (the one-by-one tail of
 * wx__cohort_multinomial_cond): conservation, each node's mean n p_j and
 * one pair's cross moment n (n - 1) p_a p_b, within 4 standard errors. */
static void multinomial_tail_small_counts(void **state) {
  (void)state;
  enum { K = 12, DRAWS = 20000 };
  const double want[K] = {.4, .15, .1,  .08, .07, .05,
                          0,  .05, .04, .03, .02, .01};
  const uint64_t ns[4] = {1, 2, 4, 9};
  double c[K];
  uint32_t order[K];
  wx_cpair pairs[K];
  for (int j = 0; j < K; j++) c[j] = want[j];
  wx__cohort_conditional(c, order, K, pairs);
  gsl_rng *r = stream("multinomial tail");
  for (int t = 0; t < 4; t++) {
    double n = (double)ns[t], sum[K] = {0}, cross = 0;
    for (int i = 0; i < DRAWS; i++) {
      uint64_t out[K], tot = 0;
      wx__cohort_multinomial_cond(r, ns[t], c, order, K, out);
      for (int j = 0; j < K; j++) tot += out[j], sum[j] += (double)out[j];
      assert_true(tot == ns[t]);
      assert_true(out[6] == 0);
      cross += (double)out[1] * (double)out[9];
    }
    for (int j = 0; j < K; j++) {
      double mu = n * want[j], sd = sqrt(n * want[j] * (1 - want[j]) / DRAWS);
      if (fabs(sum[j] / DRAWS - mu) > 4 * sd + 1e-12)
        fail_msg("n %g node %d: mean %g, want %g", n, j, sum[j] / DRAWS, mu);
    }
    /* X1 X9 is 0 or small; its variance is at most E[(X1 X9)^2] <= n^2
     * E[X1 X9], so the bound below is conservative */
    double m = n * (n - 1) * want[1] * want[9];
    double sd = sqrt((m * n * n + 1e-12) / DRAWS);
    if (fabs(cross / DRAWS - m) > 4 * sd)
      fail_msg("n %g: E[X1 X9] %g, want %g", n, cross / DRAWS, m);
  }
  gsl_rng_free(r);
}

/* The hot loop's increment lists (cohort_space.c): each node's list is a
 * whole number of blocks of WX_CSPACE_INC, its words decode to exactly
 * the node's dense increments (padding adds 0), on a branching model
 * with joins, moves, churns and an outcome. */
static void increment_lists_match_dense(void **state) {
  (void)state;
  wx_model *m = fx_model(90, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 0.6, WX_DIST_EXPONENTIAL, 9, 0);
  fx_flow(m, WX_FLOW_JOIN, a, b, 0, 0.3, WX_DIST_EXPONENTIAL, 4, 0);
  fx_flow(m, WX_FLOW_MOVE, a, c, 0, 0.1, WX_DIST_EXPONENTIAL, 3, 0);
  fx_flow(m, WX_FLOW_JOIN, b, buy, 1, 0.2, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, 0.8, WX_DIST_EXPONENTIAL, 5, 0);
  fx_flow(m, WX_FLOW_JOIN, c, b, 0, 0.5, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, c, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 6, 0);
  double from[] = {0}, rate[] = {1e3};
  fx_poisson(m, a, 1, from, rate);
  assert_int_equal(wx__model_finalize(m), WX_OK);
  wx_cspace sp;
  assert_int_equal(wx__cspace_build(&sp, m), WX_OK);
  uint32_t *sum = calloc(sp.n_ctr + 1u, sizeof *sum), several = 0;
  assert_non_null(sum);
  for (uint32_t g = 0; g < sp.n_nodes; g++) {
    uint32_t lo = sp.inc_off[g], hi = sp.inc_off[g + 1], real = 0;
    assert_int_equal((hi - lo) % WX_CSPACE_INC, 0);
    for (uint32_t k = 0; k < sp.n_ctr; k++) sum[k] = 0;
    for (uint32_t k = lo; k < hi; k++) {
      uint32_t ctr = sp.inc[k] >> 8, val = sp.inc[k] & 255;
      assert_true(ctr < sp.n_ctr || val == 0);
      if (val) sum[ctr] += val, real++;
    }
    several += real > 1 && real % WX_CSPACE_INC;
    for (uint32_t k = 0; k < sp.n_ctr; k++)
      assert_int_equal(sum[k], sp.incr[(size_t)g * sp.n_ctr + k]);
  }
  assert_true(several > 0); /* padded lists of several counters seen */
  free(sum);
  wx__cspace_free(&sp);
  wx_model_free(m);
}

/* M/M/inf at national scale: arrivals ~ Poisson(L t), occupancy ~
 * Poisson(L/mu (1 - e^{-mu t})), over a 90-day run. */
static void engine_at_scale(void **state) {
  (void)state;
  const double total[2] = {1.09e9, 1e10}, mu = 1 / 20.0;
  const uint32_t reps = 100;
  for (int k = 0; k < 2; k++) {
    wx_model *m = fx_model(90, 1);
    uint32_t a = fx_module(m, "A");
    fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 1 / mu, 0);
    double from[] = {0}, rate[] = {total[k] / 90};
    uint32_t s = fx_poisson(m, a, 1, from, rate);
    fx_run r;
    cx_run c;
    assert_int_equal(fx_setup(&r, m), 0);
    assert_int_equal(cx_setup(&c, &r), 0);
    double s1 = 0, s2 = 0, o1 = 0, o2 = 0;
    uint32_t last = r.l.n_samples - 1;
    for (uint32_t rep = 0; rep < reps; rep++) {
      assert_int_equal(cx_go(&c, 8, rep), WX_OK);
      double x = cx_at(&c, last, r.l.source_base + s);
      double y = cx_at(&c, last, fx_members(&r, a));
      s1 += x, s2 += x * x, o1 += y, o2 += y * y;
    }
    double occ = rate[0] / mu * (1 - exp(-mu * 90));
    double mx = s1 / reps, vx = (s2 - reps * mx * mx) / (reps - 1);
    double my = o1 / reps, vy = (o2 - reps * my * my) / (reps - 1);
    assert_true(fabs(mx - total[k]) <= 4 * sqrt(total[k] / reps));
    assert_true(fabs(my - occ) <= 4 * sqrt(occ / reps));
    assert_true(fabs(vx / total[k] - 1) <= 4 * sqrt(2.0 / (reps - 1)));
    assert_true(fabs(vy / occ - 1) <= 4 * sqrt(2.0 / (reps - 1)));
    cx_teardown(&c);
    fx_teardown(&r);
  }
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(binomial_at_scale),
      cmocka_unit_test(binomial_pmf),
      cmocka_unit_test(log_pmf_ratio_is_exact),
      cmocka_unit_test(poisson_at_scale),
      cmocka_unit_test(multinomial_at_scale),
      cmocka_unit_test(multinomial_tail_small_counts),
      cmocka_unit_test(increment_lists_match_dense),
      cmocka_unit_test(engine_at_scale),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
