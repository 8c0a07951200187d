/*
 * Festival pulses of flows in the agent engine.  The per-run tables
 * (e->cum, e->join_p) stay as they are; only modules with a pulsed flow
 * (wx_module.pulsed) come here, once per joiner, so a model without flow
 * pulses draws exactly as before.  On a day without a pulse every
 * multiplier is 1 and the numbers equal the per-run tables bit for bit.
 */
#include "agent_pulse.h"
#include "util.h"

const double *wx__pulse_cum(wx_engine *e, uint32_t m, double t) {
  const wx_module *mod = &e->m->modules[m];
  double *cum = e->pulse_cum + e->excl_off[m], acc = 0;
  for (uint32_t k = 0; k < mod->n_exclusive; k++) {
    const wx_flow *fl = &e->m->flows[mod->exclusive[k]];
    double p = wx__clamp01(e->params[fl->p]);
    if (fl->n_pulses) p = wx__clamp01(p * wx__flow_pulse(fl, e->params, t));
    cum[k] = acc += p;
  }
  if (acc > 1)
    for (uint32_t k = 0; k < mod->n_exclusive; k++) cum[k] /= acc;
  return cum;
}

double wx__pulse_join_p(const wx_engine *e, uint32_t f, double t) {
  const wx_flow *fl = &e->m->flows[f];
  if (!fl->n_pulses) return e->join_p[f];
  return wx__clamp01(e->join_p[f] * wx__flow_pulse(fl, e->params, t));
}
