/* What the cohort engine refuses, and where: every unsupported feature
 * gets a file:line:col diagnostic naming it and suggesting the agent
 * engine; a Markov model passes.  Every shipped scenario either passes the
 * check and runs, or is refused with at least one positioned reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cohort.h"
#include "engine_fixture.h"
#include "scenario_support.h"

static const char *head =
    "wxflow: 1\n"
    "horizon: 20d\n"
    "sample_every: 1d\n"
    "modules:\n"
    "  oa: {kind: official_account}\n"
    "  shop: {kind: mini_program}\n"
    "sources:\n"
    "  content: {into: oa, rate: 50/d}\n";

/* Loads head + tail; returns the cohort check's diagnostics. */
static wx_diags *check(const char *tail, int *rc) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", head, tail);
  wx_model *m = wxt_load_ok(text);
  wx_diags *d = wx_diags_alloc(32);
  assert_non_null(d);
  *rc = wx__cohort_check(m, d);
  wx_model_free(m);
  return d;
}

/* Some diagnostic is at line:col and holds both fragments. */
static void expect(const wx_diags *d, int line, int col, const char *a,
                   const char *b) {
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->line == line && e->col == col && strstr(e->msg, a) &&
        strstr(e->msg, b) && strstr(e->msg, "engine: agent"))
      return;
  }
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    print_message("%d:%d: %s\n", e->line, e->col, e->msg);
  }
  fail_msg("no diagnostic at %d:%d with '%s' and '%s'", line, col, a, b);
}

static void markov_model_passes(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "flows:\n"
      "  go: {from: oa, to: shop, p: 20%, "
      "delay: exponential(3d)}\n"
      "  bye: {from: oa, type: churn, p: 50%, "
      "delay: exponential(10d)}\n"
      "  also: {from: oa, to: shop, type: join, p: 10%, "
      "delay: exponential(1d)}\n",
      &rc);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
}

/* An outcome one person can reach by two flows gets a per-state "bought"
 * flag (cohort_space.c): accepted, and refused only when the flags take
 * the state space past its bound. */
static void outcome_reached_twice_is_accepted(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "outcomes:\n"
      "  buy: {value: \"gamma(shape=2, mean=80)\"}\n"
      "flows:\n"
      "  go: {from: oa, to: shop, p: 20%, "
      "delay: exponential(3d)}\n"
      "  try: {from: oa, to: buy, type: join, p: 10%, "
      "delay: exponential(1d)}\n"
      "  pay: {from: shop, to: buy, p: 10%, "
      "delay: \"gamma(shape=3, mean=2d)\"}\n",
      &rc);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
  d = check(
      "outcomes:\n"
      "  buy: {value: \"gamma(shape=2, mean=80)\"}\n"
      "flows:\n"
      "  go: {from: oa, to: shop, p: 20%, delay: exponential(3d)}\n"
      "  pay: {from: shop, to: buy, p: 10%, "
      "delay: \"gamma(shape=3, mean=2d)\"}\n",
      &rc);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
}

/* Twelve outcomes, each bought by an instant response of one of two
 * weekly posts: one state without flags, but 2^12 combinations of
 * "has bought" flags, past the 2048 states; refused, saying so. */
