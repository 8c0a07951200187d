/*
 * Economic outcomes in the cohort engine (cohort.h, docs/cohort.md): order
 * values, first-time customers, revenue, the purchases and revenue
 * attributed to the module a flow left, and the totals.
 *
 * The step trees count firings per flow exactly, so each step adds n new
 * purchases per flow; their revenue is the sum of n independent order
 * values, drawn in one call where the distribution's sums are known
 * (fixed: n v; exponential and gamma: a gamma of shape n k) and value by
 * value up to SUM_EXACT purchases otherwise.  Beyond that the sum is
 * normal with the exact mean n mu and variance n sigma^2 (Berry-Esseen:
 * its CDF is within 0.4748 rho / (sigma^3 sqrt(n)) of the true one, under
 * 0.015 rho / sigma^3 at n > SUM_EXACT, and far less at the millions a
 * step adds in a large run; the mean is exact).
 *
 * First-time customers are the purchases fired by flows when no person can
 * reach an outcome twice; otherwise the outcome has a per-state "bought"
 * flag and a counter of first purchases (cohort_space.c); repeat purchases
 * are counted apart (their own tree counter).  Gross
 * profit (margins, cost of goods per order) is linear in the values and
 * the purchases, so it is applied to each step's sums.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "cohort.h"
#include "dist.h"
#include "rng.h"
#include "util.h"

#define SUM_EXACT 1024u

double wx__cohort_value_sum(const wx_dist *d, const double *params, gsl_rng *r,
                            uint64_t n) {
  if (!n) return 0;
  double a = params[d->p[0]];
  switch (d->kind) {
    case WX_DIST_FIXED: return (double)n * a;
    case WX_DIST_EXPONENTIAL: return a > 0 ? gsl_ran_gamma(r, (double)n, a) : 0;
    case WX_DIST_GAMMA: {
      double mean = params[d->p[1]];
      return a > 0 && mean > 0 ? gsl_ran_gamma(r, (double)n * a, mean / a) : 0;
    }
    default: break;
  }
  if (n <= SUM_EXACT) {
    double s = 0;
    for (uint64_t k = 0; k < n; k++) s += wx__dist_draw(d, params, r);
    return s;
  }
  double x = (double)n, sd = sqrt(x * wx__cohort_dist_variance(d, params));
  double v = x * wx__dist_mean(d, params) + gsl_ran_gaussian_ziggurat(r, sd);
  return v > 0 ? v : 0;
}

int wx__cecon_alloc(wx_cecon *c, const wx_model *m) {
  *c = (wx_cecon){0};
  c->bit = calloc(m->n_outcomes + 1u, sizeof *c->bit);
  c->seen = calloc(m->n_flows + 1u, sizeof *c->seen);
  c->seen_rep = calloc(m->n_outcomes + 1u, sizeof *c->seen_rep);
  c->rev = calloc(m->n_outcomes + 1u, sizeof *c->rev);
  c->attr =
      calloc(2u * (m->n_modules + m->n_touchpoints) + 1u, sizeof *c->attr);
  c->rng = calloc(m->n_outcomes + 1u, sizeof *c->rng);
  if (!c->bit || !c->seen || !c->seen_rep || !c->rev || !c->attr || !c->rng)
    return WX_ENOMEM;
  for (uint32_t o = 0; o < m->n_outcomes; o++) {
    c->bit[o] = WX_NONE;
    if (!wx__outcome_economic(&m->outcomes[o])) continue;
    c->bit[o] = c->n_econ++;
    if (!(c->rng[o] = wx__rng_alloc())) return WX_ENOMEM;
  }
  return WX_OK;
}

void wx__cecon_free(wx_cecon *c, const wx_model *m) {
  if (c->rng)
    for (uint32_t o = 0; o < m->n_outcomes; o++)
      if (c->rng[o]) gsl_rng_free(c->rng[o]);
  free(c->rng);
  free(c->bit);
  free(c->seen);
  free(c->seen_rep);
  free(c->rev);
  free(c->attr);
  *c = (wx_cecon){0};
}

void wx__cecon_reset(wx_cecon *c, const wx_model *m, uint64_t seed) {
  if (!c->n_econ) return;
  memset(c->seen, 0, m->n_flows * sizeof *c->seen);
  memset(c->seen_rep, 0, m->n_outcomes * sizeof *c->seen_rep);
  memset(c->rev, 0, m->n_outcomes * sizeof *c->rev);
  memset(c->attr, 0, 2u * (m->n_modules + m->n_touchpoints) * sizeof *c->attr);
  c->gross = 0;
  for (uint32_t o = 0; o < m->n_outcomes; o++)
    if (c->rng[o])
      wx__rng_seed_stream(c->rng[o], seed, WX_STREAM_OUTCOME,
                          m->outcomes[o].name);
}

/* Repeat purchases: their values, counted in the outcome's revenue and the
 * totals only (as in agent_econ.c). */
