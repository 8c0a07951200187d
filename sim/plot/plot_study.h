/* Internals of the study charts (plot_study.c, plot_study_ix.c). */
#ifndef WX_PLOT_STUDY_H
#define WX_PLOT_STUDY_H

#include "plot_int.h"

/* Charts are drawn for the first KPIs of a study only. */
#define WX_STUDY_CHART_KPIS 6

typedef struct {
  wx_csv *study;   /* study.csv */
  wx_csv *factors; /* factors.csv: factor,name,... in the study's order */
  wx_csv *indices; /* indices.csv; NULL for a sweep */
  size_t k;        /* factors */
  long *fcol;      /* study.csv column of each factor */
  size_t n_kpi;
  long kcol0;                  /* study.csv column of the first KPI's _mean */
  char design[32], method[32]; /* from manifest.json ("" unknown) */
} wx__study_tables;

/* WX_ENOTFOUND (no diagnostic) when dir has no study.csv. */
int wx__study_tables_load(wx__plot_ctx *ctx, wx__study_tables *t);
void wx__study_tables_free(wx__study_tables *t);
void wx__study_kpi_name(const wx__study_tables *t, size_t j, char *out,
                        size_t size);
/* The number in a cell; NaN when empty or not a number. */
double wx__study_num(const wx_csv *c, size_t row, long col);
/* The factor's `name:` or its path. */
const char *wx__study_factor_label(const wx__study_tables *t, size_t i);
/* Tornado, Sobol, Morris and PRCC charts from indices.csv. */
int wx__plot_study_indices(wx__plot_ctx *ctx, const wx__study_tables *t);

#endif
