/*
 * The cohort engine: counts of people per state instead of one record per
 * person, for the Markov part of a model (docs/cohort.md).
 *
 * A person's state is the set of modules they belong to, each with the
 * fate drawn on joining it: which exclusive (move/churn) branch is pending
 * (or "stay") and which join flows are still pending.  With exponential
 * delays every pending flow fires at a constant rate, so a person's state
 * is a continuous-time Markov chain and people are independent.
 *
 * One step (one sample interval) is drawn exactly in distribution: a
 * person starting a step in state s ends it at one node of s's "step tree",
 * a node being (end state, the counter increments of the path taken), so
 * the people of s spread multinomially over the tree's nodes by the root
 * row of exp(G_s dt), and the step's Poisson arrivals into an entry state
 * are independent Poissons per node with means from the integral of
 * exp(G_s u) over the step.  Both are computed by uniformization on the
 * sparse tree generator (cohort_trans.c).  Counters (joins, leaves, flow
 * and outcome counts) are then exact jointly with the state: they are
 * functions of the node.
 *
 * Files: cohort_space.c (states and step trees, structural), cohort_check.c
 * (what the engine refuses, memory), cohort_rand.c (64-bit binomial,
 * multinomial and Poisson draws), cohort_trans.c (per-replication rates,
 * uniformization), cohort_run.c (the engine table functions),
 * cohort_touch.c (touchpoint responses in the states, refusals),
 * cohort_post.c (posts, cut between steps), cohort_moments.c (staff
 * Moments posts and per-post bans) and cohort_units.c /
 * cohort_place.c / cohort_welcome.c (staff accounts and groups, settled
 * per substep; cohort_units.h), cohort_instant.c (flows of delay 0, fired
 * on entry: vanishing states).
 */
#ifndef WX_COHORT_H
#define WX_COHORT_H

#include <stdatomic.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "engine.h"
#include "model.h"
#include "series.h"

/* Documented bounds (docs/cohort.md).  A model beyond them is refused by
 * wx__cohort_check with a hint to use the agent engine. */
#define WX_COHORT_MAX_STATES 2048u   /* reachable membership states */
#define WX_COHORT_MAX_TREE   4096u   /* nodes of one state's step tree */
#define WX_COHORT_MAX_NODES  262144u /* nodes over all step trees */
#define WX_COHORT_MAX_JOINS  8u      /* join flows out of one module */
#define WX_COHORT_DEPTH      24u     /* transitions one tree path may hold */
#define WX_COHORT_MAX_STAGES 8u      /* Erlang stages of one delay */
#define WX_COHORT_REP_DEPTH  16u     /* repeats of one person within a step */
/* Units (cohort_units.c): a flow into a staff or group module leaves the
 * person with the module's code WX_CREQ (a request) until the substep
 * ends; models with units step in substeps of WX_COHORT_UNIT_STEP days on
 * a grid from t = 0, and hold at most WX_COHORT_MAX_GROUPS groups. */
#define WX_CREQ              0xFFFFu
#define WX_COHORT_UNIT_STEP  0.125
#define WX_COHORT_MAX_GROUPS 262144u

/* ------------------------------------------- the engine table functions */

int wx__cohort_check(const wx_model *m, wx_diags *d);
double wx__cohort_memory(const wx_model *m, const wx_layout *l);
void *wx__cohort_alloc(const wx_model *m, const wx_layout *l);
int wx__cohort_run(void *e, const double *params, uint64_t seed, wx_series *out,
                   const atomic_int *stop, wx_diags *diags);
void wx__cohort_stats(const void *e, wx_engine_stats *out);
void wx__cohort_free(void *e);

/* --------------------------------------------- shared by cohort_*.c only */

/* A delay as phase-type stages (cohort_phase.c): k stages in turn, an
 * early exit after stage exit_at (WX_NONE: none) with probability q;
 * exact when it is the delay's distribution (exponential, Erlang), else
 * it matches the mean (and the variance where it can).  k = 0: none (a
 * mean that is not positive). */
typedef struct {
  uint32_t k, exit_at;
  int exact;
} wx_cphase;
/* 1 when flow fl's delay is a fixed 0 without a prior: it fires at once
 * (an instant flow, cohort_instant.c; a response applied at its post,
 * cohort_post.c). */
