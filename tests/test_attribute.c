/* `wxflow attribute`: removal effects and Shapley values against closed
 * forms, the Markov removal effect and the path heuristics on hand-made
 * journeys, and journeys that do not depend on the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribute.h"
#include "scenario_support.h"

/* Two independent channels: Poisson sources into separate modules, each
 * converting with its own probability (a prior, listed so that removing
 * b would shift a's draw if priors were not mapped by path).  Expected
 * purchases of a: 40/d x 50 d x E[p_a] = 600, of b: 20 x 50 x 0.5 = 500. */
static const char *two_channels =
    "horizon: 50d\nsample_every: 10d\nreplications: 30\nseed: 11\n"
    "modules:\n"
    "  b: {kind: mini_program}\n"
    "  a: {kind: official_account}\n"
    "outcomes:\n"
    "  purchase: {value: 10}\n"
    "sources:\n"
    "  src_b: {into: b, rate: 20/d}\n"
    "  src_a: {into: a, rate: 40/d}\n"
    "flows:\n"
    "  b_buy: {from: b, to: purchase, p: \"beta(50, 50)\", delay: 0d}\n"
    "  a_buy: {from: a, to: purchase, p: \"beta(30, 70)\", delay: 0d}\n"
    "targets:\n"
    "  a_big: {module: a, value: 100}\n";

static const wx_attr_row *row(const wx_attribution *a, const char *ch,
                              const char *out, const char *method) {
  for (size_t i = 0; i < a->n_rows; i++) {
    const wx_attr_row *r = &a->rows[i];
    const char *name = r->channel == WX_NONE ? "(all)" : a->ch[r->channel].name;
    if (!strcmp(name, ch) && !strcmp(a->outcomes[r->outcome], out) &&
        !strcmp(r->method, method))
      return r;
  }
  fail_msg("no row %s/%s/%s", ch, out, method);
  return NULL;
}

static wx_attribution *attribute(const char *text, const wx_attr_opts *o) {
  char *path = wxt_temp_file(text, strlen(text));
  wx_diags *d = wx_diags_alloc(20);
  wx_attribution *a = NULL;
  int rc = wx__attribute(path, o, &a, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    print_message("%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  unlink(path);
  free(path);
  wx_diags_free(d);
  return a;
}

/* Beta(a, b) prior on p: Var(purchases) = E[Var | p] + Var(E | p) =
 * n p + (n)^2 Var(p) for n = rate x horizon arrivals (Poisson thinning). */
static double se_of(double n, double alpha, double beta, unsigned reps) {
  double p = alpha / (alpha + beta);
  double vp =
      alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1));
  return sqrt((n * p + n * n * vp) / reps);
}

static void check_two(const wx_attribution *a) {
  const wx_attr_row *ra = row(a, "a", "purchase", "removal"),
                    *rb = row(a, "b", "purchase", "removal"),
                    *sa = row(a, "a", "purchase", "shapley"),
                    *sb = row(a, "b", "purchase", "shapley"),
                    *all = row(a, "(all)", "purchase", "all"),
                    *none = row(a, "(all)", "purchase", "none");
  assert_true(fabs(ra->value - 600) < 4 * se_of(2000, 30, 70, 30));
  assert_true(fabs(rb->value - 500) < 4 * se_of(1000, 50, 50, 30));
  /* Additive game under common random numbers: Shapley = removal, and
   * efficiency: the values add up to v(N) - v(empty). */
  assert_true(fabs(sa->value - ra->value) < 1e-9 * all->value);
  assert_true(fabs(sb->value - rb->value) < 1e-9 * all->value);
  assert_true(fabs(sa->value + sb->value - (all->value - none->value)) <
              1e-9 * all->value);
  assert_true(none->value == 0);
  const wx_attr_row *va = row(a, "a", "revenue", "removal");
  assert_true(fabs(va->value - 10 * ra->value) < 1e-9 * va->value);
}

