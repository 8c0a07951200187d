/*
 * The first-order Markov model of journey-attribution tools: states start,
 * the channels, conversion and null; transition probabilities are the
 * counted transitions divided by their row's total.  The conversion
 * probability from a channel solves x = T_conv + T x over the channel
 * states; removing channel i redirects it to null (x_i = 0), and its
 * removal effect is 1 - P_without_i / P.
 */
#include <stdlib.h>

#include <gsl/gsl_linalg.h>

#include "attribute.h"

/* P(conversion) from the start, channel `gone` (n: none) removed. */
static int conversion(const double *counts, size_t n, size_t gone,
                      gsl_matrix *a, gsl_vector *b, gsl_vector *x,
                      gsl_permutation *perm, double *p) {
  size_t w = n + 3;
  gsl_matrix_set_identity(a);
  gsl_vector_set_zero(b);
  for (size_t i = 0; i < n; i++) {
    const double *row = counts + (i + 1) * w;
    double tot = 0;
    for (size_t j = 1; j < w; j++) tot += row[j];
    if (i == gone || !(tot > 0)) continue;
    for (size_t j = 0; j < n; j++)
      if (j != gone) gsl_matrix_set(a, i, j, (i == j) - row[j + 1] / tot);
    gsl_vector_set(b, i, row[n + 1] / tot);
  }
  int sign = 0;
  if (gsl_linalg_LU_decomp(a, perm, &sign) ||
      gsl_linalg_LU_solve(a, perm, b, x))
    return WX_ERUNTIME;
  double tot = 0, s = 0;
  for (size_t j = 1; j < w; j++) tot += counts[j];
  for (size_t j = 0; j < n; j++)
    if (j != gone) s += counts[j + 1] * gsl_vector_get(x, j);
  *p = tot > 0 ? s / tot : 0;
  return WX_OK;
}

int wx__markov_removal(const double *counts, size_t n, double *p, double *re) {
  gsl_matrix *a = gsl_matrix_alloc(n, n);
  gsl_vector *b = gsl_vector_alloc(n), *x = gsl_vector_alloc(n);
  gsl_permutation *perm = gsl_permutation_alloc(n);
  int rc = a && b && x && perm ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) rc = conversion(counts, n, n, a, b, x, perm, p);
  for (size_t i = 0; rc == WX_OK && i < n; i++) {
    double q = 0;
    rc = conversion(counts, n, i, a, b, x, perm, &q);
    re[i] = *p > 0 ? 1 - q / *p : 0;
  }
  gsl_matrix_free(a);
  gsl_vector_free(b);
  gsl_vector_free(x);
  gsl_permutation_free(perm);
  return rc;
}
