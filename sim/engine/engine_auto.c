/*
 * `engine: auto` (engine.h): the cohort engine where it is exact and the
 * population large enough to need it, the agent engine otherwise.
 *
 * The cohort engine is chosen when the model passes its check, every delay
 * is exactly its phase-type form (exponential or Erlang: no fitted
 * stages, docs/cohort.md), no campaign or touchpoint has fission (drawn
 * in substeps), no module has staff accounts or groups (settled per
 * substep), and the expected arrivals over the scenario's
 * horizon (initial and campaign counts, Poisson and ads rates at their
 * nominal values) reach WX_AUTO_COHORT_MIN.  Below that the agent engine
 * takes well under a second per replication and models everything, so
 * there is nothing to gain from counts.  The run records the engine it
 * chose in the manifest (`engine`, with `engine_requested: auto`).
 */
#include <math.h>
#include <string.h>

#include "cohort.h"
#include "engine.h"
#include "util.h"

extern const wx_engine_type wx__engine_agent;
extern const wx_engine_type wx__engine_cohort;

static double nominal(const wx_model *m, uint32_t p) {
  return p < m->n_params ? m->params[p].value : 0;
}

/* Source k's expected arrivals over [0, horizon]. */
static double source_arrivals(const wx_model *m, const wx_source *s) {
  double h = m->horizon;
  switch (s->kind) {
    case WX_SOURCE_INITIAL: return nominal(m, s->count);
    case WX_SOURCE_CAMPAIGN: return s->at <= h ? nominal(m, s->count) : 0;
    case WX_SOURCE_ADS: {
      double cpm = nominal(m, s->cpm), a = s->from;
      double b = s->until < h ? s->until : h;
      if (!(cpm > 0) || !(b > a)) return 0;
      return nominal(m, s->budget) / cpm * 1000 * nominal(m, s->ctr) *
             nominal(m, s->convert) * (b - a);
    }
    default: break;
  }
  double n = 0;
  for (uint32_t j = 0; j < s->n_steps; j++) {
    double a = s->steps[j].from;
    double b = j + 1 < s->n_steps ? s->steps[j + 1].from : h;
    if (b > h) b = h;
    if (b > a) n += nominal(m, s->steps[j].rate) * (b - a);
  }
  return n;
}

double wx__engine_auto_population(const wx_model *m) {
  double n = 0;
  for (uint32_t k = 0; k < m->n_sources; k++)
    n += source_arrivals(m, &m->sources[k]);
  return n;
}

const wx_engine_type *wx__engine_auto_pick(const wx_model *m) {
  if (!(wx__engine_auto_population(m) >= WX_AUTO_COHORT_MIN) ||
      wx__cohort_check(m, NULL) != WX_OK)
    return &wx__engine_agent;
  for (uint32_t k = 0; k < m->n_sources; k++) /* substeps: approximate */
    if (m->sources[k].kind == WX_SOURCE_CAMPAIGN && m->sources[k].fission.on)
      return &wx__engine_agent;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) /* the same pool */
    if (m->touchpoints[i].fission.on) return &wx__engine_agent;
  for (uint32_t i = 0; i < m->n_modules; i++) /* units: approximate too */
    if (m->modules[i].units.type != WX_UNITS_NONE) return &wx__engine_agent;
  wx_cspace s;
  int exact = wx__cspace_build(&s, m) == WX_OK && s.exact;
  wx__cspace_free(&s);
  return exact ? &wx__engine_cohort : &wx__engine_agent;
}

int wx__engine_is_auto(const char *name) {
  return name && strcmp(name, "auto") == 0;
}
