/*
 * Money and the sources that cost it: paid Moments ads (Poisson arrivals at
 * budget / cpm x 1000 x ctr x convert per day in [from, until), or a
 * saturating curve of the budget (ads_curve.c), cost
 * accruing at `budget` per day, written at each sample), one-off
 * campaigns (count people at `at`, each reached for fission; one-off
 * cost), order values, first-time customers and repeat purchases (after
 * each purchase another with p, after its delay: geometric, not cancelled
 * by leaving modules); gross profit and what fission campaigns pay:
 * agent_pay.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "dist.h"
#include "rng.h"

static wx_econ_state *state(const wx_engine *e) {
  return e->mech[WX_MECH_ECON];
}

/* The next ads arrival after t (memoryless, so restarting at `from` is
 * exact). */
static int ads_next(wx_engine *e, uint32_t s, double t) {
  const wx_source *src = &e->m->sources[s];
  double rate = wx__ads_rate(src, e->params);
  if (!(rate > 0)) return WX_OK;
  double at = (t > src->from ? t : src->from) +
              gsl_ran_exponential(e->rng[s], 1 / rate);
  if (!(at < src->until) || !(at <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, at, s, WX_EV_ADS, 0);
}

static int econ_start(wx_engine *e) {
  const wx_model *m = e->m;
  for (uint32_t s = 0; s < m->n_sources; s++) {
    const wx_source *src = &m->sources[s];
    int rc = WX_OK;
    if (src->kind == WX_SOURCE_ADS) rc = ads_next(e, s, 0);
    if (src->kind == WX_SOURCE_CAMPAIGN && src->at <= e->horizon)
      rc = wx__queue_push(&e->q, src->at, s, WX_EV_CAMPAIGN, 0);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

static int econ_ads(wx_engine *e, uint32_t s, double t) {
  int rc = wx__agent_arrive(e, s, t);
  return rc != WX_OK ? rc : ads_next(e, s, t);
}

void wx__econ_add_cost(wx_engine *e, uint32_t col, double c) {
  e->cur[col] += c;
  state(e)->cost_discrete += c;
  e->cur[e->l->total_base + WX_T_COST] += c;
}

static int econ_campaign(wx_engine *e, uint32_t s, double t) {
  const wx_source *src = &e->m->sources[s];
  uint32_t origin = e->m->n_touchpoints + s;
  wx__fission_fired(e, origin, t);
  if (src->cost != WX_NONE)
    wx__econ_add_cost(e, state(e)->src_cost[s], e->params[src->cost]);
  double n = floor(e->params[src->count] + 0.5);
  for (double k = 0; k < n; k++) {
    if (wx__agent_stopping(e, (uint64_t)k)) return WX_EINTERRUPTED;
    int rc = wx__agent_arrive(e, s, t);
    if (rc == WX_OK && src->fission.on &&
        gsl_rng_uniform(e->rng[s]) < e->params[src->fission.share])
      rc = wx__fission_share(e, origin, t, WX_NONE);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* Purchases and revenue of the module the flow left and the touchpoint it
 * answered, where the layout has columns for them. */
static void attribute(wx_engine *e, uint32_t flow, double value) {
  if (flow == WX_NONE) return;
  const wx_flow *fl = &e->m->flows[flow];
  const uint32_t *attr = e->l->attr_col;
  uint32_t cols[2] = {fl->from != WX_NONE ? attr[fl->from] : WX_NONE,
                      fl->tp ? attr[e->m->n_modules + fl->tp - 1] : WX_NONE};
  for (int k = 0; k < 2; k++) {
    if (cols[k] == WX_NONE) continue;
    e->cur[cols[k]] += 1;
    e->cur[cols[k] + 1] += value;
  }
}

/* The on_outcome hook: customers, revenue, a repeat purchase. */
static int econ_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                        uint32_t flow) {
  const wx_outcome *oc = &e->m->outcomes[o];
  wx_econ_state *x = state(e);
  uint32_t bit = x->econ_bit[o];
  if (bit == WX_NONE) return WX_OK;
  double *total = &e->cur[e->l->total_base];
  uint8_t *flags = x->flags + (size_t)p * x->flag_bytes + bit / 8;
  int first = !(*flags & (1u << (bit % 8)));
  total[WX_T_PURCHASES] += 1;
  if (first) {
    *flags |= (uint8_t)(1u << (bit % 8));
    e->cur[e->l->customers_base + bit] += 1;
    total[WX_T_CUSTOMERS] += 1;
  }
  gsl_rng *r = x->oc_rng[o];
  double v = oc->has_value ? wx__dist_draw(&oc->value, e->params, r) : 0;
  e->cur[e->l->revenue_base + bit] += v;
  total[WX_T_REVENUE] += v;
  if (x->gross_col != WX_NONE)
    e->cur[x->gross_col] += wx__outcome_profit(oc, e->params, v, 1);
  wx__pay_outcome(e, p, o, v, first);
  attribute(e, flow, v);
  if (e->jr) wx__journey_buy(e->jr, p, o, flow, t, v);
  if (!oc->has_repeat || !(gsl_rng_uniform(r) < e->params[oc->repeat_p]))
    return WX_OK;
  double at = t + wx__dist_draw(&oc->repeat_delay, e->params, r);
  return wx__agent_schedule(e, at, p, WX_EV_REPEAT, (uint16_t)o);
}

static int econ_repeat(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person, o = ev->epoch;
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  int rc = wx__agent_outcome(e, p, o, ev->t, WX_NONE);
  wx__agent_settle(e, p, 0);
  return rc;
}

/* Staff accounts and groups cost per month; their mechanic's on_sample,
 * earlier in the table, has written their cost columns already. */
static double units_cost(const wx_engine *e) {
  const wx_model *m = e->m;
  double total = 0;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    uint32_t base = e->l->unit_col[i];
    if (base == WX_NONE) continue;
    int groups = m->modules[i].units.type == WX_UNITS_GROUPS;
    total += e->cur[base + (groups ? WX_G_COST : WX_S_COST)];
  }
  return total;
}

/* Ads cost accrues continuously: written as budget x active days so far.
 * The total adds posts, campaigns, staff accounts and groups. */
static void econ_sample(wx_engine *e, double t) {
  const wx_model *m = e->m;
  double total = state(e)->cost_discrete + units_cost(e) + wx__pay_sample(e);
  for (uint32_t s = 0; s < m->n_sources; s++) {
    const wx_source *src = &m->sources[s];
    if (src->kind != WX_SOURCE_ADS) continue;
    double end = t < src->until ? t : src->until;
    double c = end > src->from ? e->params[src->budget] * (end - src->from) : 0;
    e->cur[state(e)->src_cost[s]] = c;
    total += c;
  }
  e->cur[e->l->total_base + WX_T_COST] = total;
}

/* ------------------------------------------------- the mechanic's frame */

static int econ_event(wx_engine *e, const wx_event *ev) {
  if (ev->what == WX_EV_REPEAT) return econ_repeat(e, ev);
  if (ev->what == WX_EV_ADS) return econ_ads(e, ev->person, ev->t);
  return econ_campaign(e, ev->person, ev->t);
}

/* Clears the customer flags of a (possibly recycled) slot. */
static int econ_person(wx_engine *e, uint32_t p) {
  wx_econ_state *x = state(e);
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

static void econ_free(void *state) {
  wx_econ_state *x = state;
  if (!x) return;
  for (uint32_t i = 0; x->oc_rng && i < x->n_oc_rng; i++)
    if (x->oc_rng[i]) gsl_rng_free(x->oc_rng[i]);
  free(x->oc_rng);
  free(x->econ_bit);
  free(x->flags);
  free(x->src_cost);
  free(x->pay_col);
  free(x);
}

static int econ_alloc(wx_engine *e, void **out) {
  const wx_model *m = e->m;
  wx_econ_state *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  *out = x;
  x->oc_rng = calloc(m->n_outcomes + 1, sizeof *x->oc_rng);
  x->src_cost = malloc((m->n_sources + 1) * sizeof *x->src_cost);
  x->econ_bit = malloc((m->n_outcomes + 1) * sizeof *x->econ_bit);
  if (!x->oc_rng || !x->src_cost || !x->econ_bit) return WX_ENOMEM;
  for (; x->n_oc_rng < m->n_outcomes; x->n_oc_rng++)
    if (!(x->oc_rng[x->n_oc_rng] = wx__rng_alloc())) return WX_ENOMEM;
  for (uint32_t s = 0; s < m->n_sources; s++)
    x->src_cost[s] = wx__layout_find(e->l, WX_SCOPE_SOURCE, s, "cost");
  uint32_t bits = 0;
  for (uint32_t o = 0; o < m->n_outcomes; o++)
    x->econ_bit[o] = wx__outcome_economic(&m->outcomes[o]) ? bits++ : WX_NONE;
  x->flag_bytes = (bits + 7) / 8;
  return wx__pay_alloc(e, x);
}

static int econ_reset(wx_engine *e, uint64_t seed) {
  wx_econ_state *x = state(e);
  for (uint32_t i = 0; i < x->n_oc_rng; i++)
    wx__rng_seed_stream(x->oc_rng[i], seed, WX_STREAM_OUTCOME,
                        e->m->outcomes[i].name);
  x->cost_discrete = 0;
  return WX_OK;
}

static uint64_t econ_bytes(const wx_engine *e) {
  const wx_econ_state *x = state(e);
  return (uint64_t)x->flags_cap * x->flag_bytes;
}

/* Every model with costs, revenue or paid sources: the layout then has
 * the total columns this mechanic keeps. */
static int applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  return wx__model_has_extras(m);
}

const wx_agent_mechanic wx__mech_econ = {
    .name = "money",
    .applies = applies,
    .alloc = econ_alloc,
    .free = econ_free,
    .reset = econ_reset,
    .start = econ_start,
    .on_person = econ_person,
    .on_outcome = econ_outcome,
    .on_sample = econ_sample,
    .on_event = econ_event,
    .events = {WX_EV_REPEAT, WX_EV_ADS, WX_EV_CAMPAIGN},
    .bytes = econ_bytes,
};
