/* The pool of units (roster_pool.c): members' places (unit, position) are
 * kept in a hash table by person slot; joins, leaves and swaps in any
 * order must keep every member findable at its true place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "agent_core.h"
#include "roster.h"

#define PEOPLE 20000
#define UNITS  7

/* Every member's place, as the pool says, against the truth kept here. */
static void check(const wx_units_rt *u, const uint32_t *unit_of) {
  uint32_t members = 0;
  for (uint32_t p = 0; p < PEOPLE; p++) {
    if (unit_of[p] == WX_NONE) continue;
    members++;
    assert_int_equal(wx__units_of(NULL, u, p), unit_of[p]);
  }
  uint32_t listed = 0;
  for (uint32_t i = 0; i < u->n; i++) {
    listed += u->mem[i].n;
    for (uint32_t k = 0; k < u->mem[i].n; k++)
      assert_int_equal(unit_of[u->mem[i].list[k]], i);
  }
  assert_int_equal(listed, members);
  assert_int_equal(u->slot_n, members);
}

/* Removes each member once through its place: a wrong position would
 * drop another member from its list, which check() then sees. */
static void churn(wx_units_rt *u, uint32_t *unit_of, gsl_rng *r,
                  uint32_t stride) {
  for (int step = 0; step < 200000; step++) {
    /* Slots spaced by `stride` collide in the table's probe runs. */
    uint32_t p = (uint32_t)gsl_rng_uniform_int(r, PEOPLE / stride) * stride;
    if (unit_of[p] == WX_NONE) {
      uint32_t i = (uint32_t)gsl_rng_uniform_int(r, UNITS);
      assert_int_equal(wx__pool_add(NULL, u, i, p), WX_OK);
      unit_of[p] = i;
    } else if (gsl_rng_uniform(r) < 0.2) {
      const wx_unit_members *mm = &u->mem[unit_of[p]];
      uint32_t a = (uint32_t)gsl_rng_uniform_int(r, mm->n);
      uint32_t b = (uint32_t)gsl_rng_uniform_int(r, mm->n);
      wx__pool_swap(NULL, u, unit_of[p], a, b);
    } else {
      wx__pool_remove(NULL, u, p);
      unit_of[p] = WX_NONE;
    }
    if (step % 20000 == 0) check(u, unit_of);
  }
  check(u, unit_of);
}

static void places_follow_joins_leaves_and_swaps(void **state) {
  (void)state;
  static uint32_t unit_of[PEOPLE];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  static const wx_units_cfg cfg = {0}; /* a plain group: no shills */
  wx_units_rt u = {.cap = UINT32_MAX, .cfg = &cfg};
  for (uint32_t stride = 1; stride <= 64; stride *= 8) {
    wx__pool_clear(&u);
    for (uint32_t i = 0; i < UNITS; i++)
      assert_int_equal(wx__pool_open(&u, 0.0), i);
    for (uint32_t p = 0; p < PEOPLE; p++) unit_of[p] = WX_NONE;
    churn(&u, unit_of, r, stride);
  }
  wx__pool_clear(&u); /* forgets every place: nobody is a member */
  assert_int_equal(u.slot_n, 0);
  for (uint32_t i = 0; i < u.slot_cap; i++)
    assert_int_equal(u.slot[i].p, WX_NONE);
  assert_true(wx__pool_bytes(&u) >= (uint64_t)u.slot_cap * sizeof *u.slot);
  wx__pool_free(&u);
  gsl_rng_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(places_follow_joins_leaves_and_swaps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
