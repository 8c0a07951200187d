/*
 * Units inside a module: staff accounts (agent_staff.c) and chat groups
 * (agent_groups.c), sharing one pool of capped member lists
 * (roster_pool.c) and one glue layer to the engine (agent_roster.c).
 *
 * Every units module has its own random stream (WX_STREAM_UNITS and the
 * module's name, rng.h), so acceptance, bans, negative feedback and
 * welcome thinning never shift the fates drawn for the module's members.
 *
 * Per member, a units module keeps the unit and the position in that
 * unit's member list in a small hash table by person slot (roster_pool.c),
 * not in the person record: only a few people ever join such a module,
 * and the record stays the same size for everyone else.
 *
 * Events of the mechanics go through the engine's queue (the codes are in
 * agent_core.h's table):
 *   what WX_EV_RETRY, person p, epoch m   p retries joining module m
 *   what WX_EV_UNIT,  person u, epoch m   unit u of module m: a functional
 *                                         group dissolves / a banned account
 *                                         is replaced
 *   what WX_EV_UNIT,  person WX_NONE      daily tick of module m (bans,
 *                                         negative feedback), at whole days
 */
#ifndef WX_UNIT_POOL_H
#define WX_UNIT_POOL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "engine.h"
#include "model.h"

enum { WX_UNIT_OPEN, WX_UNIT_BANNED, WX_UNIT_CLOSED };

/* A group's member-driven activity m at time t (agent_activity.c) and
 * the time its shills began to withdraw (INFINITY: not yet). */
typedef struct {
  double m, t, shill_from;
} wx_group_live;

typedef struct {
  uint32_t *list; /* person slots */
  uint32_t n, cap;
} wx_unit_members;

/* A member's place: slot `p` (WX_NONE: an empty entry) is in unit `unit`
 * at position `pos` of its member list. */
typedef struct {
  uint32_t p, unit, pos;
} wx_unit_slot;

typedef struct {
  const wx_units_cfg *cfg;
  uint32_t module;
  uint32_t col;     /* first series column (series.h unit_col) */
  uint32_t cap;     /* members per unit */
  uint32_t daily;   /* adds per account per day (UINT32_MAX: none) */
  uint32_t n, room; /* units in use, allocated */
  wx_unit_members *mem;
  wx_unit_slot *slot;        /* open addressing, linear probing, by person */
  uint32_t slot_cap, slot_n; /* a power of 2 (or 0), entries in use */
  uint32_t *adds;            /* staff: adds on calendar day `day` */
  uint32_t *posts;           /* staff: marketing posts since the last tick */
  uint8_t *state;            /* WX_UNIT_* */
  uint8_t *used;             /* staff: ever had a friend */
  double *opened;            /* time the unit (re)opened */
  wx_group_live *live;       /* groups: activity state (agent_activity.c) */
  uint32_t joined;           /* groups: the group of the latest admission */
  uint32_t cursor;           /* round robin: next account; groups: newest */
  double day;                /* calendar day of `adds` */
  double accept, ban_rate, ban_per_post, nf_rate, nf_leave; /* this run */
  double cost_acc, cost_t; /* groups: cost up to cost_t */
  uint32_t n_open;
  gsl_rng *rng;
} wx_units_rt;

typedef struct {
  wx_units_rt *mods;
  uint32_t n;
  wx_units_rt **of; /* per module; NULL when it has no units */
  int retrying;     /* the current entry is a retry */
} wx_units_all;

/* agent_roster.c is the mechanic (agent_hooks.h wx__mech_units), the
 * engine's only way in; the files below are its parts. */

/* ------------------------------------------------------- roster_pool.c */

/* The unit of p in u's module (p must be a member). */
uint32_t wx__units_of(const wx_engine *e, const wx_units_rt *u, uint32_t p);
/* Queues a retry of p joining u's module after retry_after. */
int wx__units_retry(wx_engine *e, wx_units_rt *u, uint32_t p, double t);

/* Opens one more unit (state OPEN, no members); its index or WX_NONE. */
uint32_t wx__pool_open(wx_units_rt *u, double t);
/* Forgets every unit; keeps the memory. */
void wx__pool_clear(wx_units_rt *u);
void wx__pool_free(wx_units_rt *u);
/* Bytes the pool holds (units, member lists, members' places). */
uint64_t wx__pool_bytes(const wx_units_rt *u);
/* 1 when unit i is open and below the member cap.  Inline: the account
 * choice asks it of every account at every friend request. */
static inline int wx__pool_has_room(const wx_units_rt *u, uint32_t i) {
  return u->state[i] == WX_UNIT_OPEN && u->mem[i].n < u->cap;
}
/* Adds p to unit i (stored in p's record).  WX_OK or WX_ENOMEM. */
int wx__pool_add(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t p);
void wx__pool_remove(wx_engine *e, wx_units_rt *u, uint32_t p);
/* Swaps k members of unit i chosen uniformly without replacement to the
 * end of its list (partial Fisher-Yates). */
void wx__pool_choose_tail(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t k);
/* Swaps positions a and b of unit i's member list. */
void wx__pool_swap(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t a,
                   uint32_t b);
/* Every member of unit i leaves the module (via the engine's leave). */
uint32_t wx__pool_evict_all(wx_engine *e, wx_units_rt *u, uint32_t i);
/* The last k members of unit i leave the module. */
void wx__pool_evict_tail(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t k);

/* ------------------------------------------------------- agent_staff.c */

int wx__staff_admit(wx_engine *e, wx_units_rt *u, uint32_t p, double t);
/* The daily tick: bans drawn from the day's hazard. */
int wx__staff_tick(wx_engine *e, wx_units_rt *u, double t);
/* A banned account comes back empty. */
void wx__staff_replace(wx_engine *e, wx_units_rt *u, uint32_t i, double t);
void wx__staff_levels(wx_engine *e, wx_units_rt *u, double t);
/* Counts one marketing post by account `account` of staff module m today
 * (for the per-post ban hazard); for Moments (agent_moments.c). */
void wx__staff_post(wx_engine *e, uint32_t m, uint32_t account);

/* ------------------------------------------------------- agent_groups.c */

int wx__groups_admit(wx_engine *e, wx_units_rt *u, uint32_t p, double t);
int wx__groups_tick(wx_engine *e, wx_units_rt *u, double t);
int wx__groups_dissolve(wx_engine *e, wx_units_rt *u, uint32_t i, double t);
void wx__groups_levels(wx_engine *e, wx_units_rt *u, double t);
/* ---------------------------------------------------- agent_activity.c */

/* Group i (re)opens at t: no member-driven activity yet. */
void wx__activity_open(wx_units_rt *u, uint32_t i, double t);
/* Activity of group i at time t (not before its last query), in [0, 1];
 * brings its state up to t. */
double wx__group_activity(wx_units_rt *u, uint32_t i, double t);
/* A post of a touchpoint on module m at t, its solitaire multiplier x
 * (1 without): every open group of m gains act_post x x. */
void wx__groups_posted(wx_engine *e, uint32_t m, double t, double x);
/* Cancels (1) a fate drawn on joining group module u: a churn with
 * probability act_hold x activity, a move with act_convert x (1 -
 * activity), in the group just joined; 0 keeps it. */
int wx__activity_keeps(wx_engine *e, wx_units_rt *u, uint32_t f);

#endif
