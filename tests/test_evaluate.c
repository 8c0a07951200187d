/* Runs in memory (wx_evaluate), the parameter accessors, engine choice and
 * the memory guard of a run, checked against wx_run's files and theory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "scenario_support.h"
#include "wxflow/wxflow.h"

#define QUICKSTART WX_SOURCE_DIR "/scenarios/quickstart.yaml"

static wx_model *load_file(const char *path) {
  wx_model *m = NULL;
  assert_int_equal(wx_model_load(path, &m, NULL), WX_OK);
  return m;
}

static wx_eval *evaluate(const wx_model *m, const wx_eval_options *o) {
  wx_diags *d = wx_diags_alloc(8);
  wx_eval *e = NULL;
  int rc = wx_evaluate(m, o, &e, d);
  if (rc != WX_OK && wx_diags_count(d))
    print_error("%s\n", wx_diags_get(d, 0)->msg);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
  return e;
}

static char *tmpdir(void) {
  char tmpl[] = "/tmp/wxtest_eval_XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return strdup(tmpl);
}

static void rm_rf(char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static int dir_is_empty(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *ent;
  int n = 0;
  while ((ent = readdir(d)))
    if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..")) n++;
  closedir(d);
  return n == 0;
}

/* kpis.csv's value of (rep, kpi) equals the evaluation's to the bit; the
 * evaluation writes nothing (run in an empty working directory). */
static void kpis_equal_those_of_wx_run(void **state) {
  (void)state;
  wx_model *m = load_file(QUICKSTART);
  char *out = tmpdir(), *cwd = tmpdir();
  wx_run_options ro = {.out_dir = out,
                       .force = 1,
                       .seed_set = 1,
                       .seed = 7,
                       .replications = 3,
                       .threads = 2,
                       .no_series = 1};
  assert_int_equal(wx_run(m, &ro, NULL, NULL), WX_OK);
  char old[4096];
  assert_non_null(getcwd(old, sizeof old));
  assert_int_equal(chdir(cwd), 0);
  wx_eval_options eo = {
      .seed_set = 1, .seed = 7, .replications = 3, .threads = 2};
  wx_eval *e = evaluate(m, &eo);
  assert_true(dir_is_empty(cwd));
  assert_int_equal(chdir(old), 0);
  assert_int_equal(wx_eval_replications(e), 3);
  assert_true(wx_eval_kpi_count(e) > 0);
  char path[4200], line[512], kpi[256], val[64];
  snprintf(path, sizeof path, "%s/kpis.csv", out);
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  assert_non_null(fgets(line, sizeof line, fp)); /* header */
  unsigned rows = 0, rep;
  while (fgets(line, sizeof line, fp)) {
    /* an empty value is "not available" (NaN) */
    int got_fields = sscanf(line, "%u,%255[^,],%63s", &rep, kpi, val);
    assert_true(got_fields >= 2);
    if (got_fields == 2) strcpy(val, "nan");
    int k = wx_eval_kpi_find(e, kpi);
    assert_true(k >= 0);
    double want = strtod(val, NULL), got = wx_eval_kpi_values(e, k)[rep];
    if (isnan(want))
      assert_true(isnan(got));
    else if (want != got)
      fail_msg("%s rep %u: %.17g != %.17g", kpi, rep, got, want);
    rows++;
  }
  fclose(fp);
  assert_int_equal(rows, 3 * wx_eval_kpi_count(e));
  wx_eval_free(e);
  rm_rf(out);
  rm_rf(cwd);
  wx_model_free(m);
}

static const char *poisson =
    "horizon: 10d\nreplications: 40\nseed: 3\n"
    "modules: {oa: {kind: official_account}}\n"
    "sources: {s: {into: oa, rate: 100/d}}\n";

