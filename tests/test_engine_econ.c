/* Fission, ads, campaigns, order values, repeat purchases, costs and the
 * calendar against theory and exact arithmetic.  Fixed seeds; statistical
 * tolerances are 4 standard errors from the formulas cited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "agent_engine.h"
#include "kpi.h"
#include "touch_fixture.h"

/* Total people of a campaign of N seeds when each person shares with s and
 * a share brings X offspring (mean mu, variance v).  Offspring per person
 * Y = Bernoulli(s) X: mean R = s mu, variance sy2 = s (v + mu^2) - R^2.
 * Total progeny per seed: mean 1 / (1 - R), variance sy2 / (1 - R)^3; N
 * independent seeds add.  Checked over `reps` replications. */
static void check_progeny(double s, double mu, double size) {
  const double N = 200;
  const uint32_t reps = 200;
  wx_model *m = fx_model(200, 200);
  uint32_t a = fx_module(m, "A");
  uint32_t c = fx_campaign(m, a, 0, N, 0);
  fx_fission(m, &m->sources[c].fission, s, mu, size, 0.1, a);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  double v = size > 0 ? mu + mu * mu / size : mu, R = s * mu;
  double sy2 = s * (v + mu * mu) - R * R;
  double mean = N / (1 - R), var = N * sy2 / pow(1 - R, 3);
  double acc = 0;
  for (uint32_t rep = 0; rep < reps; rep++) {
    assert_int_equal(fx_go(&r, 99, rep), WX_OK);
    acc += fx_at(&r, r.l.n_samples - 1, fx_joins(&r, a));
  }
  assert_true(fabs(acc / reps - mean) <= 4 * sqrt(var / reps));
  fx_teardown(&r);
}

static void poisson_fission_progeny_is_n_over_one_minus_r(void **state) {
  (void)state;
  check_progeny(0.5, 1.2, 0);
}

static void negbin_fission_progeny_is_n_over_one_minus_r(void **state) {
  (void)state;
  check_progeny(0.4, 1.5, 0.5);
}

/* A supercritical campaign (R = 3, heavy-tailed negbin offspring, size
 * 0.2, so single shares often overshoot what is left) with cap C: fission
 * arrivals never exceed C at any sample, and come close to it (the mean
 * shrinks as 1 - arrivals/C, so C is approached, not always met). */
static void saturation_cap_is_never_exceeded(void **state) {
  (void)state;
  const double C = 100;
  wx_model *m = fx_model(30, 0.5);
  uint32_t a = fx_module(m, "A");
  uint32_t c = fx_campaign(m, a, 1, 200, 0);
  fx_fission(m, &m->sources[c].fission, 1, 3, 0.2, 0.25, a);
  m->sources[c].fission.cap = fx_param(m, C);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t col = wx__layout_find(&r.l, WX_SCOPE_SOURCE, c, "fission_arrivals");
  assert_int_not_equal(col, WX_NONE);
  for (uint64_t rep = 0; rep < 20; rep++) {
    assert_int_equal(fx_go(&r, 1, rep), WX_OK);
    for (uint32_t k = 0; k < r.l.n_samples; k++)
      assert_true(fx_at(&r, k, col) <= C);
    assert_true(fx_at(&r, r.l.n_samples - 1, col) >= 0.8 * C);
  }
  fx_teardown(&r);
}

/* Ads: rate = budget / cpm x 1000 x ctr x convert per day in [from,
 * until): arrivals ~ Poisson(rate x days); cost = budget x active days so
 * far, exactly, at every sample. */
