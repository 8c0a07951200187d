/*
 * The draws of a step tree (cohort.h): the exact binomial for 64-bit
 * counts, and people spread over a tree's nodes by conditional binomials
 * (in one file, so that the binomial inlines into the spreading loop).
 *
 * Most of a step's draws have a small mean (a few people per tree node),
 * where inversion walks the pmf from 0 with one multiplication per step
 * (the ratio f(x+1)/f(x) = (n - x)/(x + 1) p/q, with the reciprocals of
 * x + 1 from a table: no division on the chain, unlike GSL's inversion),
 * from f(0) = (1 - p)^n by squarings for small n.  From a mean of 20 it
 * is Hormann's BTRS.  Both work in doubles, so n beyond 2^52 is drawn in
 * chunks (sums of binomials of the same p).  Exact in distribution up to
 * the double rounding of the pmf; tests/test_cohort_rand.c checks the pmf
 * by chi-square in every regime, n up to 1e10.  GSL's BTPE took more time
 * (docs/cohort.md, "Speed and memory").  Mispredicted branches cost more than
 * instructions here: the hot loops avoid branches on random data where
 * they can.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

#include "cohort.h"
#include "rng.h"

/* Means below this are drawn by inversion, from it by BTRS (valid from
 * 10; from 10 took 3 % longer, from 14, 30 or 40 about as long). */
#define SMALL_MEAN 20.0
/* Inversion gives up at this x (restarts: the remainder was rounding);
 * P(X >= 128) at a mean below 20 is below 1e-50. */
#define INV_CUT    128
/* Beyond 2^52 people n is drawn in chunks (sums of binomials of the same
 * p): BTRS works in doubles.  Ratios of the pmf within NEAR of the mode
 * are products, further ones Stirling's. */
#define BIG_N      (1ull << 52)
#define NEAR       16

#define R1(k)  1.0 / (k)
#define R4(k)  R1(k), R1(k + 1), R1(k + 2), R1(k + 3)
#define R16(k) R4(k), R4(k + 4), R4(k + 8), R4(k + 12)
#define R64(k) R16(k), R16(k + 16), R16(k + 32), R16(k + 48)
/* recip[x] = 1 / (x + 1) */
static const double recip[INV_CUT] = {R64(1), R64(65)};

/* a if bit, else b, by masks: the bits of n are random, a branch on
 * each would be mispredicted half the time. */
static inline double select_d(uint64_t bit, double a, double b) {
  uint64_t ua, ub, m = (uint64_t)0 - bit;
  memcpy(&ua, &a, sizeof ua);
  memcpy(&ub, &b, sizeof ub);
  ua = (ua & m) | (ub & ~m);
  memcpy(&a, &ua, sizeof a);
  return a;
}

/* (1 - p)^n: squarings for small n (cheaper than a log and an exp). */
static double power(double p, uint64_t n) {
  if (n >= 4096) return exp((double)n * log1p(-p));
  double x = 1, q = 1 - p;
  for (; n; n >>= 1, q *= q) x *= select_d(n & 1, q, 1);
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

/* floor(y) for |y| < 2^62 without libm's call (no SSE4.1 round), and
 * without a branch: y's sign is random in BTRS, and the branch on it was
 * the costliest line of the sampler (perf, docs/cohort.md). */
static inline double floor_of(double y) {
  int64_t i = (int64_t)y; /* toward 0: one too high for negative y */
  i -= (double)i > y;     /* in integers (a double select was a branch) */
  return (double)i;
}

/* The remainder of Stirling's series for log Gamma(y), y >= 1: exact from
 * GSL's table to 16, the series beyond (its first omitted term,
 * 1/(1188 y^9), is below 1e-14 there). */
static double stirling_rest(double y) {
  if (y <= 16)
    return gsl_sf_lnfact((unsigned)y - 1) -
           ((y - 0.5) * log(y) - y + 0.91893853320467274178);
  double y2 = y * y;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * y2)) / y2) / y2) /
         y;
}

/* Stirling's form of log f(k) / f(m), written in ratios near 1 (log1p),
 * so that nothing of size n log n cancels. */
double wx__cohort_log_pmf_ratio(double n, double p, double k, double m) {
  double r = p / (1 - p);
  return (m + 0.5) * log1p((m - k) / (k + 1)) +
         (n - m + 0.5) * log1p((k - m) / (n - k + 1)) +
         (k - m) * log(r * (n - k + 1) / (k + 1)) + stirling_rest(m + 1) +
         stirling_rest(n - m + 1) - stirling_rest(k + 1) -
         stirling_rest(n - k + 1);
}

/* h <= f(k) / f(m) for the pmf f of Bin(n, p): a product of |k - m|
 * ratios near the mode, else by Stirling's form. */