static void removal_and_shapley_match_closed_forms(void **state) {
  (void)state;
  wx_attr_opts o = {.threads = 2, .journeys_max = 10};
  wx_attribution *a = attribute(two_channels, &o);
  assert_true(a->exact);
  assert_int_equal(a->coalitions, 4);
  check_two(a);
  /* Path methods: every purchase follows exactly one channel. */
  const wx_attr_row *la = row(a, "a", "purchase", "last_touch"),
                    *ra = row(a, "a", "purchase", "removal"),
                    *ma = row(a, "a", "purchase", "markov_removal");
  assert_true(fabs(la->value - ra->value) < 1e-9 * ra->value);
  assert_true(fabs(ma->value - ra->value) < 1e-6 * ra->value);
  wx__attribution_free(a);
}

static void sampled_shapley_keeps_efficiency(void **state) {
  (void)state;
  wx_attr_opts o = {
      .threads = 1, .max_exact = 1, .permutations = 7, .journeys_max = 1};
  wx_attribution *a = attribute(two_channels, &o);
  assert_false(a->exact);
  assert_int_equal(a->permutations, 7);
  check_two(a);
  assert_true(row(a, "a", "purchase", "shapley")->se > 0);
  wx__attribution_free(a);
}

/* Complementary channels: b is reached only through a.  Arrivals into a
 * (2,000 expected) buy at once with r = 20% or move to b with q = 50%,
 * where they buy with p = 40%.  v(empty) = v({b}) = 0, v({a}) = X_a
 * (Poisson, mean 400), v({a, b}) = X_a + X_b (X_b Poisson, mean 400), so
 * removal(a) = X_a + X_b, removal(b) = X_b, and the Shapley values split
 * X_b: phi_a = X_a + X_b / 2 (mean 600), phi_b = X_b / 2 (mean 200). */
static const char *chain =
    "horizon: 50d\nsample_every: 10d\nreplications: 40\nseed: 5\n"
    "modules:\n  a: {kind: official_account}\n  b: {kind: mini_program}\n"
    "outcomes:\n  purchase: {value: 1}\n"
    "sources:\n  src: {into: a, rate: 40/d}\n"
    "flows:\n"
    "  a_buy: {from: a, to: purchase, p: 20%, delay: 0d}\n"
    "  a_b:   {from: a, to: b, p: 50%, delay: 0d}\n"
    "  b_buy: {from: b, to: purchase, p: 40%, delay: 0d}\n";

static void shapley_splits_what_channels_do_together(void **state) {
  (void)state;
  wx_attr_opts o = {.threads = 2, .journeys_max = 1};
  wx_attribution *a = attribute(chain, &o);
  double n = 40, se_b = 0.5 * sqrt(400 / n), se_a = sqrt((400 + 100) / n);
  assert_true(fabs(row(a, "b", "purchase", "shapley")->value - 200) < 4 * se_b);
  assert_true(fabs(row(a, "a", "purchase", "shapley")->value - 600) < 4 * se_a);
  assert_true(fabs(row(a, "b", "purchase", "removal")->value - 400) <
              4 * sqrt(400 / n));
  assert_true(fabs(row(a, "a", "purchase", "removal")->value - 800) <
              4 * sqrt(800 / n));
  /* phi_b is exactly half of b's removal effect, replication by
   * replication, because v({b}) = 0 and the coupling is exact. */
  assert_true(fabs(2 * row(a, "b", "purchase", "shapley")->value -
                   row(a, "b", "purchase", "removal")->value) < 1e-9);
  wx__attribution_free(a);
}

/* Sampled orders on the same game: phi_b = X_b x (share of orders with a
 * first), so the error is mostly the orders'; the stated standard error
 * must cover it (within 4 se of the exact 200), and efficiency still
 * holds exactly. */
