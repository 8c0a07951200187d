/*
 * The step trees of the cohort engine's states (cohort.h, cohort_space.c
 * builds the states): a state's tree holds every (end state, counter
 * increments) a path starting in it can end a step at, one node per
 * distinct pair, with an edge per flow and fate that leads there; then the
 * sparse, padded copy of the increments that the spreading loop reads
 * (cohort_draw.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cohort_space.h"
#include "util.h"

static int node_room(wx_cspace *s, uint32_t need) {
  uint32_t cap = s->cap_nodes;
  void *p = s->node_state;
  if (wx__cspace_grow(&p, &cap, need, sizeof *s->node_state) != WX_OK)
    return WX_ENOMEM;
  s->node_state = p;
  cap = s->cap_nodes;
  p = s->edge_off;
  if (wx__cspace_grow(&p, &cap, need + 1, sizeof *s->edge_off) != WX_OK)
    return WX_ENOMEM;
  s->edge_off = p;
  p = s->incr;
  if (wx__cspace_grow(&p, &s->cap_nodes, need, s->n_ctr ? s->n_ctr : 1) !=
      WX_OK)
    return WX_ENOMEM;
  s->incr = p;
  return WX_OK;
}

static uint32_t node_slot(uint32_t st, const uint8_t *inc, uint32_t n) {
  uint64_t h = wx__fnv1a64(inc, n) ^ wx__mix64(st);
  return (uint32_t)wx__mix64(h) & (WX_CTREE_HASH - 1);
}

/* The node (st, inc) of the tree starting at node `base`, added when
 * absent; WX_NONE with *rc set when the tree or memory is full. */
static uint32_t node_find(wx_cspace *s, wx_cscratch *w, uint32_t base,
                          uint32_t st, const uint8_t *inc, int *rc) {
  uint32_t n = s->n_ctr, h = node_slot(st, inc, n);
  for (;; h = (h + 1) & (WX_CTREE_HASH - 1)) {
    uint32_t v = w->thash[h];
    if (!v) break;
    uint32_t g = base + v - 1;
    if (s->node_state[g] == st && !memcmp(s->incr + (size_t)g * n, inc, n))
      return g;
  }
  uint32_t g = s->n_nodes;
  if (g - base >= WX_COHORT_MAX_TREE || g >= WX_COHORT_MAX_NODES) {
    *rc = WX_ETOOBIG;
    return WX_NONE;
  }
  if (node_room(s, g + 1) != WX_OK) {
    *rc = WX_ENOMEM;
    return WX_NONE;
  }
  s->node_state[g] = st;
  memcpy(s->incr + (size_t)g * n, inc, n);
  w->thash[h] = g - base + 1;
  s->n_nodes++;
  return g;
}

static int add_edge(wx_cspace *s, uint32_t to, uint32_t f, uint32_t enter,
                    uint32_t fate, uint32_t inst) {
  void *p = s->edges;
  if (wx__cspace_grow(&p, &s->cap_edges, s->n_edges + 1, sizeof *s->edges) !=
      WX_OK)
    return WX_ENOMEM;
  s->edges = p;
  if (s->n_instant) { /* only models with instant flows pay for it */
    p = s->edge_inst;
    if (wx__cspace_grow(&p, &s->cap_inst, s->n_edges + 1,
                        sizeof *s->edge_inst) != WX_OK)
      return WX_ENOMEM;
    s->edge_inst = p;
    s->edge_inst[s->n_edges] = inst;
  }
  s->edges[s->n_edges++] = (wx_cedge){to, f, enter, fate};
  return WX_OK;
}

/* An instant end in a step tree: its node and the edge to it, which
 * carries the instant path. */
typedef struct {
  wx_cspace *s;
  wx_cscratch *w;
  uint32_t base, f, enter, fate;
} tree_ctx;

