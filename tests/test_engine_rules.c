/* The agent engine's rules, on small deterministic models (fixed delays),
 * and its determinism, reuse, stop flag and statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"

/* One person in A at t = 0; A churns at 1d; a join A -> B is due at
 * `join_at`.  Leaving A must cancel the join when join_at > 1. */
static void run_cancel_case(double join_at, double want_b_joins,
                            uint64_t want_stale) {
  wx_model *m = fx_model(5, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 1, WX_DIST_FIXED, 1, 0);
  uint32_t j = fx_flow(m, WX_FLOW_JOIN, a, b, 0, 1, WX_DIST_FIXED, join_at, 0);
  fx_initial(m, a, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  uint32_t last = r.l.n_samples - 1;
  assert_true(fx_at(&r, 0, fx_members(&r, a)) == 1);
  assert_true(fx_at(&r, 1, fx_members(&r, a)) == 0); /* event at t == 1 */
  assert_true(fx_at(&r, last, fx_joins(&r, b)) == want_b_joins);
  assert_true(fx_at(&r, last, r.l.flow_base + j) == want_b_joins);
  wx_engine_stats st;
  wx__engine_stats(r.e, &st);
  assert_int_equal(st.stale, want_stale);
  assert_int_equal(st.arrivals, 1);
  fx_teardown(&r);
}

static void leaving_cancels_pending_join(void **state) {
  (void)state;
  run_cancel_case(2.0, 0, 1);
}

static void join_due_before_leaving_fires(void **state) {
  (void)state;
  run_cancel_case(0.5, 1, 0);
}

/* One person in A joins B at 1d and again (a second join flow) at 2d; B
 * churns 1.5d after entering.  The second entry must change nothing: B is
 * joined once, and the churn drawn at 1d still fires at 2.5d. */
static void entering_a_module_again_changes_nothing(void **state) {
  (void)state;
  wx_model *m = fx_model(4, 0.5);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  uint32_t j1 = fx_flow(m, WX_FLOW_JOIN, a, b, 0, 1, WX_DIST_FIXED, 1, 0);
  uint32_t j2 = fx_flow(m, WX_FLOW_JOIN, a, b, 0, 1, WX_DIST_FIXED, 2, 0);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, 1, WX_DIST_FIXED, 1.5, 0);
  fx_initial(m, a, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  uint32_t s2 = fx_sample(&r, 2), s25 = fx_sample(&r, 2.5);
  assert_true(fx_at(&r, s2, r.l.flow_base + j1) == 1);
  assert_true(fx_at(&r, s2, r.l.flow_base + j2) == 1);
  assert_true(fx_at(&r, s2, fx_joins(&r, b)) == 1);
  assert_true(fx_at(&r, s2, fx_members(&r, b)) == 1);
  assert_true(fx_at(&r, s25, fx_members(&r, b)) == 0);
  assert_true(fx_at(&r, s25, fx_members(&r, a)) == 1);
  wx_engine_stats st;
  wx__engine_stats(r.e, &st);
  assert_int_equal(st.stale, 0);
  assert_int_equal(st.events, 1 + 3);
  fx_teardown(&r);
}

/* A move A -> B -> outcome with fixed delays: counts and levels. */
static void move_to_outcome_counts_and_ends_membership(void **state) {
  (void)state;
  wx_model *m = fx_model(3, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B");
  uint32_t o = wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, 1, WX_DIST_FIXED, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, o, 1, 1, WX_DIST_FIXED, 1, 0);
  fx_initial(m, a, 10);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 3, 0), WX_OK);
  assert_true(fx_at(&r, 1, fx_members(&r, a)) == 0);
  assert_true(fx_at(&r, 1, fx_members(&r, b)) == 10);
  assert_true(fx_at(&r, 2, fx_members(&r, b)) == 0);
  assert_true(fx_at(&r, 2, r.l.outcome_base + o) == 10);
  wx_engine_stats st;
  wx__engine_stats(r.e, &st);
  assert_int_equal(st.peak_live, 10);
  fx_teardown(&r);
}

/* A busy model with every flow type and distribution in play. */
static wx_model *busy_model(void) {
  wx_model *m = fx_model(30, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t o = wx__model_add_outcome(m, "purchase", NULL, (wx_pos){0, 0});
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, 0.3, WX_DIST_GAMMA, 2, 3);
  fx_flow(m, WX_FLOW_CHURN, a, WX_NONE, 0, 0.5, WX_DIST_EXPONENTIAL, 5, 0);
  fx_flow(m, WX_FLOW_JOIN, a, c, 0, 0.2, WX_DIST_LOGNORMAL, 2, 0.5);
  fx_flow(m, WX_FLOW_CHURN, b, WX_NONE, 0, 0.7, WX_DIST_WEIBULL, 1.5, 4);
  fx_flow(m, WX_FLOW_JOIN, b, o, 1, 0.1, WX_DIST_UNIFORM, 1, 3);
  fx_flow(m, WX_FLOW_MOVE, c, a, 0, 0.4, WX_DIST_FIXED, 2, 0);
  fx_initial(m, a, 500);
  double from[] = {0, 10}, rate[] = {200, 50};
  fx_poisson(m, a, 2, from, rate);
  return m;
}

