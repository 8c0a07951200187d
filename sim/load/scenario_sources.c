/*
 * `sources:`: an initial population, a constant Poisson rate, or a
 * piecewise-constant schedule of rates (steps `from` a duration or a
 * date), either with festival pulses (scenario_pulses.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"
#include "scenario.h"
#include "scenario_pulses.h"

static int step_ok(wx_sctx *c, const wx_node *step, const char *path, size_t i,
                   double prev, double *from) {
  const wx_node *fn = wx__node_get(step, "from");
  char sub[260];
  wx__subpath(sub, sizeof sub, path, "from");
  if (!fn || !wx__get_time(c, fn, sub, from)) return 0;
  if (i == 0 && *from != 0) {
    char a[32];
    wx__serr(c, fn,
             "`%s`: the first step of a schedule must start at 0d (the "
             "start date), got %s",
             path, wx__fmt_duration(a, *from));
    return 0;
  }
  if (i > 0 && *from <= prev) {
    char a[32], b[32];
    wx__serr(c, fn,
             "`%s`: schedule steps must have increasing `from`: %s "
             "comes after %s",
             path, wx__fmt_duration(a, *from), wx__fmt_duration(b, prev));
    return 0;
  }
  return 1;
}

/* Fills s->steps (malloc'd) from a schedule; 0 after reporting. */
static int schedule(wx_sctx *c, const wx_node *sched, const char *path,
                    wx_source *s) {
  if (sched->type != WX_NODE_SEQ || sched->n == 0) {
    wx__serr(c, sched,
             "`%s`: expected a non-empty sequence of steps such as "
             "[{from: 0d, rate: 100/d}]",
             path);
    return 0;
  }
  s->steps = calloc(sched->n, sizeof *s->steps);
  if (!s->steps) return c->nomem = 1, 0;
  int ok = 1;
  double prev = 0;
  for (size_t i = 0; i < sched->n; i++) {
    const wx_node *step = sched->vals[i];
    char sub[240], where[280];
    snprintf(sub, sizeof sub, "%s.%zu", path, i);
    if (step->type != WX_NODE_MAP) {
      wx__serr(c, step,
               "`%s`: expected a step such as {from: 0d, rate: "
               "100/d}, got %s",
               sub, wx__node_type_name(step));
      ok = 0;
      continue;
    }
    snprintf(where, sizeof where, "schedule step `%s`", sub);
    wx__check_keys(c, step, "step", where);
    double from = 0;
    ok &= step_ok(c, step, sub, i, prev, &from);
    prev = from;
    const wx_node *rn = wx__node_get(step, "rate");
    snprintf(sub, sizeof sub, "%s.%zu.rate", path, i);
    s->steps[i].from = from;
    s->steps[i].rate = rn ? wx__param(c, rn, WX_Q_RATE, sub, 1) : WX_NONE;
    ok &= s->steps[i].rate != WX_NONE;
  }
  s->n_steps = (uint32_t)sched->n;
  return ok;
}

/* Exactly one of initial, rate, schedule; 0 after reporting. */
static int one_form(wx_sctx *c, const wx_node *src, const wx_node *key) {
  static const char *const forms[] = {"initial", "rate", "schedule"};
  const char *given[3];
  int n = 0;
  for (int i = 0; i < 3; i++)
    if (wx__node_get(src, forms[i])) given[n++] = forms[i];
  if (n == 1) return 1;
  if (n == 0)
    wx__serr(c, src,
             "source `%s` needs one of `initial`, `rate` or "
             "`schedule`",
             key->str);
  else
    wx__serr(c, src,
             "source `%s` has both `%s` and `%s`; give exactly one "
             "of initial, rate, schedule",
             key->str, given[0], given[1]);
  return 0;
}

