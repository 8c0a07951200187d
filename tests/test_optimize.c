/* `wxflow optimize` against a known optimum (two saturating channels
 * sharing a budget), its constraints at every evaluated point, integer and
 * structural variables, the plan file, and the optimisation file's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "optimize.h"

#define DATA WX_SOURCE_DIR "/tests/data/optimize/"

typedef struct {
  wx_opt_spec *s;
  wx_opt_evaluator *ev;
  wx_opt_result r;
} fx;

static void print_diags(const wx_diags *d) {
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    print_error("%s:%d:%d: %s\n", e->file, e->line, e->col, e->msg);
  }
}

static void solve(fx *f, const char *file) {
  wx_diags *d = wx_diags_alloc(20);
  int rc = wx__opt_spec_load(file, &f->s, d);
  if (rc == WX_OK) rc = wx__opt_evaluator_new(f->s, NULL, &f->ev, d);
  if (rc == WX_OK) rc = wx__opt_search(f->ev, f->s, NULL, &f->r, d);
  if (rc != WX_OK) print_diags(d);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
}

static void release(fx *f) {
  wx__opt_result_free(&f->r);
  wx__opt_evaluator_free(f->ev);
  wx__opt_spec_free(f->s);
}

/* Every plan the search evaluated keeps the bounds and constraints. */
static void every_point_feasible(const fx *f) {
  const wx_opt_spec *s = f->s;
  assert_true(f->r.trace.n > 0);
  for (size_t i = 0; i < f->r.trace.n; i++) {
    const double *x = f->r.trace.x + i * s->n_vars;
    for (size_t j = 0; j < s->n_vars; j++) {
      assert_true(x[j] >= s->v[j].f.lo && x[j] <= s->v[j].f.hi);
      if (s->v[j].f.integer) assert_true(x[j] == round(x[j]));
    }
    for (size_t k = 0; k < s->n_cons; k++) {
      double sum = 0;
      for (size_t j = 0; j < s->n_vars; j++) sum += s->c[k].w[j] * x[j];
      assert_true(sum <= s->c[k].hi * (1 + 1e-9) && sum >= s->c[k].lo - 1e-9);
    }
  }
}

/* two_ads.yaml: channel i brings arrivals at a_i S_i (1 - exp(-b_i / S_i))
 * a day (exponential saturation, ads_curve.c), a_i = 1000 ctr convert /
 * cpm: a1 = 0.1, a2 = 0.08 per CNY; S1 = 2000/d, S2 = 4000/d; T = 30 days;
 * b1 + b2 <= B = 6000/d.  Arrivals rise in both budgets, so the budget
 * binds and at the optimum the marginal returns are equal:
 *   a1 exp(-b1 / S1) = a2 exp(-(B - b1) / S2)
 *   => b1* = S1 (B + S2 ln(a1 / a2)) / (S1 + S2) = 2297.5 CNY/d.
 * Tolerance from the noise of the estimate: under common random numbers
 * channel i's count in a replication is a unit-rate Poisson process read
 * at T r_i(b_i), so along the budget line the mean of R replications is
 * g(b1) + W(b1), W a random walk of variance 2 T m |db| / R (m the common
 * marginal return a1 exp(-b1* / S1)), while g falls off as
 * kappa db^2 / 2, kappa = T m (1 / S1 + 1 / S2).  The argmax of
 * sigma W - kappa db^2 / 2 is (2 sigma / kappa)^(2/3) times Chernoff's
 * variable (sd 0.52; Groeneboom and Wellner 2001), sigma^2 = 2 T m / R:
 * about 47 CNY/d here.  We allow 4 of those plus 1% of B for the
 * optimiser's own stopping. */
static void recovers_the_equal_marginal_split(void **state) {
  (void)state;
  fx f = {0};
  solve(&f, DATA "two_ads_opt.yaml");
  const double a1 = 0.1, a2 = 0.08, S1 = 2000, S2 = 4000, B = 6000, T = 30;
  const double R = wx__opt_reps(f.ev);
  double b1 = S1 * (B + S2 * log(a1 / a2)) / (S1 + S2);
  double m = a1 * exp(-b1 / S1), kappa = T * m * (1 / S1 + 1 / S2);
  double sigma = sqrt(2 * T * m / R);
  double sd = 0.52 * pow(2 * sigma / kappa, 2.0 / 3.0);
  double tol = 4 * sd + 0.01 * B;
  every_point_feasible(&f);
  assert_true(fabs(f.r.x[0] - b1) <= tol);
  assert_true(f.r.x[0] + f.r.x[1] >= B - tol &&
              f.r.x[0] + f.r.x[1] <= B + 1e-6);
  /* the gain over the base (1000 + 1000) is real and positive */
  assert_true(f.r.improved && f.r.gain.lo > 0);
  assert_int_equal(f.r.base_ci.n, 20);
  release(&f);
}

