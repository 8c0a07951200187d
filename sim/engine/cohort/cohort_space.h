/*
 * What cohort_space.c (the states) and cohort_tree.c (their step trees)
 * share while building a state space, and nothing else includes.
 */
#ifndef WX_COHORT_SPACE_H
#define WX_COHORT_SPACE_H

#include "cohort.h"

#define WX_CTREE_HASH (4u * WX_COHORT_MAX_TREE)
#define WX_CSTAGE_EDGE \
  0x80000000u /* a state graph edge that only passes a stage */
#define WX_CFLOW_OF(g) ((g) & ~(WX_CSTAGE_EDGE | WX_CEDGE_EXIT))
/* the model flow of a pending entry, for messages (WX_NONE: a repeat) */
#define WX_CFLOW_ID(f) (WX_CFLOW_OF(f) < s->nf ? WX_CFLOW_OF(f) : WX_NONE)

/* Scratch of a build. */
typedef struct {
  uint32_t *pend;  /* pending flows of one state */
  uint16_t *key;   /* one state's codes */
  uint8_t *inc;    /* one node's increments */
  uint32_t *thash; /* tree node hash, local index + 1 */
  uint32_t *gfrom, *gto, *gflow, n_g, cap_g; /* state graph edges */
} wx_cscratch;

/* Grows *p (of *cap elements of elem bytes) to hold need, doubling. */
int wx__cspace_grow(void **p, uint32_t *cap, uint32_t need, size_t elem);
/* Records why building failed (the flow being expanded, or WX_NONE) and
 * returns WX_ETOOBIG. */
int wx__cspace_fail(wx_cspace *s, uint32_t flow, const char *what);
/* The step trees of every state of s and their sparse increments
 * (cohort_tree.c). */
int wx__ctree_build(wx_cspace *s, const wx_model *m, wx_cscratch *w);

#endif
