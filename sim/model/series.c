#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"

static const char *scope_names[WX_SCOPE_COUNT] = {
    "module", "flow", "outcome", "source", "touchpoint", "total"};
static const char *tp_metrics[WX_TP_METRICS] = {"posts",
                                                "reached",
                                                "unfollows",
                                                "shares",
                                                "fission_arrivals",
                                                "views",
                                                "cost",
                                                "selected",
                                                "refused_posts",
                                                "refused_recipients_limit",
                                                "refused_daily_once"};
static const char *total_metrics[WX_TOTAL_METRICS] = {"cost", "revenue",
                                                      "purchases", "customers"};
static const char *module_metrics[WX_MODULE_METRICS] = {"members", "joins",
                                                        "leaves"};

const char *const wx__staff_metrics[WX_STAFF_METRICS] = {
    "accounts_active", "friends_max",   "accounts_used", "declined",
    "refused_cap",     "refused_daily", "retries",       "bans",
    "ban_losses",      "cost"};
const char *const wx__group_metrics[WX_GROUP_CASCADE_END] = {
    "groups_open",   "groups_full", "refused_full", "retries",
    "dissolved",     "nf_events",   "nf_leaves",    "welcome_kept",
    "activity_mean", "cost",        "complaints",   "complaint_roots",
    "cascade_leaves"};

const char *const wx__live_metrics[WX_LIVE_METRICS] = {
    "online",         "peak_online", "viewers",        "live_purchases",
    "live_revenue",   "follows",     "replay_viewers", "replay_purchases",
    "replay_revenue", "new_people"};

static uint32_t unit_metrics(const wx_module *mod) {
  switch (mod->units.type) {
    case WX_UNITS_STAFF: return WX_STAFF_METRICS;
    case WX_UNITS_GROUPS:
      return mod->units.cx_rate != WX_NONE ? WX_GROUP_CASCADE_END
                                           : WX_GROUP_METRICS;
    default: return 0;
  }
}

/* Appends the units columns of every module that has units. */
static void add_unit_cols(wx_layout *l, const wx_model *m);

const char *wx__scope_name(wx_scope s) {
  return (unsigned)s < WX_SCOPE_COUNT ? scope_names[s] : "?";
}

const char *wx__column_entity(const wx_model *m, const wx_column *c) {
  switch (c->scope) {
    case WX_SCOPE_MODULE: return m->modules[c->index].name;
    case WX_SCOPE_FLOW: return m->flows[c->index].name;
    case WX_SCOPE_OUTCOME: return m->outcomes[c->index].name;
    case WX_SCOPE_SOURCE: return m->sources[c->index].name;
    case WX_SCOPE_TOUCHPOINT: return m->touchpoints[c->index].name;
    case WX_SCOPE_TOTAL: return "all";
    default: return "?";
  }
}

/* k * dt carries the binary error of dt (0.1 d is not a double), so 9 *
 * 0.1 is 0.8999999999999999; planners read these times in series.csv.
 * Rounding to 12 significant digits gives the double nearest the decimal
 * time meant (0.9), and moves a time by far less than any event-time
 * resolution that matters (1e-12 relative).  The rounded grid is the one
 * the engine samples at and resume re-reads, so it stays consistent. */
static double round12(double x) {
  char b[32];
  snprintf(b, sizeof b, "%.12g", x);
  return strtod(b, NULL);
}

/* The grid is 0, dt, 2 dt, ... up to the horizon, with the horizon itself
 * added when it is not a multiple of dt.  Times are computed as k * dt, not
 * by summing, so errors do not accumulate. */
static double grid_steps(double horizon, double dt) {
  return floor(horizon / dt + 1e-9);
}

static int grid_extra(double horizon, double dt) {
  return fabs(grid_steps(horizon, dt) * dt - horizon) > 1e-9 * horizon;
}

static double run_dt(const wx_model *m, double horizon) {
  return m->sample_dt < horizon ? m->sample_dt : horizon;
}

double wx__layout_samples(const wx_model *m, double horizon) {
  double h = horizon > 0 ? horizon : m->horizon, dt = run_dt(m, h);
  return grid_steps(h, dt) + 1 + grid_extra(h, dt);
}

