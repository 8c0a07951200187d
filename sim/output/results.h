/* Internals shared by the files that write a results directory: the
 * run core (core.h) plus the writers of each file. */
#ifndef WX_RESULTS_H
#define WX_RESULTS_H

#include <stdio.h>

#include "core.h"

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

/* out_levels.c: levels.csv, the caps and targets drawn over fan charts. */
int wx__write_levels(const wx_run_ctx *c, const char *dir);

/* out_funnel.c: funnel.csv (plot.h), when the model has a funnel stage. */
int wx__write_funnel(const wx_run_ctx *c, const char *dir);
/* Whether the funnel stage summing `cols` is nested in the one summing
 * `prev` (funnel_nested.c): every way into it passes through it. */
int wx__funnel_nested(const wx_model *m, const wx_layout *l,
                      const uint32_t *prev, uint32_t n_prev,
                      const uint32_t *cols, uint32_t n);
/* Whether wx__write_funnel writes a file for c's model. */
int wx__funnel_written(const wx_run_ctx *c);

/* out_prcc.c: prcc.csv, always written; rows only when
 * wx__prcc_estimated (priors, and more than k + 2 replications for k of
 * them); wx__prcc_note says which for the manifest. */
int wx__write_prcc(const wx_run_ctx *c, const char *dir);
int wx__prcc_estimated(const wx_run_ctx *c);
void wx__prcc_note(const wx_run_ctx *c, char *buf, size_t size);

/* out_manifest.c */
int wx__write_manifest(const wx_run_ctx *c, const wx_results *r,
                       const char *dir);
int wx__write_summary_json(const wx_results *r, const char *dir,
                           wx_diags *diags);
/* JSON string literal of s (quotes included) to fp. */
void wx__json_string(FILE *fp, const char *s);

#endif
