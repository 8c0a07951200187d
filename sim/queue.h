/*
 * The engine's pending-event queue: a min-priority queue on (time, seq).
 * The sequence number is assigned by the queue at push, so events at the
 * same time come out in the order they were pushed (FIFO) and a run is
 * deterministic whatever the heap shape.
 *
 * An entry is 24 bytes: double time, uint64 seq, uint32 person, uint16 what
 * and uint16 epoch.  8 + 4 + 4 + 2 + 2 = 20 would be padded to 24 anyway
 * because of the double, so the seq takes the 4 spare bytes and becomes 64
 * bits wide: it can never wrap, whatever the run length.
 *
 * Structure: a binary implicit heap with hole-based sifting, chosen by
 * measurement over 4-ary and 8-ary heaps (bench/bench_queue.c).
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

typedef struct {
  wx_event *a;
  size_t n, cap;
  size_t peak;     /* most entries held since the last clear */
  uint64_t seq;    /* next sequence number */
} wx_queue;

void wx__queue_init(wx_queue *q);
void wx__queue_free(wx_queue *q);
/* Empties the queue and restarts sequence numbers; keeps the memory. */
void wx__queue_clear(wx_queue *q);
/* WX_OK or WX_ENOMEM (the queue is then unchanged). */
int wx__queue_push(wx_queue *q, double t, uint32_t person, uint16_t what,
                   uint16_t epoch);
/* Removes the least entry into *out; 0 when the queue was empty. */
int wx__queue_pop(wx_queue *q, wx_event *out);
/* The least entry, or NULL when empty; valid until the next push/pop. */
const wx_event *wx__queue_peek(const wx_queue *q);
size_t wx__queue_size(const wx_queue *q);
/* Bytes of memory the queue holds. */
size_t wx__queue_bytes(const wx_queue *q);

#endif
