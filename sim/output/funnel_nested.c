/* Whether a funnel stage is nested in the one before: every way into it
 * passes through the previous stage, so that "x% of previous" is a
 * conversion.  A stage any person can reach another way (a source or
 * fission arrivals into it, recommended viewers, a flow from elsewhere;
 * buyers who never joined the group) has no share of the previous one. */
#include "results.h"

/* The module of a joins column, or WX_NONE (reached, customers). */
static uint32_t module_of(const wx_layout *l, uint32_t n_modules,
                          uint32_t col) {
  if (col < l->module_base) return WX_NONE;
  uint32_t k = col - l->module_base;
  if (k % WX_MODULE_METRICS != WX_M_JOINS || k / WX_MODULE_METRICS >= n_modules)
    return WX_NONE;
  return k / WX_MODULE_METRICS;
}

static int in_cols(const wx_model *m, const wx_layout *l, const uint32_t *cols,
                   uint32_t n, uint32_t module) {
  for (uint32_t j = 0; j < n; j++)
    if (module_of(l, m->n_modules, cols[j]) == module) return 1;
  return 0;
}

/* New people arrive straight into `module`. */
static int arrivals_into(const wx_model *m, uint32_t module) {
  for (uint32_t s = 0; s < m->n_sources; s++)
    if (m->sources[s].to == module ||
        (m->sources[s].fission.on && m->sources[s].fission.into == module))
      return 1;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (m->touchpoints[i].fission.on &&
        m->touchpoints[i].fission.into == module)
      return 1;
  return 0;
}

/* Whether flow f leads into the stage: a module of it, or (customers) an
 * outcome it counts. */
static int into_stage(const wx_model *m, const wx_layout *l, const wx_flow *f,
                      const uint32_t *cols, uint32_t n) {
  if (f->target == WX_TARGET_MODULE) return in_cols(m, l, cols, n, f->to);
  if (f->target != WX_TARGET_OUTCOME) return 0;
  for (uint32_t j = 0; j < n; j++)
    if (cols[j] == l->total_base + WX_T_CUSTOMERS
            ? wx__outcome_economic(&m->outcomes[f->to])
            : cols[j] == l->outcome_base + f->to)
      return 1;
  return 0;
}

int wx__funnel_nested(const wx_model *m, const wx_layout *l,
                      const uint32_t *prev, uint32_t n_prev,
                      const uint32_t *cols, uint32_t n) {
  for (uint32_t j = 0; j < n_prev; j++)
    if (module_of(l, m->n_modules, prev[j]) == WX_NONE) return 0;
  for (uint32_t j = 0; j < n; j++) {
    uint32_t mod = module_of(l, m->n_modules, cols[j]);
    if (mod != WX_NONE && arrivals_into(m, mod)) return 0;
  }
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (!into_stage(m, l, fl, cols, n)) continue;
    if (fl->recommend || !in_cols(m, l, prev, n_prev, fl->from)) return 0;
  }
  return 1;
}
