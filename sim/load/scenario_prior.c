/*
 * Priors: parameter uncertainty written in place of a value, e.g.
 * p: beta(2, 48) or rate: gamma(shape=4, mean=200/d).  Arguments carry the
 * parameter's unit.  The model keeps the prior and its mean as the
 * nominal value; wx__params_draw (params.c) draws from it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

typedef struct {
  const char *name;
  wx_prior_kind kind;
  const char *args[2];
} prior_info;

static const prior_info priors[] = {
    {"beta", WX_PRIOR_BETA, {"alpha", "beta"}},
    {"gamma", WX_PRIOR_GAMMA, {"shape", "mean"}},
    {"lognormal", WX_PRIOR_LOGNORMAL, {"median", "sigma"}},
    {"uniform", WX_PRIOR_UNIFORM, {"low", "high"}},
    {"normal", WX_PRIOR_NORMAL, {"mean", "sd"}},
};
#define N_PRIORS (sizeof priors / sizeof *priors)

int wx__is_prior_name(const char *name) {
  for (size_t i = 0; i < N_PRIORS; i++)
    if (strcmp(priors[i].name, name) == 0) return 1;
  return 0;
}

/* Which quantity each argument is: the parameter's own, or a plain
 * shape-like number. */
static wx_qty arg_qty(wx_prior_kind k, int i, wx_qty q) {
  if (k == WX_PRIOR_BETA) return WX_Q_POSITIVE;
  if (k == WX_PRIOR_GAMMA && i == 0) return WX_Q_POSITIVE;
  if (k == WX_PRIOR_LOGNORMAL && i == 1) return WX_Q_NONNEG;
  if (k == WX_PRIOR_NORMAL && i == 1 && q == WX_Q_PROB) return WX_Q_PROB;
  return q;
}

static int fill(const prior_info *pi, const double v[2], wx_qty q,
                wx_prior *prior, double *mean, char *msg, size_t cap) {
  prior->kind = pi->kind;
  wx__qty_range(q, &prior->lo, &prior->hi);
  switch (pi->kind) {
    case WX_PRIOR_BETA:
      if (q != WX_Q_PROB) {
        snprintf(msg, cap, "a beta prior is for probabilities only");
        return WX_ESCENARIO;
      }
      prior->a = v[0], prior->b = v[1];
      *mean = v[0] / (v[0] + v[1]);
      return WX_OK;
    case WX_PRIOR_GAMMA:
      if (v[1] <= 0) {
        snprintf(msg, cap, "gamma(shape, mean) needs mean > 0");
        return WX_ESCENARIO;
      }
      prior->a = v[0], prior->b = v[1] / v[0]; /* shape, scale */
      *mean = v[1];
      break;
    case WX_PRIOR_LOGNORMAL:
      if (v[0] <= 0) {
        snprintf(msg, cap, "lognormal(median, sigma) needs median > 0");
        return WX_ESCENARIO;
      }
      prior->a = log(v[0]), prior->b = v[1];
      *mean = v[0] * exp(v[1] * v[1] / 2);
      break;
    case WX_PRIOR_UNIFORM:
      if (v[0] > v[1]) {
        snprintf(msg, cap, "uniform(low, high) needs low <= high");
        return WX_ESCENARIO;
      }
      prior->a = v[0], prior->b = v[1];
      *mean = (v[0] + v[1]) / 2;
      break;
    default:
      prior->a = v[0], prior->b = v[1];
      *mean = v[0];
      break;
  }
  if (*mean >= prior->lo && *mean <= prior->hi && isfinite(*mean)) return WX_OK;
  snprintf(msg, cap, "the prior's mean %g is outside the valid range", *mean);
  return WX_ESCENARIO;
}

int wx__prior_parse(const wx_call *call, wx_qty q, wx_prior *prior,
                    double *mean, char *msg, size_t cap) {
  const prior_info *pi = NULL;
  const char *names[N_PRIORS];
  for (size_t i = 0; i < N_PRIORS; i++) {
    names[i] = priors[i].name;
    if (strcmp(priors[i].name, call->name) == 0) pi = &priors[i];
  }
  if (!pi) {
    char hint[120];
    wx__did_you_mean(hint, sizeof hint, call->name, names, N_PRIORS);
    snprintf(msg, cap,
             "unknown prior `%s`%s (priors: beta, gamma, "
             "lognormal, uniform, normal)",
             call->name, hint);
    return WX_ESCENARIO;
  }
  const char *vals[2];
  if (wx__call_bind(call, pi->args, 2, vals, msg, cap) != WX_OK)
    return WX_ESCENARIO;
  double v[2];
  for (int i = 0; i < 2; i++) {
    if (!vals[i]) {
      snprintf(msg, cap, "%s() needs `%s`", pi->name, pi->args[i]);
      return WX_ESCENARIO;
    }
    char sub[WX_MSG_MAX];
    if (wx__qty_parse(arg_qty(pi->kind, i, q), vals[i], &v[i], sub,
                      sizeof sub) != WX_OK) {
      snprintf(msg, cap, "%s() `%s`: %s", pi->name, pi->args[i], sub);
      return WX_ESCENARIO;
    }
  }
  return fill(pi, v, q, prior, mean, msg, cap);
}
