/*
 * What the lower WeChat mechanics offer the ones above them: referral
 * fission (agent_fission.c), used by touchpoints and campaigns, and money
 * (agent_econ.c), used by touchpoints for the cost of posts.  Each is a
 * mechanic of agent_hooks.h's table with its own state; nothing here
 * calls up into touchpoints (touch.h) or the core's loop.
 *
 * Random streams, seeded like agent_engine.c's by kind and entity *name*
 * (wx__rng_seed_stream, rng.h), so adding an entity shifts no other one:
 *   touchpoint  WX_STREAM_TOUCH    reach, choice, unfollow, responses,
 *                                  fission of its reached people,
 *                                  recommended viewers (the core's:
 *                                  wx__agent_tp_rng)
 *   outcome     WX_STREAM_OUTCOME  order values and repeat purchases
 *   ads and campaign sources draw from their own WX_STREAM_SOURCE stream.
 */
#ifndef WX_AGENT_X_H
#define WX_AGENT_X_H

#include "agent_core.h"

/* ------------------------------------------------------ agent_fission.c */

/* Origins: touchpoint i is origin i, source s is origin n_touchpoints + s. */
typedef struct {
  double *first;                      /* per origin: first firing, NAN before */
  double *committed;                  /* per origin: offspring so far */
  uint32_t *src_shares, *src_fission; /* per source: columns or WX_NONE */
  /* With a commission: per person slot, 1 + the origin that brought the
   * person (SECOND_LEVEL set when its sharer was brought by the same
   * origin), 0 for anyone else (NULL without commissions). */
  uint32_t *referrer;
  uint32_t referrer_cap;
} wx_fission_state;

/* A person reached by `origin` at t shares (offspring queued); `sharer`
 * is that person's slot, or WX_NONE for a campaign's seeds. */
int wx__fission_share(wx_engine *e, uint32_t origin, double t, uint32_t sharer);
/* `origin` fires at t (its first firing starts the saturation clock);
 * nothing when no fission is modelled. */
void wx__fission_fired(wx_engine *e, uint32_t origin, double t);
/* The fission block of an origin. */
const wx_fission *wx__fission_of(const wx_engine *e, uint32_t origin);
/* The origin whose commission scheme brought person p, or WX_NONE;
 * *second is 1 when p's sharer was brought by the same origin. */
uint32_t wx__fission_referrer(const wx_engine *e, uint32_t p, int *second);
/* Whether some fission pays commissions, so that each person's referrer
 * is kept (4 bytes a person; agent_memory.c counts them). */
int wx__fission_commissions(const wx_model *m);
/* The columns of an origin's shares and fission arrivals. */
uint32_t wx__fission_col(const wx_engine *e, uint32_t origin, int shares);

/* ---------------------------------------------------------- agent_econ.c */

typedef struct {
  gsl_rng **oc_rng; /* per outcome */
  uint32_t n_oc_rng;
  uint32_t *econ_bit; /* per outcome: its customer flag bit or WX_NONE */
  uint8_t *flags;     /* per person slot: flag_bytes of customer bits */
  uint32_t flag_bytes, flags_cap;
  uint32_t *src_cost;   /* per source: column or WX_NONE */
  double cost_discrete; /* every cost but the ads' and the rewards' */
  /* Per fission origin that pays (model.h wx_referral_pay): its first
   * series column (referral_cost, commissions, referred_buyers), or
   * WX_NONE; rewards accrue from its share and arrival counters. */
  uint32_t *pay_col;
  uint32_t gross_col; /* total gross_profit, or WX_NONE */
} wx_econ_state;

/* Adds cost c to column col and to the total. */
void wx__econ_add_cost(wx_engine *e, uint32_t col, double c);

/* ----------------------------------------------------------- agent_pay.c */

/* The columns of gross profit and of what fission campaigns pay. */
int wx__pay_alloc(wx_engine *e, wx_econ_state *x);
/* Person p bought outcome o for `value` (`first`: p's first of it): the
 * commission of the origin that brought p, if any. */
void wx__pay_outcome(wx_engine *e, uint32_t p, uint32_t o, double value,
                     int first);
/* Writes the rewards so far; returns their sum. */
double wx__pay_sample(wx_engine *e);

#endif
