/*
 * Journeys: what each person of a replication did, step by step (modules
 * entered, touchpoints that reached them, purchases), recorded by the
 * agent engine only when asked (`wx_engine.jr` not NULL; the hook points
 * are wx__journey_step and wx__journey_end, called from agent_step.c,
 * agent_touch.c and agent_econ.c).  Off, it costs one predictable branch
 * per hook point.
 *
 * Memory is bounded: a person keeps at most `cap` steps; consecutive
 * identical touches (the same touchpoint reaching the same person again)
 * are one step with a count; steps past the cap are dropped and counted
 * (a purchase dropped that way is counted as `lost_buys`).  A journey
 * ends when its person's slot is released (dead and no event pending, so
 * repeat purchases still belong to it) or when the run ends; it is then
 * handed to `done`, in a deterministic order (event order, then slot
 * order at the end).
 */
#ifndef WX_JOURNEYS_H
#define WX_JOURNEYS_H

#include <stdint.h>

typedef enum {
  WX_J_ENTER = 0, /* index: module */
  WX_J_TOUCH = 1, /* index: touchpoint */
  WX_J_BUY = 2    /* index: outcome (economic ones only); value: order */
} wx_jkind;

typedef struct {
  double t;     /* days */
  double value; /* purchases: the order's value */
  uint32_t index;
  uint32_t via;   /* purchases: the flow that led to it, WX_NONE for a
                      repeat purchase; otherwise WX_NONE */
  uint16_t kind;  /* wx_jkind */
  uint16_t count; /* repeats merged into this step (touches); 1 otherwise */
} wx_jstep;

/* One finished journey.  Returns WX_OK or a negative status that stops
 * the run. */
typedef int (*wx_journey_fn)(void *ctx, const wx_jstep *steps, uint32_t n,
                             uint32_t dropped);

typedef struct wx_journeys wx_journeys;

/* cap: steps kept per person (>= 1).  NULL when out of memory. */
wx_journeys *wx__journeys_alloc(uint32_t cap, wx_journey_fn done, void *ctx);
void wx__journeys_free(wx_journeys *j);
/* Forgets every open journey (a new replication). */
void wx__journeys_reset(wx_journeys *j);
/* Hook: person slot p did `kind` on `index` at t.  Hooks return nothing,
 * so that the engine's code stays as it was: a failure (out of memory, or
 * `done` failing) sticks and wx__journeys_status reports it. */
void wx__journey_step(wx_journeys *j, uint32_t p, wx_jkind kind, uint32_t index,
                      double t, double value);
/* Hook: p bought outcome o for `value` at t through `flow` (WX_NONE: a
 * repeat purchase). */
void wx__journey_buy(wx_journeys *j, uint32_t p, uint32_t o, uint32_t flow,
                     double t, double value);
/* Hook: slot p is released; its journey (if any) ends. */
void wx__journey_end(wx_journeys *j, uint32_t p);
/* Ends every open journey, in slot order (at the end of a run). */
int wx__journeys_flush(wx_journeys *j);
/* WX_OK, or the first failure since the last reset. */
int wx__journeys_status(const wx_journeys *j);
/* Purchases that did not fit under the cap since the last reset. */
uint64_t wx__journeys_lost_buys(const wx_journeys *j);

#endif
