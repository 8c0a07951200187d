/* What wx_run writes for people to read and what it refuses: the memory
 * budget of the accumulators, decimal sample times, statistics at 12
 * significant digits and funnel.csv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_read.h"
#include "scenario_support.h"
#include "series.h"

/* Arrivals into an official account, a join to a WeCom account, an
 * outcome: the funnel has followers, staff friends and customers. */
static const char *scenario =
    "horizon: 1d\nsample_every: 0.1d\nseed: 5\nreplications: 6\n"
    "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
    "  mp: {kind: mini_program}\n"
    "sources:\n  ads: {into: oa, rate: 300/d}\n"
    "flows:\n"
    "  add: {from: oa, to: sdr, type: join, p: 40%, delay: exponential(0.2d)}\n"
    "  buy: {from: sdr, to: purchase, p: 50%, delay: exponential(0.2d)}\n";

static char *temp_dir(void) {
  char tmpl[] = "/tmp/wxtest_out_XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return strdup(tmpl);
}

static void remove_dir(char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static int run_budget(const wx_model *m, const char *dir, wx_diags *d,
                      double budget) {
  wx_run_options o = {
      .out_dir = dir, .force = 1, .threads = 2, .memory_budget = budget};
  return wx_run(m, &o, NULL, d);
}

static int run_into(const wx_model *m, const char *dir, wx_diags *d) {
  return run_budget(m, dir, d, 0);
}

static wx_csv *load(const char *dir, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  wx_csv *c = NULL;
  assert_int_equal(wx__csv_load(path, &c, NULL), WX_OK);
  return c;
}

/* On a fine grid the series accumulator alone needs samples x columns x 6
 * replications doubles, more than the engines: a budget one byte below
 * that refuses, before writing results, with the numbers and the
 * remedies; a generous one runs (on the coarse grid). */
static void run_over_the_memory_budget_is_refused(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 1d\nsample_every: 0.0001d\nreplications: 6\n"
      "modules:\n  oa: {kind: official_account}\n"
      "sources:\n  ads: {into: oa, rate: 300/d}\n");
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  size_t cells = (size_t)l.n_samples * l.n_cols;
  wx__layout_free(&l);
  char *dir = temp_dir();
  wx_diags *d = wx_diags_alloc(10);
  char budget[32];
  snprintf(budget, sizeof budget, "%zu", cells * 6 * 8 - 1);
  assert_int_equal(run_budget(m, dir, d, (double)(cells * 6 * 8 - 1)),
                   WX_ETOOBIG);
  assert_int_equal(wx_diags_count(d), 1);
  const char *msg = wx_diags_get(d, 0)->msg;
  if (!strstr(msg, budget) || !strstr(msg, "sample_every") ||
      !strstr(msg, "fewer replications"))
    fail_msg("message lacks numbers or remedies: %s", msg);
  char path[256];
  snprintf(path, sizeof path, "%s/kpis.csv", dir);
  assert_int_not_equal(access(path, F_OK), 0);
  wx_diags_clear(d);
  wx_model_free(m);
  m = wxt_load_ok(scenario);
  assert_int_equal(run_budget(m, dir, d, 1e8), WX_OK);
  wx_diags_free(d);
  remove_dir(dir);
  wx_model_free(m);
}

static void grid_times_are_the_decimal_multiples_of_sample_every(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  assert_int_equal(l.n_samples, 11);
  const double want[11] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  for (int k = 0; k < 11; k++)
    if (l.times[k] != want[k]) fail_msg("time %d is %.17g", k, l.times[k]);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* Significant digits of a plain or exponent number written by the code. */
static int sig_digits(const char *s) {
  int n = 0, started = 0;
  for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++) {
    if (*p < '0' || *p > '9') continue;
    if (*p != '0') started = 1;
    if (started) n++;
  }
  return n;
}

static void statistics_have_at_most_12_significant_digits(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  char *dir = temp_dir();
  assert_int_equal(run_into(m, dir, NULL), WX_OK);
  const char *files[] = {"series_stats.csv", "kpi_summary.csv", "funnel.csv"};
  int long_values = 0;
  for (int f = 0; f < 3; f++) {
    wx_csv *c = load(dir, files[f]);
    for (size_t r = 0; r < wx__csv_rows(c); r++)
      for (size_t j = 0; j < wx__csv_cols(c); j++) {
        const char *v = wx__csv_get(c, r, j);
        char *end;
        strtod(v, &end);
        if (*v && *end == '\0' && strchr(v, '.') && sig_digits(v) > 12)
          fail_msg("%s: %s", files[f], v);
        long_values += *v && *end == '\0' && strchr(v, '.') != NULL;
      }
    wx__csv_free(c);
  }
  assert_true(long_values > 0); /* the check saw fractional statistics */
  char path[256];
  snprintf(path, sizeof path, "%s/series.csv", dir);
  wx_csv *s = load(dir, "series.csv");
  for (size_t r = 0; r < wx__csv_rows(s); r++)
    if (sig_digits(wx__csv_get(s, r, 1)) > 2)
      fail_msg("series time %s", wx__csv_get(s, r, 1));
  wx__csv_free(s);
  remove_dir(dir);
  wx_model_free(m);
}

/* The mean of the series cell (scope module/outcome, name, metric) at the
 * last time in series_stats.csv, or of a KPI in kpi_summary.csv. */
