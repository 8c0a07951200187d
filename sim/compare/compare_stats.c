/* Intervals for comparisons: a mean, a paired difference, and the unpaired
 * (Welch) difference of two means, each at 95% with Student's t.  Values
 * that are not finite (a KPI "never reached") are left out. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "compare.h"

#define WX_CI_LEVEL 0.975 /* two-sided 95% */

static void moments(const double *x, size_t n, uint32_t *k, double *mean,
                    double *var) {
  double m = 0, s = 0;
  uint32_t c = 0;
  /* Welford: stable for large counts with small differences. */
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) continue;
    c++;
    double dlt = x[i] - m;
    m += dlt / c;
    s += dlt * (x[i] - m);
  }
  *k = c;
  *mean = c ? m : NAN;
  *var = c > 1 ? s / (c - 1) : NAN;
}

static void interval(uint32_t n, double mean, double se, double df,
                     wx_ci *out) {
  out->n = n;
  out->mean = mean;
  out->lo = out->hi = NAN;
  if (!(df > 0) || !isfinite(se)) return;
  double half = gsl_cdf_tdist_Pinv(WX_CI_LEVEL, df) * se;
  out->lo = mean - half;
  out->hi = mean + half;
}

void wx__ci_mean(const double *x, size_t n, wx_ci *out) {
  uint32_t k;
  double mean, var;
  moments(x, n, &k, &mean, &var);
  interval(k, mean, sqrt(var / k), (double)k - 1, out);
}

void wx__ci_paired(const double *a, const double *b, size_t n, wx_ci *out) {
  double m = 0, s = 0;
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    double x = a[i] - b[i];
    if (!isfinite(x)) continue;
    c++;
    double dlt = x - m;
    m += dlt / c;
    s += dlt * (x - m);
  }
  double var = c > 1 ? s / (c - 1) : NAN;
  interval(c, c ? m : NAN, sqrt(var / c), (double)c - 1, out);
}

void wx__ci_welch(const double *a, size_t na, const double *b, size_t nb,
                  wx_ci *out) {
  uint32_t ka, kb;
  double ma, va, mb, vb;
  moments(a, na, &ka, &ma, &va);
  moments(b, nb, &kb, &mb, &vb);
  double ua = va / ka, ub = vb / kb, se = sqrt(ua + ub);
  /* Welch-Satterthwaite degrees of freedom; when both variances are 0
   * the difference is exact and the interval collapses onto it. */
  double den = ua * ua / (ka - 1.0) + ub * ub / (kb - 1.0);
  double df =
      den > 0 ? (ua + ub) * (ua + ub) / den : (double)ka + (double)kb - 2;
  interval(ka < kb ? ka : kb, ma - mb, se, ka > 1 && kb > 1 ? df : 0, out);
}

/* Wilson score bounds of k successes in n at 95%. */
static void wilson(double k, double n, double *lo, double *hi) {
  const double z = 1.959963984540054;
  double p = k / n, z2 = z * z;
  double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  *lo = fmax(0.0, centre - half);
  *hi = fmin(1.0, centre + half);
}

void wx__ci_wilson(const double *x, size_t n, wx_ci *out) {
  double k = 0;
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) continue;
    c++;
    k += x[i] != 0;
  }
  *out = (wx_ci){.n = c, .mean = c ? k / c : NAN, .lo = NAN, .hi = NAN};
  if (c) wilson(k, c, &out->lo, &out->hi);
}

void wx__ci_paired_binary(const double *a, const double *b, size_t n,
                          wx_ci *out) {
  double t[2][2] = {{0, 0}, {0, 0}}; /* t[a][b] counts of pairs */
  uint32_t c = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(a[i]) || !isfinite(b[i])) continue;
    c++;
    t[a[i] != 0][b[i] != 0] += 1;
  }
  *out = (wx_ci){.n = c, .mean = NAN, .lo = NAN, .hi = NAN};
  if (!c) return;
  double p1 = (t[1][0] + t[1][1]) / c, p2 = (t[0][1] + t[1][1]) / c;
  double l1, u1, l2, u2;
  wilson(p1 * c, c, &l1, &u1);
  wilson(p2 * c, c, &l2, &u2);
  double den = (t[1][0] + t[1][1]) * (t[0][0] + t[0][1]) * (t[0][1] + t[1][1]) *
               (t[0][0] + t[1][0]);
  double phi =
      den > 0 ? (t[1][1] * t[0][0] - t[1][0] * t[0][1]) / sqrt(den) : 0.0;
  double e1 = p1 - l1, f1 = u1 - p1, e2 = p2 - l2, f2 = u2 - p2;
  out->mean = p1 - p2;
  out->lo = out->mean - sqrt(fmax(0, e1 * e1 - 2 * phi * e1 * f2 + f2 * f2));
  out->hi = out->mean + sqrt(fmax(0, f1 * f1 - 2 * phi * f1 * e2 + e2 * e2));
}

int wx__ci_significant(const wx_ci *c) {
  if (c->n < WX_MIN_PAIRS || !(c->hi > c->lo)) return 0;
  return c->lo > 0 || c->hi < 0;
}

wx_kpi_better wx__kpi_better_parse(const char *s) {
  if (s && !strcmp(s, "lower")) return WX_BETTER_LOWER;
  if (s && !strcmp(s, "neutral")) return WX_BETTER_NEUTRAL;
  return WX_BETTER_HIGHER;
}
