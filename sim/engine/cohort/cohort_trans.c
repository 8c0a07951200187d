/*
 * Per-replication transition data of the cohort engine and the step
 * tree exponentials (cohort.h).
 *
 * exp(G tau) and its integral by uniformization: with Lambda the largest
 * exit rate of a tree and P = I + G / Lambda (a stochastic matrix),
 *   v exp(G tau)          = sum_k Pois(k; Lambda tau) v P^k,
 *   int_0^tau v exp(G u)  = sum_k P(Pois(Lambda tau) > k) / Lambda v P^k.
 * Every term is non-negative (no cancellation, unlike a Pade on a
 * generator), the tree is sparse (a few edges per node), and the series is
 * cut when the Poisson tail is below TAIL; long steps are split so that
 * Lambda tau <= PIECE (e^-PIECE stays far from underflow).  The truncation
 * loses at most TAIL of probability per piece, which the multinomial
 * renormalises: a relative error of 1e-15, far below any sampling noise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "dist.h"
#include "util.h"

#define PIECE 32.0
#define TAIL  1e-16

int wx__ctrans_alloc(wx_ctrans *t, const wx_cspace *s, const wx_model *m) {
  *t = (wx_ctrans){0};
  (void)m;
  t->fate_off = calloc(s->nm + 1u, sizeof *t->fate_off);
  if (!t->fate_off) return WX_ENOMEM;
  for (uint32_t i = 0; i < s->nm; i++)
    t->fate_off[i + 1] = t->fate_off[i] + s->n_fates[i];
  size_t nn = s->n_nodes + 1u, mt = s->max_tree + 1u;
  t->flow_rate = calloc(s->nf + s->no + 1u, sizeof *t->flow_rate);
  t->rep_p = calloc(s->no + 1u, sizeof *t->rep_p);
  t->stage_rate =
      calloc((s->nf + 1u) * WX_COHORT_MAX_STAGES, sizeof *t->stage_rate);
  t->exit_p = calloc(s->nf + 1u, sizeof *t->exit_p);
  t->fate_p = calloc(t->fate_off[s->nm] + 1u, sizeof *t->fate_p);
  t->edge_rate = calloc(s->n_edges + 1u, sizeof *t->edge_rate);
  t->exit_rate = calloc(nn, sizeof *t->exit_rate);
  t->tree_max = calloc(s->n_states + 1u, sizeof *t->tree_max);
  t->prob = calloc(nn, sizeof *t->prob);
  t->integ = calloc(nn, sizeof *t->integ);
  t->icond = calloc(nn, sizeof *t->icond);
  t->porder = calloc(nn, sizeof *t->porder);
  t->iorder = calloc(nn, sizeof *t->iorder);
  t->pairs = calloc(mt, sizeof *t->pairs);
  t->va = calloc(4 * mt, sizeof *t->va);
  if (!t->flow_rate || !t->rep_p || !t->stage_rate || !t->exit_p ||
      !t->fate_p || !t->edge_rate || !t->exit_rate || !t->tree_max ||
      !t->prob || !t->integ || !t->icond || !t->va || !t->porder ||
      !t->iorder || !t->pairs)
    return WX_ENOMEM;
  t->vb = t->va + mt;
  t->vc = t->vb + mt;
  t->vd = t->vc + mt;
  t->dt = -1;
  return WX_OK;
}

void wx__ctrans_free(wx_ctrans *t) {
  free(t->flow_rate);
  free(t->rep_p);
  free(t->stage_rate);
  free(t->exit_p);
  free(t->fate_p);
  free(t->fate_off);
  free(t->edge_rate);
  free(t->exit_rate);
  free(t->tree_max);
  free(t->prob);
  free(t->integ);
  free(t->icond);
  free(t->porder);
  free(t->iorder);
  free(t->pairs);
  free(t->va);
  *t = (wx_ctrans){0};
}

/* The agent engine's fate probabilities (agent_engine.c derive_params):
 * exclusive branches clamped, normalised when their sum exceeds 1; joins
 * independent. */
/* Flow f's p, times the pulse of t's set (agent_pulse.c). */
static double flow_p(const wx_ctrans *t, const wx_model *m, uint32_t f,
                     const double *params) {
  double p = wx__clamp01(params[m->flows[f].p]);
  return t->fmult ? wx__clamp01(p * t->fmult[f]) : p;
}