static int tree_end(void *ctx, const uint16_t *key, const uint8_t *inc,
                    const uint32_t *fm, const uint32_t *ff, uint32_t nfac) {
  tree_ctx *x = ctx;
  wx_cspace *s = x->s;
  int rc = WX_OK;
  uint32_t st = wx__cspace_find(s, key);
  uint32_t to =
      st == WX_NONE ? WX_NONE : node_find(s, x->w, x->base, st, inc, &rc);
  if (to == WX_NONE)
    return rc == WX_ENOMEM ? rc
                           : wx__cspace_fail(s, WX_CFLOW_ID(x->f),
                                             "a step tree exceeds the bound");
  uint32_t inst = wx__cinst_path(s, fm, ff, nfac, &rc);
  if (rc != WX_OK) return rc;
  return add_edge(s, to, x->f, x->enter, x->fate, inst);
}

/* The root of a vanishing state's tree: instant edges to its ends. */
static int expand_vanishing(wx_cspace *s, const wx_model *m, wx_cscratch *w,
                            uint32_t base) {
  tree_ctx x = {s, w, base, WX_CEDGE_INSTANT, WX_NONE, 0};
  s->edge_off[base] = s->n_edges;
  memcpy(w->key, s->codes + (size_t)s->node_state[base] * s->kw,
         s->kw * sizeof *w->key);
  memset(w->inc, 0, s->n_ctr + 1u);
  return wx__cinst_resolve(s, m, w->key, w->inc, tree_end, &x);
}

/* The children of node g: one per pending flow and entry fate. */
static int expand(wx_cspace *s, const wx_model *m, wx_cscratch *w,
                  uint32_t base, uint32_t g) {
  const uint16_t *c = s->codes + (size_t)s->node_state[g] * s->kw;
  uint32_t np = wx__cspace_pending(s, m, c, w->pend);
  s->edge_off[g] = s->n_edges;
  for (uint32_t k = 0; k < np; k++) {
    uint32_t f = w->pend[k];
    wx_ceffect e = wx__cspace_apply(s, m, c, f, w->key);
    memcpy(w->inc, s->incr + (size_t)g * s->n_ctr, s->n_ctr);
    if (WX_CFLOW_OF(f) >= s->nf && !e.stage &&
        w->inc[s->rep_ctr[WX_CFLOW_OF(f) - s->nf]] >= WX_COHORT_REP_DEPTH)
      continue; /* the truncation of repeats (cohort_run.c bounds it) */
    for (uint32_t j = 0; j < e.n; j++)
      if (w->inc[e.ctr[j]]++ == WX_COHORT_DEPTH)
        return wx__cspace_fail(s, WX_CFLOW_ID(f),
                               "a path of more flows than the step tree holds");
    uint32_t nfate = wx__ceffect_fates(s, &e);
    for (uint32_t fate = 0; fate < nfate; fate++) {
      wx__ceffect_key(s, &e, fate, w->key);
      int rc = WX_OK;
      uint32_t enter = e.enter != WX_NONE ? e.enter : e.rep;
      if (s->n_instant && wx__cinst_vanishing(s, m, w->key)) {
        tree_ctx x = {s,     w,
                      base,  f,
                      enter, e.rep != WX_NONE ? fate | WX_CEDGE_REPEAT : fate};
        rc = wx__cinst_resolve(s, m, w->key, w->inc, tree_end, &x);
        if (rc != WX_OK) return rc;
        continue;
      }
      uint32_t st = wx__cspace_find(s, w->key);
      uint32_t to =
          st == WX_NONE ? WX_NONE : node_find(s, w, base, st, w->inc, &rc);
      if (to == WX_NONE)
        return rc == WX_ENOMEM
                   ? rc
                   : wx__cspace_fail(s, WX_CFLOW_ID(f),
                                     "a step tree exceeds the bound");
      if (add_edge(s, to, f, enter,
                   e.rep != WX_NONE ? fate | WX_CEDGE_REPEAT : fate,
                   0) != WX_OK)
        return WX_ENOMEM;
    }
  }
  return WX_OK;
}

/* Empties the tree hash: in reverse insertion order every node's probe
 * chain (nodes inserted before it) is still intact when it is removed. */
