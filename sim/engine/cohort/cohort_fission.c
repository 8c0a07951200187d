/*
 * Referral fission of campaigns in the cohort engine (cohort.h,
 * agent_fission.c for the semantics, docs/cohort.md for the bias).
 *
 * A reached person shares with probability s; a share brings offspring,
 * Poisson(mean) or NegBin(mean, size), each arriving after an exponential
 * generation delay of mean mu into `into`, where it is reached in turn.
 * In counts: the offspring on their way are a pool; in a substep of
 * length d each arrives with probability 1 - e^(-d/mu) (exact for the
 * memoryless delay); the n arrivals share Binomial(n, s) times, and the
 * offspring of all of those shares are one draw (a sum of Poissons is a
 * Poisson; a sum of NegBins a Poisson of one gamma of shape n x size).
 * Offspring born within a substep may arrive within it: with the birth
 * time taken uniform, with probability 1 - (mu/d)(1 - e^(-d/mu)).
 *
 * The approximations are the substeps (d <= mu / SUBSTEPS): birth times
 * uniform within one, arrivals uniform within one when they enter the
 * step trees, and the saturation and decline factors taken at its middle.
 * Their bias is O((d/mu)^2) per generation, measured in
 * tests/test_cohort_agent.c.
 *
 * Origins: source k is origin k, touchpoint i origin n_sources + i (its
 * shares are seeded at its posts, cohort_post.c); each draws from its own
 * stream, and its half-life runs from the campaign's time or the
 * touchpoint's first firing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "cohort.h"
#include "util.h"

#define SUBSTEPS     16.0
#define MAX_SUBSTEPS 4096.0
#define INNER_ROUNDS 64

int wx__cfiss_alloc(wx_cfiss *f, const wx_model *m) {
  size_t n = m->n_sources + m->n_touchpoints + 1u;
  *f = (wx_cfiss){0};
  f->pool = calloc(4 * n, sizeof *f->pool);
  f->since = calloc(2 * n, sizeof *f->since);
  if (!f->pool || !f->since) return WX_ENOMEM;
  f->first = f->since + n;
  f->shares = f->pool + n;
  f->arrivals = f->shares + n;
  f->committed = f->arrivals + n;
  return WX_OK;
}

void wx__cfiss_free(wx_cfiss *f) {
  free(f->pool);
  free(f->since);
  *f = (wx_cfiss){0};
}

void wx__cfiss_reset(wx_cfiss *f, const wx_model *m) {
  size_t n = m->n_sources + m->n_touchpoints + 1u;
  memset(f->pool, 0, 4 * n * sizeof *f->pool);
  memset(f->since, 0, n * sizeof *f->since);
  for (uint32_t k = 0; k < m->n_sources; k++) f->first[k] = m->sources[k].at;
  for (size_t k = m->n_sources; k < n; k++) f->first[k] = NAN;
}

static const wx_fission *fission_of(const wx_cohort *e, uint32_t k) {
  uint32_t ns = e->m->n_sources;
  return k < ns ? &e->m->sources[k].fission
                : &e->m->touchpoints[k - ns].fission;
}

static gsl_rng *rng_of(const wx_cohort *e, uint32_t k) {
  uint32_t ns = e->m->n_sources;
  return k < ns ? e->rng[k] : wx__ctouch_rng(e, k - ns);
}

/* Origin k has fission (a campaign's or a touchpoint's). */
static int has_fission(const wx_cohort *e, uint32_t k) {
  uint32_t ns = e->m->n_sources;
  if (k >= ns) return e->m->touchpoints[k - ns].fission.on;
  return e->m->sources[k].kind == WX_SOURCE_CAMPAIGN &&
         e->m->sources[k].fission.on;
}

void wx__cohort_enter_piece(wx_cohort *e, gsl_rng *r, uint32_t i, uint64_t n,
                            double a, double b, double t1) {
  const wx_cspace *s = &e->sp;
  uint32_t nf = s->n_fates[i];
  uint64_t *by_fate = e->draw + (s->max_tree + 1u);
  wx__cohort_multinomial(r, n, e->tr.fate_p + e->tr.fate_off[i], nf, by_fate);
  for (uint32_t c = 0; c < nf; c++) {
    if (!by_fate[c]) continue;
    uint32_t st = s->entry_state[s->entry_off[i] + c], base = s->tree_off[st];
    uint32_t len = s->tree_off[st + 1] - base;
    wx__ctrans_tree(&e->tr, s, st, t1 - a, NULL, e->mean);
    wx__ctrans_tree(&e->tr, s, st, t1 - b, NULL, e->fa);
    for (uint32_t j = 0; j < len; j++) e->mean[j] -= e->fa[j];
    wx__cohort_multinomial(r, by_fate[c], e->mean, len, e->draw);
    wx__cohort_settle(e, st);
  }
  e->ctr[i] += n; /* joins */
}

/* The offspring mean of one share at time t before the cap's factor
 * (agent_fission.c). */
static double effective_mean(const wx_cohort *e, uint32_t k, double t) {
  const wx_fission *f = fission_of(e, k);
  const double *pv = e->params;
  double mean = pv[f->mean];
  if (f->half_life != WX_NONE)
    mean *= exp2(-(t - e->fiss.first[k]) / pv[f->half_life]);
  if (f->decline != WX_NONE) mean *= exp2(-t / pv[f->decline]);
  return mean;
}

/* The offspring of `shares` shares at time t, cut at the cap.  The agent
 * engine scales each share's mean m by 1 - c / cap, c the offspring
 * committed before it; over J shares in a row c follows dc/dj = m (1 -
 * c / cap), so together they expect (cap - c0)(1 - e^(-m J / cap)). */
