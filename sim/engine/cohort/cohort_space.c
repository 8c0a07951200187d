/*
 * The cohort engine's state space (cohort.h): the membership states a
 * person can reach from the sources, and each state's step tree (built
 * in cohort_tree.c).  Built
 * from the model's structure only, once per engine, so every probability
 * counts as possibly non-zero (a replication's draws may make it so).
 *
 * A step tree of state s holds every (end state, counter increments) a
 * path starting in s can end a step at.  Paths with the same end state and
 * increments are one node (the order flows fired in does not matter to
 * any series).  The state graph must be acyclic: a cycle would let one
 * person fire flows without bound within a step, so no finite tree holds
 * the counters exactly; such models are refused (cohort_check.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cohort_space.h"
#include "util.h"

int wx__cspace_grow(void **p, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return WX_OK;
  uint32_t nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, (size_t)nc * elem);
  if (!q) return WX_ENOMEM;
  *p = q;
  *cap = nc;
  return WX_OK;
}

int wx__cspace_fail(wx_cspace *s, uint32_t flow, const char *what) {
  s->fail_flow = flow;
  s->fail_what = what;
  return WX_ETOOBIG;
}

/* ---------------------------------------------------------------- states */

static uint32_t slot_of(const uint16_t *key, uint32_t nm) {
  return (uint32_t)wx__fnv1a64(key, nm * sizeof *key);
}

/* 1 when key holds nothing but "bought" flags: the person is gone. */
static int gone(const wx_cspace *s, const uint16_t *key) {
  uint32_t flags = 0;
  for (uint32_t k = 0; k < s->kw; k++) {
    if (!key[k]) continue;
    if (k < s->kw - s->n_bought) return 0;
    flags++;
  }
  return flags > 0;
}

/* The index of the state with codes `key`, inserting it when `add`;
 * WX_NONE when absent (or when full: *rc = WX_ETOOBIG / WX_ENOMEM). */
static uint32_t state_find(wx_cspace *s, const uint16_t *key, int add,
                           int *rc) {
  if (s->n_bought && s->n_states && gone(s, key)) return 0;
  uint32_t nm = s->kw, h = slot_of(key, nm) & (s->hash_cap - 1);
  for (;; h = (h + 1) & (s->hash_cap - 1)) {
    uint32_t v = s->hash[h];
    if (!v) break;
    if (!memcmp(s->codes + (size_t)(v - 1) * nm, key, nm * sizeof *key))
      return v - 1;
  }
  if (!add) return WX_NONE;
  if (s->n_states == s->hash_cap / 4) { /* the bound: 4 slots a state */
    *rc = WX_ETOOBIG;
    return WX_NONE;
  }
  void *p = s->codes;
  if (wx__cspace_grow(&p, &s->cap_states, s->n_states + 1, nm * sizeof *key) !=
      WX_OK) {
    *rc = WX_ENOMEM;
    return WX_NONE;
  }
  s->codes = p;
  memcpy(s->codes + (size_t)s->n_states * nm, key, nm * sizeof *key);
  s->hash[h] = ++s->n_states;
  return s->n_states - 1;
}

/* The "bought" flags, last in the key (gone() relies on it), of the
 * outcomes need marks. */
static int setup_bought(wx_cspace *s, const uint8_t *need) {
  s->bought_slot = calloc(s->no + 1u, sizeof *s->bought_slot);
  s->first_ctr = calloc(s->no + 1u, sizeof *s->first_ctr);
  if (!s->bought_slot || !s->first_ctr) return WX_ENOMEM;
  for (uint32_t o = 0; o < s->no; o++) {
    s->bought_slot[o] = s->first_ctr[o] = WX_NONE;
    if (!need || !need[o]) continue;
    s->bought_slot[o] = s->kw++;
    s->first_ctr[o] = s->n_ctr++;
    s->n_bought++;
  }
  return WX_OK;
}