int wx__cohort_zero_delay(const wx_model *m, const wx_flow *fl);
/* The stages of an exponential (1) or of a gamma with a whole shape from 1
 * to WX_COHORT_MAX_STAGES and no prior; else 0. */
uint32_t wx__cohort_erlang(const wx_model *m, const wx_dist *d);
/* The structure, from the nominal parameters. */
wx_cphase wx__cohort_phase(const wx_model *m, const wx_dist *d,
                           const double *nominal);
/* Stage rates r[k] (per day) and q from a replication's parameters; -1
 * when the mean is not positive. */
int wx__cohort_phase_rates(const wx_cphase *ph, const wx_dist *d,
                           const double *params, double *r, double *q);
double wx__cohort_dist_variance(const wx_dist *d, const double *params);
/* A group's welcome (agent_groups.c) on flow f, a churn out of it: the
 * probability Z that a churn drawn on joining is not kept, and (mc, when
 * not NULL) the mean and squared coefficient of variation of its delay
 * given that; 1 for any other flow (cohort_welcome.c). */
double wx__cohort_welcome(const wx_model *m, uint32_t f, const double *params,
                          double *mc);
/* Flow f's phase structure and stage rates: its delay's, or under a
 * welcome the fit to the kept churn's delay. */
wx_cphase wx__cohort_flow_phase(const wx_model *m, uint32_t f,
                                const double *nominal);
int wx__cohort_flow_rates(const wx_model *m, uint32_t f, const wx_cphase *ph,
                          const double *params, double *r, double *q);

/* An edge of a step tree: the pending flow `flow` fires (flow nf + o: the
 * pending repeat of outcome o); when it enters module `enter` (WX_NONE: it
 * enters none) the entrant takes fate `fate` of that module, so the edge's
 * rate is rate(flow) * P(fate).  With WX_CEDGE_REPEAT in fate, `enter` is
 * the outcome just bought and fate & 1 whether another purchase is
 * pending, at P = p or 1 - p. */
#define WX_CEDGE_REPEAT  0x80000000u
/* In `flow`: the early exit of a phase-type delay (cohort_phase.c). */
#define WX_CEDGE_EXIT    0x40000000u
/* In `flow`: an instant edge out of a vanishing root (cohort_instant.c),
 * whose weight is a probability, not a rate. */
#define WX_CEDGE_INSTANT 0x20000000u
typedef struct {
  uint32_t to; /* node index (global) */
  uint32_t flow;
  uint32_t enter;
  uint32_t fate;
} wx_cedge;

/* Node increment lists are padded to multiples of this (cohort_space.c). */
#define WX_CSPACE_INC 4u

/* Counter indices of a node's increments: joins of module i at i, leaves
 * at nm + i, flow f at 2 nm + f, outcome o at 2 nm + nf + o. */
