/*
 * Runs in memory (wxflow.h wx_evaluate): the core of results.h with no
 * hook, its accumulators kept for the accessors.  Nothing is written and
 * no environment variable is read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "util.h"

struct wx_eval {
  wx_run_ctx c;
  wx_results *r;      /* KPI summaries */
  uint32_t first_rep; /* replications accumulated start here */
};

int wx_evaluate(const wx_model *m, const wx_eval_options *o, wx_eval **out,
                wx_diags *d) {
  if (out) *out = NULL;
  if (!m || !out) return WX_EINVAL;
  wx_eval_options defaults = {0};
  wx_eval *e = calloc(1, sizeof *e);
  if (!e) return WX_ENOMEM;
  wx_runner_opts ro = {0};
  int rc = wx__core_init(&e->c, m, o ? o : &defaults, &ro, d);
  e->first_rep = ro.first_rep;
  if (rc == WX_OK) rc = wx__core_run(&e->c, &ro);
  if (rc == WX_OK || rc == WX_EINTERRUPTED) {
    e->r = wx__core_summarise(&e->c);
    if (!e->r) rc = WX_ENOMEM;
  }
  if (rc != WX_OK && rc != WX_EINTERRUPTED) {
    wx_eval_free(e);
    return rc;
  }
  *out = e;
  return rc;
}

void wx_eval_free(wx_eval *e) {
  if (!e) return;
  wx__core_free(&e->c);
  wx_results_free(e->r);
  free(e);
}

unsigned wx_eval_replications(const wx_eval *e) { return e->c.kpi_acc.n; }
unsigned wx_eval_kpi_count(const wx_eval *e) { return e->c.kpis.n; }

int wx_eval_kpi_find(const wx_eval *e, const char *name) {
  for (uint32_t k = 0; name && k < e->c.kpis.n; k++)
    if (strcmp(e->c.kpis.defs[k].name, name) == 0) return (int)k;
  return WX_ENOTFOUND;
}

const char *wx_eval_kpi_name(const wx_eval *e, unsigned k) {
  return k < e->c.kpis.n ? e->c.kpis.defs[k].name : NULL;
}

const char *wx_eval_kpi_unit(const wx_eval *e, unsigned k) {
  return k < e->c.kpis.n ? e->c.kpis.defs[k].unit : NULL;
}

int wx_eval_kpi_better(const wx_eval *e, unsigned k) {
  if (k >= e->c.kpis.n) return 0;
  switch (e->c.kpis.defs[k].better) {
    case WX_BETTER_HIGHER: return 1;
    case WX_BETTER_LOWER: return -1;
    default: return 0;
  }
}

static void to_summary(const wx_cell_summary *s, wx_summary *out) {
  /* wx__quantile_probs: 0.05 0.25 0.5 0.75 0.95 */
  *out = (wx_summary){s->n,       s->mean, s->sd,   s->ci_low,
                      s->ci_high, s->q[0], s->q[2], s->q[4]};
}

int wx_eval_kpi_summary(const wx_eval *e, unsigned k, wx_summary *out) {
  if (k >= e->c.kpis.n) return WX_EINVAL;
  to_summary(&e->r->kpi[k], out);
  return WX_OK;
}

const double *wx_eval_kpi_values(const wx_eval *e, unsigned k) {
  return k < e->c.kpis.n ? e->c.kpi_acc.values + (size_t)k * e->c.kpi_acc.cap
                         : NULL;
}

unsigned wx_eval_sample_count(const wx_eval *e) {
  return e->c.keep_series ? e->c.layout.n_samples : 0;
}

double wx_eval_sample_time(const wx_eval *e, unsigned i) {
  return i < wx_eval_sample_count(e) ? e->c.layout.times[i] : NAN;
}

int wx_eval_column_find(const wx_eval *e, const char *scope, const char *name,
                        const char *metric) {
  const wx_layout *l = &e->c.layout;
  for (uint32_t j = 0; scope && name && metric && j < l->n_cols; j++) {
    const wx_column *col = &l->cols[j];
    if (strcmp(wx__scope_name(col->scope), scope) == 0 &&
        strcmp(col->metric, metric) == 0 &&
        strcmp(wx__column_entity(e->c.m, col), name) == 0)
      return (int)j;
  }
  return WX_ENOTFOUND;
}

int wx_eval_series_summary(const wx_eval *e, unsigned sample, unsigned col,
                           wx_summary *out) {
  const wx_layout *l = &e->c.layout;
  if (!e->c.keep_series || sample >= l->n_samples || col >= l->n_cols)
    return WX_EINVAL;
  double *scratch = malloc((e->c.series_acc.cap + 1) * sizeof *scratch);
  if (!scratch) return WX_ENOMEM;
  wx_cell_summary s;
  wx__accum_summary(&e->c.series_acc, sample * l->n_cols + col,
                    wx__quantile_probs, WX_NQ, scratch, &s);
  free(scratch);
  to_summary(&s, out);
  return WX_OK;
}
