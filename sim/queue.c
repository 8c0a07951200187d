#include <stdlib.h>

#include "queue.h"
#include "wxflow/wxflow.h"

/* A binary heap: children of i are 2i+1 and 2i+2.  bench/bench_queue.c
 * measured it against 4-ary and 8-ary heaps and a bottom-up binary pop; on
 * the hold model it was fastest at every size (see the table there). */

static inline int before(const wx_event *x, const wx_event *y) {
  return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

void wx__queue_init(wx_queue *q) { *q = (wx_queue){0}; }

void wx__queue_free(wx_queue *q) {
  free(q->a);
  *q = (wx_queue){0};
}

void wx__queue_clear(wx_queue *q) {
  q->n = 0;
  q->peak = 0;
  q->seq = 0;
}

/* Grows by half: the queue is part of the memory per person we promise,
 * and doubling would leave up to half of it idle. */
static int grow(wx_queue *q) {
  size_t cap = q->cap < 64 ? 64 : q->cap + q->cap / 2;
  wx_event *a = realloc(q->a, cap * sizeof *a);
  if (!a) return WX_ENOMEM;
  q->a = a;
  q->cap = cap;
  return WX_OK;
}

int wx__queue_push(wx_queue *q, double t, uint32_t person, uint16_t what,
                   uint16_t epoch) {
  if (q->n == q->cap && grow(q) != WX_OK) return WX_ENOMEM;
  wx_event ev = {t, q->seq++, person, what, epoch};
  wx_event *a = q->a;
  size_t i = q->n++;
  while (i > 0) { /* move the hole up while the parent comes later */
    size_t parent = (i - 1) / 2;
    if (!before(&ev, &a[parent])) break;
    a[i] = a[parent];
    i = parent;
  }
  a[i] = ev;
  if (q->n > q->peak) q->peak = q->n;
  return WX_OK;
}

int wx__queue_pop(wx_queue *q, wx_event *out) {
  if (q->n == 0) return 0;
  wx_event *a = q->a;
  *out = a[0];
  wx_event last = a[--q->n];
  size_t n = q->n, i = 0;
  while (2 * i + 1 < n) { /* move the hole down to where last fits */
    size_t c = 2 * i + 1;
    if (c + 1 < n && before(&a[c + 1], &a[c])) c++;
    if (!before(&a[c], &last)) break;
    a[i] = a[c];
    i = c;
  }
  if (n > 0) a[i] = last;
  return 1;
}

const wx_event *wx__queue_peek(const wx_queue *q) {
  return q->n ? &q->a[0] : NULL;
}

size_t wx__queue_size(const wx_queue *q) { return q->n; }

size_t wx__queue_bytes(const wx_queue *q) { return q->cap * sizeof *q->a; }
