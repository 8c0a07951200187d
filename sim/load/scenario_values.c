/*
 * Scalars of a scenario: quantities with their valid ranges, booleans,
 * and model parameters (plain values or priors).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "quantity.h"
#include "util.h"

void wx__serr(wx_sctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

void wx__swarn(wx_sctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_OK, NULL, fmt, ap);
  va_end(ap);
}

static int below(const char *what, double x, double lo, int strict,
                 const char *text, char *msg, size_t cap) {
  if (strict ? x > lo : x >= lo) return WX_OK;
  snprintf(msg, cap, "%s must be %s %g, got \"%.60s\"", what,
           strict ? ">" : ">=", lo, text);
  return WX_ESCENARIO;
}

static int parse_weight(const char *text, double *x, char *msg, size_t cap) {
  size_t len = strlen(text);
  char buf[64];
  if (len > 1 && len < sizeof buf && text[len - 1] == '%') {
    memcpy(buf, text, len - 1);
    buf[len - 1] = '\0';
    if (wx__parse_number(buf, x, msg, cap) == WX_OK) {
      *x /= 100;
      return below("a weight", *x, 0, 0, text, msg, cap);
    }
  }
  if (wx__parse_number(text, x, msg, cap) != WX_OK) {
    snprintf(msg, cap, "expected a weight such as 30%% or 3, got \"%.60s\"",
             text);
    return WX_ESCENARIO;
  }
  return below("a weight", *x, 0, 0, text, msg, cap);
}

/* Money is a plain number of CNY: "12h" or "30/d" are not amounts. */
static int parse_money(wx_qty q, const char *text, double *x, char *msg,
                       size_t cap) {
  if (wx__parse_number(text, x, msg, cap) != WX_OK) {
    snprintf(msg, cap,
             "expected an amount of money in CNY such as 120 "
             "(a plain number, no units), got \"%.60s\"",
             text);
    return WX_ESCENARIO;
  }
  return below("an amount of money", *x, 0, q == WX_Q_MONEY_POS, text, msg,
               cap);
}

int wx__qty_parse(wx_qty q, const char *text, double *x, char *msg,
                  size_t cap) {
  uint64_t n = 0; /* read even when the count does not parse */
  int rc;
  switch (q) {
    case WX_Q_DURATION: return wx__parse_duration(text, x, msg, cap);
    case WX_Q_DURATION_POS:
      rc = wx__parse_duration(text, x, msg, cap);
      return rc ? rc : below("this duration", *x, 0, 1, text, msg, cap);
    case WX_Q_RATE: return wx__parse_rate(text, x, msg, cap);
    case WX_Q_PROB: return wx__parse_probability(text, x, msg, cap);
    case WX_Q_COUNT:
      rc = wx__parse_count(text, &n, msg, cap);
      *x = (double)n;
      return rc;
    case WX_Q_POSITIVE:
      rc = wx__parse_number(text, x, msg, cap);
      return rc ? rc : below("this number", *x, 0, 1, text, msg, cap);
    case WX_Q_NONNEG:
      rc = wx__parse_number(text, x, msg, cap);
      return rc ? rc : below("this number", *x, 0, 0, text, msg, cap);
    case WX_Q_WEIGHT: return parse_weight(text, x, msg, cap);
    case WX_Q_MONEY:
    case WX_Q_MONEY_POS: return parse_money(q, text, x, msg, cap);
  }
  return WX_ESCENARIO;
}

void wx__qty_range(wx_qty q, double *lo, double *hi) {
  *lo = 0;
  *hi = q == WX_Q_PROB ? 1.0 : INFINITY;
  /* Strictly positive quantities must not be clamped onto 0. */
  if (q == WX_Q_DURATION_POS || q == WX_Q_POSITIVE || q == WX_Q_MONEY_POS)
    *lo = 1e-12;
}

int wx__get_scalar(wx_sctx *c, const wx_node *n, const char *path,
                   const char *expected, const char **out) {
  if (n->type == WX_NODE_SCALAR) {
    *out = n->str;
    return 1;
  }
  wx__serr(c, n, "`%s`: expected %s, got %s", path, expected,
           wx__node_type_name(n));
  return 0;
}

int wx__get_bool(wx_sctx *c, const wx_node *n, const char *path, int *out) {
  const char *s;
  if (!wx__get_scalar(c, n, path, "true or false", &s)) return 0;
  if (!n->quoted &&
      (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))) {
    *out = 1;
    return 1;
  }
  if (!n->quoted &&
      (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))) {
    *out = 0;
    return 1;
  }
  wx__serr(c, n, "`%s`: expected true or false, got \"%.60s\"", path, s);
  return 0;
}

