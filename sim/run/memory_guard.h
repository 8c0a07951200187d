/*
 * The memory guard (memory_guard.c): what a run will hold at its peak, checked
 * against the budget before anything large is allocated.
 */
#ifndef WX_MEMORY_H
#define WX_MEMORY_H

#include <stdint.h>

#include "model.h"
#include "model_size.h"

/* Peak bytes of a run, by part. */
typedef struct {
  const char *engine;  /* its name, for the message */
  double engine_bytes; /* one instance, one replication (its estimate) */
  uint32_t threads;    /* engine instances alive at once */
  double series_bytes; /* the runner's in-flight series and the grid */
  double accum_bytes;  /* accumulators (cells x replications doubles) */
  double budget;       /* bytes; 0: no limit */
  double horizon;      /* days, the run's */
  double samples;      /* sample times of the grid */
  uint32_t cols, replications;
} wx_memory_plan;

/* The default budget: half of physical memory, or the cgroup's memory
 * limit when lower; 0 when neither is known. */
double wx__default_memory_budget(void);

double wx__memory_need(const wx_memory_plan *p);
/* WX_OK, or WX_ETOOBIG with one diagnostic at the key that makes the run
 * large (a source's size, a units module's count, or the sample grid),
 * naming the remedies. */
int wx__memory_check(const wx_model *m, const wx_memory_plan *p, wx_diags *d);

#endif
