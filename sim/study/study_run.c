/* Evaluates a study's points in memory on a pool of threads.  A point's
 * values depend on the point alone (the same seed for every point, the
 * same replications), so the pool's order never shows in Y.  Under MPI
 * (ranks.h) rank k's pool takes the points k, k + size, ... and rank 0
 * gathers the rows: the same Y whatever the ranks and threads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ranks.h"
#include "study_run.h"
#include "util.h"

typedef struct {
  const wx_study_ctx *c;
  const wx_study_design *p;
  double *Y;
  unsigned char *done;
  unsigned inner;         /* threads of each point's wx_evaluate */
  size_t first, step;     /* this rank's points: first + t * step, */
  size_t share;           /* t < share */
  const atomic_int *stop; /* the caller's flag, or `halt` under MPI */
  atomic_int halt;
  atomic_int running;   /* workers not yet finished (under MPI) */
  atomic_size_t next;   /* the next of this rank's points to take */
  atomic_int failed;    /* a point failed: take no more */
  pthread_mutex_t lock; /* guards the fields below */
  size_t n_done;
  int rc;
  wx_diags *d;
} pool;

/* One worker's structural model, reused while its values stay the same. */
typedef struct {
  wx_model *m;
  double *x; /* the factor values it was compiled with */
  wx_param_set *set;
} worker;

static int stopped(const pool *P) {
  return atomic_load(&P->failed) || (P->stop && atomic_load(P->stop));
}

static int same_structure(const wx_study_ctx *c, const worker *w,
                          const double *x) {
  if (!w->m) return 0;
  for (size_t i = 0; i < c->spec->n_factors; i++)
    if (c->param[i] < 0 && w->x[i] != x[i]) return 0;
  return 1;
}

/* The model for point x: the base, or the base recompiled with x's
 * structural values (the worker's last one when they are unchanged). */
static int model_for(const wx_study_ctx *c, worker *w, const double *x,
                     const wx_model **m, wx_diags *d) {
  if (c->n_structural == 0) {
    *m = c->base;
    return WX_OK;
  }
  if (!same_structure(c, w, x)) {
    wx_model_free(w->m);
    w->m = NULL;
    int rc = wx__study_compile(c, x, NULL, &w->m, d);
    if (rc != WX_OK) return rc;
    memcpy(w->x, x, c->spec->n_factors * sizeof *x);
  }
  *m = w->m;
  return WX_OK;
}

/* The parameter factors of x as settings of model m (a recompiled model
 * numbers its parameters afresh, so they are looked up in it). */
static unsigned settings(const wx_study_ctx *c, const wx_model *m,
                         const double *x, wx_param_set *set) {
  unsigned n = 0;
  for (size_t i = 0; i < c->spec->n_factors; i++) {
    if (c->param[i] < 0) continue;
    int j =
        m == c->base ? c->param[i] : wx_model_param_find(m, c->spec->f[i].path);
    set[n++] = (wx_param_set){(unsigned)j, x[i]};
  }
  return n;
}

static void copy_kpis(const wx_study_ctx *c, const wx_eval *e, double *y) {
  size_t R = c->replications;
  for (size_t j = 0; j < c->n_kpi; j++) {
    int k = wx_eval_kpi_find(e, c->kpi[j]);
    const double *v = k >= 0 ? wx_eval_kpi_values(e, (unsigned)k) : NULL;
    for (size_t r = 0; r < R; r++) y[j * R + r] = v ? v[r] : NAN;
  }
}

