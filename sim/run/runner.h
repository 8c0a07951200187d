/*
 * Runs replications of one model on a pool of threads and hands each
 * replication's series to a sink in replication order (0, 1, 2, ...), so
 * that everything downstream is byte-identical whatever the thread count.
 *
 * Replication r draws its uncertain parameters from the stream
 * wx__stream_seed(seed, r, WX_STREAM_PARAMS) and runs its engine with seed
 * wx__stream_seed(seed, r, WX_STREAM_ENGINE): both depend on (seed, r) only.
 */
#ifndef WX_RUNNER_H
#define WX_RUNNER_H

#include "engine.h"
#include "model.h"
#include "rng.h" /* WX_STREAM_ENGINE, WX_STREAM_PARAMS */
#include "series.h"

/* One finished replication, as the sink sees it. */
typedef struct {
  uint32_t rep;
  const wx_series *series;
  const double *params; /* the parameter values it ran with */
  const wx_engine_stats *stats;
} wx_rep_result;

/* Called on the thread that called wx__run_replications, in order.  A
 * non-zero return stops the run and is returned by it. */
typedef int (*wx_rep_sink)(void *ctx, const wx_rep_result *r);

/* Progress callback, called in order after each sink call. */
typedef void (*wx_progress_fn)(void *ctx, uint32_t done, uint32_t total);

typedef struct {
  const wx_engine_type *engine; /* NULL: the agent engine */
  uint64_t seed;
  uint32_t first_rep;    /* to resume: replications before it are done */
  uint32_t replications; /* total, including those before first_rep */
  /* 0 or 1: every replication from first_rep on; k > 1: only first_rep,
   * first_rep + k, first_rep + 2k, ... (one MPI rank's share). */
  uint32_t stride;
  uint32_t threads;        /* >= 1 */
  const atomic_int *stop;  /* polled; may be NULL */
  const wx_param_set *set; /* values fixed in every replication, */
  uint32_t n_set;          /* applied after the priors are drawn */
  wx_progress_fn progress;
  void *progress_ctx;
  /* When not NULL, gets why the replication that ended the run failed
   * (wx_engine_stats.failure); left alone when it gave no reason. */
  wx_error *failure;
} wx_runner_opts;

/* Returns WX_OK when every replication was delivered, WX_EINTERRUPTED when
 * *stop was raised (the replications delivered so far are complete), the
 * sink's status, or WX_ENOMEM. */
int wx__run_replications(const wx_model *m, const wx_layout *l,
                         const wx_runner_opts *o, wx_rep_sink sink, void *ctx);

/* The same on this process's threads only, whatever the build: the
 * distributed runner (runner_mpi.c, -DWX_MPI=ON) spreads replications over
 * ranks and runs each rank's share with it. */
int wx__run_local(const wx_model *m, const wx_layout *l,
                  const wx_runner_opts *o, wx_rep_sink sink, void *ctx);

/* Whether this process is an MPI rank other than 0: it computes its share
 * of the replications and sends them to rank 0, which alone delivers them
 * to its sink, writes and prints.  Always 0 without -DWX_MPI=ON. */
int wx__dist_worker(void);

/* The parameter vector of replication `rep` (nominal when no prior), then
 * set[n_set] applied: WX_EINVAL for an index out of range. */
int wx__params_for_rep_set(const wx_model *m, uint64_t seed, uint32_t rep,
                           const wx_param_set *set, uint32_t n_set,
                           double *out);
/* The parameter vector of replication `rep` (nominal when no prior). */
int wx__params_for_rep(const wx_model *m, uint64_t seed, uint32_t rep,
                       double *out);

#endif