int wx__get_qty(wx_sctx *c, const wx_node *n, wx_qty q, const char *path,
                double *out) {
  /* Indexed by wx_qty: one name per quantity, in its order. */
  static const char *const names[] = {
      "a duration",        "a duration", "a rate",
      "a probability",     "a count",    "a number",
      "a number",          "a weight",   "an amount of money",
      "an amount of money"};
  _Static_assert(sizeof names / sizeof *names == WX_Q_MONEY_POS + 1,
                 "one name per wx_qty");
  const char *s;
  char msg[WX_MSG_MAX - 100];
  if (!wx__get_scalar(c, n, path, names[q], &s)) return 0;
  if (wx__qty_parse(q, s, out, msg, sizeof msg) == WX_OK) return 1;
  wx__serr(c, n, "`%s`: %s", path, msg);
  return 0;
}

int wx__enabled(wx_sctx *c, const wx_node *map, const char *path) {
  const wx_node *n = wx__node_get(map, "enabled");
  int on = 1;
  char p[200];
  snprintf(p, sizeof p, "%s.enabled", path);
  if (n) wx__get_bool(c, n, p, &on);
  return on;
}

static uint32_t added(wx_sctx *c, uint32_t index) {
  if (index == WX_NONE) c->nomem = 1;
  return index;
}

uint32_t wx__sc_add_module(wx_sctx *c, const char *name, const char *label,
                           wx_kind kind, wx_pos pos) {
  return added(c, wx__model_add_module(c->m, name, label, kind, pos));
}

uint32_t wx__sc_add_outcome(wx_sctx *c, const char *name, const char *label,
                            wx_pos pos) {
  return added(c, wx__model_add_outcome(c->m, name, label, pos));
}

uint32_t wx__sc_add_flow(wx_sctx *c, const wx_flow *f) {
  return added(c, wx__model_add_flow(c->m, f));
}

uint32_t wx__sc_add_source(wx_sctx *c, const wx_source *s) {
  return added(c, wx__model_add_source(c->m, s));
}

uint32_t wx__sc_add_stage(wx_sctx *c, const wx_funnel_stage *s) {
  return added(c, wx__model_add_stage(c->m, s));
}

uint32_t wx__sc_add_target(wx_sctx *c, const wx_kpi_target *t) {
  return added(c, wx__model_add_target(c->m, t));
}

uint32_t wx__sc_add_touchpoint(wx_sctx *c, const wx_touchpoint *t) {
  return added(c, wx__model_add_touchpoint(c->m, t));
}

static uint32_t add_param(wx_sctx *c, double value, const wx_prior *prior,
                          const char *path, const wx_node *pos) {
  wx_pos at = {pos ? pos->line : 0, pos ? pos->col : 0};
  uint32_t i = added(c, wx__model_add_param(c->m, value, path, at));
  if (i == WX_NONE) return WX_NONE;
  if (prior) c->m->params[i].prior = *prior;
  return i;
}

uint32_t wx__param_default(wx_sctx *c, double value, const char *path,
                           const wx_node *pos) {
  return add_param(c, value, NULL, path, pos);
}

static uint32_t prior_param(wx_sctx *c, const wx_node *n, wx_qty q,
                            const char *path) {
  wx_call call;
  wx_prior prior;
  double mean;
  char msg[WX_MSG_MAX - 100];
  if (wx__call_parse(n->str, &call, msg, sizeof msg) != WX_OK ||
      wx__prior_parse(&call, q, &prior, &mean, msg, sizeof msg) != WX_OK) {
    wx__serr(c, n, "`%s`: %s", path, msg);
    return WX_NONE;
  }
  return add_param(c, mean, &prior, path, n);
}

uint32_t wx__param(wx_sctx *c, const wx_node *n, wx_qty q, const char *path,
                   int allow_prior) {
  double x;
  if (n->type == WX_NODE_SCALAR && wx__is_call(n->str)) {
    if (allow_prior) return prior_param(c, n, q, path);
    wx__serr(c, n,
             "`%s`: a prior such as `%.60s` is not allowed here; write a "
             "plain value",
             path, n->str);
    return WX_NONE;
  }
  if (!wx__get_qty(c, n, q, path, &x)) return WX_NONE;
  return add_param(c, x, NULL, path, n);
}

int wx__opt_param(wx_sctx *c, const wx_node *map, const char *key, wx_qty q,
                  const char *path, uint32_t *out) {
  char sub[300];
  const wx_node *n = wx__node_get(map, key);
  *out = WX_NONE;
  if (!n) return 1;
  wx__subpath(sub, sizeof sub, path, key);
  *out = wx__param(c, n, q, sub, 1);
  return *out != WX_NONE;
}
