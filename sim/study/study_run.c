/* Evaluates a study's points in memory on a pool of threads.  A point's
 * values depend on the point alone (the same seed for every point, the
 * same replications), so the pool's order never shows in Y. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "study_run.h"
#include "util.h"

typedef struct {
  const wx_study_ctx *c;
  const wx_study_design *p;
  double *Y;
  unsigned char *done;
  unsigned inner;       /* threads of each point's wx_evaluate */
  atomic_size_t next;   /* the next point to take */
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
  return atomic_load(&P->failed) || (P->c->o.stop && atomic_load(P->c->o.stop));
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
                        .stop = c->o.stop};
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
                       (unsigned)P->p->n_points);
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
      size_t i = atomic_fetch_add(&P->next, 1);
      if (i >= P->p->n_points || stopped(P)) break;
      wx_diags_clear(tmp);
      finish(P, i, eval_point(P, &w, i, tmp), tmp);
    }
  }
  wx_model_free(w.m);
  free(w.x);
  free(w.set);
  wx_diags_free(tmp);
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
  unsigned threads = cores(c->threads);
  unsigned outer = p->n_points < threads ? (unsigned)p->n_points : threads;
  if (outer == 0) outer = 1;
  P.inner = threads / outer;
  atomic_init(&P.next, 0);
  atomic_init(&P.failed, 0);
  pthread_mutex_init(&P.lock, NULL);
  int rc = run_pool(&P, outer);
  pthread_mutex_destroy(&P.lock);
  if (rc == WX_OK) rc = P.rc;
  if (rc == WX_OK && P.n_done < p->n_points) rc = WX_EINTERRUPTED;
  *Y = P.Y;
  *n_done = P.n_done;
  if (done)
    *done = P.done;
  else
    free(P.done);
  return rc;
}
