/* The agent engine's core, as the event loop (agent_step.c), the setup
 * (agent_engine.c) and the mechanics (agent_hooks.h) see it: the event
 * codes, the engine's state and the primitives mechanics call.  The
 * engine's entry points are in agent_engine.h. */
#ifndef WX_AGENT_CORE_H
#define WX_AGENT_CORE_H

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_rng.h>

#include "agent_hooks.h"
#include "engine.h"
#include "people.h"
#include "journeys.h"
#include "queue.h"
#include "roster.h"

/* Every event code (`what` of a queued event), in one table.  A flow's
 * index is its own event (`person` the slot, `epoch` the membership epoch
 * of its `from`); flow indices stay below WX_EV_FIRST_SPECIAL, and the
 * codes above them name the other events.  The loop (agent_step.c)
 * dispatches flows and WX_EV_SOURCE itself and every other code to the
 * mechanic that lists it (agent_hooks.h). */
enum {
  WX_EV_FIRST_SPECIAL = 0xFFF5u,
  /* Complaint cascades (agent_cascade.c). */
  WX_EV_CASCADE = 0xFFF5u, /* person = kind << 30 | group, epoch = module */
  /* Staff accounts and groups (roster.h). */
  WX_EV_RETRY = 0xFFF6u, /* person p retries joining module `epoch` */
  WX_EV_UNIT = 0xFFF7u,  /* unit `person` of module `epoch` dissolves or is
                            replaced; person WX_NONE: the module's daily
                            tick (bans, negative feedback) */
  /* Touchpoints (touch.h), fission and money (agent_mechanics.h). */
  WX_EV_TOUCH = 0xFFF8u,    /* person = touchpoint: a post */
  WX_EV_FISSION = 0xFFF9u,  /* person = origin (touchpoint, or n_tp + s) */
  WX_EV_REC = 0xFFFAu,      /* person = slot, epoch = response flow */
  WX_EV_REPEAT = 0xFFFBu,   /* person = slot, epoch = outcome */
  WX_EV_ADS = 0xFFFCu,      /* person = source */
  WX_EV_CAMPAIGN = 0xFFFDu, /* person = source */
  WX_EV_LIVE = 0xFFFEu,     /* live streams (live.h): tag = rank * 4 + what;
                           person = rank (a stream) or the slot */
  WX_EV_SOURCE = 0xFFFFu    /* an arrival; person = source index */
};

struct wx_engine {
  const wx_model *m;
  const wx_layout *l;
  wx_queue q;
  wx_people pp;
  gsl_rng **rng; /* sources, module choices, module delays,
                               touchpoints (wx__agent_tp_rng) */
  uint32_t n_rng;
  gsl_histogram_pdf **pdf; /* per flow; NULL unless EMPIRICAL */
  double *cum;             /* cumulative exclusive p, at excl_off[module] */
  uint32_t *excl_off;      /* n_modules + 1 offsets into cum */
  double *join_p;          /* per flow, clamped to [0, 1] */
  double *pulse_cum;       /* as cum, on a pulse day (agent_pulse.h) */
  uint32_t *src_step;      /* per source: current rate step */
  double *cur;             /* the current value of every column */
  /* The run in progress. */
  const double *params;
  wx_series *out;
  const atomic_int *stop;
  uint32_t next_sample;
  double horizon;
  wx_engine_stats st;
  double now; /* time of the event being handled */
  /* The mechanics (agent_hooks.h): their hooks and states by slot. */
  wx_agent_hooks hk;
  void *mech[WX_MECH_COUNT];
  /* mech[WX_MECH_UNITS] typed, for roster.h's code and the tests; NULL
   * when the model has no staff accounts or groups. */
  wx_units_all *ux;
  wx_journeys *jr; /* NULL unless journeys are recorded (journeys.h);
                               set by the caller, never owned */
};

/* Loops that can run long inside one event (initial people, a broadcast
 * to millions, a campaign's arrivals, offspring) poll the stop flag every
 * WX_STOP_POLL_EVERY iterations, so a stop takes effect within a second
 * even inside one huge event. */
#define WX_STOP_POLL_EVERY 65536u
static inline int wx__agent_stopping(const wx_engine *e, uint64_t k) {
  return (k & (WX_STOP_POLL_EVERY - 1)) == WX_STOP_POLL_EVERY - 1 && e->stop &&
         atomic_load_explicit(e->stop, memory_order_relaxed);
}

/* Time that cannot advance: more than this many events (or 16 per live
 * person, whichever is more) within one simulated second end the
 * replication.  Legitimate bursts (a broadcast to millions, each with an
 * instant flow) stay below it; a zero-delay loop passes it in a second of
 * wall time. */
#define WX_STALL_EVENTS 10000000u
#define WX_STALL_WINDOW (1.0 / 86400)

/* Once the guard trips, the next events are tallied by what they are
 * about (kind and entity), and after a sample of them e->st.failure names
 * the most frequent.  Costs nothing until then. */
typedef struct {
  wx_event ev[8];
  uint32_t count[8];
  uint32_t n, seen;
} wx_stall_tally;

/* Tallies ev (the n-th event of the window); WX_ERUNTIME once the sample
 * is complete, with e->st.failure filled, else WX_OK. */
int wx__agent_stalled(wx_engine *e, wx_stall_tally *t, const wx_event *ev,
                      uint64_t n);

/* People at t = 0 and the first arrival of each Poisson source. */
int wx__agent_start(wx_engine *e);
/* Handles events up to the horizon and fills the series. */
int wx__agent_loop(wx_engine *e);

/* The event loop's primitives, for the mechanics (agent_hooks.h).  They
 * run the hooks, so a mechanic that moves people is seen by the others. */
int wx__agent_enter(wx_engine *e, uint32_t p, uint32_t m, double t);
void wx__agent_leave(wx_engine *e, uint32_t p, uint32_t m);
/* p leaves module m now and is released if nothing else holds it. */
void wx__agent_evict(wx_engine *e, uint32_t p, uint32_t m);
int wx__agent_arrive(wx_engine *e, uint32_t src, double t);
/* A new person slot, counted as living (people.h), after the on_person
 * hooks; WX_NONE with *rc WX_ETOOBIG or WX_ENOMEM. */
uint32_t wx__agent_new_person(wx_engine *e, int *rc);
/* Counts outcome o for p at t and runs the on_outcome hooks; `flow` led
 * to it, or WX_NONE. */
int wx__agent_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                      uint32_t flow);
/* Queues flow f (or another event `what` with `tag` in the epoch field)
 * about person p, counting it as pending on p. */
int wx__agent_schedule(wx_engine *e, double t, uint32_t p, uint32_t what,
                       uint16_t tag);
/* After an event about p that was not a flow: frees p's slot when p is
 * dead and no event names p. */
void wx__agent_settle(wx_engine *e, uint32_t p, int was_alive);

/* Touchpoint i's stream (WX_STREAM_TOUCH): its reach and choices, and the
 * fission of the people it reached. */
static inline gsl_rng *wx__agent_tp_rng(const wx_engine *e, uint32_t i) {
  return e->rng[e->m->n_sources + 2 * e->m->n_modules + i];
}

#endif
