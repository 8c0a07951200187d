/*
 * The run core (core.c) under wx_evaluate and wx_run: what a run keeps
 * between replications, and the steps that set it up, run it and
 * summarise it.  Writing files is a layer on top (output/results.h).
 */
#ifndef WX_CORE_H
#define WX_CORE_H

#include "accum.h"
#include "engine.h"
#include "kpi.h"
#include "model.h"
#include "outfile.h"
#include "runner.h"
#include "series.h"

/* Default quantiles of series_stats.csv (KPIs always use these). */
#define WX_NQ            5
#define WX_MAX_QUANTILES 16
extern const double wx__quantile_probs[WX_NQ];
extern const char *const wx__quantile_names[WX_NQ];

struct wx_results {
  uint32_t n_reps; /* replications completed */
  uint32_t n_requested;
  uint32_t n_kpis;
  wx_kpi_def *defs;
  wx_cell_summary *kpi; /* n_kpis summaries */
  int partial;
  double wall_seconds;
  uint32_t threads;
  uint64_t seed;
  uint64_t events;     /* summed over replications */
  uint64_t peak_live;  /* largest over replications */
  uint64_t peak_bytes; /* engine bytes at that peak */
};

/* Everything a run keeps between replications.  The core (core.c) fills
 * and runs it for wx_evaluate and wx_run alike; wx_run adds the files and
 * `o` (NULL in memory) through the per-replication hook. */
typedef struct {
  const wx_model *m;
  const wx_run_options *o;
  wx_diags *diags;
  const wx_engine_type *engine;
  double horizon;   /* days: the run's (layout.horizon) */
  double budget;    /* bytes the run may use; 0: no limit known */
  int keep_series;  /* series_acc holds every replication's series */
  wx_rep_sink hook; /* before a replication is accumulated; may */
  void *hook_ctx;   /* be NULL; kpi_row holds its KPIs meanwhile */
  wx_layout layout;
  wx_kpi_set kpis;
  wx_accum series_acc;
  wx_accum kpi_acc;
  double *kpi_row;
  /* The uncertain parameters' draws per replication (prcc.csv): prior_acc
   * cell i is parameter prior_idx[i]; its row is kpi_row + kpis.n. */
  uint32_t n_priors;
  uint32_t *prior_idx;
  wx_accum prior_acc;
  wx_outfile series_csv, kpis_csv, params_csv;
  uint64_t events;
  uint64_t peak_live, peak_bytes;
} wx_run_ctx;

/* core.c: the one core under wx_evaluate and wx_run.  init resolves the
 * engine (its check included), the seed, replications and threads into
 * *ro, runs the memory guard before anything large is allocated, then
 * builds the layout, KPIs and accumulators. */
int wx__core_init(wx_run_ctx *c, const wx_model *m, const wx_eval_options *o,
                  wx_runner_opts *ro, wx_diags *d);
/* The first half of wx__core_init: everything resolved and checked (the
 * engine's check and the memory guard included) with nothing large
 * allocated yet; `wxflow validate` stops there.  Free with wx__core_free. */
int wx__core_plan(wx_run_ctx *c, const wx_model *m, const wx_eval_options *o,
                  wx_runner_opts *ro, wx_diags *d);
/* The runner's sink: calls the hook with r's KPIs in kpi_row, then
 * accumulates r, its KPIs and its prior draws (not when the hook failed). */
int wx__core_sink(void *ctx, const wx_rep_result *r);
/* Runs ro's replications through wx__core_sink; an engine that runs out
 * of memory or indices gets a message saying what ran out. */
int wx__core_run(wx_run_ctx *c, const wx_runner_opts *ro);
/* KPI summaries of what was accumulated; NULL when out of memory. */
wx_results *wx__core_summarise(const wx_run_ctx *c);
void wx__core_free(wx_run_ctx *c);

#endif
