/*
 * How large a model is at its nominal values: expected people per source
 * and staff accounts or groups open from the start.  Engines size their
 * memory estimates with it and the memory guard words its refusals with it.
 */
#include "model_size.h"

static double param(const wx_model *m, uint32_t i) {
  return i < m->n_params ? m->params[i].value : 0;
}

static double poisson_arrivals(const wx_model *m, const wx_source *s,
                               double h) {
  double n = 0;
  for (uint32_t k = 0; k < s->n_steps; k++) {
    double end = k + 1 < s->n_steps ? s->steps[k + 1].from : h;
    if (end > h) end = h;
    if (end > s->steps[k].from)
      n += param(m, s->steps[k].rate) * (end - s->steps[k].from);
  }
  return n;
}

/* Ads arrive at wx__ads_rate per day (the engine's formula) in
 * [from, min(until, h)). */
static double ads_arrivals(const wx_model *m, const wx_source *s, double h) {
  double until = s->until < h ? s->until : h;
  if (!(until > s->from)) return 0;
  wx_ads_values v = {
      .budget = param(m, s->budget),
      .cpm = param(m, s->cpm),
      .ctr = param(m, s->ctr),
      .convert = param(m, s->convert),
      .saturation = s->saturation == WX_NONE ? 0 : param(m, s->saturation),
      .shape = s->shape == WX_NONE ? 1 : param(m, s->shape),
      .audience = s->audience == WX_NONE ? 0 : param(m, s->audience),
      .freq_cap = s->freq_cap == WX_NONE ? 1 : param(m, s->freq_cap)};
  return wx__ads_rate_of(s->curve, &v) * (until - s->from);
}

double wx__source_expected(const wx_model *m, uint32_t i, double horizon) {
  const wx_source *s = &m->sources[i];
  switch (s->kind) {
    case WX_SOURCE_INITIAL: return param(m, s->count);
    case WX_SOURCE_POISSON: return poisson_arrivals(m, s, horizon);
    case WX_SOURCE_ADS: return ads_arrivals(m, s, horizon);
    case WX_SOURCE_CAMPAIGN: return s->at <= horizon ? param(m, s->count) : 0;
    default: return 0;
  }
}

/* The parameter whose value sets a source's size. */
uint32_t wx__source_key(const wx_source *s) {
  switch (s->kind) {
    case WX_SOURCE_POISSON: return s->n_steps ? s->steps[0].rate : WX_NONE;
    case WX_SOURCE_ADS: return s->budget;
    default: return s->count;
  }
}

void wx__memory_drivers(const wx_model *m, double horizon,
                        wx_memory_drivers *out) {
  *out = (wx_memory_drivers){.source = WX_NONE, .units_module = WX_NONE};
  for (uint32_t i = 0; i < m->n_sources; i++) {
    double n = wx__source_expected(m, i, horizon);
    out->people += n;
    if (out->source == WX_NONE || n > out->source_people) {
      out->source = i;
      out->source_people = n;
    }
  }
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_units_cfg *u = &m->modules[i].units;
    if (!wx__units_open_at_start(u)) continue;
    out->units += u->units;
    if (out->units_module == WX_NONE || u->units > out->module_units) {
      out->units_module = i;
      out->module_units = u->units;
    }
  }
}

int wx__units_open_at_start(const wx_units_cfg *u) {
  /* as agent_roster.c opens them: groups that open on demand start empty */
  return u->type == WX_UNITS_STAFF ||
         (u->type == WX_UNITS_GROUPS && u->on_refused != WX_REFUSE_NEW_GROUP);
}