static void sampled_shapley_states_its_error(void **state) {
  (void)state;
  wx_attr_opts o = {
      .threads = 2, .journeys_max = 1, .max_exact = 1, .permutations = 9};
  wx_attribution *a = attribute(chain, &o);
  const wx_attr_row *sa = row(a, "a", "purchase", "shapley"),
                    *sb = row(a, "b", "purchase", "shapley"),
                    *all = row(a, "(all)", "purchase", "all");
  assert_false(a->exact);
  assert_true(sb->se > 0.5 * sqrt(400 / 40.0)); /* more than replications' */
  assert_true(fabs(sb->value - 200) < 4 * sb->se);
  assert_true(fabs(sa->value - 600) < 4 * sa->se);
  assert_true(sb->lo < sb->value && sb->value < sb->hi);
  assert_true(fabs(sa->value + sb->value - all->value) < 1e-9 * all->value);
  wx__attribution_free(a);
}

/* --------------------------------------------------- hand-made paths */

static const char *two_modules =
    "horizon: 5d\nsample_every: 1d\n"
    "modules:\n  A: {kind: official_account}\n  B: {kind: mini_program}\n"
    "outcomes:\n  purchase: {value: 1}\n"
    "sources:\n  s: {into: A, rate: 1/d}\n"
    "flows:\n"
    "  A_buy: {from: A, to: purchase, type: join, p: 10%, delay: 1d}\n"
    "  B_buy: {from: B, to: purchase, type: join, p: 10%, delay: 1d}\n";

static uint32_t flow(const wx_model *m, const char *name) {
  for (uint32_t f = 0; f < m->n_flows; f++)
    if (!strcmp(m->flows[f].name, name)) return f;
  fail_msg("no flow %s", name);
  return WX_NONE;
}

typedef struct {
  wx_model *m;
  wx_attribution a;
  wx_attr_channel ch[2];
  uint32_t oc[2];
  char *names[2];
} hand;

static void hand_setup(hand *h) {
  memset(h, 0, sizeof *h);
  h->m = wxt_load_ok(two_modules);
  h->ch[0] = (wx_attr_channel){0, 0, "A"};
  h->ch[1] = (wx_attr_channel){0, 1, "B"};
  h->names[0] = "purchase";
  h->names[1] = "revenue";
  h->a.ch = h->ch;
  h->a.n_ch = 2;
  h->a.n_out = 2;
  h->a.oc_index = h->oc;
  h->a.outcomes = h->names;
  h->a.keep = 2;
}

#define ENTER(m, t) \
  { t, 0, m, WX_NONE, WX_J_ENTER, 1 }
#define BUY(t, v, via) \
  { t, v, 0, via, WX_J_BUY, 1 }

static wx_attr_acc *hand_journeys(hand *h) {
  /* A > B, bought twice through B_buy (10, then a repeat of 20);
   * B > A > B, bought 5 through A_buy; A, never bought. */
  uint32_t fa = flow(h->m, "A_buy"), fb = flow(h->m, "B_buy");
  const wx_jstep j1[] = {ENTER(0, 0), ENTER(1, 1), BUY(2, 10, fb),
                         BUY(3, 20, WX_NONE)};
  const wx_jstep j2[] = {ENTER(1, 0), ENTER(0, 1), ENTER(1, 2), BUY(3, 5, fa)};
  const wx_jstep j3[] = {ENTER(0, 0)};
  wx_attr_acc *c = wx__attr_acc_alloc(&h->a, h->m, 0, 1);
  assert_non_null(c);
  assert_int_equal(wx__attr_acc_add(c, j1, 4, 0), WX_OK);
  assert_int_equal(wx__attr_acc_add(c, j2, 4, 0), WX_OK);
  assert_int_equal(wx__attr_acc_add(c, j3, 1, 0), WX_OK);
  return c;
}

