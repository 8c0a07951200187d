#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kpi.h"

const char *wx__kpi_better_name(wx_kpi_better b) {
  switch (b) {
    case WX_BETTER_LOWER: return "lower";
    case WX_BETTER_NEUTRAL: return "neutral";
    case WX_BETTER_HIGHER: break;
  }
  return "higher";
}

/* Higher-better unless the caller says otherwise (d->better). */
static wx_kpi_def *add(wx_kpi_set *k, const char *unit, wx_reduce reduce,
                       uint32_t col) {
  wx_kpi_def *d = &k->defs[k->n++];
  *d = (wx_kpi_def){.reduce = reduce, .col = col, .n_cols = 1, .stride = 1};
  snprintf(d->unit, sizeof d->unit, "%s", unit);
  return d;
}

/* Two KPIs per target: the day it is first reached (NaN when not, so the
 * summary averages over replications that reached it) and whether it was
 * reached (0/1: its mean is the share of replications). */
static void add_target(wx_kpi_set *k, const wx_layout *l,
                       const wx_kpi_target *t) {
  uint32_t col = wx__layout_find(l, t->scope, t->index, t->metric);
  if (col == WX_NONE) return; /* the loader checked; defensive */
  wx_kpi_def *d = add(k, "day", WX_REDUCE_FIRST_AT, col);
  d->threshold = t->value;
  d->better = WX_BETTER_LOWER; /* sooner is better */
  snprintf(d->name, sizeof d->name, "target_day.%s", t->name);
  d = add(k, "share", WX_REDUCE_REACHED, col);
  d->threshold = t->value;
  snprintf(d->name, sizeof d->name, "target_reached.%s", t->name);
}

/* Staff modules: accounts needed for the peak friends at friend_cap,
 * accounts that ever had a friend, refusals (cap + daily limit) and
 * declined requests; group modules: refusals (group full) and, with a
 * complaint cascade, its complaints and the departures they caused. */
static void add_units(wx_kpi_set *k, const wx_model *m, const wx_layout *l,
                      uint32_t i) {
  const wx_module *mod = &m->modules[i];
  uint32_t base = l->unit_col[i];
  if (base == WX_NONE) return;
  wx_kpi_def *d;
  if (mod->units.type == WX_UNITS_GROUPS) {
    d = add(k, "count", WX_REDUCE_LAST, base + WX_G_REFUSED_FULL);
    d->better = WX_BETTER_LOWER;
    snprintf(d->name, sizeof d->name, "refused.%s", mod->name);
    if (mod->units.cx_rate == WX_NONE) return;
    d = add(k, "count", WX_REDUCE_LAST, base + WX_G_COMPLAINTS);
    d->better = WX_BETTER_LOWER;
    snprintf(d->name, sizeof d->name, "complaints.%s", mod->name);
    d = add(k, "people", WX_REDUCE_LAST, base + WX_G_CASCADE_LEAVES);
    d->better = WX_BETTER_LOWER;
    snprintf(d->name, sizeof d->name, "cascade_leaves.%s", mod->name);
    return;
  }
  d = add(k, "accounts", WX_REDUCE_STAFF_NEEDED,
          l->module_base + i * WX_MODULE_METRICS);
  d->col2 = base;
  d->threshold = mod->units.cap;
  d->threshold2 = mod->units.daily_adds;
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "staff_needed.%s", mod->name);
  d = add(k, "accounts", WX_REDUCE_LAST, base + WX_S_ACCOUNTS_USED);
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "accounts_used.%s", mod->name);
  d = add(k, "count", WX_REDUCE_SUM_LAST, base + WX_S_REFUSED_CAP);
  d->n_cols = 2; /* refused_cap, refused_daily */
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "refused.%s", mod->name);
  d = add(k, "count", WX_REDUCE_LAST, base + WX_S_DECLINED);
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "declined.%s", mod->name);
  if (mod->units.ban_rate == WX_NONE && mod->units.ban_per_post == WX_NONE)
    return;
  d = add(k, "count", WX_REDUCE_LAST, base + WX_S_BANS);
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "bans.%s", mod->name);
  d = add(k, "people", WX_REDUCE_LAST, base + WX_S_BAN_LOSSES);
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "ban_losses.%s", mod->name);
}

