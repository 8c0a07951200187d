/* Referral money, margins and the ban hazard of aggressive marketing
 * against their closed forms (model.h wx_referral_pay, wx_outcome margin,
 * wx_units_cfg ban_pressure), z-tests within 4 standard errors:
 *   - a fixed commission is commission x referred buyers, and a referred
 *     arrival buys with the flow's p (seeds and organic buyers earn none);
 *     the second level is paid on the buyers beyond the seeds' offspring;
 *   - a capped share of exponential order values has mean
 *     theta (1 - e^(-M/theta)), theta = of_value x mean, cap M;
 *   - rewards are per_share x shares + per_invite x arrivals, and the
 *     arrivals of a Galton-Watson campaign average N R / (1 - R);
 *   - gross profit is margin x revenue (or revenue - cogs x orders), and
 *     roi_margin is (gross profit - cost) / cost;
 *   - at constant intensity (every account at its daily limit, one post a
 *     day) the time to a ban is geometric in whole days with
 *     h = rate exp(adds_gain + posts_gain): P(banned by d) = 1 - e^(-h d).
 * The loader refuses bad values at their line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent_engine.h"
#include "kpi.h"
#include "scenario_support.h"
#include "series.h"

typedef struct {
  wx_model *m;
  wx_layout l;
  wx_series s;
  wx_engine *e;
  double *par;
} run_t;

static void setup(run_t *r, const char *text) {
  r->m = wxt_load_ok(text);
  assert_int_equal(wx__layout_init(&r->l, r->m, 0), WX_OK);
  assert_int_equal(wx__series_init(&r->s, &r->l), WX_OK);
  r->e = wx__agent_alloc(r->m, &r->l);
  assert_non_null(r->e);
  r->par = calloc(r->m->n_params + 1u, sizeof *r->par);
  assert_non_null(r->par);
  wx__params_nominal(r->m, r->par);
}

static void teardown(run_t *r) {
  wx__agent_free(r->e);
  free(r->par);
  wx__series_free(&r->s);
  wx__layout_free(&r->l);
  wx_model_free(r->m);
}

static void go(run_t *r, uint64_t seed) {
  assert_int_equal(wx__agent_run(r->e, r->par, seed, &r->s, NULL), WX_OK);
}

/* Column (scope, index, metric) at sample k (the last when k < 0). */
static double at(const run_t *r, wx_scope sc, uint32_t i, const char *metric,
                 int k) {
  uint32_t col = wx__layout_find(&r->l, sc, i, metric);
  assert_int_not_equal(col, WX_NONE);
  uint32_t row = k < 0 ? r->s.n_samples - 1 : (uint32_t)k;
  return r->s.v[(size_t)row * r->s.n_cols + col];
}

static void z_ok(const char *what, double got, double want, double var) {
  double z = (got - want) / sqrt(var);
  print_message("%s: %g, expected %g, z %.2f\n", what, got, want, z);
  if (!(fabs(z) <= 4)) fail_msg("%s: z = %.2f", what, z);
}

#define CAMPAIGN                                                           \
  "horizon: 20d\nsample_every: 1d\n"                                       \
  "modules: {oa: {kind: official_account}}\n"                              \
  "outcomes: {purchase: {value: %s}}\n"                                    \
  "sources:\n"                                                             \
  "  organic: {into: oa, rate: 100/d}\n"                                   \
  "  launch:\n"                                                            \
  "    type: campaign\n    into: oa\n    at: 1d\n    count: 2000\n"        \
  "    fission: {share: 40%%, offspring: poisson(1.5), generation_delay: " \
  "1h, %s}\n"                                                              \
  "flows: {buy: {from: oa, to: purchase, p: 30%%, delay: 1h}}\n"

static char *campaign(const char *value, const char *pay) {
  static char text[2048];
  snprintf(text, sizeof text, CAMPAIGN, value, pay);
  return text;
}

/* Fixed commission: commissions = 7 x referred buyers in every
 * replication; referred buyers ~ Binomial(arrivals, 30%). */