static int setup(wx_cspace *s, const wx_model *m, const uint8_t *need) {
  s->nm = m->n_modules;
  s->nf = m->n_flows;
  s->no = m->n_outcomes;
  s->n_ctr = 2 * s->nm + s->nf + s->no;
  size_t nm1 = s->nm + 1u;
  s->nj = calloc(nm1, sizeof *s->nj);
  s->n_fates = calloc(nm1, sizeof *s->n_fates);
  s->entry_off = calloc(nm1, sizeof *s->entry_off);
  s->join_bit = calloc(s->nf + 1u, sizeof *s->join_bit);
  s->hash = calloc(s->hash_cap, sizeof *s->hash);
  s->stages = calloc(s->nf + 1u, sizeof *s->stages);
  s->phase_slot = calloc(s->nf + 1u, sizeof *s->phase_slot);
  if (!s->nj || !s->n_fates || !s->entry_off || !s->join_bit || !s->hash ||
      !s->stages || !s->phase_slot)
    return WX_ENOMEM;
  s->kw = s->nm;
  if (wx__cinst_setup(s, m) != WX_OK) return WX_ENOMEM;
  if (wx__cspace_setup_phases(s, m) != WX_OK) return WX_ENOMEM;
  if (wx__cspace_setup_repeats(s, m) != WX_OK) return WX_ENOMEM;
  if (wx__cspace_setup_touch(s, m) != WX_OK) return WX_ENOMEM;
  if (setup_bought(s, need) != WX_OK) return WX_ENOMEM;
  for (uint32_t i = 0; i < s->nm; i++) {
    const wx_module *mod = &m->modules[i];
    s->entry_off[i] = WX_NONE;
    if (mod->n_joins > WX_COHORT_MAX_JOINS)
      return wx__cspace_fail(s, mod->joins[WX_COHORT_MAX_JOINS],
                             "too many join flows out of one module");
    if (mod->n_exclusive >= 0x7Fu)
      return wx__cspace_fail(s, mod->exclusive[0], "too many move/churn flows");
    s->nj[i] = mod->n_joins;
    s->n_fates[i] = (mod->n_exclusive + 1u) << mod->n_joins;
    for (uint32_t k = 0; k < mod->n_joins; k++) s->join_bit[mod->joins[k]] = k;
  }
  return WX_OK;
}

/* The singleton states newcomers start in, for every source's module and
 * every campaign's and touchpoint's fission module. */
static int add_entries(wx_cspace *s, const wx_model *m, uint16_t *key) {
  uint32_t total = 0;
  for (uint32_t k = 0; k < 2 * m->n_sources; k++) {
    const wx_source *src = &m->sources[k % m->n_sources];
    if (k >= m->n_sources &&
        !(src->kind == WX_SOURCE_CAMPAIGN && src->fission.on))
      continue;
    uint32_t i = k < m->n_sources ? src->to : src->fission.into;
    if (s->entry_off[i] != WX_NONE) continue;
    s->entry_off[i] = total;
    total += s->n_fates[i];
  }
  for (uint32_t k = 0; k < m->n_touchpoints; k++) { /* their fission */
    uint32_t i = m->touchpoints[k].fission.into;
    if (!m->touchpoints[k].fission.on || s->entry_off[i] != WX_NONE) continue;
    s->entry_off[i] = total;
    total += s->n_fates[i];
  }
  s->n_entry = total;
  s->entry_state = calloc(total + 1u, sizeof *s->entry_state);
  if (!s->entry_state) return WX_ENOMEM;
  int rc = WX_OK;
  memset(key, 0, s->kw * sizeof *key);
  state_find(s, key, 1, &rc); /* state 0: gone */
  for (uint32_t i = 0; i < s->nm && rc == WX_OK; i++) {
    if (s->entry_off[i] == WX_NONE) continue;
    for (uint32_t c = 0; c < s->n_fates[i] && rc == WX_OK; c++) {
      key[i] = (uint16_t)(1u + c);
      s->entry_state[s->entry_off[i] + c] = state_find(s, key, 1, &rc);
    }
    key[i] = 0;
  }
  return rc == WX_ETOOBIG ? wx__cspace_fail(s, WX_NONE, "too many entry states")
                          : rc;
}

