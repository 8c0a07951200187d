/* Groups in the agent engine (agent_groups.c): caps, new groups,
 * dissolving, negative feedback, welcome thinning and costs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "agent_engine.h"
#include "engine_fixture.h"

static double last(const fx_run *r, uint32_t col) {
  return fx_at(r, r->l.n_samples - 1, col);
}

/* 95 people at t = 0 into groups of 10: 10 groups open, 9 full; then
 * 500/d arrivals with churn: no group ever above its cap. */
static void groups_never_exceed_the_cap_and_new_ones_open(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t g = fx_module(m, "G");
  fx_units(m, g, WX_KIND_GROUP)->cap = 10;
  fx_flow(m, WX_FLOW_CHURN, g, WX_NONE, 0, 0.7, WX_DIST_EXPONENTIAL, 1, 0);
  fx_initial(m, g, 95);
  double from = 0, rate = 500;
  fx_poisson(m, g, 1, &from, &rate);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 5, 0), WX_OK);
  assert_true(fx_at(&r, 0, fx_unit_col(&r, g, WX_G_GROUPS_OPEN)) == 10);
  assert_true(fx_at(&r, 0, fx_unit_col(&r, g, WX_G_GROUPS_FULL)) == 9);
  wx_units_rt *u = r.e->ux->of[g];
  for (uint32_t i = 0; i < u->n; i++) assert_true(u->mem[i].n <= 10);
  for (uint32_t t = 0; t < r.l.n_samples; t++)
    assert_true(fx_at(&r, t, fx_unit_col(&r, g, WX_G_GROUPS_FULL)) <=
                fx_at(&r, t, fx_unit_col(&r, g, WX_G_GROUPS_OPEN)));
  assert_true(last(&r, fx_unit_col(&r, g, WX_G_REFUSED_FULL)) == 0);
  fx_teardown(&r);
}

/* drop: 2 groups of 10, 25 people: 5 refused. */
static void drop_refuses_when_every_group_is_full(void **state) {
  (void)state;
  wx_model *m = fx_model(1, 1);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->cap = 10, u->units = 2, u->on_refused = WX_REFUSE_DROP;
  fx_initial(m, g, 25);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(last(&r, fx_members(&r, g)) == 20);
  assert_true(last(&r, fx_unit_col(&r, g, WX_G_REFUSED_FULL)) == 5);
  fx_teardown(&r);
}

/* A functional group opened at 0 with lifetime 2.5d: its 5 members are
 * there at 2d and gone at 2.5d. */
static void functional_groups_dissolve_at_their_lifetime(void **state) {
  (void)state;
  wx_model *m = fx_model(4, 0.5);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->group_type = WX_GROUP_FUNCTIONAL, u->lifetime = 2.5;
  fx_initial(m, g, 5);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fx_at(&r, fx_sample(&r, 2), fx_members(&r, g)) == 5);
  assert_true(fx_at(&r, fx_sample(&r, 2.5), fx_members(&r, g)) == 0);
  assert_true(fx_at(&r, fx_sample(&r, 2), fx_unit_col(&r, g, WX_G_DISSOLVED)) ==
              0);
  assert_true(last(&r, fx_unit_col(&r, g, WX_G_DISSOLVED)) == 1);
  assert_true(last(&r, fx_unit_col(&r, g, WX_G_GROUPS_OPEN)) == 0);
  fx_teardown(&r);
}

/* One group of N = 200 at activity 0; k events on day 1 each remove
 * members independently with q: given k, leavers L ~ N - Binomial(N,
 * (1-q)^k).  Over 300 replications sum L is within 4 sd of its mean. */
static void negative_feedback_leavers_are_binomial(void **state) {
  (void)state;
  const double n = 200, q = 0.1;
  wx_model *m = fx_model(1, 1);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->cap = 1000, u->act_initial = 0;
  u->nf_rate = fx_param(m, 1.5), u->nf_leave = fx_param(m, q);
  fx_initial(m, g, n);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  double sum = 0, mean = 0, var = 0, events = 0;
  for (uint64_t rep = 0; rep < 300; rep++) {
    assert_int_equal(fx_go(&r, 9, rep), WX_OK);
    double k = last(&r, fx_unit_col(&r, g, WX_G_NF_EVENTS));
    double leavers = last(&r, fx_unit_col(&r, g, WX_G_NF_LEAVES));
    double stay = pow(1 - q, k);
    assert_true(last(&r, fx_members(&r, g)) == n - leavers);
    sum += leavers, events += k;
    mean += n * (1 - stay), var += n * stay * (1 - stay);
  }
  assert_true(events > 300); /* Poisson(1.5) per replication */
  assert_true(fabs(sum - mean) <= 4 * sqrt(var));
  fx_teardown(&r);
}

/* Churn p = 1, delay Exp(mean 5d); welcome x = 0.4 within 2d.  By 2d the
 * leavers are Binomial(N, x F) and the thinned Binomial(N, (1-x) F), F =
 * 1 - exp(-2/5). */
static void welcome_thins_churn_inside_the_window(void **state) {
  (void)state;
  const double n = 20000, x = 0.4, f = 1 - exp(-2.0 / 5);
  wx_model *m = fx_model(4, 1);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->cap = 1e9, u->welcome_x = x, u->welcome_window = 2;
  fx_flow(m, WX_FLOW_CHURN, g, WX_NONE, 0, 1, WX_DIST_EXPONENTIAL, 5, 0);
  fx_initial(m, g, n);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 4, 0), WX_OK);
  double left = fx_at(&r, 2, fx_leaves(&r, g));
  double kept = last(&r, fx_unit_col(&r, g, WX_G_WELCOME_KEPT));
  double p1 = x * f, p2 = (1 - x) * f;
  assert_true(fabs(left - n * p1) <= 4 * sqrt(n * p1 * (1 - p1)));
  assert_true(fabs(kept - n * p2) <= 4 * sqrt(n * p2 * (1 - p2)));
  /* after the window churn is untouched: leaves in (2, 4] ~ N (F(4)-F(2)) */
  double p3 = exp(-2.0 / 5) - exp(-4.0 / 5);
  double later = last(&r, fx_leaves(&r, g)) - left;
  assert_true(fabs(later - n * p3) <= 4 * sqrt(n * p3 * (1 - p3)));
  fx_teardown(&r);
}

/* 3 groups (drop) at 30 per 30 days over 90 days: 270. */
static void group_costs_add_up(void **state) {
  (void)state;
  wx_model *m = fx_model(90, 1);
  uint32_t g = fx_module(m, "G");
  wx_units_cfg *u = fx_units(m, g, WX_KIND_GROUP);
  u->units = 3, u->on_refused = WX_REFUSE_DROP, u->cost = 30;
  fx_initial(m, g, 1);
  fx_run r;
  assert_int_equal(fx_setup(&r, m), 0);
  assert_int_equal(fx_go(&r, 1, 0), WX_OK);
  assert_true(fabs(last(&r, fx_unit_col(&r, g, WX_G_COST)) - 270) < 1e-9);
  fx_teardown(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(groups_never_exceed_the_cap_and_new_ones_open),
      cmocka_unit_test(drop_refuses_when_every_group_is_full),
      cmocka_unit_test(functional_groups_dissolve_at_their_lifetime),
      cmocka_unit_test(negative_feedback_leavers_are_binomial),
      cmocka_unit_test(welcome_thins_churn_inside_the_window),
      cmocka_unit_test(group_costs_add_up),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
