/* Festival pulses: the shipped calendar's dates, source schedules with
 * dates, pulses on source rates, on touchpoint responses and on flows
 * (loader, warnings, errors), and the arrivals, responses and flows they
 * bring against their expectations (both engines for arrivals). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "festivals.h"
#include "model.h"
#include "scenario_support.h"

static int32_t ymd(int y, unsigned m, unsigned d) {
  return wx__days_from_civil(y, m, d);
}

static int32_t fday(const char *name, int y) {
  const wx_festival *f = wx__festival_find(name);
  assert_non_null(f);
  return wx__festival_day(f, y);
}

/* Dates checked against a lunar calendar converter (the lunar festivals)
 * and the fixed Gregorian ones. */
static void calendar_has_the_festival_dates(void **st) {
  (void)st;
  assert_int_equal(fday("spring_festival", 2026), ymd(2026, 2, 17));
  assert_int_equal(fday("spring_festival", 2027), ymd(2027, 2, 6));
  assert_int_equal(fday("lantern", 2026), ymd(2026, 3, 3));
  assert_int_equal(fday("lantern", 2027), ymd(2027, 2, 20));
  assert_int_equal(fday("dragon_boat", 2026), ymd(2026, 6, 19));
  assert_int_equal(fday("dragon_boat", 2027), ymd(2027, 6, 9));
  assert_int_equal(fday("qixi", 2026), ymd(2026, 8, 19));
  assert_int_equal(fday("qixi", 2027), ymd(2027, 8, 8));
  assert_int_equal(fday("mid_autumn", 2026), ymd(2026, 9, 25));
  assert_int_equal(fday("mid_autumn", 2027), ymd(2027, 9, 15));
  assert_int_equal(fday("520", 2027), ymd(2027, 5, 20));
  assert_int_equal(fday("618", 2026), ymd(2026, 6, 18));
  assert_int_equal(fday("national_day", 2027), ymd(2027, 10, 1));
  assert_int_equal(fday("double_11", 2026), ymd(2026, 11, 11));
  assert_int_equal(fday("double_12", 2027), ymd(2027, 12, 12));
  assert_int_equal(fday("new_year", 2027), ymd(2027, 1, 1));
  assert_int_equal(wx__festival_find("national_day")->days, 7);
  assert_int_equal(fday("double_11", 2025), INT32_MIN);
  assert_null(wx__festival_find("double11"));
  /* every entry has a real date in each year */
  size_t n;
  const wx_festival *f = wx__festivals(&n);
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < WX_FESTIVAL_YEARS; k++) {
      int y = WX_FESTIVAL_FIRST_YEAR + k;
      int yy;
      unsigned mm, dd;
      wx__civil_from_days(wx__festival_day(&f[i], y), &yy, &mm, &dd);
      assert_int_equal(mm * 100 + dd, f[i].mmdd[k]);
    }
}

#define HEAD                                                        \
  "wxflow: 1\nstart: 2026-02-10\nhorizon: 30d\nreplications: 200\n" \
  "modules:\n  oa: {kind: official_account}\n"

/* Spring Festival 2026-02-17 is day 7; its span is 7 days; a dated pulse
 * of 2 days from day 20 halves the rate. */
#define SOURCE                                                        \
  HEAD "sources:\n  s:\n    into: oa\n    rate: 100/d\n    pulses:\n" \
       "      - {festival: spring_festival, x: 3}\n"                  \
       "      - {date: 2026-03-02, x: 0.5, days: 2}\n"

static double pv(const wx_model *m, uint32_t i) { return m->params[i].value; }

static void source_pulses_split_the_rate(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(SOURCE);
  const wx_source *s = &m->sources[0];
  /* and the Spring Festival of 2027 (2027-02-06, day 361), past the
   * horizon: harmless */
  static const double from[] = {0, 7, 14, 20, 22, 361, 368};
  static const double x[] = {1, 3, 1, 0.5, 1, 3, 1};
  assert_int_equal(s->n_steps, 7);
  for (int i = 0; i < 7; i++) {
    assert_true(s->steps[i].from == from[i]);
    assert_true(pv(m, s->steps[i].rate) == 100);
    double xi = s->steps[i].x1 ? pv(m, s->steps[i].x1 - 1) : 1;
    assert_true(xi == x[i]);
  }
  wx_model_free(m);
}