static void bought_flags_past_the_bound_are_refused(void **state) {
  (void)state;
  char tail[3000] = "outcomes:\n";
  size_t n = strlen(tail);
  for (int k = 0; k < 12; k++)
    n += (size_t)snprintf(tail + n, sizeof tail - n, "  o%d: {value: 10}\n", k);
  n += (size_t)snprintf(tail + n, sizeof tail - n, "touchpoints:\n");
  for (int t = 0; t < 2; t++) {
    n += (size_t)snprintf(tail + n, sizeof tail - n,
                          "  p%d:\n"
                          "    module: oa\n"
                          "    schedule: {every: 7d, at: \"%s\"}\n"
                          "    reach: 10%%\n"
                          "    responses:\n",
                          t, t ? "20:00" : "10:00");
    for (int k = 0; k < 6; k++)
      n += (size_t)snprintf(tail + n, sizeof tail - n,
                            "      b%d: {to: o%d, p: 5%%, delay: 0d}\n", k,
                            6 * t + k);
  }
  int rc;
  wx_diags *d = check(tail, &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  assert_int_equal(wx_diags_count(d), 1);
  const wx_error *e = wx_diags_get(d, 0);
  print_message("%d:%d: %s\n", e->line, e->col, e->msg);
  assert_non_null(strstr(e->msg, "\"has bought\" flag"));
  assert_non_null(strstr(e->msg, "2048 membership states"));
  assert_non_null(strstr(e->msg, "use engine: agent"));
  wx_diags_free(d);
  /* half of them: 2^6 flag combinations, accepted */
  char *cut = strstr(tail, "  p1:\n");
  assert_non_null(cut);
  *cut = 0;
  d = check(tail, &rc);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
}

static void non_exponential_delay_is_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "flows:\n"
      "  go: {from: oa, to: shop, p: 20%, "
      "delay: exponential(3d)}\n"
      "  slow: {from: shop, type: churn, p: 50%, "
      "delay: \"gamma(shape=2.5, mean=3d)\"}\n"
      "  erlang: {from: oa, type: join, to: shop, p: 5%, "
      "delay: \"gamma(shape=3, mean=3d)\"}\n"
      "  odd: {from: shop, to: oa, type: join, p: 50%, "
      "delay: \"lognormal(median=1d, sigma=0.5)\"}\n"
      "  now: {from: oa, type: churn, p: 5%, delay: 0d}\n",
      &rc);
  /* every delay has a form: the one refusal is the cycle oa -> shop -> oa
   * (an instant flow fires at entry: cohort_instant.c) */
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 12, 3, "flow 'erlang'", "cycle");
  assert_int_equal(wx_diags_count(d), 1);
  wx_diags_free(d);
}

/* oa joins m1..m8 in parallel: a state is, per module, its join pending,
 * done or neither, so 3^8 states with oa, and the empty one: the message
 * gives the count. */
static void state_bound_gives_the_count(void **state) {
  (void)state;
  char text[4096] =
      "wxflow: 1\nhorizon: 20d\nsample_every: 1d\nmodules:\n"
      "  oa: {kind: official_account}\n";
  size_t n = strlen(text);
  for (int k = 1; k <= 8; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "  m%d: {kind: mini_program}\n", k);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "sources:\n  content: {into: oa, rate: 50/d}\n"
                        "flows:\n");
  for (int k = 1; k <= 8; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "  j%d: {from: oa, to: m%d, type: join, p: 50%%, "
                          "delay: exponential(%dd)}\n",
                          k, k, k);
  wx_model *m = wxt_load_ok(text);
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  print_message("%d:%d: %s\n", e->line, e->col, e->msg);
  assert_non_null(
      strstr(e->msg, "6562 reachable membership states of at most 2048"));
  wx_diags_free(d);
  wx_model_free(m);
}

/* Posts and staff admissions place people in states directly: an
 * instant flow out of a module they enter is refused. */
static void instant_after_posts_and_units_is_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "outcomes:\n  lead: {label: lead}\n"
      "flows:\n"
      "  shop_now: {from: shop, to: lead, type: join, p: 50%, delay: 0d}\n"
      "touchpoints:\n"
      "  news:\n"
      "    module: oa\n"
      "    schedule: {every: 7d, at: \"10:00\"}\n"
      "    reach: 10%\n"
      "    responses:\n"
      "      buy: {to: shop, p: 5%, delay: 0d}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 12, 3, "flow 'shop_now'", "instant response enters");
  wx_diags_free(d);
  wx_model *m = wxt_load_ok(
      "wxflow: 1\nhorizon: 10d\nsample_every: 1d\nmodules:\n"
      "  sdr: {kind: wecom, accounts: 2, friend_cap: 50, daily_adds: 10}\n"
      "outcomes:\n  lead: {label: lead}\n"
      "sources:\n  card: {into: sdr, rate: 5/d}\n"
      "flows:\n"
      "  sdr_now: {from: sdr, to: lead, type: join, p: 50%, delay: 0d}\n");
  d = wx_diags_alloc(8);
  assert_non_null(d);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  expect(d, 11, 3, "flow 'sdr_now'", "staff or group module");
  wx_diags_free(d);
  wx_model_free(m);
}

/* A rule refusal (here an instant flow behind an instant response) is no
 * size bound: the responses holding many pending firings (to_shop, up
 * to 14, tests/data/cohort_pend.yaml) are not blamed for it. */
