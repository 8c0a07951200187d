/*
 * Delay distributions in their three forms: a duration ("2d" = fixed), a
 * call ("gamma(shape=2, mean=5d)") and a mapping ({dist: gamma, shape: 2,
 * mean: 5d}).  Only the mapping form may hold priors in its arguments.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"
#include "scenario.h"

typedef struct {
  const char *name;
  wx_dist_kind kind;
  int n_args;
  const char *args[2];
  wx_qty qty[2];
} dist_info;

static const dist_info dists[] = {
    {"fixed", WX_DIST_FIXED, 1, {"value", NULL}, {WX_Q_DURATION}},
    {"exponential",
     WX_DIST_EXPONENTIAL,
     1,
     {"mean", NULL},
     {WX_Q_DURATION_POS}},
    {"exp", WX_DIST_EXPONENTIAL, 1, {"mean", NULL}, {WX_Q_DURATION_POS}},
    {"uniform",
     WX_DIST_UNIFORM,
     2,
     {"low", "high"},
     {WX_Q_DURATION, WX_Q_DURATION}},
    {"gamma",
     WX_DIST_GAMMA,
     2,
     {"shape", "mean"},
     {WX_Q_POSITIVE, WX_Q_DURATION_POS}},
    {"erlang",
     WX_DIST_GAMMA,
     2,
     {"shape", "mean"},
     {WX_Q_POSITIVE, WX_Q_DURATION_POS}},
    {"lognormal",
     WX_DIST_LOGNORMAL,
     2,
     {"median", "sigma"},
     {WX_Q_DURATION_POS, WX_Q_NONNEG}},
    {"weibull",
     WX_DIST_WEIBULL,
     2,
     {"shape", "scale"},
     {WX_Q_POSITIVE, WX_Q_DURATION_POS}},
    {"empirical", WX_DIST_EMPIRICAL, 0, {NULL, NULL}, {0}},
};
#define N_DISTS (sizeof dists / sizeof *dists)

static const dist_info *find_dist(wx_sctx *c, const wx_node *at,
                                  const char *name, const char *path) {
  const char *names[N_DISTS];
  for (size_t i = 0; i < N_DISTS; i++) {
    names[i] = dists[i].name;
    if (strcmp(dists[i].name, name) == 0) return &dists[i];
  }
  char hint[200];
  wx__did_you_mean_list(hint, sizeof hint, name, names, N_DISTS,
                        "distributions");
  wx__serr(c, at, "`%s`: unknown delay distribution `%.60s`%s", path, name,
           hint);
  return NULL;
}

/* Durations read as money under wx__value_compile. */
static wx_qty qty(const wx_sctx *c, wx_qty q) {
  if (!c->money) return q;
  if (q == WX_Q_DURATION) return WX_Q_MONEY;
  if (q == WX_Q_DURATION_POS) return WX_Q_MONEY_POS;
  return q;
}

/* A parameter from argument text; `at` gives the position. */
static uint32_t arg_param(wx_sctx *c, const wx_node *at, const char *text,
                          wx_qty q, const char *path) {
  wx_node tmp = *at;
  tmp.type = WX_NODE_SCALAR;
  tmp.str = (char *)text;
  tmp.len = strlen(text);
  return wx__param(c, &tmp, qty(c, q), path, 0);
}

/* Checks that need parameter values: erlang's whole shape, uniform's
 * order.  Uncertain parameters are checked at their nominal value. */
static int check_values(wx_sctx *c, const dist_info *di, const wx_dist *out,
                        const wx_node *at, const char *path) {
  const wx_param *p = c->m->params;
  if (!strcmp(di->name, "erlang")) {
    double k = p[out->p[0]].value;
    if (p[out->p[0]].prior.kind != WX_PRIOR_NONE || k != floor(k)) {
      wx__serr(c, at,
               "`%s`: erlang shape must be a whole number, got %g "
               "(use gamma for any shape)",
               path, k);
      return 0;
    }
  }
  if (di->kind == WX_DIST_UNIFORM && p[out->p[0]].value > p[out->p[1]].value) {
    char lo[32], hi[32];
    wx__serr(c, at, "`%s`: uniform low (%s) is above high (%s)", path,
             wx__fmt_duration(lo, p[out->p[0]].value),
             wx__fmt_duration(hi, p[out->p[1]].value));
    return 0;
  }
  return 1;
}

