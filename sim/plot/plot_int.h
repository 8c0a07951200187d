/* Internals shared by the plot_*.c files (see plot.h for the contract). */
#ifndef WX_PLOT_INT_H
#define WX_PLOT_INT_H

#include <stdio.h>

#include "csv_read.h"
#include "plot.h"

#define WX_PLOT_PATH 4096

/* A growable string; `oom` sticks once an append failed. */
typedef struct wx__sbuf {
  char *s;
  size_t len, cap;
  int oom;
} wx__sbuf;

void wx__sb_printf(wx__sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends s as a gnuplot single-quoted string literal. */
void wx__sb_gpstr(wx__sbuf *b, const char *s);
/* Appends `name = 'value'` and a newline. */
void wx__sb_gpvar(wx__sbuf *b, const char *name, const char *value);
void wx__sb_free(wx__sbuf *b);

typedef struct wx__plot_ctx {
  const char *dir;
  wx_diags *diags;
  const char *gnuplot;
  const char *fan_metric;
  const char *compare_series;
  unsigned formats;
  char tmp[WX_PLOT_PATH];    /* data files and scripts */
  char charts[WX_PLOT_PATH]; /* final output directory */
  char tpl_dir[WX_PLOT_PATH];
  char title[512];
  unsigned seq; /* numbers temporary files */
  const atomic_int *stop;
  double timeout;
  wx_plot_report rep;
} wx__plot_ctx;

/* Opens a new data file in ctx->tmp; its path goes to path. */
FILE *wx__plot_datafile(wx__plot_ctx *ctx, char path[WX_PLOT_PATH]);
/* Closes a data file, reporting a write error. */
int wx__plot_close(wx__plot_ctx *ctx, FILE *f, const char *path);
/* Draws chart `base` (e.g. "fan_oa") with template `tpl` ("fan.gp") in every
 * format; `vars` sets the template's variables.  Outputs are renamed into
 * charts/ only when gnuplot succeeded. */
int wx__plot_run(wx__plot_ctx *ctx, const char *tpl, const char *base,
                 const char *vars);
/* Reports a chart skipped for want of its input. */
void wx__plot_skip(wx__plot_ctx *ctx, const char *chart, const char *why);
/* Joins dir and name into out; WX_EINVAL when too long. */
int wx__plot_path(char out[WX_PLOT_PATH], const char *dir, const char *name);
/* Copies name into out with characters unsafe in a file name replaced. */
void wx__plot_safe_name(char *out, size_t size, const char *name);
/* "<deck title> · <what>" or just <what>. */
void wx__plot_title(const wx__plot_ctx *ctx, const char *what, char *out,
                    size_t size);
/* Columns a UTF-8 text takes (CJK characters are two). */
size_t wx__plot_width(const char *s);
/* Copies s into out, cut to `columns` display columns (>= 2) with an
 * ellipsis when longer, never inside a UTF-8 character. */
void wx__plot_fit(char *out, size_t size, const char *s, size_t columns);
/* Writes a label into a tab-separated data file (tabs, newlines and double
 * quotes would break gnuplot's parsing, so they are replaced). */
void wx__plot_put_label(FILE *f, const char *s);

/* Loads dir/<file> and finds the columns `need` (col[n]): WX_ENOTFOUND
 * (no diagnostic) when the file does not exist. */
int wx__plot_table(wx__plot_ctx *ctx, const char *file, const char *const *need,
                   size_t n, long *col, wx_csv **out);

/* A results directory's entities and series statistics. */
typedef struct wx__plot_results {
  wx_csv *ent; /* NULL when entities.csv is missing */
  wx_csv *ss;
} wx__plot_results;

/* WX_ENOTFOUND (no diagnostic) when dir has no series_stats.csv. */
int wx__plot_results_load(wx__plot_ctx *ctx, const char *dir,
                          wx__plot_results *r);
void wx__plot_results_free(wx__plot_results *r);
/* The label of an entity, or its name when it has none. */
const char *wx__plot_label(const wx__plot_results *r, const char *scope,
                           const char *name);
/* The largest time in the series, or 0. */
double wx__plot_horizon(const wx__plot_results *r);

enum { WX_Q_MEAN, WX_Q_P5, WX_Q_P25, WX_Q_P50, WX_Q_P75, WX_Q_P95, WX_Q_N };

/* One series' statistics over time, sorted by time. */
typedef struct wx__pseries {
  size_t n;
  double *t;
  double *q[WX_Q_N];
} wx__pseries;

int wx__plot_series(wx__plot_ctx *ctx, const wx__plot_results *r,
                    const char *scope, const char *name, const char *metric,
                    wx__pseries *out);
void wx__pseries_free(wx__pseries *s);
/* The value of s's column q at time t, or NaN when s has no such time. */
double wx__pseries_at(const wx__pseries *s, int q, double t);

/* levels.csv (caps and targets, plot_levels.c); csv NULL when missing. */
typedef struct wx__plot_levels {
  wx_csv *csv;
  long col[7];
} wx__plot_levels;
int wx__plot_levels_load(wx__plot_ctx *ctx, wx__plot_levels *lv);
void wx__plot_levels_free(wx__plot_levels *lv);
/* The fan.gp variables of module `name`'s lines on `metric` (nlines,
 * nnotes and their arrays), given the fan's top (largest p95) and the
 * horizon: a line above WX_LEVEL_ROOM x top becomes a note. */
int wx__plot_levels_vars(wx__plot_ctx *ctx, const wx__plot_levels *lv,
                         const char *name, const char *metric, double top,
                         double horizon, wx__sbuf *v);
/* A number with thousands separators ("50,000"). */
void wx__plot_grouped(char out[48], double v);

/* The charts, one function each: WX_OK also when skipped. */
int wx__plot_fans(wx__plot_ctx *ctx, const wx__plot_results *r);
int wx__plot_stacked(wx__plot_ctx *ctx, const wx__plot_results *r);
/* Viewers online through each live stream's first stream (plot_live.c);
 * drawn with the fans. */
int wx__plot_live(wx__plot_ctx *ctx, const wx__plot_results *r);
int wx__plot_funnel(wx__plot_ctx *ctx);
int wx__plot_constraints(wx__plot_ctx *ctx, const wx__plot_results *r);
int wx__plot_compare(wx__plot_ctx *ctx);
int wx__plot_kpi(wx__plot_ctx *ctx);
int wx__plot_attribution(wx__plot_ctx *ctx);
/* A study directory's charts; WX_OK with nothing drawn when there is no
 * study.csv (plot_study.c). */
int wx__plot_study(wx__plot_ctx *ctx);
int wx__plot_optimize(wx__plot_ctx *ctx);
int wx__plot_calib(wx__plot_ctx *ctx);

#endif
