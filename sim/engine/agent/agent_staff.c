/*
 * Staff accounts (personal_account, wecom): joining is a friend request.
 *
 * Admission of p at time t (first attempt):
 *   1. declined with probability 1 - accept (counted `declined`; p does not
 *      join and never retries: the customer said no);
 *   2. an account is chosen (below);  when none can take p, the request is
 *      refused and counted by reason: `refused_daily` when some open account
 *      is still under its friend cap (so the daily add limit blocked it),
 *      else `refused_cap` (every account full or banned);  with
 *      on_refused: retry, p tries again after retry_after (no new acceptance
 *      draw; counted `retries` at each new attempt).
 * Choosing an account: `ok` = open (not banned), below friend_cap and below
 * daily_adds adds on this calendar day (floor(t)).
 *   least_loaded: overflow/retry take the ok account with fewest friends
 *     (lowest index on ties); drop takes the open account with fewest
 *     friends and refuses when it is not ok.
 *   round_robin: the next open account after the last one used; drop
 *     refuses when it is not ok, overflow/retry go on round to the next ok.
 * Bans: at each whole day d, each open account is banned with probability
 * 1 - exp(-(rate x 1d + per_post x posts)), posts = marketing posts by it
 * since the last tick (wx__staff_post); with ban_pressure (aggressive
 * marketing) the rate term is rate x exp(adds_gain x adds / daily_adds +
 * posts_gain x posts), adds = the account's adds on day d - 1 (an add at
 * exactly d before the tick starts day d and is not counted).  A ban makes exactly that account's
 * friends leave the module (`ban_losses`); the account is replaced by a new
 * empty one after replace_after.  Cost: every account on the payroll
 * (banned ones too: the staff member is still paid) costs `cost` per 30 d.
 */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "agent_core.h"
#include "roster.h"

static void new_day(wx_units_rt *u, double t) {
  double day = floor(t);
  if (day == u->day) return;
  u->day = day;
  for (uint32_t i = 0; i < u->n; i++) u->adds[i] = 0;
}

static int ok(const wx_units_rt *u, uint32_t i) {
  return wx__pool_has_room(u, i) && u->adds[i] < u->daily;
}

/* Fewest friends among open accounts (only ok ones when `need_ok`).  A
 * scan of every account at every request: kept tight (the best count in
 * a register, no calls), as it is most of what a staff module adds to an
 * event (callgrind, bench_speed's scenario). */
static uint32_t least_loaded(const wx_units_rt *u, int need_ok) {
  uint32_t best = WX_NONE, fewest = 0, n = u->n, cap = u->cap;
  uint32_t daily = u->daily;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t friends = u->mem[i].n;
    if (u->state[i] != WX_UNIT_OPEN) continue;
    if (need_ok && (friends >= cap || u->adds[i] >= daily)) continue;
    if (best == WX_NONE || friends < fewest) {
      best = i;
      fewest = friends;
    }
  }
  return best;
}

static uint32_t round_robin(wx_units_rt *u, int need_ok) {
  for (uint32_t k = 0; k < u->n; k++) {
    uint32_t i = (u->cursor + k) % u->n;
    if (u->state[i] != WX_UNIT_OPEN) continue;
    if (need_ok && !ok(u, i)) continue;
    u->cursor = (i + 1) % u->n;
    return i;
  }
  return WX_NONE;
}

/* The account p is offered to (WX_NONE when none is open, or with
 * overflow/retry when none is ok); p joins it only when it is ok. */
static uint32_t choose(wx_units_rt *u) {
  int drop = u->cfg->on_refused == WX_REFUSE_DROP;
  return u->cfg->assign == WX_ASSIGN_ROUND_ROBIN ? round_robin(u, !drop)
                                                 : least_loaded(u, !drop);
}

/* Why p was refused: by the account it was offered to (drop) when there is
 * one, else by all of them, under the daily limit while some open account
 * still has room under the cap. */
static int refused_by_daily_limit(const wx_units_rt *u, uint32_t chosen) {
  if (chosen != WX_NONE) return wx__pool_has_room(u, chosen);
  for (uint32_t i = 0; i < u->n; i++)
    if (wx__pool_has_room(u, i)) return 1;
  return 0;
}

