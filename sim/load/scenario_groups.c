/* Group keys of modules of kind group (the engine's side:
 * agent_groups.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kinds.h"
#include "scenario_roster.h"

static const char *const types[] = {"communication", "functional"};
static const char *const kinds[] = {"wecom", "ordinary"};
static const char *const policies[] = {"new_group", "drop", "retry"};
static const wx_refuse policy_of[] = {WX_REFUSE_NEW_GROUP, WX_REFUSE_DROP,
                                      WX_REFUSE_RETRY};

static int number(wx_sctx *c, const wx_node *map, const char *key, wx_qty q,
                  const char *path, double *out) {
  const wx_node *n = wx__node_get(map, key);
  char p[320];
  if (!n) return 1;
  snprintf(p, sizeof p, "%s.%s", path, key);
  return wx__get_qty(c, n, q, p, out);
}

static int welcome(wx_sctx *c, const wx_node *mod, const char *path,
                   wx_units_cfg *u) {
  const wx_node *w =
      wx__units_submap(c, mod, "welcome", path, "{churn_x: 0.7, window: 3d}");
  if (!w) return !wx__node_get(mod, "welcome");
  char p[200];
  snprintf(p, sizeof p, "%s.welcome", path);
  int ok = number(c, w, "churn_x", WX_Q_PROB, p, &u->welcome_x);
  ok &= wx__units_duration(c, w, "window", p, 1, &u->welcome_window);
  return ok;
}

/* Functional groups are sessions: the members' talk (upkeep) is the
 * communication groups'. */
static int session_bound(wx_sctx *c, const wx_node *a, const char *p,
                         const wx_units_cfg *u) {
  const wx_node *n = wx__node_key(a, "chat");
  if (u->group_type != WX_GROUP_FUNCTIONAL || !n) return 1;
  wx__serr(c, n,
           "`%s.chat`: a functional group is a purpose-bound session, "
           "driven by its posts and shills until it closes; members' talk "
           "that keeps a group going (upkeep) applies to communication "
           "groups",
           p);
  return 0;
}

static int activity(wx_sctx *c, const wx_node *mod, const char *path,
                    wx_units_cfg *u) {
  const wx_node *a =
      wx__units_submap(c, mod, "activity", path, "{initial: 1.0, decay: 5%/d}");
  if (!a) return !wx__node_get(mod, "activity");
  char p[200], q[240];
  snprintf(p, sizeof p, "%s.activity", path);
  int ok = number(c, a, "initial", WX_Q_PROB, p, &u->act_initial);
  ok &= number(c, a, "decay", WX_Q_RATE, p, &u->act_decay);
  ok &= number(c, a, "chat", WX_Q_RATE, p, &u->act_chat);
  ok &= number(c, a, "post", WX_Q_NONNEG, p, &u->act_post);
  ok &= number(c, a, "hold", WX_Q_PROB, p, &u->act_hold);
  ok &= number(c, a, "convert", WX_Q_PROB, p, &u->act_convert);
  ok &= session_bound(c, a, p, u);
  const wx_node *s = wx__units_submap(c, a, "shills", p,
                                      "{count: 2, boost: 0.5, withdraw: 21d}");
  if (!s) return ok && !wx__node_get(a, "shills");
  snprintf(q, sizeof q, "%s.shills", p);
  ok &= number(c, s, "count", WX_Q_COUNT, q, &u->shills);
  ok &= number(c, s, "boost", WX_Q_NONNEG, q, &u->shill_boost);
  ok &= wx__units_duration(c, s, "withdraw", q, 1, &u->shill_withdraw);
  ok &= number(c, s, "until", WX_Q_PROB, q, &u->shill_until);
  if (ok && wx__node_get(s, "until") && !(u->shill_until > 0)) {
    wx__serr(c, wx__node_get(s, "until"),
             "`%s.until`: an activity of 0 is reached at opening; give one "
             "above 0, or leave `until` out for shills that withdraw from "
             "the start",
             q);
    ok = 0;
  }
  return ok;
}

static int feedback(wx_sctx *c, const wx_node *mod, const char *path,
                    wx_units_cfg *u) {
  const wx_node *f = wx__units_submap(c, mod, "negative_feedback", path,
                                      "{rate: 0.02/d, leave: 10%}");
  if (!f) return !wx__node_get(mod, "negative_feedback");
  char p[200];
  snprintf(p, sizeof p, "%s.negative_feedback", path);
  int ok = wx__units_param(c, f, "rate", WX_Q_RATE, p, &u->nf_rate);
  char rp[220];
  snprintf(rp, sizeof rp, "%s.rate", p);
  if (ok && !wx__check_count_mean(c, wx__node_get(f, "rate"), u->nf_rate, rp,
                                  "events per group per day"))
    ok = 0;
  return ok & wx__units_param(c, f, "leave", WX_Q_PROB, p, &u->nf_leave);
}

