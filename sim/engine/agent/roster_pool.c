/*
 * The pool of units of one module (staff accounts or groups): per unit a
 * state, an open time and an unordered member list with O(1) removal (each
 * member's unit and position are kept in a hash table by person, roster.h).
 */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "agent_core.h"
#include "roster.h"

static int grow(wx_units_rt *u) {
  uint32_t room = u->room < 8 ? 8 : u->room * 2;
  wx_unit_members *mem = realloc(u->mem, room * sizeof *mem);
  if (mem) u->mem = mem;
  uint32_t *adds = realloc(u->adds, room * sizeof *adds);
  if (adds) u->adds = adds;
  uint32_t *posts = realloc(u->posts, room * sizeof *posts);
  if (posts) u->posts = posts;
  uint8_t *state = realloc(u->state, room);
  if (state) u->state = state;
  uint8_t *used = realloc(u->used, room);
  if (used) u->used = used;
  double *opened = realloc(u->opened, room * sizeof *opened);
  if (opened) u->opened = opened;
  wx_group_live *live = realloc(u->live, room * sizeof *live);
  if (live) u->live = live;
  if (!mem || !adds || !posts || !state || !used || !opened || !live)
    return WX_ENOMEM;
  memset(u->mem + u->room, 0, (room - u->room) * sizeof *u->mem);
  u->room = room;
  return WX_OK;
}

uint32_t wx__pool_open(wx_units_rt *u, double t) {
  if (u->n == u->room && grow(u) != WX_OK) return WX_NONE;
  uint32_t i = u->n++;
  u->mem[i].n = 0;
  u->adds[i] = u->posts[i] = 0;
  u->state[i] = WX_UNIT_OPEN;
  u->used[i] = 0;
  u->opened[i] = t;
  wx__activity_open(u, i, t);
  return i;
}

/* ------------------------------------------- members' places, by person */

/* Fibonacci hashing: consecutive slots spread over the whole table. */
static inline uint32_t home(const wx_units_rt *u, uint32_t p) {
  return (uint32_t)(((uint64_t)p * 0x9E3779B97F4A7C15ULL) >> 32) &
         (u->slot_cap - 1);
}

static void slots_empty(wx_unit_slot *s, uint32_t cap) {
  for (uint32_t i = 0; i < cap; i++) s[i].p = WX_NONE;
}

/* p's entry (p must be a member; else an empty entry, never a hang). */
static wx_unit_slot *slot_of(const wx_units_rt *u, uint32_t p) {
  uint32_t mask = u->slot_cap - 1, i = home(u, p);
  while (u->slot[i].p != p && u->slot[i].p != WX_NONE) i = (i + 1) & mask;
  return &u->slot[i];
}

static void slot_put(wx_units_rt *u, wx_unit_slot x) {
  uint32_t mask = u->slot_cap - 1, i = home(u, x.p);
  while (u->slot[i].p != WX_NONE) i = (i + 1) & mask;
  u->slot[i] = x;
  u->slot_n++;
}

/* Room for one more entry at a load of at most 3/4. */
static int slots_reserve(wx_units_rt *u) {
  if ((uint64_t)(u->slot_n + 1) * 4 <= (uint64_t)u->slot_cap * 3) return WX_OK;
  uint64_t cap = u->slot_cap ? 2 * (uint64_t)u->slot_cap : 64;
  wx_unit_slot *old = u->slot, *s = cap <= UINT32_MAX / 2
                                        ? malloc((size_t)cap * sizeof *s)
                                        : NULL;
  if (!s) return WX_ENOMEM;
  uint32_t old_cap = u->slot_cap;
  slots_empty(s, (uint32_t)cap);
  u->slot = s;
  u->slot_cap = (uint32_t)cap;
  u->slot_n = 0;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].p != WX_NONE) slot_put(u, old[i]);
  free(old);
  return WX_OK;
}

/* Removes the entry at `at`, moving later entries of its probe run back
 * so that no lookup meets a hole before its key. */
static void slot_erase(wx_units_rt *u, wx_unit_slot *at) {
  uint32_t mask = u->slot_cap - 1, i = (uint32_t)(at - u->slot);
  for (uint32_t j = (i + 1) & mask; u->slot[j].p != WX_NONE;
       j = (j + 1) & mask) {
    uint32_t k = home(u, u->slot[j].p);
    /* The entry at j may fill the hole at i unless its home lies
     * cyclically in (i, j]. */
    int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    u->slot[i] = u->slot[j];
    i = j;
  }
  u->slot[i].p = WX_NONE;
  u->slot_n--;
}