typedef struct {
  uint32_t nm, nf, no, n_ctr;
  /* per flow: its Erlang stages (1: exponential) and, when more than one,
   * the key slot of its stage counter; a state's key is kw codes: the nm
   * module codes, then the stage counters */
  uint32_t *stages, *phase_slot, kw;
  wx_cphase *phase; /* per flow */
  int exact;        /* every delay is exactly its phase-type form */
  /* per outcome with repeats: its key slot (0: no repeat pending, j: stage
   * j of the repeat delay), stages and repeat counter; else WX_NONE */
  uint32_t *rep_slot, *rep_stages, *rep_ctr;
  /* per module: number of join flows and of fate codes; a fate code c is
   * (branch << n_joins) | pending-join mask, branch n_exclusive = stay */
  uint32_t *nj, *n_fates;
  uint32_t *join_bit; /* per flow: its bit in its module's mask */
  /* states: codes[s * kw + i] is 0 (not a member) or 1 + fate code;
   * state 0 is the empty state (the person is gone) */
  uint32_t n_states, cap_states;
  uint16_t *codes;
  /* open addressing over states, 0 = empty; hash_cap / 4 is the bound on
   * states (WX_COHORT_MAX_STATES but when counting them) */
  uint32_t *hash, hash_cap;
  /* per module: first entry of entry_state (n_fates[i] of them, the
   * singleton states a newcomer can start in), or WX_NONE */
  uint32_t *entry_off, *entry_state, n_entry;
  /* step trees: nodes [tree_off[s], tree_off[s + 1]), root first */
  uint32_t *tree_off, n_nodes, cap_nodes;
  uint32_t *node_state;
  uint8_t *incr; /* n_nodes * n_ctr */
  /* the same, sparse: node g bumps counter inc[k] >> 8 by inc[k] & 255
   * (one word, one cache line) for k in [inc_off[g], inc_off[g + 1]), a
   * multiple of WX_CSPACE_INC entries (padded with increments of 0) */
  uint32_t *inc_off, *inc;
  uint32_t *edge_off; /* n_nodes + 1 */
  wx_cedge *edges;
  uint32_t n_edges, cap_edges;
  uint32_t max_tree; /* largest tree */
  uint8_t *twice;    /* per outcome: a person can reach it twice */
  /* per economic outcome a person can buy more than once (twice, or
   * touchpoint responses lead to it): the key slot of the person's "has
   * bought it" flag and the counter of first purchases (customers); else
   * WX_NONE.  A state with no membership and nothing pending is gone
   * whatever its flags (the agent engine recycles the person). */
  uint32_t *bought_slot, *first_ctr, n_bought;
  /* per flow: the key slot counting a touchpoint response's pending
   * firings (cohort_touch.c), or WX_NONE (not a response, or an instant
   * one); n_resp such slots, each holding at most resp_cap[f] firings
   * (cohort_pend.c; in resp_slot's allocation) */
  uint32_t *resp_slot, n_resp;
  /* per module: the key slot of its staff Moments day flag (1: selected
   * by a once_per_day staff post on the current calendar day,
   * cohort_moments.c), or WX_NONE when no calendar day holds two such
   * posts; n_day such slots; both arrays live in resp_slot's
   * allocation */
  uint32_t *day_slot, n_day, *resp_cap;
  /* instant flows (cohort_instant.c): per flow 1 when it fires on entry
   * (delay 0); the fate factors of each instant path, path k's in
   * [ipath_off[k], ipath_off[k + 1]) of ipath_mod / ipath_fate */
  uint8_t *instant;
  uint32_t n_instant, *ipath_off, *ipath_mod, *ipath_fate;
  uint32_t n_ipath, cap_ipath, n_ifac, cap_ifac;
  /* per edge when n_instant: 0, or 1 + the instant path taken after it */
  uint32_t *edge_inst, cap_inst;
  /* why building failed (WX_ETOOBIG): the flow being expanded; for a
   * step tree, 1 + the state whose tree overflowed (else 0) and the nodes
   * of its tree and of all trees then */
  uint32_t fail_flow;
  const char *fail_what;
  uint32_t fail_state, fail_tree, fail_total;
} wx_cspace;

/* What one flow firing does to a state: the counters it bumps and the
 * module it enters (WX_NONE: none, or the person already belongs). */
typedef struct {
  uint32_t n, ctr[4];
  uint32_t enter;
  uint32_t rep; /* an outcome whose repeat may now be pending, or WX_NONE */
  int stage;    /* only an Erlang stage of the flow passed */
} wx_ceffect;

/* The flows pending in a state with codes c, into out (flow f, f |
 * WX_CEDGE_EXIT for an early exit, nf + o for outcome o's repeat);
 * returns how many (cohort_effect.c). */
uint32_t wx__cspace_pending(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t *out);
/* Pending flow f fires in state c: o gets the state before any fate. */
wx_ceffect wx__cspace_apply(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t f, uint16_t *o);
/* How many fates follow e, and the key of fate c. */
uint32_t wx__ceffect_fates(const wx_cspace *s, const wx_ceffect *e);
void wx__ceffect_key(const wx_cspace *s, const wx_ceffect *e, uint32_t c,
                     uint16_t *key);
/* The codes c with module i's code set to `code` (0: not a member) and
 * the stages of i's flows reset, into o: admission, refusal, eviction. */
void wx__cspace_recode(const wx_cspace *s, const wx_model *m, const uint16_t *c,
                       uint32_t i, uint16_t code, uint16_t *o);
/* Key slots, stages and counters of phase-type delays and repeats. */
int wx__cspace_setup_phases(wx_cspace *s, const wx_model *m);
int wx__cspace_setup_repeats(wx_cspace *s, const wx_model *m);

/* The state with codes key, or WX_NONE. */
uint32_t wx__cspace_find(const wx_cspace *s, const uint16_t *key);
/* Builds the reachable states and their step trees of m (structure only:
 * every flow counts as possible whatever its probability).  WX_OK,
 * WX_ENOMEM, or WX_ETOOBIG with fail_what / fail_flow set. */
