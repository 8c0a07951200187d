/*
 * Comparing variants of a scenario (`wxflow compare`).
 *
 * A comparison is a base scenario and variants, given either as several
 * scenario files (the first is the base) or as one comparison file that
 * names a base and overrides by dotted path (docs/compare.md).  Every
 * variant runs through wx_run into <out>/variants/<name>/ with the same
 * seed and replication count, so replication r of every variant draws from
 * the same random streams (common random numbers: the engine tags streams
 * by entity name, see agent_engine.c).  Per KPI, each variant gets its mean
 * and 95% CI, and each non-base variant its paired difference to the base
 * (d_r = KPI_v,r - KPI_base,r) with a Student-t CI, plus the unpaired
 * (Welch) CI of the same difference for reference.
 *
 * Files: compare_spec.c (the comparison file), compare_models.c (variant
 * models), compare_stats.c (intervals), compare_run.c (runs and the table),
 * compare_out.c (compare.csv, compare.md, manifest.json).
 */
#ifndef WX_COMPARE_H
#define WX_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kpi.h"
#include "wxflow/wxflow.h"

/* ------------------------------------------------------------------ spec */

typedef struct {
  char *path;    /* dotted scenario path, "flows.oa_to_sdr.p" */
  char *value;   /* scalar text as written, "8%" */
  int line, col; /* of the override's key in the comparison file */
} wx_override;

typedef struct {
  char *name;     /* [A-Za-z_][A-Za-z0-9_]* */
  char *scenario; /* the scenario file it starts from */
  wx_override *ov;
  size_t n_ov;
  int line, col; /* of its name in the comparison file; 0 for files */
} wx_variant_spec;

typedef struct {
  char *file;            /* comparison file; NULL when made from scenarios */
  char *title;           /* NULL when not given */
  char hash[17];         /* FNV-1a 64 of the comparison file (or "") */
  uint32_t replications; /* 0: the base scenario's */
  int seed_set;
  uint64_t seed;
  char **kpis; /* KPIs to show; n_kpis == 0: all */
  size_t n_kpis;
  wx_variant_spec *v; /* v[0] is the base */
  size_t n;
} wx_compare_spec;

/* Reads a comparison file (YAML, top-level key `compare`).  Every problem
 * is reported as file:line:col; returns WX_OK, WX_EIO, WX_EYAML,
 * WX_ESCENARIO or WX_ENOMEM. */
int wx__compare_spec_load(const char *path, wx_compare_spec **out, wx_diags *d);
/* Whether the file is a comparison file (a YAML mapping with a top-level
 * `compare`); 0 when it cannot be read or parsed (the scenario loader
 * then says why). */
int wx__compare_file_is(const char *path);
/* A comparison of scenario files: the first is the base, variant names
 * are file stems (they must be distinct names). */
int wx__compare_spec_files(const char *const *files, size_t n,
                           wx_compare_spec **out, wx_diags *d);
void wx__compare_spec_free(wx_compare_spec *s);

/* Compiles every variant: models[i] for s->v[i] (models has s->n slots,
 * all NULL on failure).  Errors in an override point at the override in
 * the comparison file; errors in a scenario at the scenario.  Returns
 * WX_OK, WX_EIO, WX_EYAML, WX_ESCENARIO, WX_ETOOBIG or WX_ENOMEM. */
int wx__compare_models(const wx_compare_spec *s, wx_model **models,
                       wx_diags *d);

/* ----------------------------------------------------------------- stats */

/* A mean with its 95% Student-t interval; NaN bounds when n < 2. */
typedef struct {
  uint32_t n;
  double mean, lo, hi;
} wx_ci;

/* Mean of the finite values of x[n]. */
void wx__ci_mean(const double *x, size_t n, wx_ci *out);
/* Paired: mean of a[r] - b[r] over the r where both are finite. */
void wx__ci_paired(const double *a, const double *b, size_t n, wx_ci *out);
/* Unpaired (Welch-Satterthwaite) interval of mean(a) - mean(b). */
void wx__ci_welch(const double *a, size_t na, const double *b, size_t nb,
                  wx_ci *out);
/* A share of the finite 0/1 values of x[n] with its 95% Wilson score
 * interval (never zero-width, stays inside [0, 1]). */
void wx__ci_wilson(const double *x, size_t n, wx_ci *out);
/* Paired 0/1 data: a[r] - b[r] over the r where both are finite, with
 * Newcombe's hybrid score interval for a difference of paired proportions
 * (Newcombe 1998, method 10: Wilson intervals of both shares combined with
 * the phi correlation of the pairs). */
void wx__ci_paired_binary(const double *a, const double *b, size_t n,
                          wx_ci *out);
