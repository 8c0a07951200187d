/* Building small models in C and running them through the agent engine,
 * for the engine tests (no YAML involved). */
#ifndef WX_ENGINE_FIXTURE_H
#define WX_ENGINE_FIXTURE_H

#include "agent_engine.h"
#include "model.h"
#include "series.h"

/* A model with the given horizon and sample step, no modules yet. */
wx_model *fx_model(double horizon, double dt);
uint32_t fx_module(wx_model *m, const char *name);
/* A flow; `to` is a module (or outcome when `outcome` is set); pass
 * WX_NONE for churn.  Delay parameters a, b as in model.h. */
uint32_t fx_flow(wx_model *m, wx_flow_kind kind, uint32_t from, uint32_t to,
                 int outcome, double p, wx_dist_kind dk, double a, double b);
uint32_t fx_initial(wx_model *m, uint32_t to, double count);
/* Piecewise rate: n steps (from[i], rate[i]). */
uint32_t fx_poisson(wx_model *m, uint32_t to, uint32_t n, const double *from,
                    const double *rate);

/* Gives module `mod` the units of kind k (staff accounts or groups) with
 * the loader's defaults; returns the config to adjust. */
wx_units_cfg *fx_units(wx_model *m, uint32_t mod, wx_kind k);
/* A parameter with value x (for wx_units_cfg parameter fields). */
uint32_t fx_param(wx_model *m, double x);
typedef struct fx_run_s {
  wx_model *m;
  wx_layout l;
  wx_engine *e;
  wx_series s;
  double *params;
} fx_run;

/* Finalizes m and makes layout, engine, series and nominal params; takes
 * m over. Returns 0 on success. */
int fx_setup(fx_run *r, wx_model *m);
void fx_teardown(fx_run *r);
/* Runs replication `rep` of scenario seed `seed`. */
int fx_go(fx_run *r, uint64_t seed, uint64_t rep);
double fx_at(const fx_run *r, uint32_t sample, uint32_t col);
uint32_t fx_members(const fx_run *r, uint32_t module);
/* Column of units metric k of module mod (series.h WX_S_* / WX_G_*). */
uint32_t fx_unit_col(const fx_run *r, uint32_t mod, uint32_t k);
uint32_t fx_joins(const fx_run *r, uint32_t module);
uint32_t fx_leaves(const fx_run *r, uint32_t module);
/* Index of the sample at time t (exact grid time). */
uint32_t fx_sample(const fx_run *r, double t);

#endif
