/*
 * Whole-model checks that no single key can make: exclusive branches that
 * add up above 100% and cycles of instant flows.  (Whether a run fits in
 * memory depends on the run: memory.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  wx__serr(c, &at, "the move and churn flows out of module `%s` are "
           "exclusive branches but their probabilities add up to %g%% "
           "(more than 100%%): %s; use type join for independent flows",
           m->modules[mi].name, sum * 100, list);
}

void wx__check_exclusive(wx_sctx *c) {
  for (uint32_t i = 0; i < c->m->n_modules; i++) check_module_sum(c, i);
}

/* A flow that fires at once into a module: a step of a possible loop. */
static int instant(const wx_model *m, const wx_flow *f) {
  if (f->target != WX_TARGET_MODULE || f->delay.kind != WX_DIST_FIXED)
    return 0;
  const wx_param *v = &m->params[f->delay.p[0]];
  const wx_param *p = &m->params[f->p];
  return v->prior.kind == WX_PRIOR_NONE && v->value == 0 &&
         !(p->prior.kind == WX_PRIOR_NONE && p->value == 0);
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
      wx__serr(c, &at, "flows %s form a cycle in which every delay is a "
               "fixed 0d, so time would never advance; give one of them a "
               "delay", list);
      return 1;
    }
    if (state[fl->to] == 0 && dfs(c, fl->to, state, stack, depth + 1))
      return 1;
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
