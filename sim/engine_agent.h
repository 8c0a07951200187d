/* Internals of the agent engine, shared by engine_agent.c (setup) and
 * agent_step.c (the event loop). */
#ifndef WX_ENGINE_AGENT_H
#define WX_ENGINE_AGENT_H

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_rng.h>

#include "engine.h"
#include "people.h"
#include "queue.h"
#include "unit_pool.h"

/* `what` of an arrival event; its `person` is the source index. */
#define WX_EV_SOURCE 0xFFFFu

struct wx_engine {
  const wx_model *m;
  const wx_layout *l;
  wx_queue q;
  wx_people pp;
  gsl_rng **rng;            /* sources, module choices, module delays */
  uint32_t n_rng;
  gsl_histogram_pdf **pdf;  /* per flow; NULL unless EMPIRICAL */
  double *cum;              /* cumulative exclusive p, at excl_off[module] */
  uint32_t *excl_off;       /* n_modules + 1 offsets into cum */
  double *join_p;           /* per flow, clamped to [0, 1] */
  uint32_t *src_step;       /* per source: current rate step */
  double *cur;              /* the current value of every column */
  /* The run in progress. */
  const double *params;
  wx_series *out;
  const volatile int *stop;
  uint32_t next_sample;
  double horizon;
  wx_engine_stats st;
  wx_units_all *ux;         /* staff accounts / groups; NULL when none */
};

/* People at t = 0 and the first arrival of each Poisson source. */
int wx__agent_start(wx_engine *e);
/* Handles events up to the horizon and fills the series. */
int wx__agent_loop(wx_engine *e);

#endif
