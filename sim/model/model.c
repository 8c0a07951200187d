#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "model.h"
#include "util.h"

static const char *dist_names[WX_DIST_COUNT] = {
    "fixed",     "exponential", "uniform",  "gamma",
    "lognormal", "weibull",     "empirical"};

const char *wx__dist_name(wx_dist_kind k) {
  return (unsigned)k < WX_DIST_COUNT ? dist_names[k] : "?";
}

wx_model *wx__model_new(void) {
  wx_model *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->horizon = 90.0;
  m->sample_dt = 1.0;
  m->seed = 1;
  m->replications = 1;
  m->start_day = WX_DEFAULT_START_DAY;
  return m;
}

/* Grows *arr (of *n elements of size `size`) by one zeroed element and
 * returns a pointer to it, or NULL.  The capacity is implied by the count. */
static void *push(void **arr, uint32_t *n, size_t size) {
  uint32_t count = *n;
  if (count == WX_NONE - 1) return NULL;
  int full = count == 0 || (count >= 4 && (count & (count - 1)) == 0);
  if (full) { /* capacities 4, 8, 16, ... */
    size_t cap = count ? (size_t)count * 2 : 4;
    void *grown = realloc(*arr, cap * size);
    if (!grown) return NULL;
    *arr = grown;
  }
  void *slot = (char *)*arr + (size_t)count * size;
  memset(slot, 0, size);
  *n = count + 1;
  return slot;
}

uint32_t wx__model_add_param(wx_model *m, double value, const char *path,
                             wx_pos pos) {
  char *copy = wx__strdup(path ? path : "");
  if (!copy) return WX_NONE;
  wx_param *p = push((void **)&m->params, &m->n_params, sizeof *p);
  if (!p) {
    free(copy);
    return WX_NONE;
  }
  p->value = value;
  p->path = copy;
  p->pos = pos;
  return m->n_params - 1;
}

uint32_t wx__model_add_module(wx_model *m, const char *name, const char *label,
                              wx_kind kind, wx_pos pos) {
  char *n = wx__strdup(name), *l = wx__strdup(label ? label : name);
  wx_module *mod =
      (n && l) ? push((void **)&m->modules, &m->n_modules, sizeof *mod) : NULL;
  if (!mod) {
    free(n);
    free(l);
    return WX_NONE;
  }
  mod->name = n;
  mod->label = l;
  mod->kind = kind;
  mod->pos = pos;
  return m->n_modules - 1;
}

uint32_t wx__model_add_outcome(wx_model *m, const char *name, const char *label,
                               wx_pos pos) {
  char *n = wx__strdup(name), *l = wx__strdup(label ? label : name);
  wx_outcome *o =
      (n && l) ? push((void **)&m->outcomes, &m->n_outcomes, sizeof *o) : NULL;
  if (!o) {
    free(n);
    free(l);
    return WX_NONE;
  }
  o->name = n;
  o->label = l;
  o->pos = pos;
  return m->n_outcomes - 1;
}

uint32_t wx__model_add_flow(wx_model *m, const wx_flow *flow) {
  char *n = wx__strdup(flow->name ? flow->name : "");
  wx_flow *f = n ? push((void **)&m->flows, &m->n_flows, sizeof *f) : NULL;
  if (!f) {
    free(n);
    return WX_NONE;
  }
  *f = *flow;
  f->name = n;
  return m->n_flows - 1;
}

uint32_t wx__model_add_source(wx_model *m, const wx_source *src) {
  char *n = wx__strdup(src->name ? src->name : "");
  wx_rate_step *steps = NULL;
  if (n && src->n_steps) {
    steps = malloc(src->n_steps * sizeof *steps);
    if (steps) memcpy(steps, src->steps, src->n_steps * sizeof *steps);
  }
  int ok = n && (steps || !src->n_steps);
  wx_source *s =
      ok ? push((void **)&m->sources, &m->n_sources, sizeof *s) : NULL;
  if (!s) {
    free(n);
    free(steps);
    return WX_NONE;
  }
  *s = *src;
  s->name = n;
  s->steps = steps;
  return m->n_sources - 1;
}

