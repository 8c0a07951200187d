/*
 * `touchpoints:`: broadcasts to a module's members on a schedule, with
 * reach (default per kind, kinds.c), pulses, fatigue, responses (flows
 * marked with the touchpoint), fission, recommendation to non-members,
 * solitaire and cost per post.  Compiled after flows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "kinds.h"
#include "scenario.h"
#include "scenario_pulses.h"
#include "scenario_roster.h"

static int time_of_day(wx_sctx *c, const wx_node *n, const char *path,
                       double *out) {
  const char *s;
  unsigned h, mi;
  char end;
  if (!wx__get_scalar(c, n, path, "a time of day hh:mm", &s)) return 0;
  if (sscanf(s, "%2u:%2u%c", &h, &mi, &end) != 2 || h > 23 || mi > 59 ||
      strlen(s) < 4 || strlen(s) > 5) {
    wx__serr(c, n,
             "`%s`: expected a time of day hh:mm such as \"20:00\", "
             "got \"%.40s\"",
             path, s);
    return 0;
  }
  *out = (h * 60 + mi) / 1440.0;
  return 1;
}

static int weekdays(wx_sctx *c, const wx_node *n, const char *path,
                    unsigned *mask) {
  if (n->type != WX_NODE_SEQ || n->n == 0) {
    wx__serr(c, n, "`%s`: expected a list of weekdays such as [mon, thu]",
             path);
    return 0;
  }
  int ok = 1;
  for (size_t i = 0; i < n->n; i++) {
    const char *s;
    if (!wx__get_scalar(c, n->vals[i], path, "a weekday", &s)) {
      ok = 0;
      continue;
    }
    int d = wx__weekday_parse(s);
    if (d >= 0) {
      *mask |= 1u << d;
      continue;
    }
    const char *names[14];
    char shorts[7][4];
    for (int k = 0; k < 7; k++) {
      snprintf(shorts[k], sizeof shorts[k], "%.3s", wx__weekday_name(k));
      names[k] = shorts[k], names[7 + k] = wx__weekday_name(k);
    }
    char hint[120];
    wx__did_you_mean(hint, sizeof hint, s, names, 14);
    wx__serr(c, n->vals[i],
             "`%s`: unknown weekday `%.40s`%s (use mon, tue, wed, thu, fri, "
             "sat, sun or the full names)",
             path, s, hint);
    ok = 0;
  }
  return ok;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int dates(wx_sctx *c, const wx_node *n, const char *path,
                 wx_schedule *s) {
  if (n->type != WX_NODE_SEQ || n->n == 0) {
    wx__serr(c, n, "`%s`: expected a list such as [2026-02-10, 30d]", path);
    return 0;
  }
  if (!(s->dates = malloc(n->n * sizeof *s->dates))) return c->nomem = 1, 0;
  int ok = 1;
  for (size_t i = 0; i < n->n; i++)
    ok &= wx__get_time(c, n->vals[i], path, &s->dates[i]);
  s->n_dates = (uint32_t)n->n;
  qsort(s->dates, s->n_dates, sizeof *s->dates, cmp_double);
  return ok;
}

static int schedule(wx_sctx *c, const wx_node *n, const char *path,
                    wx_schedule *s) {
  char sub[300];
  const wx_node *x;
  s->until = INFINITY;
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "`%s`: expected a mapping such as {every: 7d}", path);
    return 0;
  }
  wx__check_keys(c, n, "schedule", path);
  int ok = 1;
#define SUB(k) wx__subpath(sub, sizeof sub, path, k)
  if ((x = wx__node_get(n, "every")))
    ok &= wx__get_qty(c, x, WX_Q_DURATION_POS, SUB("every"), &s->every) &&
          wx__check_period(c, n, "every", path, s->every);
  if ((x = wx__node_get(n, "weekdays")))
    ok &= weekdays(c, x, SUB("weekdays"), &s->weekdays);
  if ((x = wx__node_get(n, "dates"))) ok &= dates(c, x, SUB("dates"), s);
  if ((x = wx__node_get(n, "from")))
    ok &= wx__get_time(c, x, SUB("from"), &s->from);
  if ((x = wx__node_get(n, "until")))
    ok &= wx__get_time(c, x, SUB("until"), &s->until);
  if ((x = wx__node_get(n, "at"))) ok &= time_of_day(c, x, SUB("at"), &s->at);
#undef SUB
  if (wx__node_get(n, "every") && wx__node_get(n, "weekdays")) {
    wx__serr(c, n, "`%s`: give `every` or `weekdays`, not both", path);
    return 0;
  }
  if (!wx__node_get(n, "every") && !wx__node_get(n, "weekdays") &&
      !wx__node_get(n, "dates")) {
    wx__serr(c, n, "`%s`: give `every`, `weekdays` or `dates`", path);
    return 0;
  }
  if (ok && s->until < s->from) {
    wx__serr(c, wx__node_get(n, "until"),
             "`%s.until` (%gd) is before "
             "`from` (%gd)",
             path, s->until, s->from);
    return 0;
  }
  return ok;
}

static int pulses(wx_sctx *c, const wx_node *n, const char *path,
                  wx_touchpoint *t) {
  wx__pulse_list l;
  int ok = wx__pulses_parse(c, n, path, 1, &l);
  if (ok) ok = wx__pulses_apply_touchpoint(c, &l, path, t);
  wx__pulses_free(&l);
  return ok;
}

/* One response: a flow from the touchpoint's module marked with it. */
static int response(wx_sctx *c, const wx_node *key, const wx_node *n,
                    const char *path, const wx_touchpoint *t, uint32_t ti,
                    int rec) {
  char sub[320], name[200];
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "`%s`: expected a mapping such as {to: sdr, p: 3%%}", path);
    return 0;
  }
  wx__check_keys(c, n, "response", path);
  const wx_node *to = wx__node_get(n, "to"), *ty = wx__node_get(n, "type");
  const wx_node *p = wx__node_get(n, "p"), *d = wx__node_get(n, "delay");
  wx_flow f = {0};
  snprintf(name, sizeof name, "%s.%s%s", t->name, rec ? "recommend." : "",
           key->str);
  f.name = name;
  f.from = t->module;
  f.tp = ti + 1;
  f.recommend = rec;
  f.pos = (wx_pos){key->line, key->col};
  const char *s = "join";
  wx__subpath(sub, sizeof sub, path, "type");
  if (ty && wx__get_scalar(c, ty, sub, "join or move", &s) &&
      ((strcmp(s, "join") && strcmp(s, "move")) ||
       (rec && strcmp(s, "join")))) {
    wx__serr(c, ty, "`%s`: expected %s, got `%.40s`", sub,
             rec ? "join (viewers are new people)" : "join or move", s);
    return 0;
  }
  f.kind = strcmp(s, "move") ? WX_FLOW_JOIN : WX_FLOW_MOVE;
  wx__subpath(sub, sizeof sub, path, "to");
  int to_ok = to ? wx__target_ref(c, to, sub, &f.target, &f.to) : 0;
  if (to_ok < 0) return 1; /* leads to a disabled module: dropped */
  wx__subpath(sub, sizeof sub, path, "p");
  f.p = p ? wx__param(c, p, WX_Q_PROB, sub, 1)
          : wx__param_default(c, 1.0, sub, key);
  wx__subpath(sub, sizeof sub, path, "delay");
  int d_ok = 1;
  if (d) {
    d_ok = wx__delay_compile(c, d, sub, &f.delay);
  } else {
    f.delay.kind = WX_DIST_FIXED;
    f.delay.p[0] = wx__param_default(c, 0, sub, key);
    f.delay.p[1] = WX_NONE;
  }
  if (to_ok && d_ok && f.p != WX_NONE && wx__sc_add_flow(c, &f) != WX_NONE)
    return 1;
  free(f.delay.edges);
  free(f.delay.weights);
  return 0;
}

