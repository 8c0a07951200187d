#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ranks.h"
#include "params.h"
#include "rng.h"
#include "runner.h"
#include "util.h"

/* A finished replication waiting for its turn to be delivered. */
typedef struct {
  int ready;
  int status;
  wx_series series;
  double *params;
  wx_engine_stats stats;
} slot;

/* Shared by the workers and the collector; guarded by `lock`.  At most
 * `window` replications are in flight, so memory does not grow with the
 * number of replications. */
typedef struct {
  const wx_model *m;
  const wx_layout *l;
  const wx_runner_opts *o;
  const wx_engine_type *engine;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  /* Counted in this process's share: its i-th replication is
   * first_rep + i * step, of n_local. */
  uint32_t step, n_local;
  uint32_t next_to_start;
  uint32_t next_to_deliver;
  uint32_t window;
  slot *slots; /* window entries, indexed i % window */
  int abort;   /* collector gave up: workers stop */
} pool;

int wx__params_for_rep(const wx_model *m, uint64_t seed, uint32_t rep,
                       double *out) {
  gsl_rng *r = wx__rng_alloc();
  if (!r) return WX_ENOMEM;
  gsl_rng_set(r, wx__stream_seed(seed, rep, WX_STREAM_PARAMS));
  int rc = wx__params_draw(m, r, out);
  gsl_rng_free(r);
  return rc;
}

int wx__params_for_rep_set(const wx_model *m, uint64_t seed, uint32_t rep,
                           const wx_param_set *set, uint32_t n_set,
                           double *out) {
  for (uint32_t i = 0; i < n_set; i++)
    if (set[i].param >= m->n_params) return WX_EINVAL;
  int rc = wx__params_for_rep(m, seed, rep, out);
  for (uint32_t i = 0; rc == WX_OK && i < n_set; i++)
    out[set[i].param] = set[i].value;
  return rc;
}

static uint32_t rep_of(const pool *p, uint32_t i) {
  return p->o->first_rep + i * p->step;
}

/* An engine instance and where its run's messages go: each worker has its
 * own, the first message of a failed replication moves into its stats. */
typedef struct {
  void *e;
  wx_diags *d;
} instance;

static int instance_alloc(const pool *p, instance *in) {
  in->e = p->engine->alloc(p->m, p->l);
  in->d = wx_diags_alloc(1);
  return in->e && in->d ? WX_OK : WX_ENOMEM;
}

static void instance_free(const pool *p, instance *in) {
  if (in->e) p->engine->free(in->e);
  wx_diags_free(in->d);
}

static int run_one(pool *p, instance *in, uint32_t rep, slot *s) {
  const wx_runner_opts *o = p->o;
  int rc =
      wx__params_for_rep_set(p->m, o->seed, rep, o->set, o->n_set, s->params);
  if (rc != WX_OK) return rc;
  uint64_t seed = wx__stream_seed(o->seed, rep, WX_STREAM_ENGINE);
  wx_diags_clear(in->d);
  rc = p->engine->run(in->e, s->params, seed, &s->series, o->stop, in->d);
  p->engine->stats(in->e, &s->stats);
  if (rc == WX_OK || rc == WX_EINTERRUPTED)
    memset(&s->stats.failure, 0, sizeof s->stats.failure);
  else if (wx_diags_count(in->d))
    s->stats.failure = *wx_diags_get(in->d, 0);
  return rc;
}

/* Takes the next replication to run, waiting while the window is full;
 * returns 0 when there is nothing left. */
static int claim(pool *p, uint32_t *i) {
  pthread_mutex_lock(&p->lock);
  while (!p->abort && p->next_to_start < p->n_local &&
         p->next_to_start >= p->next_to_deliver + p->window)
    pthread_cond_wait(&p->changed, &p->lock);
  int ok = !p->abort && p->next_to_start < p->n_local;
  if (ok) *i = p->next_to_start++;
  pthread_mutex_unlock(&p->lock);
  return ok;
}

