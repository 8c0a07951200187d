/* Partial rank correlation coefficients (Marino, Hogue, Ray, Kirschner
 * 2008, "A methodology for performing global uncertainty and sensitivity
 * analysis in systems biology"): every input and the output are replaced
 * by their ranks (ties share their mean rank); the PRCC of input i is the
 * correlation of the ranks of x_i and y once the other inputs' ranks are
 * partialled out, read off the inverse P of the rank correlation matrix:
 *   r_i = -P_iy / sqrt(P_ii P_yy).
 * Test of r = 0: t = r sqrt(df / (1 - r^2)), df = n - 2 - (k - 1); interval
 * from Fisher's z with standard error 1 / sqrt(n - 3 - (k - 1)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "prcc.h"
#include "wxflow/wxflow.h"

/* Mean ranks (1-based) of v[0..n-1] into out; idx is scratch. */
static void ranks(const double *v, size_t n, double *out, size_t *idx) {
  gsl_sort_index(idx, v, 1, n);
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && v[idx[b]] == v[idx[a]]) b++;
    double r = (a + 1 + b) / 2.0; /* mean of ranks a+1 .. b */
    for (size_t j = a; j < b; j++) out[idx[j]] = r;
    a = b;
  }
}

/* Columns 0..k-1 inputs, column k the output, rows without NaN only;
 * returns the rows kept. */
static size_t rank_table(const double *X, size_t n, size_t k, const double *y,
                         double *R, double *col, size_t *idx) {
  size_t m = 0;
  for (size_t j = 0; j < n; j++) {
    int ok = isfinite(y[j]);
    for (size_t i = 0; ok && i < k; i++) ok = isfinite(X[j * k + i]);
    if (!ok) continue;
    for (size_t i = 0; i < k; i++) R[i * n + m] = X[j * k + i];
    R[k * n + m] = y[j];
    m++;
  }
  for (size_t i = 0; i <= k; i++) {
    ranks(R + i * n, m, col, idx);
    memcpy(R + i * n, col, m * sizeof *col);
  }
  return m;
}

/* Pearson correlations of the k + 1 rank columns; 0 if one is constant. */
static int correlations(const double *R, size_t n, size_t m, size_t k,
                        double *C) {
  size_t d = k + 1;
  double mean = (m + 1) / 2.0; /* ranks always average (m + 1) / 2 */
  for (size_t a = 0; a <= k; a++)
    for (size_t b = a; b <= k; b++) {
      double s = 0;
      for (size_t j = 0; j < m; j++)
        s += (R[a * n + j] - mean) * (R[b * n + j] - mean);
      C[a * d + b] = s;
      C[b * d + a] = s;
    }
  for (size_t a = 0; a <= k; a++)
    if (!(C[a * d + a] > 0)) return 0;
  for (size_t a = 0; a <= k; a++)
    for (size_t b = 0; b <= k; b++)
      if (a != b) C[a * d + b] /= sqrt(C[a * d + a] * C[b * d + b]);
  for (size_t a = 0; a <= k; a++) C[a * d + a] = 1.0;
  return 1;
}

/* Inverts the correlation matrix C (d x d) in place through its Cholesky
 * factor; L holds 2 d d doubles.  0 when C is singular or nearly so (a
 * pivot, 1 - R^2 of a column on the ones before it, below 1e-10).  Done
 * here rather than with gsl_linalg, whose error handler aborts a program
 * that left it on (the library must not rely on its callers for that). */
static int invert(double *C, size_t d, double *L) {
  double *Li = L + d * d;
  memset(L, 0, 2 * d * d * sizeof *L);
  for (size_t j = 0; j < d; j++) {
    double s = C[j * d + j];
    for (size_t c = 0; c < j; c++) s -= L[j * d + c] * L[j * d + c];
    if (!(s > 1e-10)) return 0;
    L[j * d + j] = sqrt(s);
    for (size_t i = j + 1; i < d; i++) {
      double t = C[i * d + j];
      for (size_t c = 0; c < j; c++) t -= L[i * d + c] * L[j * d + c];
      L[i * d + j] = t / L[j * d + j];
    }
  }
  for (size_t j = 0; j < d; j++) { /* Li = L^-1, lower triangular */
    Li[j * d + j] = 1 / L[j * d + j];
    for (size_t i = j + 1; i < d; i++) {
      double t = 0;
      for (size_t c = j; c < i; c++) t -= L[i * d + c] * Li[c * d + j];
      Li[i * d + j] = t / L[i * d + i];
    }
  }
  for (size_t a = 0; a < d; a++) /* C^-1 = Li^T Li */
    for (size_t b = 0; b < d; b++) {
      double t = 0;
      for (size_t c = a > b ? a : b; c < d; c++)
        t += Li[c * d + a] * Li[c * d + b];
      C[a * d + b] = t;
    }
  return 1;
}

static void from_inverse(const double *P, size_t m, size_t k, double *r,
                         double *p, double *lo, double *hi) {
  size_t d = k + 1;
  double df = (double)m - 2 - (double)(k - 1);
  double se = 1 / sqrt((double)m - 3 - (double)(k - 1));
  for (size_t i = 0; i < k; i++) {
    double ri = -P[i * d + k] / sqrt(P[i * d + i] * P[k * d + k]);
    ri = ri > 1 ? 1 : ri < -1 ? -1 : ri;
    r[i] = ri;
    double t = fabs(ri) < 1 ? ri * sqrt(df / (1 - ri * ri)) : INFINITY;
    if (p) p[i] = fabs(ri) < 1 ? 2 * gsl_cdf_tdist_Q(fabs(t), df) : 0;
    double z = atanh(ri), h = gsl_cdf_ugaussian_Pinv(0.975) * se;
    if (lo) lo[i] = fabs(ri) < 1 ? tanh(z - h) : ri;
    if (hi) hi[i] = fabs(ri) < 1 ? tanh(z + h) : ri;
  }
}

int wx__prcc(const double *X, size_t n, size_t k, const double *y, double *r,
             double *p, double *lo, double *hi) {
  for (size_t i = 0; i < k; i++) {
    r[i] = NAN;
    if (p) p[i] = NAN;
    if (lo) lo[i] = NAN;
    if (hi) hi[i] = NAN;
  }
  if (k == 0 || n == 0) return WX_OK;
  size_t d = k + 1;
  double *R = malloc(d * n * sizeof *R), *col = malloc(n * sizeof *col);
  double *L = malloc(2 * d * d * sizeof *L);
  size_t *idx = malloc(n * sizeof *idx);
  double *C = malloc(d * d * sizeof *C);
  int rc = R && col && L && idx && C ? WX_OK : WX_ENOMEM;
  size_t m = rc == WX_OK ? rank_table(X, n, k, y, R, col, idx) : 0;
  if (rc == WX_OK && m > k + 2 && correlations(R, n, m, k, C) &&
      invert(C, d, L))
    from_inverse(C, m, k, r, p, lo, hi);
  free(C);
  free(L);
  free(R);
  free(col);
  free(idx);
  return rc;
}
