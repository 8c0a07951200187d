/*
 * Whole-model checks that no single key can make: exclusive branches that
 * add up above 100% (or do so on a pulse's day) and cycles of instant
 * flows.  (Whether a run fits in
 * memory depends on the run: memory_guard.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "dist.h"
#include "scenario.h"
#include "util.h"

static wx_node at_pos(wx_pos p) {
  wx_node n = {0};
  n.line = p.line;
  n.col = p.col;
  return n;
}

static void check_module_sum(wx_sctx *c, uint32_t mi) {
  const wx_model *m = c->m;
  double sum = 0;
  uint32_t last = WX_NONE;
  char list[WX_MSG_MAX / 2] = "";
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->from != mi || fl->kind == WX_FLOW_JOIN || fl->tp) continue;
    double p = m->params[fl->p].value;
    sum += p;
    last = f;
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s%s %g%%", len ? ", " : "",
             fl->name, p * 100);
  }
  if (last == WX_NONE || sum <= 1 + 1e-9) return;
  wx_node at = at_pos(m->flows[last].pos);
  wx__serr(c, &at,
           "the move and churn flows out of module `%s` are "
           "exclusive branches but their probabilities add up to %g%% "
           "(more than 100%%): %s; use type join for independent flows",
           m->modules[mi].name, sum * 100, list);
}

static int exclusive_of(const wx_flow *fl, uint32_t mi) {
  return fl->from == mi && fl->kind != WX_FLOW_JOIN && !fl->tp;
}

/* Flow fl's nominal p on day `day`, its pulse included, at most 1. */
static double pulsed_p(const wx_model *m, const wx_flow *fl, double day) {
  double p = m->params[fl->p].value;
  for (uint32_t k = 0; k < fl->n_pulses; k++)
    if (fl->pulses[k].day == day) p *= m->params[fl->pulses[k].x].value;
  return p > 0 ? (p < 1 ? p : 1) : 0;
}

/* On a day a pulse pushes the exclusive branches of module mi above 100%
 * (at nominal values) the engine scales them down to add up to 100%
 * (agent_pulse.c): the other branches lose what the pulsed one gains.
 * Warned of once, at the first such pulse. */
static void warn_pulsed_sum(wx_sctx *c, uint32_t mi) {
  const wx_model *m = c->m;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (!exclusive_of(fl, mi)) continue;
    for (uint32_t k = 0; k < fl->n_pulses && fl->pulses[k].day < m->horizon;
         k++) {
      double sum = 0;
      for (uint32_t g = 0; g < m->n_flows; g++)
        if (exclusive_of(&m->flows[g], mi))
          sum += pulsed_p(m, &m->flows[g], fl->pulses[k].day);
      if (sum <= 1 + 1e-9) continue;
      int y;
      unsigned mo, d;
      wx__civil_from_days(m->start_day + (int32_t)fl->pulses[k].day, &y, &mo,
                          &d);
      wx_node at = at_pos(fl->pulses_pos);
      wx__swarn(c, &at,
                "flow `%s`: on %04d-%02u-%02u its pulse takes the move and "
                "churn flows out of `%s` to %g%% in all; they are scaled "
                "down to add up to 100%% for whoever joins that day",
                fl->name, y, mo, d, m->modules[mi].name, sum * 100);
      return;
    }
  }
}

void wx__check_exclusive(wx_sctx *c) {
  for (uint32_t i = 0; i < c->m->n_modules; i++) {
    check_module_sum(c, i);
    warn_pulsed_sum(c, i);
  }
}

/* Delays of at most one second are "instant" for the cycle check: a
 * loop of them makes so many events per simulated day that the run would
 * not end in practice, even when time does creep forward. */
#define WX_MIN_CYCLE_DELAY (1.0 / 86400)

/* Whether parameter `pi` can take a value <= x in some replication. */
static int param_can_be_at_most(const wx_model *m, uint32_t pi, double x) {
  if (pi == WX_NONE) return 0;
  const wx_param *v = &m->params[pi];
  switch (v->prior.kind) {
    case WX_PRIOR_NONE: return v->value <= x;
    case WX_PRIOR_UNIFORM: return v->prior.a <= x;
    case WX_PRIOR_NORMAL: return v->prior.lo <= x || v->value <= x;
    case WX_PRIOR_BETA: return 1;  /* support down to 0 */
    default: return v->value <= x; /* gamma, lognormal: positive draws */
  }
}

