/*
 * Accumulates one value per cell per replication (cells are sample x column
 * of a series, or KPIs) and summarises each cell across replications: mean,
 * standard deviation, a confidence interval of the mean and quantiles.
 *
 * Exact quantiles need every value, so values are kept cell-major
 * (cells x replications doubles); the per-replication series itself is
 * streamed to disk and never held.  Replications must be added in
 * replication order for results to be byte-identical across thread counts.
 */
#ifndef WX_ACCUM_H
#define WX_ACCUM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t n_cells;
  uint32_t cap;   /* replications room */
  uint32_t n;     /* replications added */
  double *values; /* values[cell * cap + rep] */
} wx_accum;

typedef struct {
  uint32_t n; /* finite values summarised */
  double mean, sd;
  double ci_low, ci_high; /* 95% CI of the mean (Student t) */
  double q[16];           /* quantiles at the requested probabilities */
} wx_cell_summary;

int wx__accum_init(wx_accum *a, uint32_t n_cells, uint32_t replications);
void wx__accum_free(wx_accum *a);
/* Adds one replication: row[n_cells].  WX_EINVAL when full. */
int wx__accum_add(wx_accum *a, const double *row);

/* Summarises cell c.  probs[nq] in [0,1], nq <= 16.  NaN values (e.g.
 * "target never reached") are left out; `scratch` holds cap doubles. */
void wx__accum_summary(const wx_accum *a, uint32_t c, const double *probs,
                       size_t nq, double *scratch, wx_cell_summary *out);

/* Summarises the ratio of means mean(cell num) / mean(cell den) over the
 * replications where both are finite (a replication with den 0 counts):
 * mean is that ratio, ci its 95% delta-method interval
 * R +- t sqrt(var(num - R den) / n) / mean(den) and sd the standard
 * deviation of (num - R den) / mean(den); n, quantiles and NaN handling as
 * wx__accum_summary of the per-replication ratios (num / den where den is
 * not 0).  NaN when mean(den) is 0.  `shift` is added to the ratio, its
 * bounds and quantiles (-1 for a gain (A - B) / B = A / B - 1).
 * `scratch` holds 2 cap doubles. */
void wx__accum_ratio(const wx_accum *a, uint32_t num, uint32_t den,
                     double shift, const double *probs, size_t nq,
                     double *scratch, wx_cell_summary *out);

/* Bytes the accumulators of a run hold: cells x replications doubles. */
double wx__accum_bytes(double cells, uint32_t replications);

#endif
