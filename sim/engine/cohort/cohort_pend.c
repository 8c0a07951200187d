/*
 * How many firings of one delayed touchpoint response a person may have
 * pending in the cohort engine's states (docs/cohort.md, "Touchpoints").
 *
 * A member holds one firing per post that reached them, that they took
 * and that is still pending.  Were a member reached with k already
 * pending and took it again, the state would need k + 1: the run stops
 * there (cohort_post.c), never silently, so k must make that event
 * invisible, at most PEND_TAIL per person and post (as for repeats).
 * Two upper bounds of its probability, posts at least gap apart, delays
 * memoryless at rate r:
 *   - the firing from k posts ago is still pending: exp(-r k gap);
 *   - with q an upper bound of P(reached and taking it) at one post, the
 *     firings pending from the posts before are independent Bernoullis of
 *     probabilities at most q e^(-r j gap), j = 1, 2, ..., so k of them
 *     are pending with probability at most e_k <= L^k / k!, with
 *     L = q / (1 - e^(-r gap)) their sum; taking it again: q L^k / k!.
 * A response gets the smallest k from WX_COHORT_TP_PEND on that the
 * smaller bound allows, from the nominal parameters (the states are built
 * once); each replication checks its own parameters against the k built
 * (wx__ctouch_derive), and beyond WX_COHORT_TP_PEND_MAX the check refuses
 * the model.
 */
#include <math.h>
#include <stdlib.h>

#include "cohort.h"
#include "dist.h"
#include "util.h"

#define PEND_TAIL 1e-12
#define MAX_FIRE  1e6 /* firings looked at for the smallest gap */

double wx__ctouch_min_gap(const wx_model *m, uint32_t i) {
  double gap = INFINITY, t = wx__ctouch_firing(m, i, -INFINITY);
  for (double k = 0; k < MAX_FIRE && isfinite(t); k++) {
    double u = wx__ctouch_firing(m, i, t);
    if (u - t < gap) gap = u - t;
    t = u;
  }
  return gap;
}

/* The largest product of tp's pulses `on` over a day, at least 1. */
static double max_pulse(const wx_touchpoint *tp, const double *params, int on) {
  double x = 1;
  for (uint32_t k = 0; k < tp->n_pulses; k++) {
    double y = wx__tp_pulse(tp, params, tp->pulses[k].day, on);
    if (y > x) x = y;
  }
  return x;
}

/* q: an upper bound of P(a member is reached by one post and takes
 * response fl), as cohort_post.c draws them: reach x pulse x solitaire,
 * then p x pulse.  A staff Moments post reaches with that chance only the
 * friends it selects (cohort_moments.c), so the bound holds there too.
 * 1 (the first bound's Bernoullis, still a bound) for live streams. */
static double post_q(const wx_model *m, const wx_flow *fl,
                     const double *params) {
  const wx_touchpoint *tp = &m->touchpoints[fl->tp - 1u];
  if (tp->live) return 1;
  double reach =
      wx__clamp01(params[tp->reach] * max_pulse(tp, params, WX_PULSE_REACH) *
                  params[tp->solitaire]);
  return reach * wx__clamp01(wx__clamp01(params[fl->p]) *
                             max_pulse(tp, params, WX_PULSE_RESPONSES));
}

double wx__ctouch_pend_bound(const wx_model *m, uint32_t f,
                             const double *params, uint32_t k, double gap) {
  const wx_flow *fl = &m->flows[f];
  double mean = wx__dist_mean(&fl->delay, params);
  if (!(mean > 0) || !(gap > 0)) return 1;
  double rate = 1 / mean, tail = exp(-rate * k * gap);
  double q = post_q(m, fl, params);
  double lam = isfinite(gap) ? q / -expm1(-rate * gap) : q;
  double b = q; /* q lam^k / k! */
  for (uint32_t j = 1; j <= k && b > 0; j++) b *= lam / j;
  return b < tail ? b : tail;
}

/* The smallest k >= WX_COHORT_TP_PEND within PEND_TAIL, or
 * WX_COHORT_TP_PEND_MAX + 1 (more than the engine holds). */
static uint32_t need(const wx_model *m, uint32_t f, const double *params,
                     double gap) {
  uint32_t k = WX_COHORT_TP_PEND;
  while (k <= WX_COHORT_TP_PEND_MAX &&
         wx__ctouch_pend_bound(m, f, params, k, gap) > PEND_TAIL)
    k++;
  return k;
}

int wx__ctouch_pend_setup(wx_cspace *s, const wx_model *m) {
  double *par = calloc(m->n_params + 1u, sizeof *par);
  if (!par) return WX_ENOMEM;
  wx__params_nominal(m, par);
  for (uint32_t f = 0; f < s->nf; f++) {
    if (s->resp_slot[f] == WX_NONE) continue;
    const wx_flow *fl = &m->flows[f];
    uint32_t k = fl->recommend
                     ? 1 /* a new person, with one firing of it */
                     : need(m, f, par, wx__ctouch_min_gap(m, fl->tp - 1u));
    s->resp_cap[f] = k < WX_COHORT_TP_PEND_MAX ? k : WX_COHORT_TP_PEND_MAX;
  }
  free(par);
  return WX_OK;
}

int wx__ctouch_pend_refuse(const wx_model *m, wx_diags *d) {
  double *par = calloc(m->n_params + 1u, sizeof *par);
  if (!par) return WX_ENOMEM;
  wx__params_nominal(m, par);
  int rc = WX_OK;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (!fl->tp || fl->recommend || fl->delay.kind != WX_DIST_EXPONENTIAL)
      continue;
    double gap = wx__ctouch_min_gap(m, fl->tp - 1u);
    if (need(m, f, par, gap) <= WX_COHORT_TP_PEND_MAX) continue;
    rc = wx__diag(d, WX_ESCENARIO, m->path, fl->pos.line, fl->pos.col,
                  "response '%s': its delay (mean %g d) is too long for "
                  "posts %g d apart: a person could have more than %u of it "
                  "pending, more than the cohort engine holds; use "
                  "engine: agent",
                  fl->name, wx__dist_mean(&fl->delay, par), gap,
                  WX_COHORT_TP_PEND_MAX);
  }
  free(par);
  return rc;
}

int wx__ctouch_pend_explain(const wx_cspace *s, const wx_model *m,
                            wx_diags *d) {
  int rc = WX_OK;
  for (uint32_t f = 0; s->resp_slot && f < s->nf; f++) {
    if (s->resp_slot[f] == WX_NONE || s->resp_cap[f] <= WX_COHORT_TP_PEND)
      continue;
    const wx_flow *fl = &m->flows[f];
    rc = wx__diag(d, WX_ESCENARIO, m->path, fl->pos.line, fl->pos.col,
                  "response '%s': a person can have up to %u of it pending "
                  "(its delay is long for the posts' spacing), and those "
                  "states take the cohort engine past its bound; use "
                  "engine: agent",
                  fl->name, s->resp_cap[f]);
  }
  return rc;
}
