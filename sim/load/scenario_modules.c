/*
 * `modules:` and `outcomes:`.  Disabled modules are remembered by name so
 * that flows and sources touching them are dropped quietly, not reported
 * as unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "scenario.h"
#include "scenario_roster.h"
#include "util.h"

int wx__module_disabled(const wx_sctx *c, const char *name) {
  for (size_t i = 0; i < c->n_disabled; i++)
    if (strcmp(c->disabled[i], name) == 0) return 1;
  return 0;
}

static void remember_disabled(wx_sctx *c, const char *name) {
  char **grown = realloc(c->disabled, (c->n_disabled + 1) * sizeof *grown);
  char *copy = wx__strdup(name);
  if (grown) c->disabled = grown;
  if (!grown || !copy) {
    free(copy);
    c->nomem = 1;
    return;
  }
  c->disabled[c->n_disabled++] = copy;
}

/* The kind of module i, or WX_KIND_COUNT after reporting. */
static wx_kind module_kind(wx_sctx *c, const wx_node *mod, const char *path) {
  const wx_node *kn = wx__node_get(mod, "kind");
  const char *s;
  if (!kn || !wx__get_scalar(c, kn, path, "a module kind", &s))
    return WX_KIND_COUNT;
  wx_kind k = wx__kind_parse(s);
  if (k != WX_KIND_COUNT) return k;
  const char *names[WX_KIND_COUNT];
  for (int i = 0; i < WX_KIND_COUNT; i++) names[i] = wx__kind_name((wx_kind)i);
  char hint[120];
  wx__did_you_mean(hint, sizeof hint, s, names, WX_KIND_COUNT);
  wx__serr(c, kn,
           "`%s`: unknown module kind `%.60s`%s (kinds: "
           "official_account, video_account, personal_account, wecom, group, "
           "mini_program, outside)",
           path, s, hint);
  return WX_KIND_COUNT;
}

/* Enabled modules of each kind, for the default-label rule. */
static void count_kinds(const wx_node *modules, unsigned *per_kind) {
  for (size_t i = 0; i < modules->n; i++) {
    const wx_node *mod = modules->vals[i];
    if (mod->type != WX_NODE_MAP) continue;
    const wx_node *kn = wx__node_get(mod, "kind");
    const wx_node *en = wx__node_get(mod, "enabled");
    if (!kn || kn->type != WX_NODE_SCALAR) continue;
    if (en && en->type == WX_NODE_SCALAR && !strcmp(en->str, "false")) continue;
    wx_kind k = wx__kind_parse(kn->str);
    if (k != WX_KIND_COUNT) per_kind[k]++;
  }
}

static void add_module(wx_sctx *c, const wx_node *key, const wx_node *mod,
                       const unsigned *per_kind) {
  char path[160], where[160], label[256];
  snprintf(path, sizeof path, "modules.%s", key->str);
  snprintf(where, sizeof where, "module `%s`", key->str);
  if (mod->type != WX_NODE_MAP) {
    wx__serr(c, mod, "`%s`: expected a mapping such as {kind: wecom}, got %s",
             path, wx__node_type_name(mod));
    return;
  }
  wx__check_keys(c, mod, "module", where);
  wx_kind k = module_kind(c, mod, path);
  const wx_node *ln = wx__node_get(mod, "label");
  const char *lab = NULL;
  if (ln && !wx__get_scalar(c, ln, path, "a text label", &lab)) return;
  if (!wx__enabled(c, mod, path)) {
    remember_disabled(c, key->str);
    return;
  }
  wx_pos pos = {key->line, key->col};
  if (k == WX_KIND_COUNT) {
    /* The kind was reported.  A stand-in keeps the module's name known so
     * that its references are checked as usual and not reported again as
     * unknown; the model is rejected anyway. */
    wx__sc_add_module(c, key->str, key->str, WX_KIND_OUTSIDE, pos);
    return;
  }
  if (!lab) {
    const char *def = wx__kind_info(k)->default_label;
    if (per_kind[k] > 1)
      snprintf(label, sizeof label, "%s (%s)", def, key->str);
    else
      snprintf(label, sizeof label, "%s", def);
    lab = label;
  }
  uint32_t index = wx__sc_add_module(c, key->str, lab, k, pos);
  if (index != WX_NONE) wx__units_compile(c, mod, key->str, index);
}

void wx__modules_compile(wx_sctx *c, const wx_node *modules) {
  if (modules->type != WX_NODE_MAP) {
    wx__serr(c, modules,
             "`modules`: expected a mapping of module names, got "
             "%s",
             wx__node_type_name(modules));
    return;
  }
  c->modules_map = modules;
  if (modules->n == 0) {
    wx__serr(c, modules,
             "`modules`: give at least one module, such as "
             "{oa: {kind: official_account}}");
    return;
  }
  unsigned per_kind[WX_KIND_COUNT] = {0}, errors = c->errors;
  count_kinds(modules, per_kind);
  for (size_t i = 0; i < modules->n; i++) {
    if (!wx__check_name(c, modules->keys[i], "module")) continue;
    add_module(c, modules->keys[i], modules->vals[i], per_kind);
  }
  if (c->m->n_modules == 0 && c->errors == errors)
    wx__serr(c, modules,
             "`modules`: every module has `enabled: false`, so "
             "there is nothing to simulate");
}

static void add_outcome(wx_sctx *c, const wx_node *key, const wx_node *o) {
  char path[160], where[160];
  snprintf(path, sizeof path, "outcomes.%s", key->str);
  snprintf(where, sizeof where, "outcome `%s`", key->str);
  if (c->modules_map && wx__node_get(c->modules_map, key->str)) {
    wx__serr(c, key,
             "`%s` is both a module and an outcome; give them "
             "different names",
             key->str);
    return;
  }
  const char *lab = NULL;
  int empty = o->type == WX_NODE_SCALAR && !o->quoted && o->len == 0;
  if (!empty && o->type != WX_NODE_MAP) {
    wx__serr(c, o, "`%s`: expected a mapping such as {label: 购买}, got %s",
             path, wx__node_type_name(o));
    return;
  }
  if (!empty) {
    wx__check_keys(c, o, "outcome", where);
    const wx_node *ln = wx__node_get(o, "label");
    if (ln && !wx__get_scalar(c, ln, path, "a text label", &lab)) return;
  }
  wx_pos pos = {key->line, key->col};
  uint32_t i = wx__sc_add_outcome(c, key->str, lab, pos);
  if (i == WX_NONE) return;
  if (!empty) wx__outcome_economics(c, o, path, &c->m->outcomes[i]);
}

void wx__outcomes_compile(wx_sctx *c, const wx_node *outcomes) {
  if (outcomes->type != WX_NODE_MAP) {
    wx__serr(c, outcomes,
             "`outcomes`: expected a mapping of outcome names, "
             "got %s",
             wx__node_type_name(outcomes));
    return;
  }
  for (size_t i = 0; i < outcomes->n; i++) {
    if (!wx__check_name(c, outcomes->keys[i], "outcome")) continue;
    add_outcome(c, outcomes->keys[i], outcomes->vals[i]);
  }
  wx__check_margins(c, outcomes);
}