int wx__cspace_build(wx_cspace *s, const wx_model *m);
void wx__cspace_free(wx_cspace *s);
uint64_t wx__cspace_bytes(const wx_cspace *s);
/* The reachable states of m (without "bought" flags) counted up to cap, a
 * power of two, into *n: WX_OK when that is all of them, WX_ETOOBIG when
 * there are more, for the refusal's message. */
int wx__cspace_count(const wx_model *m, uint32_t cap, uint32_t *n);

/* Instant flows (cohort_instant.c, docs/cohort.md).  A state with a
 * pending instant flow is vanishing: the agent engine fires such flows at
 * the instant of entry, in the order it queued them.  Resolving one calls
 * `out` once per tangible end (state key, counter increments inc, the
 * instant path's factors fm / ff, nfac of them: module fm[j]'s fate ff[j],
 * or outcome fm[j] & ~WX_CEDGE_REPEAT's repeat pending when ff[j]). */
typedef int (*wx_cinst_out)(void *ctx, const uint16_t *key, const uint8_t *inc,
                            const uint32_t *fm, const uint32_t *ff,
                            uint32_t nfac);
/* 1 when flow f fires at once: not a touchpoint response (cohort_touch.c
 * has those), a fixed 0 without a prior. */
int wx__cinst_flow(const wx_model *m, uint32_t f);
int wx__cinst_setup(wx_cspace *s, const wx_model *m);
/* Marks twice[o] for every outcome an instant flow leads to: the state
 * graph's edges do not show the instant firings along a path. */
void wx__cinst_twice(wx_cspace *s, const wx_model *m);
void wx__cinst_free(wx_cspace *s);
/* 1 when state codes c pend an instant flow. */
int wx__cinst_vanishing(const wx_cspace *s, const wx_model *m,
                        const uint16_t *c);
/* Fires the instant flows pending in key (in the agent engine's order:
 * by module, each module's move before its joins, then what they queue),
 * starting from increments inc.  WX_OK, WX_ENOMEM, WX_ETOOBIG (fail_what
 * set) or what `out` returns. */
int wx__cinst_resolve(wx_cspace *s, const wx_model *m, const uint16_t *key,
                      const uint8_t *inc, wx_cinst_out out, void *ctx);
/* Registers an instant path; its index + 1 (0 when nfac = 0), or 0 with
 * *rc = WX_ENOMEM. */
uint32_t wx__cinst_path(wx_cspace *s, const uint32_t *fm, const uint32_t *ff,
                        uint32_t nfac, int *rc);
/* A vanishing state held by a step (posts, units) would be counted as
 * its members: refused (WX_ETOOBIG, fail_what set). */
int wx__cinst_audit(wx_cspace *s, const wx_model *m);
uint64_t wx__cinst_bytes(const wx_cspace *s);

/* 64-bit exact draws (cohort_draw.c, cohort_rand.c). */
uint64_t wx__cohort_binomial(const gsl_rng *r, double p, uint64_t n);
/* log f(k) / f(m) for the pmf f of Bin(n, p), 0 <= k, m <= n: BTRS's
 * test far from the mode (cohort_draw.c). */
double wx__cohort_log_pmf_ratio(double n, double p, double k, double m);
uint64_t wx__cohort_poisson(const gsl_rng *r, double mu);
/* Spreads n over k categories of probabilities p (need not sum to 1:
 * normalised), into out[k]. */
void wx__cohort_multinomial(const gsl_rng *r, uint64_t n, const double *p,
                            uint32_t k, uint64_t *out);

/* A row ready for repeated multinomials: the categories by decreasing
 * probability (order[rank] = category) and, by rank, the conditional
 * probability of each given the ranks before it.  Drawing the likely
 * categories first ends the loop early once everybody is placed. */
typedef struct {
  double p;
  uint32_t i;
} wx_cpair;
/* Turns p[k] (need not sum to 1) into that form in place, filling
 * order[k]; `pairs` is scratch of k entries. */
void wx__cohort_conditional(double *p, uint32_t *order, uint32_t k,
                            wx_cpair *pairs);
/* Where the conditional multinomial switches from a binomial per node to
 * a uniform per person: few people left over more nodes. */
