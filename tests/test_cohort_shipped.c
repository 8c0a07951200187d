/* The two engines on every shipped scenario the cohort engine accepts, and
 * on tests/data/cohort_markov.yaml (a Markov scenario with values, repeats,
 * Erlang delays, ads), cohort_margin.yaml (margins) and cohort_units.yaml
 * (staff accounts and groups with every limit binding): every KPI's mean
 * agrees within 4 standard errors of
 * the difference (independent replications: Var = s_c^2 / R + s_a^2 / R),
 * and deterministic KPIs agree exactly.  A scenario it refuses must give
 * every reason at a file:line:col, naming the feature ('...') and the way
 * out (use engine: agent).  Horizons are cut to keep the test fast. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "cohort.h"
#include "engine.h"
#include "kpi.h"
#include "model.h"
#include "series.h"
#include "test_scale.h"

/* Replications per engine: 60, or 20 under WX_TEST_SCALE=0.1 (valgrind);
 * the z-test's standard error follows the count actually run. */
#define R       wxt_scaled(60, 20)
#define HORIZON 45.0

/* R replications of engine t: kpi values into v[R * n_kpis].  A run the
 * engine refuses at run time (a limit that depends on the parameters)
 * returns its status with the reason in d. */
static int run_engine(const wx_engine_type *t, const wx_model *m,
                      const wx_layout *l, const wx_kpi_set *k, double *v,
                      wx_diags *d) {
  wx_series s;
  assert_int_equal(wx__series_init(&s, l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  void *e = t->alloc(m, l);
  assert_non_null(e);
  int rc = WX_OK;
  for (uint32_t rep = 0; rep < R && rc == WX_OK; rep++) {
    rc = t->run(e, par, 1000u + rep, &s, NULL, d);
    if (rc == WX_OK) wx__kpis_eval(k, l, &s, v + (size_t)rep * k->n);
  }
  t->free(e);
  free(par);
  wx__series_free(&s);
  return rc;
}

static void mean_sd(const double *v, uint32_t n, uint32_t i, double *mean,
                    double *var, uint32_t *count) {
  double s1 = 0, s2 = 0;
  uint32_t c = 0;
  for (uint32_t r = 0; r < R; r++) {
    double x = v[(size_t)r * n + i];
    if (isnan(x)) continue;
    s1 += x;
    s2 += x * x;
    c++;
  }
  *count = c;
  *mean = c ? s1 / c : 0;
  *var = c > 1 ? fmax((s2 - c * *mean * *mean) / (c - 1), 0) : 0;
}

static void each_reason_is_positioned(const char *name, const wx_diags *d) {
  assert_true(wx_diags_count(d) > 0);
  for (size_t j = 0; j < wx_diags_count(d); j++) {
    const wx_error *e = wx_diags_get(d, j);
    if (e->line <= 0 || e->col <= 0 || !strchr(e->msg, '\'') ||
        !strstr(e->msg, "use engine: agent"))
      fail_msg("%s: reason without position or feature: %d:%d: %s", name,
               e->line, e->col, e->msg);
  }
  print_message("%s: refused, %zu reasons, first %d:%d: %s\n", name,
                wx_diags_count(d), wx_diags_get(d, 0)->line,
                wx_diags_get(d, 0)->col, wx_diags_get(d, 0)->msg);
}

static void free_all(double *va, double *vc, wx_diags *d, wx_kpi_set *k,
                     wx_layout *l) {
  free(va);
  free(vc);
  wx_diags_free(d);
  wx__kpis_free(k);
  wx__layout_free(l);
}

/* 1 when both engines ran and agree, 0 when the cohort engine refused at
 * run time. */
static int kpis_agree(const char *name, const wx_model *m) {
  wx_layout l;
  wx_kpi_set k;
  double h = m->horizon < HORIZON ? m->horizon : HORIZON;
  assert_int_equal(wx__layout_init(&l, m, h), WX_OK);
  assert_int_equal(wx__kpis_init(&k, m, &l), WX_OK);
  double *va = calloc((size_t)R * k.n + 1, sizeof *va);
  double *vc = calloc((size_t)R * k.n + 1, sizeof *vc);
  assert_true(va && vc);
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  if (run_engine(wx__engine_find("cohort"), m, &l, &k, vc, d) != WX_OK) {
    /* refused at run time: positioned, naming the feature */
    each_reason_is_positioned(name, d);
    free_all(va, vc, d, &k, &l);
    return 0;
  }
  assert_int_equal(run_engine(wx__engine_find("agent"), m, &l, &k, va, d),
                   WX_OK);
  for (uint32_t i = 0; i < k.n; i++) {
    double ma, sa, mc, sc;
    uint32_t na, nc;
    mean_sd(va, k.n, i, &ma, &sa, &na);
    mean_sd(vc, k.n, i, &mc, &sc, &nc);
    if (na < R / 2 || nc < R / 2) continue; /* mostly never reached */
    double scale = fmax(fabs(ma), 1);
    if (sa < 1e-18 * scale * scale && sc < 1e-18 * scale * scale) {
      if (fabs(ma - mc) > 1e-9 * scale)
        fail_msg("%s %s: %g vs %g", name, k.defs[i].name, mc, ma);
      continue;
    }
    double z = (mc - ma) / sqrt(sa / na + sc / nc);
    if (fabs(z) > 4)
      fail_msg("%s %s: cohort %g, agent %g: z %.2f", name, k.defs[i].name, mc,
               ma, z);
  }
  print_message("%s: %u KPIs agree\n", name, k.n);
  free_all(va, vc, d, &k, &l);
  return 1;
}

static int scenario(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/%s.yaml", WX_SOURCE_DIR, dir, name);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(128);
  assert_non_null(d);
  if (wx_model_load(path, &m, d) != WX_OK)
    fail_msg("%s: %s", name, wx_diags_get(d, 0)->msg);
  /* the loader's warnings are not the engine's reasons */
  wx_diags_free(d);
  d = wx_diags_alloc(128);
  assert_non_null(d);
  int rc = wx__cohort_check(m, d), ran = 0;
  if (rc == WX_OK)
    ran = kpis_agree(name, m);
  else
    each_reason_is_positioned(name, d);
  wx_model_free(m);
  wx_diags_free(d);
  return ran;
}

static void shipped_scenarios(void **state) {
  (void)state;
  const char *names[] = {
      "article_decline", "b2b",       "baby_vote",         "ecommerce",
      "education",       "festivals", "group_cascade",     "group_lively",
      "live_stream",     "paths",     "personal_vs_wecom", "quickstart",
      "referral_money",  "retail",    "wechat_matrix",     "wecom_moments"};
  /* these run and agree (flow pulses, responses pending many times) */
  const char *must_run[] = {"festivals", "wechat_matrix"};
  int ran = 0;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    int r = scenario("scenarios", names[i]);
    for (size_t j = 0; j < sizeof must_run / sizeof *must_run; j++)
      if (!strcmp(names[i], must_run[j]) && !r)
        fail_msg("%s: refused by the cohort engine", names[i]);
    ran += r;
  }
  print_message("%d of %zu shipped scenarios run on the cohort engine\n", ran,
                sizeof names / sizeof *names);
}

static void markov_scenario(void **state) {
  (void)state;
  assert_int_equal(scenario("tests/data", "cohort_markov"), 1);
}

/* Gross profit, ROI and payback on margin, the cohort's on sums. */
static void margin_scenario(void **state) {
  (void)state;
  assert_int_equal(scenario("tests/data", "cohort_margin"), 1);
}

/* Staff accounts and groups (cohort_units.c) through the loader, with
 * their KPIs (staff_needed, accounts_used, refused, declined, bans). */
static void units_scenario(void **state) {
  (void)state;
  assert_int_equal(scenario("tests/data", "cohort_units"), 1);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(markov_scenario),
      cmocka_unit_test(units_scenario),
      cmocka_unit_test(shipped_scenarios),
      cmocka_unit_test(margin_scenario),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
