/*
 * What fission campaigns pay (model.h wx_referral_pay), the money
 * mechanic's part (agent_econ.c calls it):
 *   rewards      per_share x shares + per_invite x fission arrivals of the
 *                origin, so far: booked as they are earned, written at
 *                each sample from the origin's counters (agent_fission.c);
 *   commissions  at each purchase by a person the origin brought
 *                (wx__fission_referrer): fixed + of_value x the order
 *                value, at most max; of `outcome` only when it is set, and
 *                only a first purchase of it with first_only; a buyer
 *                whose sharer the origin brought adds the second level.
 * Columns per paying origin (series.c): referral_cost (rewards and
 * commissions), commissions, referred_buyers (purchases that earned one)
 * and second_buyers (those that earned a second level too).
 */
#include <math.h>
#include <stdlib.h>

#include "agent_mechanics.h"

static wx_econ_state *state(const wx_engine *e) {
  return e->mech[WX_MECH_ECON];
}

static uint32_t n_origins(const wx_model *m) {
  return m->n_touchpoints + m->n_sources;
}

int wx__pay_alloc(wx_engine *e, wx_econ_state *x) {
  const wx_model *m = e->m;
  x->gross_col = wx__layout_find(e->l, WX_SCOPE_TOTAL, 0, "gross_profit");
  x->pay_col = malloc((n_origins(m) + 1) * sizeof *x->pay_col);
  if (!x->pay_col) return WX_ENOMEM;
  for (uint32_t i = 0; i < n_origins(m); i++) {
    int tp = i < m->n_touchpoints;
    x->pay_col[i] =
        wx__layout_find(e->l, tp ? WX_SCOPE_TOUCHPOINT : WX_SCOPE_SOURCE,
                        tp ? i : i - m->n_touchpoints, "referral_cost");
  }
  return WX_OK;
}

static double amount(const wx_engine *e, uint32_t p, double none) {
  return p != WX_NONE ? e->params[p] : none;
}

/* One level's commission of a purchase worth `value`, at most max. */
static double level(const wx_engine *e, uint32_t fixed, uint32_t of_value,
                    uint32_t max, double value) {
  double c = amount(e, fixed, 0) + amount(e, of_value, 0) * value;
  return fmin(c, amount(e, max, INFINITY));
}

void wx__pay_outcome(wx_engine *e, uint32_t p, uint32_t o, double value,
                     int first) {
  int second;
  uint32_t origin = wx__fission_referrer(e, p, &second);
  if (origin == WX_NONE) return;
  const wx_referral_pay *pay = &wx__fission_of(e, origin)->pay;
  uint32_t col = state(e)->pay_col[origin];
  if (col == WX_NONE || (pay->fixed == WX_NONE && pay->of_value == WX_NONE))
    return;
  if ((pay->outcome != WX_NONE && pay->outcome != o) ||
      (pay->first_only && !first))
    return;
  double c = level(e, pay->fixed, pay->of_value, pay->max, value);
  e->cur[col + 2] += 1;
  if (second &&
      (pay->second_fixed != WX_NONE || pay->second_of_value != WX_NONE)) {
    c += level(e, pay->second_fixed, pay->second_of_value, pay->max, value);
    e->cur[col + 3] += 1;
  }
  wx__econ_add_cost(e, col + 1, c);
}

/* The rewards of every paying origin so far, written into its
 * referral_cost column; returns their sum for the total cost. */
double wx__pay_sample(wx_engine *e) {
  const wx_econ_state *x = state(e);
  double total = 0;
  for (uint32_t i = 0; i < n_origins(e->m); i++) {
    uint32_t col = x->pay_col[i];
    if (col == WX_NONE) continue;
    const wx_referral_pay *pay = &wx__fission_of(e, i)->pay;
    double r = amount(e, pay->per_share, 0) * e->cur[wx__fission_col(e, i, 1)] +
               amount(e, pay->per_invite, 0) * e->cur[wx__fission_col(e, i, 0)];
    e->cur[col] = r + e->cur[col + 1];
    total += r;
  }
  return total;
}
