/*
 * Complaint cascades in communication groups (model.h cx_*): negative
 * feedback that breeds more of itself, a self-exciting (Hawkes) process
 * per group, simulated exactly through its branching structure.
 *
 * Roots: each member complains spontaneously at rate mu (cx_rate), so a
 *   group of N members has root hazard mu N.  N changes only when members
 *   join or leave, and the hooks see every change: per group the
 *   integrated hazard since the last root is kept and the next root is due
 *   when it reaches an Exp(1) target.  A change that brings the root
 *   earlier queues a new event; one that delays it leaves the queued event
 *   in place as a lower bound, which re-plans when it fires (an event
 *   whose time is not the group's `next_t` is stale).
 * Offspring: a complaint at s adds alpha exp(-(t - s) / tau) to the
 *   group's complaint hazard and beta exp(-(t - s) / tau) to its departure
 *   hazard, for t in [s, s + r) (r the response time: staff answer it and
 *   its excitation stops).  So it has Poisson(alpha tau (1 - exp(-r/tau)))
 *   direct offspring complaints and Poisson(beta tau (1 - exp(-r/tau)))
 *   departures, each at s + U with U of density exp(-u/tau) on [0, r);
 *   they are drawn at once and queued.
 * Damping: every hazard is multiplied by 1 - damping x activity (the
 *   group's, at the event): candidates are kept with that probability
 *   (thinning), and only while the group has members.  A departure is a
 *   member chosen uniformly leaving the module.
 * With n = alpha tau (1 - exp(-r/tau)) < 1 (the loader refuses n >= 1) a
 * root's cascade holds 1 / (1 - n) complaints on average.
 *
 * Each module has its own stream (WX_STREAM_UNITS, "NAME/cascade": module
 * names cannot hold a '/'), so the cascade shifts no other draw.  State is
 * per group in this file's tables; nothing is added to the person record.
 * Events: WX_EV_CASCADE, person = kind << 30 | group, epoch = module.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "agent_core.h"
#include "dist.h"
#include "rng.h"
#include "roster.h"

enum { CX_ROOT, CX_COMPLAINT, CX_LEAVE };
#define CX_SHIFT 30
#define CX_GROUP ((1u << CX_SHIFT) - 1)

typedef struct {
  double acc;    /* root hazard integrated since the last root */
  double target; /* Exp(1): the next root when acc reaches it */
  double t_last; /* time acc was brought up to */
  double n;      /* members since t_last */
  double next_t; /* the queued root event that counts, or INFINITY */
} cx_group;

typedef struct {
  wx_units_rt *u;
  cx_group *g;
  uint32_t n, room;
  double mu, kids, leaves, tau, keep; /* kids, leaves: means per complaint */
  gsl_rng *rng;
} cx_mod;

typedef struct {
  cx_mod *mods;
  uint32_t n;
  cx_mod **of; /* per module, NULL without a cascade */
  int err;     /* a failure in a hook that cannot report one */
} cx_state;

static int has_cascade(const wx_module *mod) {
  return mod->units.type == WX_UNITS_GROUPS && mod->units.cx_rate != WX_NONE;
}

static int cx_applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (has_cascade(&m->modules[i])) return 1;
  return 0;
}

static void cx_free(void *state) {
  cx_state *s = state;
  if (!s) return;
  for (uint32_t i = 0; s->mods && i < s->n; i++) {
    free(s->mods[i].g);
    if (s->mods[i].rng) gsl_rng_free(s->mods[i].rng);
  }
  free(s->mods);
  free(s->of);
  free(s);
}

static int cx_alloc(wx_engine *e, void **state) {
  const wx_model *m = e->m;
  cx_state *s = calloc(1, sizeof *s);
  if (s) s->mods = calloc(m->n_modules, sizeof *s->mods);
  if (s) s->of = calloc(m->n_modules, sizeof *s->of);
  if (!s || !s->mods || !s->of) goto fail;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    if (!has_cascade(&m->modules[i])) continue;
    cx_mod *c = &s->mods[s->n++];
    s->of[i] = c;
    c->u = e->ux->of[i]; /* the units mechanic is allocated first */
    if (!c->u || !(c->rng = wx__rng_alloc())) goto fail;
  }
  *state = s;
  return WX_OK;
