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
#define L 20.0
#define P 0.10
#define MU 5.0
#define T 30.0
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
  char *base;    /* scenario file */
  char *cmp;     /* comparison file */
  char dir[64];  /* output directory */
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
  expect_error("    x:\n      flows.buy.p: [1, 2]\n", 7, 20,
               "single value");
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

static void cost_like_kpis_are_better_low(void **state) {
  (void)state;
  assert_true(wx__kpi_lower_is_better("cost.total"));
  assert_true(wx__kpi_lower_is_better("cac.sdr"));
  assert_true(wx__kpi_lower_is_better("refused_per_day"));
  assert_false(wx__kpi_lower_is_better("outcome.purchase"));
  assert_false(wx__kpi_lower_is_better("members_end.cost_center"));
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
      cmocka_unit_test(cost_like_kpis_are_better_low),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