static void add2(wx_kpi_set *k, const char *name, const char *unit,
                 wx_reduce reduce, uint32_t a, uint32_t b,
                 wx_kpi_better better) {
  wx_kpi_def *d = add(k, unit, reduce, a);
  d->col2 = b;
  d->better = better;
  snprintf(d->name, sizeof d->name, "%s", name);
}

/* The revenue KPIs again on gross profit (outcomes' margins), with the
 * same reductions, so the same ratio intervals. */
static void add_margin(wx_kpi_set *k, const wx_layout *l) {
  uint32_t g = wx__layout_find(l, WX_SCOPE_TOTAL, 0, "gross_profit");
  uint32_t c = l->total_base + WX_T_COST;
  if (g == WX_NONE) return;
  add2(k, "gross_profit", "CNY", WX_REDUCE_LAST, g, 0, WX_BETTER_HIGHER);
  add2(k, "roi_margin", "ratio", WX_REDUCE_GAIN, g, c, WX_BETTER_HIGHER);
  add2(k, "payback_margin_day", "day", WX_REDUCE_FIRST_GE, g, c,
       WX_BETTER_LOWER);
  add2(k, "payback_margin_reached", "share", WX_REDUCE_EVER_GE, g, c,
       WX_BETTER_HIGHER);
}

/* Per fission origin that pays: its referral cost (rewards and
 * commissions), the purchases that earned a commission, and the cost per
 * such purchase (a ratio of means across replications). */
static void add_referral(wx_kpi_set *k, const wx_layout *l, wx_scope sc,
                         uint32_t i, const char *name) {
  uint32_t col = wx__layout_find(l, sc, i, "referral_cost");
  if (col == WX_NONE) return;
  wx_kpi_def *d = add(k, "CNY", WX_REDUCE_LAST, col);
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "referral_cost.%s", name);
  d = add(k, "count", WX_REDUCE_LAST, col + 2);
  snprintf(d->name, sizeof d->name, "referred_buyers.%s", name);
  d = add(k, "CNY", WX_REDUCE_RATIO, col);
  d->col2 = col + 2;
  d->better = WX_BETTER_LOWER;
  snprintf(d->name, sizeof d->name, "cost_per_referral.%s", name);
}

static void add_referrals(wx_kpi_set *k, const wx_model *m,
                          const wx_layout *l) {
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    add_referral(k, l, WX_SCOPE_TOUCHPOINT, i, m->touchpoints[i].name);
  for (uint32_t i = 0; i < m->n_sources; i++)
    add_referral(k, l, WX_SCOPE_SOURCE, i, m->sources[i].name);
}

/* Money and reach, from the total columns (series.h). */
static void add_economics(wx_kpi_set *k, const wx_model *m,
                          const wx_layout *l) {
  if (!wx__model_has_extras(m)) return;
  if (m->n_touchpoints) {
    wx_kpi_def *d =
        add(k, "people", WX_REDUCE_SUM_LAST, l->touch_base + WX_TP_REACHED);
    d->n_cols = m->n_touchpoints;
    d->stride = WX_TP_METRICS;
    snprintf(d->name, sizeof d->name, "reached");
  }
  uint32_t t = l->total_base;
  const wx_kpi_better hi = WX_BETTER_HIGHER, lo = WX_BETTER_LOWER;
  add2(k, "cost", "CNY", WX_REDUCE_LAST, t + WX_T_COST, 0, lo);
  /* Customers, revenue and what derives from them exist only where some
   * outcome has an order value or repeats: without one they would read
   * 0 customers and an ROI of -100% next to outcome counts that are not
   * zero. */
  if (!l->n_economic) return;
  add2(k, "customers", "people", WX_REDUCE_LAST, t + WX_T_CUSTOMERS, 0, hi);
  add2(k, "purchases", "count", WX_REDUCE_LAST, t + WX_T_PURCHASES, 0, hi);
  add2(k, "revenue", "CNY", WX_REDUCE_LAST, t + WX_T_REVENUE, 0, hi);
  add2(k, "cac", "CNY", WX_REDUCE_RATIO, t + WX_T_COST, t + WX_T_CUSTOMERS, lo);
  /* cac is total cost over total customers; a replication without a
   * customer has none, and how often that happens is a KPI of its own */
  add2(k, "no_customer", "share", WX_REDUCE_IS_ZERO, t + WX_T_CUSTOMERS, 0, lo);
  add2(k, "roi", "ratio", WX_REDUCE_GAIN, t + WX_T_REVENUE, t + WX_T_COST, hi);
  add2(k, "payback_day", "day", WX_REDUCE_FIRST_GE, t + WX_T_REVENUE,
       t + WX_T_COST, lo);
  /* payback_day averages the replications that paid back only */
  add2(k, "payback_reached", "share", WX_REDUCE_EVER_GE, t + WX_T_REVENUE,
       t + WX_T_COST, hi);
  add_margin(k, l);
}

