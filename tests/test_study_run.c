/* Studies end to end (study_run.h): points evaluated in memory against a
 * scenario whose KPI has a closed form in its factors.
 *
 * People arrive at rate r into an official account; each joins the mini
 * program with probability p after an exponential delay of mean tau = 1 h.
 * Members of the mini program at the horizon T are a thinned Poisson
 * count with mean  r p (T - tau (1 - exp(-T / tau)))  and that variance,
 * so a point's mean over R replications has standard error sqrt(mean/R). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario_support.h"
#include "study.h"
#include "study_run.h"

#define T_DAYS 10.0
#define TAU    (1.0 / 24.0)

static const char *scenario =
    "horizon: 10d\nsample_every: 10d\nseed: 11\nreplications: 2\n"
    "modules: {oa: {kind: official_account}, shop: {kind: mini_program}}\n"
    "sources: {s: {into: oa, rate: 150/d}}\n"
    "flows:\n"
    "  join: {from: oa, to: shop, type: join, p: 40%, "
    "delay: exponential(1h)}\n";

static double expected(double r, double p) {
  return r * p * (T_DAYS - TAU * (1 - exp(-T_DAYS / TAU)));
}

typedef struct {
  char *base;
  wx_study_spec *spec;
  wx_study_ctx *ctx;
  wx_study_design *p;
  double *Y;
} fixture;

static void print_diags(const wx_diags *d) {
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    print_error("%s:%d:%d: %s\n", e->file, e->line, e->col, e->msg);
  }
}

/* Loads a study of the scenario above (`body` holds design/method and
 * factors), prepares it and builds its points. */
static void setup_study(fixture *f, const char *body,
                        const wx_study_options *o) {
  memset(f, 0, sizeof *f);
  f->base = wxt_temp_file(scenario, strlen(scenario));
  char text[2048];
  snprintf(text, sizeof text,
           "study:\n  base: %s\n  kpis: "
           "[members_end.shop]\n%s",
           f->base, body);
  wx_diags *d = wx_diags_alloc(20);
  int rc = wx__study_spec_parse("t.yaml", text, strlen(text), &f->spec, d);
  if (rc == WX_OK) rc = wx__study_prepare(f->spec, o, &f->ctx, d);
  if (rc == WX_OK) rc = wx__study_points(f->spec, f->ctx->nominal, &f->p, d);
  if (rc == WX_OK) rc = wx__study_check_values(f->ctx, f->p, d);
  print_diags(d);
  wx_diags_free(d);
  assert_int_equal(rc, WX_OK);
}

static void run_study(fixture *f) {
  wx_diags *d = wx_diags_alloc(20);
  size_t n_done = 0;
  int rc = wx__study_run(f->ctx, f->p, &f->Y, NULL, &n_done, d);
  print_diags(d);
  wx_diags_free(d);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(n_done, f->p->n_points);
}

static void teardown_study(fixture *f) {
  free(f->Y);
  wx__study_design_free(f->p);
  wx__study_ctx_free(f->ctx);
  wx__study_spec_free(f->spec);
  unlink(f->base);
  free(f->base);
}

static double point_mean(const fixture *f, size_t pt) {
  size_t R = f->ctx->replications;
  double s = 0;
  for (size_t r = 0; r < R; r++) s += f->Y[pt * R + r];
  return s / R;
}

static const char *grid_body =
    "  replications: 30\n"
    "  design: {type: grid, levels: 3}\n"
    "  factors:\n"
    "    sources.s.rate: {range: [50/d, 250/d]}\n"
    "    flows.join.p: {range: [10%, 70%]}\n";

/* Every point of a grid matches the formula within 4 standard errors; the
 * rate and the probability are parameters (set, not recompiled). */
static void sweep_matches_closed_form(void **state) {
  (void)state;
  fixture f;
  wx_study_options o = {.threads = 2};
  setup_study(&f, grid_body, &o);
  assert_true(f.ctx->param[0] >= 0 && f.ctx->param[1] >= 0);
  assert_int_equal(f.ctx->n_structural, 0);
  assert_int_equal(f.p->n_points, 9);
  run_study(&f);
  for (size_t pt = 0; pt < f.p->n_points; pt++) {
    double r = f.p->x[pt * 2], p = f.p->x[pt * 2 + 1];
    double mu = expected(r, p), se = sqrt(mu / 30);
    double got = point_mean(&f, pt);
    if (fabs(got - mu) > 4 * se)
      fail_msg("point %zu (r %g, p %g): %g vs %g (se %g)", pt, r, p, got, mu,
               se);
  }
  teardown_study(&f);
}

/* The two ways of setting a value (a parameter set on the compiled model,
 * the scenario recompiled with the value written in) give the same bits,
 * and so does any thread count. */
