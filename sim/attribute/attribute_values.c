/* Coalition values v_r(S): every coalition model evaluated in memory over
 * the same replications, with the base scenario's draws of its uncertain
 * parameters (attribute.h says why). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "ranks.h"
#include "runner.h"
#include "util.h"

typedef struct {
  size_t n, next;
  int (*job)(void *, size_t);
  void *ctx;
  int *rc;
  pthread_mutex_t mu;
} pool;

static void *worker(void *arg) {
  pool *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    size_t i = p->next++;
    pthread_mutex_unlock(&p->mu);
    if (i >= p->n) return NULL;
    p->rc[i] = p->job(p->ctx, i);
  }
}

int wx__attr_pool(size_t n, unsigned threads, int (*job)(void *, size_t),
                  void *ctx) {
  if (n == 0) return WX_OK;
  pool p = {n, 0, job, ctx, calloc(n, sizeof(int)), PTHREAD_MUTEX_INITIALIZER};
  if (!p.rc) return WX_ENOMEM;
  if (threads < 1) threads = 1;
  if (threads > n) threads = (unsigned)n;
  pthread_t *t = calloc(threads, sizeof *t);
  unsigned started = 0;
  while (t && started + 1 < threads &&
         pthread_create(&t[started], NULL, worker, &p) == 0)
    started++;
  worker(&p); /* this thread works too, so one always does */
  for (unsigned i = 0; i < started; i++) pthread_join(t[i], NULL);
  int rc = WX_OK;
  for (size_t i = 0; i < n && rc == WX_OK; i++) rc = p.rc[i];
  free(t);
  free(p.rc);
  pthread_mutex_destroy(&p.mu);
  return rc;
}

typedef struct {
  const wx_attr_src *src;
  const wx_model *base;
  wx_attribution *a;
  const uint64_t *masks;
  const wx_attr_opts *o;
  uint32_t reps;
  uint64_t seed;
  double *v;
  double *base_params; /* reps x base->n_params */
  wx_diags **diags;    /* one per job, merged in order afterwards */
  atomic_uint done;
  unsigned total;
} values_ctx;

/* The base parameter of c's parameter j: the same path, counted in
 * order (a piecewise rate has one parameter per step). */
static uint32_t base_param(const wx_model *base, const wx_model *c,
                           uint32_t j) {
  uint32_t nth = 0;
  for (uint32_t i = 0; i < j; i++)
    nth += !strcmp(c->params[i].path, c->params[j].path);
  for (uint32_t i = 0; i < base->n_params; i++)
    if (!strcmp(base->params[i].path, c->params[j].path) && nth-- == 0)
      return i;
  return WX_NONE;
}

/* An uncertain parameter of a coalition and the base's of the same path. */
typedef struct {
  uint32_t param, base;
} param_map;

static param_map *mapping(const wx_model *base, const wx_model *c,
                          uint32_t *n) {
  param_map *s = calloc(c->n_params + 1, sizeof *s);
  *n = 0;
  for (uint32_t j = 0; s && j < c->n_params; j++) {
    if (c->params[j].prior.kind == WX_PRIOR_NONE) continue;
    uint32_t b = base_param(base, c, j);
    if (b != WX_NONE) s[(*n)++] = (param_map){j, b};
  }
  return s;
}

static void store(values_ctx *x, size_t c, const wx_eval *e, uint32_t r0) {
  const wx_attribution *a = x->a;
  for (size_t k = 0; k < a->n_out; k++) {
    int i = wx_eval_kpi_find(e, a->kpis[k]);
    const double *val = i >= 0 ? wx_eval_kpi_values(e, (unsigned)i) : NULL;
    double *dst = x->v + (c * a->n_out + k) * x->reps;
    for (uint32_t r = 0; r < wx_eval_replications(e); r++)
      dst[r0 + r] = val ? val[r] : 0;
  }
}

/* Runs coalition c: once over every replication when it has no uncertain
 * parameter, else one replication at a time with the base's draws. */
