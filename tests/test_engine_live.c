/* Live streams (agent_live.c) against theory.  S streams of T hours, one a
 * day, each with Poisson(V) recommended viewers arriving uniformly (a
 * Poisson process of rate lambda = V / T) and watching Exp(mean m): viewers
 * online at offset tau are Poisson with mean lambda m (1 - exp(-tau / m))
 * (M/M/inf); a viewer buys with hazard h while watching, at most once, so
 * P(buy) = 1 - E[exp(-h L)] with L = min(W, T - A) (closed form below);
 * purchases, follows and viewers are Poisson thinnings.  Sums over the S
 * streams are compared with their means within 4 standard errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent_engine.h"
#include "cohort.h"
#include "rng.h"
#include "scenario_support.h"
#include "series.h"
#include "util.h"

typedef struct {
  wx_model *m;
  wx_layout l;
  wx_series s;
  double *params;
} run_t;

static void go(run_t *r, const char *yaml, uint64_t seed) {
  r->m = wxt_load_ok(yaml);
  assert_int_equal(wx__layout_init(&r->l, r->m, 0), WX_OK);
  assert_int_equal(wx__series_init(&r->s, &r->l), WX_OK);
  r->params = calloc(r->m->n_params + 1, sizeof *r->params);
  assert_non_null(r->params);
  wx__params_nominal(r->m, r->params);
  wx_engine *e = wx__agent_alloc(r->m, &r->l);
  assert_non_null(e);
  assert_int_equal(
      wx__agent_run(e, r->params, wx__stream_seed(seed, 0, 0), &r->s, NULL),
      WX_OK);
  wx__agent_free(e);
}

static void done(run_t *r) {
  wx__series_free(&r->s);
  wx__layout_free(&r->l);
  free(r->params);
  wx_model_free(r->m);
}

static double at(const run_t *r, uint32_t k, uint32_t col) {
  return r->s.v[(size_t)k * r->s.n_cols + col];
}

static uint32_t sample_of(const run_t *r, double t) {
  for (uint32_t k = 0; k < r->l.n_samples; k++)
    if (fabs(r->l.times[k] - t) < 1e-9) return k;
  fail_msg("no sample at %g", t);
  return 0;
}

static uint32_t live_col(const run_t *r, const char *metric) {
  uint32_t c = wx__layout_find(&r->l, WX_SCOPE_TOUCHPOINT, 0, metric);
  assert_int_not_equal(c, WX_NONE);
  return c;
}

static void within(double x, double mean, double var, const char *what) {
  double z = (x - mean) / sqrt(var);
  if (!(fabs(z) <= 4))
    fail_msg("%s: %g, expected %g (z = %.2f)", what, x, mean, z);
}

#define S 200 /* streams, daily at 08:00 from day 0 */
#define HEAD                         \
  "wxflow: 1\n"                      \
  "horizon: 205d\n"                  \
  "sample_every: 15min\n"            \
  "modules:\n"                       \
  "  video: {kind: video_account}\n" \
  "outcomes:\n"                      \
  "  purchase: {value: 100}\n"       \
  "touchpoints:\n"                   \
  "  live:\n"                        \
  "    module: video\n"              \
  "    type: live\n"                 \
  "    schedule: {every: 1d, at: \"08:00\", until: 199.5d}\n"

/* V = 400 per 2 h stream, m = 30 min, h = 1/h, follow 10%. */
static void audience_matches_m_m_inf(void **state) {
  (void)state;
  run_t r;
  go(&r,
     HEAD
     "    reach: 0\n"
     "    session:\n"
     "      duration: 2h\n"
     "      watch: exponential(30min)\n"
     "      recommended: 400\n"
     "      buy: 1/h\n"
     "      follow: 10%\n",
     3);
  const double V = 400, T = 2, m = 0.5, h = 1, f = 0.1; /* hours */
  uint32_t online = live_col(&r, "online");
  for (int q = 1; q <= 7; q++) { /* offsets 15 min ... 1 h 45 */
    double tau = q * 0.25, sum = 0;
    for (int s = 0; s < S; s++)
      sum += at(&r, sample_of(&r, s + (8 + tau) / 24), online);
    double mu = S * V / T * m * (1 - exp(-tau / m));
    within(sum, mu, mu, "viewers online");
  }
  for (int s = 0; s < S; s++) /* everyone leaves at the end */
    assert_true(at(&r, sample_of(&r, s + 10.0 / 24), online) == 0);
  uint32_t last = r.l.n_samples - 1;
  within(at(&r, last, live_col(&r, "viewers")), S * V, S * V, "viewers");
  double k = h + 1 / m;
  double q =
      1 - (1 / (m * k) + (1 - 1 / (m * k)) * (1 - exp(-k * T)) / (k * T));
  double buys = at(&r, last, live_col(&r, "live_purchases"));
  within(buys, S * V * q, S * V * q, "live purchases");
  assert_true(at(&r, last, live_col(&r, "live_revenue")) == 100 * buys);
  assert_true(at(&r, last, r.l.outcome_base) == buys);
  double follows = at(&r, last, live_col(&r, "follows"));
  within(follows, S * V * f, S * V * f, "follows");
  assert_true(at(&r, last, r.l.module_base + WX_M_JOINS) == follows);
  double pn = 1 - (1 - q) * (1 - f);
  within(at(&r, last, live_col(&r, "new_people")), S * V * pn, S * V * pn,
         "new people");
  done(&r);
}

