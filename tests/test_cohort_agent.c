/* The cohort engine against the agent engine on a small model with every
 * Markov mechanic: initial, piecewise Poisson and ads sources and a
 * campaign inside a step (with their costs and the total cost), exclusive moves
 * and churn, join flows (cancelled by leaving), a move into a module the
 * person may already belong to (a no-op entry), outcomes reached by move
 * and by join.  Every series column at every sample time: the two means
 * differ by at most 4 standard errors of their difference (independent
 * replications, so Var = s_c^2 / R + s_a^2 / R), and the variances agree
 * within 4 standard errors of their difference (normal theory, Var(S^2) ~
 * 2 s^4 / (R - 1), fine at these counts).  The family of ~500 checks at
 * |z| <= 4 (two-sided 6e-5 each) fails by chance with probability ~3 %
 * for one seed; the seeds are fixed, so the outcome is deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "cohort_fixture.h"

static wx_model *small_model(void) {
  wx_model *m = fx_model(12, 1.5);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t d = fx_module(m, "D");
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .4, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, .3, WX_DIST_EXPONENTIAL, 4, 0);
  fx_flow(m, WX_FLOW_JOIN, a, c, 0, .5, WX_DIST_EXPONENTIAL, 3, 0);
  fx_flow(m, WX_FLOW_JOIN, a, buy, 1, .2, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, c, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .5, WX_DIST_EXPONENTIAL, 5, 0);
  fx_flow(m, WX_FLOW_CHURN, c, WX_NONE, 0, .6, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_MOVE, c, d, 0, .3, WX_DIST_EXPONENTIAL, 3, 0);
  fx_flow(m, WX_FLOW_MOVE, d, buy, 1, .7, WX_DIST_EXPONENTIAL, 2, 0);
  fx_initial(m, a, 150);
  double from[] = {0, 4.2}, rate[] = {30, 80};
  fx_poisson(m, a, 2, from, rate);
  /* paid ads into B on [2.5, 8.2): 120 / 40 x 1000 x 1 % x 30 % = 9 / d */
  wx_source ads = {
      .name = "ads", .kind = WX_SOURCE_ADS, .to = b, .from = 2.5, .until = 8.2};
  ads.budget = fx_param(m, 120);
  ads.cpm = fx_param(m, 40);
  ads.ctr = fx_param(m, 0.01);
  ads.convert = fx_param(m, 0.3);
  wx__model_add_source(m, &ads);
  /* a campaign of 80 into C at 5.0, inside the step (4.5, 6] */
  wx_source cam = {
      .name = "cam", .kind = WX_SOURCE_CAMPAIGN, .to = c, .at = 5.0};
  cam.count = fx_param(m, 80);
  cam.cost = fx_param(m, 500);
  wx__model_add_source(m, &cam);
  return m;
}

typedef struct {
  double *s1, *s2;
} moments;

static void collect(moments *mo, const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    mo->s1[i] += v[i];
    mo->s2[i] += v[i] * v[i];
  }
}

/* Compares every column at every sample over R replications of each
 * engine; returns how many (sample, column) cells were random. */
