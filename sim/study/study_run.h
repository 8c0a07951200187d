/*
 * Running a study (`wxflow sweep`, `wxflow sensitivity`): the base model,
 * the factors bound to it, the evaluation of every design point in memory
 * and the outputs.  study.h is the engine-independent core (spec, designs,
 * methods); this is where it meets the engine.
 *
 * A factor is bound either to a parameter of the compiled base model (its
 * dotted path names exactly one parameter): each point then sets it with
 * wx_param_set, no YAML is read again; or it is structural (caps, account
 * counts, schedules, anything that is not a parameter): each point then
 * compiles the base scenario's tree with the structural values written in
 * as dotted overrides, the mechanism of a comparison file's variants.  A
 * worker reuses its last compiled model only while every structural value
 * is the same.
 *
 * Every point runs replications 0..R-1 with the same seed: replication r
 * of every point draws from the streams of (seed, r), tagged by entity
 * name (common random numbers).  Points run on a pool of threads (each
 * point's result depends on the point only, so Y is byte-identical for
 * any thread count); with fewer points than threads, each point's
 * replications share the threads instead.
 *
 * Files: study_model.c (binding, checks, recompiles), study_run.c (the
 * pool), study_out.c (study.csv, indices.csv, factors.csv, manifest.json),
 * plot_study.c (charts).
 */
#ifndef WX_STUDY_RUN_H
#define WX_STUDY_RUN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "study.h"
#include "wxflow/wxflow.h"

typedef struct {
  int seed_set; /* overrides the spec's and the base's seed */
  uint64_t seed;
  unsigned replications;   /* 0: the spec's, else the base scenario's */
  unsigned threads;        /* 0: every online core */
  const char *engine;      /* NULL: the scenario's */
  double horizon;          /* days; 0: the scenario's */
  double memory_budget;    /* bytes per evaluation; 0: the default */
  int all_structural;      /* recompile for every factor (tests: the two
                            ways of setting a value must agree) */
  wx_progress_cb progress; /* points done / total, from any thread but
                              never two at once */
  void *progress_ctx;
  const atomic_int *stop; /* raise to stop: finished points are kept */
} wx_study_options;

typedef struct wx_study_ctx {
  const wx_study_spec *spec;
  wx_model *base;
  char *data; /* the base scenario's bytes (for recompiles) */
  size_t len;
  int *param; /* per factor: parameter index in base, or -1 */
  size_t n_structural;
  double *nominal; /* per factor: the scenario's value (NaN: none) */
  char **kpi;      /* the KPIs reported, in order */
  char **kpi_unit;
  size_t n_kpi;
  uint64_t seed;
  unsigned replications;
  unsigned threads;
  wx_study_options o;
} wx_study_ctx;

/* Loads the base scenario, binds every factor, reads its nominal value
 * and checks the KPI names against the model's (positioned errors in the
 * study file with a suggestion).  Returns WX_OK, WX_EIO, WX_EYAML,
 * WX_ESCENARIO, WX_ENOMEM. */
int wx__study_prepare(const wx_study_spec *s, const wx_study_options *o,
                      wx_study_ctx **out, wx_diags *d);
void wx__study_ctx_free(wx_study_ctx *c);
/* Compiles the base with each factor at the smallest and the largest
 * value it takes in the design: a path that is not a numeric key, or a
 * value the scenario refuses (a probability above 1, a negative count),
 * is reported at the factor's line:col before anything runs. */
int wx__study_check_values(const wx_study_ctx *c, const wx_study_design *p,
                           wx_diags *d);
/* The base compiled with factor values x[k] written in for the factors
 * selected by `which` (1: write it; NULL: the structural ones).  Errors go
 * to d at the factors' positions. */
int wx__study_compile(const wx_study_ctx *c, const double *x,
                      const unsigned char *which, wx_model **out, wx_diags *d);

/* Evaluates every point into a new Y (study.h layout, n_kpi = c->n_kpi,
 * n_rep = c->replications; free with free()); done[i] (new array, may be
 * NULL) says which points finished.  Returns WX_OK, WX_EINTERRUPTED (Y
 * holds the finished points, NaN elsewhere) or the first point's error. */
int wx__study_run(const wx_study_ctx *c, const wx_study_design *p, double **Y,
                  unsigned char **done, size_t *n_done, wx_diags *d);

/* What the outputs say about a run. */
typedef struct {
  const char *command; /* "sweep" or "sensitivity" */
  const wx_study_design *p;
  const double *Y;
  const unsigned char *done;
  size_t n_done;
  const wx_study_indices *ix; /* NULL for a sweep */
  int partial;                /* interrupted: some points were not run */
  double seconds;             /* wall time of the evaluations */
} wx_study_result;

/* Writes study.csv, factors.csv, indices.csv (when r->ix) and
 * manifest.json into dir (which exists), each under a temporary name. */
int wx__study_write(const wx_study_ctx *c, const wx_study_result *r,
                    const char *dir, wx_diags *d);

#endif