uint32_t wx__model_add_target(wx_model *m, const wx_kpi_target *t) {
  char *n = wx__strdup(t->name), *metric = wx__strdup(t->metric);
  wx_kpi_target *slot =
      (n && metric) ? push((void **)&m->targets, &m->n_targets, sizeof *slot)
                    : NULL;
  if (!slot) {
    free(n);
    free(metric);
    return WX_NONE;
  }
  *slot = *t;
  slot->name = n;
  slot->metric = metric;
  return m->n_targets - 1;
}

uint32_t wx__model_add_touchpoint(wx_model *m, const wx_touchpoint *tp) {
  char *n = wx__strdup(tp->name ? tp->name : "");
  wx_touchpoint *t =
      n ? push((void **)&m->touchpoints, &m->n_touchpoints, sizeof *t) : NULL;
  if (!t) {
    free(n);
    return WX_NONE;
  }
  *t = *tp;
  t->name = n;
  t->responses = t->rec = NULL;
  t->n_responses = t->n_rec = 0;
  return m->n_touchpoints - 1;
}

int wx__outcome_economic(const wx_outcome *o) {
  return o->has_value || o->has_repeat;
}

int wx__model_has_margin(const wx_model *m) {
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    if (m->outcomes[i].has_margin) return 1;
  return 0;
}

double wx__outcome_profit(const wx_outcome *o, const double *pv, double revenue,
                          double orders) {
  if (!o->has_margin) return revenue;
  if (o->margin != WX_NONE) return revenue * pv[o->margin];
  return revenue - orders * pv[o->cogs];
}

int wx__model_has_extras(const wx_model *m) {
  if (m->n_touchpoints) return 1;
  for (uint32_t i = 0; i < m->n_sources; i++)
    if (m->sources[i].kind >= WX_SOURCE_ADS) return 1;
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    if (wx__outcome_economic(&m->outcomes[i])) return 1;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (m->modules[i].units.type != WX_UNITS_NONE &&
        m->modules[i].units.cost > 0)
      return 1;
  return 0;
}

uint32_t wx__model_add_stage(wx_model *m, const wx_funnel_stage *s) {
  char *n = wx__strdup(s->name), *l = wx__strdup(s->label ? s->label : s->name);
  wx_funnel_stage *slot =
      (n && l) ? push((void **)&m->funnel, &m->n_funnel, sizeof *slot) : NULL;
  if (!slot) {
    free(n);
    free(l);
    return WX_NONE;
  }
  *slot = *s;
  slot->name = n;
  slot->label = l;
  return m->n_funnel - 1;
}

uint32_t wx__model_find_module(const wx_model *m, const char *name) {
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (strcmp(m->modules[i].name, name) == 0) return i;
  return WX_NONE;
}

uint32_t wx__model_find_outcome(const wx_model *m, const char *name) {
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    if (strcmp(m->outcomes[i].name, name) == 0) return i;
  return WX_NONE;
}

/* Flow lists are kept in declaration order so that the engine draws
 * branches in an order the user can read off the file. */
static int collect_flows(wx_model *m, wx_module *mod, uint32_t mi) {
  free(mod->exclusive);
  free(mod->joins);
  mod->n_exclusive = mod->n_joins = 0;
  mod->pulsed = 0;
  mod->exclusive = calloc(m->n_flows + 1, sizeof *mod->exclusive);
  mod->joins = calloc(m->n_flows + 1, sizeof *mod->joins);
  if (!mod->exclusive || !mod->joins) return WX_ENOMEM;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    if (m->flows[f].from != mi || m->flows[f].tp) continue;
    if (m->flows[f].n_pulses) mod->pulsed = 1;
    if (m->flows[f].kind == WX_FLOW_JOIN)
      mod->joins[mod->n_joins++] = f;
    else
      mod->exclusive[mod->n_exclusive++] = f;
  }
  return WX_OK;
}