static void schedule_steps_take_dates(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(HEAD
                            "sources:\n  s:\n    into: oa\n    schedule:\n"
                            "      - {from: 2026-02-10, rate: 10/d}\n"
                            "      - {from: 2026-02-17, rate: 40/d}\n");
  assert_int_equal(m->sources[0].n_steps, 2);
  assert_true(m->sources[0].steps[1].from == 7);
  wx_model_free(m);
  wxt_load_fails(HEAD
                 "sources:\n  s:\n    into: oa\n    schedule:\n"
                 "      - {from: 0d, rate: 10/d}\n"
                 "      - {from: 2026-02-01, rate: 40/d}\n",
                 WX_ESCENARIO, 12, 16, "before the scenario's start");
}

static void bad_pulses_are_positioned_errors(void **st) {
  (void)st;
  const char *src = HEAD
      "sources:\n  s:\n    into: oa\n    rate: 1/d\n"
      "    pulses:\n";
  char text[1024];
  snprintf(text, sizeof text, "%s      - {festival: double11, x: 2}\n", src);
  wxt_load_fails(text, WX_ESCENARIO, 12, 20, "did you mean `double_11`");
  snprintf(text, sizeof text, "%s      - {festival: qixi, year: 2028, x: 2}\n",
           src);
  wxt_load_fails(text, WX_ESCENARIO, 12, 32, "covers 2026 to 2027");
  snprintf(text, sizeof text,
           "%s      - {date: 2026-02-12, x: 2, days: 3}\n"
           "      - {date: 2026-02-13, x: 2}\n",
           src);
  wxt_load_fails(text, WX_ESCENARIO, 13, 16, "overlaps another");
  snprintf(text, sizeof text, "%s      - {date: 1d, x: 2, days: 1e9}\n", src);
  wxt_load_fails(text, WX_ESCENARIO, 12, 32, "lasts 1 to 366 days");
  snprintf(text, sizeof text, "%s      - {x: 2}\n", src);
  wxt_load_fails(text, WX_ESCENARIO, 12, 9, "exactly one of `date`");
  snprintf(text, sizeof text, "%s      - {date: 1d, x: 2, on: responses}\n",
           src);
  wxt_load_fails(text, WX_ESCENARIO, 12, 30, "is for touchpoints");
  wxt_load_fails(HEAD
                 "sources:\n  c:\n    type: campaign\n    into: oa\n"
                 "    count: 5\n    pulses: [{date: 1d, x: 2}]\n",
                 WX_ESCENARIO, 12, 5, "give the source `rate` or `schedule`");
}

#define TOUCH                                                   \
  HEAD "sources:\n  fans: {into: oa, initial: 1000}\n"          \
       "touchpoints:\n  daily:\n    module: oa\n"               \
       "    schedule: {every: 1d, at: \"12:00\", until: 10d}\n" \
       "    reach: 10%\n"                                       \
       "    responses:\n      buy: {to: purchase, p: 10%}\n"    \
       "    pulses:\n"

static const wx_error *warning_with(const wx_diags *d, const char *text) {
  for (size_t i = 0; i < wx_diags_count(d); i++)
    if (wx_diags_get(d, i)->code == WX_OK &&
        strstr(wx_diags_get(d, i)->msg, text))
      return wx_diags_get(d, i);
  return NULL;
}

/* A pulse on a day the touchpoint does not post (after its `until`), one
 * of several days none of which has a post, and one outside the run are
 * warned of, at the pulse; the scenario loads. */
static void idle_pulses_are_warned_of(void **st) {
  (void)st;
  const char *text = TOUCH
      "      - {date: 2026-02-25, x: 3}\n"
      "      - {festival: double_11, x: 3}\n"
      "      - {date: 2026-02-12, x: 3}\n"
      "      - {date: 2026-02-22, x: 2, days: 3}\n"
      "      - {date: 2026-02-18, x: 2, days: 5}\n";
  wx_diags *d = wx_diags_alloc(16);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load_buffer("t.yaml", text, strlen(text), &m, d),
                   WX_OK);
  const wx_error *e = warning_with(d, "does not post on 2026-02-25");
  assert_non_null(e);
  assert_int_equal(e->line, 17);
  e = warning_with(d, "falls outside the run (2026-02-10 to 2026-03-11)");
  assert_non_null(e);
  assert_int_equal(e->line, 18);
  assert_null(warning_with(d, "2026-02-12"));
  /* days 12-14: no post on any; days 8-12 include the posts of 8 and 9 */
  e = warning_with(d, "does not post on 2026-02-22 nor on the other days");
  assert_non_null(e);
  assert_int_equal(e->line, 20);
  assert_null(warning_with(d, "2026-02-18"));
  wx_model_free(m);
  wx_diags_free(d);
}