static void set_fates(wx_ctrans *t, const wx_cspace *s, const wx_model *m,
                      const double *params) {
  for (uint32_t i = 0; i < s->nm; i++) {
    const wx_module *mod = &m->modules[i];
    double acc = 0, norm = 1;
    for (uint32_t k = 0; k < mod->n_exclusive; k++)
      acc += flow_p(t, m, mod->exclusive[k], params);
    if (acc > 1) norm = acc;
    double stay = acc > 1 ? 0 : 1 - acc;
    for (uint32_t k = 0; k < mod->n_exclusive; k++) /* a welcome's keeps */
      stay += flow_p(t, m, mod->exclusive[k], params) / norm *
              (1 - wx__cohort_welcome(m, mod->exclusive[k], params, NULL));
    for (uint32_t c = 0; c < s->n_fates[i]; c++) {
      uint32_t b = c >> s->nj[i];
      double p =
          b < mod->n_exclusive
              ? flow_p(t, m, mod->exclusive[b], params) / norm *
                    wx__cohort_welcome(m, mod->exclusive[b], params, NULL)
              : stay;
      for (uint32_t k = 0; k < s->nj[i]; k++) {
        double q = flow_p(t, m, mod->joins[k], params);
        p *= (c >> k & 1u) ? q : 1 - q;
      }
      t->fate_p[t->fate_off[i] + c] = p;
    }
  }
}

/* The rate of edge ed out of node g before its entry fate: the stage
 * rate of the flow's current stage, times q or 1 - q at the stage with an
 * early exit (cohort_phase.c). */
static double edge_base_rate(const wx_ctrans *t, const wx_cspace *s, uint32_t g,
                             const wx_cedge *ed) {
  uint32_t f = ed->flow & ~WX_CEDGE_EXIT;
  const uint16_t *c = s->codes + (size_t)s->node_state[g] * s->kw;
  if (f < s->nf && s->n_resp && s->resp_slot[f] != WX_NONE)
    return t->flow_rate[f] * c[s->resp_slot[f]]; /* each pending firing */
  if (f >= s->nf || s->phase_slot[f] == WX_NONE) return t->flow_rate[f];
  uint32_t j = c[s->phase_slot[f]];
  double r = t->stage_rate[f * WX_COHORT_MAX_STAGES + j];
  if (j != s->phase[f].exit_at) return r;
  return ed->flow & WX_CEDGE_EXIT ? r * t->exit_p[f] : r * (1 - t->exit_p[f]);
}

int wx__ctrans_set(wx_ctrans *t, const wx_cspace *s, const wx_model *m,
                   const double *params, uint32_t *bad) {
  for (uint32_t f = 0; f < s->nf; f++) {
    if ((m->flows[f].tp && s->resp_slot[f] == WX_NONE) || s->instant[f])
      continue; /* at once */
    if (wx__cohort_flow_rates(m, f, &s->phase[f], params,
                              t->stage_rate + f * WX_COHORT_MAX_STAGES,
                              &t->exit_p[f]) != 0) {
      *bad = f;
      return WX_ERUNTIME;
    }
    t->flow_rate[f] = t->stage_rate[f * WX_COHORT_MAX_STAGES];
  }
  for (uint32_t o = 0; o < s->no; o++) {
    if (s->rep_slot[o] == WX_NONE) continue;
    const wx_outcome *oc = &m->outcomes[o];
    double mean = wx__dist_mean(&oc->repeat_delay, params);
    t->flow_rate[s->nf + o] =
        mean > 0 && isfinite(mean) ? s->rep_stages[o] / mean : 0;
    t->rep_p[o] = wx__clamp01(params[oc->repeat_p]);
  }
  set_fates(t, s, m, params);
  for (uint32_t g = 0; g < s->n_nodes; g++) {
    double out = 0;
    for (uint32_t e = s->edge_off[g]; e < s->edge_off[g + 1]; e++) {
      const wx_cedge *ed = &s->edges[e];
      int inst = (ed->flow & WX_CEDGE_INSTANT) != 0; /* a probability */
      double r = inst ? 1 : edge_base_rate(t, s, g, ed);
      if (s->edge_inst && s->edge_inst[e])
        r *= wx__cinst_p(t, s, s->edge_inst[e] - 1);
      if (ed->fate & WX_CEDGE_REPEAT)
        r *= ed->fate & 1u ? t->rep_p[ed->enter] : 1 - t->rep_p[ed->enter];
      else if (ed->enter != WX_NONE)
        r *= t->fate_p[t->fate_off[ed->enter] + ed->fate];
      t->edge_rate[e] = r;
      if (!inst) out += r;
    }
    t->exit_rate[g] = out;
  }
  for (uint32_t st = 0; st < s->n_states; st++) {
    double mx = 0;
    for (uint32_t g = s->tree_off[st]; g < s->tree_off[st + 1]; g++)
      if (t->exit_rate[g] > mx) mx = t->exit_rate[g];
    t->tree_max[st] = mx;
  }
  t->dt = -1; /* the cached rows are stale */
  return WX_OK;
}