/* Response lists of touchpoint i, in declaration order. */
static int collect_responses(wx_model *m, uint32_t i) {
  wx_touchpoint *t = &m->touchpoints[i];
  free(t->responses);
  free(t->rec);
  t->n_responses = t->n_rec = 0;
  t->responses = calloc(m->n_flows + 1, sizeof *t->responses);
  t->rec = calloc(m->n_flows + 1, sizeof *t->rec);
  if (!t->responses || !t->rec) return WX_ENOMEM;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    if (m->flows[f].tp != i + 1) continue;
    if (m->flows[f].recommend)
      t->rec[t->n_rec++] = f;
    else
      t->responses[t->n_responses++] = f;
  }
  return WX_OK;
}

int wx__model_finalize(wx_model *m) {
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    int rc = collect_responses(m, i);
    if (rc != WX_OK) return rc;
  }
  for (uint32_t i = 0; i < m->n_modules; i++) {
    int rc = collect_flows(m, &m->modules[i], i);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

void wx__params_nominal(const wx_model *m, double *out) {
  for (uint32_t i = 0; i < m->n_params; i++) out[i] = m->params[i].value;
}

static void free_dist(wx_dist *d) {
  free(d->edges);
  free(d->weights);
}

void wx_model_free(wx_model *m) {
  if (!m) return;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    free(m->modules[i].name);
    free(m->modules[i].label);
    free(m->modules[i].exclusive);
    free(m->modules[i].joins);
  }
  for (uint32_t i = 0; i < m->n_flows; i++) {
    free(m->flows[i].name);
    free(m->flows[i].delay.edges);
    free(m->flows[i].delay.weights);
    free(m->flows[i].pulses);
  }
  for (uint32_t i = 0; i < m->n_sources; i++) {
    free(m->sources[i].name);
    free(m->sources[i].steps);
    free_dist(&m->sources[i].fission.delay);
  }
  for (uint32_t i = 0; i < m->n_outcomes; i++) {
    free(m->outcomes[i].name);
    free(m->outcomes[i].label);
    free_dist(&m->outcomes[i].value);
    free_dist(&m->outcomes[i].repeat_delay);
  }
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    wx_touchpoint *t = &m->touchpoints[i];
    free(t->name);
    free(t->sched.dates);
    free(t->pulses);
    free(t->responses);
    free(t->rec);
    free_dist(&t->fission.delay);
    if (t->live) free_dist(&t->live->arrive), free_dist(&t->live->watch);
    free(t->live);
  }
  free(m->touchpoints);
  for (uint32_t i = 0; i < m->n_params; i++) free(m->params[i].path);
  for (uint32_t i = 0; i < m->n_targets; i++) {
    free(m->targets[i].name);
    free(m->targets[i].metric);
  }
  free(m->targets);
  for (uint32_t i = 0; i < m->n_funnel; i++) {
    free(m->funnel[i].name);
    free(m->funnel[i].label);
  }
  free(m->funnel);
  free(m->modules);
  free(m->flows);
  free(m->sources);
  free(m->outcomes);
  free(m->params);
  free(m->path);
  free(m->title);
  free(m->engine);
  free(m);
}

double wx_model_horizon(const wx_model *m) { return m->horizon; }
double wx_model_sample_dt(const wx_model *m) { return m->sample_dt; }
uint64_t wx_model_seed(const wx_model *m) { return m->seed; }
unsigned wx_model_replications(const wx_model *m) { return m->replications; }
const char *wx_model_hash(const wx_model *m) { return m->hash; }
const char *wx_model_path(const wx_model *m) { return m->path ? m->path : ""; }

double wx__tp_pulse(const wx_touchpoint *tp, const double *params, double t,
                    int on) {
  double x = 1, day = floor(t);
  for (uint32_t k = 0; k < tp->n_pulses; k++)
    if (tp->pulses[k].day == day && tp->pulses[k].on == on)
      x *= params[tp->pulses[k].x];
  return x;
}

double wx__flow_pulse(const wx_flow *f, const double *params, double t) {
  double day = floor(t);
  uint32_t lo = 0, hi = f->n_pulses; /* ascending days: halve */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (f->pulses[mid].day < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < f->n_pulses && f->pulses[lo].day == day ? params[f->pulses[lo].x]
                                                      : 1.0;
}
