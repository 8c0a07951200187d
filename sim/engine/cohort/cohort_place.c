/*
 * Where the people a units module accepted in one substep go
 * (cohort_units.h), in batches that give the agent engine's one-by-one
 * assignment (agent_staff.c, agent_groups.c) exactly, given the units'
 * counts at the substep's end:
 *   least_loaded: each person to the candidate with the fewest friends
 *     (lowest index on ties), so the tied accounts fill level by level;
 *     with drop the candidate is any open account, and a person offered
 *     one that is not ok is refused (and so is everybody after, since a
 *     refusal changes nothing);
 *   round_robin: whole rounds over the candidates, then one by one;
 *   groups: new_group fills the newest group, then opens new ones (their
 *     open times spread over the substep like the arrivals'); drop fills
 *     the groups in index order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "cohort_units.h"
#include "util.h"

static int grow(wx_cunit *u) {
  uint32_t room = u->room < 8 ? 8 : u->room * 2;
  uint64_t *f = realloc(u->f, room * sizeof *f);
  if (f) u->f = f;
  uint64_t *adds = realloc(u->adds, room * sizeof *adds);
  if (adds) u->adds = adds;
  uint8_t *state = realloc(u->state, room);
  if (state) u->state = state;
  uint8_t *used = realloc(u->used, room);
  if (used) u->used = used;
  double *opened = realloc(u->opened, room * sizeof *opened);
  if (opened) u->opened = opened;
  double *back = realloc(u->back, room * sizeof *back);
  if (back) u->back = back;
  uint64_t *tag = realloc(u->tag, room * sizeof *tag);
  if (tag) u->tag = tag;
  uint64_t *posts = realloc(u->posts, room * sizeof *posts);
  if (posts) u->posts = posts;
  if (!f || !adds || !state || !used || !opened || !back || !tag || !posts)
    return WX_ENOMEM;
  u->room = room;
  return WX_OK;
}

void wx__cunit_accrue(wx_cunit *u, double t) {
  u->cost_acc += u->n_open * u->cfg->cost / 30.0 * (t - u->cost_t);
  u->cost_t = t;
}

uint32_t wx__cunit_open(wx_cunit *u, double t) {
  if (u->n >= WX_COHORT_MAX_GROUPS) {
    u->too_many = 1;
    return WX_NONE;
  }
  if (u->n == u->room && grow(u) != WX_OK) return WX_NONE;
  if (!u->staff) wx__cunit_accrue(u, t);
  uint32_t i = u->n++;
  u->f[i] = u->adds[i] = u->tag[i] = u->posts[i] = 0;
  u->state[i] = WX_CU_OPEN;
  u->used[i] = 0;
  u->opened[i] = t;
  u->back[i] = INFINITY;
  u->n_open++;
  return i;
}

void wx__cunit_spread(const gsl_rng *r, uint64_t k, const uint64_t *w,
                      uint32_t n, uint64_t *out) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += w[i];
  for (uint32_t i = 0; i < n; i++) {
    uint64_t x = 0, rest = total - w[i];
    if (k && w[i]) {
      if (!rest) {
        x = k < w[i] ? k : w[i];
      } else if (total <= UINT32_MAX && k <= 10000) {
        x = gsl_ran_hypergeometric(r, (unsigned)w[i], (unsigned)rest,
                                   (unsigned)k);
      } else { /* large: a binomial with the exact mean (docs/cohort.md) */
        x = wx__cohort_binomial(r, (double)w[i] / (double)total, k);
        uint64_t lo = k > rest ? k - rest : 0;
        x = x < lo ? lo : x > w[i] ? w[i] : x > k ? k : x;
      }
    }
    out[i] = x;
    k -= x;
    total = rest;
  }
}

/* ---------------------------------------------------------------- staff */

static int has_room(const wx_cunit *u, uint32_t i) {
  return u->state[i] == WX_CU_OPEN && u->f[i] < u->cap;
}

/* How many more account i can take today. */
static uint64_t room_of(const wx_cunit *u, uint32_t i) {
  if (!has_room(u, i)) return 0;
  uint64_t r = u->cap - u->f[i];
  uint64_t d = u->adds[i] < u->daily ? u->daily - u->adds[i] : 0;
  return d < r ? d : r;
}

static void give(wx_cunit *u, uint32_t i, uint64_t x) {
  if (!x) return;
  if (!u->used[i]) u->cnt[WX_S_ACCOUNTS_USED]++;
  u->used[i] = 1;
  u->f[i] += x;
  u->adds[i] += x;
}

/* x refused: by the account offered (drop) when there is one, else by
 * all, under the daily limit while some open account has room. */
static void refuse(wx_cunit *u, uint64_t x, uint32_t chosen) {
  int daily = 0;
  if (chosen != WX_NONE) daily = has_room(u, chosen);
  for (uint32_t i = 0; chosen == WX_NONE && i < u->n; i++)
    if (has_room(u, i)) daily = 1;
  u->cnt[daily ? WX_S_REFUSED_DAILY : WX_S_REFUSED_CAP] += x;
}

static int candidate(const wx_cunit *u, uint32_t i, int need_ok) {
  return need_ok ? room_of(u, i) > 0 : u->state[i] == WX_CU_OPEN;
}

/* The accounts tied at the fewest friends: level lo, next level nxt,
 * count, first index, least room among them. */
typedef struct {
  uint64_t lo, nxt, lim;
  uint32_t cnt, first;
} tie;

