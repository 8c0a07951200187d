/*
 * `targets:` — levels a planner wants to reach ("50,000 WeCom friends").
 * The metric is checked against the series layout, so a target can watch
 * any series the engine writes.
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "series.h"

/* Resolves `module:` or `outcome:` (exactly one) into scope and index. */
static int target_entity(wx_sctx *c, const wx_node *t, const char *path,
                         wx_kpi_target *out) {
  const wx_node *mn = wx__node_get(t, "module"),
                *on = wx__node_get(t, "outcome");
  if (!!mn == !!on) {
    wx__serr(c, t, "`%s`: give exactly one of `module` or `outcome`", path);
    return 0;
  }
  const char *name;
  if (!wx__get_scalar(c, mn ? mn : on, path, "a name", &name)) return 0;
  out->scope = mn ? WX_SCOPE_MODULE : WX_SCOPE_OUTCOME;
  out->index = mn ? wx__model_find_module(c->m, name)
                  : wx__model_find_outcome(c->m, name);
  if (out->index != WX_NONE) return 1;
  uint32_t n = mn ? c->m->n_modules : c->m->n_outcomes;
  const char *names[256];
  for (uint32_t i = 0; i < n && i < 256; i++)
    names[i] = mn ? c->m->modules[i].name : c->m->outcomes[i].name;
  char hint[200];
  wx__did_you_mean_list(hint, sizeof hint, name, names, n < 256 ? n : 256,
                        mn ? "modules" : "outcomes");
  wx__serr(c, mn ? mn : on, "`%s`: unknown %s `%.60s`%s", path,
           mn ? "module" : "outcome", name, hint);
  return 0;
}

/* 1 when the layout has that metric for the entity; reports otherwise. */
static int metric_exists(wx_sctx *c, const wx_node *at, const char *path,
                         const wx_kpi_target *t) {
  wx_layout l;
  if (wx__layout_init(&l, c->m, 0) != WX_OK) {
    c->nomem = 1;
    return 0;
  }
  int found = wx__layout_find(&l, t->scope, t->index, t->metric) != WX_NONE;
  if (!found) {
    char list[256] = "";
    for (uint32_t j = 0; j < l.n_cols; j++) {
      if (l.cols[j].scope != t->scope || l.cols[j].index != t->index) continue;
      size_t len = strlen(list);
      snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
               l.cols[j].metric);
    }
    wx__serr(c, at, "`%s`: no metric `%.60s` here (metrics: %s)", path,
             t->metric, list);
  }
  wx__layout_free(&l);
  return found;
}

static void add_target(wx_sctx *c, const wx_node *key, const wx_node *t) {
  char path[160], where[160];
  snprintf(path, sizeof path, "targets.%s", key->str);
  snprintf(where, sizeof where, "target `%s`", key->str);
  if (t->type != WX_NODE_MAP) {
    wx__serr(c, t,
             "`%s`: expected a mapping such as {module: sdr, value: "
             "50000}",
             path);
    return;
  }
  wx__check_keys(c, t, "target", where);
  wx_kpi_target tg = {.name = (char *)key->str, .pos = {key->line, key->col}};
  const wx_node *vn = wx__node_get(t, "value"), *mn = wx__node_get(t, "metric");
  int ok = target_entity(c, t, path, &tg);
  ok = vn && wx__get_qty(c, vn, WX_Q_NONNEG, path, &tg.value) && ok;
  const char *metric = tg.scope == WX_SCOPE_MODULE ? "members" : "count";
  if (mn && !wx__get_scalar(c, mn, path, "a metric name", &metric)) ok = 0;
  tg.metric = (char *)metric;
  if (!ok || !metric_exists(c, mn ? mn : t, path, &tg)) return;
  wx__sc_add_target(c, &tg);
}

void wx__targets_compile(wx_sctx *c, const wx_node *targets) {
  if (targets->type != WX_NODE_MAP) {
    wx__serr(c, targets, "`targets`: expected a mapping of target names");
    return;
  }
  for (size_t i = 0; i < targets->n; i++) {
    const wx_node *key = targets->keys[i];
    if (wx__check_name(c, key, "target")) add_target(c, key, targets->vals[i]);
  }
}