static int refuse(wx_engine *e, wx_units_rt *u, uint32_t p, double t,
                  uint32_t chosen) {
  int daily = refused_by_daily_limit(u, chosen);
  e->cur[u->col + (daily ? WX_S_REFUSED_DAILY : WX_S_REFUSED_CAP)] += 1;
  if (u->cfg->on_refused != WX_REFUSE_RETRY) return 0;
  int rc = wx__units_retry(e, u, p, t);
  return rc == WX_OK ? 0 : rc;
}

int wx__staff_admit(wx_engine *e, wx_units_rt *u, uint32_t p, double t) {
  double *c = e->cur + u->col;
  if (e->ux->retrying) {
    c[WX_S_RETRIES] += 1;
  } else if (u->accept < 1 && !(gsl_rng_uniform(u->rng) < u->accept)) {
    c[WX_S_DECLINED] += 1;
    return 0;
  }
  new_day(u, t);
  uint32_t i = choose(u);
  if (i == WX_NONE || !ok(u, i)) return refuse(e, u, p, t, i);
  if (!u->used[i]) c[WX_S_ACCOUNTS_USED] += 1;
  if (wx__pool_add(e, u, i, p) != WX_OK) return WX_ENOMEM;
  u->adds[i]++;
  return 1;
}

static int ban(wx_engine *e, wx_units_rt *u, uint32_t i, double t) {
  u->state[i] = WX_UNIT_BANNED;
  e->cur[u->col + WX_S_BANS] += 1;
  e->cur[u->col + WX_S_BAN_LOSSES] += wx__pool_evict_all(e, u, i);
  double back = t + u->cfg->replace_after;
  if (!(back <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, back, i, WX_EV_UNIT, (uint16_t)u->module);
}

/* The base hazard of account i over the day ending at tick t. */
static double base_hazard(const wx_engine *e, const wx_units_rt *u, uint32_t i,
                          double t) {
  const wx_units_cfg *c = u->cfg;
  if (!c->ban_pressure || !(u->ban_rate > 0)) return u->ban_rate;
  double adds = u->day == t - 1 ? u->adds[i] : 0;
  double x = e->params[c->ban_posts_gain] * u->posts[i];
  if (u->daily > 0 && u->daily < UINT32_MAX)
    x += e->params[c->ban_adds_gain] * adds / u->daily;
  return u->ban_rate * exp(x);
}

int wx__staff_tick(wx_engine *e, wx_units_rt *u, double t) {
  for (uint32_t i = 0; i < u->n; i++) {
    double h = base_hazard(e, u, i, t) + u->ban_per_post * u->posts[i];
    u->posts[i] = 0;
    if (u->state[i] != WX_UNIT_OPEN || !(h > 0)) continue;
    if (!(gsl_rng_uniform(u->rng) < -expm1(-h))) continue;
    int rc = ban(e, u, i, t);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

void wx__staff_replace(wx_engine *e, wx_units_rt *u, uint32_t i, double t) {
  (void)e;
  u->state[i] = WX_UNIT_OPEN;
  u->mem[i].n = 0;
  u->adds[i] = u->posts[i] = 0;
  u->used[i] = 0;
  u->opened[i] = t;
}

void wx__staff_levels(wx_engine *e, wx_units_rt *u, double t) {
  double *c = e->cur + u->col, active = 0, most = 0;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->state[i] == WX_UNIT_OPEN) active += 1;
    if (u->mem[i].n > most) most = u->mem[i].n;
  }
  c[WX_S_ACCOUNTS_ACTIVE] = active;
  c[WX_S_FRIENDS_MAX] = most;
  c[WX_S_COST] = u->n * u->cfg->cost * t / 30.0;
}

void wx__staff_post(wx_engine *e, uint32_t m, uint32_t account) {
  wx_units_rt *u = e->ux ? e->ux->of[m] : NULL;
  if (!u || u->cfg->type != WX_UNITS_STAFF || account >= u->n) return;
  u->posts[account]++;
}
