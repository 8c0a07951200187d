/*
 * `flows:`.  Resolves `from` and `to` to indices (creating the implicit
 * outcomes purchase, app_install and lead on first use), the flow type
 * and its defaults, p, the delay and festival pulses of p.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_pulses.h"

static const char *const implicit_outcomes[] = {"purchase", "app_install",
                                                "lead"};
#define N_IMPLICIT 3

/* Reports an unknown name with the closest module or outcome. */
static void unknown_name(wx_sctx *c, const wx_node *n, const char *path,
                         const char *what, int outcomes_too) {
  size_t cap = c->m->n_modules + c->m->n_outcomes + N_IMPLICIT;
  const char **names = malloc((cap ? cap : 1) * sizeof *names);
  char hint[200] = "";
  if (names) {
    size_t k = 0;
    for (uint32_t i = 0; i < c->m->n_modules; i++)
      names[k++] = c->m->modules[i].name;
    for (uint32_t i = 0; outcomes_too && i < c->m->n_outcomes; i++)
      names[k++] = c->m->outcomes[i].name;
    for (size_t i = 0; outcomes_too && i < N_IMPLICIT; i++)
      names[k++] = implicit_outcomes[i];
    wx__did_you_mean_list(hint, sizeof hint, n->str, names, k,
                          outcomes_too ? "modules and outcomes" : "modules");
    free(names);
  }
  wx__serr(c, n, "`%s`: unknown %s `%.60s`%s", path, what, n->str, hint);
}

/* Resolves `to`; returns 0 after reporting, -1 to drop the flow quietly. */
static int resolve_to(wx_sctx *c, const wx_node *n, const char *path,
                      wx_target *target, uint32_t *to) {
  const char *s;
  if (!wx__get_scalar(c, n, path, "a module or outcome name", &s)) return 0;
  if (wx__module_disabled(c, s)) return -1;
  if ((*to = wx__model_find_module(c->m, s)) != WX_NONE) {
    *target = WX_TARGET_MODULE;
    return 1;
  }
  *target = WX_TARGET_OUTCOME;
  if ((*to = wx__model_find_outcome(c->m, s)) != WX_NONE) return 1;
  for (size_t i = 0; i < N_IMPLICIT; i++) {
    if (strcmp(s, implicit_outcomes[i]) != 0) continue;
    wx_pos none = {0, 0};
    *to = wx__sc_add_outcome(c, s, NULL, none);
    return *to != WX_NONE;
  }
  unknown_name(c, n, path, "module or outcome", 1);
  return 0;
}

/* Resolves `from`; same returns as resolve_to. */
static int resolve_from(wx_sctx *c, const wx_node *n, const char *path,
                        uint32_t *from) {
  const char *s;
  if (!wx__get_scalar(c, n, path, "a module name", &s)) return 0;
  if (wx__module_disabled(c, s)) return -1;
  if ((*from = wx__model_find_module(c->m, s)) != WX_NONE) return 1;
  if (wx__model_find_outcome(c->m, s) != WX_NONE) {
    wx__serr(c, n, "`%s`: `%s` is an outcome; a flow starts from a module",
             path, s);
    return 0;
  }
  unknown_name(c, n, path, "module", 0);
  return 0;
}

/* The flow type, defaulted from `to`; -1 after reporting. */
static int flow_kind(wx_sctx *c, const wx_node *flow, const char *path,
                     const char *name) {
  const wx_node *tn = wx__node_get(flow, "type");
  const wx_node *to = wx__node_get(flow, "to");
  static const char *const types[] = {"move", "join", "churn"};
  const char *s;
  if (!tn) return to ? WX_FLOW_MOVE : WX_FLOW_CHURN;
  if (!wx__get_scalar(c, tn, path, "move, join or churn", &s)) return -1;
  int k = !strcmp(s, "move")    ? WX_FLOW_MOVE
          : !strcmp(s, "join")  ? WX_FLOW_JOIN
          : !strcmp(s, "churn") ? WX_FLOW_CHURN
                                : -1;
  if (k < 0) {
    char hint[120];
    wx__did_you_mean(hint, sizeof hint, s, types, 3);
    wx__serr(c, tn, "`%s.type`: expected move, join or churn, got `%.60s`%s",
             path, s, hint);
  } else if (k == WX_FLOW_CHURN && to) {
    wx__serr(c, tn,
             "flow `%s` has type churn and a `to`; churn just ends "
             "membership: remove `to` or use type move",
             name);
    k = -1;
  } else if (k != WX_FLOW_CHURN && !to) {
    wx__serr(c, tn, "flow `%s` has type %s but no `to`", name, s);
    k = -1;
  }
  return k;
}