static void rule_refusal_blames_no_pending_slots(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "outcomes:\n  lead: {label: lead}\n"
      "flows:\n"
      "  shop_now: {from: shop, to: lead, type: join, p: 50%, delay: 0d}\n"
      "touchpoints:\n"
      "  daily:\n"
      "    module: oa\n"
      "    schedule: {every: 1d, at: \"09:00\"}\n"
      "    reach: 60%\n"
      "    responses:\n"
      "      buy: {to: shop, p: 5%, delay: 0d}\n"
      "      to_shop: {to: shop, p: 50%, delay: exponential(2d)}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 12, 3, "flow 'shop_now'", "instant response enters");
  for (size_t i = 0; i < wx_diags_count(d); i++)
    if (strstr(wx_diags_get(d, i)->msg, "past its bound"))
      fail_msg("%d:%d: %s", wx_diags_get(d, i)->line, wx_diags_get(d, i)->col,
               wx_diags_get(d, i)->msg);
  wx_diags_free(d);
}

/* An entry of a into b, whose 8 instant joins include one into c with 8
 * of its own, fans out 2^7 x (2^8 + 1) ways: refused, not enumerated. */
static void instant_fan_out_is_bounded(void **state) {
  (void)state;
  char text[4096] =
      "wxflow: 1\nhorizon: 10d\nsample_every: 1d\nmodules:\n"
      "  a: {kind: official_account}\n  b: {kind: mini_program}\n"
      "  c: {kind: mini_program}\noutcomes:\n";
  size_t n = strlen(text);
  for (int k = 0; k < 8; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "  o%d: {label: o}\n", k);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "sources:\n  s: {into: a, rate: 5/d}\nflows:\n"
                        "  ab: {from: a, to: b, type: join, p: 50%%, "
                        "delay: 0d}\n"
                        "  bc: {from: b, to: c, type: join, p: 50%%, "
                        "delay: 0d}\n");
  for (int k = 1; k < 16; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "  j%d: {from: %s, to: o%d, type: join, p: 50%%, "
                          "delay: 0d}\n",
                          k, k < 8 ? "b" : "c", k % 8);
  wx_model *m = wxt_load_ok(text);
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  print_message("%d:%d: %s\n", e->line, e->col, e->msg);
  assert_non_null(strstr(e->msg, "lead more than 16384 ways"));
  wx_diags_free(d);
  wx_model_free(m);
}

/* tests/data/cohort_instant.yaml with a post on a responding into b: its
 * trees overflow (one state's tree past 4096 nodes) and the message says
 * whose, with the nodes. */
static void tree_bound_names_the_tree(void **state) {
  (void)state;
  char path[1024], text[8192];
  snprintf(path, sizeof path, "%s/tests/data/cohort_instant.yaml",
           WX_SOURCE_DIR);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(text, 1, sizeof text - 512, f);
  fclose(f);
  snprintf(text + n, sizeof text - n,
           "touchpoints:\n  news:\n    module: a\n"
           "    schedule: {every: 2d, at: \"10:00\"}\n    reach: 30%%\n"
           "    responses:\n"
           "      to_b: {to: b, p: 20%%, delay: exponential(6h)}\n");
  wx_model *m = wxt_load_ok(text);
  wx_diags *d = wx_diags_alloc(8);
  assert_non_null(d);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  const wx_error *e = wx_diags_get(d, 0);
  print_message("%d:%d: %s\n", e->line, e->col, e->msg);
  assert_non_null(strstr(e->msg,
                         "a step tree exceeds the bound: the tree "
                         "of a person in "));
  assert_non_null(strstr(e->msg, " has 4096 nodes, all trees so far "));
  wx_diags_free(d);
  wx_model_free(m);
}

static void cycle_is_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "flows:\n"
      "  go: {from: oa, to: shop, p: 20%, "
      "delay: exponential(3d)}\n"
      "  back: {from: shop, to: oa, p: 50%, "
      "delay: exponential(3d)}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  assert_int_equal(wx_diags_count(d), 1);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(strstr(e->msg, "cycle"));
  assert_true(e->line == 10 || e->line == 11);
  wx_diags_free(d);
}

/* The cycle B -> C -> B lies after A -> B and before C -> D: the message
 * names a flow on it (f1 or f2), not f0 or f3. */