/* The efficient frontier of two_ads_opt.yaml at B = 2000 and 4000: at each
 * the split is the closed form's (same tolerance argument as above, m and
 * kappa at that B), and the best arrivals are T g*(B), the mean of R
 * replications within 4 Poisson standard errors plus the loss from the
 * split's tolerance, kappa tol^2 / 2. */
static void frontier_follows_the_closed_form(void **state) {
  (void)state;
  fx f = {0};
  solve(&f, DATA "two_ads_opt.yaml");
  wx_opt_frontier_point *fp = NULL;
  size_t n = 0;
  assert_int_equal(wx__opt_frontier(f.ev, f.s, NULL, &fp, &n, NULL), WX_OK);
  assert_int_equal(n, 2);
  const double a1 = 0.1, a2 = 0.08, S1 = 2000, S2 = 4000, T = 30;
  const double R = wx__opt_reps(f.ev);
  for (size_t i = 0; i < n; i++) {
    double B = fp[i].bound;
    double b1 = S1 * (B + S2 * log(a1 / a2)) / (S1 + S2), b2 = B - b1;
    double m = a1 * exp(-b1 / S1), kappa = T * m * (1 / S1 + 1 / S2);
    double sd = 0.52 * pow(2 * sqrt(2 * T * m / R) / kappa, 2.0 / 3.0);
    double tol = 4 * sd + 0.01 * B;
    double best = T * (a1 * S1 * -expm1(-b1 / S1) + a2 * S2 * -expm1(-b2 / S2));
    assert_true(fabs(fp[i].x[0] - b1) <= tol);
    assert_true(fp[i].x[0] + fp[i].x[1] <= B * (1 + 1e-9));
    assert_true(fabs(fp[i].ci.mean - best) <=
                4 * sqrt(best / R) + kappa * tol * tol / 2);
  }
  wx__opt_frontier_free(fp, n);
  release(&f);
}

/* chance_opt.yaml: the cheapest budgets that reach 2,000 arrivals by day
 * 20 in at least 90% of replications.  Cost is 30 B whatever the split,
 * and the arrivals by day 20 are Poisson(20 g*(B)) at best (the equal-
 * marginal split above), so the least B solves
 *   20 g*(B) = 2000 + z_0.9 sqrt(2000)   (normal approximation, z = 1.2816).
 * The search estimates the 90% share from R = 20 replications: the
 * empirical 10% quantile of the count has sd sqrt(0.09 / R) / phi(z) times
 * the count's sd (45), 17 arrivals, i.e. 17 / (20 m) in B (m the marginal
 * return per CNY a day); we allow 4 of those plus 2% for the share's steps
 * of 1/R and the optimiser's stopping. */
static void chance_constraint_finds_the_cheapest_plan(void **state) {
  (void)state;
  fx f = {0};
  solve(&f, DATA "chance_opt.yaml");
  every_point_feasible(&f);
  const double a1 = 0.1, a2 = 0.08, S1 = 2000, S2 = 4000, z = 1.2816;
  double need = (2000 + z * sqrt(2000)) / 20, lo = 0, hi = 6000, b1 = 0;
  for (int it = 0; it < 60; it++) { /* bisection on g*(B) = need */
    double B = (lo + hi) / 2;
    b1 = fmax(0, S1 * (B + S2 * log(a1 / a2)) / (S1 + S2));
    double g = a1 * S1 * -expm1(-b1 / S1) + a2 * S2 * -expm1(-(B - b1) / S2);
    if (g < need)
      lo = B;
    else
      hi = B;
  }
  double Bstar = hi, m = a1 * exp(-b1 / S1);
  double sd = sqrt(0.09 / 20) / 0.1755 * sqrt(2000) / (20 * m);
  double B = f.r.x[0] + f.r.x[1];
  assert_true(fabs(B - Bstar) <= 4 * sd + 0.02 * Bstar);
  /* on the search's seeds the chosen plan keeps the constraint */
  wx_opt_sample smp;
  assert_int_equal(wx__opt_evaluate(f.ev, f.r.x, wx__opt_seed(f.ev),
                                    wx__opt_reps(f.ev), &smp, NULL),
                   WX_OK);
  assert_true(smp.share >= 0.9);
  wx__opt_sample_free(&smp);
  assert_true(f.r.improved); /* cheaper than the base, surely */
  release(&f);
}

/* Integer and structural variables (`until` recompiles the scenario),
 * found by the lattice search: more days and more budget bring more
 * arrivals, so the optimum is the upper corner of what the constraint
 * allows, until = 30 and budget = 2000. */
static void integer_and_structural_variables(void **state) {
  (void)state;
  fx f = {0};
  solve(&f, DATA "until_opt.yaml");
  every_point_feasible(&f);
  assert_true(f.s->v[0].param < 0 && f.s->v[1].param >= 0);
  assert_true(f.r.x[0] == 30 && f.r.x[1] == 2000);
  release(&f);
}