static tie fewest(const wx_cunit *u, int need_ok) {
  tie t = {UINT64_MAX, UINT64_MAX, UINT64_MAX, 0, WX_NONE};
  for (uint32_t i = 0; i < u->n; i++)
    if (candidate(u, i, need_ok) && u->f[i] < t.lo) t.lo = u->f[i];
  for (uint32_t i = 0; i < u->n; i++) {
    if (!candidate(u, i, need_ok)) continue;
    if (u->f[i] > t.lo) {
      if (u->f[i] < t.nxt) t.nxt = u->f[i];
      continue;
    }
    if (!t.cnt++) t.first = i;
    uint64_t r = room_of(u, i);
    if (r < t.lim) t.lim = r;
  }
  return t;
}

/* q to every tied account, one more to the first r of them. */
static void give_tied(wx_cunit *u, const tie *t, int need_ok, uint64_t q,
                      uint64_t r) {
  for (uint32_t i = t->first; i < u->n; i++) {
    if (!candidate(u, i, need_ok) || u->f[i] != t->lo) continue;
    give(u, i, q + (r ? 1 : 0));
    if (r) r--;
  }
}

static uint64_t least_loaded(wx_cunit *u, uint64_t a, int need_ok) {
  uint64_t in = 0;
  while (a) {
    tie t = fewest(u, need_ok);
    if (!t.cnt) break;
    if (!t.lim) { /* drop: some tied account is not ok */
      if (!room_of(u, t.first)) {
        refuse(u, a, t.first);
        return in;
      }
      give(u, t.first, 1);
      a--, in++;
      continue;
    }
    uint64_t step = t.nxt - t.lo < t.lim ? t.nxt - t.lo : t.lim;
    uint64_t take = a / t.cnt >= step ? step * t.cnt : a;
    give_tied(u, &t, need_ok, take / t.cnt, take % t.cnt);
    a -= take, in += take;
  }
  if (a) refuse(u, a, WX_NONE);
  return in;
}

static uint64_t rr_overflow(wx_cunit *u, uint64_t a) {
  uint64_t in = 0;
  while (a) {
    uint32_t cnt = 0;
    uint64_t least = UINT64_MAX;
    for (uint32_t i = 0; i < u->n; i++) {
      uint64_t r = room_of(u, i);
      if (!r) continue;
      cnt++;
      if (r < least) least = r;
    }
    if (!cnt) break;
    uint64_t full = a / cnt < least ? a / cnt : least;
    for (uint32_t i = 0; full && i < u->n; i++)
      if (room_of(u, i)) give(u, i, full);
    a -= full * cnt, in += full * cnt;
    if (full) continue;
    for (uint32_t k = 0; k < u->n; k++) { /* fewer left than accounts */
      uint32_t i = (u->cursor + k) % u->n;
      if (!room_of(u, i)) continue;
      give(u, i, 1);
      u->cursor = (i + 1) % u->n;
      a--, in++;
      break;
    }
  }
  if (a) refuse(u, a, WX_NONE);
  return in;
}

/* Drop: offers go round the open accounts; an account takes its room. */
static uint64_t rr_drop(wx_cunit *u, uint64_t a) {
  uint32_t cnt = 0;
  for (uint32_t i = 0; i < u->n; i++) cnt += u->state[i] == WX_CU_OPEN;
  if (!cnt) {
    refuse(u, a, WX_NONE);
    return 0;
  }
  uint64_t full = a / cnt, rem = a % cnt, in = 0;
  uint32_t start = u->cursor;
  for (uint32_t k = 0; k < u->n; k++) {
    uint32_t i = (start + k) % u->n;
    if (u->state[i] != WX_CU_OPEN) continue;
    uint64_t offers = full + (rem ? 1 : 0);
    if (rem && !--rem) u->cursor = (i + 1) % u->n;
    uint64_t r = room_of(u, i), x = offers < r ? offers : r;
    give(u, i, x);
    in += x;
    if (offers > x) refuse(u, offers - x, i);
  }
  return in;
}

/* --------------------------------------------------------------- groups */

static uint64_t new_groups(wx_cunit *u, uint64_t a, double t0, double t1) {
  uint64_t left = a;
  if (u->n && has_room(u, u->cursor)) {
    uint64_t x = u->cap - u->f[u->cursor];
    x = x < left ? x : left;
    u->f[u->cursor] += x;
    left -= x;
  }
  while (left) {
    /* the first member's expected arrival time among a uniform ones */
    double at = t0 + (t1 - t0) * (double)(a - left + 1) / (double)(a + 1);
    uint32_t i = wx__cunit_open(u, at);
    if (i == WX_NONE) return a - left;
    uint64_t x = u->cap < left ? u->cap : left;
    u->f[i] = x;
    left -= x;
    u->cursor = i;
  }
  return a;
}

static uint64_t fill_groups(wx_cunit *u, uint64_t a) {
  uint64_t left = a;
  for (uint32_t i = 0; left && i < u->n; i++) {
    if (!has_room(u, i)) continue;
    uint64_t x = u->cap - u->f[i];
    x = x < left ? x : left;
    u->f[i] += x;
    left -= x;
  }
  u->cnt[WX_G_REFUSED_FULL] += left;
  return a - left;
}

uint64_t wx__cunit_place(wx_cunit *u, uint64_t a, double t0, double t1) {
  if (!a) return 0;
  int drop = u->cfg->on_refused == WX_REFUSE_DROP;
  if (!u->staff)
    return u->cfg->on_refused == WX_REFUSE_NEW_GROUP ? new_groups(u, a, t0, t1)
                                                     : fill_groups(u, a);
  if (u->cfg->assign == WX_ASSIGN_ROUND_ROBIN)
    return drop ? rr_drop(u, a) : rr_overflow(u, a);
  return least_loaded(u, a, !drop);
}
