/*
 * Chat groups (kind group): members go into groups of at most group_cap.
 *
 * Admission of p at time t:
 *   on_full new_group: p joins the newest group; when it is full (or was
 *     dissolved) a new group opens and p joins it.  Groups that members
 *     left are not refilled: a group's QR code is replaced by the newest.
 *   on_full drop / retry: the module has `groups` groups; p joins the first
 *     one with room; when none has room p is refused (`refused_full`) and,
 *     with retry, tries again after retry_after (`retries`).
 * Functional groups dissolve `lifetime` after they open: every member
 *   leaves the module at that instant (`dissolved`).  Under drop / retry the
 *   group reopens empty at once (the next session's group).
 * Activity of a group: agent_activity.c (posts, shills, members' talk).
 * Negative feedback: at each whole day d, each open group with members has
 *   N ~ Poisson(rate x (1 - activity(d)) x 1d) events (the day's events are
 *   drawn at its end, with the activity then); in each event every member
 *   leaves with probability `leave` (K ~ Binomial(size, leave), the K chosen
 *   uniformly), so several leave at once (`nf_events`, `nf_leaves`).
 * Welcome: a churn flow out of the module whose delay (drawn on joining) is
 *   below `window` is kept with probability churn_x; a thinned churn does
 *   not happen (the member stays) and is counted in `welcome_kept`.  So the
 *   density of churn times inside the window is multiplied by churn_x and
 *   left unchanged after it.
 * Cost: `cost` per open group per 30 days, integrated over open time.
 */
#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "agent_core.h"
#include "roster.h"

/* Accrues the cost of the open groups up to t. */
static void accrue(wx_units_rt *u, double t) {
  u->cost_acc += u->n_open * u->cfg->cost / 30.0 * (t - u->cost_t);
  u->cost_t = t;
}

static int schedule_dissolve(wx_engine *e, wx_units_rt *u, uint32_t i,
                             double t) {
  double at = t + u->cfg->lifetime;
  if (u->cfg->group_type != WX_GROUP_FUNCTIONAL || !(at <= e->horizon))
    return WX_OK;
  return wx__queue_push(&e->q, at, i, WX_EV_UNIT, (uint16_t)u->module);
}

static uint32_t open_group(wx_engine *e, wx_units_rt *u, double t) {
  accrue(u, t);
  uint32_t i = wx__pool_open(u, t);
  if (i == WX_NONE || schedule_dissolve(e, u, i, t) != WX_OK) return WX_NONE;
  u->n_open++;
  return i;
}

/* The group p joins, WX_NONE when refused; *oom on memory failure. */
static uint32_t choose(wx_engine *e, wx_units_rt *u, double t, int *oom) {
  if (u->cfg->on_refused == WX_REFUSE_NEW_GROUP) {
    if (u->n && wx__pool_has_room(u, u->cursor)) return u->cursor;
    uint32_t i = open_group(e, u, t);
    if (i == WX_NONE)
      *oom = 1;
    else
      u->cursor = i;
    return i;
  }
  for (uint32_t i = 0; i < u->n; i++)
    if (wx__pool_has_room(u, i)) return i;
  return WX_NONE;
}

int wx__groups_admit(wx_engine *e, wx_units_rt *u, uint32_t p, double t) {
  double *c = e->cur + u->col;
  if (e->ux->retrying) c[WX_G_RETRIES] += 1;
  int oom = 0;
  uint32_t i = choose(e, u, t, &oom);
  if (oom) return WX_ENOMEM;
  if (i != WX_NONE) {
    if (u->cfg->act_chat > 0) /* talk grows with the size: up to t */
      (void)wx__group_activity(u, i, t);
    u->joined = i;
  }
  if (i == WX_NONE) {
    c[WX_G_REFUSED_FULL] += 1;
    if (u->cfg->on_refused != WX_REFUSE_RETRY) return 0;
    int rc = wx__units_retry(e, u, p, t);
    return rc == WX_OK ? 0 : rc;
  }
  return wx__pool_add(e, u, i, p) == WX_OK ? 1 : WX_ENOMEM;
}