static wx_eval *evaluate(const wx_model *m, const char *engine) {
  wx_eval_options o = {.engine = engine, .keep_series = 1, .threads = 2};
  wx_diags *d = wx_diags_alloc(8);
  wx_eval *ev = NULL;
  int rc = wx_evaluate(m, &o, &ev, d);
  if (rc != WX_OK && wx_diags_count(d))
    fprintf(stderr, "%s\n", wx_diags_get(d, 0)->msg);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
  return ev;
}

/* Mean over replications of column col at the sample at day t. */
static double mean_at(const wx_eval *ev, unsigned col, double t) {
  for (unsigned i = 0; i < wx_eval_sample_count(ev); i++)
    if (fabs(wx_eval_sample_time(ev, i) - t) < 1e-9) {
      wx_summary s;
      assert_int_equal(wx_eval_series_summary(ev, i, (unsigned)col, &s), WX_OK);
      return s.mean;
    }
  fail_msg("no sample at %g", t);
  return NAN;
}

/* Arrivals are Poisson with mean the integral of rate x multiplier: by
 * day 7 700, by day 14 700 + 7 x 300, by day 30 another 600 + 2 x 50 + 800
 * (4 standard errors of a mean of 200 Poisson counts). */
static void arrivals_follow_the_pulsed_rate(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(SOURCE);
  static const char *const engines[] = {"agent", "cohort"};
  static const double t[] = {7, 14, 20, 22, 30};
  static const double want[] = {700, 2800, 3400, 3500, 4300};
  for (int k = 0; k < 2; k++) {
    wx_eval *ev = evaluate(m, engines[k]);
    int col = wx_eval_column_find(ev, "source", "s", "arrivals");
    assert_true(col >= 0);
    for (int i = 0; i < 5; i++) {
      double got = mean_at(ev, (unsigned)col, t[i]);
      double se = sqrt(want[i] / wx_eval_replications(ev));
      if (fabs(got - want[i]) > 4 * se)
        fail_msg("%s: arrivals by day %g: %g, expected %g (se %g)", engines[k],
                 t[i], got, want[i], se);
    }
    wx_eval_free(ev);
  }
  wx_model_free(m);
}

/* Ten daily posts reach Binomial(1000, 10%) members (the members stay:
 * responses join an outcome), each buys with 10%, with 30% on the pulse
 * day (day 3): 9 x 10 + 30 = 120 purchases, of variance about
 * 9 x 9.9 + 29.1; the pulse leaves the reach alone (10 x 100).  Both
 * engines. */
static void response_pulses_raise_conversion_only(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(TOUCH
                            "      - {date: 2026-02-13, x: 3, on: "
                            "responses}\n");
  const char *engines[] = {"agent", "cohort"};
  for (int k = 0; k < 2; k++) {
    wx_eval *ev = evaluate(m, engines[k]);
    unsigned n = wx_eval_replications(ev);
    int buy = wx_eval_column_find(ev, "outcome", "purchase", "count");
    int reached = wx_eval_column_find(ev, "touchpoint", "daily", "reached");
    assert_true(buy >= 0 && reached >= 0);
    double got = mean_at(ev, (unsigned)buy, 30), se = sqrt(118.2 / n);
    if (fabs(got - 120) > 4 * se)
      fail_msg("%s: purchases %g, expected 120 (se %g)", engines[k], got, se);
    double day3 = mean_at(ev, (unsigned)buy, 4) - mean_at(ev, (unsigned)buy, 3);
    if (fabs(day3 - 30) > 4 * sqrt(29.1 / n))
      fail_msg("%s: purchases on the pulse day %g, expected 30", engines[k],
               day3);
    got = mean_at(ev, (unsigned)reached, 30), se = sqrt(10 * 90.0 / n);
    if (fabs(got - 1000) > 4 * se)
      fail_msg("%s: reached %g, expected 1000 (se %g)", engines[k], got, se);
    wx_eval_free(ev);
  }
  wx_model_free(m);
}

/* Two modules fed at 100/d each.  From shop two exclusive churns, a
 * (40%) and b (20%); from oa a join flow buy (10%) to purchase; every
 * delay a fixed 2d, so that the day a flow fires is two days after the
 * day it was decided.  a_pulses is spliced into a's mapping; buy_pulses,
 * when not NULL, is buy's `pulses` (line 20, the list at column 13). */
static void flows_text(char *out, size_t n, const char *a_pulses,
                       const char *buy_pulses) {
  snprintf(out, n,
           HEAD
           "  shop: {kind: mini_program}\n"
           "sources:\n  s: {into: oa, rate: 100/d}\n"
           "  t: {into: shop, rate: 100/d}\n"
           "flows:\n"
           "  a: {from: shop, type: churn, p: 40%%, delay: 2d%s}\n"
           "  b: {from: shop, type: churn, p: 20%%, delay: 2d}\n"
           "  buy:\n    from: oa\n    to: purchase\n    type: join\n"
           "    p: 10%%\n    delay: 2d\n%s%s%s",
           a_pulses, buy_pulses ? "    pulses: " : "",
           buy_pulses ? buy_pulses : "", buy_pulses ? "\n" : "");
}

