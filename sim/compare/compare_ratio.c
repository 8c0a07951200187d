/* Intervals for a ratio of means R = mean(x) / mean(y) (cac = total cost
 * over total customers): the delta method linearises R around the means,
 * z_r = (x_r - R y_r) / mean(y), so that R - true R ~ mean(z) and the
 * interval of a mean, a paired or a Welch difference of means applies to
 * z unchanged, centred on R (or on the difference of two ratios). */
#include <math.h>

#include "compare.h"

/* R over the replications where x and y are finite; z[r] as above (NaN
 * where either is not finite).  NaN when mean(y) is 0 or nothing counts. */
static double influence(const double *x, const double *y, size_t n, double *z) {
  double sx = 0, sy = 0;
  size_t k = 0;
  for (size_t r = 0; r < n; r++)
    if (isfinite(x[r]) && isfinite(y[r])) sx += x[r], sy += y[r], k++;
  double R = k && sy != 0 ? sx / sy : NAN, my = sy / (double)k;
  for (size_t r = 0; r < n; r++)
    z[r] = isfinite(x[r]) && isfinite(y[r]) ? (x[r] - R * y[r]) / my : NAN;
  return R;
}

/* The interval of mean(z) (~0) moved onto `centre`. */
static void recentre(wx_ci *c, double centre) {
  double d = centre - c->mean;
  c->mean = centre;
  c->lo += d;
  c->hi += d;
}

void wx__ci_ratio(const double *x, const double *y, size_t n, double shift,
                  double *z, wx_ci *out) {
  double R = influence(x, y, n, z);
  wx__ci_mean(z, n, out);
  recentre(out, R + shift);
  if (isnan(R)) out->lo = out->hi = NAN;
}

void wx__ci_ratio_diff(const double *xa, const double *ya, const double *xb,
                       const double *yb, size_t n, double *z, wx_ci *paired,
                       wx_ci *welch) {
  double *za = z, *zb = z + n;
  double d = influence(xa, ya, n, za) - influence(xb, yb, n, zb);
  wx__ci_paired(za, zb, n, paired);
  wx__ci_welch(za, n, zb, n, welch);
  recentre(paired, d);
  recentre(welch, d);
  if (isnan(d)) paired->lo = paired->hi = welch->lo = welch->hi = NAN;
}
