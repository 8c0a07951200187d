/*
 * Staff accounts and groups in the cohort engine (cohort_units.c: states,
 * requests, leaves, bans, feedback, dissolution, outputs;
 * cohort_place.c: where admitted people go).  Shared by those two files
 * only.
 *
 * Units keep counts, not people: per unit (account or group) its members,
 * its adds on the current calendar day, its state and open time.  The
 * people themselves are in the engine's states: a member of units module
 * i has i's fate code there, a person asking to join has WX_CREQ.
 */
#ifndef WX_COHORT_UNITS_H
#define WX_COHORT_UNITS_H

#include "cohort.h"

enum { WX_CU_OPEN, WX_CU_BANNED, WX_CU_CLOSED };

/* Arrivals of a source piece [a, b] asking to join in this substep. */
typedef struct {
  uint64_t n;
  double a, b;
} wx_creq;

typedef struct {
  uint32_t mod, col, nf; /* module, first units column, its fate codes */
  const wx_units_cfg *cfg;
  int staff;
  /* member states and where eviction takes them; request states and
   * where they go: req_out[j * (nf + 1) + k], k = 0 refused, 1 + c fate c */
  uint32_t n_mem, *mem_st, *mem_out;
  uint32_t n_req, *req_st, *req_out;
  /* units */
  uint32_t n, room, cursor, n_open;
  uint64_t *f, *adds;
  uint8_t *state, *used;
  double *opened, *back;
  uint64_t cap, daily;
  double day, accept, ban_rate, nf_rate, nf_leave, cost_acc, cost_t;
  double kept_p;    /* share of joins whose churn a welcome keeps */
  uint64_t seen;    /* the module's leaves already taken from units */
  uint64_t cnt[16]; /* counters, by WX_S_* / WX_G_* column */
  int too_many;     /* more than WX_COHORT_MAX_GROUPS groups */
  int oom;          /* a request list could not grow */
  wx_creq *src;     /* this substep's source requests */
  uint32_t n_src, cap_src;
  uint64_t *w, *x; /* scratch: max(n_req + cap_src, n_mem, room) */
  uint32_t cap_w;
  gsl_rng *rng;
  /* Moments and per-post bans (cohort_moments.c): per account, its
   * friends selected today by a once_per_day staff post (tag) and its
   * marketing posts since the last ban tick (posts); per member state,
   * whether it holds the module's day flag (mem_tag) and its twin with
   * the flag flipped (mem_twin, WX_NONE without a day flag). */
  uint64_t *tag, *posts;
  uint8_t *mem_tag;
  uint32_t *mem_twin;
  int flagged;    /* the module has a day flag (wx_cspace day_slot) */
  double tag_day; /* the calendar day the tags are of */
  double per_post;
} wx_cunit;

struct wx_cunits {
  wx_cunit *u;
  uint32_t n;
  wx_cunit **of; /* per module, NULL without units */
};

/* cohort_place.c: A people accepted at [t0, t1] go to units by the
 * module's policy; returns how many are admitted and counts the rest as
 * refused. */
uint64_t wx__cunit_place(wx_cunit *u, uint64_t a, double t0, double t1);
/* Opens one more unit at t (WX_NONE: out of memory or too many). */
uint32_t wx__cunit_open(wx_cunit *u, double t);
/* Group cost accrued up to t. */
void wx__cunit_accrue(wx_cunit *u, double t);
/* Spreads k over n categories of weights w without replacement (a
 * multivariate hypergeometric) into out. */
void wx__cunit_spread(const gsl_rng *r, uint64_t k, const uint64_t *w,
                      uint32_t n, uint64_t *out);

/* Scratch u->w / u->x of at least `need` entries. */
int wx__cunit_scratch(wx_cunit *u, uint32_t need);
/* cohort_moments.c: the member states' day flags and twins. */
int wx__cmoments_index(wx_cunit *u, const wx_cohort *e, uint16_t *key);
/* The module's leaves since the last call come off the units (counts cnt:
 * e->next between steps, e->count at a post): a leaver is any member,
 * with the tagged ones (cnt's fall in flagged members) taken from the
 * tags.  u->w and u->x hold u->n. */
void wx__cunit_leaves(wx_cohort *e, wx_cunit *u, const uint64_t *cnt);

#endif