/* Live streams: the peak of viewers online at once, the viewers and the
 * live shop's purchases and revenue (and the replay's viewers). */
static void add_live(wx_kpi_set *k, const wx_model *m, const wx_layout *l) {
  static const struct {
    const char *name, *unit;
    int metric;
  } kpis[] = {{"peak_online", "people", WX_LIVE_PEAK},
              {"viewers", "people", WX_LIVE_VIEWERS},
              {"live_purchases", "count", WX_LIVE_PURCHASES},
              {"live_revenue", "CNY", WX_LIVE_REVENUE},
              {"replay_viewers", "people", WX_LIVE_REPLAY_VIEWERS}};
  for (uint32_t i = 0, j = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    if (!tp->live) continue;
    uint32_t base = l->live_base + j++ * WX_LIVE_METRICS;
    for (size_t q = 0; q < sizeof kpis / sizeof *kpis; q++) {
      if (kpis[q].metric == WX_LIVE_REPLAY_VIEWERS && !tp->live->replay)
        continue;
      wx_kpi_def *d =
          add(k, kpis[q].unit, WX_REDUCE_LAST, base + (uint32_t)kpis[q].metric);
      snprintf(d->name, sizeof d->name, "%s.%s", kpis[q].name, tp->name);
    }
  }
}

/* Whether the series counts every person created: a recommend viewer
 * becomes one person whichever of its responses it takes, and the series
 * counts responses (flow "fired"), so with several responses it does not. */
static int people_countable(const wx_model *m) {
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (m->touchpoints[i].views != WX_NONE && m->touchpoints[i].n_rec > 1)
      return 0;
  return 1;
}

/* people_new: every person created, i.e. source arrivals, fission arrivals
 * (touchpoints and campaigns) and recommend viewers who responded, where
 * people_in counts source arrivals only. */
static void add_people_new(wx_kpi_set *k, const wx_model *m,
                           const wx_layout *l) {
  if (!people_countable(m) || (!m->n_sources && !m->n_touchpoints)) return;
  uint32_t n = 0, *c = k->list;
  for (uint32_t i = 0; i < m->n_sources; i++) {
    c[n++] = l->source_base + i;
    uint32_t f = wx__layout_find(l, WX_SCOPE_SOURCE, i, "fission_arrivals");
    if (f != WX_NONE) c[n++] = f;
  }
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    c[n++] = l->touch_base + i * WX_TP_METRICS + WX_TP_FISSION;
    if (tp->views != WX_NONE && tp->n_rec == 1)
      c[n++] = l->flow_base + tp->rec[0];
  }
  for (uint32_t j = 0; j < l->n_live; j++)
    c[n++] = l->live_base + j * WX_LIVE_METRICS + WX_LIVE_NEW_PEOPLE;
  wx_kpi_def *d = add(k, "people", WX_REDUCE_SUM_LIST, 0);
  d->n_cols = n;
  snprintf(d->name, sizeof d->name, "people_new");
}

