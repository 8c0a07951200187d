#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine_fixture.h"
#include "scenario_roster.h"
#include "util.h"

static const wx_pos nowhere = {0, 0};

wx_model *fx_model(double horizon, double dt) {
  wx_model *m = wx__model_new();
  if (!m) return NULL;
  m->horizon = horizon;
  m->sample_dt = dt;
  return m;
}

uint32_t fx_module(wx_model *m, const char *name) {
  return wx__model_add_module(m, name, NULL, WX_KIND_OFFICIAL_ACCOUNT, nowhere);
}

uint32_t fx_flow(wx_model *m, wx_flow_kind kind, uint32_t from, uint32_t to,
                 int outcome, double p, wx_dist_kind dk, double a, double b) {
  char name[32];
  snprintf(name, sizeof name, "f%u", m->n_flows);
  wx_flow f = {0};
  f.name = name;
  f.kind = kind;
  f.from = from;
  f.to = to;
  f.target = to == WX_NONE ? WX_TARGET_NONE
                           : (outcome ? WX_TARGET_OUTCOME : WX_TARGET_MODULE);
  f.p = wx__model_add_param(m, p, "p", nowhere);
  f.delay.kind = dk;
  f.delay.p[0] = wx__model_add_param(m, a, "a", nowhere);
  f.delay.p[1] = wx__model_add_param(m, b, "b", nowhere);
  return wx__model_add_flow(m, &f);
}

uint32_t fx_initial(wx_model *m, uint32_t to, double count) {
  char name[32];
  snprintf(name, sizeof name, "s%u", m->n_sources);
  wx_source s = {0};
  s.name = name;
  s.kind = WX_SOURCE_INITIAL;
  s.to = to;
  s.count = wx__model_add_param(m, count, "count", nowhere);
  return wx__model_add_source(m, &s);
}

uint32_t fx_poisson(wx_model *m, uint32_t to, uint32_t n, const double *from,
                    const double *rate) {
  char name[32];
  snprintf(name, sizeof name, "s%u", m->n_sources);
  wx_rate_step steps[16] = {{0}};
  for (uint32_t i = 0; i < n && i < 16; i++) {
    steps[i].from = from[i];
    steps[i].rate = wx__model_add_param(m, rate[i], "rate", nowhere);
  }
  wx_source s = {0};
  s.name = name;
  s.kind = WX_SOURCE_POISSON;
  s.to = to;
  s.steps = steps;
  s.n_steps = n;
  return wx__model_add_source(m, &s);
}

int fx_setup(fx_run *r, wx_model *m) {
  *r = (fx_run){0};
  r->m = m;
  if (wx__model_finalize(m) != WX_OK) return -1;
  if (wx__layout_init(&r->l, m, 0) != WX_OK) return -1;
  if (wx__series_init(&r->s, &r->l) != WX_OK) return -1;
  r->params = calloc(m->n_params + 1, sizeof *r->params);
  if (!r->params) return -1;
  wx__params_nominal(m, r->params);
  r->e = wx__agent_alloc(m, &r->l);
  return r->e ? 0 : -1;
}

void fx_teardown(fx_run *r) {
  wx__agent_free(r->e);
  wx__series_free(&r->s);
  wx__layout_free(&r->l);
  free(r->params);
  wx_model_free(r->m);
  *r = (fx_run){0};
}

int fx_go(fx_run *r, uint64_t seed, uint64_t rep) {
  return wx__agent_run(r->e, r->params, wx__stream_seed(seed, rep, 0), &r->s,
                       NULL);
}

double fx_at(const fx_run *r, uint32_t sample, uint32_t col) {
  return r->s.v[(size_t)sample * r->s.n_cols + col];
}

uint32_t fx_members(const fx_run *r, uint32_t module) {
  return r->l.module_base + module * WX_MODULE_METRICS + WX_M_MEMBERS;
}

uint32_t fx_joins(const fx_run *r, uint32_t module) {
  return r->l.module_base + module * WX_MODULE_METRICS + WX_M_JOINS;
}

uint32_t fx_leaves(const fx_run *r, uint32_t module) {
  return r->l.module_base + module * WX_MODULE_METRICS + WX_M_LEAVES;
}

uint32_t fx_sample(const fx_run *r, double t) {
  for (uint32_t k = 0; k < r->l.n_samples; k++)
    if (fabs(r->l.times[k] - t) < 1e-9) return k;
  return r->l.n_samples - 1;
}

wx_units_cfg *fx_units(wx_model *m, uint32_t mod, wx_kind k) {
  m->modules[mod].kind = k;
  wx__units_defaults(&m->modules[mod].units, k);
  return &m->modules[mod].units;
}

uint32_t fx_param(wx_model *m, double x) {
  return wx__model_add_param(m, x, "x", nowhere);
}

uint32_t fx_unit_col(const fx_run *r, uint32_t mod, uint32_t k) {
  return r->l.unit_col[mod] + k;
}
