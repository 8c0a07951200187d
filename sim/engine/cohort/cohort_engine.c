/*
 * The cohort engine's life cycle and its row of the table of engines
 * (engine.h): allocation sized from the reachable state space, the memory
 * estimate, figures of the last run.  The replication is cohort_run.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "rng.h"
#include "util.h"

uint64_t wx__cohort_bytes(const wx_cspace *s, const wx_model *m,
                          const wx_layout *l) {
  uint64_t nn = s->n_nodes + 1u, mt = s->max_tree + 1u;
  uint64_t trans = (s->nf + s->nm + 2u + (uint64_t)s->n_states) * 8 +
                   (uint64_t)s->n_edges * 8 + nn * 8 * 3 + mt * 8 * 4;
  return sizeof(wx_cohort) + wx__cspace_bytes(s) + trans +
         (uint64_t)s->n_states * 16 + (uint64_t)s->n_ctr * 8 +
         (uint64_t)m->n_sources * 8 + mt * 8 * 4 + nn * 16 +
         (m->n_sources + 1u) * 96u + (uint64_t)l->n_cols * 8 +
         (m->n_touchpoints ? 6u * nn * 32 : 0) + /* cohort_post.c rows */
         wx__cpulse_bytes(s, m);
}

void wx__cohort_free(void *ve) {
  wx_cohort *e = ve;
  if (!e) return;
  if (e->rng)
    for (uint32_t i = 0; i <= e->m->n_sources; i++)
      if (e->rng[i]) gsl_rng_free(e->rng[i]);
  free(e->rng);
  free(e->count);
  free(e->next);
  free(e->ctr);
  free(e->arr);
  free(e->draw);
  free(e->mean);
  free(e->alt.prob);
  free(e->alt.porder);
  free(e->last_params);
  wx__ctrans_free(&e->tr);
  wx__cpulse_free(e); /* after e->tr: it may hold a pulse set's data */
  wx__cecon_free(&e->econ, e->m);
  wx__cfiss_free(&e->fiss);
  wx__ctouch_free(e);
  wx__cunits_free(e);
  wx__cspace_free(&e->sp);
  free(e);
}

static int alloc_arrays(wx_cohort *e) {
  const wx_cspace *s = &e->sp;
  size_t ns = s->n_states + 1u, nn = s->n_nodes + 1u, mt = s->max_tree + 1u;
  for (uint32_t i = 0; i < s->nm; i++) /* draw[] also holds entry fates */
    if (s->n_fates[i] + 1u > mt) mt = s->n_fates[i] + 1u;
  e->count = calloc(ns, sizeof *e->count);
  e->next = calloc(ns, sizeof *e->next);
  e->ctr = calloc(s->n_ctr + 1u, sizeof *e->ctr);
  e->arr = calloc(e->m->n_sources + 1u, sizeof *e->arr);
  e->draw = calloc(2 * mt + 2, sizeof *e->draw); /* nodes, then fates */
  e->mean = calloc(2 * mt, sizeof *e->mean);
  e->alt.prob = calloc(3 * nn, sizeof *e->alt.prob);
  e->alt.porder = calloc(2 * nn, sizeof *e->alt.porder);
  e->rng = calloc(e->m->n_sources + 1u, sizeof *e->rng);
  e->last_params = calloc(e->m->n_params + 1u, sizeof *e->last_params);
  if (!e->last_params || !e->count || !e->next || !e->ctr || !e->arr ||
      !e->draw || !e->mean || !e->alt.prob || !e->alt.porder || !e->rng)
    return WX_ENOMEM;
  e->fa = e->mean + mt;
  e->alt.integ = e->alt.prob + nn;
  e->alt.icond = e->alt.integ + nn;
  e->alt.iorder = e->alt.porder + nn;
  for (uint32_t i = 0; i <= e->m->n_sources; i++)
    if (!(e->rng[i] = wx__rng_alloc())) return WX_ENOMEM;
  return WX_OK;
}

void *wx__cohort_alloc(const wx_model *m, const wx_layout *l) {
  wx_cohort *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->m = m;
  e->l = l;
  if (wx__cspace_build(&e->sp, m) != WX_OK ||
      wx__ctrans_alloc(&e->tr, &e->sp, m) != WX_OK ||
      wx__cecon_alloc(&e->econ, m) != WX_OK ||
      wx__cfiss_alloc(&e->fiss, m) != WX_OK || alloc_arrays(e) != WX_OK ||
      wx__ctouch_alloc(e) != WX_OK || wx__cunits_alloc(e) != WX_OK ||
      wx__cpulse_alloc(e) != WX_OK) {
    wx__cohort_free(e);
    return NULL;
  }
  return e;
}

double wx__cohort_memory(const wx_model *m, const wx_layout *l) {
  wx_cspace s;
  wx__cspace_build(&s, m); /* a refused model: what was built so far */
  double b = (double)wx__cohort_bytes(&s, m, l);
  wx__cspace_free(&s);
  return b;
}

void wx__cohort_stats(const void *ve, wx_engine_stats *out) {
  *out = ((const wx_cohort *)ve)->st;
}

/* The people counted in draw[] (local nodes of state st's tree) end the
 * step at their nodes: their end states and counter increments. */

/* The cohort engine's entry in the table of engines (engines.c). */
const wx_engine_type wx__engine_cohort = {
    .name = "cohort",
    .summary =
        "counts per state, exact multinomial steps (Erlang stages, "
        "values, repeats; fitted stages and fission substeps "
        "approximate); for millions to billions of people",
    .check = wx__cohort_check,
    .memory_estimate = wx__cohort_memory,
    .alloc = wx__cohort_alloc,
    .run = wx__cohort_run,
    .stats = wx__cohort_stats,
    .free = wx__cohort_free,
};