/* Nobody leaves before the end (watch 10 h > T): the peak is the largest
 * stream's audience, and members attend as Binomial(N, reach). */
static void peak_is_the_largest_stream(void **state) {
  (void)state;
  run_t r;
  go(&r,
     "sources: {fans: {initial: 1000, into: video}}\n" HEAD
     "    reach: 30%\n"
     "    session:\n"
     "      duration: 2h\n"
     "      watch: 10h\n"
     "      recommended: 50\n"
     "      buy: 0.5/h\n",
     5);
  uint32_t viewers = live_col(&r, "viewers"),
           peak = live_col(&r, "peak_online");
  uint32_t reached = wx__layout_find(&r.l, WX_SCOPE_TOUCHPOINT, 0, "reached");
  uint32_t views = wx__layout_find(&r.l, WX_SCOPE_TOUCHPOINT, 0, "views");
  double most = 0, prev = 0;
  for (int s = 0; s < S; s++) {
    uint32_t k = sample_of(&r, s + 10.0 / 24);
    double n = at(&r, k, viewers) - prev;
    prev = at(&r, k, viewers);
    most = fmax(most, n);
    assert_true(at(&r, k, peak) == most);
    assert_true(at(&r, k, viewers) == at(&r, k, reached) + at(&r, k, views));
    /* nobody has left yet: online are the stream's arrivals so far */
    uint32_t k2 = sample_of(&r, s + 9.75 / 24);
    assert_true(at(&r, k2, live_col(&r, "online")) ==
                at(&r, k2, viewers) - (prev - n));
  }
  uint32_t last = r.l.n_samples - 1;
  within(at(&r, last, reached), S * 300, S * 1000 * 0.3 * 0.7, "attending");
  within(at(&r, last, views), S * 50, S * 50, "recommended viewers");
  /* watching to the end, T - A ~ U(0, T): P(buy) = 1 - (1 - e^-hT) / hT;
   * members buy as themselves, recommended buyers become people */
  double hT = 0.5 * 2, q = 1 - (1 - exp(-hT)) / hT;
  double n = at(&r, last, viewers), v = at(&r, last, views);
  within(at(&r, last, live_col(&r, "live_purchases")), n * q, n * q * (1 - q),
         "purchases of members and others");
  within(at(&r, last, live_col(&r, "new_people")), v * q, v * q * (1 - q),
         "recommended buyers");
  done(&r);
}

/* Arrivals after an Exp(1 h) delay miss a 2 h stream with exp(-2); the
 * replay's viewers are Binomial(members, reach) + Poisson(views), arriving
 * uniformly within the window, each buying with p. */
static void arrivals_shape_and_replay(void **state) {
  (void)state;
  run_t r;
  go(&r,
     "sources: {fans: {initial: 1000, into: video}}\n" HEAD
     "    reach: 0\n"
     "    session:\n"
     "      duration: 2h\n"
     "      arrivals: exponential(1h)\n"
     "      watch: exponential(20min)\n"
     "      recommended: 100\n"
     "      replay: {window: 2d, reach: 5%, views: 50, buy: 10%}\n",
     7);
  uint32_t last = r.l.n_samples - 1, rv = live_col(&r, "replay_viewers");
  double mu = S * 100 * (1 - exp(-2.0));
  within(at(&r, last, live_col(&r, "viewers")), mu, mu, "viewers who came");
  double n = at(&r, last, rv),
         b = at(&r, last, live_col(&r, "replay_purchases"));
  within(n, S * 100.0, S * (1000 * 0.05 * 0.95 + 50), "replay viewers");
  within(b, n * 0.1, n * 0.1 * 0.9, "replay purchases");
  assert_true(at(&r, last, live_col(&r, "replay_revenue")) == 100 * b);
  assert_true(at(&r, last, live_col(&r, "live_purchases")) == 0);
  assert_true(at(&r, last, r.l.outcome_base) == b);
  /* the first replay opens at 10:00 on day 0 and is half watched a day on */
  assert_true(at(&r, sample_of(&r, 10.0 / 24), rv) == 0);
  within(at(&r, sample_of(&r, 1 + 10.0 / 24), rv), 50,
         1000 * 0.025 * 0.975 + 25, "replay viewers half-way");
  done(&r);
}

