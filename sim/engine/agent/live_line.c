/* The audience timeline of a live-stream touchpoint (live.h). */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "engine.h"
#include "live.h"

void wx__live_line_clear(wx_live_line *ln) {
  ln->n = 0;
  ln->online = ln->peak = ln->viewers = ln->replay = 0;
}

void wx__live_line_free(wx_live_line *ln) {
  free(ln->v);
  ln->v = NULL;
  ln->n = ln->cap = 0;
}

/* Points at or before t: the first index after them.  A stream's end,
 * t0 + duration, and a sample meant at the same time may differ in the
 * last bits (the grid is rounded, series.c), so points within
 * WX__SAME_TIME after t count as at t: viewers leaving at the end are
 * gone from a sample at the end. */
static uint32_t upper(const wx_live_line *ln, double t) {
  uint32_t lo = 0, hi = ln->n;
  t += WX__SAME_TIME;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ln->v[mid].t <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

wx_live_now wx__live_line_at(const wx_live_line *ln, double t) {
  wx_live_now x = {ln->online, ln->peak, ln->viewers, ln->replay};
  uint32_t k = upper(ln, t);
  if (k == 0) return x;
  const wx_live_point *p = &ln->v[k - 1];
  x.online += p->online;
  if (ln->online + p->peak > x.peak) x.peak = ln->online + p->peak;
  x.viewers += p->viewers;
  x.replay += p->replay;
  return x;
}

void wx__live_line_fold(wx_live_line *ln, double t) {
  uint32_t k = upper(ln, t);
  if (k == 0) return;
  wx_live_now x = wx__live_line_at(ln, t);
  ln->online = x.online;
  ln->peak = x.peak;
  ln->viewers = x.viewers;
  ln->replay = x.replay;
  memmove(ln->v, ln->v + k, (size_t)(ln->n - k) * sizeof *ln->v);
  ln->n -= k;
}

int wx__live_line_push(wx_live_line *ln, double t, int kind) {
  if (ln->n == ln->cap) {
    if (ln->n >= ln->max) return WX_ETOOBIG;
    uint64_t cap = ln->cap ? (uint64_t)ln->cap * 2 : 1024;
    if (cap > ln->max) cap = ln->max;
    wx_live_point *v = realloc(ln->v, (size_t)cap * sizeof *v);
    if (!v) return WX_ENOMEM;
    ln->v = v;
    ln->cap = (uint32_t)cap;
  }
  ln->v[ln->n++] = (wx_live_point){.t = t, .kind = kind};
  return WX_OK;
}

static int cmp_point(const void *a, const void *b) {
  const wx_live_point *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return (x->kind > y->kind) - (x->kind < y->kind);
}

void wx__live_line_sort(wx_live_line *ln) {
  qsort(ln->v, ln->n, sizeof *ln->v, cmp_point);
  int32_t online = 0, peak = 0;
  uint32_t viewers = 0, replay = 0;
  for (uint32_t k = 0; k < ln->n; k++) {
    wx_live_point *p = &ln->v[k];
    online += p->kind == WX_LT_ARRIVE ? 1 : p->kind == WX_LT_LEAVE ? -1 : 0;
    viewers += p->kind == WX_LT_ARRIVE;
    replay += p->kind == WX_LT_REPLAY;
    if (online > peak) peak = online;
    p->online = online;
    p->peak = peak;
    p->viewers = viewers;
    p->replay = replay;
  }
}
