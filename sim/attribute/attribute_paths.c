/*
 * Journeys of one replication turned into path-based credit:
 *  - each purchase (first or repeat) is credited to the channel steps of
 *    its person before it: last touch (the last one), first touch (the
 *    first of the journey), linear (1/L each of the L steps); consecutive
 *    steps on one channel count once; a purchase before any channel step
 *    is unattributed; last step (the engine's own attribution columns):
 *    the touchpoint the purchase answered when it is a channel, else the
 *    module its flow left, a repeat purchase going where the purchase
 *    before it (of that outcome, in the journey) went;
 *  - journey-log records as attribution tools read them: one per purchase
 *    (the path so far, a conversion and its value) and one per person who
 *    never bought (the whole path, a null); the first-order Markov chain
 *    is counted from the same records;
 *  - a sample of whole journeys: every journey draws a key from a stream
 *    of its replication, the smallest keys are kept, so the sample is the
 *    same whatever the thread count (bottom-k of a union is the bottom-k
 *    of the parts).
 */
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "rng.h"
#include "util.h"

typedef struct {
  uint8_t *key;
  uint32_t len;
  double conv, value, null;
} entry;

#define N_CREDIT 4 /* last touch, first touch, linear, last step */

struct wx_attr_acc {
  const wx_attribution *a;
  const wx_model *m;
  size_t n_ch, n_out, w; /* w: row width of a transition matrix */
  int32_t *ch_of_mod, *ch_of_tp, *out_of_oc;
  double *credit; /* [N_CREDIT][n_ch][n_out] */
  double *trans;  /* [n_out][(n_ch + 1) x w] */
  double *conv;   /* [n_out]: conversions with a path (revenue: value) */
  entry *tab;     /* open addressing, cap a power of two */
  size_t tab_n, tab_cap;
  wx_attr_journey *heap; /* max-heap on key, at most a->keep */
  size_t heap_n;
  gsl_rng *r;
  uint32_t rep, seq;
  uint64_t journeys;
  double unattributed;
  uint8_t *seq_buf; /* channel steps of the journey in hand */
  size_t seq_cap;
  uint8_t *bought;  /* [n_out] */
  int32_t *step_of; /* [n_out]: last-step channel of the last purchase */
};

static int32_t *map_channels(const wx_attribution *a, uint32_t n, int tp) {
  int32_t *m = malloc(((size_t)n + 1) * sizeof *m);
  for (uint32_t i = 0; m && i < n; i++) m[i] = -1;
  for (size_t c = 0; m && c < a->n_ch; c++)
    if (a->ch[c].is_tp == tp) m[a->ch[c].index] = (int32_t)c;
  return m;
}

wx_attr_acc *wx__attr_acc_alloc(const wx_attribution *a, const wx_model *m,
                                uint32_t rep, uint64_t seed) {
  wx_attr_acc *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->a = a;
  c->m = m;
  c->n_ch = a->n_ch;
  c->n_out = a->n_out;
  c->w = a->n_ch + 3;
  c->rep = rep;
  c->ch_of_mod = map_channels(a, m->n_modules, 0);
  c->ch_of_tp = map_channels(a, m->n_touchpoints, 1);
  c->out_of_oc = malloc(((size_t)m->n_outcomes + 1) * sizeof *c->out_of_oc);
  for (uint32_t i = 0; c->out_of_oc && i < m->n_outcomes; i++) {
    c->out_of_oc[i] = -1;
    for (size_t k = 0; k + 1 < a->n_out; k++)
      if (a->oc_index[k] == i) c->out_of_oc[i] = (int32_t)k;
  }
  c->credit = calloc(N_CREDIT * c->n_ch * c->n_out + 1, sizeof *c->credit);
  c->trans = calloc(c->n_out * (c->n_ch + 1) * c->w, sizeof *c->trans);
  c->conv = calloc(c->n_out, sizeof *c->conv);
  c->bought = calloc(c->n_out, 1);
  c->step_of = calloc(c->n_out, sizeof *c->step_of);
  c->heap = calloc(a->keep + 1, sizeof *c->heap);
  c->tab_cap = 256;
  c->tab = calloc(c->tab_cap, sizeof *c->tab);
  c->r = wx__rng_alloc();
  if (!c->ch_of_mod || !c->ch_of_tp || !c->out_of_oc || !c->credit ||
      !c->trans || !c->conv || !c->bought || !c->step_of || !c->heap ||
      !c->tab || !c->r) {
    wx__attr_acc_free(c);
    return NULL;
  }
  /* A name no entity can have (see attribute_shapley.c's orders). */
  wx__rng_seed_stream(c->r, seed, WX_STREAM_SOURCE, "attribute: journeys");
  return c;
}

