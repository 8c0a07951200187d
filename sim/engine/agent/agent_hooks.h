/*
 * How mechanics plug into the agent core.  A mechanic (staff accounts and
 * groups, touchpoints, fission, money, or a recorder such as a journeys
 * log) is one wx_agent_mechanic: a row of optional hooks.  The table is
 * agent_table.c; at allocation the engine keeps the mechanics whose
 * `applies` says yes and copies their hooks into per-hook lists
 * (wx_agent_hooks), so the core loop (agent_step.c) calls lists, never a
 * mechanic by name, and a hook nobody uses costs one compare of a count.
 *
 * Dependencies point one way: core <- mechanics (the primitives in
 * agent_core.h), and between mechanics downward only
 * (touchpoints -> fission, money; money -> fission; Moments -> staff
 * accounts), through their headers (touch.h, agent_mechanics.h, roster.h).
 */
#ifndef WX_AGENT_HOOKS_H
#define WX_AGENT_HOOKS_H

#include <stdint.h>

#include "engine.h"
#include "model.h"
#include "queue.h"

/* One state slot per mechanic of the table (wx_engine.mech[]). */
enum {
  WX_MECH_UNITS,   /* agent_roster.c: staff accounts and groups */
  WX_MECH_WELCOME, /* agent_groups.c: welcome thinning of early churn */
  WX_MECH_CASCADE, /* agent_cascade.c: complaint cascades in groups */
  WX_MECH_TOUCH,   /* agent_touch.c: touchpoints, Moments */
  WX_MECH_FISSION, /* agent_fission.c: referral fission */
  WX_MECH_ECON,    /* agent_econ.c: ads, campaigns, order values, costs */
  WX_MECH_LIVE,    /* agent_live.c: live streams */
  WX_MECH_COUNT
};

/* Room in the hook lists: the table and one added mechanic
 * (wx__hooks_add). */
#define WX_HOOKS_MAX (WX_MECH_COUNT + 1)

/* Per module (wx_agent_hooks.mod): which per-module hook lists some
 * mechanic watching that module fills. */
enum {
  WX_HOOK_ADMIT = 1,
  WX_HOOK_KEEPS = 2,
  WX_HOOK_ENTER = 4,
  WX_HOOK_LEAVE = 8
};

typedef int (*wx_hook_person)(wx_engine *e, uint32_t p);
typedef int (*wx_hook_admit)(wx_engine *e, uint32_t p, uint32_t m, double t);
typedef int (*wx_hook_keeps)(wx_engine *e, uint32_t m, uint32_t f, double d);
typedef int (*wx_hook_enter)(wx_engine *e, uint32_t p, uint32_t m, double t);
typedef void (*wx_hook_leave)(wx_engine *e, uint32_t p, uint32_t m, double t);
typedef int (*wx_hook_outcome)(wx_engine *e, uint32_t p, uint32_t o, double t,
                               uint32_t flow);
typedef void (*wx_hook_sample)(wx_engine *e, double t);

/* Every hook may be NULL.  Return codes are WX_* unless said otherwise. */
typedef struct {
  const char *name;
  /* 1 when a run of model m on layout l needs the mechanic (the layout
   * carries the run's options); NULL: always. */
  int (*applies)(const wx_model *m, const wx_layout *l);
  /* Its state, stored in e->mech[slot]; before any person exists, so it
   * may add words to the person record (e->pp.stride). */
  int (*alloc)(wx_engine *e, void **state);
  void (*free)(void *state);
  /* Per replication, before the people at t = 0: seeds, empties, may
   * queue its first events. */
  int (*reset)(wx_engine *e, uint64_t seed);
  /* After the people at t = 0: may queue its first events. */
  int (*start)(wx_engine *e);
  /* 1 when its admit, keeps, on_enter and on_leave hooks concern module
   * m (called after every alloc); NULL: every module.  The core skips
   * the lists for a module nobody watches; a hook must still ignore a
   * module it does not watch (another mechanic may watch it). */
  int (*watches)(const wx_engine *e, uint32_t m);
  /* Slot p is a new (or recycled) person. */
  wx_hook_person on_person;
  /* Before p joins module m at t: 1 admits, 0 refuses (p does not join),
   * negative an error.  Only mechanics that may refuse set it. */
  wx_hook_admit admit;
  /* A fate drawn on joining m: exclusive flow f due after d days.  1
   * cancels it (the member stays). */
  wx_hook_keeps keeps;
  /* p has joined m at t (membership counted, before its fates). */
  wx_hook_enter on_enter;
  /* p has left m at t (pending flows out of m are stale). */
  wx_hook_leave on_leave;
  /* Outcome o counted for p at t; `flow` led to it, or WX_NONE (a repeat
   * purchase). */
  wx_hook_outcome on_outcome;
  /* Before the sample row at t is written: level columns. */
  wx_hook_sample on_sample;
  /* An event with one of `events` (agent_core.h's table; 0 ends the
   * list: 0 is a flow, never a mechanic's code). */
  int (*on_event)(wx_engine *e, const wx_event *ev);
  uint16_t events[4];
  /* Bytes it holds that grow with the people (engine stats). */
  uint64_t (*bytes)(const wx_engine *e);
} wx_agent_mechanic;

/* The hooks of the mechanics one engine uses, in table order. */
typedef struct {
  const wx_agent_mechanic *used[WX_HOOKS_MAX];
  uint32_t slot[WX_HOOKS_MAX]; /* WX_MECH_COUNT: none (wx__hooks_add) */
  uint8_t n_used, n_person, n_admit, n_keeps, n_enter, n_leave, n_outcome,
      n_sample;
  wx_hook_person person[WX_HOOKS_MAX];
  wx_hook_admit admit[WX_HOOKS_MAX];
  wx_hook_keeps keeps[WX_HOOKS_MAX];
  wx_hook_enter enter[WX_HOOKS_MAX];
  wx_hook_leave leave[WX_HOOKS_MAX];
  wx_hook_outcome outcome[WX_HOOKS_MAX];
  wx_hook_sample sample[WX_HOOKS_MAX];
  uint8_t *mod; /* per module: WX_HOOK_* bits */
  /* Per event code from WX_EV_FIRST_SPECIAL: who handles it, or NULL. */
  const wx_agent_mechanic *by_event[11];
} wx_agent_hooks;

/* The mechanics, one per file (agent_table.c lists them by slot). */
extern const wx_agent_mechanic wx__mech_units, wx__mech_welcome, wx__mech_touch,
    wx__mech_fission, wx__mech_econ, wx__mech_live, wx__mech_cascade;

/* agent_table.c: the engine's side of the table.  alloc builds e->hk and
 * the states (WX_OK or WX_ENOMEM; free undoes a partial one). */
int wx__hooks_alloc(wx_engine *e);
void wx__hooks_free(wx_engine *e);
/* Appends mechanic mc, which has no state (alloc NULL), after the
 * table's: instrumentation and tests watch the hooks this way.
 * WX_EINVAL with alloc set or an event code already owned; WX_ETOOBIG
 * when one was added already. */
int wx__hooks_add(wx_engine *e, const wx_agent_mechanic *mc);
int wx__hooks_reset(wx_engine *e, uint64_t seed);
int wx__hooks_start(wx_engine *e);
/* A mechanic's event (what >= WX_EV_FIRST_SPECIAL, not a source). */
int wx__hooks_event(wx_engine *e, const wx_event *ev);
uint64_t wx__hooks_bytes(const wx_engine *e);

#endif
