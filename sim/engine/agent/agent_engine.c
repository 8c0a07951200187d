/*
 * The agent engine (engine.h): people in a compact table (people.h), events
 * in a heap (queue.h), fates drawn on joining a module.
 *
 * Random streams (rng.h), one generator each, seeded from the replication
 * seed, a kind and an entity name: sources (arrival times), modules (which
 * fates), module delays, touchpoints (the reach of posts and the fission
 * of the reached, so the core keeps them: two mechanics draw from them),
 * and in the mechanics' own states accounts and groups (agent_roster.c)
 * and outcomes (agent_econ.c).
 * Tags come from entity *names*, not indices: a variant that disables a
 * module (so later indices shift) or changes one module's flows leaves
 * every other stream as it was (common random numbers for comparisons).
 * Choices and delays have separate streams because a person draws a delay
 * only for a flow taken: with one stream, a variant that raises a
 * probability would shift every later person's choices; this way each
 * person's choice uniforms are the same in every variant.
 *
 * Fates on joining module m (streams of m): if m has exclusive (move/churn)
 * flows, one uniform picks at most one by cumulative probability, then its
 * delay is drawn; then for each join flow in order, one uniform decides it
 * and, if taken, its delay is drawn.  Delays are drawn even when the event
 * would fall after the horizon (it is then not queued), so that the number
 * of draws does not depend on the horizon.
 */
#include <stdlib.h>
#include <string.h>

#include "agent_engine.h"
#include "dist.h"
#include "engine.h"
#include "rng.h"
#include "util.h"

/* Time buckets of the event queue over the horizon (queue.h), chosen with
 * bench/bench_engine.c (1e6 arrivals: 128 -> 6.9, 1024 -> 7.2, 4096 -> 7.8
 * M events/s; more buckets cost a partly filled chunk each). */
#ifndef QUEUE_BUCKETS
#define QUEUE_BUCKETS 4096
#endif

static void free_tables(wx_engine *e) {
  if (e->rng)
    for (uint32_t i = 0; i < e->n_rng; i++)
      if (e->rng[i]) gsl_rng_free(e->rng[i]);
  if (e->pdf)
    for (uint32_t i = 0; i < e->m->n_flows; i++)
      if (e->pdf[i]) gsl_histogram_pdf_free(e->pdf[i]);
  free(e->rng);
  free(e->pdf);
  free(e->cum);
  free(e->excl_off);
  free(e->join_p);
  free(e->pulse_cum);
  free(e->src_step);
  free(e->cur);
}

void wx__agent_free(wx_engine *e) {
  if (!e) return;
  wx__hooks_free(e);
  free_tables(e);
  wx__queue_free(&e->q);
  wx__people_free(&e->pp);
  free(e);
}

static int alloc_rngs(wx_engine *e) {
  e->n_rng = e->m->n_sources + 2 * e->m->n_modules + e->m->n_touchpoints;
  e->rng = calloc(e->n_rng ? e->n_rng : 1, sizeof *e->rng);
  if (!e->rng) return WX_ENOMEM;
  for (uint32_t i = 0; i < e->n_rng; i++)
    if (!(e->rng[i] = wx__rng_alloc())) return WX_ENOMEM;
  return WX_OK;
}

/* Tables that depend on the model only: histograms, offsets. */
static int alloc_tables(wx_engine *e) {
  const wx_model *m = e->m;
  size_t nf = m->n_flows ? m->n_flows : 1, nm = m->n_modules + 1;
  e->pdf = calloc(nf, sizeof *e->pdf);
  e->cum = calloc(nf, sizeof *e->cum);
  e->join_p = calloc(nf, sizeof *e->join_p);
  e->pulse_cum = calloc(nf, sizeof *e->pulse_cum);
  e->excl_off = calloc(nm, sizeof *e->excl_off);
  e->src_step = calloc(m->n_sources + 1, sizeof *e->src_step);
  e->cur = calloc(e->l->n_cols + 1, sizeof *e->cur);
  if (!e->pdf || !e->cum || !e->join_p || !e->pulse_cum || !e->excl_off ||
      !e->src_step || !e->cur)
    return WX_ENOMEM;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    if (m->flows[f].delay.kind != WX_DIST_EMPIRICAL) continue;
    if (!(e->pdf[f] = wx__dist_pdf_new(&m->flows[f].delay))) return WX_ENOMEM;
  }
  for (uint32_t i = 0; i < m->n_modules; i++)
    e->excl_off[i + 1] = e->excl_off[i] + m->modules[i].n_exclusive;
  return alloc_rngs(e);
}

wx_engine *wx__agent_alloc(const wx_model *m, const wx_layout *l) {
  wx_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->m = m;
  e->l = l;
  wx__queue_init(&e->q);
  wx__people_init(&e->pp, m->n_modules);
  /* A population that outgrows the guard's estimate (fission) stops with
   * WX_ETOOBIG instead of being killed; the people are most of it. */
  e->pp.max_bytes = l->engine_bytes_max;
  if (wx__hooks_alloc(e) != WX_OK || alloc_tables(e) != WX_OK ||
      wx__queue_set_span(&e->q, l->horizon, QUEUE_BUCKETS) != WX_OK) {
    wx__agent_free(e);
    return NULL;
  }
  return e;
}