/* Whether parameter `pi` can take a value >= x in some replication. */
static int param_can_be_at_least(const wx_model *m, uint32_t pi, double x) {
  if (pi == WX_NONE) return 0;
  const wx_param *v = &m->params[pi];
  switch (v->prior.kind) {
    case WX_PRIOR_NONE: return v->value >= x;
    case WX_PRIOR_UNIFORM: return v->prior.b >= x;
    case WX_PRIOR_BETA: return v->value >= x;
    default: return v->prior.hi >= x;
  }
}

/* Whether every draw of d can be ~0 in some replication: the parameter
 * that sets its scale (the largest value, or the mean) can be tiny. */
int wx__dist_can_stall(const wx_model *m, const wx_dist *d) {
  const double x = WX_MIN_CYCLE_DELAY;
  switch (d->kind) {
    case WX_DIST_FIXED:
    case WX_DIST_EXPONENTIAL:
    case WX_DIST_LOGNORMAL: return param_can_be_at_most(m, d->p[0], x);
    case WX_DIST_UNIFORM:
    case WX_DIST_GAMMA:
    case WX_DIST_WEIBULL: return param_can_be_at_most(m, d->p[1], x);
    case WX_DIST_EMPIRICAL: return d->n_bins > 0 && d->edges[d->n_bins] <= x;
    default: return 0;
  }
}

/* A flow that fires at once into a module: a step of a possible loop. */
static int instant(const wx_model *m, const wx_flow *f) {
  if (f->target != WX_TARGET_MODULE || !wx__dist_can_stall(m, &f->delay))
    return 0;
  const wx_param *p = &m->params[f->p];
  return !(p->prior.kind == WX_PRIOR_NONE && p->value == 0);
}

/* Depth-first search over instant flows; state 1 = on the stack. */
static int dfs(wx_sctx *c, uint32_t mod, char *state, uint32_t *stack,
               uint32_t depth) {
  const wx_model *m = c->m;
  state[mod] = 1;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->from != mod || fl->tp || !instant(m, fl)) continue;
    stack[depth] = f;
    if (state[fl->to] == 1) {
      char list[WX_MSG_MAX / 2] = "";
      uint32_t start = depth;
      while (start > 0 && m->flows[stack[start]].from != fl->to) start--;
      for (uint32_t i = start; i <= depth; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i > start ? " -> " : "",
                 m->flows[stack[i]].name);
      }
      wx_node at = at_pos(fl->pos);
      wx__serr(c, &at,
               "flows %s form a cycle in which every delay can be 0 "
               "(at most 1s), so time would never advance; give one of "
               "them a delay that cannot be 0",
               list);
      return 1;
    }
    if (state[fl->to] == 0 && dfs(c, fl->to, state, stack, depth + 1)) return 1;
  }
  state[mod] = 2;
  return 0;
}

void wx__check_zero_delay_cycles(wx_sctx *c) {
  uint32_t n = c->m->n_modules;
  char *state = calloc(n + 1, 1);
  uint32_t *stack = calloc(c->m->n_flows + 1, sizeof *stack);
  if (!state || !stack) {
    c->nomem = 1;
  } else {
    for (uint32_t i = 0; i < n; i++)
      if (state[i] == 0 && dfs(c, i, state, stack, 0)) break;
  }
  free(state);
  free(stack);
}

int wx__check_period(wx_sctx *c, const wx_node *map, const char *key,
                     const char *path, double days) {
  const wx_node *n = wx__node_get(map, key);
  if (!n || !(days > 0) || days >= WX_MIN_PERIOD) return 1;
  wx__serr(c, n, "`%s.%s`: at most once a minute; got %gs", path, key,
           days * 86400);
  return 0;
}

int wx__check_count_mean(wx_sctx *c, const wx_node *n, uint32_t pi,
                         const char *path, const char *per) {
  if (pi == WX_NONE || !(c->m->params[pi].value > WX_COUNT_MEAN_MAX)) return 1;
  wx__serr(c, n, "`%s`: at most %g %s can be drawn, got %g", path,
           WX_COUNT_MEAN_MAX, per, c->m->params[pi].value);
  return 0;
}

/* An outcome that repeats for sure after a delay that can be 0 would
 * repeat forever at one instant. */
void wx__check_repeat_stalls(wx_sctx *c) {
  const wx_model *m = c->m;
  for (uint32_t i = 0; i < m->n_outcomes; i++) {
    const wx_outcome *o = &m->outcomes[i];
    if (!o->has_repeat || !param_can_be_at_least(m, o->repeat_p, 1) ||
        !wx__dist_can_stall(m, &o->repeat_delay))
      continue;
    wx_node at = at_pos(o->pos);
    wx__serr(c, &at,
             "outcome `%s` repeats with p 100%% after a delay that "
             "can be 0 (at most 1s), so time would never advance; give "
             "`repeat.p` below 100%% or a delay that cannot be 0",
             o->name);
  }
}