int wx__kpis_init(wx_kpi_set *k, const wx_model *m, const wx_layout *l) {
  uint32_t cap = 1 + 8 * m->n_modules + m->n_outcomes + 2 * m->n_targets + 15 +
                 3 * (m->n_touchpoints + m->n_sources) + 5 * m->n_touchpoints;
  *k = (wx_kpi_set){0};
  k->defs = calloc(cap, sizeof *k->defs);
  k->list = malloc((2 * (size_t)m->n_sources + 3 * m->n_touchpoints + 1) *
                   sizeof *k->list);
  if (!k->defs || !k->list) {
    wx__kpis_free(k);
    return WX_ENOMEM;
  }
  if (m->n_sources) {
    wx_kpi_def *d = add(k, "people", WX_REDUCE_SUM_LAST, l->source_base);
    d->n_cols = m->n_sources;
    d->better = WX_BETTER_NEUTRAL; /* an input of the scenario */
    snprintf(d->name, sizeof d->name, "people_in");
  }
  for (uint32_t i = 0; i < m->n_modules; i++) {
    uint32_t col = l->module_base + i * WX_MODULE_METRICS + WX_M_MEMBERS;
    wx_kpi_def *d = add(k, "people", WX_REDUCE_LAST, col);
    snprintf(d->name, sizeof d->name, "members_end.%s", m->modules[i].name);
    d = add(k, "people", WX_REDUCE_MAX, col);
    snprintf(d->name, sizeof d->name, "members_peak.%s", m->modules[i].name);
  }
  for (uint32_t i = 0; i < m->n_modules; i++) add_units(k, m, l, i);
  for (uint32_t i = 0; i < m->n_outcomes; i++) {
    wx_kpi_def *d = add(k, "count", WX_REDUCE_LAST, l->outcome_base + i);
    snprintf(d->name, sizeof d->name, "outcome.%s", m->outcomes[i].name);
  }
  for (uint32_t i = 0; i < m->n_targets; i++) add_target(k, l, &m->targets[i]);
  add_economics(k, m, l);
  add_referrals(k, m, l);
  add_live(k, m, l);
  add_people_new(k, m, l);
  return WX_OK;
}

int wx__kpi_is_share(const wx_kpi_def *d) {
  return d->reduce == WX_REDUCE_REACHED || d->reduce == WX_REDUCE_IS_ZERO ||
         d->reduce == WX_REDUCE_EVER_GE;
}

static uint32_t last_of(const wx_kpi_set *k, uint32_t col) {
  for (uint32_t i = 0; i < k->n; i++)
    if (k->defs[i].reduce == WX_REDUCE_LAST && k->defs[i].col == col) return i;
  return WX_NONE;
}

int wx__kpi_ratio_parts(const wx_kpi_set *k, uint32_t i, uint32_t *num,
                        uint32_t *den, double *shift) {
  wx_reduce r = k->defs[i].reduce;
  if (r != WX_REDUCE_RATIO && r != WX_REDUCE_GAIN) return 0;
  *shift = r == WX_REDUCE_GAIN ? -1 : 0;
  *num = last_of(k, k->defs[i].col);
  *den = last_of(k, k->defs[i].col2);
  return *num != WX_NONE && *den != WX_NONE;
}

void wx__kpis_free(wx_kpi_set *k) {
  free(k->defs);
  free(k->list);
  *k = (wx_kpi_set){0};
}

static double first_ge(const wx_kpi_def *d, const wx_layout *l,
                       const wx_series *s) {
  for (uint32_t t = 0; t < s->n_samples; t++) {
    const double *row = s->v + (size_t)t * s->n_cols;
    if (row[d->col2] > 0 && row[d->col] >= row[d->col2]) return l->times[t];
  }
  return NAN;
}

/* Staff accounts for the demand: people who asked (friends, plus those
 * refused whose request is not being retried, counted as if they had
 * stayed: an upper bound) over the friend cap at their peak, and the
 * requests of a calendar day (first attempts: joins + refusals - retries;
 * a sample at t holds the events up to t) over the daily add limit at the
 * busiest day.  Samples coarser than a day give that day's mean. */