static void ads_arrivals_are_poisson_and_cost_is_budget_times_days(void **s) {
  (void)s;
  const double budget = 2000, cpm = 40, ctr = 0.012, conv = 0.3;
  const double rate = budget / cpm * 1000 * ctr * conv; /* 180 / d */
  const uint32_t reps = 100;
  wx_model *m = fx_model(60, 1);
  uint32_t a = fx_module(m, "A");
  uint32_t src = fx_ads(m, a, budget, cpm, ctr, conv, 10, 40);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  uint32_t cost = wx__layout_find(&r.l, WX_SCOPE_SOURCE, src, "cost");
  double acc = 0;
  for (uint32_t rep = 0; rep < reps; rep++) {
    assert_int_equal(fx_go(&r, 5, rep), WX_OK);
    acc += fx_at(&r, 60, r.l.source_base + src);
    assert_true(fx_at(&r, 10, r.l.source_base + src) == 0);
    assert_true(fx_at(&r, 40, r.l.source_base + src) ==
                fx_at(&r, 60, r.l.source_base + src));
    for (uint32_t k = 0; k <= 60; k++) {
      double days = fmin(fmax(k - 10.0, 0), 30);
      assert_true(fx_at(&r, k, cost) == budget * days);
      assert_true(fx_at(&r, k, fx_total_col(&r, WX_T_COST)) == budget * days);
    }
  }
  double mu = rate * 30;
  assert_true(fabs(acc / reps - mu) <= 4 * sqrt(mu / reps));
  fx_teardown(&r);
}

/* N people buy once at once (join to the outcome, delay 0); order values
 * lognormal(median 80, sigma 0.6): mean 80 e^{s^2/2}, variance (e^{s^2}
 * - 1) e^{2 mu + s^2}.  Repeat with p = 0.3 (exponential 1 d, horizon 100
 * d): purchases per customer are geometric, mean 1 / (1 - p), variance
 * p / (1 - p)^2. */
static void revenue_and_repeat_purchases_match_theory(void **state) {
  (void)state;
  const double N = 20000, med = 80, sg = 0.6, p = 0.3;
  wx_model *m = fx_model(100, 1);
  uint32_t a = fx_module(m, "A");
  fx_initial(m, a, N);
  uint32_t buy = wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_JOIN, a, buy, 1, 1, WX_DIST_FIXED, 0, 0);
  wx_outcome *o = &m->outcomes[buy];
  o->has_value = o->has_repeat = 1;
  o->value.kind = WX_DIST_LOGNORMAL;
  o->value.p[0] = fx_param(m, med);
  o->value.p[1] = fx_param(m, sg);
  m->outcomes[buy].repeat_p = fx_param(m, p);
  m->outcomes[buy].repeat_delay.kind = WX_DIST_EXPONENTIAL;
  m->outcomes[buy].repeat_delay.p[0] = fx_param(m, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 21, 0), WX_OK);
  uint32_t last = r.l.n_samples - 1;
  double n = fx_at(&r, last, r.l.outcome_base + buy);
  double cust = fx_at(&r, last, r.l.customers_base);
  double rev = fx_at(&r, last, r.l.revenue_base);
  assert_true(cust == N);
  assert_true(fx_at(&r, last, fx_total_col(&r, WX_T_CUSTOMERS)) == N);
  assert_true(fx_at(&r, last, fx_total_col(&r, WX_T_PURCHASES)) == n);
  assert_true(fx_at(&r, last, fx_total_col(&r, WX_T_REVENUE)) == rev);
  assert_true(fabs(n / N - 1 / (1 - p)) <= 4 * sqrt(p / pow(1 - p, 2) / N));
  double mean = med * exp(sg * sg / 2);
  double sd = sqrt((exp(sg * sg) - 1) * med * med * exp(sg * sg));
  assert_true(fabs(rev / n - mean) <= 4 * sd / sqrt(n));
  fx_teardown(&r);
}

/* 10 posts at 100 each, a campaign at 500, ads at 1000/d for 5 days:
 * 6500 in all, exactly, and each part in its own column. */
static void costs_add_up_exactly(void **state) {
  (void)state;
  wx_model *m = fx_model(20, 1);
  uint32_t a = fx_module(m, "A");
  uint32_t tp = fx_touch(m, a, 2, 0.1);
  m->touchpoints[tp].sched.until = 18.5;
  m->params[m->touchpoints[tp].cost].value = 100;
  uint32_t c = fx_campaign(m, a, 3, 10, 500);
  uint32_t ads = fx_ads(m, a, 1000, 1e9, 0, 0, 2, 7);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fx_at(&r, 20, fx_tp_col(&r, tp, WX_TP_POSTS)) == 10);
  assert_true(fx_at(&r, 20, fx_tp_col(&r, tp, WX_TP_COST)) == 1000);
  assert_true(
      fx_at(&r, 20, wx__layout_find(&r.l, WX_SCOPE_SOURCE, c, "cost")) == 500);
  assert_true(
      fx_at(&r, 20, wx__layout_find(&r.l, WX_SCOPE_SOURCE, ads, "cost")) ==
      5000);
  assert_true(fx_at(&r, 20, fx_total_col(&r, WX_T_COST)) == 6500);
  assert_true(fx_at(&r, 2, fx_total_col(&r, WX_T_COST)) == 200);
  assert_true(fx_at(&r, 20, r.l.source_base + c) == 10);
  fx_teardown(&r);
}