static void the_flow_named_is_on_the_cycle(void **state) {
  (void)state;
  wx_model *m = fx_model(10, 1);
  uint32_t a = fx_module(m, "A"), b = fx_module(m, "B"), c = fx_module(m, "C");
  uint32_t dd = fx_module(m, "D");
  fx_flow(m, WX_FLOW_MOVE, a, b, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, b, c, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_MOVE, c, b, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_flow(m, WX_FLOW_JOIN, c, dd, 0, .5, WX_DIST_EXPONENTIAL, 1, 0);
  fx_initial(m, a, 10);
  assert_int_equal(wx__model_finalize(m), WX_OK);
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__cohort_check(m, d), WX_ESCENARIO);
  assert_int_equal(wx_diags_count(d), 1);
  const char *msg = wx_diags_get(d, 0)->msg;
  assert_non_null(strstr(msg, "cycle"));
  if (!strstr(msg, "flow 'f1'") && !strstr(msg, "flow 'f2'"))
    fail_msg("not a flow on the cycle: %s", msg);
  wx_diags_free(d);
  wx_model_free(m);
}

static void touchpoint_and_economics_are_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "touchpoints:\n"
      "  post:\n"
      "    module: oa\n"
      "    schedule: {every: 7d}\n"
      "    reach: 10%\n"
      "    fission: {share: 10%, offspring: poisson(1), "
      "generation_delay: 1d, into: oa}\n"
      "    responses:\n"
      "      late: {to: shop, p: 5%, delay: 2d}\n"
      "      buys: {to: buy, p: 5%, delay: exponential(1d)}\n"
      "outcomes:\n"
      "  buy: {value: 100, repeat: {p: 20%, delay: 30d}}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 10, 3, "touchpoint 'post'", "exponential generation_delay");
  expect(d, 16, 7, "response 'post.late'", "exponential delay or none");
  expect(d, 19, 3, "outcome 'buy'", "repeat purchases");
  assert_int_equal(wx_diags_count(d), 3); /* re-buying is not refused */
  wx_diags_free(d);
}

/* Staff Moments (twice a day, once per customer per day) and per-post
 * bans run in aggregate (cohort_moments.c): accepted. */
static void staff_moments_and_per_post_bans_pass(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "wxflow: 1\n"
      "modules:\n"
      "  oa: {kind: official_account}\n"
      "  staff:\n"
      "    kind: wecom\n"
      "    accounts: 2\n"
      "    friend_cap: 100\n"
      "    ban: {rate: 0.1%/d, per_post: 1%, replace_after: 3d}\n"
      "sources:\n"
      "  content: {into: oa, rate: 50/d}\n"
      "flows:\n"
      "  add: {from: oa, to: staff, p: 20%, delay: exponential(1d)}\n"
      "touchpoints:\n"
      "  moments:\n"
      "    module: staff\n"
      "    type: staff_moments\n"
      "    schedule: {every: 12h}\n"
      "  monthly:\n"
      "    module: staff\n"
      "    type: enterprise_moments\n"
      "    schedule: {every: 7d}\n");
  wx_diags *d = wx_diags_alloc(32);
  assert_non_null(d);
  assert_int_equal(wx__cohort_check(m, d), WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
  wx_model_free(m);
}

/* Two posts at one instant, the first with an instant response: the agent
 * engine runs both posts before the response, so it is refused at the
 * second touchpoint. */
static void same_time_posts_are_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "touchpoints:\n"
      "  first:\n"
      "    module: oa\n"
      "    schedule: {every: 7d, at: \"20:00\"}\n"
      "    responses: {now: {to: shop, p: 5%, delay: 0d}}\n"
      "  second:\n"
      "    module: shop\n"
      "    schedule: {dates: [14.8333333333d]}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 14, 3, "touchpoint 'second'", "touchpoint 'first'");
  wx_diags_free(d);
}

/* Broadcasts with unfollows, delayed and instant responses and
 * recommended viewers pass (tests/test_cohort_touch.c runs them). */
static void broadcast_passes(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check(
      "touchpoints:\n"
      "  post:\n"
      "    module: oa\n"
      "    schedule: {every: 7d}\n"
      "    reach: 10%\n"
      "    unfollow: 1%\n"
      "    responses:\n"
      "      go: {to: shop, p: 5%, delay: exponential(1d)}\n"
      "      now: {to: shop, type: move, p: 5%, delay: 0d}\n"
      "    recommend:\n"
      "      views: 100\n"
      "      responses: {follow: {to: oa, p: 1%}}\n",
      &rc);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
}

