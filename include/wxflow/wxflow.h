/*
 * wxflow: a discrete-event simulator of people flowing through the WeChat
 * ecosystem.  This header is the whole public API of libwxflow and its
 * reference: if it is not here, it is not published.
 *
 * Conventions
 *  - Every function that can fail returns an int status: WX_OK (0) or a
 *    negative WX_E* code from the table below; wx_strerror() names it.
 *  - Handles are opaque.  Every *_alloc / *_load has a *_free; *_free(NULL)
 *    is a harmless no-op.
 *  - The library never prints and never aborts.  Detail about a failure goes
 *    into a caller-owned wx_diags list as file:line:col: message.
 *  - No global mutable state: models are immutable once loaded and may be
 *    shared by any number of threads; each run owns its engines.
 */
#ifndef WXFLOW_H
#define WXFLOW_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the published API: the library is built with hidden visibility,
 * so a shared libwxflow exports exactly what carries WX_API (and no wx__
 * internal symbol). */
#if defined(__GNUC__) || defined(__clang__)
#define WX_API __attribute__((visibility("default")))
#else
#define WX_API
#endif

#define WX_VERSION_MAJOR 0
#define WX_VERSION_MINOR 1
#define WX_VERSION_PATCH 0

/* Error codes: one table feeds the enum, wx_strerror() and wx_err_name(). */
#define WX_ERRNO_MAP(X)                       \
  X(OK, 0, "success")                         \
  X(NOMEM, -1, "out of memory")               \
  X(IO, -2, "input/output error")             \
  X(YAML, -3, "malformed YAML")               \
  X(SCENARIO, -4, "invalid scenario")         \
  X(INVAL, -5, "invalid argument")            \
  X(TOOBIG, -6, "model too large for memory") \
  X(EXISTS, -7, "output already exists")      \
  X(INTERRUPTED, -8, "interrupted")           \
  X(RUNTIME, -9, "simulation failed")         \
  X(NOTFOUND, -10, "not found")

typedef enum {
#define WX_ERRNO_ENUM(name, value, text) WX_E##name = (value),
  WX_ERRNO_MAP(WX_ERRNO_ENUM)
#undef WX_ERRNO_ENUM
      WX_OK = 0
} wx_status;

/* A human-readable text for a status code; never NULL. */
WX_API const char *wx_strerror(int code);
/* The symbolic name of a status code ("WX_ESCENARIO"); never NULL. */
WX_API const char *wx_err_name(int code);
/* "MAJOR.MINOR.PATCH" of the library that is linked. */
WX_API const char *wx_version(void);

/* ---------------------------------------------------------------- errors */

#define WX_MSG_MAX  512
#define WX_FILE_MAX 512

/* One diagnostic.  line and col are 1-based; 0 means "not known". */
typedef struct wx_error {
  int code;
  int line;
  int col;
  char file[WX_FILE_MAX];
  char msg[WX_MSG_MAX];
} wx_error;

/* A list of diagnostics, so that every error in a file is reported at once.
 * It keeps at most `limit` entries and counts the rest. */
typedef struct wx_diags wx_diags;

WX_API wx_diags *wx_diags_alloc(size_t limit);
WX_API void wx_diags_free(wx_diags *d);
WX_API size_t wx_diags_count(const wx_diags *d);
/* Diagnostics that did not fit under the limit. */
WX_API size_t wx_diags_dropped(const wx_diags *d);
WX_API const wx_error *wx_diags_get(const wx_diags *d, size_t i);
WX_API void wx_diags_clear(wx_diags *d);
/* Formats e as "file:line:col: message" into buf; returns what snprintf does. */
WX_API int wx_error_format(const wx_error *e, char *buf, size_t size);

/* ----------------------------------------------------------------- model */

/* A compiled scenario: immutable, engine-independent, shareable by threads. */
typedef struct wx_model wx_model;

/* Loads and validates a scenario file.  On failure *out is NULL, the return
 * is negative and diags (if not NULL) holds every problem found. */
WX_API int wx_model_load(const char *path, wx_model **out, wx_diags *diags);
/* The same from memory; `name` is used in diagnostics as the file name. */
WX_API int wx_model_load_buffer(const char *name, const char *data, size_t len,
                                wx_model **out, wx_diags *diags);
WX_API void wx_model_free(wx_model *m);

