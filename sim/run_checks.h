/*
 * The checks a run makes before it simulates anything, in one place, so
 * that `wxflow validate` saying "ok" means `wxflow run` will start: what
 * the loader refuses (syntax, meaning, drawable bounds, the sample grid,
 * people for this machine) and, here, what needs the layout: the series
 * grid fits, and the exact-quantile accumulators fit the memory budget.
 */
#ifndef WX_RUN_CHECKS_H
#define WX_RUN_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "series.h"

/* The accumulators of `reps` replications of layout l with n_kpis KPIs fit
 * the memory budget: WX_OK or WX_ETOOBIG with a message (results.c). */
int wx__check_accum_memory(const wx_layout *l, size_t n_kpis, uint32_t reps,
                           const char *file, wx_diags *diags);

/* Every pre-run check for `reps` replications of m (0: the scenario's).
 * WX_OK, WX_ETOOBIG or WX_ENOMEM, with messages naming the file.
 * Hook: the run's memory estimate of the engine (people, groups, ads,
 * per-thread buffers) belongs here once the run API has one. */
int wx__run_checks(const wx_model *m, uint32_t reps, wx_diags *diags);

#endif