#define WX_COHORT_PICKS 16u
#define WX_COHORT_ONE_BY_ONE(people, nodes) \
  ((people) <= WX_COHORT_PICKS && (nodes) > (people))
/* n <= WX_COHORT_PICKS people over ranks [i, k) of such a row
 * (conditional form), one uniform each: the d ranks they fall in,
 * increasing, in at[d] and how many in many[d]; returns d. */
uint32_t wx__cohort_picks(const gsl_rng *r, const double *c, uint32_t i,
                          uint32_t k, uint32_t n, uint32_t *at, uint32_t *many);
/* The multinomial of n over the k categories of such a row, into out[k]
 * (by category). */
void wx__cohort_multinomial_cond(const gsl_rng *r, uint64_t n, const double *c,
                                 const uint32_t *order, uint32_t k,
                                 uint64_t *out);

/* Economic outcomes (cohort_econ.c): values of the purchases the flows
 * fired, customers, revenue, attribution to modules, totals. */
typedef struct {
  uint32_t n_econ;
  uint32_t *bit;  /* per outcome: its index among economic ones, or WX_NONE */
  uint64_t *seen; /* per flow: firings whose values are drawn */
  uint64_t *seen_rep; /* per outcome: the same for repeat purchases */
  double *rev;        /* per outcome: revenue so far */
  double *attr;       /* per module, then touchpoint: purchases, revenue */
  gsl_rng **rng;      /* per economic outcome: its values' stream */
  double gross;       /* gross profit so far (outcomes' margins) */
} wx_cecon;

int wx__cecon_alloc(wx_cecon *c, const wx_model *m);
void wx__cecon_free(wx_cecon *c, const wx_model *m);
void wx__cecon_reset(wx_cecon *c, const wx_model *m, uint64_t seed);
void wx__cecon_update(wx_cecon *c, const wx_model *m, const wx_cspace *s,
                      const double *params, const uint64_t *ctr);
void wx__cecon_write(const wx_cecon *c, const wx_model *m, const wx_cspace *s,
                     const wx_layout *l, const uint64_t *ctr, double *row);
/* The sum of n independent values of d: exact in distribution for fixed,
 * exponential and gamma values and up to 1024 values of any kind, normal
 * with the exact mean and variance beyond (docs/cohort.md). */
double wx__cohort_value_sum(const wx_dist *d, const double *params, gsl_rng *r,
                            uint64_t n);

/* Instant path k's probability from the fate and repeat probabilities of
 * a replication (cohort_instant.c). */
struct wx_ctrans;
double wx__cinst_p(const struct wx_ctrans *t, const wx_cspace *s, uint32_t k);
/* The start vector of state st's tree into v (n entries, zeroed): the
 * root, or for a vanishing root its instant ends. */
void wx__cinst_start(const struct wx_ctrans *t, const wx_cspace *s, uint32_t st,
                     double *v);
/* Per-replication transition data (cohort_trans.c). */
typedef struct wx_ctrans {
  double *flow_rate;  /* per flow (stage rate), then per outcome's repeat */
  double *rep_p;      /* per outcome: P(another purchase) */
  double *stage_rate; /* per flow, WX_COHORT_MAX_STAGES stage rates */
  double *exit_p;     /* per flow: q of its early exit */
  double *fate_p;     /* per module fate code: offset fate_off[i] */
  uint32_t *fate_off;
  double *edge_rate; /* per edge */
  double *exit_rate; /* per node */
  double *tree_max;  /* per state: largest exit rate in its tree */
  /* root rows of exp(G dt), as conditional probabilities
   * (wx__cohort_conditional), and of its integral over [0, dt] (entry
   * states' trees only), per node, for the cached step length dt */
  double dt, *prob, *integ;
  double *icond;             /* integ rows in conditional form, entry trees */
  uint32_t *porder, *iorder; /* orders of prob and icond rows */
  wx_cpair *pairs;           /* scratch, max_tree */
  double *va, *vb, *vc, *vd; /* scratch, max_tree each */
  const double *fmult;       /* per flow: a pulse's multiplier of p, or NULL */
} wx_ctrans;

int wx__ctrans_alloc(wx_ctrans *t, const wx_cspace *s, const wx_model *m);
void wx__ctrans_free(wx_ctrans *t);
/* Rates and fate probabilities from params; WX_ERUNTIME (flow index in
 * *bad) when a delay mean is not positive. */