/* Schedules, deterministic: every 7 d at 20:00 until 30 d; Mondays and
 * Thursdays from a Monday start; one-off dates. */
static void schedules_fire_on_the_right_times(void **state) {
  (void)state;
  const int32_t start = WX_DEFAULT_START_DAY; /* 2026-01-05, Monday */
  wx_schedule s = {.every = 7, .from = 0, .until = 30, .at = 20.0 / 24};
  double want[] = {0, 7, 14, 21, 28}, t = -INFINITY;
  for (int i = 0; i < 5; i++) {
    t = wx__schedule_next(&s, start, t);
    assert_true(fabs(t - (want[i] + 20.0 / 24)) < 1e-12);
  }
  assert_true(isinf(wx__schedule_next(&s, start, t)));
  wx_schedule w = {.weekdays = 1u | 1u << 3, .from = 1, .until = 14};
  double wd[] = {3, 7, 10, 14};
  t = -INFINITY;
  for (int i = 0; i < 4; i++) {
    t = wx__schedule_next(&w, start, t);
    assert_true(t == wd[i]);
  }
  assert_true(isinf(wx__schedule_next(&w, start, t)));
  /* Fridays at 20:00: (d + at) - at rounds below d for some d; each next
   * firing must still be a week later (it once returned `after` again). */
  wx_schedule f = {.weekdays = 1u << 4, .until = 400, .at = 20.0 / 24};
  t = -INFINITY;
  for (int i = 0; i < 57; i++) {
    double n = wx__schedule_next(&f, start, t);
    assert_true(fabs(n - (4 + 7 * i + 20.0 / 24)) < 1e-9);
    t = n;
  }
  double dates[] = {30, 36};
  wx_schedule d = {.dates = dates, .n_dates = 2, .until = 0, .at = 0.5};
  assert_true(wx__schedule_next(&d, start, -INFINITY) == 30.5);
  assert_true(wx__schedule_next(&d, start, 30.5) == 36.5);
  assert_true(isinf(wx__schedule_next(&d, start, 36.5)));
}

static void calendar_dates_weekdays_and_months(void **state) {
  (void)state;
  int32_t z;
  assert_int_equal(wx__date_parse("2026-01-05", &z), 0);
  assert_int_equal(z, WX_DEFAULT_START_DAY);
  assert_int_equal(wx__weekday(z, 0), 0);   /* Monday */
  assert_int_equal(wx__weekday(z, 6.9), 6); /* Sunday */
  assert_int_equal(wx__date_parse("2026-02-10", &z), 0);
  assert_int_equal(z - WX_DEFAULT_START_DAY, 36);
  assert_int_equal(wx__date_parse("2026-02-30", &z), -1);
  assert_int_equal(wx__date_parse("2026-1-5", &z), -1);
  assert_int_equal(wx__date_parse("2024-02-29", &z), 0);
  int32_t jan = wx__month_index(WX_DEFAULT_START_DAY, 26.99);
  assert_int_equal(wx__month_index(WX_DEFAULT_START_DAY, 27), jan + 1);
  assert_int_equal(jan, 2026 * 12);
  assert_int_equal(wx__weekday_parse("thu"), 3);
  assert_int_equal(wx__weekday_parse("sunday"), 6);
  assert_int_equal(wx__weekday_parse("sun."), -1);
}

