/*
 * Random streams.  Every engine draws from many independent streams, one per
 * (replication, kind, entity), so that a comparison variant that adds or
 * removes one entity leaves every other stream as it was (common random
 * numbers).  A stream's seed is mixed from the replication seed, the kind
 * and a hash of the entity's *name*, never its index.
 *
 * The generator is xoshiro256** wrapped as a gsl_rng_type, so every GSL
 * distribution draws from it as usual.  GSL's own generators take at most
 * 32 bits of seed (mt19937 keeps `seed & 0xffffffff`): with tens of streams
 * per replication and thousands of replications, two streams would start
 * from the same state with a real probability.  xoshiro256** is seeded with
 * all 64 bits (expanded to 256 bits of state by SplitMix64) and is faster.
 */
#ifndef WX_RNG_H
#define WX_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Every kind of random stream, in one place.  Two families, told apart by
 * how the seed is derived rather than by value, so equal numbers in the
 * two families do not give equal streams:
 *  - per replication r of scenario seed S: wx__stream_seed(S, r, kind)
 *    (runner.c) -- the engine's seed and the uncertain parameters' draws;
 *  - per entity of a replication: wx__rng_seed_stream(r, engine seed,
 *    kind, name) mixes (kind << 32) | hash(name) into the engine's seed.
 * The numbers feed the seeds: changing one changes every output (the
 * golden test in tests/cli/golden.sh says so).  Add new kinds at the end
 * of their family. */
typedef enum {
  WX_STREAM_ENGINE = 1, /* replication: the engine's seed */
  WX_STREAM_PARAMS = 2, /* replication: draws of uncertain parameters */

  WX_STREAM_SOURCE = 1, /* entity: arrival times of a source */
  WX_STREAM_MODULE = 2, /* entity: fates of people joining a module */
  WX_STREAM_DELAY = 3,  /* entity: the delays of those fates */
  WX_STREAM_UNITS = 4,  /* entity: staff accounts and groups of a module */
  WX_STREAM_TOUCH = 5,  /* entity: a touchpoint's posts, reach, fission */
  WX_STREAM_OUTCOME = 6 /* entity: order values and repeats of an outcome */
} wx_stream_kind;

/* The xoshiro256** generator type: get() returns 32 bits, get_double()
 * 53 bits; set() uses the whole unsigned long (64 bits on LP64). */
const gsl_rng_type *wx__rng_type(void);

/* The type behind it (immutable), and its state and step, for the inline
 * uniform below (one home: rng.c
 * steps through these too). */
extern const gsl_rng_type wx__xoshiro_type;

typedef struct {
  uint64_t s[4];
} wx_xoshiro;

static inline uint64_t wx__xoshiro_rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t wx__xoshiro_next(wx_xoshiro *st) {
  uint64_t *s = st->s;
  uint64_t result = wx__xoshiro_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = wx__xoshiro_rotl(s[3], 45);
  return result;
}

/* 53 random bits in [0, 1): the same number as gsl_rng_uniform(r), inline
 * for a generator of wx__rng_type() (hot draw loops), else GSL's call. */
static inline double wx__rng_uniform(const gsl_rng *r) {
  if (r->type != &wx__xoshiro_type) return gsl_rng_uniform(r);
  return (double)(wx__xoshiro_next(r->state) >> 11) * 0x1.0p-53;
}

/* A new xoshiro256** generator, or NULL when out of memory. */
gsl_rng *wx__rng_alloc(void);

/* Seeds r for stream (kind, entity name) of the replication seed. */
void wx__rng_seed_stream(gsl_rng *r, uint64_t seed, wx_stream_kind kind,
                         const char *name);

#endif