/* plan.yaml is a scenario whose variables hold the plan. */
static void the_plan_is_a_scenario(void **state) {
  (void)state;
  fx f = {0};
  solve(&f, DATA "until_opt.yaml");
  size_t len = 0;
  char *text = wx__opt_plan_text(f.ev, f.r.x, &len, NULL);
  assert_non_null(text);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(10);
  int rc = wx_model_load_buffer("plan.yaml", text, len, &m, d);
  if (rc != WX_OK) print_diags(d);
  assert_int_equal(rc, WX_OK);
  int p = wx_model_param_find(m, "sources.two.budget");
  assert_true(p >= 0 && wx_model_param_value(m, (unsigned)p) == f.r.x[1]);
  assert_non_null(strstr(text, "until: 30\n"));
  wx_model_free(m);
  wx_diags_free(d);
  free(text);
  release(&f);
}

static void spec_fails(const char *body, int line, int col, const char *frag) {
  char text[2048];
  snprintf(text, sizeof text, "optimize:\n  base: two_ads.yaml\n%s", body);
  wx_diags *d = wx_diags_alloc(20);
  wx_opt_spec *s = NULL;
  assert_int_equal(wx__opt_spec_parse(DATA "x.yaml", text, strlen(text), &s, d),
                   WX_ESCENARIO);
  int found = 0;
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->line == line && e->col == col && strstr(e->msg, frag)) found = 1;
  }
  if (!found) print_diags(d);
  assert_true(found);
  assert_null(s);
  wx_diags_free(d);
}

static void file_errors_are_positioned(void **state) {
  (void)state;
  const char *vars =
      "  objective: {maximize: people_in}\n"
      "  variables:\n    sources.one.budget: {range: [0, 10]}\n";
  char b[1024];
  snprintf(b, sizeof b, "%s  serach: {}\n", vars);
  spec_fails(b, 6, 3, "did you mean `search`");
  snprintf(b, sizeof b, "%s  constraints:\n    c: {sum: [x.y], max: 3}\n",
           vars);
  spec_fails(b, 7, 15, "`x.y` is not one of the variables");
  snprintf(b, sizeof b, "%s  search: {algorithm: simplex}\n", vars);
  spec_fails(b, 6, 23, "unknown algorithm `simplex`");
  spec_fails(
      "  objective: {maximise: customers}\n  variables:\n"
      "    a.b: {range: [0, 1]}\n",
      3, 14, "{maximize: KPI}");
  snprintf(b, sizeof b, "%s  chance: {target: t, by: 9d, p: 1.5}\n", vars);
  spec_fails(b, 6, 34, "strictly between 0 and 1");
  spec_fails(
      "  objective: {maximize: people_in}\n  variables:\n"
      "    a.b: {levels: [1, 2]}\n",
      5, 5, "needs `range");
}

/* A variable that is not in the base is refused at the variable. */
static void unknown_path_is_positioned(void **state) {
  (void)state;
  const char *text =
      "optimize:\n  base: two_ads.yaml\n"
      "  objective: {maximize: people_in}\n  variables:\n"
      "    sources.three.budget: {range: [0, 10]}\n";
  wx_diags *d = wx_diags_alloc(20);
  wx_opt_spec *s = NULL;
  wx_opt_evaluator *ev = NULL;
  assert_int_equal(wx__opt_spec_parse(DATA "x.yaml", text, strlen(text), &s, d),
                   WX_OK);
  assert_int_equal(wx__opt_evaluator_new(s, NULL, &ev, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  assert_true(e->line == 5 && e->col == 5 && strstr(e->msg, "no such key"));
  wx__opt_spec_free(s);
  wx_diags_free(d);
}

/* An objective KPI the base does not have is refused at the objective
 * (two_ads.yaml has no order values, hence no revenue). */
static void unknown_kpi_is_positioned(void **state) {
  (void)state;
  const char *text =
      "optimize:\n  base: two_ads.yaml\n"
      "  objective: {maximize: revenue}\n  variables:\n"
      "    sources.one.budget: {range: [0, 10]}\n";
  wx_diags *d = wx_diags_alloc(20);
  wx_opt_spec *s = NULL;
  wx_opt_evaluator *ev = NULL;
  wx_opt_result r;
  assert_int_equal(wx__opt_spec_parse(DATA "x.yaml", text, strlen(text), &s, d),
                   WX_OK);
  assert_int_equal(wx__opt_evaluator_new(s, NULL, &ev, d), WX_OK);
  assert_int_equal(wx__opt_search(ev, s, NULL, &r, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  assert_true(e->line == 3 && e->col == 25 &&
              strstr(e->msg, "no KPI `revenue`"));
  wx__opt_result_free(&r);
  wx__opt_evaluator_free(ev);
  wx__opt_spec_free(s);
  wx_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(recovers_the_equal_marginal_split),
      cmocka_unit_test(frontier_follows_the_closed_form),
      cmocka_unit_test(chance_constraint_finds_the_cheapest_plan),
      cmocka_unit_test(integer_and_structural_variables),
      cmocka_unit_test(the_plan_is_a_scenario),
      cmocka_unit_test(file_errors_are_positioned),
      cmocka_unit_test(unknown_path_is_positioned),
      cmocka_unit_test(unknown_kpi_is_positioned),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
