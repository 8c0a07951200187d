/*
 * The paying parts of a scenario: sources with `type: ads` (paid Moments
 * ads) or `type: campaign` (a one-off arrival, optionally with fission),
 * and the `value` and `repeat` of outcomes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"
#include "scenario.h"

static const char *const ads_keys[] = {
    "budget",     "cpm",   "ctr",   "convert",  "from",         "until",
    "saturation", "shape", "curve", "audience", "frequency_cap"};
#define N_ADS_KEYS (sizeof ads_keys / sizeof *ads_keys)
static const char *const campaign_keys[] = {"count", "at", "cost", "fission"};
static const char *const plain_keys[] = {"initial", "rate", "schedule"};

/* Keys of the other source forms are mistakes here. */
static int foreign(wx_sctx *c, const wx_node *src, const char *path,
                   const char *type, const char *const *keys, size_t n) {
  int ok = 1;
  for (size_t i = 0; i < n; i++) {
    const wx_node *k = wx__node_key(src, keys[i]);
    if (!k) continue;
    wx__serr(c, k, "`%s`: `%s` does not apply to a source of type %s", path,
             keys[i], type);
    ok = 0;
  }
  return ok;
}

static uint32_t need(wx_sctx *c, const wx_node *src, const char *key, wx_qty q,
                     const char *path) {
  char sub[300];
  wx__subpath(sub, sizeof sub, path, key);
  const wx_node *n = wx__node_get(src, key);
  if (n) return wx__param(c, n, q, sub, 1);
  wx__serr(c, src, "`%s`: type %s needs `%s`", path,
           wx__node_get(src, "budget") || !wx__node_get(src, "count")
               ? "ads"
               : "campaign",
           key);
  return WX_NONE;
}

/* The response curves (ads_curve.c), each with the key it needs and the
 * one it may take. */
typedef struct {
  const char *name;
  wx_ads_curve curve;
  const char *need, *may;
} curve_info;
static const curve_info curves[] = {
    {"hill", WX_ADS_HILL, "saturation", "shape"},
    {"exponential", WX_ADS_EXP, "saturation", NULL},
    {"audience", WX_ADS_AUDIENCE, "audience", "frequency_cap"}};
static const struct {
  const char *key;
  wx_qty q;
} curve_keys[] = {{"saturation", WX_Q_RATE},
                  {"shape", WX_Q_POSITIVE},
                  {"audience", WX_Q_COUNT},
                  {"frequency_cap", WX_Q_COUNT}};
#define N_CURVE_KEYS (sizeof curve_keys / sizeof *curve_keys)

static uint32_t *curve_slot(wx_source *s, size_t k) {
  uint32_t *slots[] = {&s->saturation, &s->shape, &s->audience, &s->freq_cap};
  return slots[k];
}

/* Which curve: `curve:`, else audience when `audience` is given, else hill
 * when any curve key is, else none (linear).  NULL after an error. */
static const curve_info *which_curve(wx_sctx *c, const wx_node *src,
                                     const char *path, int *linear) {
  char sub[300];
  const wx_node *cn = wx__node_get(src, "curve");
  const char *name = wx__node_get(src, "audience") ? "audience" : "hill";
  int any = cn != NULL;
  for (size_t k = 0; k < N_CURVE_KEYS; k++)
    any |= wx__node_get(src, curve_keys[k].key) != NULL;
  *linear = !any;
  if (!any) return NULL;
  wx__subpath(sub, sizeof sub, path, "curve");
  if (cn && !wx__get_scalar(c, cn, sub, "hill, exponential or audience", &name))
    return NULL;
  for (size_t i = 0; i < sizeof curves / sizeof *curves; i++)
    if (!strcmp(name, curves[i].name)) return &curves[i];
  wx__serr(c, cn, "`%s`: unknown curve `%s` (hill, exponential, audience)", sub,
           name);
  return NULL;
}

/* The response curve: its keys become parameters (priors allowed), the
 * others are mistakes. */
