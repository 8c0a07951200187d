/* Festival pulses of flows (wx_flow.pulses) in the agent engine
 * (agent_pulse.c): the fates of a person joining a module are drawn on
 * joining (agent_step.c), so a pulse holds by the day of joining. */
#ifndef WX_AGENT_PULSE_H
#define WX_AGENT_PULSE_H

#include "agent_core.h"

/* The cumulative probabilities of module m's exclusive branches for
 * someone joining at t: each p times its pulse, at most 1, the sum scaled
 * down to 1 when above it (as agent_engine.c's per-run table).  Points
 * into e->pulse_cum, valid until the next call. */
const double *wx__pulse_cum(wx_engine *e, uint32_t m, double t);

/* The probability of join flow f for someone joining its `from` at t. */
double wx__pulse_join_p(const wx_engine *e, uint32_t f, double t);

#endif
