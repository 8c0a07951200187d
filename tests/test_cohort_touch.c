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
 * slow_responses_agree: tests/data/cohort_pending.yaml, a response with
 * mean 12 d to daily posts, often pending two or three times for one
 * person: the states hold as many firings as the pending bound needs (8
 * here), and both engines agree cell by cell as above.
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
#include "engines_agree.h"
#include "scenario_support.h"

#define R 300u

static void agrees_with_agent(void **state) {
  (void)state;
  wxt_file_agrees("tests/data/cohort_touch.yaml", R);
}

/* The articles as enterprise Moments posts on a module without staff
 * accounts (as models built in C have): at most 2 a calendar month, the
 * others refused; 2026-01-05 + 12 d stays in January, so 2 of 6 go out. */
static void enterprise_quota_agrees(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("tests/data/cohort_touch.yaml");
  m->touchpoints[0].type = WX_TP_ENTERPRISE_MOMENTS;
  m->touchpoints[0].posts_per_month = 2;
  wxt_cells_agree(m, R);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  double *s1 = calloc(2 * (size_t)l.n_samples * l.n_cols, sizeof *s1);
  assert_non_null(s1);
  wxt_run_engine("cohort", m, &l, R, s1, s1 + (size_t)l.n_samples * l.n_cols);
  size_t last = (size_t)(l.n_samples - 1) * l.n_cols;
  assert_true(s1[last + wxt_col_of(m, &l, "articles", "posts")] == 2.0 * R);
  assert_true(s1[last + wxt_col_of(m, &l, "articles", "refused_posts")] ==
              4.0 * R);
  free(s1);
  wx__layout_free(&l);
  wx_model_free(m);
}

/* The thinning of N members (cohort_thinning.yaml at its initial count
 * changed to N). */