uint32_t wx__cspace_state(wx_cspace *s, const uint16_t *key, int add, int *rc) {
  return state_find(s, key, add, rc);
}

static int graph_edge(wx_cscratch *w, uint32_t a, uint32_t b, uint32_t f) {
  uint32_t cap = w->cap_g;
  void *p = w->gfrom;
  if (wx__cspace_grow(&p, &cap, w->n_g + 1, sizeof(uint32_t)) != WX_OK)
    return WX_ENOMEM;
  w->gfrom = p;
  cap = w->cap_g;
  p = w->gto;
  if (wx__cspace_grow(&p, &cap, w->n_g + 1, sizeof(uint32_t)) != WX_OK)
    return WX_ENOMEM;
  w->gto = p;
  p = w->gflow;
  if (wx__cspace_grow(&p, &w->cap_g, w->n_g + 1, sizeof(uint32_t)) != WX_OK)
    return WX_ENOMEM;
  w->gflow = p;
  w->gfrom[w->n_g] = a;
  w->gto[w->n_g] = b;
  w->gflow[w->n_g++] = f;
  return WX_OK;
}

uint32_t wx__cspace_find(const wx_cspace *s, const uint16_t *key) {
  int rc = WX_OK;
  return state_find((wx_cspace *)s, key, 0, &rc); /* add = 0: reads only */
}

/* The states units (cohort_units.c) move people to between steps: a
 * request admitted (each fate) or refused, a member evicted.  Not edges of
 * the state graph: no step tree crosses them. */
static int add_unit_variants(wx_cspace *s, const wx_model *m, uint32_t st,
                             uint16_t *o) {
  int rc = WX_OK;
  for (uint32_t i = 0; i < s->nm && rc == WX_OK; i++) {
    uint16_t c = s->codes[(size_t)st * s->kw + i];
    if (!c || m->modules[i].units.type == WX_UNITS_NONE) continue;
    uint32_t n = c == WX_CREQ ? s->n_fates[i] : 0;
    for (uint32_t k = 0; k <= n && rc == WX_OK; k++) {
      wx__cspace_recode(s, m, s->codes + (size_t)st * s->kw, i,
                        (uint16_t)(k ? k : 0), o);
      state_find(s, o, 1, &rc);
    }
  }
  return rc == WX_ETOOBIG
             ? wx__cspace_fail(s, WX_NONE,
                               "reachable state space exceeds the bound")
             : rc;
}

/* An instant end of a resolution in the state graph: its state, added,
 * and the edge to it. */
typedef struct {
  wx_cspace *s;
  wx_cscratch *w;
  uint32_t st, f;
} graph_ctx;

static int graph_end(void *ctx, const uint16_t *key, const uint8_t *inc,
                     const uint32_t *fm, const uint32_t *ff, uint32_t nfac) {
  graph_ctx *g = ctx;
  int rc = WX_OK;
  (void)inc, (void)fm, (void)ff, (void)nfac;
  uint32_t to = state_find(g->s, key, 1, &rc);
  if (rc == WX_ETOOBIG)
    return wx__cspace_fail(g->s, g->f,
                           "reachable state space exceeds the bound");
  if (rc != WX_OK || g->f >= g->s->nf) return rc; /* repeats: no edge */
  return graph_edge(g->w, g->st, to, g->f);
}

/* The state graph's edges out of a vanishing state: to its instant ends,
 * labelled with its first instant flow. */
static int reach_vanishing(wx_cspace *s, const wx_model *m, wx_cscratch *w,
                           uint32_t st) {
  uint32_t np =
      wx__cspace_pending(s, m, s->codes + (size_t)st * s->kw, w->pend);
  graph_ctx g = {s, w, st, WX_NONE};
  for (uint32_t k = 0; k < np && g.f == WX_NONE; k++)
    if (w->pend[k] < s->nf && s->instant[w->pend[k]]) g.f = w->pend[k];
  memcpy(w->key, s->codes + (size_t)st * s->kw, s->kw * sizeof *w->key);
  memset(w->inc, 0, s->n_ctr + 1u);
  return wx__cinst_resolve(s, m, w->key, w->inc, graph_end, &g);
}

