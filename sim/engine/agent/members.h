/*
 * The members of one module as a dense list with a position per person
 * slot, so that joining and leaving are O(1) and k distinct members can be
 * drawn uniformly in O(k) (a partial Fisher-Yates shuffle).  The engine
 * keeps one only for modules that some touchpoint broadcasts to.
 */
#ifndef WX_MEMBERS_H
#define WX_MEMBERS_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef struct {
  uint32_t *list; /* n members, in no particular order */
  uint32_t n, cap;
  uint32_t *pos; /* pos[p]: index of person slot p in list (members) */
  uint32_t pos_cap;
} wx_members;

void wx__members_free(wx_members *a);
static inline void wx__members_clear(wx_members *a) { a->n = 0; }
/* WX_OK or WX_ENOMEM.  p must not be a member already. */
int wx__members_add(wx_members *a, uint32_t p);
/* p must be a member. */
void wx__members_remove(wx_members *a, uint32_t p);
/* Copies k <= n distinct members, uniformly chosen, into out[k]; the
 * list's order changes (positions are kept up to date). */
void wx__members_sample(wx_members *a, uint32_t k, gsl_rng *r, uint32_t *out);

#endif
