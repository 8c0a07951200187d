/*
 * `funnel:` — the stages a planner wants in funnel.csv and its chart, in
 * order: `reached` (people reached by touchpoints), a module name (its
 * joins), `customers` (first-time customers), each optionally relabelled.
 * Without it the results writer derives stages from the module kinds.
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

static const char *default_label(const wx_sctx *c, const wx_funnel_stage *s) {
  if (s->kind == WX_STAGE_REACHED) return "触达 reached";
  if (s->kind == WX_STAGE_CUSTOMERS) return "客户 customers";
  return c->m->modules[s->module].label;
}

/* Resolves a stage name; reports and returns 0 when unknown. */
static int resolve(wx_sctx *c, const wx_node *n, const char *path,
                   wx_funnel_stage *s) {
  const char *name;
  if (!wx__get_scalar(c, n, path, "a stage", &name)) return 0;
  s->name = (char *)name;
  if (!strcmp(name, "reached"))
    s->kind = WX_STAGE_REACHED;
  else if (!strcmp(name, "customers"))
    s->kind = WX_STAGE_CUSTOMERS;
  else if ((s->module = wx__model_find_module(c->m, name)) != WX_NONE)
    s->kind = WX_STAGE_MODULE;
  else if (wx__module_disabled(c, name))
    return -1;
  else {
    const char *names[258] = {"reached", "customers"};
    uint32_t k = 2;
    for (uint32_t i = 0; i < c->m->n_modules && k < 258; i++)
      names[k++] = c->m->modules[i].name;
    char hint[120];
    wx__did_you_mean(hint, sizeof hint, name, names, k);
    wx__serr(c, n,
             "`%s`: unknown stage `%.60s`%s (stages: reached, "
             "customers, or a module name)",
             path, name, hint);
    return 0;
  }
  if (s->kind == WX_STAGE_REACHED && c->m->n_touchpoints == 0) {
    wx__serr(c, n,
             "`%s`: `reached` needs touchpoints, and this scenario "
             "has none",
             path);
    return 0;
  }
  return 1;
}

static void add_stage(wx_sctx *c, const wx_node *item, size_t i) {
  char path[64];
  snprintf(path, sizeof path, "funnel.%zu", i);
  wx_funnel_stage s = {0};
  const wx_node *name = item, *label = NULL;
  if (item->type == WX_NODE_MAP) {
    wx__check_keys(c, item, "stage", path);
    name = wx__node_get(item, "stage");
    label = wx__node_get(item, "label");
    if (!name) return; /* reported as a missing key */
  }
  int ok = resolve(c, name, path, &s);
  if (ok <= 0) return;
  const char *text = NULL;
  if (label && !wx__get_scalar(c, label, path, "a text label", &text)) return;
  s.label = (char *)(text ? text : default_label(c, &s));
  wx__sc_add_stage(c, &s);
}

void wx__funnel_compile(wx_sctx *c, const wx_node *funnel) {
  if (funnel->type != WX_NODE_SEQ || funnel->n == 0) {
    wx__serr(c, funnel,
             "`funnel`: expected a list of stages such as "
             "[reached, oa, sdr, customers]");
    return;
  }
  for (size_t i = 0; i < funnel->n; i++) add_stage(c, funnel->vals[i], i);
}
