/* Whole runs through wx_run: determinism whatever the thread count, the
 * aggregated statistics against a direct computation from series.csv, and
 * the coverage of the KPI confidence interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accum.h"
#include "csv_read.h"
#include "kpi.h"
#include "runner.h"
#include "scenario_support.h"

/* Poisson arrivals (lambda = 20/d) into a module with exponential stays
 * (mean 1/mu = 5 d), a prior on the join probability so params.csv has
 * content, and a flow to an outcome. */
static const char *scenario =
    "horizon: 30d\nsample_every: 5d\nseed: 11\nreplications: 12\n"
    "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
    "sources:\n  ads: {into: oa, rate: 20/d}\n"
    "flows:\n"
    "  stay: {from: oa, type: churn, p: 100%, delay: exponential(5d)}\n"
    "  add:  {from: oa, to: sdr, type: join, p: 'beta(2, 18)', delay: 1d}\n"
    "  buy:  {from: sdr, to: purchase, p: 50%, delay: exponential(2d)}\n";

static char *read_all(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  size_t got = fread(buf, 1, (size_t)n, fp);
  buf[got] = '\0';
  fclose(fp);
  return buf;
}

static void run_into(const wx_model *m, const char *dir, unsigned threads) {
  wx_run_options o = {.out_dir = dir, .force = 1, .threads = threads};
  wx_diags *d = wx_diags_alloc(10);
  assert_int_equal(wx_run(m, &o, NULL, d), WX_OK);
  wx_diags_free(d);
}

static char *temp_dir(void) {
  char tmpl[] = "/tmp/wxtest_run_XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return strdup(tmpl);
}

static void remove_dir(char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static void outputs_are_identical_for_1_2_and_4_threads(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  char *dirs[3] = {temp_dir(), temp_dir(), temp_dir()};
  const unsigned threads[3] = {1, 2, 4};
  for (int i = 0; i < 3; i++) run_into(m, dirs[i], threads[i]);
  const char *files[] = {"series.csv",      "series_stats.csv", "kpis.csv",
                         "kpi_summary.csv", "params.csv",       "summary.json",
                         "entities.csv"};
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dirs[0], files[f]);
    char *want = read_all(path);
    assert_non_null(want);
    for (int i = 1; i < 3; i++) {
      snprintf(path, sizeof path, "%s/%s", dirs[i], files[f]);
      char *got = read_all(path);
      assert_non_null(got);
      if (strcmp(want, got) != 0)
        fail_msg("%s differs for -j %u", files[f], threads[i]);
      free(got);
    }
    free(want);
  }
  for (int i = 0; i < 3; i++) remove_dir(dirs[i]);
  wx_model_free(m);
}

/* Values of one (time, scope, name, metric) cell across replications. */
static size_t cell_values(const wx_csv *s, size_t row0, size_t stride,
                          size_t reps, double *out) {
  for (size_t r = 0; r < reps; r++)
    out[r] = atof(wx__csv_get(s, row0 + r * stride, 5));
  return reps;
}

static void close_to(double got, double want) {
  if (fabs(got - want) > 1e-9 * (1 + fabs(want)))
    fail_msg("got %.17g, want %.17g", got, want);
}

static void stats_equal_direct_computation_from_series_csv(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(scenario);
  char *dir = temp_dir();
  run_into(m, dir, 2);
  char a[256], b[256];
  snprintf(a, sizeof a, "%s/series.csv", dir);
  snprintf(b, sizeof b, "%s/series_stats.csv", dir);
  wx_csv *series = NULL, *stats = NULL;
  assert_int_equal(wx__csv_load(a, &series, NULL), WX_OK);
  assert_int_equal(wx__csv_load(b, &stats, NULL), WX_OK);
  /* series.csv is replication-major with the same row order per
   * replication as series_stats.csv. */
  size_t cells = wx__csv_rows(stats), reps = 12;
  assert_int_equal(wx__csv_rows(series), cells * reps);
  double v[12];
  const double probs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
  for (size_t c = 0; c < cells; c++) {
    for (int k = 0; k < 4; k++)
      assert_string_equal(wx__csv_get(series, c, k + 1),
                          wx__csv_get(stats, c, k));
    cell_values(series, c, cells, reps, v);
    gsl_sort(v, 1, reps);
    close_to(atof(wx__csv_get(stats, c, 5)), gsl_stats_mean(v, 1, reps));
    close_to(atof(wx__csv_get(stats, c, 6)), gsl_stats_sd(v, 1, reps));
    for (int q = 0; q < 5; q++)
      close_to(atof(wx__csv_get(stats, c, 7 + q)),
               gsl_stats_quantile_from_sorted_data(v, 1, reps, probs[q]));
  }
  wx__csv_free(series);
  wx__csv_free(stats);
  remove_dir(dir);
  wx_model_free(m);
}