static uint32_t compare(wx_model *m, uint32_t R, uint64_t seed,
                        uint32_t *n_cols, uint32_t *n_samples) {
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  size_t n = (size_t)r.l.n_samples * r.l.n_cols;
  double *buf = calloc(4 * n, sizeof *buf);
  assert_non_null(buf);
  moments ag = {buf, buf + n}, co = {buf + 2 * n, buf + 3 * n};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(fx_go(&r, seed, rep), WX_OK);
    collect(&ag, r.s.v, n);
    assert_int_equal(cx_go(&c, seed, rep), WX_OK);
    collect(&co, c.s.v, n);
  }
  uint32_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    double ma = ag.s1[i] / R, mc = co.s1[i] / R;
    double va = (ag.s2[i] - R * ma * ma) / (R - 1);
    double vc = (co.s2[i] - R * mc * mc) / (R - 1);
    uint32_t k = (uint32_t)(i / r.l.n_cols), col = (uint32_t)(i % r.l.n_cols);
    const wx_column *cl = &r.l.cols[col];
    double scale = fabs(ma) > 1 ? fabs(ma) : 1;
    if (va < 1e-9 * scale * scale && vc < 1e-9 * scale * scale) {
      if (fabs(ma - mc) > 1e-9 * scale) /* deterministic: t = 0, initial */
        fail_msg("t=%g %s %s: %g vs %g", r.l.times[k],
                 wx__column_entity(r.m, cl), cl->metric, mc, ma);
      continue;
    }
    double z = (mc - ma) / sqrt(va / R + vc / R);
    double zv = (vc - va) / sqrt(2 * (va * va + vc * vc) / (R - 1));
    if (fabs(z) > 4 || fabs(zv) > 4)
      fail_msg(
          "t=%g %s %s: cohort %.3f (var %.3f), agent %.3f (var %.3f): "
          "z %.2f, z of variances %.2f",
          r.l.times[k], wx__column_entity(r.m, cl), cl->metric, mc, vc, ma, va,
          z, zv);
    checked++;
  }
  *n_cols = r.l.n_cols;
  *n_samples = r.l.n_samples;
  free(buf);
  cx_teardown(&c);
  fx_teardown(&r);
  return checked;
}

static void every_column_agrees(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(small_model(), 400, 42, &nc, &ns);
  /* after t = 0 every column is random but eight: the initial source and
   * the campaign's, the ads' and the campaign's cost and the totals (cost,
   * and revenue, purchases and customers, zero without economic
   * outcomes); and the ads' arrivals at t = 1.5, before they start */
  if (checked != (ns - 1) * (nc - 8) - 1)
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
}

static void set_value(wx_model *m, uint32_t o, wx_dist_kind k, double a,
                      double b) {
  wx_outcome *oc = &m->outcomes[o];
  oc->has_value = 1;
  oc->value = (wx_dist){.kind = k};
  oc->value.p[0] = fx_param(m, a);
  oc->value.p[1] = fx_param(m, b);
}

/* Order values (gamma sums exact, lognormal value by value), customers,
 * revenue, attribution to the module a flow left, and the totals. */
static wx_model *econ_model(void) {
  wx_model *m = fx_model(10, 2);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), s = fx_module(m, "S");
  uint32_t trial = wx__model_add_outcome(m, "trial", NULL, (wx_pos){0, 0});
  uint32_t order = wx__model_add_outcome(m, "order", NULL, (wx_pos){0, 0});
  uint32_t look = wx__model_add_outcome(m, "look", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .5, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_JOIN, a, trial, 1, .3, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, s, 0, .6, WX_DIST_EXPONENTIAL, 1.5, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .3, WX_DIST_EXPONENTIAL, 3, 0);
  fx_flow(m, WX_FLOW_JOIN, b, look, 1, .4, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, s, order, 1, .5, WX_DIST_EXPONENTIAL, 1, 0);
  set_value(m, trial, WX_DIST_GAMMA, 3, 50);
  set_value(m, order, WX_DIST_LOGNORMAL, 80, 0.5);
  fx_initial(m, a, 200);
  double from[] = {0}, rate[] = {40};
  fx_poisson(m, a, 1, from, rate);
  return m;
}

static void economics_agree(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(econ_model(), 400, 7, &nc, &ns);
  /* deterministic after t = 0: the initial source and the total cost */
  if (checked != (ns - 1) * (nc - 2))
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
}

/* Erlang delays (gamma with whole shapes) as exact phase-type stages: on
 * a move, a churn cancelled... and a join that leaving cancels mid-stage. */
static wx_model *erlang_model(void) {
  wx_model *m = fx_model(9, 1.5);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .6, WX_DIST_GAMMA, 3, 2);
  fx_flow(m, WX_FLOW_JOIN, a, c, 0, .4, WX_DIST_GAMMA, 2, 2.5);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .5, WX_DIST_GAMMA, 4, 3);
  fx_flow(m, WX_FLOW_MOVE, c, buy, 1, .7, WX_DIST_EXPONENTIAL, 1, 0);
  fx_initial(m, a, 300);
  double from[] = {0}, rate[] = {30};
  fx_poisson(m, a, 1, from, rate);
  return m;
}