static void parameters_and_recompiles_agree(void **state) {
  (void)state;
  fixture a, b;
  wx_study_options o1 = {.threads = 1};
  wx_study_options o2 = {.threads = 2, .all_structural = 1};
  setup_study(&a, grid_body, &o1);
  setup_study(&b, grid_body, &o2);
  assert_int_equal(b.ctx->n_structural, 2);
  run_study(&a);
  run_study(&b);
  size_t n = a.p->n_points * a.ctx->replications;
  assert_memory_equal(a.Y, b.Y, n * sizeof *a.Y);
  teardown_study(&a);
  teardown_study(&b);
}

/* Rows of the method's output for factor i and index name. */
static const wx_study_index *row(const wx_study_indices *ix, unsigned i,
                                 const char *name) {
  for (size_t j = 0; j < ix->n; j++)
    if (ix->rows[j].factor == i && !strcmp(ix->rows[j].index, name))
      return &ix->rows[j];
  fail_msg("no %s for factor %u", name, i);
  return NULL;
}

static void analyse(fixture *f, wx_study_indices *ix) {
  memset(ix, 0, sizeof *ix);
  assert_int_equal(
      wx__study_analyse(f->spec, f->p, f->Y, 1, f->ctx->replications, ix),
      WX_OK);
}

/* The tornado's swing of each factor is the formula's difference between
 * the ends, within 4 standard errors: under common random numbers the two
 * ends' counts are positively correlated, so the variance of their
 * difference is at most the sum of their variances. */
static void tornado_swings_match(void **state) {
  (void)state;
  fixture f;
  wx_study_options o = {0};
  setup_study(&f,
              "  replications: 40\n  method: tornado\n  factors:\n"
              "    sources.s.rate: {range: [50/d, 250/d]}\n"
              "    flows.join.p: {range: [10%, 70%]}\n",
              &o);
  run_study(&f);
  wx_study_indices ix;
  analyse(&f, &ix);
  const double r0 = 150, p0 = 0.4, ends[2][2] = {{50, 250}, {0.1, 0.7}};
  for (unsigned i = 0; i < 2; i++) {
    double lo = i ? expected(r0, ends[1][0]) : expected(ends[0][0], p0);
    double hi = i ? expected(r0, ends[1][1]) : expected(ends[0][1], p0);
    double se = sqrt((lo + hi) / 40);
    const wx_study_index *s = row(&ix, i, "swing");
    if (fabs(s->value - (hi - lo)) > 4 * se)
      fail_msg("factor %u: swing %g vs %g (se %g)", i, s->value, hi - lo, se);
    assert_true(s->lo < s->value && s->value < s->hi);
  }
  wx__study_indices_free(&ix);
  teardown_study(&f);
}

/* f = c r p with r ~ U(a, b), p ~ U(c, d) independent: with means m and
 * variances v, V = (v_r + m_r^2)(v_p + m_p^2) - m_r^2 m_p^2,
 * S1_r = v_r m_p^2 / V and ST_r = 1 - S1_p (two factors).  Each estimate
 * is within twice its bootstrap half-width (about 4 standard errors). */
static void sobol_indices_of_a_product(void **state) {
  (void)state;
  fixture f;
  wx_study_options o = {0};
  setup_study(&f,
              "  replications: 2\n"
              "  method: {type: sobol, n: 256, bootstrap: 300}\n"
              "  factors:\n"
              "    sources.s.rate: {range: [100/d, 200/d]}\n"
              "    flows.join.p: {range: [20%, 60%]}\n",
              &o);
  run_study(&f);
  wx_study_indices ix;
  analyse(&f, &ix);
  double mr = 150, vr = 100.0 * 100 / 12, mp = 0.4, vp = 0.4 * 0.4 / 12;
  double V = (vr + mr * mr) * (vp + mp * mp) - mr * mr * mp * mp;
  double s1[2] = {vr * mp * mp / V, vp * mr * mr / V};
  double st[2] = {1 - s1[1], 1 - s1[0]};
  for (unsigned i = 0; i < 2; i++) {
    const wx_study_index *a = row(&ix, i, "S1"), *b = row(&ix, i, "ST");
    if (fabs(a->value - s1[i]) > (a->hi - a->lo))
      fail_msg("S1[%u] %g [%g, %g] vs %g", i, a->value, a->lo, a->hi, s1[i]);
    if (fabs(b->value - st[i]) > (b->hi - b->lo))
      fail_msg("ST[%u] %g [%g, %g] vs %g", i, b->value, b->lo, b->hi, st[i]);
  }
  wx__study_indices_free(&ix);
  teardown_study(&f);
}

/* Morris on f = K r p: the elementary effect of r on a trajectory is
 * K (r_hi - r_lo) p at the p of that step, and of p is K (p_hi - p_lo) r,
 * so given the design each mu is known; what is left is the counts'
 * Poisson noise, each effect's variance at most (mu_a + mu_b) / R / delta^2
 * under common random numbers.  Within 4 of those standard errors. */
