/* `wxflow compare`: paired differences against a closed form, common random
 * numbers, stable streams when a module is disabled, comparison-file errors
 * with positions, and the interval arithmetic. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "compare.h"
#include "scenario_support.h"

/* Poisson arrivals at rate L into module a; each arrival buys with
 * probability p after an exponential delay of mean MU (a move flow). */
#define L  20.0
#define P  0.10
#define MU 5.0
#define T  30.0
static const char base_yaml[] =
    "horizon: 30d\nsample_every: 1d\nseed: 11\nreplications: 5\n"
    "modules:\n"
    "  v: {kind: video_account}\n"
    "  a: {kind: official_account}\n"
    "sources:\n"
    "  vin: {into: v, rate: 15/d}\n"
    "  ain: {into: a, rate: 20/d}\n"
    "flows:\n"
    "  vout: {from: v, type: churn, p: 50%, delay: exponential(2d)}\n"
    "  buy: {from: a, to: purchase, p: 10%, delay: exponential(5d)}\n";

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

typedef struct {
  char *base;   /* scenario file */
  char *cmp;    /* comparison file */
  char dir[64]; /* output directory */
  wx_compare_spec *spec;
  wx_model **models;
  wx_comparison *c;
} fixture;

static void write_comparison(fixture *f, const char *variants) {
  char text[2048];
  int n = snprintf(text, sizeof text,
                   "compare:\n  base: %s\n  replications: 200\n  seed: 4242\n"
                   "  variants:\n%s",
                   f->base, variants);
  f->cmp = wxt_temp_file(text, (size_t)n);
}