static int run_coalition(values_ctx *x, size_t c, const wx_model *m,
                         wx_diags *d) {
  uint32_t n_set = 0;
  param_map *set = mapping(x->base, m, &n_set);
  if (!set) return WX_ENOMEM;
  wx_param_set *idx = malloc((n_set + 1) * sizeof *idx);
  wx_eval_options eo = {.seed_set = 1,
                        .seed = x->seed,
                        .threads = 1,
                        .horizon = x->o->horizon,
                        .memory_budget = x->o->memory_budget,
                        .stop = x->o->stop,
                        .engine = "agent"};
  int rc = idx ? WX_OK : WX_ENOMEM;
  uint32_t step = n_set ? 1 : x->reps;
  for (uint32_t r = 0; rc == WX_OK && r < x->reps; r += step) {
    for (uint32_t k = 0; k < n_set; k++)
      idx[k] = (wx_param_set){
          set[k].param,
          x->base_params[(size_t)r * x->base->n_params + set[k].base]};
    eo.first_rep = r;
    eo.replications = r + step;
    eo.set = idx;
    eo.n_set = n_set;
    wx_eval *e = NULL;
    rc = wx_evaluate(m, &eo, &e, d);
    if (rc == WX_OK) store(x, c, e, r);
    wx_eval_free(e);
  }
  free(idx);
  free(set);
  return rc;
}

/* A coalition that removes every module of the base has nothing left to
 * simulate (the loader refuses such a scenario): its outcomes are 0. */
static int removes_every_module(const values_ctx *x, uint64_t keep) {
  for (uint32_t i = 0; i < x->base->n_modules; i++)
    if (!wx__attr_removes_module(x->a, keep, x->base->modules[i].name))
      return 0;
  return 1;
}

static void store_zero(values_ctx *x, size_t c) {
  size_t n = x->a->n_out * (size_t)x->reps;
  for (size_t i = 0; i < n; i++) x->v[c * n + i] = 0;
}

static int value_job(void *ctx, size_t c) {
  values_ctx *x = ctx;
  wx_model *m = NULL;
  int rc = WX_OK;
  if (removes_every_module(x, x->masks[c]))
    store_zero(x, c);
  else
    rc = wx__attr_compile(x->src, x->a, x->masks[c], &m, x->diags[c]);
  if (rc == WX_OK && m) rc = run_coalition(x, c, m, x->diags[c]);
  wx_model_free(m);
  unsigned done = atomic_fetch_add(&x->done, 1) + 1;
  if (x->o->progress) x->o->progress(x->o->progress_ctx, done, x->total);
  return rc;
}

