/*
 * The person table of the agent engine: one record of 2 + n_modules
 * uint16 per person slot (14 bytes for 5 modules):
 *   rec[0]       memberships (0 = dead; "is alive" is O(1))
 *   rec[1]       pending events that name this slot (saturates at 0xFFFF)
 *   rec[2 + m]   epoch of module m: odd = member; join and leave each
 *                increment it.  Events carry the epoch of their `from`
 *                module and are stale when it changed.
 *
 * A slot is recycled through a LIFO free list only when its person is dead
 * AND no event names it any more, so a recycled slot can never be mistaken
 * by an old event, whatever the epochs.  (Recycling at death, keeping the
 * epochs, would be exposed to uint16 wrap-around when one slot is reused
 * tens of thousands of times while an old event waits.)  Epochs are kept
 * across reuse anyway.  A freed slot stores the next free index in rec[0]
 * (low half) and rec[1] (high half).  A slot whose pending count saturated
 * is never recycled: a leak, never a wrong event.
 */
#ifndef WX_PEOPLE_H
#define WX_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#define WX_PENDING_MAX 0xFFFFu

typedef struct {
  uint16_t *rec;
  uint32_t stride; /* uint16 per record: 2 + n_modules */
  uint32_t n;      /* slots handed out this run (high-water mark) */
  uint32_t cap;
  uint32_t free_head; /* WX_NONE when the free list is empty */
  uint64_t live, peak_live;
  double max_bytes; /* the table may not grow past this; 0 = no limit */
} wx_people;

void wx__people_init(wx_people *pp, uint32_t n_modules);
void wx__people_free(wx_people *pp);
/* Forgets every person; keeps the memory. */
void wx__people_reset(wx_people *pp);
/* A fresh slot (0 memberships, 0 pending, even epochs), or WX_NONE when
 * out of memory or out of indices (*toobig is then set). */
uint32_t wx__people_new(wx_people *pp, int *toobig);
/* Returns slot p to the free list (its person is dead and unnamed). */
void wx__people_release(wx_people *pp, uint32_t p);
/* Bytes held by the table; bytes of the slots used this run. */
size_t wx__people_bytes(const wx_people *pp);
size_t wx__people_used_bytes(const wx_people *pp);

static inline uint16_t *wx__person(const wx_people *pp, uint32_t p) {
  return pp->rec + (size_t)p * pp->stride;
}

#endif