/* Ratio of means mean(x) / mean(y) + shift over the r where both are
 * finite, with its delta-method interval (compare_ratio.c); z holds n
 * doubles. */
void wx__ci_ratio(const double *x, const double *y, size_t n, double shift,
                  double *z, wx_ci *out);
/* Paired and Welch intervals of the difference of two ratios of means,
 * a = xa / ya minus b = xb / yb; z holds 2 n doubles. */
void wx__ci_ratio_diff(const double *xa, const double *ya, const double *xb,
                       const double *yb, size_t n, double *z, wx_ci *paired,
                       wx_ci *welch);
/* Whether a paired interval may be called significant: it excludes 0, has
 * a positive width and rests on at least WX_MIN_PAIRS pairs. */
#define WX_MIN_PAIRS 5
int wx__ci_significant(const wx_ci *c);
/* "higher" / "lower" / "neutral" (kpi_summary.csv's `better`); higher
 * when NULL or unknown, as files written before the column was added. */
wx_kpi_better wx__kpi_better_parse(const char *s);

/* ------------------------------------------------------------------- run */

typedef struct {
  const char *out_dir; /* required */
  int force;
  int seed_set; /* overrides the spec and the base scenario */
  uint64_t seed;
  unsigned replications; /* 0: the spec's, else the base scenario's */
  unsigned threads;
  const char *engine;   /* NULL: each variant's `engine:` */
  double horizon;       /* days, every variant; 0: each variant's */
  double memory_budget; /* bytes; 0: the default */
  /* Called before each variant runs; progress is handed to wx_run. */
  void (*on_variant)(void *ctx, const char *name, unsigned i, unsigned n);
  void *on_variant_ctx;
  wx_progress_cb progress;
  void *progress_ctx;
  const atomic_int *stop;
} wx_compare_options;

/* One variant on one KPI. */
typedef struct {
  int present;     /* the variant has this KPI */
  wx_ci value;     /* mean and CI */
  wx_ci diff;      /* paired difference to the base (not for the base);
                      diff.n counts the replications where both are finite
                      (for target_day.*: where both reached the target) */
  wx_ci welch;     /* unpaired difference, for reference */
  int significant; /* diff CI excludes 0 */
} wx_compare_cell;

typedef struct {
  char kpi[96];
  char unit[16];
  wx_kpi_better better;  /* from the variants' kpi_summary.csv */
  int share;             /* 0/1 per replication (unit "share"): Wilson and
                          Newcombe intervals */
  int winner;            /* variant index; -1 when no variant differs */
  int winner_sig;        /* see wx__compare_run */
  wx_compare_cell *cell; /* one per variant */
} wx_compare_row;

typedef struct wx_comparison {
  size_t n_var;
  char **names; /* variant names, base first */
  size_t n_rows;
  wx_compare_row *rows;
  uint32_t replications;
  uint64_t seed;
  int partial;   /* interrupted: fewer replications than asked */
  int same_grid; /* every variant has the base's horizon and grid */
} wx_comparison;

/* Runs every variant into o->out_dir/variants/<name>/ and builds the KPI
 * table; writes compare.csv, compare.md and manifest.json in o->out_dir.
 * The winner of a KPI is the variant with the best mean; it is marked
 * significant when its paired difference to the base is (for the base
 * itself: when the runner-up's difference is).  Returns WX_OK,
 * WX_EINTERRUPTED (finished variants' outputs kept), WX_EEXISTS, WX_EIO,
 * WX_ENOMEM, or a wx_run error.  *out (may be NULL) gets the table. */
int wx__compare_run(const wx_compare_spec *s, wx_model *const *models,
                    const wx_compare_options *o, wx_comparison **out,
                    wx_diags *d);
void wx__comparison_free(wx_comparison *c);

/* Builds the table from per-replication KPI files (kpis.csv) of each
 * variant directory; used by wx__compare_run and the tests. */
int wx__comparison_build(const char *const *names, const char *const *dirs,
                         size_t n, const char *const *kpis, size_t n_kpis,
                         wx_comparison **out, wx_diags *d);

/* ---------------------------------------------------------------- output */

/* The Markdown table (one row per KPI, a column group per variant, a
 * winner column) and its legend. */
int wx__comparison_markdown(const wx_comparison *c, FILE *fp);
/* compare.csv as sim/plot.h reads it:
 *   kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,
 *   significant,n,unpaired_ci_low,unpaired_ci_high,better,winner,diff_n
 * (diff fields empty for the base). */
int wx__comparison_csv(const wx_comparison *c, FILE *fp);
/* compare.csv, compare.md and manifest.json into dir, atomically. */
int wx__comparison_write(const wx_comparison *c, const wx_compare_spec *s,
                         wx_model *const *models, const char *dir, wx_diags *d);

#endif