int wx__layout_times(wx_layout *l) {
  double h = l->horizon, dt = l->sample_dt, steps = grid_steps(h, dt);
  if (!(steps < (double)UINT32_MAX - 2)) return WX_ETOOBIG; /* see loader */
  uint32_t n = (uint32_t)steps + 1;
  int extra = grid_extra(h, dt);
  l->n_samples = n + (uint32_t)extra;
  l->times = malloc((size_t)l->n_samples * sizeof *l->times);
  if (!l->times) return WX_ENOMEM;
  for (uint32_t k = 0; k < n; k++) l->times[k] = round12(k * dt);
  if (extra) l->times[n] = h;
  return WX_OK;
}

static void add(wx_layout *l, wx_scope scope, uint32_t index,
                const char *metric) {
  wx_column *c = &l->cols[l->n_cols++];
  c->scope = scope;
  c->index = index;
  c->metric = metric;
}

/* Columns of the touchpoint and economics mechanics, after the core ones:
 * none at all for a model without them. */
/* Which modules and touchpoints lead straight into an economic outcome. */
static void add_attribution(wx_layout *l, const wx_model *m) {
  uint32_t nm = m->n_modules;
  for (uint32_t i = 0; i < nm + m->n_touchpoints; i++) l->attr_col[i] = WX_NONE;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->target != WX_TARGET_OUTCOME ||
        !wx__outcome_economic(&m->outcomes[fl->to]))
      continue;
    if (fl->from != WX_NONE) l->attr_col[fl->from] = 1; /* mark */
    if (fl->tp) l->attr_col[nm + fl->tp - 1] = 1;
  }
  for (uint32_t i = 0; i < nm + m->n_touchpoints; i++) {
    if (l->attr_col[i] == WX_NONE) continue;
    wx_scope sc = i < nm ? WX_SCOPE_MODULE : WX_SCOPE_TOUCHPOINT;
    uint32_t idx = i < nm ? i : i - nm;
    l->attr_col[i] = l->n_cols;
    add(l, sc, idx, "purchases");
    add(l, sc, idx, "revenue");
  }
}

/* What fission campaigns pay, per paying origin (touchpoints, then
 * campaign sources): rewards and commissions together, commissions alone,
 * the purchases that earned one, and those that earned a second level. */
static void add_referral(wx_layout *l, const wx_model *m) {
  static const char *const metrics[] = {"referral_cost", "commissions",
                                        "referred_buyers", "second_buyers"};
  for (uint32_t i = 0; i < m->n_touchpoints + m->n_sources; i++) {
    int tp = i < m->n_touchpoints;
    uint32_t k = tp ? i : i - m->n_touchpoints;
    const wx_fission *f =
        tp ? &m->touchpoints[k].fission : &m->sources[k].fission;
    if (!f->on || !f->pay.on) continue;
    for (int j = 0; j < 4; j++)
      add(l, tp ? WX_SCOPE_TOUCHPOINT : WX_SCOPE_SOURCE, k, metrics[j]);
  }
}

static void add_extras(wx_layout *l, const wx_model *m) {
  l->touch_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    for (int k = 0; k < WX_TP_METRICS; k++)
      add(l, WX_SCOPE_TOUCHPOINT, i, tp_metrics[k]);
  for (uint32_t i = 0; i < m->n_sources; i++) {
    const wx_source *s = &m->sources[i];
    if (s->kind < WX_SOURCE_ADS) continue;
    add(l, WX_SCOPE_SOURCE, i, "cost");
    if (s->kind != WX_SOURCE_CAMPAIGN || !s->fission.on) continue;
    add(l, WX_SCOPE_SOURCE, i, "shares");
    add(l, WX_SCOPE_SOURCE, i, "fission_arrivals");
  }
  l->customers_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    if (wx__outcome_economic(&m->outcomes[i]))
      add(l, WX_SCOPE_OUTCOME, i, "customers");
  l->n_economic = l->n_cols - l->customers_base;
  l->revenue_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    if (wx__outcome_economic(&m->outcomes[i]))
      add(l, WX_SCOPE_OUTCOME, i, "revenue");
  add_attribution(l, m);
  add_referral(l, m);
  l->total_base = l->n_cols;
  if (!wx__model_has_extras(m)) return;
  for (int k = 0; k < WX_TOTAL_METRICS; k++)
    add(l, WX_SCOPE_TOTAL, 0, total_metrics[k]);
  if (wx__model_has_margin(m)) add(l, WX_SCOPE_TOTAL, 0, "gross_profit");
  l->live_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    if (!m->touchpoints[i].live) continue;
    l->n_live++;
    for (int k = 0; k < WX_LIVE_METRICS; k++)
      add(l, WX_SCOPE_TOUCHPOINT, i, wx__live_metrics[k]);
  }
}