static int ads_curve(wx_sctx *c, const wx_node *src, const char *path,
                     wx_source *s) {
  char sub[300];
  int linear = 0, ok = 1;
  s->saturation = s->shape = s->audience = s->freq_cap = WX_NONE;
  s->curve = WX_ADS_LINEAR;
  const curve_info *ci = which_curve(c, src, path, &linear);
  if (!ci) return linear;
  s->curve = ci->curve;
  if (!wx__node_get(src, ci->need)) {
    const wx_node *at = wx__node_get(src, "curve");
    wx__serr(c, at ? at : src, "`%s`: `curve: %s` needs `%s`", path, ci->name,
             ci->need);
    return 0;
  }
  for (size_t k = 0; k < N_CURVE_KEYS; k++) {
    const char *key = curve_keys[k].key;
    const wx_node *n = wx__node_get(src, key);
    if (!n) continue;
    if (strcmp(key, ci->need) && (!ci->may || strcmp(key, ci->may))) {
      wx__serr(c, wx__node_key(src, key),
               "`%s`: `%s` does not apply to `curve: %s`", path, key, ci->name);
      ok = 0;
      continue;
    }
    wx__subpath(sub, sizeof sub, path, key);
    uint32_t *slot = curve_slot(s, k);
    *slot = wx__param(c, n, curve_keys[k].q, sub, 1);
    ok &= *slot != WX_NONE;
  }
  return ok;
}

static int ads(wx_sctx *c, const wx_node *src, const char *path, wx_source *s) {
  char sub[300];
  const wx_node *n;
  s->kind = WX_SOURCE_ADS;
  s->until = INFINITY;
  s->cost = WX_NONE;
  int ok = foreign(c, src, path, "ads", campaign_keys, 4);
  ok &= (s->budget = need(c, src, "budget", WX_Q_RATE, path)) != WX_NONE;
  ok &= (s->cpm = need(c, src, "cpm", WX_Q_POSITIVE, path)) != WX_NONE;
  ok &= (s->ctr = need(c, src, "ctr", WX_Q_PROB, path)) != WX_NONE;
  ok &= (s->convert = need(c, src, "convert", WX_Q_PROB, path)) != WX_NONE;
  ok &= ads_curve(c, src, path, s);
  wx__subpath(sub, sizeof sub, path, "from");
  if ((n = wx__node_get(src, "from"))) ok &= wx__get_time(c, n, sub, &s->from);
  wx__subpath(sub, sizeof sub, path, "until");
  if ((n = wx__node_get(src, "until")))
    ok &= wx__get_time(c, n, sub, &s->until);
  if (ok && s->until <= s->from) {
    char a[32], b[32];
    wx__serr(c, n, "`%s`: `until` (%s) must be after `from` (%s)", path,
             wx__fmt_duration(a, s->until), wx__fmt_duration(b, s->from));
    return 0;
  }
  return ok;
}

static int campaign(wx_sctx *c, const wx_node *src, const char *path,
                    wx_source *s) {
  char sub[300];
  const wx_node *n;
  s->kind = WX_SOURCE_CAMPAIGN;
  int ok = foreign(c, src, path, "campaign", ads_keys, N_ADS_KEYS);
  ok &= (s->count = need(c, src, "count", WX_Q_COUNT, path)) != WX_NONE;
  wx__subpath(sub, sizeof sub, path, "at");
  if ((n = wx__node_get(src, "at"))) ok &= wx__get_time(c, n, sub, &s->at);
  wx__subpath(sub, sizeof sub, path, "cost");
  n = wx__node_get(src, "cost");
  s->cost = n ? wx__param(c, n, WX_Q_NONNEG, sub, 1) : WX_NONE;
  ok &= !n || s->cost != WX_NONE;
  wx__subpath(sub, sizeof sub, path, "fission");
  if ((n = wx__node_get(src, "fission")))
    ok &= wx__fission_compile(c, n, sub, s->to, &s->fission);
  return ok;
}