int wx__ctrans_set(wx_ctrans *t, const wx_cspace *s, const wx_model *m,
                   const double *params, uint32_t *bad);
/* Root rows of exp(G tau) (prob, may be NULL) and of its integral over
 * [0, tau] (integ, may be NULL) of state st's tree, into arrays indexed by
 * local node. */
void wx__ctrans_tree(wx_ctrans *t, const wx_cspace *s, uint32_t st, double tau,
                     double *prob, double *integ);
/* Fills prob (conditional form) and integ (entry states' trees) for every
 * tree at step length dt. */
typedef struct {
  double *prob, *integ, *icond;
  uint32_t *porder, *iorder;
} wx_crows;
void wx__ctrans_rows(wx_ctrans *t, const wx_cspace *s, double dt,
                     const wx_crows *out);
/* The same into t->prob / t->integ, remembering dt. */
void wx__ctrans_cache(wx_ctrans *t, const wx_cspace *s, double dt);

/* Referral fission of campaigns and touchpoints (cohort_fission.c): per
 * origin (source k, then touchpoint n_sources + i), the
 * offspring on their way (their generation delays running), and the
 * counters of the agent engine's "shares" and "fission_arrivals" columns
 * and of the arrivals committed against a saturation cap. */
typedef struct {
  uint64_t *pool, *shares, *arrivals, *committed; /* per origin */
  double *since; /* per origin: when its pool was last brought forward */
  double *first; /* per origin: the start of its half-life */
} wx_cfiss;

/* Touchpoints (cohort_touch.c, docs/cohort.md): posts between steps. */
#define WX_COHORT_TP_PEND 2u /* fewest pending slots of a member response */
#define WX_COHORT_TP_RESP 8u /* responses of one touchpoint (2^8 subsets) */
struct wx_ctouch;
/* Pending firings of one response (cohort_pend.c): at least
 * WX_COHORT_TP_PEND, as many as the tail bound needs, at most
 * WX_COHORT_TP_PEND_MAX (beyond: refused). */
#define WX_COHORT_TP_PEND_MAX 32u
/* The smallest gap between two posts of touchpoint i (INFINITY: fewer
 * than two). */
double wx__ctouch_min_gap(const wx_model *m, uint32_t i);
/* An upper bound of the probability that a member reached by a post of
 * response f's touchpoint takes it with k firings of it pending
 * (cohort_pend.c), posts at least gap apart. */
double wx__ctouch_pend_bound(const wx_model *m, uint32_t f,
                             const double *params, uint32_t k, double gap);
/* s->resp_cap from the nominal parameters. */
int wx__ctouch_pend_setup(wx_cspace *s, const wx_model *m);
/* Responses that would need more than WX_COHORT_TP_PEND_MAX. */
int wx__ctouch_pend_refuse(const wx_model *m, wx_diags *d);
/* After s overflowed: the responses whose slots grew its states. */
int wx__ctouch_pend_explain(const wx_cspace *s, const wx_model *m, wx_diags *d);
/* Refusals of touchpoint features the engine does not model. */
int wx__ctouch_refuse(const wx_model *m, wx_diags *d);
/* Marks reach[n_modules + o] for every outcome o touchpoint responses
 * lead to (directly or through modules they enter); reach holds
 * n_modules + n_outcomes zeroed bytes. */
void wx__ctouch_rebuy(const wx_model *m, uint8_t *reach);
/* Outcome o's purchase fired in key o (already copied): the first one sets
 * the "bought" flag and counts a customer in e. */
void wx__cspace_buy(const wx_cspace *s, uint32_t o, uint16_t *key,
                    wx_ceffect *e);
/* Key slots of pending responses. */
int wx__cspace_setup_touch(wx_cspace *s, const wx_model *m);
/* Pending response flows of state c into out; returns the new n. */
uint32_t wx__ctouch_pending(const wx_cspace *s, const uint16_t *c,
                            uint32_t *out, uint32_t n);
/* Response flow f fires in state c (cohort_effect.c semantics). */
wx_ceffect wx__ctouch_apply(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t f, uint16_t *o);
/* Leaving module i cancels its pending responses in key o. */
void wx__ctouch_clear(const wx_cspace *s, const wx_model *m, uint32_t i,
                      uint16_t *o);
