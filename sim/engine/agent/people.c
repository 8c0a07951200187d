#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "people.h"

/* Slot indices must stay below WX_NONE and fit the queue's uint32. */
#define MAX_SLOTS (UINT32_MAX - 1)

void wx__people_init(wx_people *pp, uint32_t n_modules) {
  *pp = (wx_people){0};
  pp->stride = 2 + n_modules;
  pp->free_head = WX_NONE;
}

void wx__people_free(wx_people *pp) {
  free(pp->rec);
  pp->rec = NULL;
  pp->cap = pp->n = 0;
}

void wx__people_reset(wx_people *pp) {
  pp->n = 0;
  pp->free_head = WX_NONE;
  pp->live = pp->peak_live = 0;
}

/* Grows by half, not by double: this table is most of the memory per
 * person, and doubling could leave half of it idle. */
static int grow(wx_people *pp, int *toobig) {
  if (pp->cap >= MAX_SLOTS) {
    *toobig = 1;
    return -1;
  }
  uint64_t cap = pp->cap < 1024 ? 1024 : (uint64_t)pp->cap + pp->cap / 2;
  if (cap > MAX_SLOTS) cap = MAX_SLOTS;
  size_t bytes = (size_t)cap * pp->stride * sizeof *pp->rec;
  if (bytes / pp->stride / sizeof *pp->rec != cap ||
      (pp->max_bytes > 0 && (double)bytes > pp->max_bytes)) {
    *toobig = 1;
    return -1;
  }
  uint16_t *rec = realloc(pp->rec, bytes);
  if (!rec) return -1;
  pp->rec = rec;
  pp->cap = (uint32_t)cap;
  return 0;
}

uint32_t wx__people_new(wx_people *pp, int *toobig) {
  uint32_t p = pp->free_head;
  if (p != WX_NONE) {
    uint16_t *r = wx__person(pp, p);
    pp->free_head = (uint32_t)r[0] | (uint32_t)r[1] << 16;
    r[0] = r[1] = 0; /* the epochs stay: all even, as nobody is a member */
  } else {
    if (pp->n == pp->cap && grow(pp, toobig) != 0) return WX_NONE;
    p = pp->n++;
    memset(wx__person(pp, p), 0, pp->stride * sizeof *pp->rec);
  }
  if (++pp->live > pp->peak_live) pp->peak_live = pp->live;
  return p;
}

void wx__people_release(wx_people *pp, uint32_t p) {
  uint16_t *r = wx__person(pp, p);
  r[0] = (uint16_t)(pp->free_head & 0xFFFF);
  r[1] = (uint16_t)(pp->free_head >> 16);
  pp->free_head = p;
}

size_t wx__people_bytes(const wx_people *pp) {
  return (size_t)pp->cap * pp->stride * sizeof *pp->rec;
}

size_t wx__people_used_bytes(const wx_people *pp) {
  return (size_t)pp->n * pp->stride * sizeof *pp->rec;
}