static void *worker(void *arg) {
  pool *p = arg;
  instance in;
  int ok = instance_alloc(p, &in) == WX_OK;
  uint32_t i;
  while (claim(p, &i)) {
    slot *s = &p->slots[i % p->window];
    int rc = ok ? run_one(p, &in, rep_of(p, i), s) : WX_ENOMEM;
    pthread_mutex_lock(&p->lock);
    s->status = rc;
    s->ready = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
  instance_free(p, &in);
  return NULL;
}

static int deliver_all(pool *p, wx_rep_sink sink, void *ctx) {
  const wx_runner_opts *o = p->o;
  int rc = WX_OK;
  while (rc == WX_OK && p->next_to_deliver < p->n_local) {
    /* Once stopped, deliver nothing more, even replications that are
     * already done: the run ends at a point the caller can know. */
    if (o->stop && atomic_load(o->stop)) return WX_EINTERRUPTED;
    uint32_t rep = rep_of(p, p->next_to_deliver);
    slot *s = &p->slots[p->next_to_deliver % p->window];
    pthread_mutex_lock(&p->lock);
    while (!s->ready) pthread_cond_wait(&p->changed, &p->lock);
    pthread_mutex_unlock(&p->lock);
    rc = s->status;
    if (rc != WX_OK && o->failure && s->stats.failure.msg[0])
      *o->failure = s->stats.failure;
    if (rc == WX_OK) {
      wx_rep_result r = {rep, &s->series, s->params, &s->stats};
      rc = sink(ctx, &r);
    }
    pthread_mutex_lock(&p->lock);
    s->ready = 0;
    if (rc == WX_OK)
      p->next_to_deliver++;
    else
      p->abort = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    if (rc == WX_OK && o->progress)
      o->progress(o->progress_ctx, rep + 1, o->replications);
  }
  return rc;
}

static void free_slots(pool *p) {
  for (uint32_t i = 0; p->slots && i < p->window; i++) {
    wx__series_free(&p->slots[i].series);
    free(p->slots[i].params);
  }
  free(p->slots);
}

static int alloc_slots(pool *p) {
  p->slots = calloc(p->window, sizeof *p->slots);
  if (!p->slots) return WX_ENOMEM;
  size_t np = p->m->n_params ? p->m->n_params : 1;
  for (uint32_t i = 0; i < p->window; i++) {
    p->slots[i].params = malloc(np * sizeof(double));
    if (!p->slots[i].params ||
        wx__series_init(&p->slots[i].series, p->l) != WX_OK)
      return WX_ENOMEM;
  }
  return WX_OK;
}

/* One thread: the replications run on the caller's thread, one slot, no
 * pool, so that a study's many one-replication evaluations pay no thread
 * start-up (bench/bench_evaluate.c).  Same order, seeds and stops. */
static int run_inline(pool *p, wx_rep_sink sink, void *ctx) {
  const wx_runner_opts *o = p->o;
  instance in;
  int rc = instance_alloc(p, &in);
  for (uint32_t rep = o->first_rep; rc == WX_OK && rep < o->replications;
       rep += p->step) {
    if (o->stop && atomic_load(o->stop)) {
      rc = WX_EINTERRUPTED;
      break;
    }
    slot *s = &p->slots[0];
    rc = run_one(p, &in, rep, s);
    if (rc != WX_OK && o->failure && s->stats.failure.msg[0])
      *o->failure = s->stats.failure;
    if (rc == WX_OK) {
      wx_rep_result r = {rep, &s->series, s->params, &s->stats};
      rc = sink(ctx, &r);
    }
    if (rc == WX_OK && o->progress)
      o->progress(o->progress_ctx, rep + 1, o->replications);
  }
  instance_free(p, &in);
  return rc;
}

int wx__run_local(const wx_model *m, const wx_layout *l,
                  const wx_runner_opts *o, wx_rep_sink sink, void *ctx) {
  uint32_t threads = o->threads ? o->threads : 1;
  uint32_t step = o->stride > 1 ? o->stride : 1;
  uint32_t n_local = o->first_rep < o->replications
                         ? (o->replications - o->first_rep + step - 1) / step
                         : 0;
  if (threads > n_local) threads = n_local ? n_local : 1;
  if (threads == 1) {
    pool p = {.m = m,
              .l = l,
              .o = o,
              .window = 1,
              .step = step,
              .n_local = n_local,
              .engine = o->engine ? o->engine : wx__engine_find("agent")};
    int rc = alloc_slots(&p);
    if (rc == WX_OK) rc = run_inline(&p, sink, ctx);
    free_slots(&p);
    return rc;
  }
  pool p = {.m = m,
            .l = l,
            .o = o,
            .window = 2 * threads,
            .step = step,
            .n_local = n_local,
            .engine = o->engine ? o->engine : wx__engine_find("agent")};
  int rc = alloc_slots(&p);
  pthread_t *tids = calloc(threads, sizeof *tids);
  if (rc != WX_OK || !tids) {
    free(tids);
    free_slots(&p);
    return WX_ENOMEM;
  }
  pthread_mutex_init(&p.lock, NULL);
  pthread_cond_init(&p.changed, NULL);
  uint32_t started = 0;
  while (started < threads &&
         pthread_create(&tids[started], NULL, worker, &p) == 0)
    started++;
  rc = started ? deliver_all(&p, sink, ctx) : WX_ENOMEM;
  pthread_mutex_lock(&p.lock);
  p.abort = 1;
  pthread_cond_broadcast(&p.changed);
  pthread_mutex_unlock(&p.lock);
  for (uint32_t i = 0; i < started; i++) pthread_join(tids[i], NULL);
  pthread_cond_destroy(&p.changed);
  pthread_mutex_destroy(&p.lock);
  free(tids);
  free_slots(&p);
  return rc;
}

#ifndef WX_MPI
int wx__run_replications(const wx_model *m, const wx_layout *l,
                         const wx_runner_opts *o, wx_rep_sink sink, void *ctx) {
  return wx__run_local(m, l, o, sink, ctx);
}

int wx__dist_worker(void) { return 0; }

/* One rank (ranks.h). */
int wx__ranks_rank(void) { return 0; }
int wx__ranks_size(void) { return 1; }
int wx__ranks_share(int *status, double *v, size_t n) {
  (void)v;
  (void)n;
  return *status;
}

int wx__ranks_points(wx_rank_points *p) {
  int rc = p->join(p->ctx);
  p->failed_rank = rc != WX_OK && rc != WX_EINTERRUPTED ? 0 : -1;
  return rc;
}
#endif