void wx__agent_stats(const wx_engine *e, wx_engine_stats *out) { *out = e->st; }

/* Per-run tables from the parameter values: cumulative probabilities of
 * each module's exclusive branches, normalised when uncertain draws push
 * their sum above 1, and the join probabilities. */
static void derive_params(wx_engine *e, const double *params) {
  const wx_model *m = e->m;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_module *mod = &m->modules[i];
    double *cum = e->cum + e->excl_off[i], acc = 0;
    for (uint32_t k = 0; k < mod->n_exclusive; k++)
      cum[k] = acc += wx__clamp01(params[m->flows[mod->exclusive[k]].p]);
    if (acc > 1)
      for (uint32_t k = 0; k < mod->n_exclusive; k++) cum[k] /= acc;
  }
  for (uint32_t f = 0; f < m->n_flows; f++)
    e->join_p[f] = wx__clamp01(params[m->flows[f].p]);
}

static void seed_streams(wx_engine *e, uint64_t seed) {
  const wx_model *m = e->m;
  uint32_t ns = m->n_sources, nm = m->n_modules;
  for (uint32_t i = 0; i < e->n_rng; i++) {
    if (i < ns)
      wx__rng_seed_stream(e->rng[i], seed, WX_STREAM_SOURCE,
                          m->sources[i].name);
    else if (i < ns + nm)
      wx__rng_seed_stream(e->rng[i], seed, WX_STREAM_MODULE,
                          m->modules[i - ns].name);
    else if (i < ns + 2 * nm)
      wx__rng_seed_stream(e->rng[i], seed, WX_STREAM_DELAY,
                          m->modules[i - ns - nm].name);
    else
      wx__rng_seed_stream(e->rng[i], seed, WX_STREAM_TOUCH,
                          m->touchpoints[i - ns - 2 * nm].name);
  }
}

static int check_sizes(const wx_engine *e, const wx_series *out) {
  if (out->n_cols != e->l->n_cols || out->n_samples != e->l->n_samples)
    return WX_EINVAL;
  if (e->m->n_flows >= WX_EV_FIRST_SPECIAL || e->m->n_modules >= 0xFFFFu ||
      e->m->n_outcomes >= 0xFFFFu)
    return WX_ETOOBIG;
  return WX_OK;
}

static void reset(wx_engine *e, const double *params, uint64_t seed,
                  wx_series *out, const atomic_int *stop) {
  wx__queue_clear(&e->q);
  wx__people_reset(&e->pp);
  memset(&e->st, 0, sizeof e->st);
  memset(e->cur, 0, e->l->n_cols * sizeof *e->cur);
  memset(e->src_step, 0, e->m->n_sources * sizeof *e->src_step);
  derive_params(e, params);
  seed_streams(e, seed);
  e->params = params;
  e->out = out;
  e->stop = stop;
  e->next_sample = 0;
  e->horizon = e->l->horizon;
  e->now = 0;
}

static void finish_stats(wx_engine *e) {
  e->st.peak_live = e->pp.peak_live;
  e->st.peak_queue = e->q.peak;
  e->st.peak_bytes = wx__people_used_bytes(&e->pp) + (uint64_t)e->q.peak_bytes +
                     wx__hooks_bytes(e);
}

int wx__agent_run(wx_engine *e, const double *params, uint64_t seed,
                  wx_series *out, const atomic_int *stop) {
  int rc = check_sizes(e, out);
  if (rc != WX_OK) return rc;
  reset(e, params, seed, out, stop);
  rc = wx__hooks_reset(e, seed);
  if (rc == WX_OK) rc = wx__agent_start(e);
  if (rc == WX_OK) rc = wx__agent_loop(e);
  finish_stats(e);
  return rc;
}

/* ------------------------------------------------- the engine table entry */

/* Everything a scenario can say, the agent engine models. */
static int agent_check(const wx_model *m, wx_diags *d) {
  (void)m;
  (void)d;
  return WX_OK;
}

static void *agent_alloc(const wx_model *m, const wx_layout *l) {
  return wx__agent_alloc(m, l);
}

static int agent_run(void *e, const double *params, uint64_t seed,
                     wx_series *out, const atomic_int *stop, wx_diags *d) {
  (void)d; /* the runner words the agent engine's failures */
  return wx__agent_run(e, params, seed, out, stop);
}

static void agent_stats(const void *e, wx_engine_stats *out) {
  wx__agent_stats(e, out);
}

static void agent_free(void *e) { wx__agent_free(e); }

const wx_engine_type wx__engine_agent = {
    .name = "agent",
    .summary = "one record per person, exact event by event",
    .check = agent_check,
    .memory_estimate = wx__agent_memory_estimate,
    .alloc = agent_alloc,
    .run = agent_run,
    .stats = agent_stats,
    .free = agent_free,
};
