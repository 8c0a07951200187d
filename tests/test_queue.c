/* Order tests of the event queue: it must give (time, push order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "queue.h"

typedef struct {
  double t;
  uint64_t seq;
} key;

static int key_cmp(const void *x, const void *y) {
  const key *a = x, *b = y;
  if (a->t != b->t) return a->t < b->t ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

static void pops_in_time_order(void **state) {
  (void)state;
  wx_queue q;
  wx__queue_init(&q);
  double ts[] = {5, 1, 4, 2, 3};
  for (int i = 0; i < 5; i++)
    assert_int_equal(wx__queue_push(&q, ts[i], (uint32_t)i, 7, 9), 0);
  assert_int_equal(wx__queue_size(&q), 5);
  assert_true(wx__queue_peek(&q)->t == 1.0);
  wx_event ev;
  for (int k = 1; k <= 5; k++) {
    assert_int_equal(wx__queue_pop(&q, &ev), 1);
    assert_true(ev.t == (double)k);
    assert_int_equal(ev.what, 7);
    assert_int_equal(ev.epoch, 9);
  }
  assert_int_equal(wx__queue_pop(&q, &ev), 0);
  assert_null(wx__queue_peek(&q));
  wx__queue_free(&q);
}

static void equal_times_come_out_fifo(void **state) {
  (void)state;
  wx_queue q;
  wx__queue_init(&q);
  for (uint32_t i = 0; i < 1000; i++)
    assert_int_equal(wx__queue_push(&q, (i % 3) * 1.0, i, 0, 0), 0);
  wx_event ev;
  uint32_t prev[3] = {0, 0, 0};
  int seen[3] = {0, 0, 0};
  double last = -1;
  while (wx__queue_pop(&q, &ev) > 0) {
    int g = (int)ev.t;
    assert_true(ev.t >= last);
    last = ev.t;
    if (seen[g]) assert_true(ev.person > prev[g]);
    seen[g] = 1;
    prev[g] = ev.person;
  }
  wx__queue_free(&q);
}

/* Pushes n keys from `gen` and checks the pops against qsort. */
static void check_against_qsort(size_t n, int distinct, unsigned long seed,
                                uint32_t n_buckets) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  key *k = malloc(n * sizeof *k);
  assert_non_null(k);
  wx_queue q;
  wx__queue_init(&q);
  /* Keys lie in [0, 1) or {0..3}; a span of 0.75 leaves some beyond it. */
  if (n_buckets) assert_int_equal(wx__queue_set_span(&q, 0.75, n_buckets), 0);
  for (size_t i = 0; i < n; i++) {
    k[i].t = distinct ? gsl_rng_uniform(r) : (double)gsl_rng_uniform_int(r, 4);
    k[i].seq = i;
    assert_int_equal(wx__queue_push(&q, k[i].t, (uint32_t)i, 0, 0), 0);
  }
  qsort(k, n, sizeof *k, key_cmp);
  wx_event ev;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(wx__queue_pop(&q, &ev), 1);
    assert_true(ev.t == k[i].t);
    assert_int_equal(ev.person, (uint32_t)k[i].seq);
  }
  assert_int_equal(wx__queue_size(&q), 0);
  wx__queue_free(&q);
  free(k);
  gsl_rng_free(r);
}

static void matches_qsort_on_random_keys(void **state) {
  (void)state;
  check_against_qsort(100000, 1, 11, 0);
  check_against_qsort(17, 1, 12, 0);
}

static void matches_qsort_on_many_equal_keys(void **state) {
  (void)state;
  check_against_qsort(100000, 0, 13, 0);
}

static void buckets_keep_the_order(void **state) {
  (void)state;
  check_against_qsort(100000, 1, 14, 64);
  check_against_qsort(100000, 0, 15, 64);
  check_against_qsort(1000, 1, 16, 1);
}

/* A hold-model run: pop the least, push it back later, mixed with extra
 * pushes and pops; every pop must be >= the previous one and the (t, seq)
 * order must hold whenever a later push has an equal time. */
static void interleave(uint32_t n_buckets) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 5);
  wx_queue q;
  wx__queue_init(&q);
  if (n_buckets) assert_int_equal(wx__queue_set_span(&q, 500, n_buckets), 0);
  for (uint32_t i = 0; i < 500; i++)
    assert_int_equal(wx__queue_push(&q, gsl_rng_uniform(r), i, 0, 0), 0);
  wx_event ev;
  double last_t = -1;
  uint64_t last_seq = 0;
  for (int step = 0; step < 200000; step++) {
    unsigned op = (unsigned)gsl_rng_uniform_int(r, 3);
    if (op == 0 && wx__queue_size(&q) > 0) {
      assert_int_equal(wx__queue_pop(&q, &ev), 1);
      assert_true(ev.t > last_t || (ev.t == last_t && ev.seq > last_seq));
      last_t = ev.t;
      last_seq = ev.seq;
      continue;
    }
    /* Never schedule into the past: round up to a coarse grid so that
     * equal times are frequent. */
    double t = (last_t < 0 ? 0 : last_t) + floor(gsl_rng_uniform(r) * 4) / 4;
    assert_int_equal(wx__queue_push(&q, t, 0, 0, 0), 0);
  }
  wx__queue_clear(&q);
  assert_int_equal(wx__queue_size(&q), 0);
  assert_int_equal(wx__queue_push(&q, 1.0, 0, 0, 0), 0);
  assert_int_equal(wx__queue_pop(&q, &ev), 1);
  assert_int_equal(ev.seq, 0); /* clear restarts the sequence */
  wx__queue_free(&q);
  gsl_rng_free(r);
}

static void interleaved_push_pop_keeps_order(void **state) {
  (void)state;
  interleave(0);
  interleave(100); /* time runs well past the span */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pops_in_time_order),
      cmocka_unit_test(equal_times_come_out_fifo),
      cmocka_unit_test(matches_qsort_on_random_keys),
      cmocka_unit_test(matches_qsort_on_many_equal_keys),
      cmocka_unit_test(buckets_keep_the_order),
      cmocka_unit_test(interleaved_push_pop_keeps_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
