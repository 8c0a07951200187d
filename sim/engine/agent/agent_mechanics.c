/* Glue between the agent engine and the WeChat mechanics (agent_mechanics.h):
 * allocation, per-run reset, the start, event dispatch and the hooks the
 * core loop calls on joining, leaving, new people, outcomes and samples. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "rng.h"
#include "util.h"


static void free_rngs(gsl_rng **r, uint32_t n) {
  if (!r) return;
  for (uint32_t i = 0; i < n; i++)
    if (r[i]) gsl_rng_free(r[i]);
  free(r);
}

void wx__x_free(wx_xstate *x) {
  if (!x) return;
  for (uint32_t i = 0; x->aud && i < x->n_aud; i++)
    wx__members_free(&x->aud[i]);
  free_rngs(x->tp_rng, x->n_tp_rng);
  free_rngs(x->oc_rng, x->n_oc_rng);
  free(x->aud);
  free(x->aud_of);
  free(x->scratch);
  free(x->econ_bit);
  free(x->flags);
  free(x->src_cost);
  free(x->src_shares);
  free(x->src_fission);
  free(x->first);
  free(x->committed);
  free(x->day_of);
  free(x->last_day);
  free(x->ent_month);
  free(x->ent_posts);
  free(x);
}

static gsl_rng **alloc_rngs(uint32_t n) {
  gsl_rng **r = calloc(n ? n : 1, sizeof *r);
  for (uint32_t i = 0; r && i < n; i++)
    if (!(r[i] = wx__rng_alloc())) {
      free_rngs(r, n);
      return NULL;
    }
  return r;
}

/* Audience modules: those some touchpoint broadcasts to. */
static int alloc_audiences(wx_xstate *x, const wx_model *m) {
  x->aud_of = malloc((m->n_modules + 1) * sizeof *x->aud_of);
  x->aud = calloc(m->n_touchpoints + 1, sizeof *x->aud);
  if (!x->aud_of || !x->aud) return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_modules; i++) x->aud_of[i] = WX_NONE;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    uint32_t mod = m->touchpoints[i].module;
    if (x->aud_of[mod] == WX_NONE) x->aud_of[mod] = x->n_aud++;
  }
  return WX_OK;
}

static int alloc_columns(wx_xstate *x, const wx_model *m, const wx_layout *l) {
  size_t ns = m->n_sources + 1, no = m->n_touchpoints + m->n_sources + 1;
  x->src_cost = malloc(ns * sizeof *x->src_cost);
  x->src_shares = malloc(ns * sizeof *x->src_shares);
  x->src_fission = malloc(ns * sizeof *x->src_fission);
  x->econ_bit = malloc((m->n_outcomes + 1) * sizeof *x->econ_bit);
  x->first = malloc(no * sizeof *x->first);
  x->committed = malloc(no * sizeof *x->committed);
  if (!x->src_cost || !x->src_shares || !x->src_fission || !x->econ_bit ||
      !x->first || !x->committed)
    return WX_ENOMEM;
  for (uint32_t s = 0; s < m->n_sources; s++) {
    x->src_cost[s] = wx__layout_find(l, WX_SCOPE_SOURCE, s, "cost");
    x->src_shares[s] = wx__layout_find(l, WX_SCOPE_SOURCE, s, "shares");
    x->src_fission[s] =
        wx__layout_find(l, WX_SCOPE_SOURCE, s, "fission_arrivals");
  }
  uint32_t bits = 0;
  for (uint32_t o = 0; o < m->n_outcomes; o++)
    x->econ_bit[o] = wx__outcome_economic(&m->outcomes[o]) ? bits++ : WX_NONE;
  x->flag_bytes = (bits + 7) / 8;
  return WX_OK;
}

wx_xstate *wx__x_alloc(wx_engine *e) {
  const wx_model *m = e->m;
  wx_xstate *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->n_tp_rng = m->n_touchpoints;
  x->n_oc_rng = m->n_outcomes;
  x->tp_rng = alloc_rngs(x->n_tp_rng);
  x->oc_rng = alloc_rngs(x->n_oc_rng);
  if (!x->tp_rng || !x->oc_rng || alloc_audiences(x, m) != WX_OK ||
      alloc_columns(x, m, e->l) != WX_OK || wx__moments_alloc(x, m) != WX_OK) {
    if (!x->tp_rng) x->n_tp_rng = 0;
    if (!x->oc_rng) x->n_oc_rng = 0;
    wx__x_free(x);
    return NULL;
  }
  return x;
}

