/*
 * The pool of units of one module (staff accounts or groups): per unit a
 * state, an open time and an unordered member list with O(1) removal (each
 * member's position is kept in its person record, roster.h).
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

void wx__pool_clear(wx_units_rt *u) {
  u->n = 0;
  u->cursor = 0;
}

void wx__pool_free(wx_units_rt *u) {
  for (uint32_t i = 0; i < u->room; i++) free(u->mem[i].list);
  free(u->mem);
  free(u->adds);
  free(u->posts);
  free(u->state);
  free(u->used);
  free(u->opened);
  free(u->live);
}

int wx__pool_has_room(const wx_units_rt *u, uint32_t i) {
  return u->state[i] == WX_UNIT_OPEN && u->mem[i].n < u->cap;
}

static void put(uint16_t *w, uint32_t x) {
  w[0] = (uint16_t)(x & 0xFFFF);
  w[1] = (uint16_t)(x >> 16);
}

static uint32_t get(const uint16_t *w) {
  return (uint32_t)w[0] | (uint32_t)w[1] << 16;
}

uint32_t wx__units_of(const wx_engine *e, const wx_units_rt *u, uint32_t p) {
  return get(wx__person(&e->pp, p) + u->off);
}

int wx__pool_add(wx_engine *e, wx_units_rt *u, uint32_t i, uint32_t p) {
  wx_unit_members *mm = &u->mem[i];
  if (mm->n == mm->cap) {
    uint32_t cap = mm->cap < 16 ? 16 : mm->cap * 2;
    uint32_t *list = realloc(mm->list, cap * sizeof *list);
    if (!list) return WX_ENOMEM;
    mm->list = list;
    mm->cap = cap;
  }
  uint16_t *w = wx__person(&e->pp, p) + u->off;
  put(w, i);
  put(w + 2, mm->n);
  mm->list[mm->n++] = p;
  u->used[i] = 1;
  return WX_OK;
}

void wx__pool_remove(wx_engine *e, wx_units_rt *u, uint32_t p) {
  const uint16_t *w = wx__person(&e->pp, p) + u->off;
  uint32_t i = get(w), pos = get(w + 2);
  wx_unit_members *mm = &u->mem[i];
  uint32_t last = mm->list[--mm->n];
  mm->list[pos] = last;
  put(wx__person(&e->pp, last) + u->off + 2, pos);
}

static void swap(wx_engine *e, wx_units_rt *u, wx_unit_members *mm, uint32_t a,
                 uint32_t b) {
  uint32_t pa = mm->list[a], pb = mm->list[b];
  mm->list[a] = pb;
  mm->list[b] = pa;
  put(wx__person(&e->pp, pb) + u->off + 2, a);
  put(wx__person(&e->pp, pa) + u->off + 2, b);
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
