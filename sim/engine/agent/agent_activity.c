/*
 * How lively a group is (model.h act_*, shills): activity in [0, 1] of
 * group i at time t is
 *   A = min(1, initial exp(-decay age) + S(t) + m(t))
 * with age the time since the group opened, S the shills' part and m the
 * members' own (talk).
 *
 * Shills (托): count x boost at full strength until they begin to
 *   withdraw, then falling linearly to 0 over `withdraw`.  They begin at
 *   opening, or, with `until`, once m has reached `until` (the members
 *   know each other by then) -- possibly never.
 * Members: each post of a touchpoint on the module adds post x x to m (x
 *   the post's solitaire multiplier: a 接龙 chain before a session makes
 *   every reply a reminder), capped at 1.  Between posts
 *     dm/dt = chat (n / cap) A (1 - m) - decay m,
 *   n the group's members: a lively, full group talks more, up to
 *   saturation, and everything fades without upkeep.  Once the shills
 *   have gone and the start-up part has faded this is the logistic
 *   dm/dt = m (chat n / cap (1 - m) - decay): a group whose members talk
 *   enough (chat n / cap > decay) keeps going, at m* = 1 - decay cap /
 *   (chat n), and one that does not decays to 0.  Without chat, m decays
 *   exactly (exp(-decay dt)); with it the equation is integrated by the
 *   midpoint rule in steps of at most STEP days, the members counted at
 *   each query (joins and leaves query first, so n is exact between).
 * Functional groups are purpose-bound sessions: the loader refuses chat
 *   for them, so their activity is their start, posts and shills until
 *   the session closes; a session that reopens starts afresh.
 *
 * Activity feeds back into the mechanics: negative feedback events
 * (agent_groups.c) and complaint cascades (agent_cascade.c) are damped by
 * it, churn drawn on joining is cancelled with probability hold x A and
 * move flows (conversion) with convert x (1 - A), at the group joined.
 */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "agent_core.h"
#include "roster.h"

#define STEP 0.05 /* days */

void wx__activity_open(wx_units_rt *u, uint32_t i, double t) {
  u->live[i] = (wx_group_live){
      .m = 0, .t = t, .shill_from = u->cfg->shill_until > 0 ? INFINITY : t};
}

static double shill_part(const wx_units_cfg *c, const wx_group_live *g,
                         double t) {
  if (!(c->shills > 0) || !(c->shill_withdraw > 0)) return 0;
  double since = t - g->shill_from; /* -inf while they have not begun */
  double w = since <= 0 ? 1 : 1 - since / c->shill_withdraw;
  return w > 0 ? c->shills * c->shill_boost * w : 0;
}

/* Everything but m. */
static double outer(const wx_units_rt *u, uint32_t i, double t) {
  const wx_units_cfg *c = u->cfg;
  return c->act_initial * exp(-c->act_decay * (t - u->opened[i])) +
         shill_part(c, &u->live[i], t);
}

static double clamp01(double x) { return x < 1 ? (x > 0 ? x : 0) : 1; }

static double slope(const wx_units_rt *u, uint32_t i, double m, double t,
                    double size) {
  const wx_units_cfg *c = u->cfg;
  double a = clamp01(outer(u, i, t) + m);
  return c->act_chat * size * a * (1 - m) - c->act_decay * m;
}

static void reached(const wx_units_cfg *c, wx_group_live *g) {
  if (c->shill_until > 0 && g->shill_from == INFINITY && g->m >= c->shill_until)
    g->shill_from = g->t;
}

static void advance(wx_units_rt *u, uint32_t i, double t) {
  wx_group_live *g = &u->live[i];
  const wx_units_cfg *c = u->cfg;
  if (!(t > g->t)) return;
  if (!(c->act_chat > 0)) {
    g->m *= exp(-c->act_decay * (t - g->t));
    g->t = t;
    return;
  }
  double size = u->cap > 0 ? (double)u->mem[i].n / u->cap : 0;
  while (g->t < t) {
    double h = fmin(STEP, t - g->t);
    double k1 = slope(u, i, g->m, g->t, size);
    double k2 = slope(u, i, g->m + 0.5 * h * k1, g->t + 0.5 * h, size);
    g->m = clamp01(g->m + h * k2);
    g->t = h < STEP ? t : g->t + h;
    reached(c, g);
  }
}

double wx__group_activity(wx_units_rt *u, uint32_t i, double t) {
  advance(u, i, t);
  return clamp01(outer(u, i, t) + u->live[i].m);
}

void wx__groups_posted(wx_engine *e, uint32_t m, double t, double x) {
  wx_units_rt *u = e->ux ? e->ux->of[m] : NULL;
  if (!u || u->cfg->type != WX_UNITS_GROUPS || !(u->cfg->act_post > 0)) return;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->state[i] != WX_UNIT_OPEN) continue;
    advance(u, i, t);
    wx_group_live *g = &u->live[i];
    g->m = clamp01(g->m + u->cfg->act_post * x);
    reached(u->cfg, g);
  }
}

int wx__activity_keeps(wx_engine *e, wx_units_rt *u, uint32_t f) {
  const wx_units_cfg *c = u->cfg;
  wx_flow_kind kind = e->m->flows[f].kind;
  double x = kind == WX_FLOW_CHURN  ? c->act_hold
             : kind == WX_FLOW_MOVE ? c->act_convert
                                    : 0;
  if (!(x > 0) || u->joined >= u->n) return 0;
  double a = wx__group_activity(u, u->joined, e->now);
  double p = kind == WX_FLOW_CHURN ? x * a : x * (1 - a);
  return p > 0 && gsl_rng_uniform(u->rng) < p;
}