int wx__layout_shape(wx_layout *l, const wx_model *m, double horizon) {
  *l = (wx_layout){0};
  if (!(horizon >= 0) || !isfinite(horizon)) return WX_EINVAL;
  l->horizon = horizon > 0 ? horizon : m->horizon;
  l->sample_dt = run_dt(m, l->horizon);
  size_t n = (size_t)m->n_modules * WX_MODULE_METRICS + m->n_flows +
             m->n_outcomes + m->n_sources +
             (size_t)m->n_touchpoints * (WX_TP_METRICS + WX_LIVE_METRICS) +
             3 * m->n_sources + 2 * m->n_outcomes + WX_TOTAL_METRICS + 1 +
             4 * ((size_t)m->n_touchpoints + m->n_sources) +
             2 * ((size_t)m->n_modules + m->n_touchpoints);
  for (uint32_t i = 0; i < m->n_modules; i++) n += unit_metrics(&m->modules[i]);
  l->cols = malloc((n ? n : 1) * sizeof *l->cols);
  l->unit_col = malloc((m->n_modules + 1) * sizeof *l->unit_col);
  l->attr_col = malloc(((size_t)m->n_modules + m->n_touchpoints + 1) *
                       sizeof *l->attr_col);
  double samples = wx__layout_samples(m, l->horizon);
  int rc = !l->cols || !l->unit_col || !l->attr_col ? WX_ENOMEM
           : samples + 1 < UINT32_MAX               ? WX_OK
                                                    : WX_ETOOBIG;
  if (rc != WX_OK) {
    wx__layout_free(l);
    return rc;
  }
  l->n_samples = (uint32_t)samples;
  l->module_base = 0;
  for (uint32_t i = 0; i < m->n_modules; i++)
    for (int k = 0; k < WX_MODULE_METRICS; k++)
      add(l, WX_SCOPE_MODULE, i, module_metrics[k]);
  l->flow_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_flows; i++) add(l, WX_SCOPE_FLOW, i, "fired");
  l->outcome_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    add(l, WX_SCOPE_OUTCOME, i, "count");
  l->source_base = l->n_cols;
  for (uint32_t i = 0; i < m->n_sources; i++)
    add(l, WX_SCOPE_SOURCE, i, "arrivals");
  add_unit_cols(l, m);
  add_extras(l, m);
  return WX_OK;
}

int wx__layout_init(wx_layout *l, const wx_model *m, double horizon) {
  int rc = wx__layout_shape(l, m, horizon);
  if (rc == WX_OK && (rc = wx__layout_times(l)) != WX_OK) wx__layout_free(l);
  return rc;
}

static void add_unit_cols(wx_layout *l, const wx_model *m) {
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_module *mod = &m->modules[i];
    uint32_t k = unit_metrics(mod);
    const char *const *names = mod->units.type == WX_UNITS_STAFF
                                   ? wx__staff_metrics
                                   : wx__group_metrics;
    l->unit_col[i] = k ? l->n_cols : WX_NONE;
    for (uint32_t j = 0; j < k; j++) add(l, WX_SCOPE_MODULE, i, names[j]);
  }
}

uint32_t wx__layout_find(const wx_layout *l, wx_scope scope, uint32_t index,
                         const char *metric) {
  for (uint32_t j = 0; j < l->n_cols; j++)
    if (l->cols[j].scope == scope && l->cols[j].index == index &&
        strcmp(l->cols[j].metric, metric) == 0)
      return j;
  return WX_NONE;
}

void wx__layout_free(wx_layout *l) {
  free(l->cols);
  free(l->unit_col);
  free(l->attr_col);
  free(l->times);
  *l = (wx_layout){0};
}

int wx__series_init(wx_series *s, const wx_layout *l) {
  s->n_samples = l->n_samples;
  s->n_cols = l->n_cols;
  s->v =
      calloc((size_t)l->n_samples * (l->n_cols ? l->n_cols : 1), sizeof *s->v);
  return s->v ? WX_OK : WX_ENOMEM;
}

void wx__series_free(wx_series *s) {
  free(s->v);
  s->v = NULL;
}