static void fixed_commission_case(const char *value, const char *pay) {
  run_t r;
  setup(&r, campaign(value, pay));
  double dev = 0, var = 0;
  for (uint64_t rep = 0; rep < 10; rep++) {
    go(&r, 100 + rep);
    double buyers = at(&r, WX_SCOPE_SOURCE, 1, "referred_buyers", -1);
    double arrivals = at(&r, WX_SCOPE_SOURCE, 1, "fission_arrivals", -1);
    double paid = at(&r, WX_SCOPE_SOURCE, 1, "commissions", -1);
    assert_true(fabs(paid - 7 * buyers) < 1e-9);
    assert_true(fabs(at(&r, WX_SCOPE_SOURCE, 1, "referral_cost", -1) - paid) <
                1e-9);
    assert_true(fabs(at(&r, WX_SCOPE_TOTAL, 0, "cost", -1) - paid) < 1e-9);
    /* organic and seed purchases earn nothing */
    assert_true(at(&r, WX_SCOPE_TOTAL, 0, "purchases", -1) > buyers + 500);
    dev += buyers - 0.3 * arrivals;
    var += 0.3 * 0.7 * arrivals;
  }
  z_ok("referred buyers - p arrivals", dev, 0, var);
  teardown(&r);
}

/* With repeats every 1 h, `purchases: first` pays for a referred person's
 * first purchase only: the same count of buyers. */
static void fixed_commission(void **state) {
  (void)state;
  fixed_commission_case("100", "commission: {fixed: 7}");
  fixed_commission_case("100, repeat: {p: 50%, delay: 1h}",
                        "commission: {fixed: 7, purchases: first, "
                        "outcome: purchase}");
}

/* Two levels: a buyer whose sharer the campaign brought pays 3 more.
 * Level-one arrivals are the seeds' offspring, A1 with mean N R and
 * variance N s2, so second-level buyers L2 ~ Binomial(A - A1, p):
 * L2 - p (A - N R) has mean 0 and variance p (1 - p) E[A - A1] +
 * p^2 N s2. */
static void second_level(void **state) {
  (void)state;
  run_t r;
  setup(&r, campaign("100", "commission: {fixed: 7, second_fixed: 3}"));
  double s = 0.4, mu = 1.5, R = s * mu, N = 2000, p = 0.3;
  double s2 = s * mu * (1 + mu) - R * R, dev = 0, var = 0;
  for (uint64_t rep = 0; rep < 10; rep++) {
    go(&r, 700 + rep);
    double buyers = at(&r, WX_SCOPE_SOURCE, 1, "referred_buyers", -1);
    double l2 = at(&r, WX_SCOPE_SOURCE, 1, "second_buyers", -1);
    double arrivals = at(&r, WX_SCOPE_SOURCE, 1, "fission_arrivals", -1);
    double paid = at(&r, WX_SCOPE_SOURCE, 1, "commissions", -1);
    assert_true(fabs(paid - (7 * buyers + 3 * l2)) < 1e-9);
    assert_true(l2 < buyers);
    dev += l2 - p * (arrivals - N * R);
    var += p * (1 - p) * (arrivals - N * R) + p * p * N * s2;
  }
  z_ok("second-level buyers", dev, 0, var);
  teardown(&r);
}

/* of_value 20% of exponential(100) orders, at most 30 per order. */
static void capped_share(void **state) {
  (void)state;
  run_t r;
  setup(&r, campaign("exponential(100)",
                     "commission: {of_value: 20%, max: 30, purchases: all}"));
  double th = 20, M = 30, q = exp(-M / th);
  double mean = th * (1 - q);
  double var1 = 2 * th * th * (1 - q * (1 + M / th)) - mean * mean;
  double paid = 0, n = 0;
  for (uint64_t rep = 0; rep < 6; rep++) {
    go(&r, 300 + rep);
    paid += at(&r, WX_SCOPE_SOURCE, 1, "commissions", -1);
    n += at(&r, WX_SCOPE_SOURCE, 1, "referred_buyers", -1);
  }
  assert_true(n > 1000);
  z_ok("capped commission total", paid, n * mean, n * var1);
  teardown(&r);
}

/* Rewards: per_share x shares + per_invite x arrivals, booked as earned;
 * arrivals of N seeds average N R / (1 - R), variance N s2 / (1 - R)^3
 * with s2 the offspring variance of Bernoulli(share) x Poisson(mean). */