/* Mean and variance of the arrivals at the horizon over the replications. */
static void arrivals(const wx_model *m, const wx_param_set *set, unsigned n,
                     double *mean, double *var) {
  wx_eval_options o = {.set = set, .n_set = n, .keep_series = 1};
  wx_eval *e = evaluate(m, &o);
  int col = wx_eval_column_find(e, "source", "s", "arrivals");
  assert_true(col >= 0);
  unsigned last = wx_eval_sample_count(e) - 1;
  assert_float_equal(wx_eval_sample_time(e, last), 10, 0);
  wx_summary s;
  assert_int_equal(wx_eval_series_summary(e, last, (unsigned)col, &s), WX_OK);
  assert_int_equal(s.n, 40);
  *mean = s.mean;
  *var = s.sd * s.sd;
  wx_eval_free(e);
}

/* Arrivals are Poisson(rate x 10 d): doubling the rate through a parameter
 * set doubles the mean, within 4 standard errors of theory. */
static void a_parameter_set_doubles_poisson_arrivals(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(poisson);
  int p = wx_model_param_find(m, "sources.s.rate");
  assert_true(p >= 0);
  assert_string_equal(wx_model_param_path(m, (unsigned)p), "sources.s.rate");
  assert_float_equal(wx_model_param_value(m, (unsigned)p), 100, 0);
  double m1, v1, m2, v2;
  arrivals(m, NULL, 0, &m1, &v1);
  wx_param_set set = {(unsigned)p, 200};
  arrivals(m, &set, 1, &m2, &v2);
  const double R = 40, se1 = sqrt(1000 / R), se2 = sqrt(2000 / R);
  assert_true(fabs(m1 - 1000) < 4 * se1);
  assert_true(fabs(m2 - 2000) < 4 * se2);
  /* the difference, from the two independent means */
  assert_true(fabs(m2 - 2 * m1) < 4 * sqrt(se2 * se2 + 4 * se1 * se1));
  /* the model is not changed by a set */
  assert_float_equal(wx_model_param_value(m, (unsigned)p), 100, 0);
  wx_model_free(m);
}

static void results_do_not_depend_on_threads(void **state) {
  (void)state;
  wx_model *m = load_file(QUICKSTART);
  wx_eval_options o1 = {.replications = 5, .threads = 1, .keep_series = 1};
  wx_eval_options o3 = o1;
  o3.threads = 3;
  wx_eval *a = evaluate(m, &o1), *b = evaluate(m, &o3);
  assert_int_equal(wx_eval_kpi_count(a), wx_eval_kpi_count(b));
  for (unsigned k = 0; k < wx_eval_kpi_count(a); k++)
    assert_memory_equal(wx_eval_kpi_values(a, k), wx_eval_kpi_values(b, k),
                        5 * sizeof(double));
  wx_summary sa, sb;
  unsigned last = wx_eval_sample_count(a) - 1;
  assert_int_equal(wx_eval_series_summary(a, last, 0, &sa), WX_OK);
  assert_int_equal(wx_eval_series_summary(b, last, 0, &sb), WX_OK);
  /* field by field: the struct has padding after n */
  const double va[] = {sa.mean, sa.sd,  sa.ci_low, sa.ci_high,
                       sa.p5,   sa.p50, sa.p95};
  const double vb[] = {sb.mean, sb.sd,  sb.ci_low, sb.ci_high,
                       sb.p5,   sb.p50, sb.p95};
  assert_int_equal(sa.n, sb.n);
  assert_memory_equal(va, vb, sizeof va);
  wx_eval_free(a);
  wx_eval_free(b);
  wx_model_free(m);
}

/* The horizon is a run option: the grid follows it, the model keeps its
 * own; accessors refuse what is out of range. */
