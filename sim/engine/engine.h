/*
 * The engine interface: an engine is a table of functions, the way ROSS
 * makes a model a callback table.  The runner (runner.c) and the memory
 * guard know engines only through this table; the table of every engine
 * lives in engines.c.  An engine instance owns all of its state, so
 * instances run side by side in threads on one shared, read-only model and
 * layout; an instance may be reused for many replications.
 */
#ifndef WX_ENGINE_H
#define WX_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "series.h"

/* Figures of the last run, for benchmarks and the manifest. */
typedef struct {
  uint64_t events;     /* events handled, stale ones excluded */
  uint64_t stale;      /* events skipped by the epoch check */
  uint64_t arrivals;   /* people created */
  uint64_t peak_live;  /* most people alive at once */
  uint64_t peak_queue; /* most events pending at once */
  uint64_t peak_bytes; /* bytes held by people and queue at the peak */
  /* Why the last replication failed (code 0 when it did not): time that
   * stopped advancing and the events that kept it still (agent), a limit
   * that depends on the parameters (cohort).  It travels with the stats,
   * so the message crosses threads and MPI ranks with the replication. */
  wx_error failure;
} wx_engine_stats;

/* The agent engine's state (agent_engine.h); its mechanics files take it. */
typedef struct wx_engine wx_engine;

typedef struct wx_engine_type {
  const char *name;    /* "agent", "cohort" */
  const char *summary; /* one line, for --help and the unknown-engine error */
  /* Refuses what this engine cannot model: one positioned diagnostic per
   * feature (m's wx_pos of the key), naming the feature and a hint (e.g.
   * "use engine: agent").  WX_OK or WX_ESCENARIO. */
  int (*check)(const wx_model *m, wx_diags *d);
  /* Peak bytes one engine instance needs for one replication of m on layout
   * l (measured constants, documented where they were measured). */
  double (*memory_estimate)(const wx_model *m, const wx_layout *l);
  /* NULL when out of memory.  m and l must outlive the engine. */
  void *(*alloc)(const wx_model *m, const wx_layout *l);
  /* One replication: params[m->n_params] (already drawn and overridden), the
   * replication's engine seed, the output series (initialised on l).  Polls
   * *stop (may be NULL) often; returns WX_OK, WX_EINTERRUPTED, WX_ENOMEM,
   * WX_ETOOBIG or WX_ERUNTIME (with a message into diags when not NULL). */
  int (*run)(void *engine, const double *params, uint64_t seed, wx_series *out,
             const atomic_int *stop, wx_diags *diags);
  void (*stats)(const void *engine, wx_engine_stats *out);
  void (*free)(void *engine);
} wx_engine_type;

const wx_engine_type *wx__engine_find(const char *name); /* NULL if unknown */

/* `engine: auto` (engine_auto.c): the cohort engine when the model passes
 * its check with exact delays only and expects at least this many
 * arrivals over its horizon, else the agent engine. */
#define WX_AUTO_COHORT_MIN 1e5
int wx__engine_is_auto(const char *name);
double wx__engine_auto_population(const wx_model *m);
const wx_engine_type *wx__engine_auto_pick(const wx_model *m);
size_t wx__engine_count(void);
const wx_engine_type *wx__engine_at(size_t i);

/* The engine a run uses: `name` when not NULL, else the scenario's
 * `engine:` key, else "agent"; "auto" picks one for m.  NULL (with a diagnostic listing every
 * engine, at the key's position when it came from the scenario) when
 * unknown. */
const wx_engine_type *wx__engine_resolve(const wx_model *m, const char *name,
                                         wx_diags *d);

#endif
