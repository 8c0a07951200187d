/*
 * Staff accounts and groups as one mechanic of the agent engine
 * (agent_hooks.h wx__mech_units, roster.h): per-run setup, admission and
 * leaving hooks, the mechanics' own events
 * (WX_EV_RETRY, WX_EV_UNIT) and the levels written into each sample.
 */
#include <math.h>
#include <stdlib.h>

#include "agent_core.h"
#include "roster.h"
#include "rng.h"
#include "util.h"

static uint32_t count_units_modules(const wx_model *m) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->n_modules; i++)
    n += m->modules[i].units.type != WX_UNITS_NONE;
  return n;
}

static uint32_t clamp_u32(double x) {
  if (!(x < 4294967295.0)) return UINT32_MAX;
  return x > 0 ? (uint32_t)x : 0;
}

static int init_module(wx_engine *e, wx_units_rt *u, uint32_t m) {
  const wx_units_cfg *cfg = &e->m->modules[m].units;
  u->cfg = cfg;
  u->module = m;
  u->col = e->l->unit_col[m];
  u->cap = clamp_u32(cfg->cap);
  u->daily =
      cfg->type == WX_UNITS_STAFF ? clamp_u32(cfg->daily_adds) : UINT32_MAX;
  u->rng = wx__rng_alloc();
  return u->rng ? WX_OK : WX_ENOMEM;
}

static void units_free(void *state) {
  wx_units_all *ux = state;
  if (!ux) return;
  for (uint32_t i = 0; ux->mods && i < ux->n; i++) {
    wx__pool_free(&ux->mods[i]);
    if (ux->mods[i].rng) gsl_rng_free(ux->mods[i].rng);
  }
  free(ux->mods);
  free(ux->of);
  free(ux);
}

static int applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  return count_units_modules(m) > 0;
}

static int units_alloc(wx_engine *e, void **state) {
  const wx_model *m = e->m;
  uint32_t n = count_units_modules(m);
  wx_units_all *ux = calloc(1, sizeof *ux);
  if (ux) ux->mods = calloc(n, sizeof *ux->mods);
  if (ux) ux->of = calloc(m->n_modules, sizeof *ux->of);
  if (!ux || !ux->mods || !ux->of) goto fail;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    if (m->modules[i].units.type == WX_UNITS_NONE) continue;
    wx_units_rt *u = &ux->mods[ux->n++];
    ux->of[i] = u;
    if (init_module(e, u, i) != WX_OK) goto fail;
  }
  *state = e->ux = ux;
  return WX_OK;
fail:
  units_free(ux);
  return WX_ENOMEM;
}

static double param_or(const wx_engine *e, uint32_t p, double def) {
  if (p == WX_NONE) return def;
  double x = e->params[p];
  return x > 0 ? x : 0;
}

static int needs_tick(const wx_units_cfg *c) {
  if (c->type == WX_UNITS_STAFF)
    return c->ban_rate != WX_NONE || c->ban_per_post != WX_NONE;
  return c->nf_rate != WX_NONE;
}