static void rewards(void **state) {
  (void)state;
  run_t r;
  setup(&r, campaign("100", "reward: {per_share: 2, per_invite: 5}"));
  double s = 0.4, mu = 1.5, R = s * mu, N = 2000;
  double s2 = s * mu * (1 + mu) - R * R, sum = 0;
  const int reps = 20;
  for (uint64_t rep = 0; rep < (uint64_t)reps; rep++) {
    go(&r, 500 + rep);
    double shares = at(&r, WX_SCOPE_SOURCE, 1, "shares", -1);
    double arrivals = at(&r, WX_SCOPE_SOURCE, 1, "fission_arrivals", -1);
    double cost = at(&r, WX_SCOPE_SOURCE, 1, "referral_cost", -1);
    assert_true(fabs(cost - (2 * shares + 5 * arrivals)) < 1e-9);
    assert_true(fabs(at(&r, WX_SCOPE_TOTAL, 0, "cost", -1) - cost) < 1e-9);
    /* nothing is paid before the launch at 1 d */
    assert_true(at(&r, WX_SCOPE_SOURCE, 1, "referral_cost", 0) == 0);
    assert_true(at(&r, WX_SCOPE_SOURCE, 1, "commissions", -1) == 0);
    sum += arrivals;
  }
  z_ok("fission arrivals", sum / reps, N * R / (1 - R),
       N * s2 / pow(1 - R, 3) / reps);
  teardown(&r);
}

#define SHOP                                                                \
  "horizon: 30d\nsample_every: 1d\n"                                        \
  "modules: {oa: {kind: official_account}}\n"                               \
  "outcomes:\n"                                                             \
  "  buy: {value: exponential(80), %s}\n"                                   \
  "  trial: {value: 20, %s}\n"                                              \
  "sources: {ads: {type: ads, into: oa, budget: 300/d, cpm: 30, ctr: "      \
  "2%%, convert: 50%%}}\n"                                                  \
  "flows:\n"                                                                \
  "  b: {from: oa, to: buy, type: join, p: 40%%, delay: exponential(2d)}\n" \
  "  t: {from: oa, to: trial, type: join, p: 20%%, delay: 1d}\n"

/* Gross profit = 35% of buy revenue + trial revenue - 12 per trial, and
 * the margin KPIs are the revenue ones on it. */
static void margin(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, SHOP, "margin: 35%", "cost_of_goods: 12");
  run_t r;
  setup(&r, text);
  wx_kpi_set k;
  assert_int_equal(wx__kpis_init(&k, r.m, &r.l), WX_OK);
  double *v = calloc(k.n, sizeof *v);
  assert_non_null(v);
  go(&r, 7);
  wx__kpis_eval(&k, &r.l, &r.s, v);
  double rb = at(&r, WX_SCOPE_OUTCOME, 0, "revenue", -1);
  double rt = at(&r, WX_SCOPE_OUTCOME, 1, "revenue", -1);
  double nt = at(&r, WX_SCOPE_OUTCOME, 1, "count", -1);
  double gp = at(&r, WX_SCOPE_TOTAL, 0, "gross_profit", -1);
  double cost = at(&r, WX_SCOPE_TOTAL, 0, "cost", -1);
  assert_true(nt > 100 && rb > 1000);
  assert_true(fabs(gp - (0.35 * rb + rt - 12 * nt)) < 1e-6 * gp);
  int seen = 0;
  for (uint32_t i = 0; i < k.n; i++) {
    const char *name = k.defs[i].name;
    if (!strcmp(name, "gross_profit")) seen += fabs(v[i] - gp) < 1e-9;
    if (!strcmp(name, "roi_margin"))
      seen += fabs(v[i] - (gp - cost) / cost) < 1e-12;
  }
  assert_int_equal(seen, 2);
  /* the interval code takes roi_margin as a ratio of two means */
  for (uint32_t i = 0; i < k.n; i++) {
    uint32_t num, den;
    double shift;
    if (strcmp(k.defs[i].name, "roi_margin")) continue;
    assert_true(wx__kpi_ratio_parts(&k, i, &num, &den, &shift));
    assert_string_equal(k.defs[num].name, "gross_profit");
    assert_string_equal(k.defs[den].name, "cost");
    assert_true(shift == -1);
  }
  free(v);
  wx__kpis_free(&k);
  teardown(&r);
}

#define STAFF                                                            \
  "horizon: 30d\nsample_every: 1d\n"                                     \
  "modules:\n"                                                           \
  "  sdr:\n"                                                             \
  "    kind: personal_account\n    accounts: 300\n"                      \
  "    friend_cap: 100000\n    daily_adds: 4\n"                          \
  "    ban: {rate: 1%%/d, adds_gain: 1, posts_gain: %s, replace_after: " \
  "1000d}\n"                                                             \
  "sources: {in: {into: sdr, rate: 6000/d}}\n"                           \
  "%s"