static int responses(wx_sctx *c, const wx_node *n, const char *path,
                     const wx_touchpoint *t, uint32_t ti, int rec) {
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "`%s`: expected a mapping of response names", path);
    return 0;
  }
  int ok = 1;
  for (size_t i = 0; i < n->n; i++) {
    char sub[320];
    snprintf(sub, sizeof sub, "%s.%s", path, n->keys[i]->str);
    if (!wx__check_name(c, n->keys[i], "response")) {
      ok = 0;
      continue;
    }
    ok &= response(c, n->keys[i], n->vals[i], sub, t, ti, rec);
  }
  return ok;
}

static int recommend(wx_sctx *c, const wx_node *n, const char *path,
                     wx_touchpoint *t, uint32_t ti) {
  char sub[300];
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {views: 5000, "
             "responses: {...}}",
             path);
    return 0;
  }
  wx__check_keys(c, n, "recommend", path);
  const wx_node *v = wx__node_get(n, "views"),
                *r = wx__node_get(n, "responses");
  if (!v || !r) return 0;
  wx__subpath(sub, sizeof sub, path, "views");
  t->views = wx__param(c, v, WX_Q_NONNEG, sub, 1);
  if (!wx__check_count_mean(c, v, t->views, sub, "views per post"))
    t->views = WX_NONE;
  wx__subpath(sub, sizeof sub, path, "responses");
  return responses(c, r, sub, t, ti, 1) && t->views != WX_NONE;
}