void wx__x_reset(wx_engine *e, uint64_t s) {
  wx_xstate *x = e->x;
  const wx_model *m = e->m;
  for (uint32_t i = 0; i < x->n_aud; i++) wx__members_clear(&x->aud[i]);
  for (uint32_t i = 0; i < x->n_tp_rng; i++)
    wx__rng_seed_stream(x->tp_rng[i], s, WX_STREAM_TOUCH,
                        m->touchpoints[i].name);
  for (uint32_t i = 0; i < x->n_oc_rng; i++)
    wx__rng_seed_stream(x->oc_rng[i], s, WX_STREAM_OUTCOME,
                        m->outcomes[i].name);
  for (uint32_t i = 0; i < m->n_touchpoints + m->n_sources; i++) {
    x->first[i] = NAN;
    x->committed[i] = 0;
  }
  x->cost_discrete = 0;
  wx__moments_reset(x, m);
}

int wx__x_start(wx_engine *e) {
  for (uint32_t i = 0; i < e->m->n_touchpoints; i++) {
    int rc = wx__touch_next(e, i, -INFINITY);
    if (rc != WX_OK) return rc;
  }
  return wx__econ_start(e);
}

int wx__x_event(wx_engine *e, const wx_event *ev) {
  e->st.events++;
  switch (ev->what) {
    case WX_EV_TOUCH: {
      int rc = wx__touch_fire(e, ev->person, ev->t);
      return rc != WX_OK ? rc : wx__touch_next(e, ev->person, ev->t);
    }
    case WX_EV_FISSION:
      return wx__fission_arrival(e, ev->person, ev->t);
    case WX_EV_REC:
      return wx__touch_rec_event(e, ev);
    case WX_EV_REPEAT:
      return wx__econ_repeat(e, ev);
    case WX_EV_ADS:
      return wx__econ_ads(e, ev->person, ev->t);
    case WX_EV_CAMPAIGN:
      return wx__econ_campaign(e, ev->person, ev->t);
    default:
      return WX_EINVAL;
  }
}

int wx__x_enter(wx_engine *e, uint32_t p, uint32_t m) {
  uint32_t a = e->x->aud_of[m];
  return a == WX_NONE ? WX_OK : wx__members_add(&e->x->aud[a], p);
}

void wx__x_leave(wx_engine *e, uint32_t p, uint32_t m) {
  uint32_t a = e->x->aud_of[m];
  if (a != WX_NONE) wx__members_remove(&e->x->aud[a], p);
}

/* Clears the customer flags of a (possibly recycled) slot. */
int wx__x_new_person(wx_engine *e, uint32_t p) {
  wx_xstate *x = e->x;
  if (wx__moments_new_person(x, p) != WX_OK) return WX_ENOMEM;
  if (!x->flag_bytes) return WX_OK;
  if (p >= x->flags_cap) {
    uint64_t cap = x->flags_cap ? x->flags_cap : 1024;
    while (cap <= p) cap += cap / 2;
    uint8_t *f = realloc(x->flags, (size_t)cap * x->flag_bytes);
    if (!f) return WX_ENOMEM;
    x->flags = f;
    x->flags_cap = (uint32_t)cap;
  }
  memset(x->flags + (size_t)p * x->flag_bytes, 0, x->flag_bytes);
  return WX_OK;
}

uint64_t wx__x_bytes(const wx_xstate *x) {
  uint64_t b = (uint64_t)x->flags_cap * x->flag_bytes +
               (uint64_t)x->day_cap * x->n_day * sizeof(int32_t);
  for (uint32_t i = 0; i < x->n_aud; i++)
    b += ((uint64_t)x->aud[i].cap + x->aud[i].pos_cap) * sizeof(uint32_t);
  return b;
}
