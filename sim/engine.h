/*
 * The agent engine: one compact record per simulated person and one event
 * queue; runs one replication of a model at a time.  An engine owns all of
 * its state (queue, people, RNG streams, counters), so engines run side by
 * side in threads on one shared, read-only model.  An engine may be reused
 * for many replications; it keeps its allocations between them.
 */
#ifndef WX_ENGINE_H
#define WX_ENGINE_H

#include <stdint.h>

#include "model.h"
#include "series.h"

typedef struct wx_engine wx_engine;

/* Figures of the last run, for benchmarks and the manifest. */
typedef struct {
  uint64_t events;        /* events handled, stale ones excluded */
  uint64_t stale;         /* events skipped by the epoch check */
  uint64_t arrivals;      /* people created */
  uint64_t peak_live;     /* most people alive at once */
  uint64_t peak_queue;    /* most events pending at once */
  uint64_t peak_bytes;    /* bytes held by people and queue at the peak */
  /* Why a replication ended with WX_ERUNTIME ("" otherwise): time
   * stopped advancing, and the events that kept it still. */
  char stalled[256];
} wx_engine_stats;

/* NULL when out of memory.  m and l must outlive the engine. */
wx_engine *wx__engine_alloc(const wx_model *m, const wx_layout *l);
void wx__engine_free(wx_engine *e);

/* Runs one replication.  `params` holds this replication's parameter values
 * (m->n_params of them); `seed` is the replication's seed (see
 * wx__stream_seed).  `out` must have been initialised with the engine's
 * layout.  Polls *stop (when not NULL) every few thousand events and
 * returns WX_EINTERRUPTED if it became non-zero.  Other returns: WX_OK,
 * WX_ENOMEM, WX_ETOOBIG (more people than the engine can index),
 * WX_ERUNTIME when time stopped advancing (stats.stalled says why). */
int wx__engine_run(wx_engine *e, const double *params, uint64_t seed,
                   wx_series *out, const atomic_int *stop);

void wx__engine_stats(const wx_engine *e, wx_engine_stats *out);

#endif
