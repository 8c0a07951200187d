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
  double df = den > 0 ? (ua + ub) * (ua + ub) / den
                      : (double)ka + (double)kb - 2;
  interval(ka < kb ? ka : kb, ma - mb, se, ka > 1 && kb > 1 ? df : 0, out);
}

/* Which KPIs are better low: costs and per-day burdens.  One table, so a
 * new kind of KPI is one line here. */
typedef enum { AT_START, AT_END } where;
static const struct {
  const char *text;
  where at;
} lower_better[] = {{"cost", AT_START}, {"cac", AT_START}, {"_day", AT_END}};

int wx__kpi_lower_is_better(const char *kpi) {
  size_t n = strlen(kpi);
  for (size_t i = 0; i < sizeof lower_better / sizeof lower_better[0]; i++) {
    const char *t = lower_better[i].text;
    size_t k = strlen(t);
    if (k > n) continue;
    if (lower_better[i].at == AT_START && !strncmp(kpi, t, k)) return 1;
    if (lower_better[i].at == AT_END && !strcmp(kpi + n - k, t)) return 1;
  }
  return 0;
}