static double stat_mean(const wx_csv *c, const char *name, const char *metric,
                        const char *last_time) {
  for (size_t r = 0; r < wx__csv_rows(c); r++) {
    if (metric && (strcmp(wx__csv_get(c, r, 0), last_time) != 0 ||
                   strcmp(wx__csv_get(c, r, 2), name) != 0 ||
                   strcmp(wx__csv_get(c, r, 3), metric) != 0))
      continue;
    if (!metric && strcmp(wx__csv_get(c, r, 0), name) != 0) continue;
    return atof(wx__csv_get(c, r, metric ? 5 : 3));
  }
  fail_msg("no %s %s", name, metric ? metric : "");
  return NAN;
}

static void funnel_has_the_model_stages_with_series_means(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  char *dir = temp_dir();
  assert_int_equal(run_into(m, dir, NULL), WX_OK);
  wx_csv *f = load(dir, "funnel.csv"), *st = load(dir, "series_stats.csv");
  wx_csv *k = load(dir, "kpi_summary.csv");
  const char *hdr[] = {"stage",  "label",   "mean",
                       "ci_low", "ci_high", "share_of_previous"};
  assert_int_equal(wx__csv_cols(f), 6);
  for (int j = 0; j < 6; j++) assert_string_equal(wx__csv_header(f, j), hdr[j]);
  assert_int_equal(wx__csv_rows(f), 3);
  const char *stages[] = {"followers", "staff_friends", "customers"};
  const char *labels[] = {"关注 followers", "好友 staff friends",
                          "客户 customers"};
  double want[3] = {stat_mean(st, "oa", "joins", "1"),
                    stat_mean(st, "sdr", "joins", "1"),
                    stat_mean(k, "outcome.purchase", NULL, NULL)};
  for (int i = 0; i < 3; i++) {
    assert_string_equal(wx__csv_get(f, i, 0), stages[i]);
    assert_string_equal(wx__csv_get(f, i, 1), labels[i]);
    double mean = atof(wx__csv_get(f, i, 2));
    if (fabs(mean - want[i]) > 1e-9 * (1 + want[i]))
      fail_msg("%s mean %g, want %g", stages[i], mean, want[i]);
    assert_true(want[i] > 0);
    assert_true(atof(wx__csv_get(f, i, 3)) < mean);
    assert_true(atof(wx__csv_get(f, i, 4)) > mean);
  }
  wx__csv_free(f);
  wx__csv_free(st);
  wx__csv_free(k);
  char path[256];
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  FILE *fp = fopen(path, "r");
  char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  assert_non_null(strstr(buf, "\"funnel.csv\""));
  remove_dir(dir);
  wx_model_free(m);
}

static void model_without_funnel_stages_writes_no_funnel(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 2d\nsample_every: 1d\nreplications: 2\n"
      "modules:\n  mp: {kind: mini_program}\n"
      "sources:\n  ads: {into: mp, rate: 5/d}\n");
  char *dir = temp_dir();
  assert_int_equal(run_into(m, dir, NULL), WX_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/funnel.csv", dir);
  assert_int_not_equal(access(path, F_OK), 0);
  remove_dir(dir);
  wx_model_free(m);
}

/* A declared `funnel:` decides the stages, their order and labels: here
 * mini program joins, then WeCom joins relabelled, then customers. */
static void declared_funnel_stages_come_in_their_order(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text,
           "%s  mpj: {from: oa, to: mp, type: join, "
           "p: 20%%, delay: 0.1d}\n"
           "funnel: [mp, {stage: sdr, label: 加企业微信}, customers]\n",
           scenario);
  wx_model *m = wxt_load_ok(text);
  char *dir = temp_dir();
  assert_int_equal(run_into(m, dir, NULL), WX_OK);
  wx_csv *f = load(dir, "funnel.csv"), *st = load(dir, "series_stats.csv");
  assert_int_equal(wx__csv_rows(f), 3);
  const char *stages[] = {"mp", "sdr", "customers"};
  const char *labels[] = {"小程序", "加企业微信", "客户 customers"};
  for (int i = 0; i < 3; i++) {
    assert_string_equal(wx__csv_get(f, i, 0), stages[i]);
    assert_string_equal(wx__csv_get(f, i, 1), labels[i]);
  }
  double want = stat_mean(st, "mp", "joins", "1");
  assert_true(fabs(atof(wx__csv_get(f, 0, 2)) - want) <= 1e-9 * (1 + want));
  wx__csv_free(f);
  wx__csv_free(st);
  remove_dir(dir);
  wx_model_free(m);
}

static void funnel_stage_errors_have_positions(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, "%sfunnel: [oa, sdx]\n", scenario);
  wxt_load_fails(text, WX_ESCENARIO, 14, 14, "did you mean `sdr`");
  snprintf(text, sizeof text, "%sfunnel: [reached, oa]\n", scenario);
  wxt_load_fails(text, WX_ESCENARIO, 14, 10, "needs touchpoints");
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(run_over_the_memory_budget_is_refused),
      cmocka_unit_test(grid_times_are_the_decimal_multiples_of_sample_every),
      cmocka_unit_test(statistics_have_at_most_12_significant_digits),
      cmocka_unit_test(funnel_has_the_model_stages_with_series_means),
      cmocka_unit_test(model_without_funnel_stages_writes_no_funnel),
      cmocka_unit_test(declared_funnel_stages_come_in_their_order),
      cmocka_unit_test(funnel_stage_errors_have_positions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