static void flow_pulse_error(const char *pulses, int col, const char *frag) {
  char text[2048];
  flows_text(text, sizeof text, "", pulses);
  wxt_load_fails(text, WX_ESCENARIO, 20, col, frag);
}

/* Bad flow pulses are positioned errors; one outside the run is warned of
 * at the pulse; the days are kept ascending, one entry a day. */
static void flow_pulses_load_or_are_refused(void **st) {
  (void)st;
  flow_pulse_error("[{date: 2026-02-15, x: -1}]", 36, "must be >= 0");
  flow_pulse_error("[{date: 2026-02-15, x: 2, on: responses}]", 43,
                   "a flow's pulse multiplies its p; `on` is for touchpoints");
  flow_pulse_error(
      "[{date: 2026-02-15, x: 2, days: 3}, "
      "{date: 2026-02-16, x: 2}]",
      56, "overlaps another");
  flow_pulse_error("3", 13, "expected a list");
  flow_pulse_error("[{festival: double11, x: 2}]", 25, "did you mean");
  char text[2048];
  flows_text(text, sizeof text, "",
             "[{festival: double_11, x: 3}, {date: 2026-02-20, x: 2, days: 2},"
             " {date: 2026-02-15, x: 3}]");
  wx_diags *d = wx_diags_alloc(16);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load_buffer("t.yaml", text, strlen(text), &m, d),
                   WX_OK);
  const wx_error *e = warning_with(d, "falls outside the run");
  assert_non_null(e);
  assert_int_equal(e->line, 20);
  assert_int_equal(e->col, 25);
  const wx_flow *buy = &m->flows[2];
  assert_string_equal(buy->name, "buy");
  /* double_11 is day 274 (2026) and 639 (2027): kept, but nobody joins
   * after the horizon */
  static const double day[] = {5, 10, 11, 274, 639};
  assert_int_equal(buy->n_pulses, 5);
  for (int i = 0; i < 5; i++) assert_true(buy->pulses[i].day == day[i]);
  double pv[64];
  assert_true(m->n_params <= 64);
  wx__params_nominal(m, pv);
  assert_true(wx__flow_pulse(buy, pv, 5.9) == 3);
  assert_true(wx__flow_pulse(buy, pv, 6) == 1);
  assert_true(wx__flow_pulse(buy, pv, 11.5) == 2);
  assert_true(wx__flow_pulse(&m->flows[0], pv, 5.5) == 1);
  assert_true(m->modules[0].pulsed && !m->modules[1].pulsed);
  wx_model_free(m);
  wx_diags_free(d);
}

/* Mean over replications of what column (scope, name, metric) grew by in
 * [t0, t1). */
static double grew(const wx_eval *ev, const char *scope, const char *name,
                   const char *metric, double t0, double t1) {
  int col = wx_eval_column_find(ev, scope, name, metric);
  assert_true(col >= 0);
  return mean_at(ev, (unsigned)col, t1) - mean_at(ev, (unsigned)col, t0);
}

/* The count of a flow in a window is Poisson (a thinned Poisson stream),
 * so its mean over n replications has variance want / n. */
static void expect_count(const wx_eval *ev, const char *flow, double t0,
                         double t1, double want) {
  double got = grew(ev, "flow", flow, "fired", t0, t1);
  double se = sqrt(want / wx_eval_replications(ev));
  if (fabs(got - want) > 4 * se)
    fail_msg("flow %s fired %g times in [%g, %g), expected %g (se %g)", flow,
             got, t0, t1, want, se);
}

/* x 3 on 2026-02-15 (day 5) for whoever joins that day (a warning says
 * a's pulse takes the branches to 120%).  buy: 100 joiners
 * a day with p 10%, 30% on day 5; fired 2 days later, so 30 in [7, 8) and
 * 10 on the other days, [5, 6) included (decided on day 3), 27 x 10 + 30
 * by day 30 (joiners after day 28 fire past the horizon).  a: 40% x 3 is
 * clamped to 100%, and with b's 20% the branches add up to 120%: scaled
 * to 5/6 and 1/6 on day 5.  Agent engine. */