static int eval_point(pool *P, worker *w, size_t i, wx_diags *d) {
  const wx_study_ctx *c = P->c;
  const double *x = P->p->x + i * P->p->k;
  const wx_model *m = NULL;
  int rc = model_for(c, w, x, &m, d);
  if (rc != WX_OK) return rc;
  wx_eval_options eo = {.engine = c->o.engine,
                        .seed_set = 1,
                        .seed = c->seed,
                        .replications = c->replications,
                        .threads = P->inner,
                        .horizon = c->o.horizon,
                        .memory_budget = c->o.memory_budget,
                        .set = w->set,
                        .stop = P->stop};
  eo.n_set = settings(c, m, x, w->set);
  wx_eval *e = NULL;
  rc = wx_evaluate(m, &eo, &e, d);
  if (rc == WX_OK && wx_eval_replications(e) != c->replications)
    rc = WX_EINTERRUPTED;
  if (rc == WX_OK) copy_kpis(c, e, P->Y + i * c->n_kpi * c->replications);
  wx_eval_free(e);
  return rc;
}

static void finish(pool *P, size_t i, int rc, const wx_diags *tmp) {
  pthread_mutex_lock(&P->lock);
  for (size_t j = 0; j < wx_diags_count(tmp); j++) {
    const wx_error *e = wx_diags_get(tmp, j);
    wx__diag(P->d, e->code, e->file, e->line, e->col, "%s", e->msg);
  }
  if (rc == WX_OK) {
    P->done[i] = 1;
    P->n_done++;
    if (P->c->o.progress)
      P->c->o.progress(P->c->o.progress_ctx, (unsigned)P->n_done,
                       (unsigned)P->share);
  } else if (rc != WX_EINTERRUPTED && P->rc == WX_OK) {
    P->rc = rc;
    atomic_store(&P->failed, 1);
  }
  pthread_mutex_unlock(&P->lock);
}

static void *work(void *arg) {
  pool *P = arg;
  size_t k = P->p->k;
  worker w = {NULL, malloc((k ? k : 1) * sizeof *w.x),
              malloc((k ? k : 1) * sizeof *w.set)};
  wx_diags *tmp = wx_diags_alloc(20);
  if (!w.x || !w.set || !tmp) {
    finish(P, 0, WX_ENOMEM, tmp);
  } else {
    for (;;) {
      size_t t = atomic_fetch_add(&P->next, 1), i = P->first + t * P->step;
      if (t >= P->share || stopped(P)) break;
      wx_diags_clear(tmp);
      finish(P, i, eval_point(P, &w, i, tmp), tmp);
    }
  }
  wx_model_free(w.m);
  free(w.x);
  free(w.set);
  wx_diags_free(tmp);
  atomic_fetch_sub(&P->running, 1);
  return NULL;
}