/* Breadth-first over states from the entry states, recording the edges;
 * an edge into a vanishing state goes on to its instant ends. */
static int reach_states(wx_cspace *s, const wx_model *m, wx_cscratch *w) {
  uint16_t *o = w->key;
  for (uint32_t st = 0; st < s->n_states; st++) {
    int rv = add_unit_variants(s, m, st, o);
    if (rv != WX_OK) return rv;
    if (s->n_instant &&
        wx__cinst_vanishing(s, m, s->codes + (size_t)st * s->kw)) {
      rv = reach_vanishing(s, m, w, st);
      if (rv != WX_OK) return rv;
      continue; /* nobody is ever counted in it: no posts act on it */
    }
    uint32_t np =
        wx__cspace_pending(s, m, s->codes + (size_t)st * s->kw, w->pend);
    for (uint32_t k = 0; k < np; k++) {
      uint32_t f = w->pend[k];
      /* s->codes moves as states are added: address it afresh */
      wx_ceffect e =
          wx__cspace_apply(s, m, s->codes + (size_t)st * s->kw, f, o);
      uint32_t nfate = wx__ceffect_fates(s, &e);
      for (uint32_t c = 0; c < nfate; c++) {
        wx__ceffect_key(s, &e, c, o);
        int rc = WX_OK;
        if (s->n_instant && wx__cinst_vanishing(s, m, o)) {
          graph_ctx g = {s, w, st, WX_CFLOW_OF(f)};
          memset(w->inc, 0, s->n_ctr + 1u);
          rc = wx__cinst_resolve(s, m, o, w->inc, graph_end, &g);
          if (rc != WX_OK) return rc;
          continue;
        }
        uint32_t to = state_find(s, o, 1, &rc);
        if (rc == WX_ETOOBIG)
          return wx__cspace_fail(s, WX_CFLOW_ID(f),
                                 "reachable state space exceeds the bound");
        if (rc != WX_OK) return rc;
        /* repeats cycle by design; their trees stop at REP_DEPTH */
        if (WX_CFLOW_OF(f) < s->nf &&
            graph_edge(w, st, to, e.stage ? f | WX_CSTAGE_EDGE : f) != WX_OK)
          return WX_ENOMEM;
      }
    }
    /* posts are instants between steps: states, not edges of the graph */
    int rc = m->n_touchpoints ? wx__ctouch_reach(s, m, st) : WX_OK;
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* A flow on a cycle, for the message: every state left over by Kahn's
 * order has a predecessor left over, so walking back n_states times from
 * one of them ends on a cycle; the last edge walked is on it. */
static uint32_t cycle_flow(const wx_cspace *s, const wx_cscratch *w,
                           const uint32_t *indeg) {
  uint32_t v = 0, f = WX_NONE;
  while (v < s->n_states && !indeg[v]) v++;
  for (uint32_t k = 0; k < s->n_states && v < s->n_states; k++)
    for (uint32_t g = 0; g < w->n_g; g++)
      if (w->gto[g] == v && indeg[w->gfrom[g]]) {
        v = w->gfrom[g];
        f = WX_CFLOW_OF(w->gflow[g]);
        break;
      }
  return f;
}

/* twice[o] = 1 when some path fires flows into outcome o twice: the most
 * firings from each state, in reverse topological order (every state is
 * reachable, so a path from any state extends one from an entry). */
static int reach_twice(wx_cspace *s, const wx_model *m, const wx_cscratch *w,
                       const uint32_t *order, const uint32_t *first) {
  uint32_t no = s->no;
  uint8_t *most = calloc((size_t)s->n_states * no + 1u, 1);
  s->twice = calloc(no + 1u, 1);
  if (!most || !s->twice) {
    free(most);
    return WX_ENOMEM;
  }
  for (uint32_t q = s->n_states; q-- > 0;) {
    uint32_t st = order[q];
    uint8_t *mine = most + (size_t)st * no;
    for (uint32_t g = first[st]; g < first[st + 1]; g++) {
      int fires = !(w->gflow[g] & WX_CSTAGE_EDGE);
      const wx_flow *fl = &m->flows[WX_CFLOW_OF(w->gflow[g])];
      const uint8_t *next = most + (size_t)w->gto[g] * no;
      for (uint32_t o = 0; o < no; o++) {
        int c =
            next[o] + (fires && fl->target == WX_TARGET_OUTCOME && fl->to == o);
        if (c > 2) c = 2;
        if (c > mine[o]) mine[o] = (uint8_t)c;
      }
    }
    for (uint32_t o = 0; o < no; o++)
      if (mine[o] >= 2) s->twice[o] = 1;
  }
  free(most);
  return WX_OK;
}

/* Kahn's order: a state left with incoming edges lies on a cycle or after
 * one. */
static int check_acyclic(wx_cspace *s, const wx_model *m, wx_cscratch *w) {
  uint32_t *indeg = calloc(s->n_states, sizeof *indeg);
  uint32_t *queue = calloc(s->n_states, sizeof *queue);
  int rc = indeg && queue ? WX_OK : WX_ENOMEM;
  uint32_t head = 0, tail = 0;
  for (uint32_t g = 0; g < w->n_g && rc == WX_OK; g++) indeg[w->gto[g]]++;
  for (uint32_t st = 0; st < s->n_states && rc == WX_OK; st++)
    if (!indeg[st]) queue[tail++] = st;
  /* the edge list is grouped by source state, in state order */
  uint32_t *first = calloc(s->n_states + 1u, sizeof *first);
  if (!first) rc = WX_ENOMEM;
  for (uint32_t g = 0; g < w->n_g && rc == WX_OK; g++) first[w->gfrom[g] + 1]++;
  for (uint32_t st = 0; st < s->n_states && rc == WX_OK; st++)
    first[st + 1] += first[st];
  while (rc == WX_OK && head < tail) {
    uint32_t st = queue[head++];
    for (uint32_t g = first[st]; g < first[st + 1]; g++)
      if (!--indeg[w->gto[g]]) queue[tail++] = w->gto[g];
  }
  if (rc == WX_OK && tail < s->n_states)
    rc = wx__cspace_fail(s, cycle_flow(s, w, indeg),
                         "a cycle of flows lets a person "
                         "come back to a state");
  if (rc == WX_OK) rc = reach_twice(s, m, w, queue, first);
  if (rc == WX_OK) wx__cinst_twice(s, m);
  free(indeg);
  free(queue);
  free(first);
  return rc;
}

static void scratch_free(wx_cscratch *w) {
  free(w->pend);
  free(w->key);
  free(w->inc);
  free(w->thash);
  free(w->gfrom);
  free(w->gto);
  free(w->gflow);
}

/* max_states: a power of two; count_only: the states, not the trees. */
static int build(wx_cspace *s, const wx_model *m, const uint8_t *need,
                 uint32_t max_states, int count_only) {
  *s = (wx_cspace){0};
  s->hash_cap = 4u * max_states;
  wx_cscratch w = {0};
  int rc = setup(s, m, need);
  if (rc == WX_OK) {
    w.pend = calloc(s->nm * (1u + WX_COHORT_MAX_JOINS) + s->no + s->nf + 1u,
                    sizeof *w.pend);
    w.key = calloc(s->kw + 1u, sizeof *w.key);
    w.inc = calloc(s->n_ctr + 1u, 1);
    w.thash = calloc(WX_CTREE_HASH, sizeof *w.thash);
    if (!w.pend || !w.key || !w.inc || !w.thash) rc = WX_ENOMEM;
  }
  if (rc == WX_OK) rc = add_entries(s, m, w.key);
  if (rc == WX_OK) rc = reach_states(s, m, &w);
  if (rc == WX_OK && count_only) {
    scratch_free(&w);
    return rc;
  }
  if (rc == WX_OK) rc = check_acyclic(s, m, &w);
  if (rc == WX_OK) rc = wx__cinst_audit(s, m);
  if (rc == WX_OK) rc = wx__ctree_build(s, m, &w);
  scratch_free(&w);
  return rc;
}

/* The economic outcomes a person can buy more than once: reached twice
 * within the state graph, or led to by touchpoint responses (a person
 * reached again).  need holds n_modules + n_outcomes bytes; returns how
 * many outcomes it marks (at need + n_modules). */
static uint32_t need_flags(const wx_cspace *s, const wx_model *m,
                           uint8_t *need) {
  wx__ctouch_rebuy(m, need);
  uint32_t n = 0;
  for (uint32_t o = 0; o < m->n_outcomes; o++) {
    uint8_t *x = need + m->n_modules + o;
    *x = (*x || s->twice[o]) && wx__outcome_economic(&m->outcomes[o]);
    n += *x;
  }
  return n;
}

/* A bound the flags took the model past says so (they cannot make a
 * cycle, and the flat bounds are not theirs). */
static void flags_failed(wx_cspace *s) {
  static const char *const why[][2] = {
      {"reachable state space exceeds the bound",
       "reachable state space exceeds the bound with a \"has bought\" flag "
       "for each outcome a person can buy more than once"},
      {"a step tree exceeds the bound",
       "a step tree exceeds the bound with a \"has bought\" flag for each "
       "outcome a person can buy more than once"}};
  for (size_t k = 0; s->fail_what && k < sizeof why / sizeof *why; k++)
    if (!strcmp(s->fail_what, why[k][0])) s->fail_what = why[k][1];
}

/* Built without flags first; when some outcome needs one, again with
 * them (a model without such outcomes keeps its space and speed). */
int wx__cspace_build(wx_cspace *s, const wx_model *m) {
  int rc = build(s, m, NULL, WX_COHORT_MAX_STATES, 0);
  if (rc != WX_OK) return rc;
  uint8_t *need = calloc(m->n_modules + m->n_outcomes + 1u, 1);
  if (!need) return WX_ENOMEM;
  if (need_flags(s, m, need)) {
    wx__cspace_free(s);
    rc = build(s, m, need + m->n_modules, WX_COHORT_MAX_STATES, 0);
    if (rc == WX_ETOOBIG) flags_failed(s);
  }
  free(need);
  return rc;
}

void wx__cspace_free(wx_cspace *s) {
  free(s->nj);
  free(s->n_fates);
  free(s->join_bit);
  free(s->codes);
  free(s->hash);
  free(s->entry_off);
  free(s->entry_state);
  free(s->tree_off);
  free(s->node_state);
  free(s->incr);
  free(s->edge_off);
  free(s->edges);
  free(s->inc_off);
  free(s->inc);
  free(s->twice);
  free(s->stages);
  free(s->phase);
  free(s->phase_slot);
  free(s->rep_slot);
  free(s->rep_stages);
  free(s->rep_ctr);
  free(s->resp_slot);
  free(s->bought_slot);
  free(s->first_ctr);
  wx__cinst_free(s);
  *s = (wx_cspace){0};
}

uint64_t wx__cspace_bytes(const wx_cspace *s) {
  return (uint64_t)s->cap_states * s->kw * sizeof *s->codes +
         (uint64_t)s->hash_cap * sizeof *s->hash +
         (uint64_t)s->cap_nodes *
             (sizeof *s->node_state + sizeof *s->edge_off + s->n_ctr) +
         (uint64_t)s->cap_edges * sizeof *s->edges +
         (uint64_t)(s->n_states + 1u) * sizeof *s->tree_off +
         (uint64_t)s->n_entry * sizeof *s->entry_state +
         (uint64_t)(s->n_nodes + 1u) * sizeof *s->inc_off +
         (s->inc_off ? (uint64_t)s->inc_off[s->n_nodes] * sizeof *s->inc : 0) +
         wx__cinst_bytes(s);
}

int wx__cspace_count(const wx_model *m, uint32_t cap, uint32_t *n) {
  wx_cspace s;
  int rc = build(&s, m, NULL, cap, 1);
  *n = s.n_states;
  wx__cspace_free(&s);
  return rc;
}