static void heuristics_credit_every_purchase(void **state) {
  (void)state;
  hand h;
  hand_setup(&h);
  wx_attr_acc *c = hand_journeys(&h);
  /* last: B, B, B; first: A, A, B; linear: (1/2, 1/2) twice, (1/3, 2/3). */
  assert_true(wx__attr_acc_credit(c, 0, 0, 0) == 0);
  assert_true(wx__attr_acc_credit(c, 0, 1, 0) == 3);
  assert_true(wx__attr_acc_credit(c, 0, 1, 1) == 35);
  assert_true(wx__attr_acc_credit(c, 1, 0, 0) == 2);
  assert_true(wx__attr_acc_credit(c, 1, 0, 1) == 30);
  assert_true(wx__attr_acc_credit(c, 1, 1, 0) == 1);
  assert_true(fabs(wx__attr_acc_credit(c, 2, 0, 0) - (1 + 1.0 / 3)) < 1e-12);
  assert_true(fabs(wx__attr_acc_credit(c, 2, 1, 0) - (1 + 2.0 / 3)) < 1e-12);
  assert_true(fabs(wx__attr_acc_credit(c, 2, 1, 1) - (15 + 10.0 / 3)) < 1e-12);
  /* last step: the flows' modules, the repeat where its purchase went. */
  assert_true(wx__attr_acc_credit(c, 3, 0, 0) == 1);
  assert_true(wx__attr_acc_credit(c, 3, 0, 1) == 5);
  assert_true(wx__attr_acc_credit(c, 3, 1, 0) == 2);
  assert_true(wx__attr_acc_credit(c, 3, 1, 1) == 30);
  /* Paths as journey tools read them. */
  assert_int_equal(wx__attr_acc_merge(&h.a, c), WX_OK);
  assert_int_equal(wx__attr_finish(&h.a), WX_OK);
  assert_int_equal(h.a.n_paths, 3);
  assert_string_equal(h.a.paths[0].path, "A > B");
  assert_true(h.a.paths[0].conv == 2 && h.a.paths[0].value == 30);
  assert_true(h.a.paths[0].null == 0);
  assert_string_equal(h.a.paths[1].path, "A");
  assert_true(h.a.paths[1].conv == 0 && h.a.paths[1].null == 1);
  assert_string_equal(h.a.paths[2].path, "B > A > B");
  assert_true(h.a.paths[2].conv == 1 && h.a.paths[2].value == 5);
  assert_int_equal(h.a.n_j, 2); /* the sample keeps a->keep journeys */
  for (size_t i = 0; i < h.a.n_paths; i++) {
    free(h.a.paths[i].path);
    free(h.a.paths[i].key);
  }
  for (size_t i = 0; i < h.a.n_j; i++) free(h.a.jv[i].s);
  free(h.a.paths);
  free(h.a.jv);
  wx__attr_acc_free(c);
  wx_model_free(h.m);
}

/* Records (path -> end): A>B conv, A>B conv, B>A>B conv, A null.
 * Transitions: start->A 3, start->B 1; A->B 3, A->null 1; B->conv 3,
 * B->A 1.  With x_B = 3/4 + x_A / 4 and x_A = 3/4 x_B:
 * x_B = 12/13, x_A = 9/13, P = 3/4 x_A + 1/4 x_B = 39/52 = 3/4.
 * Without A: x_B = 3/4, P = 1/4 x 3/4 = 3/16: RE_A = 1 - (3/16)/(3/4) = 3/4.
 * Without B: nothing converts: RE_B = 1. */
static void markov_removal_by_hand(void **state) {
  (void)state;
  hand h;
  hand_setup(&h);
  wx_attr_acc *c = hand_journeys(&h);
  double norm[2], rem[2];
  assert_int_equal(wx__attr_acc_markov(c, 0, norm, rem), WX_OK);
  assert_true(fabs(rem[0] - 3 * 0.75) < 1e-12);
  assert_true(fabs(rem[1] - 3 * 1.0) < 1e-12);
  assert_true(fabs(norm[0] - 3 * 0.75 / 1.75) < 1e-12);
  assert_true(fabs(norm[1] - 3 * 1.0 / 1.75) < 1e-12);
  /* Revenue: 35 attributed with the same removal effects. */
  assert_int_equal(wx__attr_acc_markov(c, 1, norm, rem), WX_OK);
  assert_true(fabs(norm[0] + norm[1] - 35) < 1e-9);
  wx__attr_acc_free(c);
  wx_model_free(h.m);
}

