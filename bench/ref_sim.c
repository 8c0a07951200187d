/* The reference simulator of ref_sim.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref_sim.h"

const char *const ref_module_name[REF_MODULES] = {"oa", "video", "sdr", "group",
                                                  "shop"};

const ref_flow ref_flows[REF_FLOWS] = {
    {"oa_churn", REF_OA, REF_TO_CHURN, 0.85, 6},
    {"oa_video", REF_OA, REF_VIDEO, 0.10, 4},
    {"oa_sdr", REF_OA, REF_SDR, 0.05, 8},
    {"video_churn", REF_VIDEO, REF_TO_CHURN, 0.90, 3},
    {"video_shop", REF_VIDEO, REF_SHOP, 0.10, 2},
    {"sdr_group", REF_SDR, REF_GROUP, 0.60, 3},
    {"sdr_churn", REF_SDR, REF_TO_CHURN, 0.40, 20},
    {"group_shop", REF_GROUP, REF_SHOP, 0.30, 5},
    {"group_churn", REF_GROUP, REF_TO_CHURN, 0.70, 15},
    {"shop_buy", REF_SHOP, REF_TO_BUY, 0.20, 1},
    {"shop_churn", REF_SHOP, REF_TO_CHURN, 0.80, 2},
};

#define HORIZON 90.0
#define ARRIVAL UINT32_MAX /* the `who` of the next arrival */
#define NONE    UINT32_MAX

/* Columns of a sample row. */
enum {
  C_ARRIVALS,
  C_MODULES,                             /* members, joins, leaves each */
  C_FLOWS = C_MODULES + 3 * REF_MODULES, /* one per flow */
  C_BUY = C_FLOWS + REF_FLOWS,
  N_COLS
};

typedef struct {
  uint32_t next_free; /* while on the free list */
  uint16_t module;    /* the one module the person is in */
  uint16_t epoch;     /* joins so far: an event of an older one is stale */
} person;

typedef struct {
  double t;
  uint32_t who;
  uint16_t flow, epoch;
} event;

typedef struct {
  uint64_t s;
  person *pp;
  uint32_t n_pp, cap_pp, free_head;
  event *heap;
  size_t n_heap, cap_heap, peak_heap;
  uint64_t live;
  double cum[REF_MODULES][REF_FLOWS]; /* cumulative p of a module's flows */
  uint8_t fl[REF_MODULES][REF_FLOWS]; /* and which flows they are */
  uint8_t n_fl[REF_MODULES];
  double col[N_COLS];
  double *rows;
  ref_stats *st;
} sim;

