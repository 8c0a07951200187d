/* The agent engine's entry points (engine.h's table and, typed, its own
 * tests and benchmarks), over the core of agent_core.h. */
#ifndef WX_ENGINE_AGENT_H
#define WX_ENGINE_AGENT_H

#include "agent_core.h"

/* The agent engine's entry (engines.c lists it). */
extern const wx_engine_type wx__engine_agent;

/* The functions behind wx__engine_agent, typed, for the engine's own
 * tests and benchmarks; everything else goes through the table. */
wx_engine *wx__agent_alloc(const wx_model *m, const wx_layout *l);
void wx__agent_free(wx_engine *e);
int wx__agent_run(wx_engine *e, const double *params, uint64_t seed,
                  wx_series *out, const atomic_int *stop);
void wx__agent_stats(const wx_engine *e, wx_engine_stats *out);
/* Peak bytes of one replication of m on l (agent_memory.c). */
double wx__agent_memory_estimate(const wx_model *m, const wx_layout *l);

#endif
