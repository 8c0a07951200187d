/*
 * Partial rank correlation coefficients (prcc.c): which of several inputs
 * drives an output once the others are accounted for.  Studies use it on
 * their sampling designs, runs on the priors drawn per replication.
 */
#ifndef WX_PRCC_H
#define WX_PRCC_H

#include <stddef.h>

/* Partial rank correlation of each column of X (n x k, row-major) with y,
 * the other columns partialled out; p-value of r = 0 (t with n - k - 1
 * degrees of freedom) and a 95% Fisher-z interval (p, lo, hi may be NULL).
 * Rows with a NaN are dropped.  A degenerate problem (constant column,
 * collinear inputs, n <= k + 2 rows left) gives NaN.  WX_ENOMEM or WX_OK. */
int wx__prcc(const double *X, size_t n, size_t k, const double *y, double *r,
             double *p, double *lo, double *hi);

#endif