/* CAC, ROI and payback from a hand-made series. */
static void economic_kpis_reduce_the_total_columns(void **state) {
  (void)state;
  wx_model *m = fx_model(3, 1);
  uint32_t a = fx_module(m, "A");
  fx_campaign(m, a, 0, 1, 0);
  /* An outcome with an order value: customers and revenue exist. */
  uint32_t o = wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  m->outcomes[o].has_value = 1;
  m->outcomes[o].value.kind = WX_DIST_FIXED;
  m->outcomes[o].value.p[0] = fx_param(m, 10);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  wx_kpi_set k;
  assert_int_equal(wx__kpis_init(&k, m, &r.l), WX_OK);
  double cost[] = {0, 100, 100, 100}, rev[] = {0, 50, 120, 300};
  double cust[] = {0, 1, 2, 4};
  for (uint32_t t = 0; t < 4; t++) {
    double *row = r.s.v + (size_t)t * r.s.n_cols;
    row[fx_total_col(&r, WX_T_COST)] = cost[t];
    row[fx_total_col(&r, WX_T_REVENUE)] = rev[t];
    row[fx_total_col(&r, WX_T_CUSTOMERS)] = cust[t];
  }
  double out[64];
  assert_true(k.n < 64);
  wx__kpis_eval(&k, &r.l, &r.s, out);
  int seen = 0;
  for (uint32_t i = 0; i < k.n; i++) {
    const char *n = k.defs[i].name;
    if (!strcmp(n, "cac")) seen++, assert_true(out[i] == 25);
    if (!strcmp(n, "roi")) seen++, assert_true(out[i] == 2);
    if (!strcmp(n, "payback_day")) seen++, assert_true(out[i] == 2);
    if (!strcmp(n, "cost")) seen++, assert_true(out[i] == 100);
  }
  assert_int_equal(seen, 4);
  wx__kpis_free(&k);
  fx_teardown(&r);
}

/* Without an outcome that has an order value, there are no customers,
 * revenue, CAC, ROI or payback to report: only the cost. */
static void money_kpis_need_an_order_value(void **state) {
  (void)state;
  wx_model *m = fx_model(3, 1);
  uint32_t a = fx_module(m, "A");
  fx_campaign(m, a, 0, 1, 0);
  wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  wx_kpi_set k;
  assert_int_equal(wx__kpis_init(&k, m, &r.l), WX_OK);
  int cost = 0;
  for (uint32_t i = 0; i < k.n; i++) {
    const char *n = k.defs[i].name;
    cost += !strcmp(n, "cost");
    assert_true(strcmp(n, "roi") && strcmp(n, "customers") &&
                strcmp(n, "revenue") && strcmp(n, "cac") &&
                strcmp(n, "payback_day"));
  }
  assert_int_equal(cost, 1);
  wx__kpis_free(&k);
  fx_teardown(&r);
}

/* Fission arrivals the target refuses are nobody: 200 seeds into A share
 * (R = 0.8) into one staff account of 10 friends that drops the rest, so
 * hundreds arrive and all but 10 are refused; at most 200 + 10 people
 * are ever alive at once (each refused arrival once kept its slot). */
static void refused_fission_arrivals_release_their_slots(void **state) {
  (void)state;
  wx_model *m = fx_model(60, 1);
  uint32_t a = fx_module(m, "A"), s = fx_module(m, "S");
  wx_units_cfg *u = fx_units(m, s, WX_KIND_WECOM);
  u->cap = 10, u->on_refused = WX_REFUSE_DROP;
  uint32_t c = fx_campaign(m, a, 0, 200, 0);
  fx_fission(m, &m->sources[c].fission, 0.8, 1, 0, 0.5, s);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 5, 0), WX_OK);
  uint32_t refused = fx_unit_col(&r, s, WX_S_REFUSED_CAP);
  assert_true(fx_at(&r, r.l.n_samples - 1, refused) > 300);
  assert_true(r.e->pp.peak_live <= 211); /* + the one being admitted */
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(money_kpis_need_an_order_value),
      cmocka_unit_test(poisson_fission_progeny_is_n_over_one_minus_r),
      cmocka_unit_test(negbin_fission_progeny_is_n_over_one_minus_r),
      cmocka_unit_test(saturation_cap_is_never_exceeded),
      cmocka_unit_test(ads_arrivals_are_poisson_and_cost_is_budget_times_days),
      cmocka_unit_test(revenue_and_repeat_purchases_match_theory),
      cmocka_unit_test(costs_add_up_exactly),
      cmocka_unit_test(schedules_fire_on_the_right_times),
      cmocka_unit_test(refused_fission_arrivals_release_their_slots),
      cmocka_unit_test(calendar_dates_weekdays_and_months),
      cmocka_unit_test(economic_kpis_reduce_the_total_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