WX_API double wx_model_horizon(const wx_model *m);   /* days */
WX_API double wx_model_sample_dt(const wx_model *m); /* days */
WX_API uint64_t wx_model_seed(const wx_model *m);
WX_API unsigned wx_model_replications(const wx_model *m);
/* Hex digest of the scenario file's bytes (FNV-1a 64). */
WX_API const char *wx_model_hash(const wx_model *m);
WX_API const char *wx_model_path(const wx_model *m);

/* Parameters of a compiled model: every number a replication reads
 * (probabilities, rates, delays, counts, ...), each named by the dotted
 * path of its key, e.g. "flows.oa_to_sdr.p" or "sources.organic.rate".
 * A study sets values per evaluation through wx_eval_options.set without
 * re-parsing YAML.  Structural numbers (caps, account counts, schedules,
 * the horizon's grid) are not parameters: change those by recompiling the
 * scenario with dotted overrides, as `wxflow compare` does for the
 * variants of a comparison file (docs/compare.md; the internal path is
 * described in docs/architecture.md, "The two seams"). */
WX_API unsigned wx_model_param_count(const wx_model *m);
/* The index of the parameter at `dotted_path`, or WX_ENOTFOUND.  When two
 * parameters share a path (a piecewise rate has one per step), the first. */
WX_API int wx_model_param_find(const wx_model *m, const char *dotted_path);
/* NULL when i is out of range. */
WX_API const char *wx_model_param_path(const wx_model *m, unsigned i);
/* The nominal value (NaN when i is out of range); replications draw
 * uncertain parameters from their prior around it. */
WX_API double wx_model_param_value(const wx_model *m, unsigned i);

/* ------------------------------------------------------------------ runs */

/* Called after each replication is written, in replication order. */
typedef void (*wx_progress_cb)(void *ctx, unsigned done, unsigned total);

typedef struct wx_run_options {
  const char *out_dir; /* results directory (created); required */
  int force;           /* replace files in an existing results dir */
  int resume;          /* continue the partial run in out_dir: seed,
                              replications, horizon, engine and quantiles
                              then come from its manifest.json, whatever
                              this struct says */
  int seed_set;        /* use `seed` instead of the scenario's */
  uint64_t seed;
  unsigned replications;   /* 0: the scenario's */
  unsigned threads;        /* 0: every online core */
  int no_series;           /* skip the per-replication series.csv */
  const double *quantiles; /* extra series_stats.csv quantiles, in [0, 1],
                              besides 0.05 0.25 0.5 0.75 0.95 which are
                              always written (at most 16 in all) */
  unsigned n_quantiles;
  wx_progress_cb progress;
  void *progress_ctx;
  const atomic_int *stop; /* raise to stop; finished replications kept */
  const char *engine;     /* NULL: the scenario's `engine:` (default agent) */
  double horizon;         /* days; 0: the scenario's (run option: the model
                              is not changed; recorded in the manifest) */
  double memory_budget;   /* bytes; 0: the default (half of physical
                              memory, or the cgroup limit when lower) */
  unsigned shard_from;    /* shard_to > shard_from: a shard, only */
  unsigned shard_to;      /* replications shard_from .. shard_to - 1
                              (replications is then ignored); `wxflow
                              merge` joins shards into one run's results */
} wx_run_options;

/* What a run produced: KPI summaries for display, and where it wrote. */
typedef struct wx_results wx_results;

/* Runs every replication and writes the results directory (built on the
 * same core as wx_evaluate, streaming each replication to the files):
 *   manifest.json      what produced it (version, scenario hash, seed, ...)
 *   entities.csv       scope,name,label,kind
 *   series.csv         replication,time,scope,name,metric,value
 *   series_stats.csv   time,scope,name,metric,n,mean,sd,p5,p25,p50,p75,p95
 *   kpis.csv           replication,kpi,value
 *   kpi_summary.csv    kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95
 *   params.csv         replication,param,value (uncertain parameters only)
 *   constraints.csv    constraint,label,first_bind_day,refused (caps and
 *                      limits of staff and group modules; header only when
 *                      there are none)
 * Each file is written under a temporary name and renamed into place.
 * Returns WX_OK, WX_EINTERRUPTED (outputs hold the finished replications
 * and the manifest says "partial"), WX_EEXISTS, WX_EIO, WX_ENOMEM. *out
 * (may be NULL) receives the results even when interrupted. */
WX_API int wx_run(const wx_model *m, const wx_run_options *opts,
                  wx_results **out, wx_diags *diags);
WX_API void wx_results_free(wx_results *r);

/* ------------------------------------------------------- runs in memory */

/* One parameter fixed to `value` in every replication (after priors are
 * drawn, so it overrides them). */