static int solitaire(wx_sctx *c, const wx_node *n, const char *path,
                     wx_touchpoint *t) {
  char sub[300];
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "`%s`: expected a mapping such as {x: 1.5}", path);
    return 0;
  }
  wx__check_keys(c, n, "solitaire", path);
  const wx_node *x = wx__node_get(n, "x");
  if (!x) return 0;
  wx__subpath(sub, sizeof sub, path, "x");
  return (t->solitaire = wx__param(c, x, WX_Q_POSITIVE, sub, 1)) != WX_NONE;
}

static int tp_type(wx_sctx *c, const wx_node *n, const char *path,
                   wx_tp_type *out) {
  static const char *const names[WX_TP_COUNT] = {
      "broadcast", "live", "staff_moments", "enterprise_moments"};
  const char *s;
  if (!n) return 1;
  if (!wx__get_scalar(c, n, path, "a touchpoint type", &s)) return 0;
  for (int i = 0; i < WX_TP_COUNT; i++) {
    if (strcmp(s, names[i])) continue;
    *out = (wx_tp_type)i;
    return 1;
  }
  char hint[120];
  wx__did_you_mean(hint, sizeof hint, s, names, WX_TP_COUNT);
  wx__serr(c, n,
           "`%s`: expected broadcast, live, staff_moments or "
           "enterprise_moments, got `%.40s`%s",
           path, s, hint);
  return 0;
}

/* A scalar parameter with a default when absent. */
static uint32_t opt_param(wx_sctx *c, const wx_node *map, const char *key,
                          wx_qty q, double def, const char *path) {
  char sub[300];
  wx__subpath(sub, sizeof sub, path, key);
  const wx_node *n = wx__node_get(map, key);
  return n ? wx__param(c, n, q, sub, 1) : wx__param_default(c, def, sub, map);
}

static int is_staff(wx_kind k) { return wx__kind_info(k)->staff; }

/* An optional quota key: a whole number >= 1, only for touchpoints of type
 * `type`. */