/* SplitMix64: 64-bit state, passes BigCrush, one multiply-xorshift mix. */
static inline double uniform(sim *s) {
  uint64_t z = (s->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static inline double expo(sim *s, double mean) {
  return -mean * log1p(-uniform(s));
}

static int push(sim *s, double t, uint32_t who, uint16_t flow, uint16_t epoch) {
  if (s->n_heap == s->cap_heap) {
    size_t cap = s->cap_heap ? s->cap_heap * 2 : 1024;
    event *h = realloc(s->heap, cap * sizeof *h);
    if (!h) return -1;
    s->heap = h;
    s->cap_heap = cap;
  }
  size_t i = s->n_heap++;
  while (i > 0 && s->heap[(i - 1) / 2].t > t) {
    s->heap[i] = s->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  s->heap[i] = (event){t, who, flow, epoch};
  if (s->n_heap > s->peak_heap) s->peak_heap = s->n_heap;
  return 0;
}

static event pop(sim *s) {
  event top = s->heap[0], last = s->heap[--s->n_heap];
  size_t n = s->n_heap, i = 0;
  while (2 * i + 1 < n) {
    size_t c = 2 * i + 1;
    if (c + 1 < n && s->heap[c + 1].t < s->heap[c].t) c++;
    if (!(s->heap[c].t < last.t)) break;
    s->heap[i] = s->heap[c];
    i = c;
  }
  s->heap[i] = last;
  return top;
}

static uint32_t new_person(sim *s) {
  uint32_t p = s->free_head;
  if (p != NONE) {
    s->free_head = s->pp[p].next_free;
  } else {
    if (s->n_pp == s->cap_pp) {
      uint32_t cap = s->cap_pp ? s->cap_pp * 2 : 1024;
      person *pp = realloc(s->pp, (size_t)cap * sizeof *pp);
      if (!pp) return NONE;
      s->pp = pp;
      s->cap_pp = cap;
    }
    p = s->n_pp++;
    s->pp[p].epoch = 0;
  }
  if (++s->live > s->st->peak_live) s->st->peak_live = s->live;
  return p;
}

/* p joins module m at t and draws its one fate. */
static int enter(sim *s, uint32_t p, int m, double t) {
  person *x = &s->pp[p];
  x->module = (uint16_t)m;
  x->epoch++;
  s->col[C_MODULES + 3 * m] += 1;
  s->col[C_MODULES + 3 * m + 1] += 1;
  double u = uniform(s);
  for (int k = 0; k < s->n_fl[m]; k++) {
    if (u >= s->cum[m][k]) continue;
    int f = s->fl[m][k];
    double at = t + expo(s, ref_flows[f].mean_days);
    return at <= HORIZON ? push(s, at, p, (uint16_t)f, x->epoch) : 0;
  }
  return 0;
}

static int fire(sim *s, const event *ev) {
  person *x = &s->pp[ev->who];
  if (x->epoch != ev->epoch) {
    s->st->stale++;
    return 0;
  }
  const ref_flow *f = &ref_flows[ev->flow];
  s->st->events++;
  s->col[C_FLOWS + ev->flow] += 1;
  s->col[C_MODULES + 3 * f->from] -= 1;
  s->col[C_MODULES + 3 * f->from + 2] += 1;
  if (f->to >= 0) return enter(s, ev->who, f->to, ev->t);
  if (f->to == REF_TO_BUY) s->col[C_BUY] += 1;
  x->next_free = s->free_head; /* gone: nothing else names the slot */
  s->free_head = ev->who;
  s->live--;
  return 0;
}

static int arrive(sim *s, double t, double rate) {
  uint32_t p = new_person(s);
  if (p == NONE) return -1;
  s->st->events++;
  s->st->arrivals++;
  s->col[C_ARRIVALS] += 1;
  if (enter(s, p, REF_OA, t) != 0) return -1;
  double next = t + expo(s, 1.0 / rate);
  return next <= HORIZON ? push(s, next, ARRIVAL, 0, 0) : 0;
}

static void tables(sim *s) {
  for (int f = 0; f < REF_FLOWS; f++) {
    int m = ref_flows[f].from, k = s->n_fl[m]++;
    s->fl[m][k] = (uint8_t)f;
    s->cum[m][k] = (k ? s->cum[m][k - 1] : 0) + ref_flows[f].p;
  }
}

static int loop(sim *s, double rate) {
  uint32_t next_row = 0;
  double next_t = expo(s, 1.0 / rate);
  if (next_t <= HORIZON && push(s, next_t, ARRIVAL, 0, 0) != 0) return -1;
  while (s->n_heap) {
    event ev = pop(s);
    for (; next_row <= HORIZON && next_row < ev.t; next_row++)
      memcpy(s->rows + (size_t)next_row * N_COLS, s->col, sizeof s->col);
    int rc = ev.who == ARRIVAL ? arrive(s, ev.t, rate) : fire(s, &ev);
    if (rc != 0) return -1;
  }
  for (; next_row <= HORIZON; next_row++)
    memcpy(s->rows + (size_t)next_row * N_COLS, s->col, sizeof s->col);
  return 0;
}

static int write_csv(const sim *s, const char *path) {
  FILE *fp = fopen(path, "w");
  if (!fp) return -1;
  fprintf(fp, "t,arrivals");
  for (int m = 0; m < REF_MODULES; m++)
    fprintf(fp, ",%s.members,%s.joins,%s.leaves", ref_module_name[m],
            ref_module_name[m], ref_module_name[m]);
  for (int f = 0; f < REF_FLOWS; f++) fprintf(fp, ",%s", ref_flows[f].name);
  fprintf(fp, ",purchase\n");
  for (int r = 0; r <= (int)HORIZON; r++) {
    fprintf(fp, "%d", r);
    for (int c = 0; c < N_COLS; c++)
      fprintf(fp, ",%.15g", s->rows[(size_t)r * N_COLS + c]);
    fputc('\n', fp);
  }
  return fclose(fp) == 0 ? 0 : -1;
}

int ref_sim_run(double arrivals, uint64_t seed, const char *csv_path,
                ref_stats *st) {
  sim s = {.s = seed, .free_head = NONE, .st = st};
  memset(st, 0, sizeof *st);
  tables(&s);
  s.rows = calloc((size_t)HORIZON + 1, sizeof s.col);
  int rc = s.rows ? loop(&s, arrivals / HORIZON) : -1;
  if (rc == 0) rc = write_csv(&s, csv_path);
  st->peak_bytes =
      (uint64_t)s.n_pp * sizeof(person) + s.peak_heap * sizeof(event);
  free(s.rows);
  free(s.pp);
  free(s.heap);
  return rc;
}

void ref_sim_yaml(FILE *fp, double arrivals, int units) {
  fprintf(fp,
          "horizon: 90d\nsample_every: 1d\nseed: 1\nreplications: 1\n"
          "modules:\n  oa: {kind: official_account}\n"
          "  video: {kind: video_account}\n");
  if (units)
    fprintf(fp,
            "  sdr: {kind: wecom, accounts: 20, friend_cap: 50000}\n"
            "  group: {kind: group}\n");
  else
    fprintf(fp,
            "  sdr: {kind: official_account}\n"
            "  group: {kind: official_account}\n");
  fprintf(fp,
          "  shop: {kind: mini_program}\n"
          "sources:\n  ads: {into: oa, rate: %.6f/d}\nflows:\n",
          arrivals / HORIZON);
  for (int f = 0; f < REF_FLOWS; f++) {
    const ref_flow *x = &ref_flows[f];
    fprintf(fp, "  %s: {from: %s, ", x->name, ref_module_name[x->from]);
    if (x->to == REF_TO_CHURN)
      fprintf(fp, "type: churn, ");
    else
      fprintf(fp, "to: %s, ",
              x->to == REF_TO_BUY ? "purchase" : ref_module_name[x->to]);
    fprintf(fp, "p: %g%%, delay: exponential(%gd)}\n", x->p * 100,
            x->mean_days);
  }
}
