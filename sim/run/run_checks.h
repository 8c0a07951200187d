/*
 * The checks a run makes before it simulates anything, so that `wxflow
 * validate` saying "ok" means `wxflow run` will start: what the loader
 * refuses (syntax, meaning, drawable bounds, the sample grid) and what the
 * run core plans before it allocates (the engine's check of the model,
 * the memory guard over people, units, series buffers and accumulators).
 */
#ifndef WX_RUN_CHECKS_H
#define WX_RUN_CHECKS_H

#include "model.h"

/* Every pre-run check of a run of m with the scenario's replications and
 * `budget` bytes (0: the default).  WX_OK, or the run's own refusal
 * (WX_ETOOBIG, WX_ESCENARIO, WX_ENOMEM, ...) with messages naming the file. */
int wx__run_checks(const wx_model *m, double budget, wx_diags *diags);

#endif