static unsigned cores(unsigned want) {
  if (want) return want;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

/* Runs `outer` workers (the caller's thread is one of them). */
static int run_pool(pool *P, unsigned outer) {
  pthread_t *t = calloc(outer, sizeof *t);
  if (!t) return WX_ENOMEM;
  unsigned started = 0;
  for (unsigned i = 1; i < outer; i++, started++)
    if (pthread_create(&t[i], NULL, work, P) != 0) break;
  work(P);
  for (unsigned i = 1; i <= started; i++) pthread_join(t[i], NULL);
  free(t);
  return WX_OK;
}

/* Under MPI the calling thread talks to the other ranks (funneled MPI)
 * while `outer` new threads evaluate this rank's points. */
typedef struct {
  pool *P;
  pthread_t *t;
  unsigned started;
  wx_rank_points *dp;
} dist_pool;

static int dist_busy(void *ctx) {
  return atomic_load(&((dist_pool *)ctx)->P->running) > 0;
}

/* This rank's first error message, for rank 0 to print. */
static void first_error(const wx_diags *d, int rc, char *msg, size_t size) {
  for (size_t j = 0; j < wx_diags_count(d); j++)
    if (wx_diags_get(d, j)->code == rc) {
      const char *m = wx_diags_get(d, j)->msg;
      size_t n = strlen(m) < size ? strlen(m) : size - 1;
      memcpy(msg, m, n);
      msg[n] = '\0';
      return;
    }
  snprintf(msg, size, "error %d", rc);
}

static int dist_join(void *ctx) {
  dist_pool *D = ctx;
  pool *P = D->P;
  for (unsigned i = 0; i < D->started; i++) pthread_join(D->t[i], NULL);
  int rc = D->started ? P->rc : WX_ENOMEM;
  if (rc == WX_ENOMEM && !D->started)
    wx__diag(P->d, rc, P->c->spec->file, 0, 0, "no thread could start");
  if (rc != WX_OK) first_error(P->d, rc, D->dp->msg, sizeof D->dp->msg);
  return rc == WX_OK && P->n_done < P->share ? WX_EINTERRUPTED : rc;
}

/* Returns every rank's status, as rank 0 sees it (ranks.h). */
static int run_dist(pool *P, unsigned outer) {
  dist_pool D = {P, calloc(outer, sizeof(pthread_t)), 0, NULL};
  atomic_init(&P->running, (int)outer);
  while (D.t && D.started < outer &&
         pthread_create(&D.t[D.started], NULL, work, P) == 0)
    D.started++;
  atomic_fetch_sub(&P->running, (int)(outer - D.started));
  wx_rank_points dp = {.n = P->p->n_points,
                       .width = P->c->n_kpi * P->c->replications,
                       .Y = P->Y,
                       .done = P->done,
                       .stop = P->c->o.stop,
                       .halt = &P->halt,
                       .busy = dist_busy,
                       .join = dist_join,
                       .ctx = &D};
  D.dp = &dp;
  int rc = wx__ranks_points(&dp);
  if (dp.failed_rank > 0)
    wx__diag(P->d, rc, P->c->spec->file, 0, 0, "MPI rank %d: %s",
             dp.failed_rank, dp.msg);
  free(D.t);
  P->n_done = 0;
  for (size_t i = 0; i < P->p->n_points; i++) P->n_done += P->done[i];
  return rc;
}

int wx__study_run(const wx_study_ctx *c, const wx_study_design *p, double **Y,
                  unsigned char **done, size_t *n_done, wx_diags *d) {
  *Y = NULL;
  if (done) *done = NULL;
  *n_done = 0;
  size_t cells = p->n_points * c->n_kpi * c->replications;
  pool P = {.c = c, .p = p, .d = d};
  P.Y = malloc((cells ? cells : 1) * sizeof *P.Y);
  P.done = calloc(p->n_points ? p->n_points : 1, 1);
  if (!P.Y || !P.done) {
    free(P.Y);
    free(P.done);
    return wx__diag(d, WX_ENOMEM, c->spec->file, 0, 0,
                    "out of memory for "
                    "%zu values",
                    cells);
  }
  for (size_t i = 0; i < cells; i++) P.Y[i] = NAN;
  int size = wx__ranks_size();
  P.first = (size_t)wx__ranks_rank();
  P.step = (size_t)size;
  P.share =
      p->n_points > P.first ? (p->n_points - P.first + P.step - 1) / P.step : 0;
  P.stop = size > 1 ? &P.halt : c->o.stop;
  unsigned threads = cores(c->threads);
  unsigned outer = P.share < threads ? (unsigned)P.share : threads;
  if (outer == 0) outer = 1;
  P.inner = threads / outer;
  atomic_init(&P.next, 0);
  atomic_init(&P.failed, 0);
  atomic_init(&P.halt, 0);
  atomic_init(&P.running, 0);
  pthread_mutex_init(&P.lock, NULL);
  int rc = size > 1 ? run_dist(&P, outer) : run_pool(&P, outer);
  pthread_mutex_destroy(&P.lock);
  /* Under MPI, run_dist's status is already every rank's. */
  if (rc == WX_OK && size == 1) rc = P.rc;
  if (rc == WX_OK && size == 1 && P.n_done < p->n_points) rc = WX_EINTERRUPTED;
  *Y = P.Y;
  *n_done = P.n_done;
  if (done)
    *done = P.done;
  else
    free(P.done);
  return rc;
}
