/* Touchpoints on the cohort engine (cohort_touch.c, cohort_post.c).
 *
 * agrees_with_agent: tests/data/cohort_touch.yaml (broadcasts on weekdays
 * and daily, inside sample intervals, with unfollows, delayed join and
 * move responses, instant responses into a module and an outcome, and
 * recommended viewers with an instant and a delayed response), both
 * engines, every series column at every sample time: the means differ by
 * at most 4 standard errors of their difference and so do the variances
 * (normal theory, Var(S^2) ~ 2 s^4 / (R - 1)).
 *
 * thinning_closed_form: N members, one post at reach r, unfollow u, an
 * instant move response with p and an instant join response with q that
 * the move makes stale (the agent engine's epoch): the joins of the move's
 * target are Binomial(N, r (1 - u) p), of the join's Binomial(N, r (1 - u)
 * (1 - p) q), the leaves Binomial(N, r (u + (1 - u) p)) and the unfollows
 * Binomial(N, r u); z over replications against those means and
 * variances, at N = 1e6, 1.09e9 and 1e10.
 *
 * The seeds are fixed, so the outcome is deterministic. */
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
#include "model.h"
#include "series.h"

#define R 300u

static wx_model *load(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", WX_SOURCE_DIR, rel);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(32);
  assert_non_null(d);
  if (wx_model_load(path, &m, d) != WX_OK)
    fail_msg("%s: %s", rel, wx_diags_get(d, 0)->msg);
  if (wx__cohort_check(m, d) != WX_OK)
    fail_msg("%s refused: %s", rel, wx_diags_get(d, 0)->msg);
  wx_diags_free(d);
  return m;
}

/* The column of entity `name`'s metric. */
static uint32_t col_of(const wx_model *m, const wx_layout *l, const char *name,
                       const char *metric) {
  for (uint32_t c = 0; c < l->n_cols; c++)
    if (!strcmp(wx__column_entity(m, &l->cols[c]), name) &&
        !strcmp(l->cols[c].metric, metric))
      return c;
  fail_msg("no column %s %s", name, metric);
  return 0;
}

