#include <stdlib.h>

#include "queue.h"
#include "wxflow/wxflow.h"

/* A chunk of 63 entries is a little over 1 KiB: small, since every bucket
 * holds a partly filled one. */
#define CHUNK 63

/* An event waiting in a bucket, without its sequence number: a bucket's
 * chunks keep their events in push order, and that order is all the
 * sequence numbers would say about them (they get theirs in refill). */
typedef struct {
  double t;
  uint32_t person;
  uint16_t what, epoch;
} wx_qent;

struct wx_chunk {
  wx_chunk *next;
  uint32_t n;
  wx_qent ev[CHUNK];
};

static inline int before(const wx_event *x, const wx_event *y) {
  return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

void wx__queue_init(wx_queue *q) {
  *q = (wx_queue){0};
  q->n_buckets = 1;
}

static void free_list(wx_chunk *c) {
  while (c) {
    wx_chunk *next = c->next;
    free(c);
    c = next;
  }
}

void wx__queue_free(wx_queue *q) {
  wx__queue_clear(q);
  free_list(q->pool);
  free(q->head);
  free(q->tail);
  free(q->a);
  wx__queue_init(q);
}

int wx__queue_set_span(wx_queue *q, double span, uint32_t n_buckets) {
  if (q->n || !(span > 0) || n_buckets == 0) return WX_EINVAL;
  wx_chunk **head = calloc(n_buckets, sizeof *head);
  wx_chunk **tail = calloc(n_buckets, sizeof *tail);
  if (!head || !tail) {
    free(head);
    free(tail);
    return WX_ENOMEM;
  }
  free(q->head);
  free(q->tail);
  q->head = head;
  q->tail = tail;
  q->n_buckets = n_buckets;
  q->inv_width = n_buckets / span;
  q->cur = 0;
  return WX_OK;
}

/* Moves every chunk of bucket b to the pool. */
static void drop_bucket(wx_queue *q, uint32_t b) {
  wx_chunk *c = q->head[b];
  while (c) {
    wx_chunk *next = c->next;
    c->next = q->pool;
    q->pool = c;
    c = next;
  }
  q->head[b] = q->tail[b] = NULL;
}

void wx__queue_clear(wx_queue *q) {
  if (q->head)
    for (uint32_t b = 0; b < q->n_buckets; b++) drop_bucket(q, b);
  q->n = q->n_heap = 0;
  q->has_front = 0;
  q->peak = q->peak_bytes = 0;
  q->seq = 0;
  q->cur = 0;
}

/* Grows by half: the queue is part of the memory per person we promise,
 * and doubling would leave up to half of it idle. */
static int reserve(wx_queue *q, size_t need) {
  if (need <= q->cap) return WX_OK;
  size_t cap = q->cap < 64 ? 64 : q->cap + q->cap / 2;
  if (cap < need) cap = need;
  wx_event *a = realloc(q->a, cap * sizeof *a);
  if (!a) return WX_ENOMEM;
  q->a = a;
  q->cap = cap;
  return WX_OK;
}

static void sift_up(wx_event *a, size_t i, wx_event ev) {
  while (i > 0) { /* move the hole up while the parent comes later */
    size_t parent = (i - 1) / 2;
    if (!before(&ev, &a[parent])) break;
    a[i] = a[parent];
    i = parent;
  }
  a[i] = ev;
}

static void sift_down(wx_event *a, size_t n, size_t i, wx_event ev) {
  while (2 * i + 1 < n) { /* move the hole down to where ev fits */
    size_t c = 2 * i + 1;
    if (c + 1 < n) c += (size_t)before(&a[c + 1], &a[c]);
    if (!before(&a[c], &ev)) break;
    a[i] = a[c];
    i = c;
  }
  a[i] = ev;
}

/* Bucket of time t: monotone in t, so a later bucket means a later time. */
static inline uint32_t bucket_of(const wx_queue *q, double t) {
  double b = t * q->inv_width;
  if (!(b > 0)) return 0;
  return b < q->n_buckets - 1 ? (uint32_t)b : q->n_buckets - 1;
}

static int bucket_push(wx_queue *q, uint32_t b, const wx_qent *ev) {
  wx_chunk *c = q->tail[b];
  if (!c || c->n == CHUNK) {
    wx_chunk *fresh = q->pool;
    if (fresh)
      q->pool = fresh->next;
    else if ((fresh = malloc(sizeof *fresh)))
      q->n_chunks++;
    else
      return WX_ENOMEM;
    fresh->next = NULL;
    fresh->n = 0;
    if (c)
      c->next = fresh;
    else
      q->head[b] = fresh;
    q->tail[b] = c = fresh;
  }
  c->ev[c->n++] = *ev;
  return WX_OK;
}

/* Bytes of the entries held now: heap entries carry their sequence. */
static inline size_t used_bytes(const wx_queue *q) {
  return q->n * sizeof(wx_qent) +
         (q->n_heap + q->has_front) * (sizeof(wx_event) - sizeof(wx_qent));
}

/* An event for the current bucket.  One that comes before everything held
 * waits in front of the heap, where the next pop takes it without touching
 * the heap: the next arrival of a busy source mostly does. */
static void near_push(wx_queue *q, wx_event ev) {
  if (q->has_front && before(&ev, &q->front)) {
    wx_event was = q->front;
    q->front = ev;
    ev = was;
  } else if (!q->has_front && (q->n_heap == 0 || before(&ev, &q->a[0]))) {
    q->front = ev;
    q->has_front = 1;
    return;
  }
  sift_up(q->a, q->n_heap++, ev);
}

/* An event for a later bucket waits there without a sequence number, as
 * every event of that bucket is pushed before any event that goes straight
 * into its heap (it is not the current bucket yet). */
int wx__queue_push(wx_queue *q, double t, uint32_t person, uint16_t what,
                   uint16_t epoch) {
  uint32_t b = q->n_buckets > 1 ? bucket_of(q, t) : 0;
  if (b > q->cur) {
    wx_qent ev = {t, person, what, epoch};
    if (bucket_push(q, b, &ev) != WX_OK) return WX_ENOMEM;
  } else {
    if (reserve(q, q->n_heap + 1) != WX_OK) return WX_ENOMEM;
    near_push(q, (wx_event){t, q->seq++, person, what, epoch});
  }
  if (++q->n > q->peak) q->peak = q->n;
  if (used_bytes(q) > q->peak_bytes) q->peak_bytes = used_bytes(q);
  return WX_OK;
}

/* Loads the next non-empty bucket into the (empty) heap and heapifies. */
static int refill(wx_queue *q) {
  while (q->n_heap == 0 && q->cur + 1 < q->n_buckets) {
    uint32_t b = q->cur + 1;
    size_t need = 0;
    for (wx_chunk *c = q->head[b]; c; c = c->next) need += c->n;
    /* On failure the bucket stays where it was, so a retry finds it. */
    if (reserve(q, need) != WX_OK) return WX_ENOMEM;
    q->cur = b;
    for (wx_chunk *c = q->head[b]; c; c = c->next)
      for (uint32_t i = 0; i < c->n; i++) {
        const wx_qent *x = &c->ev[i];
        q->a[q->n_heap++] =
            (wx_event){x->t, q->seq++, x->person, x->what, x->epoch};
      }
    drop_bucket(q, b);
    for (size_t i = q->n_heap / 2; i-- > 0;)
      sift_down(q->a, q->n_heap, i, q->a[i]);
  }
  return WX_OK;
}

/* Fills the hole at the root with ev, which came from the last leaf and
 * so most likely belongs near the bottom: the hole goes down to a leaf
 * along the lesser children (one compare a level), then ev climbs back
 * (Floyd).  Keys are unique (seq), so the pops come out in the same order
 * whatever shape the heap takes. */
static void sift_root(wx_event *a, size_t n, wx_event ev) {
  size_t i = 0, c;
  while ((c = 2 * i + 2) < n) {
    c -= (size_t)before(&a[c - 1], &a[c]);
    a[i] = a[c];
    i = c;
  }
  if (c == n) { /* a last, only child */
    a[i] = a[c - 1];
    i = c - 1;
  }
  sift_up(a, i, ev);
}

int wx__queue_pop(wx_queue *q, wx_event *out) {
  if (q->has_front) { /* before everything in the heap and the buckets */
    *out = q->front;
    q->has_front = 0;
    q->n--;
    return 1;
  }
  if (q->n_heap == 0) {
    if (q->n == 0) return 0;
    if (refill(q) != WX_OK) return WX_ENOMEM;
  }
  wx_event *a = q->a;
  *out = a[0];
  q->n--;
  size_t n = --q->n_heap;
  if (n > 0) sift_root(a, n, a[n]);
  return 1;
}

const wx_event *wx__queue_peek(wx_queue *q) {
  if (q->has_front) return &q->front;
  if (q->n_heap == 0 && (q->n == 0 || refill(q) != WX_OK)) return NULL;
  return &q->a[0];
}

size_t wx__queue_size(const wx_queue *q) { return q->n; }

size_t wx__queue_bytes(const wx_queue *q) {
  return q->cap * sizeof *q->a + q->n_chunks * sizeof(wx_chunk) +
         (q->head ? 2 * (size_t)q->n_buckets * sizeof *q->head : 0);
}