/* Builds parameters from texts[i] (NULL = missing) placed at nodes[i]. */
static int make_params(wx_sctx *c, const dist_info *di, const char **texts,
                       const wx_node **nodes, int allow_prior, const char *path,
                       wx_dist *out) {
  int ok = 1;
  for (int i = 0; i < di->n_args; i++) {
    char sub[200];
    snprintf(sub, sizeof sub, "%s.%s", path, di->args[i]);
    if (!texts[i]) {
      wx__serr(c, nodes[i], "`%s`: %s needs `%s`", path, di->name, di->args[i]);
      ok = 0;
      continue;
    }
    out->p[i] = allow_prior ? wx__param(c, nodes[i], qty(c, di->qty[i]), sub, 1)
                            : arg_param(c, nodes[i], texts[i], di->qty[i], sub);
    if (out->p[i] == WX_NONE) ok = 0;
  }
  out->kind = di->kind;
  return ok && check_values(c, di, out, nodes[0], path);
}

static int from_call(wx_sctx *c, const wx_node *n, const char *path,
                     wx_dist *out) {
  wx_call call;
  char msg[WX_MSG_MAX - 100];
  if (wx__call_parse(n->str, &call, msg, sizeof msg) != WX_OK) {
    wx__serr(c, n, "`%s`: %s", path, msg);
    return 0;
  }
  const dist_info *di = find_dist(c, n, call.name, path);
  if (!di) return 0;
  if (di->kind == WX_DIST_EMPIRICAL) {
    wx__serr(c, n,
             "`%s`: write an empirical delay as a mapping {dist: "
             "empirical, bins: [...], weights: [...]}",
             path);
    return 0;
  }
  const char *texts[2];
  if (wx__call_bind(&call, di->args, di->n_args, texts, msg, sizeof msg)) {
    wx__serr(c, n, "`%s`: %s", path, msg);
    return 0;
  }
  const wx_node *nodes[2] = {n, n};
  return make_params(c, di, texts, nodes, 0, path, out);
}

/* Reads a sequence of quantities into a new array of *len doubles. */
static double *read_list(wx_sctx *c, const wx_node *n, wx_qty q,
                         const char *path, uint32_t *len) {
  if (n->type != WX_NODE_SEQ || n->n == 0) {
    wx__serr(c, n, "`%s`: expected a non-empty sequence such as [0d, 1d, 3d]",
             path);
    return NULL;
  }
  double *v = malloc(n->n * sizeof *v);
  if (!v) {
    c->nomem = 1;
    return NULL;
  }
  int ok = 1;
  for (size_t i = 0; i < n->n; i++)
    ok &= wx__get_qty(c, n->vals[i], q, path, &v[i]);
  if (!ok) {
    free(v);
    return NULL;
  }
  *len = (uint32_t)n->n;
  return v;
}

static int empirical_ok(wx_sctx *c, const wx_node *map, const wx_dist *out,
                        uint32_t n_edges, uint32_t n_weights,
                        const char *path) {
  const wx_node *bins = wx__node_get(map, "bins");
  const wx_node *weights = wx__node_get(map, "weights");
  if (n_edges < 2) {
    wx__serr(c, bins, "`%s.bins`: give at least two bin edges", path);
    return 0;
  }
  for (uint32_t i = 1; i < n_edges; i++) {
    if (out->edges[i] > out->edges[i - 1]) continue;
    char a[32], b[32];
    wx__serr(c, bins->vals[i],
             "`%s.bins`: bin edges must be strictly "
             "ascending (%s after %s)",
             path, wx__fmt_duration(a, out->edges[i]),
             wx__fmt_duration(b, out->edges[i - 1]));
    return 0;
  }
  if (n_weights != n_edges - 1) {
    wx__serr(c, weights, "`%s.weights`: %u bins need %u weights, got %u", path,
             n_edges - 1, n_edges - 1, n_weights);
    return 0;
  }
  double sum = 0;
  for (uint32_t i = 0; i < n_weights; i++) sum += out->weights[i];
  if (sum > 0) return 1;
  wx__serr(c, weights, "`%s.weights`: the weights are all zero", path);
  return 0;
}

