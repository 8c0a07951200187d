/* Touchpoints against theory: reach is Binomial(n, p) per post, responses
 * and unfollows thin the reached binomially, recommended viewers' responses
 * are Poisson.  Fixed seeds; tolerances are 4 standard errors from the
 * formulas cited at each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "touch_fixture.h"

/* Per-post increments of a cumulative column: row k minus row k - 1. */
static double step(const fx_run *r, uint32_t k, uint32_t col) {
  return fx_at(r, k, col) - (k ? fx_at(r, k - 1, col) : 0);
}

/* N initial members, no churn, one post a day at t = 0, 1, ..., P - 1:
 * reached per post ~ Binomial(N, p): mean N p, variance v = N p (1 - p),
 * m4 = v (1 + 3 (N - 2) p (1 - p)); Var(S^2) = (m4 - v^2 (P-3)/(P-1)) / P. */
static void reach_per_post_is_binomial(void **state) {
  (void)state;
  const double N = 2000, p = 0.05;
  const uint32_t P = 400;
  wx_model *m = fx_model(P - 1, 1);
  uint32_t a = fx_module(m, "A");
  fx_initial(m, a, N);
  uint32_t tp = fx_touch(m, a, 1, p);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 7, 0), WX_OK);
  uint32_t col = fx_tp_col(&r, tp, WX_TP_REACHED);
  double s1 = 0, s2 = 0;
  for (uint32_t k = 0; k < P; k++) {
    double x = step(&r, k, col);
    s1 += x;
    s2 += x * x;
  }
  double mean = s1 / P, var = (s2 - P * mean * mean) / (P - 1);
  double v = N * p * (1 - p), m4 = v * (1 + 3 * (N - 2) * p * (1 - p));
  assert_int_equal(fx_at(&r, P - 1, fx_tp_col(&r, tp, WX_TP_POSTS)), P);
  assert_true(fabs(mean - N * p) <= 4 * sqrt(v / P));
  assert_true(fabs(var - v) <=
              4 * sqrt((m4 - v * v * (P - 3.0) / (P - 1)) / P));
  assert_int_equal(fx_at(&r, P - 1, fx_members(&r, a)), N);
  fx_teardown(&r);
}

/* Given R reached in all, a response with p = q fires ~ Binomial(R, q)
 * (delay 0, to an outcome); with unfollow u, unfollows ~ Binomial(R, u)
 * and the response is only open to the rest: Binomial(R - U, q). */
static void responses_and_unfollows_thin_binomially(void **state) {
  (void)state;
  const double N = 5000, q = 0.2, u = 0.01;
  wx_model *m = fx_model(59, 1);
  uint32_t a = fx_module(m, "A");
  fx_initial(m, a, N);
  uint32_t tp = fx_touch(m, a, 1, 0.1);
  m->params[m->touchpoints[tp].unfollow].value = u;
  uint32_t buy = wx__model_add_outcome(m, "buy", NULL, (wx_pos){0, 0});
  uint32_t f = fx_response(m, tp, buy, 1, q, 0, 0);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 11, 0), WX_OK);
  uint32_t last = r.l.n_samples - 1;
  double R = fx_at(&r, last, fx_tp_col(&r, tp, WX_TP_REACHED));
  double U = fx_at(&r, last, fx_tp_col(&r, tp, WX_TP_UNFOLLOWS));
  double F = fx_at(&r, last, r.l.flow_base + f);
  assert_true(R > 10000);
  assert_true(fabs(U - R * u) <= 4 * sqrt(R * u * (1 - u)));
  assert_true(fabs(F - (R - U) * q) <= 4 * sqrt((R - U) * q * (1 - q)));
  assert_int_equal(fx_at(&r, last, r.l.outcome_base + buy), F);
  assert_int_equal(fx_at(&r, last, fx_members(&r, a)), N - U);
  fx_teardown(&r);
}

/* Leaving the module cancels a pending response: members churn after a
 * fixed 0.5 d while the response waits 1 d. */
static void leaving_cancels_a_pending_response(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  fx_initial(m, a, 1000);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_FIXED, 0.5, 0);
  uint32_t tp = fx_touch(m, a, 100, 1.0);
  fx_response(m, tp, b, 0, 1.0, 1.0, 0);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  assert_int_equal(fx_at(&r, 0, fx_tp_col(&r, tp, WX_TP_REACHED)), 1000);
  assert_int_equal(fx_at(&r, 10, fx_joins(&r, b)), 0);
  fx_teardown(&r);
}

/* Recommended viewers: Poisson(V) per post, each takes a response with p:
 * new people per post ~ Poisson(V p) (thinning); over P posts the total is
 * Poisson(P V p). */
