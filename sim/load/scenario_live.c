/*
 * `session:` of a touchpoint of type live: a live stream (model.h
 * wx_live), its audience, live shop and replay.  Compiled with the rest
 * of its touchpoint (scenario_touchpoints.c), after flows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

/* Event tags carry a session's rank and what happens (agent_live.c). */
#define WX_LIVE_SESSIONS_MAX 16383u

static int views(wx_sctx *c, const wx_node *map, const char *key,
                 const char *path, uint32_t *out) {
  char sub[300];
  wx__subpath(sub, sizeof sub, path, key);
  if (!wx__opt_param(c, map, key, WX_Q_NONNEG, path, out)) return 0;
  return wx__check_count_mean(c, wx__node_get(map, key), *out, sub,
                              "viewers per session");
}

/* At least a minute: less is a unit typo (s for h). */
static int duration(wx_sctx *c, const wx_node *map, const char *key,
                    const char *path, double *out) {
  char sub[300];
  const wx_node *n = wx__node_get(map, key);
  if (!n) return 0;
  wx__subpath(sub, sizeof sub, path, key);
  if (!wx__get_qty(c, n, WX_Q_DURATION_POS, sub, out)) return 0;
  if (*out >= WX_MIN_PERIOD) return 1;
  wx__serr(c, n, "`%s`: %g minutes is shorter than a minute; a unit typo?", sub,
           *out * 1440);
  return 0;
}

/* `arrivals: uniform` or a delay form of the offset from the start. */
static int arrivals(wx_sctx *c, const wx_node *map, const char *path,
                    wx_live *lv) {
  char sub[300];
  const wx_node *n = wx__node_get(map, "arrivals");
  lv->arrive_uniform = 1;
  if (!n) return 1;
  wx__subpath(sub, sizeof sub, path, "arrivals");
  if (n->type == WX_NODE_SCALAR && strcmp(n->str, "uniform") == 0) return 1;
  lv->arrive_uniform = 0;
  return wx__delay_compile(c, n, sub, &lv->arrive);
}

/* What a live-shop purchase counts as: an outcome, `purchase` by default
 * (an implicit one). */
static int shop_outcome(wx_sctx *c, const wx_node *map, const char *path,
                        wx_live *lv) {
  char sub[300];
  const wx_node *n = wx__node_get(map, "outcome");
  wx_node def = {.type = WX_NODE_SCALAR, .str = "purchase", .len = 8};
  def.line = map->line, def.col = map->col;
  wx_target tg = WX_TARGET_NONE;
  wx__subpath(sub, sizeof sub, path, "outcome");
  const wx_node *at = n ? n : &def;
  int ok = wx__target_ref(c, at, sub, &tg, &lv->outcome);
  if (ok > 0 && tg == WX_TARGET_OUTCOME) return 1;
  if (ok != 0)
    wx__serr(c, at,
             "`%s`: expected an outcome (what a live-shop purchase "
             "counts as), got module `%.60s`",
             sub, at->str);
  return 0;
}

static int replay(wx_sctx *c, const wx_node *n, const char *path, wx_live *lv) {
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {window: 3d, views: "
             "500, buy: 1%%}",
             path);
    return 0;
  }
  wx__check_keys(c, n, "replay", path);
  lv->replay = 1;
  int ok = duration(c, n, "window", path, &lv->replay_window);
  ok &= wx__opt_param(c, n, "reach", WX_Q_PROB, path, &lv->replay_reach);
  ok &= views(c, n, "views", path, &lv->replay_views);
  ok &= wx__opt_param(c, n, "buy", WX_Q_PROB, path, &lv->replay_buy);
  return ok;
}

static uint32_t sessions_so_far(const wx_model *m) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    k += m->touchpoints[i].live != NULL;
  return k;
}

static int body(wx_sctx *c, const wx_node *n, const char *path, wx_live *lv) {
  char sub[300];
  const wx_node *x;
  int ok = duration(c, n, "duration", path, &lv->duration);
  ok &= arrivals(c, n, path, lv);
  wx__subpath(sub, sizeof sub, path, "watch");
  if ((x = wx__node_get(n, "watch")))
    ok &= wx__delay_compile(c, x, sub, &lv->watch);
  ok &= views(c, n, "recommended", path, &lv->views);
  ok &= wx__opt_param(c, n, "buy", WX_Q_RATE, path, &lv->buy);
  ok &= wx__opt_param(c, n, "follow", WX_Q_PROB, path, &lv->follow);
  ok &= shop_outcome(c, n, path, lv);
  wx__subpath(sub, sizeof sub, path, "replay");
  if ((x = wx__node_get(n, "replay"))) ok &= replay(c, x, sub, lv);
  return ok;
}

int wx__live_compile(wx_sctx *c, const wx_node *n, const char *path,
                     wx_touchpoint *t) {
  if (t->type != WX_TP_LIVE) {
    wx__serr(c, n, "`%s` applies only to type live (a live stream)", path);
    return 0;
  }
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {duration: 2h, watch: "
             "exponential(20min)}",
             path);
    return 0;
  }
  if (sessions_so_far(c->m) >= WX_LIVE_SESSIONS_MAX) {
    wx__serr(c, n, "`%s`: at most %u live-stream touchpoints", path,
             WX_LIVE_SESSIONS_MAX);
    return 0;
  }
  wx__check_keys(c, n, "session", path);
  wx_live *lv = calloc(1, sizeof *lv);
  if (!lv) return c->nomem = 1, 0;
  t->live = lv;
  return body(c, n, path, lv);
}
