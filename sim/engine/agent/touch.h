/*
 * Touchpoints as one mechanic (agent_hooks.h wx__mech_touch): the posts
 * and their scheduling (agent_touch.c), Moments quotas and staff posts
 * (agent_moments.c), and what every kind of post shares, in one home
 * (agent_reach.c).  The calls go one way: agent_touch.c -> agent_moments.c
 * -> agent_reach.c -> fission, money (agent_mechanics.h) and the core.
 */
#ifndef WX_TOUCH_H
#define WX_TOUCH_H

#include "agent_core.h"
#include "dist.h"
#include "members.h"

typedef struct {
  uint32_t *aud_of; /* per module: index into aud, or WX_NONE */
  wx_members *aud;  /* members of each module some touchpoint posts to */
  uint32_t n_aud;
  uint32_t *scratch; /* chosen members of one post */
  uint32_t scratch_cap;
  /* Moments (agent_moments.c).  Per module with staff_moments: the
   * calendar day each person slot was last selected by a staff post
   * (last_day[slot * n_day + day_of[module]]); per module: the month and
   * count of enterprise posts. */
  uint32_t *day_of, n_day, day_cap;
  int32_t *last_day;
  int32_t *ent_month;
  uint32_t *ent_posts;
} wx_touch_state;

static inline wx_touch_state *wx__touch(const wx_engine *e) {
  return e->mech[WX_MECH_TOUCH];
}

static inline double *wx__touch_col(wx_engine *e, uint32_t i, int k) {
  return &e->cur[e->l->touch_base + i * WX_TP_METRICS + k];
}

/* A response's delay (any distribution: responses are few). */
static inline double wx__touch_delay(wx_engine *e, uint32_t f, gsl_rng *r) {
  return wx__dist_draw_pdf(&e->m->flows[f].delay, e->params, e->pdf[f], r);
}

/* ------------------------------------------------------- agent_reach.c */

/* One post of touchpoint i counted (posts, cost). */
void wx__touch_post(wx_engine *e, uint32_t i);
/* What reached member q does: unfollow, responses, a share. */
int wx__touch_reached(wx_engine *e, uint32_t i, uint32_t q, double t,
                      gsl_rng *r);
/* Room for k chosen members in the scratch list. */
int wx__touch_scratch(wx_touch_state *x, uint32_t k);

/* ----------------------------------------------------- agent_moments.c */

/* 1 when the enterprise post i at t is within the monthly quota (counted),
 * else 0 (refused and counted). */
int wx__moments_enterprise_ok(wx_engine *e, uint32_t i, double t);
/* Every open account of the module posts once (staff_moments). */
int wx__moments_staff(wx_engine *e, uint32_t i, double t, double p);
int wx__moments_alloc(wx_touch_state *x, const wx_model *m);
void wx__moments_free(wx_touch_state *x);
void wx__moments_reset(wx_touch_state *x, const wx_model *m);
/* Marks slot p never reached (a new or recycled person). */
int wx__moments_new_person(wx_touch_state *x, uint32_t p);

#endif