static int quota(wx_sctx *c, const wx_node *n, const char *key,
                 const char *path, const wx_touchpoint *t, wx_tp_type type,
                 double *out) {
  const wx_node *x = wx__node_get(n, key);
  if (!x) return 1;
  if (t->type != type) {
    wx__serr(
        c, x, "`%s.%s` applies only to type %s", path, key,
        type == WX_TP_STAFF_MOMENTS ? "staff_moments" : "enterprise_moments");
    return 0;
  }
  return wx__units_count(c, n, key, path, out);
}

/* Moments need a staff module.  The quotas are WeCom's (source): on a
 * wecom module they default to 200 recipients per post, once a day per
 * customer and 4 enterprise posts a month; a personal account's Moments
 * have no such quotas (its risk is a ban instead), and enterprise Moments
 * exist only in WeCom. */
static int moments(wx_sctx *c, const wx_node *n, const char *path,
                   wx_touchpoint *t) {
  const wx_module *mod = &c->m->modules[t->module];
  int moments =
      t->type == WX_TP_STAFF_MOMENTS || t->type == WX_TP_ENTERPRISE_MOMENTS;
  int wecom = mod->kind == WX_KIND_WECOM;
  t->recipients_per_post = wecom ? WX_MOMENTS_RECIPIENTS_PER_POST : 0;
  t->posts_per_month = WX_MOMENTS_POSTS_PER_MONTH;
  t->once_per_day = wecom;
  if (moments && !is_staff(mod->kind)) {
    wx__serr(c, wx__node_get(n, "type"),
             "`%s.type`: Moments posts need a staff module (personal_account "
             "or wecom); `%s` is %s",
             path, mod->name, wx__kind_name(mod->kind));
    return 0;
  }
  if (t->type == WX_TP_ENTERPRISE_MOMENTS && !wecom) {
    wx__serr(c, wx__node_get(n, "type"),
             "`%s.type`: enterprise Moments are a WeCom feature; `%s` is a "
             "personal account (use staff_moments)",
             path, mod->name);
    return 0;
  }
  const wx_node *once = wx__node_get(n, "once_per_day");
  if (once && t->type != WX_TP_STAFF_MOMENTS) {
    wx__serr(c, once,
             "`%s.once_per_day` applies only to type "
             "staff_moments",
             path);
    return 0;
  }
  if (once && !wx__get_bool(c, once, path, &t->once_per_day)) return 0;
  int ok = quota(c, n, "recipients_per_post", path, t, WX_TP_STAFF_MOMENTS,
                 &t->recipients_per_post);
  ok &= quota(c, n, "posts_per_month", path, t, WX_TP_ENTERPRISE_MOMENTS,
              &t->posts_per_month);
  if (ok && wecom && t->recipients_per_post > WX_MOMENTS_RECIPIENTS_PER_POST)
    wx__swarn(c, wx__node_get(n, "recipients_per_post"),
              "`%s.recipients_per_post` %g is above WeCom's %g customers per "
              "staff Moments post (source)",
              path, t->recipients_per_post, WX_MOMENTS_RECIPIENTS_PER_POST);
  if (ok && t->posts_per_month > WX_MOMENTS_POSTS_PER_MONTH)
    wx__swarn(c, wx__node_get(n, "posts_per_month"),
              "`%s.posts_per_month` %g is above WeCom's %g enterprise Moments "
              "posts a month (source)",
              path, t->posts_per_month, WX_MOMENTS_POSTS_PER_MONTH);
  return ok;
}