/* Ends membership i in key o: its stages and pending responses too. */
void wx__ctouch_leave(const wx_cspace *s, const wx_model *m, uint32_t i,
                      uint16_t *o);
/* Instant response f of a post is stale: an instant move before it ended
 * the membership it came from (the agent engine's epoch); *gone tracks
 * that along the post's responses. */
int wx__ctouch_stale(const wx_model *m, uint32_t f, int *gone);
/* Touchpoint i's first firing after `after` within the horizon, else
 * INFINITY (agent_touch.c). */
double wx__ctouch_firing(const wx_model *m, uint32_t i, double after);
/* The states posts lead to from state st (added to the space). */
int wx__ctouch_reach(wx_cspace *s, const wx_model *m, uint32_t st);
/* The index of the state with codes key, added when `add` (cohort_space.c);
 * WX_NONE when absent or full (*rc set). */
uint32_t wx__cspace_state(wx_cspace *s, const uint16_t *key, int add, int *rc);

/* One engine instance (cohort_run.c). */
typedef struct {
  const wx_model *m;
  const wx_layout *l;
  wx_cspace sp;
  wx_ctrans tr;
  wx_cecon econ;
  wx_cfiss fiss;
  gsl_rng **rng;          /* n_sources arrival streams, then transitions */
  uint64_t *count, *next; /* per state */
  uint64_t *ctr;          /* cumulative counters (cohort.h indices) */
  uint64_t *arr;          /* per source, cumulative */
  uint64_t *draw;         /* per tree node */
  double *mean, *fa;      /* per tree node */
  wx_crows alt;           /* rows at a second step length */
  double alt_dt;
  /* the parameters the rates and rows were derived from: replications
   * without priors share them, and then skip the exponentials */
  double *last_params;
  int have_last;
  const double *params;    /* this run's */
  struct wx_ctouch *touch; /* NULL without touchpoints */
  wx_engine_stats st;
  struct wx_cunits *units; /* staff accounts and groups; NULL when none */
  struct wx_cpulse *pulse; /* flow pulses (cohort_pulse.c); NULL when none */
} wx_cohort;

/* Festival pulses of flows (cohort_pulse.c): the days of one "set" of
 * pulse entries share transition data; at most this many sets. */
#define WX_COHORT_PULSE_SETS 16u
/* The number of sets of m (more than WX_COHORT_PULSE_SETS: too many). */
uint32_t wx__cpulse_count(const wx_model *m);
int wx__cpulse_alloc(wx_cohort *e);
void wx__cpulse_free(wx_cohort *e);
uint64_t wx__cpulse_bytes(const wx_cspace *s, const wx_model *m);
/* The days without pulses into e->tr (before derive). */
void wx__cpulse_base(wx_cohort *e);
/* The other sets' rates from params (after the base set's). */
int wx__cpulse_derive(wx_cohort *e, const double *params);
/* The set of the day of t into e->tr. */
void wx__cpulse_use(wx_cohort *e, double t);
/* Uses a's set; returns the first day boundary in (a, b) where the set
 * changes, else b. */
double wx__cpulse_cut(wx_cohort *e, double a, double b);
/* Module i's fate probabilities for someone joining at t. */
const double *wx__cpulse_fates(const wx_cohort *e, uint32_t i, double t);
/* Rows of step length tau for the current set; 0 when absent. */
int wx__cpulse_rows(wx_cohort *e, double tau, wx_crows *out);
/* n people placed in state st at once (no time passes), into dest[]: by
 * st's instant ends, counters bumped, when it is vanishing
 * (cohort_instant.c). */
void wx__cinst_place(wx_cohort *e, const gsl_rng *r, uint32_t st, uint64_t n,
                     uint64_t *dest);

/* Touchpoints at run time (cohort_touch.c). */
int wx__ctouch_alloc(wx_cohort *e);
void wx__ctouch_free(wx_cohort *e);
void wx__ctouch_reset(wx_cohort *e, uint64_t seed);
/* Rates changed: cached rows are stale; checks the pending bound. */
int wx__ctouch_derive(wx_cohort *e, wx_diags *diags);
/* The first post in (a, b], or b when none. */
double wx__ctouch_next(const wx_cohort *e, double a, double b);
/* Every post due at t. */
int wx__ctouch_fire(wx_cohort *e, double t, wx_diags *diags);
/* Rows of step length tau from the touchpoints' cache; 0 when absent. */
int wx__ctouch_rows(wx_cohort *e, double tau, wx_crows *out);
void wx__ctouch_write(const wx_cohort *e, double *row);
/* Touchpoint i's stream. */
gsl_rng *wx__ctouch_rng(const wx_cohort *e, uint32_t i);