void wx__attr_acc_free(wx_attr_acc *c) {
  if (!c) return;
  for (size_t i = 0; c->tab && i < c->tab_cap; i++) free(c->tab[i].key);
  for (size_t i = 0; c->heap && i < c->heap_n; i++) free(c->heap[i].s);
  if (c->r) gsl_rng_free(c->r);
  free(c->ch_of_mod);
  free(c->ch_of_tp);
  free(c->out_of_oc);
  free(c->credit);
  free(c->trans);
  free(c->conv);
  free(c->bought);
  free(c->step_of);
  free(c->heap);
  free(c->tab);
  free(c->seq_buf);
  free(c);
}

static double *credit(const wx_attr_acc *c, int method, size_t i, size_t k) {
  return &c->credit[((size_t)method * c->n_ch + i) * c->n_out + k];
}

double wx__attr_acc_credit(const wx_attr_acc *c, int method, size_t i,
                           size_t k) {
  return *credit(c, method, i, k);
}

/* ------------------------------------------------------------- paths */

static uint64_t hash(const uint8_t *k, uint32_t n) {
  uint64_t h = 1469598103934665603ull;
  for (uint32_t i = 0; i < n; i++) h = (h ^ k[i]) * 1099511628211ull;
  return h;
}

static entry *slot_of(entry *tab, size_t cap, const uint8_t *k, uint32_t n) {
  size_t i = (size_t)hash(k, n) & (cap - 1);
  while (tab[i].key && (tab[i].len != n || memcmp(tab[i].key, k, n) != 0))
    i = (i + 1) & (cap - 1);
  return &tab[i];
}

static int rehash(wx_attr_acc *c) {
  size_t cap = 2 * c->tab_cap;
  entry *t = calloc(cap, sizeof *t);
  if (!t) return WX_ENOMEM;
  for (size_t i = 0; i < c->tab_cap; i++)
    if (c->tab[i].key)
      *slot_of(t, cap, c->tab[i].key, c->tab[i].len) = c->tab[i];
  free(c->tab);
  c->tab = t;
  c->tab_cap = cap;
  return WX_OK;
}

static int add_path(wx_attr_acc *c, uint32_t n, double conv, double value,
                    double null) {
  if (2 * (c->tab_n + 1) > c->tab_cap && rehash(c) != WX_OK) return WX_ENOMEM;
  entry *e = slot_of(c->tab, c->tab_cap, c->seq_buf, n);
  if (!e->key) {
    if (!(e->key = malloc(n + 1))) return WX_ENOMEM;
    memcpy(e->key, c->seq_buf, n);
    e->len = n;
    c->tab_n++;
  }
  e->conv += conv;
  e->value += value;
  e->null += null;
  return WX_OK;
}

/* start -> seq[0] -> ... -> seq[n - 1] -> end, weight w, in matrix k. */
static void add_chain(wx_attr_acc *c, size_t k, uint32_t n, size_t end,
                      double w) {
  double *t = c->trans + k * (c->n_ch + 1) * c->w;
  size_t from = 0;
  for (uint32_t i = 0; i < n; i++) {
    t[from * c->w + c->seq_buf[i] + 1] += w;
    from = (size_t)c->seq_buf[i] + 1;
  }
  t[from * c->w + end] += w;
}