/* `response: never` or a duration > 0. */
static int response(wx_sctx *c, const wx_node *f, const char *path,
                    wx_units_cfg *u) {
  const wx_node *n = wx__node_get(f, "response");
  if (n && n->type == WX_NODE_SCALAR && strcmp(n->str, "never") == 0) {
    u->cx_response = INFINITY;
    return 1;
  }
  return wx__units_duration(c, f, "response", path, 1, &u->cx_response);
}

/* Expected complaints a complaint triggers directly (the branching ratio):
 * the integral of excite exp(-u / memory) over [0, response). */
static double branching(const wx_units_cfg *u) {
  double keep =
      isfinite(u->cx_response) ? -expm1(-u->cx_response / u->cx_memory) : 1.0;
  return u->cx_excite * u->cx_memory * keep;
}

static int explosive(wx_sctx *c, const wx_node *f, const char *p,
                     const wx_units_cfg *u) {
  double n = branching(u);
  if (n < 1) return 0;
  wx__serr(c, wx__node_get(f, "excite"),
           "`%s.excite`: each complaint would trigger n = excite x memory x "
           "(1 - exp(-response / memory)) = %.3g further complaints, at "
           "least 1, so a cascade never dies out; lower excite or memory, or "
           "answer sooner (response)",
           p, n);
  return 1;
}

static int complaints(wx_sctx *c, const wx_node *mod, const char *path,
                      wx_units_cfg *u) {
  const wx_node *f = wx__units_submap(c, mod, "complaints", path,
                                      "{rate: 0.1%/d, excite: 0.5/d}");
  if (!f) return !wx__node_get(mod, "complaints");
  const wx_node *key = wx__node_key(mod, "complaints");
  u->cx_pos = (wx_pos){key->line, key->col};
  if (u->group_type == WX_GROUP_FUNCTIONAL) {
    wx__serr(c, key,
             "`%s.complaints`: complaint cascades are modelled in "
             "communication groups (long-lived, kept up); a functional group "
             "is a purpose-bound session that closes",
             path);
    return 0;
  }
  char p[200];
  snprintf(p, sizeof p, "%s.complaints", path);
  int ok = wx__units_param(c, f, "rate", WX_Q_RATE, p, &u->cx_rate);
  ok &= number(c, f, "excite", WX_Q_RATE, p, &u->cx_excite);
  ok &= wx__units_param(c, f, "leave", WX_Q_RATE, p, &u->cx_leave);
  ok &= wx__units_duration(c, f, "memory", p, 1, &u->cx_memory);
  ok &= response(c, f, p, u);
  ok &= number(c, f, "damping", WX_Q_PROB, p, &u->cx_damping);
  return ok && !explosive(c, f, p, u);
}

static int lifetime(wx_sctx *c, const wx_node *mod, const char *path,
                    wx_units_cfg *u) {
  const wx_node *n = wx__node_get(mod, "lifetime");
  if (!n) return 1;
  if (u->group_type != WX_GROUP_FUNCTIONAL) {
    wx__serr(c, n,
             "`%s.lifetime`: only functional groups dissolve; add "
             "`group_type: functional`",
             path);
    return 0;
  }
  return wx__units_duration(c, mod, "lifetime", path, 1, &u->lifetime) &&
         wx__check_period(c, mod, "lifetime", path, u->lifetime);
}

int wx__groups_compile(wx_sctx *c, const wx_node *mod, const char *path,
                       wx_units_cfg *u) {
  int type = 0, kind = 0, pol = 0;
  int ok = wx__units_pick(c, mod, "group_type", path, types, 2, &type);
  ok &= wx__units_pick(c, mod, "group_kind", path, kinds, 2, &kind);
  ok &= wx__units_pick(c, mod, "on_full", path, policies, 3, &pol);
  u->group_type = (wx_group_type)type;
  u->on_refused = policy_of[pol];
  if (kind == 1) u->cap = WX_ORDINARY_GROUP_CAP;
  ok &= wx__units_count(c, mod, "group_cap", path, &u->cap);
  if (kind == 0 && u->cap > WX_WECOM_GROUP_CAP)
    wx__swarn(c, wx__node_get(mod, "group_cap"),
              "`%s.group_cap` %g is above the %g members of a WeCom customer "
              "group (source); use group_kind: ordinary for a WeChat group",
              path, u->cap, (double)WX_WECOM_GROUP_CAP);
  ok &= wx__units_count(c, mod, "groups", path, &u->units);
  ok &= lifetime(c, mod, path, u);
  ok &= welcome(c, mod, path, u);
  ok &= activity(c, mod, path, u);
  ok &= feedback(c, mod, path, u);
  ok &= complaints(c, mod, path, u);
  return ok;
}
