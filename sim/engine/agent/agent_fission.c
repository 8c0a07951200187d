/*
 * Referral fission (model.h wx_fission): a share brings a number of new
 * people ~ Poisson(mean) or NegBin(mean, size), each arriving after its own
 * generation delay into `into`, where they are "reached": they share with
 * the same probability (a Galton-Watson process, R = share x mean).
 * Origins: touchpoint i is origin i, source s is origin n_touchpoints + s;
 * each draws from its own stream.
 *
 * The mean is scaled by saturation (2^(-age/half_life), age since the
 * origin's first firing; or 1 - committed/cap, and the offspring are cut
 * at the cap, so arrivals never exceed it) and by decline (2^(-t /
 * half_life) over scenario time).
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "dist.h"

static wx_fission_state *state(const wx_engine *e) {
  return e->mech[WX_MECH_FISSION];
}

const wx_fission *wx__fission_of(const wx_engine *e, uint32_t origin) {
  uint32_t n_tp = e->m->n_touchpoints;
  return origin < n_tp ? &e->m->touchpoints[origin].fission
                       : &e->m->sources[origin - n_tp].fission;
}

/* The origin's stream: a touchpoint's, or a campaign source's. */
static gsl_rng *origin_rng(const wx_engine *e, uint32_t origin) {
  uint32_t n_tp = e->m->n_touchpoints;
  return origin < n_tp ? wx__agent_tp_rng(e, origin) : e->rng[origin - n_tp];
}

uint32_t wx__fission_col(const wx_engine *e, uint32_t origin, int shares) {
  uint32_t n_tp = e->m->n_touchpoints;
  if (origin < n_tp)
    return e->l->touch_base + origin * WX_TP_METRICS +
           (shares ? WX_TP_SHARES : WX_TP_FISSION);
  uint32_t s = origin - n_tp;
  return shares ? state(e)->src_shares[s] : state(e)->src_fission[s];
}

/* The counter column (shares or fission arrivals) of an origin. */
static double *counter(wx_engine *e, uint32_t origin, int shares) {
  return &e->cur[wx__fission_col(e, origin, shares)];
}

#define SECOND_LEVEL 0x80000000u

uint32_t wx__fission_referrer(const wx_engine *e, uint32_t p, int *second) {
  const wx_fission_state *x = state(e);
  *second = 0;
  if (!x || !x->referrer || p >= x->referrer_cap || !x->referrer[p])
    return WX_NONE;
  *second = (x->referrer[p] & SECOND_LEVEL) != 0;
  return (x->referrer[p] & ~SECOND_LEVEL) - 1;
}

/* The level of the offspring of a share by `sharer` (event epoch): 1 when
 * the sharer was brought by the same origin. */
static uint16_t level_of(const wx_engine *e, uint32_t origin, uint32_t sharer) {
  int second;
  if (sharer == WX_NONE) return 0;
  return wx__fission_referrer(e, sharer, &second) == origin;
}

/* A commission needs to know, at a purchase, who brought the buyer. */
int wx__fission_commissions(const wx_model *m) {
  for (uint32_t i = 0; i < m->n_touchpoints + m->n_sources; i++) {
    const wx_fission *f = i < m->n_touchpoints
                              ? &m->touchpoints[i].fission
                              : &m->sources[i - m->n_touchpoints].fission;
    const wx_referral_pay *p = &f->pay;
    if (f->on && p->on && (p->fixed != WX_NONE || p->of_value != WX_NONE))
      return 1;
  }
  return 0;
}

/* Clears the referrer of a (possibly recycled) slot. */
static int fission_person(wx_engine *e, uint32_t p) {
  wx_fission_state *x = state(e);
  if (!x->referrer) return WX_OK;
  if (p >= x->referrer_cap) {
    uint64_t cap = x->referrer_cap;
    while (cap <= p) cap += cap / 2;
    uint32_t *r = realloc(x->referrer, (size_t)cap * sizeof *r);
    if (!r) return WX_ENOMEM;
    x->referrer = r;
    x->referrer_cap = (uint32_t)cap;
  }
  x->referrer[p] = 0;
  return WX_OK;
}

static uint64_t fission_bytes(const wx_engine *e) {
  return (uint64_t)state(e)->referrer_cap * sizeof(uint32_t);
}

static double effective_mean(const wx_engine *e, const wx_fission *f,
                             uint32_t origin, double t) {
  const double *pv = e->params;
  double mean = pv[f->mean];
  if (f->half_life != WX_NONE)
    mean *= exp2(-(t - state(e)->first[origin]) / pv[f->half_life]);
  if (f->cap != WX_NONE) {
    double left = 1 - state(e)->committed[origin] / pv[f->cap];
    mean *= left > 0 ? left : 0;
  }
  if (f->decline != WX_NONE) mean *= exp2(-t / pv[f->decline]);
  return mean;
}