static int tick_at(wx_engine *e, const wx_units_rt *u, double t) {
  if (!(t <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, t, WX_NONE, WX_EV_UNIT, (uint16_t)u->module);
}

static int reset_module(wx_engine *e, wx_units_rt *u, uint64_t seed) {
  const wx_units_cfg *c = u->cfg;
  wx__rng_seed_stream(u->rng, seed, WX_STREAM_UNITS,
                      e->m->modules[u->module].name);
  wx__pool_clear(u);
  u->day = -1;
  u->accept = fmin(param_or(e, c->accept, 1), 1);
  u->ban_rate = param_or(e, c->ban_rate, 0);
  u->ban_per_post = param_or(e, c->ban_per_post, 0);
  u->nf_rate = param_or(e, c->nf_rate, 0);
  u->nf_leave = fmin(param_or(e, c->nf_leave, 0), 1);
  u->cost_acc = u->cost_t = 0;
  u->n_open = 0;
  int open_now =
      c->type == WX_UNITS_STAFF || c->on_refused != WX_REFUSE_NEW_GROUP;
  uint32_t n = open_now ? clamp_u32(c->units) : 0;
  for (uint32_t i = 0; i < n; i++) {
    if (wx__pool_open(u, 0.0) == WX_NONE) return WX_ENOMEM;
    u->n_open++;
    if (c->type == WX_UNITS_GROUPS && c->group_type == WX_GROUP_FUNCTIONAL &&
        c->lifetime <= e->horizon &&
        wx__queue_push(&e->q, c->lifetime, i, WX_EV_UNIT,
                       (uint16_t)u->module) != WX_OK)
      return WX_ENOMEM;
  }
  return needs_tick(c) ? tick_at(e, u, 1.0) : WX_OK;
}

static int units_reset(wx_engine *e, uint64_t seed) {
  wx_units_all *ux = e->ux;
  ux->retrying = 0;
  for (uint32_t i = 0; i < ux->n; i++) {
    int rc = reset_module(e, &ux->mods[i], seed);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* A friend request or a group with a cap: may be refused. */
static int units_admit(wx_engine *e, uint32_t p, uint32_t m, double t) {
  wx_units_rt *u = e->ux->of[m];
  if (!u) return 1;
  return u->cfg->type == WX_UNITS_STAFF ? wx__staff_admit(e, u, p, t)
                                        : wx__groups_admit(e, u, p, t);
}

static int units_watch(const wx_engine *e, uint32_t m) {
  return e->ux->of[m] != NULL;
}

static void units_leave(wx_engine *e, uint32_t p, uint32_t m, double t) {
  wx_units_rt *u = e->ux->of[m];
  if (!u) return;
  if (u->cfg->act_chat > 0) /* talk grows with the size: up to t */
    (void)wx__group_activity(u, wx__units_of(e, u, p), t);
  wx__pool_remove(e, u, p);
}

/* p tries again to join module ev->epoch (on_refused / on_full: retry). */
static int retry(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person;
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  int was_alive = rec[0] != 0;
  e->ux->retrying = 1;
  int rc = wx__agent_enter(e, p, ev->epoch, ev->t);
  e->ux->retrying = 0;
  if (!was_alive && rec[0] && ++e->pp.live > e->pp.peak_live)
    e->pp.peak_live = e->pp.live;
  wx__agent_settle(e, p, was_alive);
  return rc;
}

static int units_event(wx_engine *e, const wx_event *ev) {
  if (ev->what == WX_EV_RETRY) return retry(e, ev);
  uint32_t unit = ev->person;
  double t = ev->t;
  wx_units_rt *u = e->ux->of[ev->epoch];
  int staff = u->cfg->type == WX_UNITS_STAFF;
  if (unit != WX_NONE) {
    if (!staff) return wx__groups_dissolve(e, u, unit, t);
    wx__staff_replace(e, u, unit, t);
    return WX_OK;
  }
  int rc = staff ? wx__staff_tick(e, u, t) : wx__groups_tick(e, u, t);
  return rc == WX_OK ? tick_at(e, u, t + 1.0) : rc;
}

static void units_levels(wx_engine *e, double t) {
  for (uint32_t i = 0; i < e->ux->n; i++) {
    wx_units_rt *u = &e->ux->mods[i];
    if (u->cfg->type == WX_UNITS_STAFF)
      wx__staff_levels(e, u, t);
    else
      wx__groups_levels(e, u, t);
  }
}

static uint64_t units_bytes(const wx_engine *e) {
  uint64_t b = 0;
  for (uint32_t i = 0; i < e->ux->n; i++) b += wx__pool_bytes(&e->ux->mods[i]);
  return b;
}

const wx_agent_mechanic wx__mech_units = {
    .name = "units",
    .applies = applies,
    .alloc = units_alloc,
    .free = units_free,
    .reset = units_reset,
    .admit = units_admit,
    .watches = units_watch,
    .on_leave = units_leave,
    .on_sample = units_levels,
    .on_event = units_event,
    .events = {WX_EV_RETRY, WX_EV_UNIT},
    .bytes = units_bytes,
};