static uint64_t offspring(wx_cohort *e, uint32_t k, uint64_t shares, double t) {
  const wx_fission *f = fission_of(e, k);
  gsl_rng *r = rng_of(e, k);
  double mean = effective_mean(e, k, t) * (double)shares;
  if (f->cap != WX_NONE) {
    double cap = e->params[f->cap], left = cap - (double)e->fiss.committed[k];
    mean = left > 0 && cap > 0 ? left * -expm1(-mean / cap) : 0;
  }
  if (!(mean > 0)) return 0;
  if (f->offspring == WX_OFFSPRING_NEGBIN) {
    double size = e->params[f->size];
    mean = gsl_ran_gamma(r, size * (double)shares, mean / (size * shares));
  }
  uint64_t n = wx__cohort_poisson(r, mean);
  if (f->cap != WX_NONE) {
    double left = floor(e->params[f->cap]) - (double)e->fiss.committed[k];
    if ((double)n > left) n = left > 0 ? (uint64_t)left : 0;
  }
  e->fiss.committed[k] += n;
  return n;
}

void wx__cfiss_seed(wx_cohort *e, uint32_t k, uint64_t n, double at) {
  const wx_fission *f = fission_of(e, k);
  uint64_t sh = wx__cohort_binomial(rng_of(e, k), e->params[f->share], n);
  e->fiss.shares[k] += sh;
  e->fiss.pool[k] += offspring(e, k, sh, at);
  e->fiss.since[k] = at;
}

/* Substep [a, b] of source k's generations, in the step ending at t1. */
static void substep(wx_cohort *e, uint32_t k, double a, double b, double t1,
                    double mu) {
  const wx_fission *f = fission_of(e, k);
  gsl_rng *r = rng_of(e, k);
  double d = b - a, x = d / mu;
  double within = x > 1e-8 ? 1 - (1 - exp(-x)) / x : x / 2;
  uint64_t n = wx__cohort_binomial(r, -expm1(-x), e->fiss.pool[k]);
  e->fiss.pool[k] -= n;
  for (int round = 0; n && round < INNER_ROUNDS; round++) {
    wx__cohort_enter_piece(e, r, f->into, n, a, b, t1);
    e->fiss.arrivals[k] += n;
    uint64_t sh = wx__cohort_binomial(r, e->params[f->share], n);
    e->fiss.shares[k] += sh;
    uint64_t kids = offspring(e, k, sh, 0.5 * (a + b));
    n = round + 1 < INNER_ROUNDS ? wx__cohort_binomial(r, within, kids) : 0;
    e->fiss.pool[k] += kids - n;
  }
}

int wx__cfiss_step(wx_cohort *e, double t0, double t1) {
  for (uint32_t k = 0; k < e->m->n_sources + e->m->n_touchpoints; k++) {
    if (!e->fiss.pool[k] || !has_fission(e, k)) continue;
    double mu = e->params[fission_of(e, k)->delay.p[0]];
    if (!(mu > 1e-9)) mu = 1e-9; /* a zero delay: at once, as the agent's */
    double a = e->fiss.since[k] > t0 ? e->fiss.since[k] : t0;
    if (!(t1 > a)) continue;
    double m = ceil((t1 - a) / (mu / SUBSTEPS));
    if (m > MAX_SUBSTEPS) m = MAX_SUBSTEPS;
    double d = (t1 - a) / m;
    for (double j = 0; j < m && e->fiss.pool[k]; j++)
      substep(e, k, a + j * d, j + 1 < m ? a + (j + 1) * d : t1, t1, mu);
    e->fiss.since[k] = t1;
  }
  return WX_OK;
}

void wx__cfiss_write(const wx_cohort *e, double *row) {
  const wx_layout *l = e->l;
  for (uint32_t k = 0; k < e->m->n_sources; k++) {
    const wx_source *src = &e->m->sources[k];
    if (src->kind != WX_SOURCE_CAMPAIGN || !src->fission.on) continue;
    uint32_t c = wx__layout_find(l, WX_SCOPE_SOURCE, k, "shares");
    if (c != WX_NONE) row[c] = (double)e->fiss.shares[k];
    c = wx__layout_find(l, WX_SCOPE_SOURCE, k, "fission_arrivals");
    if (c != WX_NONE) row[c] = (double)e->fiss.arrivals[k];
  }
}

static double amount(const double *params, uint32_t p) {
  return p != WX_NONE ? params[p] : 0;
}

/* Rewards (agent_pay.c): per_share x shares + per_invite x fission
 * arrivals of each paying origin so far, in its referral_cost column.
 * Commissions need who referred each buyer and are refused
 * (cohort_check.c), so the other three columns stay 0. */
double wx__cfiss_rewards(const wx_cohort *e, double *row) {
  const wx_model *m = e->m;
  double total = 0;
  for (uint32_t k = 0; k < m->n_sources + m->n_touchpoints; k++) {
    int tp = k >= m->n_sources;
    uint32_t j = tp ? k - m->n_sources : k;
    const wx_fission *f =
        tp ? &m->touchpoints[j].fission : &m->sources[j].fission;
    if (!f->on || !f->pay.on) continue;
    double r =
        amount(e->params, f->pay.per_share) * (double)e->fiss.shares[k] +
        amount(e->params, f->pay.per_invite) * (double)e->fiss.arrivals[k];
    uint32_t col = wx__layout_find(
        e->l, tp ? WX_SCOPE_TOUCHPOINT : WX_SCOPE_SOURCE, j, "referral_cost");
    if (col != WX_NONE) row[col] = r;
    total += r;
  }
  return total;
}
