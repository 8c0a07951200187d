/*
 * Key figures per replication, computed from its series: what planners read
 * first (people in, members per module at the horizon, outcomes, time to a
 * target).  A KPI is a column of the series and a reduction over time, so
 * new mechanics add KPIs by adding columns, not code here.
 */
#ifndef WX_KPI_H
#define WX_KPI_H

#include <stdint.h>

#include "model.h"
#include "series.h"

typedef enum {
  WX_REDUCE_LAST,         /* value at the horizon */
  WX_REDUCE_MAX,          /* largest sampled value */
  WX_REDUCE_FIRST_AT,     /* first sample time with value >= threshold; NaN
                           when never reached */
  WX_REDUCE_SUM_LAST,     /* sum of several columns at the horizon */
  WX_REDUCE_REACHED,      /* 1 when the value ever reached threshold, else 0 */
  WX_REDUCE_STAFF_NEEDED, /* staff accounts that serve every request under
                             both the friend cap (threshold) and the daily
                             add limit (threshold2): col is the module's
                             first column, col2 its units' (kpi.c) */
  /* Two operands A = col, B = col2 (each a column): */
  WX_REDUCE_RATIO,    /* A / B at the horizon; NaN when B is 0 */
  WX_REDUCE_GAIN,     /* (A - B) / B at the horizon; NaN when B is 0 */
  WX_REDUCE_FIRST_GE, /* first sample time with B > 0 and A >= B; NaN
                           when never */
  WX_REDUCE_SUM_LIST, /* sum at the horizon of the n_cols columns
                           wx_kpi_set.list[col ..] */
  WX_REDUCE_IS_ZERO,  /* 1 when the value at the horizon is 0, else 0 */
  WX_REDUCE_EVER_GE   /* 1 when FIRST_GE has a value, else 0 */
} wx_reduce;

/* Which way a KPI is better, decided where the KPI is defined (not from its
 * name) and written to kpi_summary.csv's `better` column, which `wxflow
 * compare` reads to pick winners.  Staff accounts needed or used are
 * lower-better: each is a person to hire and a phone to manage for the same
 * flow.  People in is neutral: an input of the scenario, not a result. */
typedef enum {
  WX_BETTER_HIGHER = 0,
  WX_BETTER_LOWER,
  WX_BETTER_NEUTRAL /* no winner is picked */
} wx_kpi_better;

/* "higher", "lower", "neutral". */
const char *wx__kpi_better_name(wx_kpi_better b);

typedef struct {
  char name[96];
  char unit[16];
  wx_kpi_better better;
  wx_reduce reduce;
  uint32_t col; /* column, or first of `n_cols` for SUM_LAST */
  uint32_t n_cols;
  uint32_t stride; /* SUM_LAST: distance between summed columns */
  double threshold;
  uint32_t col2;     /* second operand of RATIO, GAIN, FIRST_GE */
  double threshold2; /* STAFF_NEEDED: daily add limit */
} wx_kpi_def;

typedef struct {
  uint32_t n;
  wx_kpi_def *defs;
  uint32_t *list; /* columns of SUM_LIST KPIs */
} wx_kpi_set;

/* Whether KPI i is a share of replications (0/1 values: Wilson interval). */
int wx__kpi_is_share(const wx_kpi_def *d);
/* Whether KPI i is a ratio A / B or a gain A / B - 1 whose operands are
 * KPIs of their own (the values at the horizon): then it is summarised as
 * the ratio of their means (wx__accum_ratio) plus *shift, and *num, *den
 * are their indices. */
int wx__kpi_ratio_parts(const wx_kpi_set *k, uint32_t i, uint32_t *num,
                        uint32_t *den, double *shift);

int wx__kpis_init(wx_kpi_set *k, const wx_model *m, const wx_layout *l);
void wx__kpis_free(wx_kpi_set *k);
/* out[k->n] for one replication's series. */
void wx__kpis_eval(const wx_kpi_set *k, const wx_layout *l, const wx_series *s,
                   double *out);

#endif