static void thinning(double N) {
  wx_model *m = wxt_cohort_load("tests/data/cohort_thinning.yaml");
  m->params[m->sources[0].count].value = N;
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  double *buf = calloc(2 * n, sizeof *buf);
  assert_non_null(buf);
  wxt_run_engine("cohort", m, &l, R, buf, buf + n);
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
    uint32_t c = wxt_col_of(m, &l, cells[k].who, cells[k].metric);
    double q = cells[k].q;
    wxt_moments_agree(cells[k].metric, l.times[l.n_samples - 1], buf[last + c],
                      buf[n + last + c], R, N * q, N * q * (1 - q));
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

/* tests/data/cohort_pending.yaml: a response with mean 12 d to daily
 * posts, so that a person often holds two or three firings of it: the
 * state holds as many as the bound needs (cohort_pend.c;
 * the old fixed 2 refused it); both engines agree (variances where both
 * means are at least 5: a shop leave in the first day, mean 0.02, is too
 * rare for the normal theory of the variance's error). */
static void slow_responses_agree(void **state) {
  (void)state;
  wx_model *m = wxt_cohort_load("tests/data/cohort_pending.yaml");
  uint32_t f = m->touchpoints[0].responses[0];
  wx_cspace sp;
  assert_int_equal(wx__cspace_build(&sp, m), WX_OK);
  print_message("up to %u pending firings of %s\n", sp.resp_cap[f],
                m->flows[f].name);
  assert_true(sp.resp_cap[f] > WX_COHORT_TP_PEND);
  wx__cspace_free(&sp);
  wxt_cells_agree_common(m, R); /* rare counts at the start */
  wx_model_free(m);
}

/* Cohort_touch.yaml with articles.to_video's delay mean set to `mean`
 * days (posts 2 d apart) in the model (nominal) or only in the run's
 * parameters: the status of wx__cohort_check, else of the run; one
 * reason is at the response, naming it, and all name the way out. */
static int pending(double nominal, double run) {
  wx_model *m = wxt_cohort_load("tests/data/cohort_touch.yaml");
  uint32_t f = m->touchpoints[0].responses[0];
  m->params[m->flows[f].delay.p[0]].value = nominal;
  wx_layout l;
  wx_series s;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  assert_int_equal(wx__series_init(&s, &l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  par[m->flows[f].delay.p[0]] = run;
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  int rc = wx__cohort_check(m, d);
  if (rc == WX_OK) {
    void *e = wx__cohort_alloc(m, &l);
    assert_non_null(e);
    rc = wx__cohort_run(e, par, 1, &s, NULL, d);
    wx__cohort_free(e);
  }
  int named = 0; /* some reason at the response, naming it */
  for (size_t k = 0; k < wx_diags_count(d); k++) {
    const wx_error *er = wx_diags_get(d, k);
    print_message("%d:%d: %s\n", er->line, er->col, er->msg);
    assert_non_null(strstr(er->msg, "use engine: agent"));
    named |= er->line == (int)m->flows[f].pos.line &&
             strstr(er->msg, "'articles.to_video'") != NULL;
  }
  assert_int_equal(named, rc != WX_OK);
  wx_diags_free(d);
  free(par);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
  return rc;
}

/* The pending slots come from the nominal delay (cohort_pend.c): a run
 * whose delay is longer than they allow is refused at run time, at the
 * response; a delay that needs more states than the engine holds, or
 * more than WX_COHORT_TP_PEND_MAX slots, is refused by the check. */
static void long_pending_is_refused(void **state) {
  (void)state;
  assert_int_equal(pending(2.0 / 24, 2.0 / 24), WX_OK);
  assert_int_equal(pending(2.0 / 24, 3), WX_ERUNTIME);
  assert_int_equal(pending(3, 3), WX_ESCENARIO); /* 8 slots: too many states */
  assert_int_equal(pending(300, 300), WX_ESCENARIO); /* over 32 slots */
}

/* Touchpoint fission that pays rewards (cohort_fission.c
 * wx__cfiss_rewards): cohort_touch.yaml's articles with 7 per share and 11
 * per invitee.  Both engines agree on every cell (referral_cost and the
 * total cost among them), and the cohort engine's referral_cost is the
 * amounts times its shares and fission arrivals in every sample. */
static void touchpoint_rewards_agree(void **state) {
  (void)state;
  char path[1024], *text = NULL;
  snprintf(path, sizeof path, "%s/tests/data/cohort_touch.yaml", WX_SOURCE_DIR);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t cap = 1 << 16, n = 0;
  assert_non_null(text = calloc(cap + 64, 1));
  n = fread(text, 1, cap, f);
  fclose(f);
  assert_true(n > 0 && n < cap);
  const char *cap_line = "      saturation: {cap: 150}\n";
  char *at = strstr(text, cap_line);
  assert_non_null(at);
  at += strlen(cap_line);
  const char *add = "      reward: {per_share: 7, per_invite: 11}\n";
  memmove(at + strlen(add), at, strlen(at) + 1);
  memcpy(at, add, strlen(add));
  wx_model *m = wxt_load_ok(text);
  free(text);
  assert_int_equal(wx__cohort_check(m, NULL), WX_OK);
  wxt_cells_agree(m, R);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  uint32_t cost = wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "referral_cost");
  uint32_t sh = wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "shares");
  uint32_t ar = wx__layout_find(&l, WX_SCOPE_TOUCHPOINT, 0, "fission_arrivals");
  assert_true(cost != WX_NONE && sh != WX_NONE && ar != WX_NONE);
  double *s1 = calloc(2 * (size_t)l.n_samples * l.n_cols, sizeof *s1);
  assert_non_null(s1);
  wxt_run_engine("cohort", m, &l, 1, s1, s1 + (size_t)l.n_samples * l.n_cols);
  const double *last = s1 + (size_t)(l.n_samples - 1) * l.n_cols;
  assert_true(last[ar] > 0);
  for (uint32_t k = 0; k < l.n_samples; k++) {
    const double *row = s1 + (size_t)k * l.n_cols;
    assert_true(fabs(row[cost] - (7 * row[sh] + 11 * row[ar])) <=
                1e-9 * (1 + row[cost]));
  }
  free(s1);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(thinning_closed_form),
      cmocka_unit_test(agrees_with_agent),
      cmocka_unit_test(enterprise_quota_agrees),
      cmocka_unit_test(slow_responses_agree),
      cmocka_unit_test(long_pending_is_refused),
      cmocka_unit_test(touchpoint_rewards_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