static void erlang_delays_agree(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(erlang_model(), 400, 5, &nc, &ns);
  if (checked != (ns - 1) * (nc - 1)) /* the initial source */
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
}

static void set_repeat(wx_model *m, uint32_t o, double p, wx_dist_kind k,
                       double a, double b) {
  wx_outcome *oc = &m->outcomes[o];
  oc->has_repeat = 1;
  oc->repeat_p = fx_param(m, p);
  oc->repeat_delay = (wx_dist){.kind = k};
  oc->repeat_delay.p[0] = fx_param(m, a);
  oc->repeat_delay.p[1] = fx_param(m, b);
}

/* Repeat purchases after exponential and Erlang delays, some within the
 * step of the first purchase, some after the person left every module. */
static wx_model *repeat_model(void) {
  wx_model *m = fx_model(12, 2);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  uint32_t renew = wx__model_add_outcome(m, "renew", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, buy, 1, .6, WX_DIST_EXPONENTIAL, 1.5, 0);
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .3, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_JOIN, b, renew, 1, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .5, WX_DIST_EXPONENTIAL, 2, 0);
  set_value(m, buy, WX_DIST_GAMMA, 2, 100);
  set_repeat(m, buy, .5, WX_DIST_EXPONENTIAL, 1.5, 0);
  set_value(m, renew, WX_DIST_FIXED, 30, 0);
  set_repeat(m, renew, .4, WX_DIST_GAMMA, 2, 3);
  fx_initial(m, a, 300);
  double from[] = {0}, rate[] = {30};
  fx_poisson(m, a, 1, from, rate);
  return m;
}

static void repeats_agree(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(repeat_model(), 400, 3, &nc, &ns);
  if (checked != (ns - 1) * (nc - 2)) /* initial source, total cost */
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
}

/* Non-exponential delays as phase-type fits (cohort_phase.c): fixed,
 * uniform, lognormal (cv^2 < 1 and > 1, a Coxian), Weibull, fractional
 * gamma.  The fits keep means (and variances) but not the shapes, so the
 * series are biased in transients; the bias is measured here against the
 * agent engine and bounded as documented (docs/cohort.md): every column
 * within 4 standard errors plus BIAS of its range (its largest mean over
 * the run, at least 1), and plus BIAS_LATE from t = LATE (two to three
 * mean delays after the initial pulse).  Measured: 5.0 % and 0.8 %. */
#define BIAS      0.08
#define BIAS_LATE 0.02
#define LATE      6.0

static wx_model *phase_model(void) {
  wx_model *m = fx_model(12, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .5, WX_DIST_UNIFORM, .5, 2.5);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, .3, WX_DIST_LOGNORMAL, 2, .4);
  fx_flow(m, WX_FLOW_JOIN, a, c, 0, .4, WX_DIST_LOGNORMAL, 1, 1.2);
  fx_flow(m, WX_FLOW_MOVE, b, buy, 1, .6, WX_DIST_FIXED, 1.5, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .3, WX_DIST_WEIBULL, 1.5, 2);
  fx_flow(m, WX_FLOW_CHURN, c, WX_NONE, 0, .5, WX_DIST_GAMMA, 2.5, 3);
  fx_initial(m, a, 400);
  double from[] = {0}, rate[] = {40};
  fx_poisson(m, a, 1, from, rate);
  return m;
}