/* Loads the comparison with `variants` and runs it. */
static void run_comparison(fixture *f, const char *variants) {
  memset(f, 0, sizeof *f);
  f->base = wxt_temp_file(base_yaml, sizeof base_yaml - 1);
  write_comparison(f, variants);
  snprintf(f->dir, sizeof f->dir, "/tmp/wxcmp-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  wx_diags *d = wx_diags_alloc(20);
  assert_int_equal(wx__compare_spec_load(f->cmp, &f->spec, d), WX_OK);
  f->models = calloc(f->spec->n, sizeof *f->models);
  assert_int_equal(wx__compare_models(f->spec, f->models, d), WX_OK);
  wx_compare_options o = {.out_dir = f->dir, .force = 1, .threads = 2};
  int rc = wx__compare_run(f->spec, f->models, &o, &f->c, d);
  for (size_t i = 0; rc && i < wx_diags_count(d); i++)
    fprintf(stderr, "%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
}

static void fixture_free(fixture *f) {
  for (size_t i = 0; i < f->spec->n; i++) wx_model_free(f->models[i]);
  free(f->models);
  wx__comparison_free(f->c);
  wx__compare_spec_free(f->spec);
  unlink(f->base);
  unlink(f->cmp);
  free(f->base);
  free(f->cmp);
  nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static const wx_compare_row *row(const wx_comparison *c, const char *kpi) {
  for (size_t i = 0; i < c->n_rows; i++)
    if (!strcmp(c->rows[i].kpi, kpi)) return &c->rows[i];
  fail_msg("no KPI %s", kpi);
  return NULL;
}

static double half(const wx_ci *ci) { return (ci->hi - ci->lo) / 2; }

/* Purchases by T of arrivals at rate L, each buying with probability p
 * after an Exp(mean MU) delay:
 *   E = L p \int_0^T (1 - e^{-(T-s)/MU}) ds = L p (T - MU (1 - e^{-T/MU})),
 * so doubling p adds exactly L p (T - MU (1 - e^{-T/MU})) in expectation.
 * The paired mean difference must lie within 4 standard errors of that
 * (SE recovered from the 95% CI; fixed seed). */
static void paired_difference_finds_doubled_conversion(void **state) {
  (void)state;
  fixture f;
  run_comparison(&f, "    double_p:\n      flows.buy.p: 20%\n");
  const wx_compare_row *r = row(f.c, "outcome.purchase");
  const wx_compare_cell *x = &r->cell[1];
  double truth = L * P * (T - MU * (1 - exp(-T / MU)));
  double se = half(&x->diff) / gsl_cdf_tdist_Pinv(0.975, x->diff.n - 1);
  assert_int_equal(x->diff.n, 200);
  assert_true(fabs(x->diff.mean - truth) < 4 * se);
  assert_true(x->significant);
  assert_int_equal(r->winner, 1);
  assert_true(r->winner_sig);
  fixture_free(&f);
}

/* Common random numbers: each person's choice uniform is the same in both
 * variants, so the difference is the count of people with p <= u < 2p
 * (plus delay noise) and its paired interval is much narrower than the
 * unpaired (Welch) one, whose variance adds both variants' whole spread. */
static void crn_makes_paired_interval_narrower_than_unpaired(void **state) {
  (void)state;
  fixture f;
  run_comparison(&f, "    double_p:\n      flows.buy.p: 20%\n");
  const wx_compare_cell *x = &row(f.c, "outcome.purchase")->cell[1];
  assert_true(half(&x->diff) < 0.8 * half(&x->welch));
  fixture_free(&f);
}

/* Module v comes before a, so disabling v shifts a's index: the streams
 * of a (tagged by name) must not move, and every replication of a's KPIs
 * must be identical (a paired difference of exactly 0). */
static void disabling_a_module_leaves_other_streams_unchanged(void **state) {
  (void)state;
  fixture f;
  run_comparison(&f, "    no_v:\n      modules.v.enabled: false\n");
  const char *kpis[] = {"members_end.a", "outcome.purchase", "members_peak.a"};
  for (int i = 0; i < 3; i++) {
    const wx_compare_cell *x = &row(f.c, kpis[i])->cell[1];
    assert_true(x->present);
    assert_true(x->diff.mean == 0 && x->diff.lo == 0 && x->diff.hi == 0);
  }
  assert_false(row(f.c, "members_end.v")->cell[1].present);
  fixture_free(&f);
}

/* Loads a comparison whose variants are `variants`; expects failure with a
 * diagnostic at line:col of the comparison file containing frag. */
static void expect_error(const char *variants, int line, int col,
                         const char *frag) {
  fixture f;
  memset(&f, 0, sizeof f);
  f.base = wxt_temp_file(base_yaml, sizeof base_yaml - 1);
  write_comparison(&f, variants);
  wx_diags *d = wx_diags_alloc(20);
  wx_compare_spec *s = NULL;
  int rc = wx__compare_spec_load(f.cmp, &s, d);
  wx_model *models[4] = {0};
  if (rc == WX_OK) rc = wx__compare_models(s, models, d);
  assert_int_not_equal(rc, WX_OK);
  int found = 0;
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->line == line && e->col == col && !strcmp(e->file, f.cmp) &&
        strstr(e->msg, frag))
      found = 1;
    else
      fprintf(stderr, "  %s:%d:%d: %s\n", e->file, e->line, e->col, e->msg);
  }
  assert_true(found);
  for (int i = 0; i < 4; i++) assert_null(models[i]);
  wx__compare_spec_free(s);
  wx_diags_free(d);
  unlink(f.base);
  unlink(f.cmp);
  free(f.base);
  free(f.cmp);
}

/* Lines: 1 compare, 2 base, 3 replications, 4 seed, 5 variants, 6 name,
 * 7 first override. */
static void unknown_override_path_points_at_the_override(void **state) {
  (void)state;
  expect_error("    x:\n      flows.bye.p: 20%\n", 7, 7, "flows.bye");
}

static void unknown_override_key_points_at_the_override(void **state) {
  (void)state;
  expect_error("    x:\n      modules.v.enabld: false\n", 7, 7, "enabld");
}

static void bad_override_value_points_at_the_override(void **state) {
  (void)state;
  expect_error("    x:\n      flows.buy.p: 120%\n", 7, 7, "flows.buy.p");
}

static void comparison_file_errors_have_positions(void **state) {
  (void)state;
  expect_error("    base:\n      flows.buy.p: 20%\n", 6, 5, "not `base`");
  expect_error("    x: 3\n", 6, 8, "mapping of overrides");
  expect_error("    x:\n      flows.buy.p: [1, 2]\n", 7, 20, "single value");
}

/* Known answers: a - b = (1, 2, 3, 4) has mean 2.5, sd sqrt(5/3), so the
 * paired half-width is t(0.975, 3) sqrt(5/12).  Welch on (1..4) vs (0, 0,
 * 0, 0): se = sqrt(5/12), df = 3. */
static void intervals_match_known_answers(void **state) {
  (void)state;
  double a[] = {11, 12, 13, 14, NAN}, b[] = {10, 10, 10, 10, 3};
  wx_ci ci;
  wx__ci_paired(a, b, 5, &ci);
  double h = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(5.0 / 12);
  assert_int_equal(ci.n, 4);
  assert_true(fabs(ci.mean - 2.5) < 1e-12 && fabs(ci.hi - 2.5 - h) < 1e-9);
  double x[] = {1, 2, 3, 4}, z[] = {0, 0, 0, 0};
  wx__ci_welch(x, 4, z, 4, &ci);
  assert_true(fabs(ci.mean - 2.5) < 1e-12 && fabs(ci.hi - 2.5 - h) < 1e-9);
  wx__ci_mean(x, 1, &ci);
  assert_true(ci.mean == 1 && isnan(ci.lo));
}

/* Writes DIR/kpis.csv (values[r] of `kpi` per replication, NaN as empty)
 * and DIR/kpi_summary.csv (its unit and `better`). */
static void write_variant(const char *dir, const char *kpi, const char *unit,
                          const char *better, const double *x, size_t n) {
  char path[256];
  snprintf(path, sizeof path, "%s/kpis.csv", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("replication,kpi,value\n", fp);
  for (size_t r = 0; r < n; r++)
    if (isfinite(x[r]))
      fprintf(fp, "%zu,%s,%.17g\n", r, kpi, x[r]);
    else
      fprintf(fp, "%zu,%s,\n", r, kpi);
  fclose(fp);
  snprintf(path, sizeof path, "%s/kpi_summary.csv", dir);
  fp = fopen(path, "w");
  assert_non_null(fp);
  fprintf(fp,
          "kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,better\n"
          "%s,%s,%zu,,,,,,,,%s\n",
          kpi, unit, n, better);
  fclose(fp);
}

/* A two-variant table of one KPI built from per-replication files. */
static wx_comparison *table_of(const char *kpi, const char *unit,
                               const char *better, const double *base,
                               const double *var, size_t n) {
  static const char *const names[2] = {"base", "var"};
  char dirs[2][64];
  const char *dp[2] = {dirs[0], dirs[1]};
  const double *x[2] = {base, var};
  for (int v = 0; v < 2; v++) {
    snprintf(dirs[v], sizeof dirs[v], "/tmp/wxtab-XXXXXX");
    assert_non_null(mkdtemp(dirs[v]));
    write_variant(dirs[v], kpi, unit, better, x[v], n);
  }
  wx_diags *d = wx_diags_alloc(10);
  wx_comparison *c = NULL;
  assert_int_equal(wx__comparison_build(names, dp, 2, NULL, 0, &c, d), WX_OK);
  wx_diags_free(d);
  for (int v = 0; v < 2; v++) nftw(dirs[v], rm_one, 8, FTW_DEPTH | FTW_PHYS);
  assert_int_equal(c->n_rows, 1);
  return c;
}

/* target_day.* names do not end in `_day`: the direction must come from
 * kpi_summary.csv, and the variant reaching the target sooner wins. */
static void sooner_target_day_wins(void **state) {
  (void)state;
  double base[8] = {20, 21, 22, 23, 24, 25, 26, 27};
  double var[8] = {10, 11, 12, 13, 14, 15, 16, 18};
  wx_comparison *c =
      table_of("target_day.buyers", "day", "lower", base, var, 8);
  assert_int_equal(c->rows[0].better, WX_BETTER_LOWER);
  assert_int_equal(c->rows[0].winner, 1);
  wx__comparison_free(c);
  c = table_of("people_in", "people", "neutral", base, var, 8);
  assert_int_equal(c->rows[0].winner, -1); /* neutral: no winner */
  wx__comparison_free(c);
}

/* Shares get Wilson intervals: 10 of 10 is not "1 [1, 1]". */
static void shares_get_wilson_intervals(void **state) {
  (void)state;
  double base[10] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  double var[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  wx_comparison *c =
      table_of("target_reached.buyers", "share", "higher", base, var, 10);
  const wx_compare_cell *v = &c->rows[0].cell[1];
  double z = 1.959963984540054;
  assert_true(fabs(v->value.lo - 10 / (10 + z * z)) < 1e-9);
  assert_true(fabs(v->value.hi - 1.0) < 1e-12);
  assert_true(v->diff.lo < v->diff.hi && fabs(v->diff.mean - 0.9) < 1e-12);
  assert_true(v->diff.hi <= 1.0 && v->diff.lo > 0);
  assert_true(v->significant);
  wx__comparison_free(c);
}

/* Newcombe's interval: containment of the estimate, symmetry under
 * swapping the variants, and no significance for balanced discordance. */
static void paired_binary_interval_behaves(void **state) {
  (void)state;
  double a[20], b[20];
  for (int i = 0; i < 20; i++) {
    a[i] = i < 12;           /* 12 of 20 */
    b[i] = i >= 4 && i < 14; /* 10 of 20 */
  }
  wx_ci ab, ba;
  wx__ci_paired_binary(a, b, 20, &ab);
  wx__ci_paired_binary(b, a, 20, &ba);
  assert_int_equal(ab.n, 20);
  assert_true(fabs(ab.mean - 0.1) < 1e-12);
  assert_true(ab.lo < 0.1 && ab.hi > 0.1 && ab.lo > -1 && ab.hi < 1);
  assert_true(fabs(ab.lo + ba.hi) < 1e-12 && fabs(ab.hi + ba.lo) < 1e-12);
  assert_false(wx__ci_significant(&ab));
}

/* target_day.* differences pair only replications where both reached the
 * target; fewer than 5 such pairs, or no spread, is never significant. */
static void censored_differences_need_enough_pairs(void **state) {
  (void)state;
  double base[8] = {20, 21, 22, 23, NAN, NAN, NAN, NAN};
  double var[8] = {10, 11, 12, 13, 14, 15, 16, 17};
  wx_comparison *c =
      table_of("target_day.buyers", "day", "lower", base, var, 8);
  const wx_compare_cell *v = &c->rows[0].cell[1];
  assert_int_equal(v->diff.n, 4);
  assert_true(v->diff.hi < 0);  /* the interval excludes 0 ... */
  assert_false(v->significant); /* ... but rests on 4 pairs */
  wx__comparison_free(c);
  double b2[6] = {20, 21, 22, 23, 24, 25}, v2[6] = {19, 20, 21, 22, 23, 24};
  c = table_of("cost", "CNY", "lower", b2, v2, 6);
  assert_false(c->rows[0].cell[1].significant); /* sd 0: zero width */
  wx__comparison_free(c);
}

/* DIR/kpis.csv and kpi_summary.csv with cac = cost / customers per
 * replication (empty where there is no customer), as a run writes them. */
static void write_costs(const char *dir, const double *cost, const double *cust,
                        size_t n) {
  char path[256];
  snprintf(path, sizeof path, "%s/kpis.csv", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("replication,kpi,value\n", fp);
  for (size_t r = 0; r < n; r++) {
    fprintf(fp, "%zu,cost,%g\n%zu,customers,%g\n", r, cost[r], r, cust[r]);
    if (cust[r] > 0)
      fprintf(fp, "%zu,cac,%.17g\n", r, cost[r] / cust[r]);
    else
      fprintf(fp, "%zu,cac,\n", r);
  }
  fclose(fp);
  snprintf(path, sizeof path, "%s/kpi_summary.csv", dir);
  fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(
      "kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,better\n"
      "cost,CNY,4,,,,,,,,lower\ncustomers,people,4,,,,,,,,higher\n"
      "cac,CNY,3,,,,,,,,lower\n",
      fp);
  fclose(fp);
}

/* cac is total cost over total customers, 400 / 10 = 40 (the mean of the
 * replications' own ratios would be (100 + 25 + 20) / 3 = 48.3, dropping
 * the replication without a customer), and the variant's doubled cost
 * is +40; asked for alone, its operands are read but not shown.  A value
 * resting on fewer replications says so, in the base column too. */
static void cac_is_a_ratio_of_means(void **state) {
  (void)state;
  static const char *const names[2] = {"base", "var"};
  const double cost[2][4] = {{100, 100, 100, 100}, {200, 200, 200, 200}};
  const double cust[4] = {1, 4, 5, 0};
  char dirs[2][64];
  const char *dp[2] = {dirs[0], dirs[1]};
  for (int v = 0; v < 2; v++) {
    snprintf(dirs[v], sizeof dirs[v], "/tmp/wxcac-XXXXXX");
    assert_non_null(mkdtemp(dirs[v]));
    write_costs(dirs[v], cost[v], cust, 4);
  }
  wx_diags *d = wx_diags_alloc(10);
  const char *want[1] = {"cac"};
  for (int only = 0; only < 2; only++) {
    wx_comparison *c = NULL;
    assert_int_equal(
        wx__comparison_build(names, dp, 2, only ? want : NULL, only, &c, d),
        WX_OK);
    assert_int_equal(c->n_rows, only ? 1 : 3);
    const wx_compare_row *r = row(c, "cac");
    assert_int_equal(r->cell[0].value.n, 4);
    assert_true(fabs(r->cell[0].value.mean - 40) < 1e-9);
    assert_true(r->cell[0].value.lo < 40 && r->cell[0].value.hi > 40);
    assert_true(fabs(r->cell[1].diff.mean - 40) < 1e-9);
    wx__comparison_free(c);
  }
  wx_diags_free(d);
  for (int v = 0; v < 2; v++) nftw(dirs[v], rm_one, 8, FTW_DEPTH | FTW_PHYS);
  double base[4] = {20, NAN, NAN, 23}, var[4] = {10, 11, 12, 13};
  wx_comparison *c = table_of("payback_day", "day", "lower", base, var, 4);
  c->replications = 4;
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_int_equal(wx__comparison_markdown(c, fp), WX_OK);
  fclose(fp);
  assert_non_null(
      strstr(buf, "| payback_day (day) ↓ | 21.5 [2.44, 40.6] (n=2) |"));
  free(buf);
  wx__comparison_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paired_difference_finds_doubled_conversion),
      cmocka_unit_test(crn_makes_paired_interval_narrower_than_unpaired),
      cmocka_unit_test(disabling_a_module_leaves_other_streams_unchanged),
      cmocka_unit_test(unknown_override_path_points_at_the_override),
      cmocka_unit_test(unknown_override_key_points_at_the_override),
      cmocka_unit_test(bad_override_value_points_at_the_override),
      cmocka_unit_test(comparison_file_errors_have_positions),
      cmocka_unit_test(intervals_match_known_answers),
      cmocka_unit_test(sooner_target_day_wins),
      cmocka_unit_test(shares_get_wilson_intervals),
      cmocka_unit_test(paired_binary_interval_behaves),
      cmocka_unit_test(censored_differences_need_enough_pairs),
      cmocka_unit_test(cac_is_a_ratio_of_means),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
