/* Variance-based (Sobol) indices from Saltelli's sampling matrices, by
 * Jansen's estimators (Saltelli, Annoni, Azzini, Campolongo, Ratto,
 * Tarantola 2010, "Variance based sensitivity analysis of model output",
 * table 2), with bootstrap percentile intervals over the N base rows.
 *
 * With A and B independent samples and AB_i = A with column i from B:
 *   V    = Var f, from the 2N values f(A), f(B)
 *   V_i  = V - 1/(2N) sum (f(B) - f(AB_i))^2     (f(B), f(AB_i) share x_i)
 *   VT_i = 1/(2N) sum (f(A) - f(AB_i))^2         (share all but x_i)
 *   S1_i = V_i / V,  ST_i = VT_i / V. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "study.h"
#include "util.h"

#define BOOT_STREAM 0xb0075u

/* Indices from the rows rows[0..m-1] of the N-row blocks of f. */
static void estimate(const double *f, size_t N, size_t k, const size_t *rows,
                     size_t m, double *S1, double *ST) {
  const double *fa = f, *fb = f + N;
  double mean = 0, v = 0;
  for (size_t j = 0; j < m; j++) mean += fa[rows[j]] + fb[rows[j]];
  mean /= 2.0 * m;
  for (size_t j = 0; j < m; j++) {
    double a = fa[rows[j]] - mean, b = fb[rows[j]] - mean;
    v += a * a + b * b;
  }
  v /= 2.0 * m - 1;
  for (size_t i = 0; i < k; i++) {
    const double *fab = f + (2 + i) * N;
    double s1 = 0, st = 0;
    for (size_t j = 0; j < m; j++) {
      double db = fb[rows[j]] - fab[rows[j]], da = fa[rows[j]] - fab[rows[j]];
      s1 += db * db;
      st += da * da;
    }
    S1[i] = v > 0 ? (v - s1 / (2.0 * m)) / v : NAN;
    ST[i] = v > 0 ? st / (2.0 * m) / v : NAN;
  }
}

/* The rows whose k + 2 values are all finite. */
static size_t finite_rows(const double *f, size_t N, size_t k, size_t *rows) {
  size_t m = 0;
  for (size_t j = 0; j < N; j++) {
    int ok = 1;
    for (size_t b = 0; ok && b < k + 2; b++) ok = isfinite(f[b * N + j]);
    if (ok) rows[m++] = j;
  }
  return m;
}

static void percentile(double *v, size_t n, double *lo, double *hi) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i])) v[m++] = v[i];
  if (m < 2) {
    *lo = *hi = NAN;
    return;
  }
  gsl_sort(v, 1, m);
  *lo = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.025);
  *hi = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.975);
}

static int bootstrap(const double *f, size_t N, size_t k, const size_t *rows,
                     size_t m, unsigned B, uint64_t seed, double *lo1,
                     double *hi1, double *loT, double *hiT) {
  size_t *pick = malloc(m * sizeof *pick);
  double *b1 = malloc((size_t)B * k * sizeof *b1);
  double *bT = malloc((size_t)B * k * sizeof *bT);
  double *s1 = malloc(2 * k * sizeof *s1), *sT = s1 ? s1 + k : NULL;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int rc = pick && b1 && bT && s1 && r ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) gsl_rng_set(r, (unsigned long)wx__mix64(seed ^ BOOT_STREAM));
  for (unsigned b = 0; rc == WX_OK && b < B; b++) {
    for (size_t j = 0; j < m; j++)
      pick[j] = rows[gsl_rng_uniform_int(r, (unsigned long)m)];
    estimate(f, N, k, pick, m, s1, sT);
    for (size_t i = 0; i < k; i++) {
      b1[i * B + b] = s1[i];
      bT[i * B + b] = sT[i];
    }
  }
  for (size_t i = 0; rc == WX_OK && i < k; i++) {
    if (lo1 && hi1) percentile(b1 + i * B, B, &lo1[i], &hi1[i]);
    if (loT && hiT) percentile(bT + i * B, B, &loT[i], &hiT[i]);
  }
  gsl_rng_free(r);
  free(pick);
  free(b1);
  free(bT);
  free(s1);
  return rc;
}

static void fill_nan(double *a, size_t k) {
  for (size_t i = 0; a && i < k; i++) a[i] = NAN;
}

int wx__sobol_indices(const double *f, size_t N, size_t k, unsigned B,
                      uint64_t seed, double *S1, double *ST, double *S1_lo,
                      double *S1_hi, double *ST_lo, double *ST_hi) {
  fill_nan(S1, k), fill_nan(ST, k);
  fill_nan(S1_lo, k), fill_nan(S1_hi, k), fill_nan(ST_lo, k);
  fill_nan(ST_hi, k);
  size_t *rows = malloc((N ? N : 1) * sizeof *rows);
  if (!rows) return WX_ENOMEM;
  size_t m = finite_rows(f, N, k, rows);
  int rc = WX_OK;
  if (m >= 2) {
    estimate(f, N, k, rows, m, S1, ST);
    if (B >= 2)
      rc = bootstrap(f, N, k, rows, m, B, seed, S1_lo, S1_hi, ST_lo, ST_hi);
  }
  free(rows);
  return rc;
}