static int under_pmf(double h, double n, double p, double k, double m) {
  if (fabs(k - m) <= NEAR) {
    double r = p / (1 - p), f = 1;
    for (double j = m + 1; j <= k; j++) f *= (n - j + 1) * r / j;
    for (double j = k + 1; j <= m; j++) f *= j / ((n - j + 1) * r);
    return h <= f;
  }
  return log(h) <= wx__cohort_log_pmf_ratio(n, p, k, m);
}

/* Bin(n, p), p <= 1/2, n p >= SMALL_MEAN, n <= 2^52: Hormann's BTRS
 * (transformed rejection with squeeze).  A point (u, v) under the hat
 * maps to k; inside the squeeze (most draws) k is accepted at once, else
 * when v times the hat's height is below f(k) / f(m), m the mode.  k is
 * c0 + floor(y) with c0 the integer part of the hat's centre, so that y
 * keeps every bit at any n, and y is bounded before any conversion. */
static uint64_t by_btrs(const gsl_rng *r, uint64_t nn, double p) {
  double n = (double)nn, spq = sqrt(n * p * (1 - p));
  double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p;
  double c = n * p + 0.5, vr = 0.92 - 4.2 / b;
  double alpha = (2.83 + 5.1 / b) * spq, m = floor_of((n + 1) * p);
  double c0 = floor_of(c), fr = c - c0;
  for (;;) {
    double u = wx__rng_uniform(r) - 0.5, v = wx__rng_uniform(r),
           us = 0.5 - fabs(u);
    if (!(us > 0)) continue; /* u = -1/2: k would be infinite */
    double y = (2 * a / us + b) * u + fr;
    if (!(y >= -c0 && y < n - c0 + 1)) continue; /* k outside [0, n] */
    double k = c0 + floor_of(y);
    if (k > n) continue;
    if (us >= 0.07 && v <= vr) return (uint64_t)k;
    if (under_pmf(v * alpha / (a / (us * us) + b), n, p, k, m))
      return (uint64_t)k;
  }
}

static inline uint64_t binomial(const gsl_rng *r, double p, uint64_t n) {
  if (n == 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (n == 1) return wx__rng_uniform(r) < p;
  double pp = p <= 0.5 ? p : 1 - p;
  uint64_t k = 0;
  for (; n > BIG_N; n -= BIG_N) {
    uint64_t x = by_btrs(r, BIG_N, pp);
    k += p <= 0.5 ? x : BIG_N - x;
  }
  uint64_t x =
      (double)n * pp < SMALL_MEAN ? by_inversion(r, n, pp) : by_btrs(r, n, pp);
  return k + (p <= 0.5 ? x : n - x);
}

uint64_t wx__cohort_binomial(const gsl_rng *r, double p, uint64_t n) {
  return binomial(r, p, n);
}

/* x people end the step at node g of a tree. */
static inline void settle_node(wx_cohort *e, uint32_t g, uint64_t x) {
  const wx_cspace *s = &e->sp;
  e->next[s->node_state[g]] += x;
  for (uint32_t k = s->inc_off[g]; k < s->inc_off[g + 1];
       k += WX_CSPACE_INC) /* padded lists: WX_CSPACE_INC at a time */
    for (uint32_t j = k; j < k + WX_CSPACE_INC; j++)
      e->ctr[s->inc[j] >> 8] += x * (s->inc[j] & 255);
}

void wx__cohort_settle(wx_cohort *e, uint32_t st) {
  const wx_cspace *s = &e->sp;
  uint32_t base = s->tree_off[st], n = s->tree_off[st + 1] - base;
  for (uint32_t j = 0; j < n; j++)
    if (e->draw[j]) settle_node(e, base + j, e->draw[j]);
}

void wx__cohort_spread(wx_cohort *e, const gsl_rng *r, uint32_t st, uint64_t n,
                       const double *c, const uint32_t *order) {
  const wx_cspace *s = &e->sp;
  uint32_t base = s->tree_off[st], k = s->tree_off[st + 1] - base;
  c += base;
  order += base;
  for (uint32_t i = 0; i < k && n; i++) {
    if (WX_COHORT_ONE_BY_ONE(n, k - i)) {
      uint32_t at[WX_COHORT_PICKS], many[WX_COHORT_PICKS];
      uint32_t d = wx__cohort_picks(r, c, i, k, (uint32_t)n, at, many);
      for (uint32_t q = 0; q < d; q++)
        settle_node(e, base + order[at[q]], many[q]);
      return;
    }
    uint64_t x = binomial(r, c[i], n);
    if (x) settle_node(e, base + order[i], x);
    n -= x;
  }
}
