/*
 * The engine's pending-event queue: a min-priority queue on (time, seq).
 * The sequence number is assigned by the queue in push order, so events at
 * the same time come out in the order they were pushed (FIFO) and a run is
 * deterministic whatever the internal layout.
 *
 * A heap entry (wx_event) is 24 bytes: double time, uint64 seq, uint32
 * person, uint16 what and uint16 epoch; the seq takes the 4 bytes the
 * double's alignment would pad and can never wrap.  An event waiting in a
 * time bucket is 16 bytes, without the seq: a bucket keeps its events in
 * push order, and they are numbered in that order when the bucket moves
 * into the heap (every event of a bucket is pushed before any event that
 * goes straight into its heap), so the order is the same as if every event
 * had been numbered at push.  Most pending events wait in buckets.
 *
 * Structure: a binary heap (chosen by measurement over 4-ary and 8-ary
 * heaps, bench/bench_queue.c) in front of time buckets.  With
 * wx__queue_set_span(q, span, n) the time axis [0, span) is cut into n
 * buckets; an event for a later bucket than the current one is appended,
 * unsorted, to that bucket, and a bucket is heapified only when the heap
 * runs dry.  The heap then holds one bucket's events and stays in cache,
 * which the engine's far-future events (stays of weeks) would otherwise
 * defeat.  Order is exact: buckets are a monotone function of time, and
 * the heap orders on (time, seq).  Without a span the queue is a plain heap.
 */
#ifndef WX_QUEUE_H
#define WX_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  double t;
  uint64_t seq;
  uint32_t person; /* person slot, or source index for arrivals */
  uint16_t what;   /* flow index, or WX_EV_SOURCE */
  uint16_t epoch;  /* membership epoch of the flow's `from` at scheduling */
} wx_event;

typedef struct wx_chunk wx_chunk;

typedef struct {
  wx_event *a; /* the heap */
  size_t n_heap, cap;
  wx_event front; /* when has_front: before every other entry */
  int has_front;
  size_t n;          /* entries in heap and buckets */
  size_t peak;       /* most entries held since the last clear */
  size_t peak_bytes; /* most bytes of entries held since the last clear */
  uint64_t seq;      /* next sequence number */
  /* Buckets: chunk lists, n_buckets of them, bucket `cur` is in the heap. */
  wx_chunk **head, **tail;
  uint32_t n_buckets, cur;
  double inv_width;
  wx_chunk *pool;  /* drained chunks, for reuse */
  size_t n_chunks; /* chunks allocated */
} wx_queue;

void wx__queue_init(wx_queue *q);
void wx__queue_free(wx_queue *q);
/* Cuts [0, span) into n_buckets time buckets (later times go to the last
 * one).  Only on an empty queue.  WX_OK, WX_ENOMEM or WX_EINVAL. */
int wx__queue_set_span(wx_queue *q, double span, uint32_t n_buckets);
/* Empties the queue and restarts sequence numbers; keeps the memory. */
void wx__queue_clear(wx_queue *q);
/* WX_OK or WX_ENOMEM (the queue is then unchanged). */
int wx__queue_push(wx_queue *q, double t, uint32_t person, uint16_t what,
                   uint16_t epoch);
/* Removes the least entry into *out: 1 when it did, 0 when the queue was
 * empty, WX_ENOMEM (negative) when a bucket could not be moved into the
 * heap; the queue is then unchanged and a later pop may succeed.  Loop with
 * `while ((rc = wx__queue_pop(q, &ev)) > 0)` and check rc after. */
int wx__queue_pop(wx_queue *q, wx_event *out);
/* The least entry, or NULL when empty or out of memory (wx__queue_size
 * tells which); valid until the next push/pop. */
const wx_event *wx__queue_peek(wx_queue *q);
size_t wx__queue_size(const wx_queue *q);
/* The least entry when it is at hand without a refill (the front or the
 * heap's root), else NULL: for prefetching what the next event needs. */
static inline const wx_event *wx__queue_top(const wx_queue *q) {
  return q->has_front ? &q->front : q->n_heap ? &q->a[0] : NULL;
}
/* Bytes of memory the queue holds. */
size_t wx__queue_bytes(const wx_queue *q);

#endif