/* Streams that overlap (every hour, 2 h long) add up: at tau into the hour
 * the stream of this hour and the one before are on, so the mean online
 * is lambda m ((1 - e^(-tau/m)) + (1 - e^(-(tau + 1 h)/m))); a sample at
 * the full hour, the older stream's end, no longer counts its viewers; the
 * peak so far never falls below what is online. */
static void overlapping_streams_add_up(void **state) {
  (void)state;
  run_t r;
  go(&r,
     "wxflow: 1\n"
     "horizon: 10d\n"
     "sample_every: 15min\n"
     "modules: {video: {kind: video_account}}\n"
     "touchpoints:\n"
     "  live:\n"
     "    module: video\n"
     "    type: live\n"
     "    schedule: {every: 1h}\n"
     "    reach: 0\n"
     "    session: {duration: 2h, watch: exponential(30min), recommended: "
     "200}\n",
     13);
  const double lambda = 100, m = 0.5; /* per hour, hours */
  uint32_t online = live_col(&r, "online"), peak = live_col(&r, "peak_online");
  double sum[4] = {0}, most = 0;
  int hours = 0;
  for (uint32_t k = 0; k < r.l.n_samples; k++) {
    double v = at(&r, k, online), h = r.l.times[k] * 24;
    assert_true(at(&r, k, peak) >= v && at(&r, k, peak) >= most);
    most = at(&r, k, peak);
    if (h < 2 || h >= 239) continue;
    int q = (int)lround((h - floor(h + 1e-9)) * 4);
    sum[q % 4] += v;
    hours += q == 0;
  }
  for (int q = 0; q < 4; q++) {
    double tau = q * 0.25;
    double mu = hours * lambda * m * (2 - exp(-tau / m) - exp(-(tau + 1) / m));
    /* an hour apart the same viewers of one stream may still watch:
     * Cov = lambda m e^(-1/m) (1 - e^(-tau/m)) between neighbours */
    double cov = hours * lambda * m * exp(-1 / m) * (1 - exp(-tau / m));
    within(sum[q], mu, mu + 2 * cov, "viewers online, two streams");
  }
  done(&r);
}

/* An engine reused for another replication starts from nothing: the same
 * seed again gives the same series, to the bit. */
static void replications_reset_the_streams(void **state) {
  (void)state;
  run_t r;
  go(&r,
     "sources: {fans: {initial: 300, into: video}}\n" HEAD
     "    reach: 20%\n"
     "    session:\n"
     "      duration: 2h\n"
     "      watch: exponential(30min)\n"
     "      recommended: 40\n"
     "      buy: 1/h\n"
     "      follow: 10%\n"
     "      replay: {window: 3d, reach: 5%, views: 5, buy: 10%}\n",
     9);
  size_t n = (size_t)r.s.n_samples * r.s.n_cols;
  double *first = malloc(n * sizeof *first);
  assert_non_null(first);
  memcpy(first, r.s.v, n * sizeof *first);
  wx_engine *e = wx__agent_alloc(r.m, &r.l);
  assert_non_null(e);
  uint64_t seeds[] = {wx__stream_seed(9, 1, 0), wx__stream_seed(9, 0, 0)};
  for (int k = 0; k < 2; k++)
    assert_int_equal(wx__agent_run(e, r.params, seeds[k], &r.s, NULL), WX_OK);
  assert_memory_equal(first, r.s.v, n * sizeof *first);
  wx__agent_free(e);
  free(first);
  done(&r);
}

/* The cohort engine refuses a stream at the touchpoint, naming it. */
static void cohort_refuses_live_streams(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(HEAD "    session: {duration: 2h, watch: 30min}\n");
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  assert_int_equal(e->line, 9);
  assert_int_equal(e->col, 3);
  assert_non_null(strstr(e->msg, "touchpoint 'live': live streams"));
  assert_non_null(strstr(e->msg, "use engine: agent"));
  wx_diags_free(d);
  wx_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(audience_matches_m_m_inf),
      cmocka_unit_test(peak_is_the_largest_stream),
      cmocka_unit_test(arrivals_shape_and_replay),
      cmocka_unit_test(overlapping_streams_add_up),
      cmocka_unit_test(replications_reset_the_streams),
      cmocka_unit_test(cohort_refuses_live_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