fail:
  cx_free(s);
  return WX_ENOMEM;
}

static double param_or0(const wx_engine *e, uint32_t p) {
  if (p == WX_NONE) return 0;
  double x = e->params[p];
  return x > 0 ? x : 0;
}

static int cx_reset(wx_engine *e, uint64_t seed) {
  cx_state *s = e->mech[WX_MECH_CASCADE];
  for (uint32_t i = 0; i < s->n; i++) {
    cx_mod *c = &s->mods[i];
    const wx_units_cfg *cfg = c->u->cfg;
    char name[96];
    snprintf(name, sizeof name, "%s/cascade", e->m->modules[c->u->module].name);
    wx__rng_seed_stream(c->rng, seed, WX_STREAM_UNITS, name);
    c->n = 0;
    c->mu = param_or0(e, cfg->cx_rate);
    c->tau = cfg->cx_memory;
    c->keep =
        isfinite(cfg->cx_response) ? -expm1(-cfg->cx_response / c->tau) : 1.0;
    c->kids = cfg->cx_excite * c->tau * c->keep;
    c->leaves = param_or0(e, cfg->cx_leave) * c->tau * c->keep;
  }
  s->err = WX_OK;
  return WX_OK;
}

static int cx_watch(const wx_engine *e, uint32_t m) {
  const cx_state *s = e->mech[WX_MECH_CASCADE];
  return s->of[m] != NULL;
}

/* Group i's state, created (no members, a fresh target) on first use. */
static cx_group *group(cx_mod *c, uint32_t i, double t) {
  if (i >= c->room) {
    uint32_t room = c->room < 8 ? 8 : c->room;
    while (room <= i) room *= 2;
    cx_group *g = realloc(c->g, room * sizeof *g);
    if (!g) return NULL;
    c->g = g;
    c->room = room;
  }
  for (; c->n <= i; c->n++)
    c->g[c->n] = (cx_group){.target = gsl_ran_exponential(c->rng, 1.0),
                            .t_last = t,
                            .next_t = INFINITY};
  return &c->g[i];
}