static void phase_type_bias_is_bounded(void **state) {
  (void)state;
  const uint32_t R = 200;
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, phase_model()), 0);
  assert_int_equal(cx_setup(&c, &r), 0);
  size_t n = (size_t)r.l.n_samples * r.l.n_cols;
  double *buf = calloc(4 * n, sizeof *buf);
  assert_non_null(buf);
  moments ag = {buf, buf + n}, co = {buf + 2 * n, buf + 3 * n};
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(fx_go(&r, 9, rep), WX_OK);
    collect(&ag, r.s.v, n);
    assert_int_equal(cx_go(&c, 9, rep), WX_OK);
    collect(&co, c.s.v, n);
  }
  double worst = 0, late = 0;
  for (size_t i = 0; i < n; i++) {
    double ma = ag.s1[i] / R, mc = co.s1[i] / R;
    double va = (ag.s2[i] - R * ma * ma) / (R - 1);
    double vc = (co.s2[i] - R * mc * mc) / (R - 1);
    double se = sqrt(fmax(va, 0) / R + fmax(vc, 0) / R);
    uint32_t col = (uint32_t)(i % r.l.n_cols), k = (uint32_t)(i / r.l.n_cols);
    double scale = 1; /* the column's largest mean over the run */
    for (uint32_t j = 0; j < r.l.n_samples; j++)
      scale = fmax(scale, ag.s1[(size_t)j * r.l.n_cols + col] / R);
    double excess = (fabs(mc - ma) - 4 * se) / scale;
    if (excess > worst) worst = excess;
    if (r.l.times[k] >= LATE && excess > late) late = excess;
    const wx_column *cl = &r.l.cols[col];
    if (excess > (r.l.times[k] >= LATE ? BIAS_LATE : BIAS))
      fail_msg("t=%g %s %s: cohort %.2f, agent %.2f (se %.2f)",
               r.l.times[i / r.l.n_cols], wx__column_entity(r.m, cl),
               cl->metric, mc, ma, se);
  }
  print_message(
      "phase-type fits: worst bias beyond 4 se: %.1f %% of the "
      "column's range (%.1f %% from t = %g d)\n",
      100 * worst, 100 * late, LATE);
  free(buf);
  cx_teardown(&c);
  fx_teardown(&r);
}

/* Campaign fission in substeps (cohort_fission.c): a campaign inside a
 * step, Poisson and NegBin offspring, a cap that cuts the last
 * generations, the generations' arrivals entering a module with pending
 * flows.  The substeps' bias is O((d/mu)^2) per generation, far below the
 * noise of 400 replications here. */
static void add_fission(wx_model *m, const char *name, uint32_t into, double at,
                        double count, wx_offspring kind, double cap) {
  wx_source cam = {
      .name = (char *)name, .kind = WX_SOURCE_CAMPAIGN, .to = into, .at = at};
  cam.count = fx_param(m, count);
  cam.cost = WX_NONE;
  cam.fission = (wx_fission){.on = 1,
                             .offspring = kind,
                             .into = into,
                             .half_life = WX_NONE,
                             .cap = WX_NONE,
                             .decline = WX_NONE};
  cam.fission.share = fx_param(m, .4);
  cam.fission.mean = fx_param(m, 1.8);
  cam.fission.size = fx_param(m, 2);
  cam.fission.delay = (wx_dist){.kind = WX_DIST_EXPONENTIAL};
  cam.fission.delay.p[0] = fx_param(m, 0.8);
  if (cap > 0) cam.fission.cap = fx_param(m, cap);
  wx__model_add_source(m, &cam);
}

static wx_model *fission_model(void) {
  wx_model *m = fx_model(10, 1.5);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .5, WX_DIST_EXPONENTIAL, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, .6, WX_DIST_EXPONENTIAL, 3, 0);
  add_fission(m, "viral", a, 2.2, 300, WX_OFFSPRING_POISSON, 0);
  add_fission(m, "capped", b, 0, 200, WX_OFFSPRING_NEGBIN, 600);
  return m;
}

static void fission_agrees(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(fission_model(), 400, 21, &nc, &ns);
  /* deterministic: both campaigns' arrivals (once fired), their costs and
   * the four totals (no economics); and at t = 1.5, before "viral" fires,
   * what it alone feeds */
  if (checked < (ns - 2) * (nc - 8))
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
}

/* Fission rewards (cohort_fission.c wx__cfiss_rewards): 2 per share and
 * 3 per invitee of "viral", 5 per invitee of "capped", paid as earned;
 * their referral_cost columns and the total cost agree with the agent
 * engine's at every sample time like every other column, and equal the
 * amounts times the shares and arrivals exactly in each replication. */
