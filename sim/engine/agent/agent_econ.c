/*
 * Money and the sources that cost it: paid Moments ads (Poisson arrivals at
 * budget / cpm x 1000 x ctr x convert per day in [from, until), or a
 * saturating curve of the budget (ads_curve.c), cost
 * accruing at `budget` per day, written at each sample), one-off
 * campaigns (count people at `at`, each reached for fission; one-off
 * cost), order values, first-time customers and repeat purchases (after
 * each purchase another with p, after its delay: geometric, not cancelled
 * by leaving modules).
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "agent_mechanics.h"
#include "dist.h"

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

int wx__econ_start(wx_engine *e) {
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

int wx__econ_ads(wx_engine *e, uint32_t s, double t) {
  int rc = wx__agent_arrive(e, s, t);
  return rc != WX_OK ? rc : ads_next(e, s, t);
}

void wx__econ_add_cost(wx_engine *e, uint32_t col, double c) {
  e->cur[col] += c;
  e->x->cost_discrete += c;
  e->cur[e->l->total_base + WX_T_COST] += c;
}

int wx__econ_campaign(wx_engine *e, uint32_t s, double t) {
  const wx_source *src = &e->m->sources[s];
  uint32_t origin = e->m->n_touchpoints + s;
  e->x->first[origin] = t;
  if (src->cost != WX_NONE)
    wx__econ_add_cost(e, e->x->src_cost[s], e->params[src->cost]);
  double n = floor(e->params[src->count] + 0.5);
  for (double k = 0; k < n; k++) {
    if (wx__agent_stopping(e, (uint64_t)k)) return WX_EINTERRUPTED;
    int rc = wx__agent_arrive(e, s, t);
    if (rc == WX_OK && src->fission.on &&
        gsl_rng_uniform(e->rng[s]) < e->params[src->fission.share])
      rc = wx__fission_share(e, origin, t);
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

int wx__x_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                  uint32_t flow) {
  const wx_outcome *oc = &e->m->outcomes[o];
  wx_xstate *x = e->x;
  uint32_t bit = x->econ_bit[o];
  if (bit == WX_NONE) return WX_OK;
  double *total = &e->cur[e->l->total_base];
  uint8_t *flags = x->flags + (size_t)p * x->flag_bytes + bit / 8;
  total[WX_T_PURCHASES] += 1;
  if (!(*flags & (1u << (bit % 8)))) {
    *flags |= (uint8_t)(1u << (bit % 8));
    e->cur[e->l->customers_base + bit] += 1;
    total[WX_T_CUSTOMERS] += 1;
  }
  gsl_rng *r = x->oc_rng[o];
  double v = oc->has_value ? wx__dist_draw(&oc->value, e->params, r) : 0;
  e->cur[e->l->revenue_base + bit] += v;
  total[WX_T_REVENUE] += v;
  attribute(e, flow, v);
  if (e->jr) wx__journey_buy(e->jr, p, o, flow, t, v);
  if (!oc->has_repeat || !(gsl_rng_uniform(r) < e->params[oc->repeat_p]))
    return WX_OK;
  double at = t + wx__dist_draw(&oc->repeat_delay, e->params, r);
  return wx__agent_schedule(e, at, p, WX_EV_REPEAT, (uint16_t)o);
}

int wx__econ_repeat(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person, o = ev->epoch;
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  e->cur[e->l->outcome_base + o] += 1;
  int rc = wx__x_outcome(e, p, o, ev->t, WX_NONE);
  wx__agent_settle(e, p, 0);
  return rc;
}

/* Staff accounts and groups cost per month; wx__units_levels has written
 * their cost columns for this sample already. */
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
void wx__x_before_sample(wx_engine *e, double t) {
  const wx_model *m = e->m;
  double total = e->x->cost_discrete + units_cost(e);
  for (uint32_t s = 0; s < m->n_sources; s++) {
    const wx_source *src = &m->sources[s];
    if (src->kind != WX_SOURCE_ADS) continue;
    double end = t < src->until ? t : src->until;
    double c = end > src->from ? e->params[src->budget] * (end - src->from) : 0;
    e->cur[e->x->src_cost[s]] = c;
    total += c;
  }
  e->cur[e->l->total_base + WX_T_COST] = total;
}