static unsigned offspring(const wx_engine *e, const wx_fission *f, double mean,
                          gsl_rng *r) {
  if (!(mean > 0)) return 0;
  if (f->offspring == WX_OFFSPRING_POISSON) return wx__poisson(r, mean);
  /* NegBin as a gamma-mixed Poisson, the draws gsl_ran_negative_binomial
   * makes, but through wx__poisson so that a huge mean cannot hang. */
  double size = e->params[f->size];
  return wx__poisson(r, gsl_ran_gamma(r, size, 1.0) * (mean / size));
}

int wx__fission_share(wx_engine *e, uint32_t origin, double t,
                      uint32_t sharer) {
  const wx_fission *f = wx__fission_of(e, origin);
  gsl_rng *r = origin_rng(e, origin);
  uint16_t level = level_of(e, origin, sharer);
  *counter(e, origin, 1) += 1;
  double n = offspring(e, f, effective_mean(e, f, origin, t), r);
  if (f->cap != WX_NONE) {
    double left = floor(e->params[f->cap]) - state(e)->committed[origin];
    if (n > left) n = left > 0 ? left : 0;
  }
  state(e)->committed[origin] += n;
  for (double k = 0; k < n; k++) {
    if (wx__agent_stopping(e, (uint64_t)k)) return WX_EINTERRUPTED;
    double at = t + wx__dist_draw(&f->delay, e->params, r);
    if (!(at <= e->horizon)) continue;
    if (wx__queue_push(&e->q, at, origin, WX_EV_FISSION, level) != WX_OK)
      return WX_ENOMEM;
  }
  return WX_OK;
}

/* A WX_EV_FISSION event: one offspring of `origin` arrives. */
static int arrival(wx_engine *e, const wx_event *ev) {
  uint32_t origin = ev->person;
  double t = ev->t;
  const wx_fission *f = wx__fission_of(e, origin);
  int rc = WX_OK;
  uint32_t p = wx__agent_new_person(e, &rc);
  if (p == WX_NONE) return rc;
  e->st.arrivals++;
  *counter(e, origin, 0) += 1;
  if (state(e)->referrer)
    state(e)->referrer[p] = (origin + 1) | (ev->epoch ? SECOND_LEVEL : 0);
  rc = wx__agent_enter(e, p, f->into, t);
  /* reached by the campaign, p shares whether `into` took p or not */
  if (rc == WX_OK &&
      gsl_rng_uniform(origin_rng(e, origin)) < e->params[f->share])
    rc = wx__fission_share(e, origin, t, p);
  wx__agent_settle(e, p, 1); /* refused (declined, full): nobody */
  return rc;
}

void wx__fission_fired(wx_engine *e, uint32_t origin, double t) {
  wx_fission_state *x = state(e);
  if (x && isnan(x->first[origin])) x->first[origin] = t;
}

static int applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (m->touchpoints[i].fission.on) return 1;
  for (uint32_t s = 0; s < m->n_sources; s++)
    if (m->sources[s].fission.on) return 1;
  return 0;
}

static void fission_free(void *state) {
  wx_fission_state *x = state;
  if (!x) return;
  free(x->first);
  free(x->committed);
  free(x->src_shares);
  free(x->src_fission);
  free(x->referrer);
  free(x);
}

static int fission_alloc(wx_engine *e, void **out) {
  const wx_model *m = e->m;
  size_t ns = m->n_sources + 1, no = m->n_touchpoints + m->n_sources + 1;
  wx_fission_state *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  *out = x;
  x->first = malloc(no * sizeof *x->first);
  x->committed = malloc(no * sizeof *x->committed);
  x->src_shares = malloc(ns * sizeof *x->src_shares);
  x->src_fission = malloc(ns * sizeof *x->src_fission);
  if (!x->first || !x->committed || !x->src_shares || !x->src_fission)
    return WX_ENOMEM;
  if (wx__fission_commissions(m)) {
    x->referrer_cap = 1024;
    if (!(x->referrer = malloc(x->referrer_cap * sizeof *x->referrer)))
      return WX_ENOMEM;
  }
  for (uint32_t s = 0; s < m->n_sources; s++) {
    x->src_shares[s] = wx__layout_find(e->l, WX_SCOPE_SOURCE, s, "shares");
    x->src_fission[s] =
        wx__layout_find(e->l, WX_SCOPE_SOURCE, s, "fission_arrivals");
  }
  return WX_OK;
}

static int fission_reset(wx_engine *e, uint64_t seed) {
  (void)seed;
  wx_fission_state *x = state(e);
  for (uint32_t i = 0; i < e->m->n_touchpoints + e->m->n_sources; i++) {
    x->first[i] = NAN;
    x->committed[i] = 0;
  }
  return WX_OK;
}

const wx_agent_mechanic wx__mech_fission = {
    .name = "fission",
    .applies = applies,
    .alloc = fission_alloc,
    .free = fission_free,
    .reset = fission_reset,
    .on_person = fission_person,
    .on_event = arrival,
    .events = {WX_EV_FISSION},
    .bytes = fission_bytes,
};