static int compile_body(wx_sctx *c, const wx_node *src, const char *path,
                        wx_source *s) {
  char sub[200];
  const wx_node *n;
  if ((n = wx__node_get(src, "initial"))) {
    snprintf(sub, sizeof sub, "%s.initial", path);
    s->kind = WX_SOURCE_INITIAL;
    s->count = wx__param(c, n, WX_Q_COUNT, sub, 1);
    return s->count != WX_NONE;
  }
  s->kind = WX_SOURCE_POISSON;
  if ((n = wx__node_get(src, "schedule"))) {
    snprintf(sub, sizeof sub, "%s.schedule", path);
    return schedule(c, n, sub, s);
  }
  n = wx__node_get(src, "rate");
  snprintf(sub, sizeof sub, "%s.rate", path);
  s->steps = calloc(1, sizeof *s->steps);
  if (!s->steps) return c->nomem = 1, 0;
  s->n_steps = 1;
  s->steps[0].rate = wx__param(c, n, WX_Q_RATE, sub, 1);
  return s->steps[0].rate != WX_NONE;
}

/* Keys of ads and campaigns need their `type`. */
static int plain_only(wx_sctx *c, const wx_node *src, const char *path) {
  static const char *const typed[] = {
      "budget",     "cpm",   "ctr",   "convert",  "from",
      "until",      "count", "at",    "cost",     "fission",
      "saturation", "shape", "curve", "audience", "frequency_cap"};
  int ok = 1;
  for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
    const wx_node *k = wx__node_key(src, typed[i]);
    if (!k) continue;
    wx__serr(c, k, "`%s`: `%s` needs `type: ads` or `type: campaign`", path,
             typed[i]);
    ok = 0;
  }
  return ok;
}

/* `pulses:` multiply the arrival rate of a rate or schedule source. */
static int source_pulses(wx_sctx *c, const wx_node *src, const char *path,
                         wx_source *s) {
  const wx_node *n = wx__node_get(src, "pulses");
  if (!n) return 1;
  char sub[200];
  wx__subpath(sub, sizeof sub, path, "pulses");
  if (s->kind != WX_SOURCE_POISSON) {
    wx__serr(c, wx__node_key(src, "pulses"),
             "`%s`: pulses multiply an arrival rate: give the source `rate` "
             "or `schedule` (ads and campaigns have `from`/`until` or `at`)",
             sub);
    return 0;
  }
  wx__pulse_list l;
  int ok = wx__pulses_parse(c, n, sub, 0, &l);
  if (ok) ok = wx__pulses_apply_source(c, &l, sub, s);
  wx__pulses_free(&l);
  return ok;
}

static void add_source(wx_sctx *c, const wx_node *key, const wx_node *src) {
  char path[160], where[160];
  snprintf(path, sizeof path, "sources.%s", key->str);
  snprintf(where, sizeof where, "source `%s`", key->str);
  if (src->type != WX_NODE_MAP) {
    wx__serr(c, src,
             "`%s`: expected a mapping such as {into: oa, rate: "
             "200/d}, got %s",
             path, wx__node_type_name(src));
    return;
  }
  wx__check_keys(c, src, "source", where);
  wx_source s = {0};
  s.name = key->str;
  s.pos = (wx_pos){key->line, key->col};
  const wx_node *in = wx__node_get(src, "into");
  const char *into = NULL;
  char sub[200];
  snprintf(sub, sizeof sub, "%s.into", path);
  if (in && !wx__get_scalar(c, in, sub, "a module name", &into)) in = NULL;
  if (!wx__enabled(c, src, path) || (into && wx__module_disabled(c, into)))
    return;
  int ok = in != NULL;
  if (into && (s.to = wx__model_find_module(c->m, into)) == WX_NONE) {
    wx__unknown_module(c, in, sub, into);
    ok = 0;
  }
  if (wx__node_get(src, "type"))
    ok &= wx__typed_source(c, src, path, &s);
  else
    ok &= plain_only(c, src, path) && one_form(c, src, key) &&
          compile_body(c, src, path, &s);
  if (ok) ok = source_pulses(c, src, path, &s);
  if (ok) wx__sc_add_source(c, &s);
  if (!ok || c->nomem) {
    free(s.fission.delay.edges);
    free(s.fission.delay.weights);
  }
  free(s.steps);
}

void wx__sources_compile(wx_sctx *c, const wx_node *sources) {
  if (sources->type != WX_NODE_MAP) {
    wx__serr(c, sources,
             "`sources`: expected a mapping of source names, got "
             "%s",
             wx__node_type_name(sources));
    return;
  }
  for (size_t i = 0; i < sources->n; i++) {
    if (!wx__check_name(c, sources->keys[i], "source")) continue;
    add_source(c, sources->keys[i], sources->vals[i]);
  }
}