static double demand(const double *row, const wx_kpi_def *d, int daily) {
  const double *u = row + d->col2;
  double asked = u[WX_S_REFUSED_CAP] + u[WX_S_REFUSED_DAILY] - u[WX_S_RETRIES];
  return asked + row[d->col + (daily ? WX_M_JOINS : WX_M_MEMBERS)];
}

static double busiest_day(const wx_kpi_def *d, const wx_layout *l,
                          const wx_series *s) {
  double most = 0, t0 = 0, v0 = 0; /* nothing was asked before t = 0 */
  for (uint32_t i = 0, j = 0; i < s->n_samples; i++) {
    if (i > 0) {
      t0 = l->times[i];
      if (fabs(t0 - round(t0)) > 1e-9) continue; /* days start at midnight */
      v0 = demand(s->v + (size_t)i * s->n_cols, d, 1);
    }
    if (j <= i) j = i + 1;
    while (j + 1 < s->n_samples && l->times[j] < t0 + 1 - 1e-9) j++;
    if (j >= s->n_samples) break;
    double v1 = demand(s->v + (size_t)j * s->n_cols, d, 1);
    most = fmax(most, (v1 - v0) / fmax(1, l->times[j] - t0));
  }
  return most;
}

static double staff_needed(const wx_kpi_def *d, const wx_layout *l,
                           const wx_series *s) {
  if (!(d->threshold > 0)) return NAN;
  double peak = 0;
  for (uint32_t t = 0; t < s->n_samples; t++)
    peak = fmax(peak, demand(s->v + (size_t)t * s->n_cols, d, 0));
  double n = ceil(peak / d->threshold - 1e-9);
  if (d->threshold2 > 0 && isfinite(d->threshold2))
    n = fmax(n, ceil(busiest_day(d, l, s) / d->threshold2 - 1e-9));
  return n;
}

static double reduce(const wx_kpi_set *k, const wx_kpi_def *d,
                     const wx_layout *l, const wx_series *s) {
  const double *last = s->v + (size_t)(s->n_samples - 1) * s->n_cols;
  double acc = 0.0;
  switch (d->reduce) {
    case WX_REDUCE_LAST: return last[d->col];
    case WX_REDUCE_SUM_LAST:
      for (uint32_t j = 0; j < d->n_cols; j++)
        acc += last[d->col + j * d->stride];
      return acc;
    case WX_REDUCE_MAX:
      acc = -INFINITY;
      for (uint32_t t = 0; t < s->n_samples; t++)
        acc = fmax(acc, s->v[(size_t)t * s->n_cols + d->col]);
      return acc;
    case WX_REDUCE_STAFF_NEEDED: return staff_needed(d, l, s);
    case WX_REDUCE_REACHED:
      for (uint32_t t = 0; t < s->n_samples; t++)
        if (s->v[(size_t)t * s->n_cols + d->col] >= d->threshold) return 1.0;
      return 0.0;
    case WX_REDUCE_FIRST_AT:
      for (uint32_t t = 0; t < s->n_samples; t++)
        if (s->v[(size_t)t * s->n_cols + d->col] >= d->threshold)
          return l->times[t];
      return NAN;
    case WX_REDUCE_RATIO:
      return last[d->col2] != 0 ? last[d->col] / last[d->col2] : NAN;
    case WX_REDUCE_GAIN:
      return last[d->col2] != 0 ? (last[d->col] - last[d->col2]) / last[d->col2]
                                : NAN;
    case WX_REDUCE_FIRST_GE: return first_ge(d, l, s);
    case WX_REDUCE_IS_ZERO: return last[d->col] == 0 ? 1.0 : 0.0;
    case WX_REDUCE_EVER_GE: return isnan(first_ge(d, l, s)) ? 0.0 : 1.0;
    case WX_REDUCE_SUM_LIST:
      for (uint32_t j = 0; j < d->n_cols; j++) acc += last[k->list[d->col + j]];
      return acc;
  }
  return NAN;
}

void wx__kpis_eval(const wx_kpi_set *k, const wx_layout *l, const wx_series *s,
                   double *out) {
  for (uint32_t i = 0; i < k->n; i++) out[i] = reduce(k, &k->defs[i], l, s);
}
