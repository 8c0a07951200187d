/*
 * The WeChat mechanics on top of the agent engine: touchpoints
 * (agent_touch.c), fission (agent_fission.c), ads, campaigns, order values,
 * repeat purchases and costs (agent_econ.c), glued to the event loop by
 * agent_mechanics.c.  None of it exists (e->x is NULL) in a model without them, so
 * the core loop pays one predictable branch per hook.
 *
 * Random streams, seeded like agent_engine.c's by kind and entity *name*
 * (wx__rng_seed_stream, rng.h), so adding an entity shifts no other one:
 *   touchpoint  WX_STREAM_TOUCH    reach, choice, unfollow, responses,
 *                                  fission of its reached people,
 *                                  recommended viewers
 *   outcome     WX_STREAM_OUTCOME  order values and repeat purchases
 *   ads and campaign sources draw from their own WX_STREAM_SOURCE stream.
 */
#ifndef WX_AGENT_X_H
#define WX_AGENT_X_H

#include "agent_engine.h"
#include "members.h"

/* Its events, WX_EV_TOUCH .. WX_EV_CAMPAIGN, are in agent_engine.h's
 * table. */

struct wx_xstate {
  uint32_t *aud_of; /* per module: index into aud, or WX_NONE */
  wx_members *aud;
  uint32_t n_aud;
  uint32_t *scratch; /* chosen members of one post */
  uint32_t scratch_cap;
  gsl_rng **tp_rng, **oc_rng;
  uint32_t n_tp_rng, n_oc_rng;
  uint32_t *econ_bit; /* per outcome: its customer flag bit or WX_NONE */
  uint8_t *flags;     /* per person slot: flag_bytes of customer bits */
  uint32_t flag_bytes, flags_cap;
  uint32_t *src_cost, *src_shares, *src_fission; /* columns or WX_NONE */
  double *first;        /* per fission origin: first firing, NAN before */
  double *committed;    /* per fission origin: offspring so far */
  double cost_discrete; /* every cost but the ads' (accrued at samples) */
  /* Moments (agent_moments.c).  Per module with staff_moments: the
   * calendar day each person slot was last selected by a staff post
   * (last_day[slot * n_day + day_of[module]]); per module: the month and
   * count of enterprise posts. */
  uint32_t *day_of, n_day, day_cap;
  int32_t *last_day;
  int32_t *ent_month;
  uint32_t *ent_posts;
};

wx_xstate *wx__x_alloc(wx_engine *e);
void wx__x_free(wx_xstate *x);
void wx__x_reset(wx_engine *e, uint64_t seed);
int wx__x_start(wx_engine *e);
int wx__x_event(wx_engine *e, const wx_event *ev);
int wx__x_enter(wx_engine *e, uint32_t p, uint32_t m);
void wx__x_leave(wx_engine *e, uint32_t p, uint32_t m);
int wx__x_new_person(wx_engine *e, uint32_t p);
/* Outcome o counted for p at t (the count itself is the caller's). */
/* Counts outcome o for p; `flow` is the flow that led to it (for the
 * attribution columns), or WX_NONE for a repeat purchase. */
int wx__x_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                  uint32_t flow);
void wx__x_before_sample(wx_engine *e, double t);
/* Bytes held by the member index and the customer flags. */
uint64_t wx__x_bytes(const wx_xstate *x);

/* agent_touch.c */
int wx__touch_fire(wx_engine *e, uint32_t i, double t);
int wx__touch_next(wx_engine *e, uint32_t i, double after);
int wx__touch_rec_event(wx_engine *e, const wx_event *ev);
/* Shared with agent_moments.c: one post counted (posts, cost), and what
 * a reached member q does. */
void wx__touch_post(wx_engine *e, uint32_t i);
int wx__touch_reached(wx_engine *e, uint32_t i, uint32_t q, double t,
                      gsl_rng *r);
int wx__touch_scratch(wx_xstate *x, uint32_t k);
double *wx__touch_col(wx_engine *e, uint32_t i, int k);
/* agent_moments.c: 1 when the enterprise post i at t is within the monthly
 * quota (counted), else 0 (refused and counted). */
int wx__moments_enterprise_ok(wx_engine *e, uint32_t i, double t);
/* Every open account of the module posts once (staff_moments). */
int wx__moments_staff(wx_engine *e, uint32_t i, double t, double p);
int wx__moments_alloc(wx_xstate *x, const wx_model *m);
void wx__moments_reset(wx_xstate *x, const wx_model *m);
/* Marks slot p never reached (a new or recycled person). */
int wx__moments_new_person(wx_xstate *x, uint32_t p);

/* agent_fission.c */
int wx__fission_share(wx_engine *e, uint32_t origin, double t);
int wx__fission_arrival(wx_engine *e, uint32_t origin, double t);
const wx_fission *wx__fission_of(const wx_engine *e, uint32_t origin);
gsl_rng *wx__fission_rng(const wx_engine *e, uint32_t origin);
/* agent_econ.c */
int wx__econ_start(wx_engine *e);
int wx__econ_ads(wx_engine *e, uint32_t s, double t);
int wx__econ_campaign(wx_engine *e, uint32_t s, double t);
int wx__econ_repeat(wx_engine *e, const wx_event *ev);
void wx__econ_add_cost(wx_engine *e, uint32_t col, double c);

static inline double wx__clamp01(double p) {
  return p > 0 ? (p < 1 ? p : 1) : 0;
}

#endif