static void flow_pulses_raise_the_day_of_joining(void **st) {
  (void)st;
  char text[2048];
  flows_text(text, sizeof text, ", pulses: [{date: 2026-02-15, x: 3}]",
             "[{date: 2026-02-15, x: 3}]");
  wx_diags *d = wx_diags_alloc(8);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load_buffer("t.yaml", text, strlen(text), &m, d),
                   WX_OK);
  const wx_error *e = warning_with(d,
                                   "on 2026-02-15 its pulse takes the move "
                                   "and churn flows out of `shop` to 120%");
  assert_non_null(e);
  assert_int_equal(e->line, 12);
  assert_int_equal(e->col, 51);
  assert_int_equal(wx_diags_count(d), 1);
  wx_diags_free(d);
  wx_eval *ev = evaluate(m, "agent");
  expect_count(ev, "buy", 7, 8, 30);
  expect_count(ev, "buy", 5, 6, 10);
  expect_count(ev, "buy", 6, 7, 10);
  expect_count(ev, "buy", 8, 9, 10);
  expect_count(ev, "buy", 0, 30, 300);
  expect_count(ev, "a", 7, 8, 500.0 / 6);
  expect_count(ev, "b", 7, 8, 100.0 / 6);
  expect_count(ev, "a", 6, 7, 40);
  expect_count(ev, "b", 8, 9, 20);
  expect_count(ev, "a", 0, 30, 27 * 40 + 500.0 / 6);
  expect_count(ev, "b", 0, 30, 27 * 20 + 100.0 / 6);
  wx_eval_free(ev);
  /* the cohort engine runs them (its fixed delays are fitted stages, so
   * the windows above are not exact there: tests/test_cohort_pulse.c
   * checks it with exponential delays) */
  ev = evaluate(m, "cohort");
  wx_eval_free(ev);
  wx_model_free(m);
}

/* Pulses of x 1 draw exactly what no pulses draw: every KPI of every
 * replication and every sampled mean is the same, bit for bit, on either
 * engine (the cohort engine does not cut its steps where nothing
 * changes). */
static void one_changes_nothing(const char *engine) {
  char text[2048];
  flows_text(text, sizeof text, ", pulses: [{date: 2026-02-15, x: 1}]",
             "[{date: 2026-02-15, x: 1, days: 10}]");
  wx_model *mp = wxt_load_ok(text);
  flows_text(text, sizeof text, "", NULL);
  wx_model *m0 = wxt_load_ok(text);
  assert_true(mp->modules[0].pulsed && mp->modules[1].pulsed);
  wx_eval *ep = evaluate(mp, engine), *e0 = evaluate(m0, engine);
  unsigned nk = wx_eval_kpi_count(e0), n = wx_eval_replications(e0);
  assert_int_equal(wx_eval_kpi_count(ep), nk);
  for (unsigned k = 0; k < nk; k++) {
    const double *a = wx_eval_kpi_values(ep, k), *b = wx_eval_kpi_values(e0, k);
    for (unsigned r = 0; r < n; r++)
      assert_true(memcmp(&a[r], &b[r], sizeof *a) == 0);
  }
  static const char *const cols[][3] = {
      {"flow", "a", "fired"},      {"flow", "b", "fired"},
      {"flow", "buy", "fired"},    {"outcome", "purchase", "count"},
      {"module", "oa", "members"}, {"module", "shop", "members"},
      {"source", "s", "arrivals"}};
  for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
    for (double t = 1; t <= 30; t++) {
      int cp = wx_eval_column_find(ep, cols[c][0], cols[c][1], cols[c][2]);
      int c0 = wx_eval_column_find(e0, cols[c][0], cols[c][1], cols[c][2]);
      assert_true(cp >= 0 && c0 >= 0);
      assert_true(mean_at(ep, (unsigned)cp, t) == mean_at(e0, (unsigned)c0, t));
    }
  wx_eval_free(ep);
  wx_eval_free(e0);
  wx_model_free(mp);
  wx_model_free(m0);
}

static void flow_pulses_of_one_change_nothing(void **st) {
  (void)st;
  one_changes_nothing("agent");
  one_changes_nothing("cohort");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(calendar_has_the_festival_dates),
      cmocka_unit_test(source_pulses_split_the_rate),
      cmocka_unit_test(schedule_steps_take_dates),
      cmocka_unit_test(bad_pulses_are_positioned_errors),
      cmocka_unit_test(idle_pulses_are_warned_of),
      cmocka_unit_test(arrivals_follow_the_pulsed_rate),
      cmocka_unit_test(response_pulses_raise_conversion_only),
      cmocka_unit_test(flow_pulses_load_or_are_refused),
      cmocka_unit_test(flow_pulses_raise_the_day_of_joining),
      cmocka_unit_test(flow_pulses_of_one_change_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