int wx__typed_source(wx_sctx *c, const wx_node *src, const char *path,
                     wx_source *s) {
  static const char *const types[] = {"ads", "campaign"};
  const wx_node *tn = wx__node_get(src, "type");
  const char *t;
  char sub[300];
  wx__subpath(sub, sizeof sub, path, "type");
  if (!wx__get_scalar(c, tn, sub, "ads or campaign", &t)) return 0;
  int ok = foreign(c, src, path, t, plain_keys, 3);
  if (!strcmp(t, "ads")) return ads(c, src, path, s) && ok;
  if (!strcmp(t, "campaign")) return campaign(c, src, path, s) && ok;
  char hint[120];
  wx__did_you_mean(hint, sizeof hint, t, types, 2);
  wx__serr(c, tn,
           "`%s`: expected ads or campaign, got `%.40s`%s (plain "
           "sources need no type: give initial, rate or schedule)",
           sub, t, hint);
  return 0;
}

static int repeat(wx_sctx *c, const wx_node *n, const char *path,
                  wx_outcome *o) {
  char sub[300];
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {p: 30%%, delay: "
             "exponential(30d)}",
             path);
    return 0;
  }
  wx__check_keys(c, n, "repeat", path);
  const wx_node *p = wx__node_get(n, "p"), *d = wx__node_get(n, "delay");
  if (!p || !d) return 0;
  wx__subpath(sub, sizeof sub, path, "p");
  o->repeat_p = wx__param(c, p, WX_Q_PROB, sub, 1);
  wx__subpath(sub, sizeof sub, path, "delay");
  int ok = wx__delay_compile(c, d, sub, &o->repeat_delay);
  return (o->has_repeat = ok && o->repeat_p != WX_NONE);
}

/* margin: a share of the order value, or cost_of_goods: money per order;
 * either needs an order value. */
static int margin(wx_sctx *c, const wx_node *on, const char *path,
                  wx_outcome *o) {
  char sub[300];
  const wx_node *mg = wx__node_get(on, "margin"),
                *cg = wx__node_get(on, "cost_of_goods");
  o->margin = o->cogs = WX_NONE;
  if (!mg && !cg) return 1;
  if (mg && cg) {
    wx__serr(c, wx__node_key(on, "cost_of_goods"),
             "`%s`: give either `margin` (a share of the order value) or "
             "`cost_of_goods` (money per order), not both",
             path);
    return 0;
  }
  if (!wx__node_get(on, "value")) {
    wx__serr(c, wx__node_key(on, mg ? "margin" : "cost_of_goods"),
             "`%s`: `%s` needs an order `value`", path,
             mg ? "margin" : "cost_of_goods");
    return 0;
  }
  wx__subpath(sub, sizeof sub, path, mg ? "margin" : "cost_of_goods");
  uint32_t *slot = mg ? &o->margin : &o->cogs;
  *slot = wx__param(c, mg ? mg : cg, mg ? WX_Q_PROB : WX_Q_MONEY, sub, 1);
  return (o->has_margin = *slot != WX_NONE);
}

void wx__check_margins(wx_sctx *c, const wx_node *outcomes) {
  const wx_model *m = c->m;
  if (!wx__model_has_margin(m)) return;
  for (size_t i = 0; i < outcomes->n; i++) {
    uint32_t o = wx__model_find_outcome(m, outcomes->keys[i]->str);
    if (o == WX_NONE || !m->outcomes[o].has_value || m->outcomes[o].has_margin)
      continue;
    wx__serr(c, outcomes->keys[i],
             "`outcomes.%s`: another outcome has a margin, so gross profit "
             "needs this one's too: give `margin` or `cost_of_goods` "
             "(`margin: 100%%` counts its whole value)",
             outcomes->keys[i]->str);
  }
}

int wx__outcome_economics(wx_sctx *c, const wx_node *on, const char *path,
                          wx_outcome *o) {
  char sub[300];
  const wx_node *n;
  int ok = 1;
  if ((n = wx__node_get(on, "value"))) {
    wx__subpath(sub, sizeof sub, path, "value");
    ok &= (o->has_value = wx__value_compile(c, n, sub, &o->value));
  }
  if ((n = wx__node_get(on, "repeat"))) {
    wx__subpath(sub, sizeof sub, path, "repeat");
    ok &= repeat(c, n, sub, o);
  }
  return margin(c, on, path, o) && ok;
}