typedef struct {
  unsigned param;
  double value;
} wx_param_set;

typedef struct wx_eval_options {
  const char *engine; /* NULL: the scenario's `engine:` (default agent) */
  int seed_set;       /* use `seed` instead of the scenario's */
  uint64_t seed;
  unsigned first_rep;    /* replications [first_rep, replications) */
  unsigned replications; /* 0: the scenario's */
  unsigned threads;      /* 0: every online core */
  double horizon;        /* days; 0: the scenario's */
  double
      memory_budget; /* bytes; 0: default (min of half of RAM, cgroup limit) */
  const wx_param_set *set; /* fixed values for every replication */
  unsigned n_set;
  int keep_series; /* summarise the series too (per sample, per column) */
  wx_progress_cb progress;
  void *progress_ctx;
  const atomic_int *stop; /* raise to stop; finished replications kept */
} wx_eval_options;

/* Results of an evaluation, in memory. */
typedef struct wx_eval wx_eval;

/* Runs replications [first_rep, replications) of m and keeps their KPIs
 * (and, with keep_series, the series) in memory; writes nothing and reads
 * no environment variable.  Results depend on (model, seed, set, horizon)
 * only, never on the thread count.  o may be NULL (all defaults).  Before
 * anything large is allocated, the engine's measured memory estimate for
 * the run is compared with the budget: WX_ETOOBIG names the file and key
 * that make the run too large.  Returns WX_OK, WX_EINTERRUPTED (*out
 * holds the replications finished before the stop), WX_EINVAL (a bad
 * option or parameter index), WX_ESCENARIO (unknown engine or a scenario
 * the engine cannot model), WX_ETOOBIG, WX_ENOMEM.  *out is NULL unless
 * WX_OK or WX_EINTERRUPTED. */
WX_API int wx_evaluate(const wx_model *m, const wx_eval_options *o,
                       wx_eval **out, wx_diags *d);
WX_API void wx_eval_free(wx_eval *e);

/* Replications evaluated (first_rep onwards). */
WX_API unsigned wx_eval_replications(const wx_eval *e);
WX_API unsigned wx_eval_kpi_count(const wx_eval *e);
/* The index of the KPI called `name`, or WX_ENOTFOUND. */
WX_API int wx_eval_kpi_find(const wx_eval *e, const char *name);
/* NULL when k is out of range. */
WX_API const char *wx_eval_kpi_name(const wx_eval *e, unsigned k);
WX_API const char *wx_eval_kpi_unit(const wx_eval *e, unsigned k);
/* +1 when higher is better, -1 when lower is, 0 neutral (or k out of range). */
WX_API int wx_eval_kpi_better(const wx_eval *e, unsigned k);

/* A summary across replications.  Values that are not available (NaN:
 * "target never reached") are left out of n.  ci is the 95% interval of
 * the mean (Wilson for shares of replications); p5/p50/p95 are exact
 * sample quantiles. */
typedef struct {
  unsigned n;
  double mean, sd, ci_low, ci_high, p5, p50, p95;
} wx_summary;

/* WX_OK or WX_EINVAL (k out of range). */
WX_API int wx_eval_kpi_summary(const wx_eval *e, unsigned k, wx_summary *out);
/* Per replication, in order (NaN = n/a); wx_eval_replications() values,
 * NULL when k is out of range. */
WX_API const double *wx_eval_kpi_values(const wx_eval *e, unsigned k);

/* Series summaries, when keep_series was set (0 samples otherwise). */
WX_API unsigned wx_eval_sample_count(const wx_eval *e);
WX_API double wx_eval_sample_time(const wx_eval *e,
                                  unsigned i); /* days; NaN out of range */
/* The column (scope "module", "flow", "outcome", "source", "touchpoint" or
 * "total"; entity name; metric, e.g. "members") or WX_ENOTFOUND. */
WX_API int wx_eval_column_find(const wx_eval *e, const char *scope,
                               const char *name, const char *metric);
/* WX_OK, WX_EINVAL (out of range or no series kept), WX_ENOMEM. */
WX_API int wx_eval_series_summary(const wx_eval *e, unsigned sample,
                                  unsigned col, wx_summary *out);

/* Writes the KPI summary as an aligned text table to `fp`. */
WX_API int wx_results_print(const wx_results *r, FILE *fp);
WX_API unsigned wx_results_replications(const wx_results *r);

#ifdef __cplusplus
}
#endif
#endif /* WXFLOW_H */