static int empirical(wx_sctx *c, const wx_node *map, const char *path,
                     wx_dist *out) {
  const wx_node *bins = wx__node_get(map, "bins");
  const wx_node *weights = wx__node_get(map, "weights");
  char sub[200];
  if (!bins || !weights) {
    wx__serr(c, map, "`%s`: empirical needs `bins` and `weights`", path);
    return 0;
  }
  uint32_t ne = 0, nw = 0;
  snprintf(sub, sizeof sub, "%s.bins", path);
  out->edges = read_list(c, bins, qty(c, WX_Q_DURATION), sub, &ne);
  snprintf(sub, sizeof sub, "%s.weights", path);
  out->weights = read_list(c, weights, WX_Q_WEIGHT, sub, &nw);
  out->kind = WX_DIST_EMPIRICAL;
  out->n_bins = ne ? ne - 1 : 0;
  out->p[0] = out->p[1] = WX_NONE;
  if (out->edges && out->weights && empirical_ok(c, map, out, ne, nw, path))
    return 1;
  free(out->edges);
  free(out->weights);
  out->edges = out->weights = NULL;
  return 0;
}

static int from_map(wx_sctx *c, const wx_node *n, const char *path,
                    wx_dist *out) {
  wx__check_keys(c, n, "delay", path);
  const wx_node *dn = wx__node_get(n, "dist");
  const char *name;
  if (!dn || !wx__get_scalar(c, dn, path, "a distribution name", &name))
    return 0;
  const dist_info *di = find_dist(c, dn, name, path);
  if (!di) return 0;
  static const char *const all[] = {"value", "mean",   "low",   "high",
                                    "shape", "median", "sigma", "scale",
                                    "bins",  "weights"};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    int used = (di->args[0] && !strcmp(all[i], di->args[0])) ||
               (di->args[1] && !strcmp(all[i], di->args[1])) ||
               (di->kind == WX_DIST_EMPIRICAL && i >= 8);
    if (!used && wx__node_get(n, all[i]))
      wx__serr(c, wx__node_key(n, all[i]),
               "`%s`: `%s` does not apply to "
               "dist %s",
               path, all[i], di->name);
  }
  if (di->kind == WX_DIST_EMPIRICAL) return empirical(c, n, path, out);
  const char *texts[2] = {NULL, NULL};
  const wx_node *nodes[2] = {n, n};
  for (int i = 0; i < di->n_args; i++) {
    const wx_node *a = wx__node_get(n, di->args[i]);
    if (a) nodes[i] = a, texts[i] = a->type == WX_NODE_SCALAR ? a->str : "";
  }
  return make_params(c, di, texts, nodes, 1, path, out);
}

int wx__delay_compile(wx_sctx *c, const wx_node *n, const char *path,
                      wx_dist *out) {
  memset(out, 0, sizeof *out);
  out->p[0] = out->p[1] = WX_NONE;
  if (n->type == WX_NODE_MAP) return from_map(c, n, path, out);
  if (n->type == WX_NODE_SEQ) {
    wx__serr(c, n,
             "`%s`: expected a delay such as 2d, exponential(3d) or "
             "{dist: exponential, mean: 3d}, got a sequence",
             path);
    return 0;
  }
  if (wx__is_call(n->str)) return from_call(c, n, path, out);
  out->kind = WX_DIST_FIXED;
  out->p[0] = wx__param(c, n, qty(c, WX_Q_DURATION), path, 0);
  return out->p[0] != WX_NONE;
}

int wx__value_compile(wx_sctx *c, const wx_node *n, const char *path,
                      wx_dist *out) {
  c->money = 1;
  int ok = wx__delay_compile(c, n, path, out);
  c->money = 0;
  return ok;
}
