/*
 * Keys shared by staff and group modules (scenario_staff.c,
 * scenario_groups.c): the per-kind defaults, keys written on a module of
 * the wrong kind, policies, costs and sub-mappings.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kinds.h"
#include "scenario.h"
#include "scenario_roster.h"

static const char *const staff_keys[] = {"accounts", "friend_cap", "daily_adds",
                                         "accept",   "assign",     "on_refused",
                                         "ban"};
static const char *const group_keys[] = {
    "group_type",        "group_kind", "group_cap", "groups",
    "on_full",           "lifetime",   "welcome",   "activity",
    "negative_feedback", "complaints"};
static const char *const shared_keys[] = {"retry_after", "cost"};

static void wrong_kind(wx_sctx *c, const wx_node *mod, const char *const *keys,
                       size_t n, const char *name, const char *kinds) {
  for (size_t i = 0; i < n; i++) {
    const wx_node *k = wx__node_key(mod, keys[i]);
    if (k)
      wx__serr(c, k, "`%s` applies to %s modules, not to module `%s`", keys[i],
               kinds, name);
  }
}

int wx__units_kind_keys(wx_sctx *c, const wx_node *mod, const char *name,
                        wx_units_type type) {
  unsigned before = c->errors;
  if (type != WX_UNITS_STAFF)
    wrong_kind(c, mod, staff_keys, sizeof staff_keys / sizeof *staff_keys, name,
               "personal_account and wecom");
  if (type != WX_UNITS_GROUPS)
    wrong_kind(c, mod, group_keys, sizeof group_keys / sizeof *group_keys, name,
               "group");
  if (type == WX_UNITS_NONE)
    wrong_kind(c, mod, shared_keys, sizeof shared_keys / sizeof *shared_keys,
               name, "personal_account, wecom and group");
  return c->errors == before;
}

int wx__units_pick(wx_sctx *c, const wx_node *map, const char *key,
                   const char *path, const char *const *names, size_t count,
                   int *out) {
  const wx_node *v = wx__node_get(map, key);
  char p[320];
  if (!v) return 1;
  snprintf(p, sizeof p, "%s.%s", path, key);
  return wx__units_choice(c, v, p, names, count, out);
}

int wx__units_param(wx_sctx *c, const wx_node *map, const char *key, wx_qty q,
                    const char *path, uint32_t *out) {
  const wx_node *n = wx__node_get(map, key);
  char p[320];
  if (!n) return 1;
  snprintf(p, sizeof p, "%s.%s", path, key);
  return (*out = wx__param(c, n, q, p, 1)) != WX_NONE;
}

int wx__units_choice(wx_sctx *c, const wx_node *n, const char *path,
                     const char *const *names, size_t count, int *out) {
  const char *s;
  if (!wx__get_scalar(c, n, path, "a name", &s)) return 0;
  for (size_t i = 0; i < count; i++)
    if (strcmp(s, names[i]) == 0) return *out = (int)i, 1;
  char hint[120], list[200] = "";
  wx__did_you_mean(hint, sizeof hint, s, names, count);
  for (size_t i = 0; i < count; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i ? ", " : "", names[i]);
  wx__serr(c, n, "`%s`: unknown value `%.60s`%s (one of: %s)", path, s, hint,
           list);
  return 0;
}

int wx__units_count(wx_sctx *c, const wx_node *mod, const char *key,
                    const char *path, double *out) {
  const wx_node *n = wx__node_get(mod, key);
  char p[320];
  double x;
  if (!n) return 1;
  snprintf(p, sizeof p, "%s.%s", path, key);
  if (!wx__get_qty(c, n, WX_Q_COUNT, p, &x)) return 0;
  if (x < 1) {
    wx__serr(c, n, "`%s` must be at least 1, got %g", p, x);
    return 0;
  }
  *out = x;
  return 1;
}

int wx__units_duration(wx_sctx *c, const wx_node *map, const char *key,
                       const char *path, int positive, double *out) {
  const wx_node *n = wx__node_get(map, key);
  char p[320];
  if (!n) return 1;
  snprintf(p, sizeof p, "%s.%s", path, key);
  return wx__get_qty(c, n, positive ? WX_Q_DURATION_POS : WX_Q_DURATION, p,
                     out);
}

/* "300/month" or "300" (per month), or any rate ("10/d") times 30 d. */
static int month_cost(wx_sctx *c, const wx_node *n, const char *path,
                      double *out) {
  const char *s;
  char buf[64], msg[WX_MSG_MAX - 100];
  if (!wx__get_scalar(c, n, path, "a cost such as 300/month", &s)) return 0;
  size_t len = strlen(s), tail = strlen("/month");
  double x;
  if (len > tail && len - tail < sizeof buf &&
      !strcmp(s + len - tail, "/month")) {
    memcpy(buf, s, len - tail);
    buf[len - tail] = '\0';
    if (wx__qty_parse(WX_Q_NONNEG, buf, &x, msg, sizeof msg) != WX_OK) goto bad;
  } else if (wx__qty_parse(WX_Q_NONNEG, s, &x, msg, sizeof msg) != WX_OK) {
    if (wx__qty_parse(WX_Q_RATE, s, &x, msg, sizeof msg) != WX_OK) goto bad;
    x *= 30.0;
  }
  *out = x;
  return 1;
bad:
  wx__serr(c, n,
           "`%s`: expected a cost such as 300/month (>= 0), got "
           "\"%.60s\"",
           path, s);
  return 0;
}