/* --- coverage of the 95% CI of a KPI whose mean is known exactly ---- */

typedef struct {
  wx_kpi_set kpis;
  const wx_layout *l;
  uint32_t k;
  double *values;
  uint32_t n;
} collect;

static int collect_sink(void *ctx, const wx_rep_result *r) {
  collect *c = ctx;
  double out[64];
  wx__kpis_eval(&c->kpis, c->l, r->series, out);
  c->values[c->n++] = out[c->k];
  return WX_OK;
}

/* The summary wx_run gives a KPI's values (accum.c). */
static void kpi_summary_of(const double *values, uint32_t n,
                           wx_cell_summary *out) {
  wx_accum a;
  assert_int_equal(wx__accum_init(&a, 1, n), WX_OK);
  for (uint32_t r = 0; r < n; r++)
    assert_int_equal(wx__accum_add(&a, &values[r]), WX_OK);
  double scratch[64];
  wx__accum_summary(&a, 0, NULL, 0, scratch, out);
  wx__accum_free(&a);
}

/* M/M/inf: arrivals at lambda into a module with exponential stays of
 * mean 1/mu; occupancy at T is Poisson with mean lambda/mu (1 - e^{-mu T}).
 * Over E experiments of R replications, the fraction of the code's 95% CIs
 * that cover the mean is Binomial(E, ~0.95)/E; 4 standard errors of that
 * fraction is 4 sqrt(0.95 * 0.05 / E). */
static void ci_of_the_mean_covers_the_truth_about_95_percent(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 10d\nsample_every: 10d\n"
      "modules:\n  oa: {kind: official_account}\n"
      "sources:\n  ads: {into: oa, rate: 8/d}\n"
      "flows:\n  stay: {from: oa, type: churn, delay: exponential(4d)}\n");
  const double truth = 8.0 * 4.0 * (1 - exp(-10.0 / 4.0));
  enum { E = 1000, R = 10 }; /* E large enough that z for t fails */
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  collect c = {.l = &l};
  assert_int_equal(wx__kpis_init(&c.kpis, m, &l), WX_OK);
  c.k = 1; /* members_end.oa (after people_in) */
  assert_string_equal(c.kpis.defs[c.k].name, "members_end.oa");
  double values[R];
  c.values = values;
  int covered = 0;
  for (int e = 0; e < E; e++) {
    c.n = 0;
    wx_runner_opts o = {
        .seed = 1000 + (uint64_t)e, .replications = R, .threads = 2};
    assert_int_equal(wx__run_replications(m, &l, &o, collect_sink, &c), WX_OK);
    /* The code's interval (what kpi_summary.csv reports), so a bug in it
     * fails this test. */
    wx_cell_summary cs;
    kpi_summary_of(values, R, &cs);
    covered += cs.ci_low <= truth && truth <= cs.ci_high;
  }
  double share = (double)covered / E, se = sqrt(0.95 * 0.05 / E);
  if (fabs(share - 0.95) > 4 * se)
    fail_msg("coverage %.3f, expected 0.95 +- %.3f", share, 4 * se);
  wx__kpis_free(&c.kpis);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(outputs_are_identical_for_1_2_and_4_threads),
      cmocka_unit_test(stats_equal_direct_computation_from_series_csv),
      cmocka_unit_test(ci_of_the_mean_covers_the_truth_about_95_percent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