/* Sums and sums of squares of every cell over R replications of engine t. */
static void run_engine(const char *engine, const wx_model *m,
                       const wx_layout *l, double *s1, double *s2) {
  const wx_engine_type *t = wx__engine_find(engine);
  wx_series s;
  assert_int_equal(wx__series_init(&s, l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  void *e = t->alloc(m, l);
  assert_non_null(e);
  size_t n = (size_t)l->n_samples * l->n_cols;
  for (uint32_t rep = 0; rep < R; rep++) {
    assert_int_equal(t->run(e, par, 7000u + rep, &s, NULL, NULL), WX_OK);
    for (size_t i = 0; i < n; i++) {
      s1[i] += s.v[i];
      s2[i] += s.v[i] * s.v[i];
    }
  }
  t->free(e);
  free(par);
  wx__series_free(&s);
}

/* Every cell of the two engines on m agrees (see the top). */
static void cells_agree(wx_model *m) {
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(4 * n, sizeof *buf);
  assert_non_null(buf);
  run_engine("agent", m, &l, buf, buf + n);
  run_engine("cohort", m, &l, buf + 2 * n, buf + 3 * n);
  uint32_t checked = 0;
  for (size_t i = 0; i < n; i++) {
    double ma = buf[i] / R, mc = buf[2 * n + i] / R;
    double va = fmax((buf[n + i] - R * ma * ma) / (R - 1), 0);
    double vc = fmax((buf[3 * n + i] - R * mc * mc) / (R - 1), 0);
    const wx_column *cl = &l.cols[i % l.n_cols];
    double t = l.times[i / l.n_cols], scale = fmax(fabs(ma), 1);
    if (va < 1e-9 * scale * scale && vc < 1e-9 * scale * scale) {
      if (fabs(ma - mc) > 1e-9 * scale)
        fail_msg("t=%g %s %s: %g vs %g", t, wx__column_entity(m, cl),
                 cl->metric, mc, ma);
      continue;
    }
    double z = (mc - ma) / sqrt(va / R + vc / R);
    double zv = (vc - va) / sqrt(2 * (va * va + vc * vc) / (R - 1));
    if (fabs(z) > 4 || fabs(zv) > 4)
      fail_msg(
          "t=%g %s %s: cohort %.3f (var %.3f), agent %.3f (var %.3f): "
          "z %.2f, z of variances %.2f",
          t, wx__column_entity(m, cl), cl->metric, mc, vc, ma, va, z, zv);
    checked++;
  }
  print_message("%u random cells agree (%u columns x %u samples)\n", checked,
                l.n_cols, l.n_samples);
  assert_true(checked > 100);
  free(buf);
  wx__layout_free(&l);
}

static void agrees_with_agent(void **state) {
  (void)state;
  wx_model *m = load("tests/data/cohort_touch.yaml");
  cells_agree(m);
  wx_model_free(m);
}

/* The articles as enterprise Moments posts on a module without staff
 * accounts (as models built in C have): at most 2 a calendar month, the
 * others refused; 2026-01-05 + 12 d stays in January, so 2 of 6 go out. */
static void enterprise_quota_agrees(void **state) {
  (void)state;
  wx_model *m = load("tests/data/cohort_touch.yaml");
  m->touchpoints[0].type = WX_TP_ENTERPRISE_MOMENTS;
  m->touchpoints[0].posts_per_month = 2;
  cells_agree(m);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  double *s1 = calloc(2 * (size_t)l.n_samples * l.n_cols, sizeof *s1);
  assert_non_null(s1);
  run_engine("cohort", m, &l, s1, s1 + (size_t)l.n_samples * l.n_cols);
  size_t last = (size_t)(l.n_samples - 1) * l.n_cols;
  assert_true(s1[last + col_of(m, &l, "articles", "posts")] == 2.0 * R);
  assert_true(s1[last + col_of(m, &l, "articles", "refused_posts")] == 4.0 * R);
  free(s1);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* The thinning of N members (cohort_thinning.yaml at its initial count
 * changed to N). */
static void thinning(double N) {
  wx_model *m = load("tests/data/cohort_thinning.yaml");
  m->params[m->sources[0].count].value = N;
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(2 * n, sizeof *buf);
  assert_non_null(buf);
  run_engine("cohort", m, &l, buf, buf + n);
  /* reach 2 %, a move response 30 %, a join response 50 % that the move
   * makes stale, unfollow 10 % (the yaml) */
  double r = 0.02, p = 0.3, q = 0.5, u = 0.1;
  struct {
    const char *who, *metric;
    double q;
  } cells[] = {{"b", "joins", r * (1 - u) * p},
               {"c", "joins", r * (1 - u) * (1 - p) * q},
               {"a", "leaves", r * (u + (1 - u) * p)},
               {"post", "unfollows", r * u},
               {"post", "reached", r}};
  size_t last = (size_t)(l.n_samples - 1) * l.n_cols;
  for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
    uint32_t c = col_of(m, &l, cells[k].who, cells[k].metric);
    double q = cells[k].q, mean = buf[last + c] / R;
    double var = (buf[n + last + c] - R * mean * mean) / (R - 1);
    double z = (mean - N * q) / sqrt(N * q * (1 - q) / R);
    double zv =
        (var - N * q * (1 - q)) / (N * q * (1 - q) * sqrt(2.0 / (R - 1)));
    print_message("%s %s: %.1f (closed form %.1f), z %.2f, z of var %.2f\n",
                  cells[k].who, cells[k].metric, mean, N * q, z, zv);
    assert_true(fabs(z) <= 4 && fabs(zv) <= 4);
  }
  free(buf);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* 1e6, and beyond GSL's 32-bit binomials: 1.09e9 and 1e10. */
static void thinning_closed_form(void **state) {
  (void)state;
  thinning(1e6);
  thinning(1.09e9);
  thinning(1e10);
}

/* A response still pending at the next posts beyond WX_COHORT_TP_PEND:
 * refused at run time, at the response. */
static void long_pending_is_refused(void **state) {
  (void)state;
  wx_model *m = load("tests/data/cohort_touch.yaml");
  uint32_t f = m->touchpoints[0].responses[0];
  m->params[m->flows[f].delay.p[0]].value = 3; /* mean 3 d, posts 2 d apart */
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  void *e = wx__cohort_alloc(m, &l);
  wx_diags *d = wx_diags_alloc(8);
  assert_true(e && d);
  assert_int_equal(wx__cohort_run(e, par, 1, &s, NULL, d), WX_ERUNTIME);
  const wx_error *er = wx_diags_get(d, 0);
  print_message("%d:%d: %s\n", er->line, er->col, er->msg);
  assert_int_equal(er->line, (int)m->flows[f].pos.line);
  assert_non_null(strstr(er->msg, "response 'articles.to_video'"));
  assert_non_null(strstr(er->msg, "use engine: agent"));
  wx_diags_free(d);
  wx__cohort_free(e);
  free(par);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(thinning_closed_form),
      cmocka_unit_test(agrees_with_agent),
      cmocka_unit_test(enterprise_quota_agrees),
      cmocka_unit_test(long_pending_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