int wx__groups_dissolve(wx_engine *e, wx_units_rt *u, uint32_t i, double t) {
  if (u->state[i] != WX_UNIT_OPEN) return WX_OK;
  e->cur[u->col + WX_G_DISSOLVED] += 1;
  wx__pool_evict_all(e, u, i);
  if (u->cfg->on_refused != WX_REFUSE_NEW_GROUP) {
    u->opened[i] = t; /* the next session's group, empty */
    wx__activity_open(u, i, t);
    return schedule_dissolve(e, u, i, t);
  }
  accrue(u, t);
  u->state[i] = WX_UNIT_CLOSED;
  u->n_open--;
  return WX_OK;
}

static void feedback(wx_engine *e, wx_units_rt *u, uint32_t i, double t) {
  double lambda = u->nf_rate * (1 - wx__group_activity(u, i, t));
  unsigned events = wx__poisson(u->rng, lambda);
  double *c = e->cur + u->col;
  for (unsigned k = 0; k < events && u->mem[i].n; k++) {
    unsigned leave = gsl_ran_binomial(u->rng, u->nf_leave, u->mem[i].n);
    c[WX_G_NF_EVENTS] += 1;
    c[WX_G_NF_LEAVES] += leave;
    wx__pool_choose_tail(e, u, i, leave);
    wx__pool_evict_tail(e, u, i, leave);
  }
}

int wx__groups_tick(wx_engine *e, wx_units_rt *u, double t) {
  for (uint32_t i = 0; i < u->n; i++)
    if (u->state[i] == WX_UNIT_OPEN && u->mem[i].n) feedback(e, u, i, t);
  return WX_OK;
}

/* The welcome and activity's hold on churn and conversion as a mechanic
 * of its own (agent_hooks.h), so that only models that use them pay for
 * the keeps hook.  It reads the units' state (agent_roster.c, earlier in
 * the table). */
static int keeps_used(const wx_units_cfg *c) {
  return c->type == WX_UNITS_GROUPS &&
         (c->welcome_window > 0 || c->act_hold > 0 || c->act_convert > 0);
}

static int welcome_applies(const wx_model *m, const wx_layout *l) {
  (void)l;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (keeps_used(&m->modules[i].units)) return 1;
  return 0;
}

static int welcome_watch(const wx_engine *e, uint32_t m) {
  const wx_units_rt *u = e->ux->of[m];
  return u && keeps_used(u->cfg);
}

/* A churn due `d` days after joining is thinned by the welcome; what it
 * keeps, activity may cancel (agent_activity.c). */
static int welcome_keeps(wx_engine *e, uint32_t m, uint32_t f, double d) {
  wx_units_rt *u = e->ux->of[m];
  if (!u || !keeps_used(u->cfg)) return 0;
  if (e->m->flows[f].kind == WX_FLOW_CHURN && u->cfg->welcome_window > 0 &&
      d < u->cfg->welcome_window &&
      !(gsl_rng_uniform(u->rng) < u->cfg->welcome_x)) {
    e->cur[u->col + WX_G_WELCOME_KEPT] += 1;
    return 1;
  }
  return wx__activity_keeps(e, u, f);
}

const wx_agent_mechanic wx__mech_welcome = {
    .name = "welcome",
    .applies = welcome_applies,
    .watches = welcome_watch,
    .keeps = welcome_keeps,
};

void wx__groups_levels(wx_engine *e, wx_units_rt *u, double t) {
  double *c = e->cur + u->col, open = 0, full = 0, act = 0;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->state[i] != WX_UNIT_OPEN) continue;
    open += 1;
    if (u->mem[i].n >= u->cap) full += 1;
    act += wx__group_activity(u, i, t);
  }
  c[WX_G_GROUPS_OPEN] = open;
  c[WX_G_GROUPS_FULL] = full;
  c[WX_G_ACTIVITY_MEAN] = open > 0 ? act / open : 0;
  c[WX_G_COST] =
      u->cost_acc + u->n_open * u->cfg->cost / 30.0 * (t - u->cost_t);
}