static int push(wx_engine *e, const cx_mod *c, double t, uint32_t kind,
                uint32_t i) {
  if (!(t <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, t, kind << CX_SHIFT | i, WX_EV_CASCADE,
                        (uint16_t)c->u->module);
}

/* Brings group i's integrated root hazard up to t and queues its next
 * root when that is earlier than the one queued. */
static int plan(wx_engine *e, cx_mod *c, uint32_t i, double t) {
  cx_group *g = &c->g[i];
  g->acc += c->mu * g->n * (t - g->t_last);
  g->t_last = t;
  g->n = c->u->mem[i].n;
  if (!(c->mu * g->n > 0)) return WX_OK;
  double due = t + (g->target - g->acc) / (c->mu * g->n);
  if (due < t) due = t;
  if (!(due < g->next_t) || !(due <= e->horizon)) return WX_OK;
  g->next_t = due;
  return push(e, c, due, CX_ROOT, i);
}

static int member_changed(wx_engine *e, uint32_t p, uint32_t m, double t) {
  cx_state *s = e->mech[WX_MECH_CASCADE];
  cx_mod *c = s->of[m];
  if (!c) return WX_OK;
  uint32_t i = wx__units_of(e, c->u, p);
  if (i > CX_GROUP || !group(c, i, t)) return WX_ENOMEM;
  return plan(e, c, i, t);
}

static int cx_enter(wx_engine *e, uint32_t p, uint32_t m, double t) {
  const cx_state *s = e->mech[WX_MECH_CASCADE];
  return s->err != WX_OK ? s->err : member_changed(e, p, m, t);
}

/* Leaving cannot fail in the core: a failure to queue is kept and
 * reported by the next cascade event or join. */
static void cx_leave(wx_engine *e, uint32_t p, uint32_t m, double t) {
  cx_state *s = e->mech[WX_MECH_CASCADE];
  int rc = member_changed(e, p, m, t);
  if (s->err == WX_OK) s->err = rc;
}

/* A candidate at t is real with probability 1 - damping x activity, and
 * only in an open group with members. */
static int happens(const cx_mod *c, uint32_t i, double t) {
  wx_units_rt *u = c->u;
  if (u->state[i] != WX_UNIT_OPEN || u->mem[i].n == 0) return 0;
  double keep = 1 - u->cfg->cx_damping * wx__group_activity(u, i, t);
  return keep >= 1 || gsl_rng_uniform(c->rng) < keep;
}

/* k events of `kind` after t, at delays of density exp(-u/tau) on [0, r). */
static int offspring(wx_engine *e, cx_mod *c, uint32_t i, double t, double mean,
                     uint32_t kind) {
  unsigned k = wx__poisson(c->rng, mean);
  int rc = WX_OK;
  for (unsigned j = 0; j < k && rc == WX_OK; j++) {
    double d = -c->tau * log1p(-gsl_rng_uniform(c->rng) * c->keep);
    rc = push(e, c, t + d, kind, i);
  }
  return rc;
}

static int complaint(wx_engine *e, cx_mod *c, uint32_t i, double t, int root) {
  if (!happens(c, i, t)) return WX_OK;
  double *col = e->cur + c->u->col;
  col[WX_G_COMPLAINTS] += 1;
  if (root) col[WX_G_COMPLAINT_ROOTS] += 1;
  int rc = offspring(e, c, i, t, c->kids, CX_COMPLAINT);
  if (rc == WX_OK) rc = offspring(e, c, i, t, c->leaves, CX_LEAVE);
  return rc;
}

static void departure(wx_engine *e, cx_mod *c, uint32_t i, double t) {
  if (!happens(c, i, t)) return;
  wx_units_rt *u = c->u;
  uint32_t n = u->mem[i].n;
  wx__pool_swap(e, u, i, (uint32_t)gsl_rng_uniform_int(c->rng, n), n - 1);
  e->cur[u->col + WX_G_CASCADE_LEAVES] += 1;
  wx__pool_evict_tail(e, u, i, 1);
}

static int root(wx_engine *e, cx_mod *c, uint32_t i, double t) {
  cx_group *g = &c->g[i];
  if (t != g->next_t) return WX_OK; /* superseded by an earlier one */
  g->next_t = INFINITY;
  g->acc += c->mu * g->n * (t - g->t_last);
  g->t_last = t;
  int rc = WX_OK;
  /* due: what the remaining hazard gives now; not after t means reached
   * (rounding leaves acc a hair below its target) */
  double due = t + (g->target - g->acc) / (c->mu * g->n);
  if (g->acc >= g->target || !(due > t)) {
    g->acc = 0;
    g->target = gsl_ran_exponential(c->rng, 1.0);
    rc = complaint(e, c, i, t, 1);
  }
  return rc == WX_OK ? plan(e, c, i, t) : rc;
}

static int cx_event(wx_engine *e, const wx_event *ev) {
  cx_state *s = e->mech[WX_MECH_CASCADE];
  cx_mod *c = ev->epoch < e->m->n_modules ? s->of[ev->epoch] : NULL;
  uint32_t kind = ev->person >> CX_SHIFT, i = ev->person & CX_GROUP;
  if (s->err != WX_OK) return s->err;
  if (!c || i >= c->n) return WX_EINVAL;
  if (kind == CX_ROOT) return root(e, c, i, ev->t);
  if (kind == CX_COMPLAINT) return complaint(e, c, i, ev->t, 0);
  departure(e, c, i, ev->t);
  return WX_OK;
}

static uint64_t cx_bytes(const wx_engine *e) {
  const cx_state *s = e->mech[WX_MECH_CASCADE];
  uint64_t b = 0;
  for (uint32_t i = 0; i < s->n; i++)
    b += (uint64_t)s->mods[i].room * sizeof(cx_group);
  return b;
}

const wx_agent_mechanic wx__mech_cascade = {
    .name = "cascade",
    .applies = cx_applies,
    .alloc = cx_alloc,
    .free = cx_free,
    .reset = cx_reset,
    .watches = cx_watch,
    .on_enter = cx_enter,
    .on_leave = cx_leave,
    .on_event = cx_event,
    .events = {WX_EV_CASCADE},
    .bytes = cx_bytes,
};