/* ---------------------------------------------------------- journeys */

static void credit_buy(wx_attr_acc *c, uint32_t n, size_t k, double v) {
  size_t rev = c->n_out - 1, conv = c->n_ch + 1;
  const uint8_t *s = c->seq_buf;
  *credit(c, 0, s[n - 1], k) += 1;
  *credit(c, 0, s[n - 1], rev) += v;
  *credit(c, 1, s[0], k) += 1;
  *credit(c, 1, s[0], rev) += v;
  for (uint32_t i = 0; i < n; i++) {
    *credit(c, 2, s[i], k) += 1.0 / n;
    *credit(c, 2, s[i], rev) += v / n;
  }
  add_chain(c, k, n, conv, 1);
  add_chain(c, rev, n, conv, 1);
  c->conv[k] += 1;
  c->conv[rev] += v;
}

static int push_channel(wx_attr_acc *c, uint32_t *n, int32_t ch) {
  if (ch < 0 || (*n && c->seq_buf[*n - 1] == (uint8_t)ch)) return WX_OK;
  if (*n == c->seq_cap) {
    size_t cap = c->seq_cap ? 2 * c->seq_cap : 32;
    uint8_t *b = realloc(c->seq_buf, cap);
    if (!b) return WX_ENOMEM;
    c->seq_buf = b;
    c->seq_cap = cap;
  }
  c->seq_buf[(*n)++] = (uint8_t)ch;
  return WX_OK;
}

/* The channel a purchase's own flow credits (last step), or -1. */
static int32_t last_step(wx_attr_acc *c, const wx_jstep *s, size_t k) {
  if (s->via == WX_NONE) return c->step_of[k];
  const wx_flow *fl = &c->m->flows[s->via];
  int32_t ch = fl->tp ? c->ch_of_tp[fl->tp - 1] : -1;
  if (ch < 0 && fl->from != WX_NONE) ch = c->ch_of_mod[fl->from];
  return c->step_of[k] = ch;
}

static void credit_step(wx_attr_acc *c, const wx_jstep *s, size_t k) {
  int32_t ch = last_step(c, s, k);
  if (ch < 0) return;
  *credit(c, 3, (size_t)ch, k) += 1;
  *credit(c, 3, (size_t)ch, c->n_out - 1) += s->value;
}

static int walk(wx_attr_acc *c, const wx_jstep *s, uint32_t n, uint32_t *len) {
  int rc = WX_OK;
  memset(c->bought, 0, c->n_out);
  for (size_t k = 0; k < c->n_out; k++) c->step_of[k] = -1;
  for (uint32_t j = 0; rc == WX_OK && j < n; j++) {
    if (s[j].kind == WX_J_ENTER)
      rc = push_channel(c, len, c->ch_of_mod[s[j].index]);
    if (s[j].kind == WX_J_TOUCH)
      rc = push_channel(c, len, c->ch_of_tp[s[j].index]);
    if (s[j].kind != WX_J_BUY) continue;
    int32_t k = c->out_of_oc[s[j].index];
    if (k < 0) continue;
    c->bought[k] = c->bought[c->n_out - 1] = 1;
    credit_step(c, &s[j], (size_t)k);
    if (*len == 0) {
      c->unattributed += 1;
      continue;
    }
    credit_buy(c, *len, (size_t)k, s[j].value);
    rc = add_path(c, *len, 1, s[j].value, 0);
  }
  return rc;
}

/* Sift-down/up of the max-heap on key. */
static void heap_swap(wx_attr_journey *h, size_t i, size_t j) {
  wx_attr_journey t = h[i];
  h[i] = h[j];
  h[j] = t;
}

static void heap_down(wx_attr_journey *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && h[l].key > h[m].key) m = l;
    if (r < n && h[r].key > h[m].key) m = r;
    if (m == i) return;
    heap_swap(h, i, m);
    i = m;
  }
}