/* The parts of a touchpoint after its module is known. */
static int body(wx_sctx *c, const wx_node *n, const char *path,
                wx_touchpoint *t, uint32_t ti) {
  char sub[300];
  const wx_node *x;
  int ok = 1;
  wx__subpath(sub, sizeof sub, path, "type");
  if (tp_type(c, wx__node_get(n, "type"), sub, &t->type))
    ok &= moments(c, n, path, t);
  else
    ok = 0;
  wx__subpath(sub, sizeof sub, path, "schedule");
  if ((x = wx__node_get(n, "schedule"))) ok &= schedule(c, x, sub, &t->sched);
  double reach = wx__kind_info(c->m->modules[t->module].kind)->default_reach;
  ok &=
      (t->reach = opt_param(c, n, "reach", WX_Q_PROB, reach, path)) != WX_NONE;
  ok &= (t->unfollow = opt_param(c, n, "unfollow", WX_Q_PROB, 0, path)) !=
        WX_NONE;
  ok &= (t->cost = opt_param(c, n, "cost", WX_Q_NONNEG, 0, path)) != WX_NONE;
  wx__subpath(sub, sizeof sub, path, "pulses");
  if ((x = wx__node_get(n, "pulses"))) ok &= pulses(c, x, sub, t);
  wx__subpath(sub, sizeof sub, path, "solitaire");
  t->solitaire = WX_NONE;
  if ((x = wx__node_get(n, "solitaire"))) ok &= solitaire(c, x, sub, t);
  if (t->solitaire == WX_NONE)
    ok &= (t->solitaire = wx__param_default(c, 1, sub, n)) != WX_NONE;
  wx__subpath(sub, sizeof sub, path, "responses");
  if ((x = wx__node_get(n, "responses"))) ok &= responses(c, x, sub, t, ti, 0);
  wx__subpath(sub, sizeof sub, path, "recommend");
  if ((x = wx__node_get(n, "recommend"))) ok &= recommend(c, x, sub, t, ti);
  wx__subpath(sub, sizeof sub, path, "session");
  if ((x = wx__node_get(n, "session"))) ok &= wx__live_compile(c, x, sub, t);
  if (x && t->views != WX_NONE) {
    wx__serr(c, wx__node_get(n, "recommend"),
             "`%s.recommend`: a live stream's recommended viewers are "
             "`session.recommended` (and `session.follow`)",
             path);
    ok = 0;
  }
  wx__subpath(sub, sizeof sub, path, "fission");
  if ((x = wx__node_get(n, "fission")))
    ok &= wx__fission_compile(c, x, sub, t->module, &t->fission);
  return ok;
}

static void free_parts(wx_touchpoint *t) {
  free(t->sched.dates);
  free(t->pulses);
  free(t->fission.delay.edges);
  free(t->fission.delay.weights);
  if (t->live) {
    free(t->live->arrive.edges), free(t->live->arrive.weights);
    free(t->live->watch.edges), free(t->live->watch.weights);
    free(t->live);
  }
}

static void add_touchpoint(wx_sctx *c, const wx_node *key, const wx_node *n) {
  char path[200], sub[260];
  snprintf(path, sizeof path, "touchpoints.%s", key->str);
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {module: oa, schedule: "
             "{every: 7d}}",
             path);
    return;
  }
  wx__check_keys(c, n, "touchpoint", path);
  wx_touchpoint t = {0};
  t.name = key->str;
  t.pos = (wx_pos){key->line, key->col};
  t.views = WX_NONE;
  const wx_node *mn = wx__node_get(n, "module");
  wx__subpath(sub, sizeof sub, path, "module");
  int mod = mn ? wx__module_ref(c, mn, sub, &t.module) : 0;
  if (mod < 0 || !wx__enabled(c, n, path)) return;
  uint32_t ti = c->m->n_touchpoints;
  if (mod != 0 && body(c, n, path, &t, ti) &&
      wx__sc_add_touchpoint(c, &t) != WX_NONE)
    return;
  free_parts(&t);
}

void wx__touchpoints_compile(wx_sctx *c, const wx_node *tps) {
  if (tps->type != WX_NODE_MAP) {
    wx__serr(c, tps,
             "`touchpoints`: expected a mapping of touchpoint "
             "names, got %s",
             wx__node_type_name(tps));
    return;
  }
  for (size_t i = 0; i < tps->n; i++) {
    if (!wx__check_name(c, tps->keys[i], "touchpoint")) continue;
    add_touchpoint(c, tps->keys[i], tps->vals[i]);
  }
}