static void the_horizon_is_a_run_option(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(poisson);
  wx_eval_options o = {.replications = 2, .horizon = 2.5, .keep_series = 1};
  wx_eval *e = evaluate(m, &o);
  assert_int_equal(wx_eval_sample_count(e), 4); /* 0 1 2 2.5 */
  assert_float_equal(wx_eval_sample_time(e, 3), 2.5, 0);
  assert_true(isnan(wx_eval_sample_time(e, 4)));
  assert_float_equal(wx_model_horizon(m), 10, 0);
  wx_summary s;
  assert_int_equal(wx_eval_series_summary(e, 4, 0, &s), WX_EINVAL);
  assert_int_equal(wx_eval_kpi_summary(e, 9999, &s), WX_EINVAL);
  assert_null(wx_eval_kpi_name(e, 9999));
  assert_int_equal(wx_eval_kpi_find(e, "no such kpi"), WX_ENOTFOUND);
  assert_int_equal(wx_eval_column_find(e, "source", "s", "nothing"),
                   WX_ENOTFOUND);
  wx_eval_free(e);
  assert_int_equal(wx_model_param_find(m, "flows.nope.p"), WX_ENOTFOUND);
  assert_null(wx_model_param_path(m, 9999));
  assert_true(isnan(wx_model_param_value(m, 9999)));
  wx_param_set bad = {9999, 1};
  o.set = &bad;
  o.n_set = 1;
  wx_eval *none = NULL;
  assert_int_equal(wx_evaluate(m, &o, &none, NULL), WX_EINVAL);
  assert_null(none);
  wx_model_free(m);
}

static void engines_are_chosen_by_name(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "engine: agent\n"
      "modules: {oa: {kind: official_account}}\n");
  wx_model_free(m);
  wxt_load_fails("modules: {oa: {kind: official_account}}\nengine: cohrt\n",
                 WX_ESCENARIO, 2, 9, "engines: agent");
  m = wxt_load_ok(poisson);
  wx_diags *d = wx_diags_alloc(4);
  wx_eval_options o = {.engine = "nope", .replications = 1};
  wx_eval *e = NULL;
  assert_int_equal(wx_evaluate(m, &o, &e, d), WX_EINVAL);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "agent ("));
  wx_diags_free(d);
  o.engine = "agent";
  e = evaluate(m, &o);
  wx_eval_free(e);
  wx_model_free(m);
}

/* 1.09e9 people at t = 0 in one module need about 6.9 GB (6 bytes each,
 * measured by bench_memory): refused under a 1 GB budget at the source's
 * `initial`, with advice fitting a population; a 10 GB budget lifts the
 * refusal.  (It was refused at ~70 GB by a 64-byte guess whatever the
 * budget.)  Only the guard runs here: nothing is simulated. */
static void a_huge_population_is_judged_by_the_measured_estimate(void **st) {
  (void)st;
  wx_model *m = wxt_load_ok(
      "replications: 1\n"
      "modules: {oa: {kind: official_account}}\n"
      "sources:\n  s: {into: oa, initial: 1.09e9}\n");
  wx_diags *d = wx_diags_alloc(4);
  wx_eval_options o = {.threads = 1, .memory_budget = 1e9};
  wx_run_ctx c = {0};
  wx_runner_opts ro = {0};
  assert_int_equal(wx__core_init(&c, m, &o, &ro, d), WX_ETOOBIG);
  wx__core_free(&c);
  const wx_error *err = wx_diags_get(d, 0);
  assert_int_equal(err->line, 4);
  assert_int_equal(err->col, 26); /* the value */
  assert_non_null(strstr(err->msg, "`sources.s.initial`"));
  assert_non_null(strstr(err->msg, "fewer people"));
  o.memory_budget = 1e10;
  wx_run_ctx ok = {0};
  assert_int_equal(wx__core_init(&ok, m, &o, &ro, d), WX_OK);
  assert_true(ok.engine->memory_estimate(m, &ok.layout) < 8e9);
  wx__core_free(&ok);
  wx_diags_free(d);
  wx_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kpis_equal_those_of_wx_run),
      cmocka_unit_test(a_parameter_set_doubles_poisson_arrivals),
      cmocka_unit_test(results_do_not_depend_on_threads),
      cmocka_unit_test(the_horizon_is_a_run_option),
      cmocka_unit_test(engines_are_chosen_by_name),
      cmocka_unit_test(a_huge_population_is_judged_by_the_measured_estimate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