static void update_repeats(wx_cecon *c, const wx_model *m, const wx_cspace *s,
                           const double *params, const uint64_t *ctr) {
  for (uint32_t o = 0; o < m->n_outcomes; o++) {
    if (s->rep_ctr[o] == WX_NONE) continue;
    uint64_t n = ctr[s->rep_ctr[o]] - c->seen_rep[o];
    if (!n) continue;
    c->seen_rep[o] = ctr[s->rep_ctr[o]];
    const wx_outcome *oc = &m->outcomes[o];
    double v = oc->has_value
                   ? wx__cohort_value_sum(&oc->value, params, c->rng[o], n)
                   : 0;
    c->rev[o] += v;
    c->gross += wx__outcome_profit(oc, params, v, (double)n);
  }
}

/* Purchases and revenue of the module flow fl left and of the touchpoint
 * it answered (attr: modules, then touchpoints; agent_econ.c). */
static void attribute(wx_cecon *c, const wx_model *m, const wx_flow *fl,
                      double n, double v) {
  uint32_t at[2] = {fl->from, fl->tp ? m->n_modules + fl->tp - 1 : WX_NONE};
  for (int k = 0; k < 2; k++) {
    if (at[k] == WX_NONE) continue;
    c->attr[2 * at[k]] += n;
    c->attr[2 * at[k] + 1] += v;
  }
}

/* Values for the purchases made since the last call; ctr holds the
 * cumulative counters (cohort.h indices). */
void wx__cecon_update(wx_cecon *c, const wx_model *m, const wx_cspace *s,
                      const double *params, const uint64_t *ctr) {
  if (!c->n_econ) return;
  const uint64_t *fired = ctr + 2 * s->nm;
  update_repeats(c, m, s, params, ctr);
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->target != WX_TARGET_OUTCOME || c->bit[fl->to] == WX_NONE) continue;
    uint64_t n = fired[f] - c->seen[f];
    if (!n) continue;
    c->seen[f] = fired[f];
    const wx_outcome *oc = &m->outcomes[fl->to];
    double v = oc->has_value
                   ? wx__cohort_value_sum(&oc->value, params, c->rng[fl->to], n)
                   : 0;
    c->rev[fl->to] += v;
    c->gross += wx__outcome_profit(oc, params, v, (double)n);
    attribute(c, m, fl, (double)n, v);
  }
}

/* Customers, revenue, attribution and the totals but cost into row. */
void wx__cecon_write(const wx_cecon *c, const wx_model *m, const wx_cspace *s,
                     const wx_layout *l, const uint64_t *ctr, double *row) {
  if (!c->n_econ) return;
  double *total = row + l->total_base;
  const uint64_t *purchases = ctr + 2 * s->nm + s->nf;
  for (uint32_t o = 0; o < m->n_outcomes; o++) {
    uint32_t b = c->bit[o];
    if (b == WX_NONE) continue;
    uint64_t repeats = s->rep_ctr[o] != WX_NONE ? ctr[s->rep_ctr[o]] : 0;
    double customers = s->first_ctr[o] != WX_NONE
                           ? (double)ctr[s->first_ctr[o]]
                           : (double)(purchases[o] - repeats);
    row[l->customers_base + b] = customers;
    row[l->revenue_base + b] = c->rev[o];
    total[WX_T_PURCHASES] += (double)purchases[o];
    total[WX_T_CUSTOMERS] += customers;
    total[WX_T_REVENUE] += c->rev[o];
  }
  uint32_t na = m->n_modules + m->n_touchpoints;
  for (uint32_t i = 0; l->attr_col && i < na; i++) {
    uint32_t col = l->attr_col[i];
    if (col == WX_NONE) continue;
    row[col] = c->attr[2 * i];
    row[col + 1] = c->attr[2 * i + 1];
  }
  /* linear in the values, so exact on their sums */
  uint32_t g = wx__model_has_margin(m)
                   ? wx__layout_find(l, WX_SCOPE_TOTAL, 0, "gross_profit")
                   : WX_NONE;
  if (g != WX_NONE) row[g] = c->gross;
}