int wx__units_shared(wx_sctx *c, const wx_node *mod, const char *path,
                     wx_units_cfg *u) {
  int ok = 1;
  const wx_node *n = wx__node_get(mod, "cost");
  char p[320];
  snprintf(p, sizeof p, "%s.cost", path);
  if (n) ok &= month_cost(c, n, p, &u->cost);
  u->retry_after = 1.0;
  ok &= wx__units_duration(c, mod, "retry_after", path, 1, &u->retry_after) &&
        wx__check_period(c, mod, "retry_after", path, u->retry_after);
  return ok;
}

const wx_node *wx__units_submap(wx_sctx *c, const wx_node *mod, const char *key,
                                const char *path, const char *example) {
  const wx_node *n = wx__node_get(mod, key);
  if (!n) return NULL;
  char where[240];
  snprintf(where, sizeof where, "`%s.%s`", path, key);
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "%s: expected a mapping such as %s, got %s", where, example,
             wx__node_type_name(n));
    return NULL;
  }
  wx__check_keys(c, n, key, where);
  return n;
}

/* Fills the shared defaults of a module of kind k. */
void wx__units_defaults(wx_units_cfg *u, wx_kind k) {
  *u = (wx_units_cfg){0};
  const wx_kind_info *info = wx__kind_info(k);
  u->type = info->units;
  u->units = 1;
  u->cap = info->unit_cap;
  u->daily_adds = INFINITY;
  u->accept = u->ban_rate = u->ban_per_post = WX_NONE;
  u->nf_rate = u->nf_leave = WX_NONE;
  u->cx_rate = u->cx_leave = WX_NONE;
  u->cx_memory = 1.0;
  u->cx_response = INFINITY;
  u->cx_damping = 0.5;
  u->replace_after = 7.0;
  u->lifetime = INFINITY;
  u->welcome_x = 1.0;
  u->act_initial = 1.0;
  u->on_refused =
      u->type == WX_UNITS_GROUPS ? WX_REFUSE_NEW_GROUP : WX_REFUSE_OVERFLOW;
}

void wx__units_compile(wx_sctx *c, const wx_node *mod, const char *name,
                       uint32_t index) {
  wx_module *m = &c->m->modules[index];
  char path[160];
  snprintf(path, sizeof path, "modules.%s", name);
  wx_units_cfg u;
  wx__units_defaults(&u, m->kind);
  if (!wx__units_kind_keys(c, mod, name, u.type) || u.type == WX_UNITS_NONE)
    return;
  int ok = wx__units_shared(c, mod, path, &u);
  ok &= u.type == WX_UNITS_STAFF ? wx__staff_compile(c, mod, path, &u)
                                 : wx__groups_compile(c, mod, path, &u);
  if (ok && m->kind == WX_KIND_WECOM && u.cap > WX_WECOM_FRIEND_CAP)
    wx__swarn(c, wx__node_get(mod, "friend_cap"),
              "`%s.friend_cap` %g is above WeCom's %g customers per employee "
              "(source); the run uses it as written",
              path, u.cap, (double)WX_WECOM_FRIEND_CAP);
  if (ok) m->units = u;
}