/* `pulses:` multiply p for whoever joins `from` on those days. */
static int flow_pulses(wx_sctx *c, const wx_node *flow, const char *path,
                       wx_flow *f) {
  const wx_node *n = wx__node_get(flow, "pulses"), *k;
  if (!n) return 1;
  char sub[200];
  snprintf(sub, sizeof sub, "%s.pulses", path);
  if ((k = wx__node_key(flow, "pulses")))
    f->pulses_pos = (wx_pos){k->line, k->col};
  wx__pulse_list l;
  int ok = wx__pulses_parse(c, n, sub, 2, &l);
  if (ok) ok = wx__pulses_apply_flow(c, &l, sub, f);
  wx__pulses_free(&l);
  return ok;
}

static void free_parts(wx_flow *f) {
  free(f->delay.edges);
  free(f->delay.weights);
  free(f->pulses);
}

static void add_flow(wx_sctx *c, const wx_node *key, const wx_node *flow) {
  char path[160], where[160], sub[200];
  snprintf(path, sizeof path, "flows.%s", key->str);
  snprintf(where, sizeof where, "flow `%s`", key->str);
  if (flow->type != WX_NODE_MAP) {
    wx__serr(c, flow,
             "`%s`: expected a mapping such as {from: oa, to: sdr, "
             "delay: 3d}, got %s",
             path, wx__node_type_name(flow));
    return;
  }
  wx__check_keys(c, flow, "flow", where);
  wx_flow f = {0};
  f.name = key->str;
  f.pos = (wx_pos){key->line, key->col};
  const wx_node *fn = wx__node_get(flow, "from"),
                *tn = wx__node_get(flow, "to");
  const wx_node *pn = wx__node_get(flow, "p"),
                *dn = wx__node_get(flow, "delay");
  int kind = flow_kind(c, flow, path, key->str);
  snprintf(sub, sizeof sub, "%s.from", path);
  int from_ok = fn ? resolve_from(c, fn, sub, &f.from) : 0;
  snprintf(sub, sizeof sub, "%s.to", path);
  int to_ok = tn ? resolve_to(c, tn, sub, &f.target, &f.to) : 1;
  int on = wx__enabled(c, flow, path);
  if (from_ok < 0 || to_ok < 0 || !on) return; /* touches a disabled part */
  snprintf(sub, sizeof sub, "%s.p", path);
  f.p = pn ? wx__param(c, pn, WX_Q_PROB, sub, 1)
           : wx__param_default(c, 1.0, sub, key);
  snprintf(sub, sizeof sub, "%s.delay", path);
  int delay_ok = dn && wx__delay_compile(c, dn, sub, &f.delay);
  int pulses_ok = flow_pulses(c, flow, path, &f);
  if (!from_ok || !to_ok || kind < 0 || f.p == WX_NONE || !delay_ok ||
      !pulses_ok) {
    free_parts(&f);
    return;
  }
  f.kind = (wx_flow_kind)kind;
  if (!tn) f.target = WX_TARGET_NONE, f.to = WX_NONE;
  if (wx__sc_add_flow(c, &f) == WX_NONE) free_parts(&f);
}

void wx__flows_compile(wx_sctx *c, const wx_node *flows) {
  if (flows->type != WX_NODE_MAP) {
    wx__serr(c, flows, "`flows`: expected a mapping of flow names, got %s",
             wx__node_type_name(flows));
    return;
  }
  for (size_t i = 0; i < flows->n; i++) {
    if (!wx__check_name(c, flows->keys[i], "flow")) continue;
    add_flow(c, flows->keys[i], flows->vals[i]);
  }
}

int wx__target_ref(wx_sctx *c, const wx_node *n, const char *path,
                   wx_target *target, uint32_t *to) {
  return resolve_to(c, n, path, target, to);
}
