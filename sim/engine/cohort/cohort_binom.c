/*
 * The cohort engine's exact binomial for 64-bit counts (cohort.h).
 *
 * Most of a step's draws have a small mean (a few people per tree node),
 * where inversion walks the pmf from 0 with one multiplication per step
 * (the ratio f(x+1)/f(x) = (n - x)/(x + 1) p/q, with the reciprocals of
 * x + 1 from a table: no division on the chain, unlike GSL's inversion),
 * from f(0) = (1 - p)^n by squarings for small n.  Above a mean of 20 it
 * is GSL's BTPE (own BTRS samplers cost more: tests/test_cohort_rand.c),
 * whose unsigned int n needs chunks of 2^31 (sums of binomials of the
 * same p).  Exact in distribution up to the double rounding of the pmf;
 * tests/test_cohort_rand.c checks the pmf by chi-square in every regime,
 * n up to 1e10.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "cohort.h"
#include "rng.h"

/* Means below this are drawn by inversion (GSL's own switch to BTPE). */
#define SMALL_MEAN     20.0
/* Inversion gives up at this x (restarts: the remainder was rounding);
 * P(X >= 128) at a mean below 14 is below 1e-70. */
#define INV_CUT        128
/* n p <= 2^30 per chunk: far from GSL's int overflow whatever the draw. */
#define BINOMIAL_CHUNK (1u << 31)

#define R1(k)  1.0 / (k)
#define R4(k)  R1(k), R1(k + 1), R1(k + 2), R1(k + 3)
#define R16(k) R4(k), R4(k + 4), R4(k + 8), R4(k + 12)
#define R64(k) R16(k), R16(k + 16), R16(k + 32), R16(k + 48)
/* recip[x] = 1 / (x + 1) */
static const double recip[INV_CUT] = {R64(1), R64(65)};

/* (1 - p)^n: squarings for small n (cheaper than a log and an exp). */
static double power(double p, uint64_t n) {
  if (n >= 4096) return exp((double)n * log1p(-p));
  double x = 1, q = 1 - p;
  for (; n; n >>= 1, q *= q)
    if (n & 1) x *= q;
  return x;
}

/* Bin(n, p), p <= 1/2, n p < SMALL_MEAN. */
static uint64_t by_inversion(const gsl_rng *r, uint64_t n, double p) {
  double s = p / (1 - p), f0 = power(p, n), nd = (double)n;
  for (;;) {
    double u = wx__rng_uniform(r), f = f0, left = nd;
    for (uint32_t x = 0; x < INV_CUT; x++, left -= 1) {
      if (u < f) return x;
      u -= f;
      f *= s * left * recip[x];
    }
  }
}

/* GSL's (BTPE above its own small-mean inversion), n < 2^31 a chunk. */
static uint64_t by_gsl(const gsl_rng *r, double p, uint64_t n) {
  uint64_t k = 0;
  for (; n > BINOMIAL_CHUNK; n -= BINOMIAL_CHUNK)
    k += gsl_ran_binomial(r, p, BINOMIAL_CHUNK);
  return k + gsl_ran_binomial(r, p, (unsigned)n);
}

uint64_t wx__cohort_binomial(const gsl_rng *r, double p, uint64_t n) {
  if (n == 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (n == 1) return wx__rng_uniform(r) < p;
  double pp = p <= 0.5 ? p : 1 - p;
  if (!((double)n * pp < SMALL_MEAN)) return by_gsl(r, p, n);
  uint64_t x = by_inversion(r, n, pp);
  return p <= 0.5 ? x : n - x;
}
