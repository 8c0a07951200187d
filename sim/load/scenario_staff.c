/* Staff account keys of personal_account and wecom modules (the engine's
 * side: agent_staff.c). */
#include <math.h>
#include <stdio.h>

#include "scenario_roster.h"

static const char *const assigns[] = {"least_loaded", "round_robin"};
static const char *const policies[] = {"overflow", "drop", "retry"};
static const wx_refuse policy_of[] = {WX_REFUSE_OVERFLOW, WX_REFUSE_DROP,
                                      WX_REFUSE_RETRY};

/* adds_gain and posts_gain scale the base rate (agent_staff.c), so they
 * need it, and adds are measured against the daily limit. */
static int pressure(wx_sctx *c, const wx_node *b, const char *p,
                    wx_units_cfg *u) {
  uint32_t ga = WX_NONE, gp = WX_NONE;
  int ok = wx__units_param(c, b, "adds_gain", WX_Q_NONNEG, p, &ga);
  ok &= wx__units_param(c, b, "posts_gain", WX_Q_NONNEG, p, &gp);
  if (!ok || (ga == WX_NONE && gp == WX_NONE)) return ok;
  const wx_node *at =
      wx__node_key(b, ga != WX_NONE ? "adds_gain" : "posts_gain");
  if (u->ban_rate == WX_NONE) {
    wx__serr(c, at, "`%s`: `%s` multiplies the base hazard, so it needs `rate`",
             p, ga != WX_NONE ? "adds_gain" : "posts_gain");
    return 0;
  }
  if (ga != WX_NONE && !(u->daily_adds < INFINITY)) {
    wx__serr(c, wx__node_key(b, "adds_gain"),
             "`%s`: `adds_gain` counts adds against the daily limit, so the "
             "module needs `daily_adds`",
             p);
    return 0;
  }
  char sa[240], sp[240];
  snprintf(sa, sizeof sa, "%s.adds_gain", p);
  snprintf(sp, sizeof sp, "%s.posts_gain", p);
  u->ban_pressure = 1;
  u->ban_adds_gain = ga != WX_NONE ? ga : wx__param_default(c, 0, sa, b);
  u->ban_posts_gain = gp != WX_NONE ? gp : wx__param_default(c, 0, sp, b);
  return u->ban_adds_gain != WX_NONE && u->ban_posts_gain != WX_NONE;
}

static int ban(wx_sctx *c, const wx_node *mod, const char *path,
               wx_units_cfg *u) {
  const wx_node *b = wx__units_submap(c, mod, "ban", path,
                                      "{rate: 0.05%/d, replace_after: 7d}");
  if (!b) return !wx__node_get(mod, "ban");
  char p[200];
  snprintf(p, sizeof p, "%s.ban", path);
  int ok = wx__units_param(c, b, "rate", WX_Q_RATE, p, &u->ban_rate);
  ok &= wx__units_param(c, b, "per_post", WX_Q_PROB, p, &u->ban_per_post);
  ok &= wx__units_duration(c, b, "replace_after", p, 0, &u->replace_after);
  return ok && pressure(c, b, p, u);
}

static int choices(wx_sctx *c, const wx_node *mod, const char *path,
                   wx_units_cfg *u) {
  int assign = (int)u->assign, pol = -1;
  int ok = wx__units_pick(c, mod, "assign", path, assigns, 2, &assign);
  ok &= wx__units_pick(c, mod, "on_refused", path, policies, 3, &pol);
  u->assign = assign;
  if (pol >= 0) u->on_refused = policy_of[pol];
  return ok;
}

int wx__staff_compile(wx_sctx *c, const wx_node *mod, const char *path,
                      wx_units_cfg *u) {
  int ok = wx__units_count(c, mod, "accounts", path, &u->units);
  ok &= wx__units_count(c, mod, "friend_cap", path, &u->cap);
  ok &= wx__units_count(c, mod, "daily_adds", path, &u->daily_adds);
  ok &= wx__units_param(c, mod, "accept", WX_Q_PROB, path, &u->accept);
  ok &= choices(c, mod, path, u);
  ok &= ban(c, mod, path, u);
  if (u->units > 65535) {
    wx__serr(c, wx__node_get(mod, "accounts"),
             "`%s.accounts`: at most "
             "65535 accounts per module, got %g",
             path, u->units);
    ok = 0;
  }
  return ok;
}
