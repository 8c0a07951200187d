/*
 * Known-answer tests of the generator, in GSL's manner: outputs for fixed
 * states and seeds against published reference values, never against what
 * this code printed.
 *
 *  - xoshiro256** from the state {1, 2, 3, 4}: the first ten outputs of the
 *    reference algorithm (Blackman & Vigna, xoshiro256starstar.c), as listed
 *    in the test vectors of independent ports (e.g. Rust's rand_xoshiro).
 *  - SplitMix64 from the seed 1234567: the first outputs of the reference
 *    splitmix64.c, as used by those ports; our set() expands a seed into
 *    the four state words with exactly these.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rng.h"

static const uint64_t xoshiro_1234[10] = {11520ULL,
                                          0ULL,
                                          1509978240ULL,
                                          1215971899390074240ULL,
                                          1216172134540287360ULL,
                                          607988272756665600ULL,
                                          16172922978634559625ULL,
                                          8476171486693032832ULL,
                                          10595114339597558777ULL,
                                          2904607092377533576ULL};

static const uint64_t splitmix_1234567[4] = {
    6457827717110365317ULL, 3203168211198807973ULL, 9817491932198370423ULL,
    4593380528125082431ULL};

static void set_state(gsl_rng *r, const uint64_t s[4]) {
  assert_int_equal(r->type->size, 4 * sizeof(uint64_t));
  memcpy(r->state, s, 4 * sizeof(uint64_t));
}

/* get() is the upper 32 bits of each 64-bit output. */
static void xoshiro_matches_the_reference_outputs(void **state) {
  (void)state;
  gsl_rng *r = wx__rng_alloc();
  assert_non_null(r);
  const uint64_t s[4] = {1, 2, 3, 4};
  set_state(r, s);
  for (int i = 0; i < 10; i++)
    assert_int_equal(gsl_rng_get(r), xoshiro_1234[i] >> 32);
  gsl_rng_free(r);
}

/* get_double() is the upper 53 bits times 2^-53, exactly. */
static void doubles_are_the_top_53_bits(void **state) {
  (void)state;
  gsl_rng *r = wx__rng_alloc();
  assert_non_null(r);
  const uint64_t s[4] = {1, 2, 3, 4};
  set_state(r, s);
  for (int i = 0; i < 10; i++) {
    double want = (double)(xoshiro_1234[i] >> 11) / 9007199254740992.0;
    assert_true(gsl_rng_uniform(r) == want);
  }
  gsl_rng_free(r);
}

/* The inline uniform (rng.h) gives the same reference doubles, and falls
 * back to GSL's call for another generator type. */
static void inline_uniform_is_the_same(void **state) {
  (void)state;
  gsl_rng *r = wx__rng_alloc(), *mt = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng *mt2 = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  assert_non_null(mt);
  assert_non_null(mt2);
  const uint64_t s[4] = {1, 2, 3, 4};
  set_state(r, s);
  for (int i = 0; i < 10; i++) {
    double want = (double)(xoshiro_1234[i] >> 11) / 9007199254740992.0;
    assert_true(wx__rng_uniform(r) == want);
    assert_true(wx__rng_uniform(mt) == gsl_rng_uniform(mt2));
  }
  gsl_rng_free(r);
  gsl_rng_free(mt);
  gsl_rng_free(mt2);
}

/* All 64 bits of a seed count: the state is SplitMix64's first outputs. */
static void seeding_is_splitmix64(void **state) {
  (void)state;
  gsl_rng *r = wx__rng_alloc();
  assert_non_null(r);
  gsl_rng_set(r, 1234567UL);
  uint64_t got[4];
  memcpy(got, r->state, sizeof got);
  for (int i = 0; i < 4; i++) assert_true(got[i] == splitmix_1234567[i]);
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(xoshiro_matches_the_reference_outputs),
      cmocka_unit_test(doubles_are_the_top_53_bits),
      cmocka_unit_test(inline_uniform_is_the_same),
      cmocka_unit_test(seeding_is_splitmix64),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