/* Touchpoint i's WX_TP_METRICS counters (cohort_post.c). */
double *wx__ctouch_col(const wx_cohort *e, uint32_t i);
/* The k people of state st (already taken out of e->count) reached by
 * touchpoint i's post at t: unfollows, then responses, into e->next. */
int wx__ctouch_reached(wx_cohort *e, uint32_t i, uint32_t st, uint64_t k,
                       double t);
/* Staff Moments (cohort_moments.c): touchpoint i's post at t, reach p,
 * by every open account of its module. */
int wx__cmoments_staff(wx_cohort *e, uint32_t i, double t, double p);
/* An enterprise Moments post on module i counts for every open account's
 * per-post ban hazard (agent_moments.c count_post_everywhere). */
void wx__cunits_posted(wx_cohort *e, uint32_t i);

/* Bytes an engine holds for state space s of m on layout l
 * (cohort_engine.c). */
uint64_t wx__cohort_bytes(const wx_cspace *s, const wx_model *m,
                          const wx_layout *l);
/* The people counted in e->draw (local nodes of state st's tree) end the
 * step at their nodes (cohort_draw.c). */
void wx__cohort_settle(wx_cohort *e, uint32_t st);
/* n people of state st spread over its step tree by the conditional row
 * c (order) and settled at once: the draw and settle of the hot path
 * without a dense scratch row. */
void wx__cohort_spread(wx_cohort *e, const gsl_rng *r, uint32_t st, uint64_t n,
                       const double *c, const uint32_t *order);
/* n people entering module i at uniform times in [a, b] within the step
 * ending at t1. */
void wx__cohort_enter_piece(wx_cohort *e, gsl_rng *r, uint32_t i, uint64_t n,
                            double a, double b, double t1);

int wx__cfiss_alloc(wx_cfiss *f, const wx_model *m);
void wx__cfiss_free(wx_cfiss *f);
void wx__cfiss_reset(wx_cfiss *f, const wx_model *m);
/* Origin k reached n people at `at`: their shares and offspring. */
void wx__cfiss_seed(wx_cohort *e, uint32_t k, uint64_t n, double at);
/* The generations of the step [t0, t1]. */
int wx__cfiss_step(wx_cohort *e, double t0, double t1);
/* The shares and fission_arrivals columns of sample row `row`. */
void wx__cfiss_write(const wx_cohort *e, double *row);
/* Fission rewards so far into each paying origin's referral_cost column;
 * returns their sum, a part of the total cost. */
double wx__cfiss_rewards(const wx_cohort *e, double *row);

/* Staff accounts and groups in aggregate (cohort_units.c).  alloc leaves
 * e->units NULL for a model without them; reset needs e->params. */
int wx__cunits_alloc(wx_cohort *e);
void wx__cunits_free(wx_cohort *e);
int wx__cunits_reset(wx_cohort *e, uint64_t seed);
/* 1 when module i has units (entries into it are requests). */
int wx__cunits_gate(const wx_cohort *e, uint32_t i);
/* n people asking to join units module i at time t at once (initial,
 * campaigns): how many are admitted. */
uint64_t wx__cunits_admit(wx_cohort *e, uint32_t i, uint64_t n, double t);
/* Source k's Poisson arrivals at rate lam over [a, b] into its units
 * module, admitted at the substep's end; returns how many arrived. */
uint64_t wx__cunits_request(wx_cohort *e, uint32_t k, double lam, double a,
                            double b);
/* The end of the substep [t0, t1] on e->next: leaves, admissions, bans,
 * negative feedback, dissolutions.  WX_ETOOBIG: too many groups. */
int wx__cunits_settle(wx_cohort *e, double t0, double t1);
/* After the posts at t (e->count): their leaves come off the units and
 * their requests are settled at t (no bans, feedback or dissolutions:
 * the substep that ended at t had them). */
int wx__cunits_post(wx_cohort *e, double t);
void wx__cunits_write(const wx_cohort *e, double t, double *row);

#endif