static void markov_chain_direct(void **state) {
  (void)state;
  /* start->A 2, start->B 1; A->B 1, A->null 1; B->conv 2:
   * x_B = 1, x_A = 1/2, P = 2/3; RE_A = 1/2, RE_B = 1. */
  double counts[3 * 5] = {0};
  counts[0 * 5 + 1] = 2;
  counts[0 * 5 + 2] = 1;
  counts[1 * 5 + 2] = 1;
  counts[1 * 5 + 4] = 1;
  counts[2 * 5 + 3] = 2;
  double p = 0, re[2];
  assert_int_equal(wx__markov_removal(counts, 2, &p, re), WX_OK);
  assert_true(fabs(p - 2.0 / 3) < 1e-12);
  assert_true(fabs(re[0] - 0.5) < 1e-12);
  assert_true(fabs(re[1] - 1) < 1e-12);
}

/* ----------------------------------------------------------- journeys */

static void same_attribution(const wx_attribution *x, const wx_attribution *y) {
  assert_int_equal(x->n_rows, y->n_rows);
  for (size_t i = 0; i < x->n_rows; i++)
    assert_memory_equal(&x->rows[i].value, &y->rows[i].value, sizeof(double));
  assert_int_equal(x->n_j, y->n_j);
  for (size_t i = 0; i < x->n_j; i++) {
    assert_int_equal(x->jv[i].rep, y->jv[i].rep);
    assert_int_equal(x->jv[i].seq, y->jv[i].seq);
    assert_int_equal(x->jv[i].n, y->jv[i].n);
    for (uint32_t k = 0; k < x->jv[i].n; k++) {
      const wx_jstep *p = &x->jv[i].s[k], *q = &y->jv[i].s[k];
      assert_true(p->t == q->t && p->value == q->value);
      assert_true(p->index == q->index && p->via == q->via);
      assert_true(p->kind == q->kind && p->count == q->count);
    }
  }
  assert_int_equal(x->n_paths, y->n_paths);
  for (size_t i = 0; i < x->n_paths; i++) {
    assert_string_equal(x->paths[i].path, y->paths[i].path);
    assert_true(x->paths[i].conv == y->paths[i].conv);
    assert_true(x->paths[i].value == y->paths[i].value);
  }
}

static void journeys_do_not_depend_on_threads(void **state) {
  (void)state;
  wx_attr_opts o1 = {.threads = 1, .replications = 4, .journeys_max = 25};
  wx_attr_opts o2 = o1;
  o2.threads = 2;
  wx_attribution *a = attribute(two_channels, &o1);
  wx_attribution *b = attribute(two_channels, &o2);
  wx_attribution *c = attribute(two_channels, &o1);
  assert_int_equal(a->n_j, 25);
  assert_true(a->journeys > 25);
  int reps_seen = 0;
  for (size_t i = 0; i < a->n_j; i++) reps_seen |= 1 << a->jv[i].rep;
  assert_true(reps_seen > 1); /* the sample spans replications */
  same_attribution(a, b);
  same_attribution(a, c);
  wx__attribution_free(a);
  wx__attribution_free(b);
  wx__attribution_free(c);
}

static void unknown_channel_is_refused(void **state) {
  (void)state;
  char *path = wxt_temp_file(two_channels, strlen(two_channels));
  const char *names[] = {"a", "nope"};
  wx_attr_opts o = {.channels = names, .n_channels = 2};
  wx_diags *d = wx_diags_alloc(10);
  wx_attribution *a = NULL;
  assert_int_equal(wx__attribute(path, &o, &a, d), WX_EINVAL);
  assert_null(a);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "`nope`"));
  wx_diags_free(d);
  unlink(path);
  free(path);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(removal_and_shapley_match_closed_forms),
      cmocka_unit_test(sampled_shapley_keeps_efficiency),
      cmocka_unit_test(shapley_splits_what_channels_do_together),
      cmocka_unit_test(sampled_shapley_states_its_error),
      cmocka_unit_test(heuristics_credit_every_purchase),
      cmocka_unit_test(markov_removal_by_hand),
      cmocka_unit_test(markov_chain_direct),
      cmocka_unit_test(journeys_do_not_depend_on_threads),
      cmocka_unit_test(unknown_channel_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