static void ban_pressure_case(const char *posts_gain, const char *tps, double x,
                              uint64_t seed) {
  char text[2048];
  snprintf(text, sizeof text, STAFF, posts_gain, tps);
  run_t r;
  setup(&r, text);
  double h = 0.01 * exp(x), n = 300;
  const int reps = 3, days[] = {5, 15, 30};
  double got[3] = {0};
  for (int rep = 0; rep < reps; rep++) {
    go(&r, seed + (uint64_t)rep);
    for (int d = 0; d < 3; d++)
      got[d] += at(&r, WX_SCOPE_MODULE, 0, "bans", days[d]);
  }
  for (int d = 0; d < 3; d++) {
    double p = -expm1(-h * days[d]);
    char what[64];
    snprintf(what, sizeof what, "banned by day %d (x = %g)", days[d], x);
    z_ok(what, got[d], reps * n * p, reps * n * p * (1 - p));
  }
  teardown(&r);
}

static void ban_pressure(void **state) {
  (void)state;
  ban_pressure_case("0", "", 1.0, 40);
  ban_pressure_case("0.5",
                    "touchpoints:\n  m: {module: sdr, type: staff_moments, "
                    "schedule: {every: 1d, at: \"12:00\"}, reach: 1%}\n",
                    1.5, 50);
}

#define BAD_HEAD "modules: {oa: {kind: official_account}}\n"

static void bad_values(void **state) {
  (void)state;
  wxt_load_fails(BAD_HEAD "outcomes: {buy: {value: 50, margin: 140%}}\n",
                 WX_ESCENARIO, 2, 37, "margin");
  wxt_load_fails(BAD_HEAD
                 "outcomes: {buy: {value: 50, margin: 30%, "
                 "cost_of_goods: 5}}\n",
                 WX_ESCENARIO, 2, 42, "not both");
  wxt_load_fails(BAD_HEAD "outcomes: {buy: {margin: 30%}}\n", WX_ESCENARIO, 2,
                 18, "needs an order `value`");
  wxt_load_fails(BAD_HEAD
                 "outcomes:\n  a: {value: 5, margin: 30%}\n"
                 "  b: {value: 5}\n",
                 WX_ESCENARIO, 4, 3, "gross profit");
  wxt_load_fails(BAD_HEAD
                 "sources: {c: {type: campaign, into: oa, count: 5, fission: "
                 "{share: 1%, offspring: poisson(1), generation_delay: 1d, "
                 "commission: {fixed: 3}}}}\n",
                 WX_ESCENARIO, 2, 129, "needs an outcome");
  wxt_load_fails(BAD_HEAD
                 "outcomes: {buy: {value: 5}}\n"
                 "sources: {c: {type: campaign, into: oa, count: 5, fission: "
                 "{share: 1%, offspring: poisson(1), generation_delay: 1d, "
                 "commission: {fixd: 3}}}}\n",
                 WX_ESCENARIO, 3, 130, "did you mean");
  wxt_load_fails(BAD_HEAD
                 "outcomes: {buy: {value: 5}}\n"
                 "sources: {c: {type: campaign, into: oa, count: 5, fission: "
                 "{share: 1%, offspring: poisson(1), generation_delay: 1d, "
                 "commission: {fixed: 3, purchases: firstt}}}}\n",
                 WX_ESCENARIO, 3, 151, "all or first");
  wxt_load_fails(BAD_HEAD
                 "sources: {c: {type: campaign, into: oa, count: 5, fission: "
                 "{share: 1%, offspring: poisson(1), generation_delay: 1d, "
                 "reward: {per_invite: -2}}}}\n",
                 WX_ESCENARIO, 2, 138, "per_invite");
  wxt_load_fails(
      "modules: {s: {kind: personal_account, ban: {rate: 1%/d, "
      "adds_gain: 2}}}\n",
      WX_ESCENARIO, 1, 57, "daily_adds");
  wxt_load_fails(
      "modules: {s: {kind: personal_account, daily_adds: 5, ban: "
      "{posts_gain: 2}}}\n",
      WX_ESCENARIO, 1, 60, "needs `rate`");
  wxt_load_fails(
      "modules: {s: {kind: personal_account, daily_adds: 5, ban: "
      "{rate: 0.5/d, adds_gain: x}}}\n",
      WX_ESCENARIO, 1, 84, "adds_gain");
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fixed_commission), cmocka_unit_test(second_level),
      cmocka_unit_test(capped_share),     cmocka_unit_test(rewards),
      cmocka_unit_test(margin),           cmocka_unit_test(ban_pressure),
      cmocka_unit_test(bad_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