void wx__pool_clear(wx_units_rt *u) {
  u->n = 0;
  u->cursor = 0;
  if (u->slot_n) slots_empty(u->slot, u->slot_cap);
  u->slot_n = 0;
}

uint64_t wx__pool_bytes(const wx_units_rt *u) {
  uint64_t b = (uint64_t)u->slot_cap * sizeof *u->slot +
               (uint64_t)u->room * (sizeof *u->mem + 2 * sizeof *u->adds + 2 +
                                    sizeof *u->opened);
  for (uint32_t i = 0; i < u->room; i++)
    b += (uint64_t)u->mem[i].cap * sizeof *u->mem[i].list;
  return b;
}

void wx__pool_free(wx_units_rt *u) {
  for (uint32_t i = 0; i < u->room; i++) free(u->mem[i].list);
  free(u->slot);
  free(u->mem);
  free(u->adds);
  free(u->posts);
  free(u->state);
  free(u->used);
  free(u->opened);
  free(u->live);
}

uint32_t wx__units_of(const wx_engine *e, const wx_units_rt *u, uint32_t p) {
  (void)e;
  return slot_of(u, p)->unit;
}

int wx__pool_add(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t p) {
  (void)e;
  wx_unit_members *mm = &u->mem[i];
  if (mm->n == mm->cap) {
    uint32_t cap = mm->cap < 16 ? 16 : mm->cap * 2;
    uint32_t *list = realloc(mm->list, cap * sizeof *list);
    if (!list) return WX_ENOMEM;
    mm->list = list;
    mm->cap = cap;
  }
  if (slots_reserve(u) != WX_OK) return WX_ENOMEM;
  slot_put(u, (wx_unit_slot){p, i, mm->n});
  mm->list[mm->n++] = p;
  u->used[i] = 1;
  return WX_OK;
}

void wx__pool_remove(wx_engine *e, wx_units_rt *u, uint32_t p) {
  (void)e;
  wx_unit_slot *w = slot_of(u, p);
  uint32_t pos = w->pos;
  wx_unit_members *mm = &u->mem[w->unit];
  uint32_t last = mm->list[--mm->n];
  mm->list[pos] = last;
  if (last != p) slot_of(u, last)->pos = pos; /* no probe moves w */
  slot_erase(u, w);
}

static void swap(wx_engine *e, wx_units_rt *u, wx_unit_members *mm, uint32_t a,
                 uint32_t b) {
  uint32_t pa = mm->list[a], pb = mm->list[b];
  mm->list[a] = pb;
  mm->list[b] = pa;
  (void)e;
  slot_of(u, pb)->pos = a;
  slot_of(u, pa)->pos = b;
}

void wx__pool_swap(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t a,
                   uint32_t b) {
  if (a != b) swap(e, u, &u->mem[i], a, b);
}

void wx__pool_choose_tail(wx_engine *e, wx_units_rt *u, uint32_t i,
                          uint32_t k) {
  wx_unit_members *mm = &u->mem[i];
  if (k > mm->n) k = mm->n;
  for (uint32_t j = 0; j < k; j++) {
    uint32_t left = mm->n - j;
    uint32_t pick = (uint32_t)gsl_rng_uniform_int(u->rng, left);
    swap(e, u, mm, pick, left - 1);
  }
}

/* Each eviction removes the list's last entry (wx__units_leave), so
 * popping from the end never moves an entry still to be visited. */
void wx__pool_evict_tail(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t k) {
  wx_unit_members *mm = &u->mem[i];
  for (uint32_t j = 0; j < k && mm->n; j++)
    wx__agent_evict(e, mm->list[mm->n - 1], u->module);
}

uint32_t wx__pool_evict_all(wx_engine *e, wx_units_rt *u, uint32_t i) {
  uint32_t n = u->mem[i].n;
  wx__pool_evict_tail(e, u, i, n);
  return n;
}

/* Shared by both admission policies (agent_staff.c, agent_groups.c). */
int wx__units_retry(wx_engine *e, wx_units_rt *u, uint32_t p, double t) {
  return wx__agent_schedule(e, t + u->cfg->retry_after, p, WX_EV_RETRY,
                            (uint16_t)u->module);
}