/* The head with more modules, then flows. */
static wx_diags *check_modules(const char *mods, const char *flows, int *rc) {
  const char *sources = strstr(head, "sources:");
  char text[4096];
  snprintf(text, sizeof text, "%.*s%s%sflows:\n%s", (int)(sources - head), head,
           mods, sources, flows);
  wx_model *m = wxt_load_ok(text);
  wx_diags *d = wx_diags_alloc(32);
  assert_non_null(d);
  *rc = wx__cohort_check(m, d);
  wx_model_free(m);
  return d;
}

/* Staff accounts and groups run (cohort_units.c), and a move back out of
 * one is no cycle: admission breaks every path at the substep's end. */
static void units_pass(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check_modules(
      "  sdr: {kind: wecom, accounts: 2, friend_cap: 50, daily_adds: 10, "
      "accept: 80%, ban: {rate: 1%/d}}\n"
      "  club: {kind: group, group_cap: 30, group_type: functional, "
      "lifetime: 5d}\n",
      "  add: {from: oa, to: sdr, p: 50%, delay: exponential(2d)}\n"
      "  back: {from: sdr, to: oa, p: 30%, delay: exponential(4d)}\n"
      "  club: {from: sdr, to: club, type: join, p: 30%, "
      "delay: exponential(1d)}\n"
      "  bye: {from: club, type: churn, p: 50%, delay: exponential(3d)}\n",
      &rc);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    print_message("%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
}

/* Posts to a staff module, responses into one (delayed, instant, a
 * recommended viewer's) pass: they are requests like any flow's
 * (tests/test_cohort_units.c runs them against the agent engine). */
static void touchpoints_on_units_pass(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check_modules(
      "  sdr: {kind: wecom, accounts: 2, friend_cap: 50}\n",
      "  add: {from: oa, to: sdr, p: 50%, delay: exponential(2d)}\n"
      "touchpoints:\n"
      "  tip:\n"
      "    module: sdr\n"
      "    schedule: {every: 7d}\n"
      "    reach: 10%\n"
      "    unfollow: 1%\n"
      "    responses:\n"
      "      go: {to: oa, p: 5%, delay: exponential(1d)}\n"
      "      out: {to: shop, type: move, p: 5%, delay: 0d}\n"
      "  ask:\n"
      "    module: oa\n"
      "    schedule: {every: 7d, at: \"12:00\"}\n"
      "    responses:\n"
      "      later: {to: sdr, type: move, p: 5%, delay: exponential(1h)}\n"
      "      now: {to: sdr, p: 5%, delay: 0d}\n"
      "    recommend:\n"
      "      views: 10\n"
      "      responses: {add: {to: sdr, p: 10%}}\n",
      &rc);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    print_message("%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
}

/* Touchpoint fission into a staff module is refused at the module: its
 * offspring would arrive as requests within fission substeps. */
static void touch_fission_into_units_is_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check_modules(
      "  sdr: {kind: wecom, accounts: 2, friend_cap: 50}\n",
      "  add: {from: oa, to: sdr, p: 50%, delay: exponential(2d)}\n"
      "touchpoints:\n"
      "  tip:\n"
      "    module: oa\n"
      "    schedule: {every: 7d}\n"
      "    fission: {share: 10%, offspring: poisson(1), "
      "generation_delay: exponential(1d), into: sdr}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 7, 3, "module 'sdr'", "touchpoint fission into it");
  assert_int_equal(wx_diags_count(d), 1);
  wx_diags_free(d);
}

/* What units cannot do on the cohort engine is refused at the module,
 * each part by name; a welcome is fine. */
static void units_retry_is_refused(void **state) {
  (void)state;
  int rc;
  wx_diags *d = check_modules(
      "  sdr: {kind: wecom, accounts: 2, on_refused: retry, "
      "retry_after: 1d}\n"
      "  club: {kind: group, welcome: {churn_x: 0.5, window: 3d}}\n"
      "  wait: {kind: group, on_full: retry, retry_after: 1d}\n",
      "  add: {from: oa, to: sdr, p: 50%, delay: exponential(2d)}\n"
      "  club: {from: oa, to: club, type: join, p: 30%, "
      "delay: exponential(1d)}\n"
      "  wait: {from: oa, to: wait, type: join, p: 30%, "
      "delay: exponential(1d)}\n",
      &rc);
  assert_int_equal(rc, WX_ESCENARIO);
  expect(d, 7, 3, "module 'sdr'", "on_refused: retry");
  expect(d, 9, 3, "module 'wait'", "on_full: retry");
  assert_int_equal(wx_diags_count(d), 2); /* the welcome runs */
  wx_diags_free(d);
}

/* Every shipped scenario (matrices.yaml is a comparison, not one):
 * refused with a position, or it runs. */
static void shipped_scenarios_run_or_are_refused(void **state) {
  (void)state;
  const char *names[] = {
      "article_decline", "b2b",       "baby_vote",         "ecommerce",
      "education",       "festivals", "group_cascade",     "group_lively",
      "live_stream",     "paths",     "personal_vs_wecom", "quickstart",
      "referral_money",  "retail",    "wechat_matrix",     "wecom_moments"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s.yaml", WX_SOURCE_DIR,
             names[i]);
    wx_model *m = NULL;
    wx_diags *d = wx_diags_alloc(64);
    if (wx_model_load(path, &m, d) != WX_OK)
      fail_msg("%s: %s", names[i], wx_diags_get(d, 0)->msg);
    int rc = wx__cohort_check(m, d);
    /* flow pulses and responses pending many times are modelled */
    int must_run =
        !strcmp(names[i], "festivals") || !strcmp(names[i], "wechat_matrix");
    if (must_run && rc != WX_OK)
      fail_msg("%s: refused: %s", names[i], wx_diags_get(d, 0)->msg);
    if (rc != WX_OK) {
      assert_int_equal(rc, WX_ESCENARIO);
      assert_true(wx_diags_count(d) > 0);
      assert_true(wx_diags_get(d, 0)->line > 0);
      print_message("%s: refused, %zu reasons, first: %d:%d: %s\n", names[i],
                    wx_diags_count(d), wx_diags_get(d, 0)->line,
                    wx_diags_get(d, 0)->col, wx_diags_get(d, 0)->msg);
    } else {
      wx_layout l;
      wx_series s;
      assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
      assert_int_equal(wx__series_init(&s, &l), WX_OK);
      void *e = wx__cohort_alloc(m, &l);
      assert_non_null(e);
      double *par = calloc(m->n_params + 1u, sizeof *par);
      wx__params_nominal(m, par);
      /* or refused at run time, at a position (a parameter-bound limit) */
      wx_diags *dr = wx_diags_alloc(8);
      rc = wx__cohort_run(e, par, 1, &s, NULL, dr);
      if (must_run && rc != WX_OK)
        fail_msg("%s: refused at run time: %s", names[i],
                 wx_diags_get(dr, 0)->msg);
      if (rc != WX_OK) {
        assert_int_equal(rc, WX_ERUNTIME);
        assert_true(wx_diags_count(dr) > 0 && wx_diags_get(dr, 0)->line > 0);
      }
      wx_diags_free(dr);
      free(par);
      wx__cohort_free(e);
      wx__series_free(&s);
      wx__layout_free(&l);
    }
    wx_diags_free(d);
    wx_model_free(m);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(markov_model_passes),
      cmocka_unit_test(non_exponential_delay_is_refused),
      cmocka_unit_test(outcome_reached_twice_is_accepted),
      cmocka_unit_test(bought_flags_past_the_bound_are_refused),
      cmocka_unit_test(cycle_is_refused),
      cmocka_unit_test(state_bound_gives_the_count),
      cmocka_unit_test(instant_fan_out_is_bounded),
      cmocka_unit_test(tree_bound_names_the_tree),
      cmocka_unit_test(instant_after_posts_and_units_is_refused),
      cmocka_unit_test(rule_refusal_blames_no_pending_slots),
      cmocka_unit_test(the_flow_named_is_on_the_cycle),
      cmocka_unit_test(touchpoint_and_economics_are_refused),
      cmocka_unit_test(broadcast_passes),
      cmocka_unit_test(staff_moments_and_per_post_bans_pass),
      cmocka_unit_test(same_time_posts_are_refused),
      cmocka_unit_test(units_pass),
      cmocka_unit_test(units_retry_is_refused),
      cmocka_unit_test(touchpoints_on_units_pass),
      cmocka_unit_test(touch_fission_into_units_is_refused),
      cmocka_unit_test(shipped_scenarios_run_or_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