static void morris_effects_match(void **state) {
  (void)state;
  fixture f;
  wx_study_options o = {0};
  setup_study(&f,
              "  replications: 4\n  method: {type: morris, r: 20}\n"
              "  factors:\n"
              "    sources.s.rate: {range: [100/d, 200/d]}\n"
              "    flows.join.p: {range: [20%, 60%]}\n",
              &o);
  run_study(&f);
  wx_study_indices ix;
  analyse(&f, &ix);
  const double span[2] = {100, 0.4}, delta = 4.0 / 6.0, R = 4;
  double want[2] = {0, 0}, var[2] = {0, 0};
  size_t r = f.p->n_base, k = 2;
  for (size_t t = 0; t < r; t++)
    for (size_t j = 0; j < k; j++) {
      size_t a = t * (k + 1) + j, b = a + 1;
      unsigned i = f.p->u[a * k] != f.p->u[b * k] ? 0 : 1;
      double other = f.p->x[a * k + (1 - i)];
      want[i] += expected(1, 1) * span[i] * other / r;
      double ma = expected(f.p->x[a * k], f.p->x[a * k + 1]);
      double mb = expected(f.p->x[b * k], f.p->x[b * k + 1]);
      var[i] += (ma + mb) / R / (delta * delta) / ((double)r * r);
    }
  for (unsigned i = 0; i < 2; i++) {
    const wx_study_index *m = row(&ix, i, "mu");
    if (fabs(m->value - want[i]) > 4 * sqrt(var[i]))
      fail_msg("mu[%u] %g vs %g (se %g)", i, m->value, want[i], sqrt(var[i]));
    assert_true(fabs(row(&ix, i, "mu_star")->value - m->value) < 1e-9);
  }
  wx__study_indices_free(&ix);
  teardown_study(&f);
}

static void stop_after_three(void *ctx, unsigned done, unsigned total) {
  (void)total;
  if (done == 3) atomic_store((atomic_int *)ctx, 1);
}

/* A stop keeps the finished points and leaves the others NaN. */
static void stop_keeps_finished_points(void **state) {
  (void)state;
  static atomic_int stop;
  atomic_store(&stop, 0);
  fixture f;
  wx_study_options o = {.threads = 1,
                        .stop = &stop,
                        .progress = stop_after_three,
                        .progress_ctx = &stop};
  setup_study(&f, grid_body, &o);
  unsigned char *done = NULL;
  size_t n_done = 0;
  int rc = wx__study_run(f.ctx, f.p, &f.Y, &done, &n_done, NULL);
  assert_int_equal(rc, WX_EINTERRUPTED);
  assert_int_equal(n_done, 3);
  size_t R = f.ctx->replications;
  for (size_t pt = 0; pt < f.p->n_points; pt++) {
    assert_int_equal(done[pt], pt < 3);
    assert_int_equal(isnan(f.Y[pt * R]), pt >= 3);
  }
  free(done);
  teardown_study(&f);
}

/* A misspelt KPI and a value the scenario refuses are reported at their
 * place in the study file. */
static void errors_are_positioned(void **state) {
  (void)state;
  char *base = wxt_temp_file(scenario, strlen(scenario));
  char text[1024];
  snprintf(text, sizeof text,
           "study:\n  base: %s\n  kpis: [members_end.shopp]\n  design: oat\n"
           "  factors:\n    flows.join.p: {range: [10%%, 170%%]}\n",
           base);
  wx_study_spec *s = NULL;
  wx_study_ctx *c = NULL;
  wx_diags *d = wx_diags_alloc(20);
  assert_int_equal(wx__study_spec_parse("t.yaml", text, strlen(text), &s, d),
                   WX_OK);
  assert_int_equal(wx__study_prepare(s, NULL, &c, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  assert_int_equal(e->line, 3);
  assert_int_equal(e->col, 10);
  assert_non_null(strstr(e->msg, "did you mean `members_end.shop`"));
  free(s->kpis[0]);
  s->kpis[0] = strdup("members_end.shop");
  wx_diags_clear(d);
  assert_int_equal(wx__study_prepare(s, NULL, &c, d), WX_OK);
  wx_study_design *p = NULL;
  assert_int_equal(wx__study_points(s, c->nominal, &p, d), WX_OK);
  assert_int_equal(wx__study_check_values(c, p, d), WX_ESCENARIO);
  e = wx_diags_get(d, 0);
  assert_int_equal(e->line, 6);
  assert_int_equal(e->col, 5);
  assert_non_null(strstr(e->msg, "probability"));
  wx__study_design_free(p);
  wx__study_ctx_free(c);
  wx__study_spec_free(s);
  wx_diags_free(d);
  unlink(base);
  free(base);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sweep_matches_closed_form),
      cmocka_unit_test(parameters_and_recompiles_agree),
      cmocka_unit_test(tornado_swings_match),
      cmocka_unit_test(sobol_indices_of_a_product),
      cmocka_unit_test(morris_effects_match),
      cmocka_unit_test(stop_keeps_finished_points),
      cmocka_unit_test(errors_are_positioned),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
