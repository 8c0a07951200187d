#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "accum.h"
#include "wxflow/wxflow.h"

int wx__accum_init(wx_accum *a, uint32_t n_cells, uint32_t replications) {
  *a = (wx_accum){.n_cells = n_cells, .cap = replications};
  size_t n = (size_t)n_cells * replications;
  a->values = malloc((n ? n : 1) * sizeof *a->values);
  return a->values ? WX_OK : WX_ENOMEM;
}

void wx__accum_free(wx_accum *a) {
  free(a->values);
  *a = (wx_accum){0};
}

int wx__accum_add(wx_accum *a, const double *row) {
  if (a->n >= a->cap) return WX_EINVAL;
  for (uint32_t c = 0; c < a->n_cells; c++)
    a->values[(size_t)c * a->cap + a->n] = row[c];
  a->n++;
  return WX_OK;
}

void wx__accum_summary(const wx_accum *a, uint32_t c, const double *probs,
                       size_t nq, double *scratch, wx_cell_summary *out) {
  const double *v = a->values + (size_t)c * a->cap;
  size_t n = 0;
  for (uint32_t r = 0; r < a->n; r++)
    if (!isnan(v[r])) scratch[n++] = v[r];
  *out = (wx_cell_summary){.n = (uint32_t)n};
  out->mean = out->sd = out->ci_low = out->ci_high = NAN;
  for (size_t k = 0; k < nq && k < 16; k++) out->q[k] = NAN;
  if (n == 0) return;
  out->mean = gsl_stats_mean(scratch, 1, n);
  out->sd = n > 1 ? gsl_stats_sd_m(scratch, 1, n, out->mean) : 0.0;
  double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * out->sd /
                            sqrt((double)n)
                      : NAN;
  out->ci_low = out->mean - half;
  out->ci_high = out->mean + half;
  gsl_sort(scratch, 1, n);
  for (size_t k = 0; k < nq && k < 16; k++)
    out->q[k] = gsl_stats_quantile_from_sorted_data(scratch, 1, n, probs[k]);
}

/* Mean of x_i - r y_i and its sample variance (two passes: the ratio r
 * is the ratio of means, so the residuals sum to ~0). */
static double residual_var(const double *x, const double *y, size_t n,
                           double r) {
  double m = 0, s = 0;
  for (size_t i = 0; i < n; i++) m += (x[i] - r * y[i]) / (double)n;
  for (size_t i = 0; i < n; i++) {
    double e = x[i] - r * y[i] - m;
    s += e * e;
  }
  return n > 1 ? s / (double)(n - 1) : NAN;
}

void wx__accum_ratio(const wx_accum *a, uint32_t num, uint32_t den,
                     double shift, const double *probs, size_t nq,
                     double *scratch, wx_cell_summary *out) {
  const double *x = a->values + (size_t)num * a->cap;
  const double *y = a->values + (size_t)den * a->cap;
  double *px = scratch, *py = scratch + a->cap;
  size_t n = 0;
  for (uint32_t r = 0; r < a->n; r++)
    if (isfinite(x[r]) && isfinite(y[r])) px[n] = x[r], py[n++] = y[r];
  *out = (wx_cell_summary){.n = (uint32_t)n};
  out->mean = out->sd = out->ci_low = out->ci_high = NAN;
  for (size_t k = 0; k < nq && k < 16; k++) out->q[k] = NAN;
  if (n == 0) return;
  double mx = gsl_stats_mean(px, 1, n), my = gsl_stats_mean(py, 1, n);
  if (my == 0) return;
  double r = mx / my, sd = sqrt(residual_var(px, py, n, r)) / fabs(my);
  out->mean = r + shift;
  out->sd = n > 1 ? sd : 0.0;
  if (n > 1) {
    double half =
        gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
    out->ci_low = out->mean - half;
    out->ci_high = out->mean + half;
  }
  size_t k = 0; /* quantiles of the replications' own ratios */
  for (size_t i = 0; i < n; i++)
    if (py[i] != 0) px[k] = px[i] / py[i] + shift, k++;
  gsl_sort(px, 1, k);
  for (size_t q = 0; k && q < nq && q < 16; q++)
    out->q[q] = gsl_stats_quantile_from_sorted_data(px, 1, k, probs[q]);
}

double wx__accum_bytes(double cells, uint32_t replications) {
  return cells * replications * (double)sizeof(double);
}
