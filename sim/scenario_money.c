/*
 * The paying parts of a scenario: sources with `type: ads` (paid Moments
 * ads) or `type: campaign` (a one-off arrival, optionally with fission),
 * and the `value` and `repeat` of outcomes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "scenario.h"

static const char *const ads_keys[] = {
    "budget", "cpm", "ctr", "convert", "from", "until", "saturation",
    "shape", "curve"};
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

static const char *const curve_names[] = {"linear", "hill", "exponential"};

/* The response curve (ads_curve.c): `saturation` turns it on (Hill by
 * default), `shape` is the Hill exponent. */
static int ads_curve(wx_sctx *c, const wx_node *src, const char *path,
                     wx_source *s) {
  char sub[300];
  const wx_node *n, *cn = wx__node_get(src, "curve");
  const char *name = "hill";
  int ok = 1;
  s->saturation = s->shape = WX_NONE;
  wx__subpath(sub, sizeof sub, path, "curve");
  if (cn && !wx__get_scalar(c, cn, sub, "hill or exponential", &name))
    return 0;
  s->curve = WX_ADS_LINEAR;
  for (int i = 1; i < 3; i++)
    if (!strcmp(name, curve_names[i])) s->curve = (wx_ads_curve)i;
  if (s->curve == WX_ADS_LINEAR) {
    wx__serr(c, cn, "`%s`: unknown curve `%s` (hill, exponential)", sub,
             name);
    return 0;
  }
  wx__subpath(sub, sizeof sub, path, "saturation");
  if ((n = wx__node_get(src, "saturation"))) {
    s->saturation = wx__param(c, n, WX_Q_RATE, sub, 1);
    ok &= s->saturation != WX_NONE;
  } else if (cn || wx__node_get(src, "shape")) {
    wx__serr(c, cn ? cn : wx__node_key(src, "shape"),
             "`%s`: a response curve needs `saturation`", path);
    return 0;
  } else {
    s->curve = WX_ADS_LINEAR;
  }
  wx__subpath(sub, sizeof sub, path, "shape");
  if ((n = wx__node_get(src, "shape"))) {
    if (s->curve != WX_ADS_HILL) {
      wx__serr(c, wx__node_key(src, "shape"),
               "`%s`: `shape` applies to `curve: hill` only", path);
      return 0;
    }
    s->shape = wx__param(c, n, WX_Q_POSITIVE, sub, 1);
    ok &= s->shape != WX_NONE;
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

int wx__outcome_economics(wx_sctx *c, const wx_node *on, const char *path,
                          wx_outcome *o) {
  char sub[300];
  const wx_node *n;
  int ok = 1;
  if ((n = wx__node_get(on, "value"))) {
    /* The delay forms read plain numbers: a bare number is "days", 1:1. */
    wx__subpath(sub, sizeof sub, path, "value");
    ok &= (o->has_value = wx__delay_compile(c, n, sub, &o->value));
  }
  if ((n = wx__node_get(on, "repeat"))) {
    wx__subpath(sub, sizeof sub, path, "repeat");
    ok &= repeat(c, n, sub, o);
  }
  return ok;
}