static int sample(wx_attr_acc *c, const wx_jstep *s, uint32_t n,
                  uint32_t dropped) {
  double key = gsl_rng_uniform(c->r);
  unsigned keep = c->a->keep;
  if (keep == 0 || (c->heap_n == keep && !(key < c->heap[0].key))) return WX_OK;
  wx_attr_journey j = {c->rep, c->seq, key, malloc(n * sizeof *s), n, dropped};
  if (!j.s) return WX_ENOMEM;
  memcpy(j.s, s, n * sizeof *s);
  if (c->heap_n == keep) {
    free(c->heap[0].s);
    c->heap[0] = j;
    heap_down(c->heap, c->heap_n, 0);
    return WX_OK;
  }
  size_t i = c->heap_n++;
  c->heap[i] = j;
  while (i > 0 && c->heap[(i - 1) / 2].key < c->heap[i].key) {
    heap_swap(c->heap, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  return WX_OK;
}

int wx__attr_acc_add(void *acc, const wx_jstep *s, uint32_t n,
                     uint32_t dropped) {
  wx_attr_acc *c = acc;
  uint32_t len = 0;
  int rc = walk(c, s, n, &len);
  for (size_t k = 0; rc == WX_OK && len && k < c->n_out; k++)
    if (!c->bought[k]) add_chain(c, k, len, c->n_ch + 2, 1);
  if (rc == WX_OK && len && !c->bought[c->n_out - 1])
    rc = add_path(c, len, 0, 0, 1);
  if (rc == WX_OK) rc = sample(c, s, n, dropped);
  c->seq++;
  c->journeys++;
  return rc;
}

int wx__attr_acc_markov(const wx_attr_acc *c, size_t k, double *norm,
                        double *rem) {
  size_t n = c->n_ch;
  double p = 0, sum = 0;
  double *re = malloc((n + 1) * sizeof *re);
  if (!re) return WX_ENOMEM;
  int rc = wx__markov_removal(c->trans + k * (n + 1) * c->w, n, &p, re);
  for (size_t i = 0; i < n; i++) sum += re[i];
  for (size_t i = 0; rc == WX_OK && i < n; i++) {
    rem[i] = c->conv[k] * re[i];
    norm[i] = sum > 0 ? c->conv[k] * re[i] / sum : 0;
  }
  free(re);
  return rc;
}

/* ------------------------------------------------------------ merging */

static int grow_paths(wx_attribution *a, size_t more) {
  if (a->n_paths + more <= a->paths_cap) return WX_OK;
  size_t cap = a->paths_cap ? a->paths_cap : 256;
  while (cap < a->n_paths + more) cap *= 2;
  wx_attr_path *p = realloc(a->paths, cap * sizeof *p);
  if (!p) return WX_ENOMEM;
  a->paths = p;
  a->paths_cap = cap;
  return WX_OK;
}

int wx__attr_acc_merge(wx_attribution *a, wx_attr_acc *c) {
  if (grow_paths(a, c->tab_n) != WX_OK) return WX_ENOMEM;
  for (size_t i = 0; i < c->tab_cap; i++) {
    entry *e = &c->tab[i];
    if (!e->key) continue;
    a->paths[a->n_paths++] =
        (wx_attr_path){NULL, e->key, e->len, e->conv, e->value, e->null};
    e->key = NULL; /* owned by a now */
  }
  wx_attr_journey *j = realloc(a->jv, (a->n_j + c->heap_n + 1) * sizeof *j);
  if (!j) return WX_ENOMEM;
  a->jv = j;
  memcpy(a->jv + a->n_j, c->heap, c->heap_n * sizeof *j);
  a->n_j += c->heap_n;
  c->heap_n = 0;
  a->journeys += c->journeys;
  a->unattributed += c->unattributed;
  return WX_OK;
}