static int draw_base_params(values_ctx *x) {
  size_t np = x->base->n_params;
  x->base_params = malloc(((size_t)x->reps * np + 1) * sizeof(double));
  if (!x->base_params) return WX_ENOMEM;
  for (uint32_t r = 0; r < x->reps; r++) {
    int rc = wx__params_for_rep(x->base, x->seed, r, x->base_params + r * np);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* Every coalition compiles the same file: its diagnostics would repeat
 * 2^n times.  Those of the first coalition that has any are enough. */
static void merge_diags(values_ctx *x, size_t n, wx_diags *d) {
  int shown = 0;
  for (size_t c = 0; c < n; c++) {
    size_t k = x->diags[c] ? wx_diags_count(x->diags[c]) : 0;
    for (size_t i = 0; !shown && i < k; i++) {
      const wx_error *e = wx_diags_get(x->diags[c], i);
      wx__diag(d, e->code, e->file, e->line, e->col, "%s", e->msg);
    }
    shown |= k > 0;
    wx_diags_free(x->diags[c]);
  }
}

/* Under MPI (ranks.h) rank k values the coalitions k, k + size, ... on
 * threads of its own (MPI is funneled: the calling thread only talks to
 * the other ranks), rank 0 gathers the rows and shares the whole table,
 * so that every rank goes on with the same values; only rank 0 writes. */
typedef struct {
  values_ctx *x;
  size_t n, first, step;
  atomic_size_t next;
  atomic_int running;
  const atomic_int *halt;
  int *rc; /* per coalition; interrupted until valued */
  unsigned char *done;
  pthread_t *t;
  unsigned started;
} ranks_pool;

static void *ranks_worker(void *arg) {
  ranks_pool *p = arg;
  for (;;) {
    size_t c = p->first + atomic_fetch_add(&p->next, 1) * p->step;
    if (c >= p->n || atomic_load(p->halt)) break;
    p->rc[c] = value_job(p->x, c);
    p->done[c] = p->rc[c] == WX_OK;
  }
  atomic_fetch_sub(&p->running, 1);
  return NULL;
}

static int ranks_busy(void *ctx) {
  return atomic_load(&((ranks_pool *)ctx)->running) > 0;
}

/* This rank's status: its first coalition that failed, as one process. */
static int ranks_join(void *ctx) {
  ranks_pool *p = ctx;
  for (unsigned i = 0; i < p->started; i++) pthread_join(p->t[i], NULL);
  int rc = p->started ? WX_OK : WX_ENOMEM;
  for (size_t c = p->first; rc == WX_OK && c < p->n; c += p->step)
    rc = p->rc[c];
  return rc;
}

static int values_ranks(values_ctx *x, size_t n, unsigned threads,
                        wx_diags *d) {
  atomic_int halt;
  atomic_init(&halt, 0);
  wx_attr_opts oo = *x->o;
  const wx_attr_opts *o = x->o;
  oo.stop = &halt;
  x->o = &oo;
  ranks_pool p = {.x = x, .n = n, .halt = &halt};
  p.first = (size_t)wx__ranks_rank();
  p.step = (size_t)wx__ranks_size();
  size_t share = n > p.first ? (n - p.first + p.step - 1) / p.step : 0;
  unsigned outer = share < threads ? (unsigned)share : threads;
  if (outer == 0) outer = 1;
  p.rc = malloc(n * sizeof *p.rc);
  p.done = calloc(n, 1);
  p.t = calloc(outer, sizeof *p.t);
  for (size_t c = 0; p.rc && c < n; c++) p.rc[c] = WX_EINTERRUPTED;
  atomic_init(&p.next, 0);
  atomic_init(&p.running, (int)outer);
  while (p.rc && p.done && p.t && p.started < outer &&
         pthread_create(&p.t[p.started], NULL, ranks_worker, &p) == 0)
    p.started++;
  atomic_fetch_sub(&p.running, (int)(outer - p.started));
  size_t width = x->a->n_out * (size_t)x->reps;
  wx_rank_points rp = {.n = n,
                       .width = width,
                       .Y = x->v,
                       .done = p.done,
                       .stop = o->stop,
                       .halt = &halt,
                       .busy = ranks_busy,
                       .join = ranks_join,
                       .ctx = &p};
  int rc = wx__ranks_points(&rp);
  if (rp.failed_rank > 0)
    wx__diag(d, rc, wx_model_path(x->base), 0, 0, "MPI rank %d: %s",
             rp.failed_rank, rp.msg);
  wx__ranks_share(&rc, x->v, n * width);
  x->o = o;
  free(p.rc);
  free(p.done);
  free(p.t);
  return rc;
}

int wx__attr_values(const wx_attr_src *src, const wx_model *base,
                    wx_attribution *a, const uint64_t *masks, size_t n,
                    const wx_attr_opts *o, double *v, wx_diags *d) {
  values_ctx x = {src,     base,
                  a,       masks,
                  o,       a->replications,
                  a->seed, v,
                  NULL,    calloc(n + 1, sizeof(wx_diags *)),
                  0,       (unsigned)n};
  int rc = x.diags ? draw_base_params(&x) : WX_ENOMEM;
  for (size_t c = 0; rc == WX_OK && c < n; c++)
    if (!(x.diags[c] = wx_diags_alloc(8))) rc = WX_ENOMEM;
  unsigned threads = o->threads ? o->threads : 1;
  if (rc == WX_OK && wx__ranks_size() > 1)
    rc = values_ranks(&x, n, threads, d);
  else if (rc == WX_OK)
    rc = wx__attr_pool(n, threads, value_job, &x);
  if (x.diags) merge_diags(&x, n, d);
  free(x.diags);
  free(x.base_params);
  return rc;
}
