/* Internals shared by the files that write a results directory. */
#ifndef WX_RESULTS_H
#define WX_RESULTS_H

#include <stdio.h>

#include "accum.h"
#include "kpi.h"
#include "model.h"
#include "outfile.h"
#include "runner.h"
#include "series.h"

/* Default quantiles of series_stats.csv (KPIs always use these). */
#define WX_NQ 5
#define WX_MAX_QUANTILES 16
extern const double wx__quantile_probs[WX_NQ];
extern const char *const wx__quantile_names[WX_NQ];

struct wx_results {
  uint32_t n_reps;          /* replications completed */
  uint32_t n_requested;
  uint32_t n_kpis;
  wx_kpi_def *defs;
  wx_cell_summary *kpi;     /* n_kpis summaries */
  int partial;
  double wall_seconds;
  uint32_t threads;
  uint64_t seed;
  uint64_t events;          /* summed over replications */
  uint64_t peak_live;       /* largest over replications */
  uint64_t peak_bytes;      /* engine bytes at that peak */
};

/* Everything a run keeps between replications. */
typedef struct {
  const wx_model *m;
  const wx_run_options *o;
  wx_diags *diags;
  wx_layout layout;
  wx_kpi_set kpis;
  wx_accum series_acc;
  wx_accum kpi_acc;
  double *kpi_row;
  wx_outfile series_csv, kpis_csv, params_csv;
  uint64_t events;
  uint64_t peak_live, peak_bytes;
} wx_run_ctx;

/* out_csv.c */
int wx__write_entities(const wx_run_ctx *c, const char *dir);
/* Writes replication rep's rows to series.csv; polls c->o->stop between
 * samples and, when raised, cuts the file back to where the replication
 * began (no partial replication) and returns WX_EINTERRUPTED. */
int wx__write_series_rows(FILE *fp, const wx_run_ctx *c, uint32_t rep,
                          const wx_series *s);
int wx__write_series_stats(const wx_run_ctx *c, const char *dir);
int wx__write_kpi_summary(const wx_run_ctx *c, const wx_results *r,
                          const char *dir);

/* A CSV field, quoted when it needs to be. */
void wx__csv_field(FILE *fp, const char *s);

/* out_constraints.c: constraints.csv from the replications' series. */
int wx__write_constraints(const wx_run_ctx *c, const char *dir);

/* out_funnel.c: funnel.csv (plot.h), when the model has a funnel stage. */
int wx__write_funnel(const wx_run_ctx *c, const char *dir);
/* Whether wx__write_funnel writes a file for c's model. */
int wx__funnel_written(const wx_run_ctx *c);

/* out_manifest.c */
int wx__write_manifest(const wx_run_ctx *c, const wx_results *r,
                       const char *dir);
int wx__write_summary_json(const wx_results *r, const char *dir,
                           wx_diags *diags);
/* JSON string literal of s (quotes included) to fp. */
void wx__json_string(FILE *fp, const char *s);

#endif