static wx_model *rewarded_model(void) {
  wx_model *m = fission_model();
  wx_referral_pay none = {.per_share = WX_NONE,
                          .per_invite = WX_NONE,
                          .fixed = WX_NONE,
                          .of_value = WX_NONE,
                          .max = WX_NONE,
                          .second_fixed = WX_NONE,
                          .second_of_value = WX_NONE,
                          .outcome = WX_NONE};
  wx_referral_pay viral = none, capped = none;
  viral.on = capped.on = 1;
  viral.per_share = fx_param(m, 2);
  viral.per_invite = fx_param(m, 3);
  capped.per_invite = fx_param(m, 5);
  m->sources[0].fission.pay = viral;
  m->sources[1].fission.pay = capped;
  return m;
}

static void fission_rewards_agree(void **state) {
  (void)state;
  uint32_t nc, ns, checked = compare(rewarded_model(), 400, 23, &nc, &ns);
  /* deterministic as in fission_agrees, and the three commission columns
   * of each campaign (0) */
  if (checked < (ns - 2) * (nc - 14))
    fail_msg("checked %u of %u columns x %u samples", checked, nc, ns);
  fx_run r;
  cx_run c;
  assert_int_equal(fx_setup(&r, rewarded_model()), 0);
  assert_int_equal(wx__cohort_check(r.m, NULL), WX_OK);
  assert_int_equal(cx_setup(&c, &r), 0);
  assert_int_equal(cx_go(&c, 5, 0), WX_OK);
  const wx_layout *l = &r.l;
  uint32_t cost = wx__layout_find(l, WX_SCOPE_SOURCE, 0, "referral_cost");
  uint32_t sh = wx__layout_find(l, WX_SCOPE_SOURCE, 0, "shares");
  uint32_t ar = wx__layout_find(l, WX_SCOPE_SOURCE, 0, "fission_arrivals");
  assert_true(cost != WX_NONE && sh != WX_NONE && ar != WX_NONE);
  const double *last = c.s.v + (size_t)(l->n_samples - 1) * l->n_cols;
  assert_true(last[ar] > 0);
  assert_true(fabs(last[cost] - (2 * last[sh] + 3 * last[ar])) <=
              1e-9 * last[cost]);
  cx_teardown(&c);
  fx_teardown(&r);
}

/* Sums of many values: the normal branch keeps the exact mean and
 * variance (z-tests over 4000 sums of 5000 lognormal values each), and the
 * gamma branch is a gamma (mean and variance of n values). */
static void value_sums_have_the_right_moments(void **state) {
  (void)state;
  wx_model *m = fx_model(1, 1);
  double params[4] = {80, 0.5, 3, 50};
  wx_dist ln = {.kind = WX_DIST_LOGNORMAL, .p = {0, 1}};
  wx_dist ga = {.kind = WX_DIST_GAMMA, .p = {2, 3}};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  const int R = 4000;
  const uint64_t n = 5000;
  const wx_dist *ds[2] = {&ln, &ga};
  double mu1[2] = {80 * exp(0.125), 50};
  double var1[2] = {mu1[0] * mu1[0] * expm1(0.25), 50.0 * 50 / 3};
  for (int k = 0; k < 2; k++) {
    double s1 = 0, s2 = 0;
    for (int i = 0; i < R; i++) {
      double x = wx__cohort_value_sum(ds[k], params, r, n);
      s1 += x;
      s2 += x * x;
    }
    double mean = s1 / R, var = (s2 - R * mean * mean) / (R - 1);
    double mu = (double)n * mu1[k], v = (double)n * var1[k];
    double z = (mean - mu) / sqrt(v / R);
    double zv = (var - v) / (v * sqrt(2.0 / (R - 1)));
    if (fabs(z) > 4 || fabs(zv) > 4)
      fail_msg("kind %d: mean %g (want %g, z %.2f), var %g (want %g, z %.2f)",
               k, mean, mu, z, var, v, zv);
  }
  gsl_rng_free(r);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_column_agrees),
      cmocka_unit_test(economics_agree),
      cmocka_unit_test(erlang_delays_agree),
      cmocka_unit_test(repeats_agree),
      cmocka_unit_test(fission_agrees),
      cmocka_unit_test(fission_rewards_agree),
      cmocka_unit_test(phase_type_bias_is_bounded),
      cmocka_unit_test(value_sums_have_the_right_moments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
