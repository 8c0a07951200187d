/*
 * The memory guard (memory.c): what a run will hold at its peak, checked
 * against the budget before anything large is allocated.
 */
#ifndef WX_MEMORY_H
#define WX_MEMORY_H

#include <stdint.h>

#include "model.h"

/* Peak bytes of a run, by part. */
typedef struct {
  const char *engine;   /* its name, for the message */
  double engine_bytes;  /* one instance, one replication (its estimate) */
  uint32_t threads;     /* engine instances alive at once */
  double series_bytes;  /* the runner's in-flight series and the grid */
  double accum_bytes;   /* accumulators (cells x replications doubles) */
  double budget;        /* bytes; 0: no limit */
  double horizon;       /* days, the run's */
  double samples;       /* sample times of the grid */
  uint32_t cols, replications;
} wx_memory_plan;

/* The default budget: half of physical memory, or the cgroup's memory
 * limit when lower; 0 when neither is known. */
double wx__default_memory_budget(void);

double wx__memory_need(const wx_memory_plan *p);
/* WX_OK, or WX_ETOOBIG with one diagnostic at the key that makes the run
 * large (a source's size, a units module's count, or the sample grid),
 * naming the remedies. */
int wx__memory_check(const wx_model *m, const wx_memory_plan *p,
                     wx_diags *d);

/* Expected people from source i over `horizon` days at nominal values
 * (fission offspring not included). */
double wx__source_expected(const wx_model *m, uint32_t i, double horizon);

/* 1 when the units of u all exist from t = 0 (staff accounts, groups
 * that do not open on demand). */
int wx__units_open_at_start(const wx_units_cfg *u);

/* What makes a model large, at nominal values. */
typedef struct {
  double people;          /* expected arrivals, every source */
  uint32_t source;        /* the largest source, or WX_NONE */
  double source_people;
  double units;           /* staff accounts and groups at t = 0 */
  uint32_t units_module;  /* the module with the most, or WX_NONE */
  double module_units;
} wx_memory_drivers;

void wx__memory_drivers(const wx_model *m, double horizon,
                        wx_memory_drivers *out);

#endif
