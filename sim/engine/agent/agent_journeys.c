/* The journey recorder behind the agent engine's hooks (journeys.h). */
#include <stdlib.h>
#include <string.h>

#include "journeys.h"
#include "wxflow/wxflow.h"

typedef struct {
  wx_jstep *s;
  uint32_t n, cap, dropped;
} slot;

struct wx_journeys {
  slot *slots;
  uint32_t n_slots;
  uint32_t cap;
  uint64_t lost_buys;
  int rc; /* sticky */
  wx_journey_fn done;
  void *ctx;
};

wx_journeys *wx__journeys_alloc(uint32_t cap, wx_journey_fn done, void *ctx) {
  wx_journeys *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->cap = cap ? cap : 1;
  j->done = done;
  j->ctx = ctx;
  return j;
}

void wx__journeys_free(wx_journeys *j) {
  if (!j) return;
  for (uint32_t i = 0; i < j->n_slots; i++) free(j->slots[i].s);
  free(j->slots);
  free(j);
}

void wx__journeys_reset(wx_journeys *j) {
  for (uint32_t i = 0; i < j->n_slots; i++) {
    j->slots[i].n = 0;
    j->slots[i].dropped = 0;
  }
  j->lost_buys = 0;
  j->rc = WX_OK;
}

static int grow_slots(wx_journeys *j, uint32_t p) {
  uint32_t n = j->n_slots ? j->n_slots : 64;
  while (n <= p) n = n > UINT32_MAX / 2 ? UINT32_MAX : 2 * n;
  slot *s = realloc(j->slots, (size_t)n * sizeof *s);
  if (!s) return WX_ENOMEM;
  memset(s + j->n_slots, 0, (size_t)(n - j->n_slots) * sizeof *s);
  j->slots = s;
  j->n_slots = n;
  return WX_OK;
}

static int push(wx_journeys *j, slot *s, const wx_jstep *st) {
  if (s->n == s->cap) {
    uint32_t c = s->cap ? 2 * s->cap : 4;
    if (c > j->cap) c = j->cap;
    wx_jstep *a = realloc(s->s, (size_t)c * sizeof *a);
    if (!a) return WX_ENOMEM;
    s->s = a;
    s->cap = c;
  }
  s->s[s->n++] = *st;
  return WX_OK;
}

static int step(wx_journeys *j, uint32_t p, wx_jkind kind, uint32_t index,
                uint32_t via, double t, double value) {
  if (p >= j->n_slots && grow_slots(j, p) != WX_OK) return WX_ENOMEM;
  slot *s = &j->slots[p];
  wx_jstep *last = s->n ? &s->s[s->n - 1] : NULL;
  if (kind == WX_J_TOUCH && last && last->kind == WX_J_TOUCH &&
      last->index == index) {
    if (last->count < UINT16_MAX) last->count++;
    return WX_OK;
  }
  if (s->n >= j->cap) {
    s->dropped++;
    if (kind == WX_J_BUY) j->lost_buys++;
    return WX_OK;
  }
  wx_jstep st = {t, value, index, via, (uint16_t)kind, 1};
  return push(j, s, &st);
}

void wx__journey_step(wx_journeys *j, uint32_t p, wx_jkind kind, uint32_t index,
                      double t, double value) {
  int rc = step(j, p, kind, index, UINT32_MAX, t, value);
  if (j->rc == WX_OK) j->rc = rc;
}

void wx__journey_buy(wx_journeys *j, uint32_t p, uint32_t o, uint32_t flow,
                     double t, double value) {
  int rc = step(j, p, WX_J_BUY, o, flow, t, value);
  if (j->rc == WX_OK) j->rc = rc;
}

void wx__journey_end(wx_journeys *j, uint32_t p) {
  if (p >= j->n_slots) return;
  slot *s = &j->slots[p];
  int rc =
      s->n && j->rc == WX_OK ? j->done(j->ctx, s->s, s->n, s->dropped) : WX_OK;
  if (j->rc == WX_OK) j->rc = rc;
  s->n = 0;
  s->dropped = 0;
}

int wx__journeys_flush(wx_journeys *j) {
  for (uint32_t p = 0; p < j->n_slots; p++) wx__journey_end(j, p);
  return j->rc;
}

int wx__journeys_status(const wx_journeys *j) { return j->rc; }

uint64_t wx__journeys_lost_buys(const wx_journeys *j) { return j->lost_buys; }
