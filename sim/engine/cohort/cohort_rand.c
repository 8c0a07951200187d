/*
 * Exact Poisson and multinomial draws for 64-bit counts (the binomial is
 * cohort_draw.c).  GSL's Poisson takes and returns unsigned int: a
 * Poisson of mean mu is the sum of Poissons of chunks of mu, exact, tested
 * at 1.09e9 and 1e10 (tests/test_cohort_rand.c).
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "cohort.h"
#include "rng.h"

#define POISSON_CHUNK 1073741824.0 /* 2^30 */

uint64_t wx__cohort_poisson(const gsl_rng *r, double mu) {
  if (!(mu > 0)) return 0;
  if (!(mu <= 1e19)) return UINT64_MAX; /* callers bound mu far below */
  uint64_t k = 0;
  double chunks = ceil(mu / POISSON_CHUNK);
  if (chunks > 1) {
    double part = mu / chunks;
    for (double c = 1; c < chunks; c++) k += gsl_ran_poisson(r, part);
    mu -= part * (chunks - 1);
  }
  return k + gsl_ran_poisson(r, mu);
}

/* Conditional binomials in order; the last category with positive
 * probability takes what is left, so nobody is lost to rounding. */
void wx__cohort_multinomial(const gsl_rng *r, uint64_t n, const double *p,
                            uint32_t k, uint64_t *out) {
  double rest = 0;
  uint32_t last = k;
  for (uint32_t i = 0; i < k; i++) {
    out[i] = 0;
    if (p[i] > 0) {
      rest += p[i];
      last = i;
    }
  }
  for (uint32_t i = 0; i < k && n; i++) {
    if (!(p[i] > 0)) continue;
    uint64_t x = i == last ? n : wx__cohort_binomial(r, p[i] / rest, n);
    out[i] = x;
    n -= x;
    rest -= p[i];
  }
}

static int by_p_desc(const void *x, const void *y) {
  const wx_cpair *a = x, *b = y;
  if (a->p != b->p) return a->p < b->p ? 1 : -1;
  return (a->i > b->i) - (a->i < b->i); /* stable: reproducible */
}

void wx__cohort_conditional(double *p, uint32_t *order, uint32_t k,
                            wx_cpair *pairs) {
  for (uint32_t i = 0; i < k; i++)
    pairs[i] = (wx_cpair){p[i] > 0 ? p[i] : 0, i};
  qsort(pairs, k, sizeof *pairs, by_p_desc);
  double rest = 0;
  uint32_t last = 0;
  for (uint32_t i = 0; i < k; i++) {
    rest += pairs[i].p;
    if (pairs[i].p > 0) last = i;
  }
  for (uint32_t i = 0; i < k; i++) {
    order[i] = pairs[i].i;
    double pi = pairs[i].p;
    p[i] = i == last ? 1 : (rest > 0 ? pi / rest : 0);
    rest -= pi;
  }
}

/* The last few people of a long tail are cheaper drawn one by one: each
 * is independent of the others and falls in node j >= i with probability
 * c[j] times the chance of passing every node before it.  One uniform
 * per person replaces a binomial per node, with the same distribution;
 * one walk down the nodes places them all, counting at each node the
 * uniforms below the running sum (no sort, no data-dependent branch). */
uint32_t wx__cohort_picks(const gsl_rng *r, const double *c, uint32_t i,
                          uint32_t k, uint32_t n, uint32_t *at,
                          uint32_t *many) {
  double u[WX_COHORT_PICKS];
  for (uint32_t q = 0; q < n; q++) u[q] = wx__rng_uniform(r);
  double pass = 1, below = 0;
  uint32_t d = 0, q = 0, last = i;
  for (uint32_t j = i; j < k && q < n; j++) {
    double pj = pass * c[j];
    if (!(pj > 0)) continue;
    last = j;
    below += pj;
    pass -= pj;
    uint32_t now = 0; /* uniforms below the running sum: no branch each */
    for (uint32_t t = 0; t < n; t++) now += u[t] < below;
    at[d] = j, many[d] = now - q; /* kept when someone landed: d < n */
    d += now > q;
    q = now;
  }
  if (q < n) { /* a rounding fall-through lands on the last node */
    if (d && at[d - 1] == last)
      many[d - 1] += n - q;
    else
      at[d] = last, many[d++] = n - q;
  }
  return d;
}

void wx__cohort_multinomial_cond(const gsl_rng *r, uint64_t n, const double *c,
                                 const uint32_t *order, uint32_t k,
                                 uint64_t *out) {
  for (uint32_t i = 0; i < k; i++) out[i] = 0;
  for (uint32_t i = 0; i < k && n; i++) {
    if (WX_COHORT_ONE_BY_ONE(n, k - i)) {
      uint32_t at[WX_COHORT_PICKS], many[WX_COHORT_PICKS];
      uint32_t d = wx__cohort_picks(r, c, i, k, (uint32_t)n, at, many);
      for (uint32_t q = 0; q < d; q++) out[order[at[q]]] = many[q];
      return;
    }
    uint64_t x = wx__cohort_binomial(r, c[i], n);
    out[order[i]] = x;
    n -= x;
  }
}