static void same_seed_same_series_different_seed_differs(void **state) {
  (void)state;
  fx_run r;
  assert_int_equal(fx_setup(&r, busy_model()), 0);
  size_t bytes = (size_t)r.s.n_samples * r.s.n_cols * sizeof *r.s.v;
  double *first = malloc(bytes);
  assert_non_null(first);
  assert_int_equal(fx_go(&r, 42, 0), WX_OK);
  memcpy(first, r.s.v, bytes);
  assert_int_equal(fx_go(&r, 42, 1), WX_OK); /* another replication */
  assert_true(memcmp(first, r.s.v, bytes) != 0);
  assert_int_equal(fx_go(&r, 42, 0), WX_OK); /* the engine, reused */
  assert_memory_equal(first, r.s.v, bytes);
  fx_run fresh;
  assert_int_equal(fx_setup(&fresh, busy_model()), 0);
  assert_int_equal(fx_go(&fresh, 42, 0), WX_OK);
  assert_memory_equal(first, fresh.s.v, bytes);
  assert_int_equal(fx_go(&fresh, 43, 0), WX_OK);
  assert_true(memcmp(first, fresh.s.v, bytes) != 0);
  fx_teardown(&fresh);
  fx_teardown(&r);
  free(first);
}

/* Events = arrivals + non-stale firings; arrivals = sum over sources;
 * members = joins - leaves at every sample. */
static void stats_agree_with_series(void **state) {
  (void)state;
  fx_run r;
  assert_int_equal(fx_setup(&r, busy_model()), 0);
  assert_int_equal(fx_go(&r, 7, 0), WX_OK);
  wx_engine_stats st;
  wx__engine_stats(r.e, &st);
  uint32_t last = r.l.n_samples - 1;
  double fired = 0, arrivals = 0;
  for (uint32_t f = 0; f < r.m->n_flows; f++)
    fired += fx_at(&r, last, r.l.flow_base + f);
  for (uint32_t s = 0; s < r.m->n_sources; s++)
    arrivals += fx_at(&r, last, r.l.source_base + s);
  assert_true(arrivals == (double)st.arrivals);
  assert_true((double)st.events == arrivals + fired);
  assert_true(st.stale > 0);
  assert_true(st.peak_live > 0 && st.peak_live <= st.arrivals);
  assert_true(st.peak_bytes > 0);
  for (uint32_t k = 0; k < r.l.n_samples; k++)
    for (uint32_t i = 0; i < r.m->n_modules; i++)
      assert_true(fx_at(&r, k, fx_members(&r, i)) ==
                  fx_at(&r, k, fx_joins(&r, i)) -
                      fx_at(&r, k, fx_leaves(&r, i)));
  fx_teardown(&r);
}

static void stop_flag_interrupts(void **state) {
  (void)state;
  fx_run r;
  assert_int_equal(fx_setup(&r, busy_model()), 0);
  atomic_int stop = 1;
  assert_int_equal(wx__engine_run(r.e, r.params, 1, &r.s, &stop),
                   WX_EINTERRUPTED);
  wx_engine_stats st;
  wx__engine_stats(r.e, &st);
  assert_true(st.events + st.stale <= 4096 + st.arrivals);
  stop = 0;
  assert_int_equal(wx__engine_run(r.e, r.params, 1, &r.s, &stop), WX_OK);
  fx_teardown(&r);
}

static void series_of_wrong_shape_is_rejected(void **state) {
  (void)state;
  fx_run r;
  assert_int_equal(fx_setup(&r, busy_model()), 0);
  wx_series bad = r.s;
  bad.n_cols--;
  assert_int_equal(wx__engine_run(r.e, r.params, 1, &bad, NULL), WX_EINVAL);
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(leaving_cancels_pending_join),
      cmocka_unit_test(join_due_before_leaving_fires),
      cmocka_unit_test(entering_a_module_again_changes_nothing),
      cmocka_unit_test(move_to_outcome_counts_and_ends_membership),
      cmocka_unit_test(same_seed_same_series_different_seed_differs),
      cmocka_unit_test(stats_agree_with_series),
      cmocka_unit_test(stop_flag_interrupts),
      cmocka_unit_test(series_of_wrong_shape_is_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
