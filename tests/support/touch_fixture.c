#include <math.h>
#include <stdio.h>
#include <string.h>

#include "touch_fixture.h"

uint32_t fx_touch(wx_model *m, uint32_t module, double every, double reach) {
  char name[32];
  snprintf(name, sizeof name, "t%u", m->n_touchpoints);
  wx_touchpoint t = {0};
  t.name = name;
  t.module = module;
  t.sched.every = every;
  t.sched.until = INFINITY;
  t.reach = fx_param(m, reach);
  t.unfollow = fx_param(m, 0);
  t.solitaire = fx_param(m, 1);
  t.cost = fx_param(m, 0);
  t.views = WX_NONE;
  return wx__model_add_touchpoint(m, &t);
}

uint32_t fx_moments(wx_model *m, uint32_t module, wx_tp_type type, double every,
                    double from, double reach, double limit) {
  uint32_t i = fx_touch(m, module, every, reach);
  wx_touchpoint *t = &m->touchpoints[i];
  t->type = type;
  t->sched.from = from;
  t->once_per_day = 1; /* WeCom's rule, as the loader sets for wecom */
  if (type == WX_TP_STAFF_MOMENTS)
    t->recipients_per_post = limit;
  else
    t->posts_per_month = limit;
  return i;
}

uint32_t fx_response(wx_model *m, uint32_t tp, uint32_t to, int outcome,
                     double p, double delay, int recommend) {
  uint32_t f = fx_flow(m, WX_FLOW_JOIN, m->touchpoints[tp].module, to, outcome,
                       p, WX_DIST_FIXED, delay, 0);
  m->flows[f].tp = tp + 1;
  m->flows[f].recommend = recommend;
  return f;
}

void fx_fission(wx_model *m, wx_fission *f, double share, double mean,
                double size, double delay, uint32_t into) {
  memset(f, 0, sizeof *f);
  f->on = 1;
  f->share = fx_param(m, share);
  f->offspring = size > 0 ? WX_OFFSPRING_NEGBIN : WX_OFFSPRING_POISSON;
  f->mean = fx_param(m, mean);
  f->size = fx_param(m, size);
  f->delay.kind = WX_DIST_FIXED;
  f->delay.p[0] = fx_param(m, delay);
  f->delay.p[1] = WX_NONE;
  f->into = into;
  f->half_life = f->cap = f->decline = WX_NONE;
}

uint32_t fx_campaign(wx_model *m, uint32_t into, double at, double count,
                     double cost) {
  char name[32];
  snprintf(name, sizeof name, "c%u", m->n_sources);
  wx_source s = {0};
  s.name = name;
  s.kind = WX_SOURCE_CAMPAIGN;
  s.to = into;
  s.at = at;
  s.count = fx_param(m, count);
  s.cost = fx_param(m, cost);
  return wx__model_add_source(m, &s);
}

uint32_t fx_ads(wx_model *m, uint32_t into, double budget, double cpm,
                double ctr, double convert, double from, double until) {
  wx_source s = {0};
  s.name = "ads";
  s.kind = WX_SOURCE_ADS;
  s.to = into;
  s.budget = fx_param(m, budget);
  s.cpm = fx_param(m, cpm);
  s.ctr = fx_param(m, ctr);
  s.convert = fx_param(m, convert);
  s.from = from;
  s.until = until;
  s.cost = WX_NONE;
  return wx__model_add_source(m, &s);
}

uint32_t fx_tp_col(const fx_run *r, uint32_t tp, int metric) {
  return r->l.touch_base + tp * WX_TP_METRICS + (uint32_t)metric;
}

uint32_t fx_total_col(const fx_run *r, int metric) {
  return r->l.total_base + (uint32_t)metric;
}