static void clear_tree(const wx_cspace *s, wx_cscratch *w, uint32_t base) {
  for (uint32_t g = s->n_nodes; g-- > base;) {
    const uint8_t *inc = s->incr + (size_t)g * s->n_ctr;
    uint32_t h = node_slot(s->node_state[g], inc, s->n_ctr);
    while (w->thash[h] != g - base + 1) h = (h + 1) & (WX_CTREE_HASH - 1);
    w->thash[h] = 0;
  }
}

static int build_trees(wx_cspace *s, const wx_model *m, wx_cscratch *w) {
  s->tree_off = calloc(s->n_states + 1u, sizeof *s->tree_off);
  if (!s->tree_off) return WX_ENOMEM;
  memset(w->inc, 0, s->n_ctr ? s->n_ctr : 1);
  for (uint32_t st = 0; st < s->n_states; st++) {
    uint32_t base = s->n_nodes;
    s->tree_off[st] = base;
    int rc = WX_OK;
    memset(w->inc, 0, s->n_ctr ? s->n_ctr : 1);
    node_find(s, w, base, st, w->inc, &rc); /* the root */
    uint32_t g = base;
    if (rc == WX_OK && s->n_instant &&
        wx__cinst_vanishing(s, m, s->codes + (size_t)st * s->kw))
      rc = expand_vanishing(s, m, w, g++);
    for (; g < s->n_nodes && rc == WX_OK; g++) rc = expand(s, m, w, base, g);
    if (rc == WX_ETOOBIG) { /* for the message */
      s->fail_state = st + 1;
      s->fail_tree = s->n_nodes - base;
      s->fail_total = s->n_nodes;
    }
    if (rc != WX_OK)
      return rc == WX_ETOOBIG && !s->fail_what
                 ? wx__cspace_fail(s, WX_NONE, "too many tree nodes")
                 : rc;
    clear_tree(s, w, base);
    if (s->n_nodes - base > s->max_tree) s->max_tree = s->n_nodes - base;
  }
  s->tree_off[s->n_states] = s->n_nodes;
  s->edge_off[s->n_nodes] = s->n_edges;
  return WX_OK;
}

/* The sparse copy of the node increments, for the hot loop: each list
 * padded to a multiple of WX_CSPACE_INC (increments of 0 to counter 0),
 * so that the settling loop takes that many at a time and its length
 * (mostly 0 to 2 blocks) is predicted far more often than one of 0 to 21
 * entries (docs/cohort.md, "Speed and memory"). */
static int sparse_incr(wx_cspace *s) {
  uint64_t nz = 0;
  for (uint32_t g = 0; g < s->n_nodes; g++) {
    const uint8_t *inc = s->incr + (size_t)g * s->n_ctr;
    uint32_t n = 0;
    for (uint32_t c = 0; c < s->n_ctr; c++) n += !!inc[c];
    nz += (n + WX_CSPACE_INC - 1) / WX_CSPACE_INC * WX_CSPACE_INC;
  }
  if (nz >= UINT32_MAX) return WX_ENOMEM;
  /* a word holds a counter in 24 bits: beyond, the dense incr (n_ctr
   * bytes a node) could hardly have been allocated either */
  if (s->n_ctr > (1u << 24)) return WX_ENOMEM;
  s->inc_off = calloc(s->n_nodes + 1u, sizeof *s->inc_off);
  s->inc = calloc(nz + 1, sizeof *s->inc);
  if (!s->inc_off || !s->inc) return WX_ENOMEM;
  uint32_t k = 0;
  for (uint32_t g = 0; g < s->n_nodes; g++) {
    s->inc_off[g] = k;
    const uint8_t *inc = s->incr + (size_t)g * s->n_ctr;
    for (uint32_t c = 0; c < s->n_ctr; c++)
      if (inc[c]) s->inc[k++] = c << 8 | inc[c];
    while ((k - s->inc_off[g]) % WX_CSPACE_INC) k++; /* calloc'd: 0s */
  }
  s->inc_off[s->n_nodes] = k;
  return WX_OK;
}

int wx__ctree_build(wx_cspace *s, const wx_model *m, wx_cscratch *w) {
  int rc = node_room(s, 1);
  if (rc == WX_OK) rc = build_trees(s, m, w);
  if (rc == WX_OK) rc = sparse_incr(s);
  return rc;
}
