#include <string.h>

#include "rng.h"
#include "util.h"

/* SplitMix64 expands the seed: its outputs are never all zero, the one
 * state xoshiro must avoid. */
static void set(void *vstate, unsigned long seed) {
  wx_xoshiro *st = vstate;
  uint64_t x = (uint64_t)seed;
  for (int i = 0; i < 4; i++) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    st->s[i] = z ^ (z >> 31);
  }
}

static unsigned long get(void *vstate) {
  return (unsigned long)(wx__xoshiro_next(vstate) >> 32);
}

/* 53 random bits in [0, 1). */
static double get_double(void *vstate) {
  return (double)(wx__xoshiro_next(vstate) >> 11) * 0x1.0p-53;
}

const gsl_rng_type wx__xoshiro_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(wx_xoshiro), set, get, get_double};

const gsl_rng_type *wx__rng_type(void) { return &wx__xoshiro_type; }

gsl_rng *wx__rng_alloc(void) { return gsl_rng_alloc(&wx__xoshiro_type); }

void wx__rng_seed_stream(gsl_rng *r, uint64_t seed, wx_stream_kind kind,
                         const char *name) {
  uint64_t tag = ((uint64_t)kind << 32) | wx__name_tag(name ? name : "");
  gsl_rng_set(r, (unsigned long)wx__mix64(seed ^ wx__mix64(tag)));
}