static void recommended_viewers_arrive_poisson(void **state) {
  (void)state;
  const double V = 1000, p = 0.02;
  const uint32_t P = 50;
  wx_model *m = fx_model(P - 1, 1);
  uint32_t a = fx_module(m, "video"), b = fx_module(m, "oa");
  uint32_t tp = fx_touch(m, a, 1, 0.1);
  m->touchpoints[tp].views = fx_param(m, V);
  fx_response(m, tp, a, 0, p, 0, 1);
  fx_response(m, tp, b, 0, p, 0, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 5, 0), WX_OK);
  uint32_t last = r.l.n_samples - 1;
  double mu = P * V * p;
  double ja = fx_at(&r, last, fx_joins(&r, a));
  double jb = fx_at(&r, last, fx_joins(&r, b));
  assert_true(fabs(ja - mu) <= 4 * sqrt(mu));
  assert_true(fabs(jb - mu) <= 4 * sqrt(mu));
  double views = fx_at(&r, last, fx_tp_col(&r, tp, WX_TP_VIEWS));
  assert_true(fabs(views - P * V) <= 4 * sqrt(P * V));
  fx_teardown(&r);
}

/* Adding a touchpoint to module B (no responses, no unfollow) leaves
 * every other stream as it was: A's series are identical. */
static void a_touchpoint_does_not_shift_other_streams(void **state) {
  (void)state;
  fx_run r[2];
  for (int with = 0; with < 2; with++) {
    wx_model *m = fx_model(30, 1);
    uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
    double from[] = {0}, rate[] = {50};
    fx_poisson(m, a, 1, from, rate);
    fx_initial(m, b, 500);
    fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 3, 0);
    if (with) fx_touch(m, b, 1, 0.3);
    assert_int_equal(fx_setup(&r[with], m), 0);
    assert_int_equal(fx_go(&r[with], 9, 2), WX_OK);
  }
  for (uint32_t k = 0; k < r[0].l.n_samples; k++)
    for (uint32_t c = 0; c < r[0].l.n_cols; c++)
      assert_true(fx_at(&r[0], k, c) == fx_at(&r[1], k, c));
  fx_teardown(&r[0]);
  fx_teardown(&r[1]);
}

static void same_seed_same_series_with_touchpoints(void **state) {
  (void)state;
  wx_model *m = fx_model(30, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  fx_initial(m, a, 3000);
  uint32_t tp = fx_touch(m, a, 2, 0.2);
  m->params[m->touchpoints[tp].unfollow].value = 0.05;
  fx_response(m, tp, b, 0, 0.3, 1, 0);
  fx_fission(m, &m->touchpoints[tp].fission, 0.1, 2, 0, 1, a);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  size_t n = (size_t)r.s.n_samples * r.s.n_cols;
  double *first = malloc(n * sizeof *first);
  assert_non_null(first);
  assert_int_equal(fx_go(&r, 4, 1), WX_OK);
  for (size_t i = 0; i < n; i++) first[i] = r.s.v[i];
  assert_int_equal(fx_go(&r, 4, 1), WX_OK);
  for (size_t i = 0; i < n; i++) assert_true(first[i] == r.s.v[i]);
  assert_int_equal(fx_go(&r, 4, 2), WX_OK);
  int differs = 0;
  for (size_t i = 0; i < n; i++) differs |= first[i] != r.s.v[i];
  assert_true(differs);
  free(first);
  fx_teardown(&r);
}

/* Mondays and Thursdays at 20:00 from a Monday start, plus dates 10 d
 * (a Thursday: the same firing, counted once) and 12 d, horizon 14 d:
 * posts at 0.83, 3.83, 7.83, 10.83, 12.83. */
static void posts_fire_on_schedule_in_the_engine(void **state) {
  (void)state;
  wx_model *m = fx_model(14, 1);
  uint32_t a = fx_module(m, "A");
  uint32_t tp = fx_touch(m, a, 0, 0.5);
  static double dates[] = {10, 12};
  wx_schedule *s = &m->touchpoints[tp].sched;
  s->weekdays = 1u | 1u << 3;
  s->at = 20.0 / 24;
  s->dates = malloc(sizeof dates);
  memcpy(s->dates, dates, sizeof dates);
  s->n_dates = 2;
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  double want[15] = {0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5};
  uint32_t col = fx_tp_col(&r, tp, WX_TP_POSTS);
  for (uint32_t k = 0; k < 15; k++) assert_true(fx_at(&r, k, col) == want[k]);
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reach_per_post_is_binomial),
      cmocka_unit_test(responses_and_unfollows_thin_binomially),
      cmocka_unit_test(leaving_cancels_a_pending_response),
      cmocka_unit_test(recommended_viewers_arrive_poisson),
      cmocka_unit_test(a_touchpoint_does_not_shift_other_streams),
      cmocka_unit_test(same_seed_same_series_with_touchpoints),
      cmocka_unit_test(posts_fire_on_schedule_in_the_engine),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