/* out = v P on the tree of nodes [base, base + n). */
static void times_p(const wx_ctrans *t, const wx_cspace *s, uint32_t base,
                    uint32_t n, double lam, const double *v, double *out) {
  for (uint32_t j = 0; j < n; j++)
    out[j] = v[j] * (1 - t->exit_rate[base + j] / lam);
  for (uint32_t j = 0; j < n; j++) {
    if (v[j] == 0) continue;
    double x = v[j] / lam;
    for (uint32_t e = s->edge_off[base + j]; e < s->edge_off[base + j + 1]; e++)
      out[s->edges[e].to - base] += x * t->edge_rate[e];
  }
}

/* v <- v exp(G tau), Lambda tau <= PIECE; adds the integral over [0, tau]
 * into integ when not NULL. */
static void piece(wx_ctrans *t, const wx_cspace *s, uint32_t base, uint32_t n,
                  double lam, double tau, double *v, double *integ) {
  double q = lam * tau, w = exp(-q), tail = 1 - w;
  double *term = t->vb, *next = t->vc, *acc = t->vd;
  memcpy(term, v, n * sizeof *v);
  for (uint32_t j = 0; j < n; j++) {
    acc[j] = w * term[j];
    if (integ) integ[j] += tail / lam * term[j];
  }
  double kmax = q + 12 * sqrt(q) + 40;
  for (double k = 1; tail > TAIL && k <= kmax; k++) {
    times_p(t, s, base, n, lam, term, next);
    double *tmp = term;
    term = next;
    next = tmp;
    w *= q / k;
    tail -= w;
    if (tail < 0) tail = 0;
    for (uint32_t j = 0; j < n; j++) {
      acc[j] += w * term[j];
      if (integ) integ[j] += tail / lam * term[j];
    }
  }
  memcpy(v, acc, n * sizeof *v);
}

void wx__ctrans_tree(wx_ctrans *t, const wx_cspace *s, uint32_t st, double tau,
                     double *prob, double *integ) {
  uint32_t base = s->tree_off[st], n = s->tree_off[st + 1] - base;
  double lam = t->tree_max[st], *v = t->va;
  memset(v, 0, n * sizeof *v);
  wx__cinst_start(t, s, st, v); /* the root, or its instant ends */
  if (integ) memset(integ, 0, n * sizeof *integ);
  if (lam > 0 && tau > 0) {
    double np = ceil(lam * tau / PIECE), dtp = tau / np;
    for (double i = 0; i < np; i++) piece(t, s, base, n, lam, dtp, v, integ);
  } else if (integ) {
    for (uint32_t j = 0; j < n; j++) integ[j] = tau > 0 ? tau * v[j] : 0;
  }
  if (prob) memcpy(prob, v, n * sizeof *v);
}

void wx__ctrans_rows(wx_ctrans *t, const wx_cspace *s, double dt,
                     const wx_crows *o) {
  for (uint32_t st = 0; st < s->n_states; st++) {
    uint32_t base = s->tree_off[st], n = s->tree_off[st + 1] - base;
    wx__ctrans_tree(t, s, st, dt, o->prob + base, NULL);
    wx__cohort_conditional(o->prob + base, o->porder + base, n, t->pairs);
  }
  for (uint32_t k = 0; k < s->n_entry; k++) { /* arrivals start there */
    uint32_t st = s->entry_state[k];
    uint32_t base = s->tree_off[st], n = s->tree_off[st + 1] - base;
    wx__ctrans_tree(t, s, st, dt, NULL, o->integ + base);
    memcpy(o->icond + base, o->integ + base, n * sizeof *o->icond);
    wx__cohort_conditional(o->icond + base, o->iorder + base, n, t->pairs);
  }
}

void wx__ctrans_cache(wx_ctrans *t, const wx_cspace *s, double dt) {
  wx_crows o = {t->prob, t->integ, t->icond, t->porder, t->iorder};
  wx__ctrans_rows(t, s, dt, &o);
  t->dt = dt;
}
