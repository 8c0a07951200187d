/*
 * The runner over MPI ranks (-DWX_MPI=ON): replication first_rep + k goes
 * to rank k % size, which runs its share on its threads (wx__run_local
 * with a stride) and sends each finished replication to rank 0 in order.
 * Rank 0 runs its own share too and, in its sink, receives the others'
 * replications in global order before its own, so its sink sees exactly
 * the sequence of a single process: byte-identical outputs.
 *
 * Ending: rank 0 always sends every worker one STOP carrying its final
 * status, and receives (and drops) what the worker still sends until the
 * worker's END.  A worker stops at a STOP or its own signal and returns
 * rank 0's status, so every rank leaves the call with the same one.
 * A rank that dies takes the job down through mpirun (cli_mpi.c aborts
 * on errors), so rank 0 never waits on a dead peer for ever.
 */
#include <mpi.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ranks.h"
#include "ranks_mpi.h"
#include "runner.h"

enum { TAG_REP = 7701, TAG_END = 7702, TAG_STOP = 7703 };

/* One message: header, engine statistics, parameters, series. */
typedef struct {
  uint32_t rep;
  int32_t status;
} wire_head;

typedef struct {
  char *buf;
  size_t size;
  size_t np, cells;
} wire;

/* A pause between polls, growing from 20 us to 2 ms: MPI's own waits spin
 * and would take the core a busy rank needs. */
void wx__ranks_nap(long *us) {
  struct timespec ts = {0, *us * 1000};
  nanosleep(&ts, NULL);
  if (*us < 2000) *us *= 2;
}

/* MPI_Wait without spinning. */
int wx__ranks_wait(MPI_Request *r) {
  long us = 20;
  for (;;) {
    int done = 0;
    if (MPI_Test(r, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return -1;
    if (done) return 0;
    wx__ranks_nap(&us);
  }
}

static int world(int *rank, int *size) {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  *rank = 0;
  *size = 1;
  if (!init || fin) return 0;
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return 1;
}

int wx__dist_worker(void) { return wx__ranks_rank() > 0; }

int wx__ranks_rank(void) {
  int rank, size;
  world(&rank, &size);
  return rank;
}

int wx__ranks_size(void) {
  int rank, size;
  world(&rank, &size);
  return size;
}

/* Funneled MPI: only the thread that started it may call it; the
 * evaluations a study runs on its pool threads stay local. */
static int main_thread(void) {
  int flag = 0;
  MPI_Is_thread_main(&flag);
  return flag;
}

int wx__ranks_share(int *status, double *v, size_t n) {
  int rank, size;
  if (!world(&rank, &size) || size == 1) return *status;
  /* Nonblocking, waited for with naps: a blocking broadcast would spin
   * on the ranks that wait for rank 0 to finish its replications. */
  int32_t st = *status;
  MPI_Request r;
  int ok =
      MPI_Ibcast(&st, 1, MPI_INT32_T, 0, MPI_COMM_WORLD, &r) == MPI_SUCCESS &&
      wx__ranks_wait(&r) == 0;
  for (size_t at = 0; ok && st == WX_OK && at < n;) {
    size_t part = n - at < (size_t)INT_MAX ? n - at : (size_t)INT_MAX;
    ok = MPI_Ibcast(v + at, (int)part, MPI_DOUBLE, 0, MPI_COMM_WORLD, &r) ==
             MPI_SUCCESS &&
         wx__ranks_wait(&r) == 0;
    at += part;
  }
  return *status = ok ? st : WX_EIO;
}

static int wire_init(wire *w, const wx_model *m, const wx_layout *l) {
  w->np = m->n_params;
  w->cells = (size_t)l->n_samples * l->n_cols;
  w->size = sizeof(wire_head) + sizeof(wx_engine_stats) +
            (w->np + w->cells) * sizeof(double);
  if (w->size > INT_MAX) return WX_ETOOBIG;
  w->buf = malloc(w->size);
  return w->buf ? WX_OK : WX_ENOMEM;
}

static void pack(wire *w, uint32_t rep, int status, const wx_engine_stats *st,
                 const double *params, const wx_series *s) {
  wire_head h = {rep, status};
  char *p = w->buf;
  memcpy(p, &h, sizeof h);
  p += sizeof h;
  if (st)
    memcpy(p, st, sizeof *st);
  else
    memset(p, 0, sizeof *st);
  p += sizeof *st;
  if (params) memcpy(p, params, w->np * sizeof(double));
  p += w->np * sizeof(double);
  if (s) memcpy(p, s->v, w->cells * sizeof(double));
}

static void unpack(const wire *w, wire_head *h, wx_engine_stats *st,
                   double *params, wx_series *s) {
  const char *p = w->buf;
  memcpy(h, p, sizeof *h);
  p += sizeof *h;
  memcpy(st, p, sizeof *st);
  p += sizeof *st;
  memcpy(params, p, w->np * sizeof(double));
  p += w->np * sizeof(double);
  memcpy(s->v, p, w->cells * sizeof(double));
}

/* ---- a worker rank ---- */

/* Sends in flight: the worker carries on with its next replications while
 * rank 0 is busy with its own. */
enum { RING = 4 };

typedef struct {
  wire w[RING];
  MPI_Request req[RING];
  uint32_t sent;
  int stopped;
  int32_t final; /* rank 0's status, from its STOP */
} worker_ctx;

static void take_stop(worker_ctx *c, int wait) {
  int flag = 0;
  for (long us = 20; !c->stopped; wx__ranks_nap(&us)) {
    if (MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE) !=
            MPI_SUCCESS ||
        flag || !wait)
      break;
  }
  if (!flag || c->stopped) return;
  MPI_Recv(&c->final, 1, MPI_INT32_T, 0, TAG_STOP, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  c->stopped = 1;
}

static int worker_sink(void *ctx, const wx_rep_result *r) {
  worker_ctx *c = ctx;
  uint32_t k = c->sent++ % RING;
  if (wx__ranks_wait(&c->req[k]) != 0) return WX_EIO;
  pack(&c->w[k], r->rep, WX_OK, r->stats, r->params, r->series);
  if (MPI_Isend(c->w[k].buf, (int)c->w[k].size, MPI_BYTE, 0, TAG_REP,
                MPI_COMM_WORLD, &c->req[k]) != MPI_SUCCESS)
    return WX_EIO;
  take_stop(c, 0);
  return c->stopped ? WX_EINTERRUPTED : WX_OK;
}

static int worker_init(worker_ctx *c, const wx_model *m, const wx_layout *l) {
  int rc = WX_OK;
  for (int k = 0; k < RING; k++) {
    c->req[k] = MPI_REQUEST_NULL;
    if (rc == WX_OK) rc = wire_init(&c->w[k], m, l);
  }
  return rc;
}

static int run_worker(const wx_model *m, const wx_layout *l,
                      const wx_runner_opts *o, int rank, int size) {
  worker_ctx c = {.final = WX_EIO};
  int rc = worker_init(&c, m, l);
  wx_engine_stats st = {0};
  wx_runner_opts mine = *o;
  mine.first_rep = o->first_rep + (uint32_t)rank;
  mine.stride = (uint32_t)size;
  mine.progress = NULL;
  mine.failure = &st.failure;
  if (mine.first_rep > o->replications) mine.first_rep = o->replications;
  if (rc == WX_OK) rc = wx__run_local(m, l, &mine, worker_sink, &c);
  for (int k = 0; k < RING; k++) wx__ranks_wait(&c.req[k]);
  /* END: the status (and why a replication failed) after the last one. */
  char end[sizeof(wire_head) + sizeof st];
  wire_head h = {0, rc};
  memcpy(end, &h, sizeof h);
  memcpy(end + sizeof h, &st, sizeof st);
  MPI_Send(end, (int)sizeof end, MPI_BYTE, 0, TAG_END, MPI_COMM_WORLD);
  take_stop(&c, 1);
  for (int k = 0; k < RING; k++) free(c.w[k].buf);
  return c.final;
}

/* ---- rank 0 ---- */

typedef struct {
  const wx_runner_opts *o;
  wx_rep_sink sink;
  void *ctx;
  int size;
  uint32_t next; /* the next replication to deliver */
  wire w;
  wx_series s;
  double *params;
  char *ended; /* per rank: its END arrived */
  int sink_rc; /* what root_sink last returned */
} root_ctx;

static int owner(const root_ctx *c, uint32_t rep) {
  return (int)((rep - c->o->first_rep) % (uint32_t)c->size);
}

static int deliver(root_ctx *c, const wx_rep_result *r) {
  int rc = c->sink(c->ctx, r);
  if (rc == WX_OK) {
    c->next = r->rep + 1;
    if (c->o->progress)
      c->o->progress(c->o->progress_ctx, c->next, c->o->replications);
  }
  return rc;
}

/* Waits for the next message from `from`, polling the stop flag so that
 * a signal is seen while a worker is still busy. */
static int wait_message(root_ctx *c, int from, int poll_stop, MPI_Status *st) {
  for (long us = 20;; wx__ranks_nap(&us)) {
    if (poll_stop && c->o->stop && atomic_load(c->o->stop))
      return WX_EINTERRUPTED;
    int flag = 0;
    if (MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, st) != MPI_SUCCESS)
      return WX_EIO;
    if (flag) break;
  }
  int tag = st->MPI_TAG;
  if (MPI_Recv(c->w.buf, (int)c->w.size, MPI_BYTE, from, tag, MPI_COMM_WORLD,
               st) != MPI_SUCCESS)
    return WX_EIO;
  if (tag == TAG_END) c->ended[from] = 1;
  return WX_OK;
}

/* Replication `rep` did not come from rank `from`: a failed run whose
 * message (the runner's `failure`, see core.c) names the rank. */
static int lost(const root_ctx *c, int from, uint32_t rep, const char *why) {
  if (c->o->failure) {
    memset(c->o->failure, 0, sizeof *c->o->failure);
    c->o->failure->code = WX_ERUNTIME;
    snprintf(c->o->failure->msg, sizeof c->o->failure->msg,
             "MPI rank %d did not send replication %u: %s", from, rep, why);
  }
  return WX_ERUNTIME;
}

/* Receives replication `rep` from its rank and delivers it. */
static int take_remote(root_ctx *c, uint32_t rep) {
  if (c->o->stop && atomic_load(c->o->stop)) return WX_EINTERRUPTED;
  int from = owner(c, rep);
  MPI_Status st;
  if (c->ended[from]) return lost(c, from, rep, "it had ended");
  int rc = wait_message(c, from, 1, &st);
  if (rc == WX_EIO) return lost(c, from, rep, "an MPI error");
  if (rc != WX_OK) return rc;
  wire_head h;
  wx_engine_stats stats;
  unpack(&c->w, &h, &stats, c->params, &c->s);
  if (st.MPI_TAG == TAG_END) {
    if (h.status != WX_OK && c->o->failure && stats.failure.msg[0])
      *c->o->failure = stats.failure;
    /* A worker ends early only on an error or a stop of its own. */
    if (h.status == WX_EIO) return lost(c, from, rep, "an MPI error there");
    return h.status != WX_OK ? h.status : lost(c, from, rep, "it ended early");
  }
  if (h.rep != rep) return lost(c, from, rep, "another one came");
  wx_rep_result r = {rep, &c->s, c->params, &stats};
  return deliver(c, &r);
}

/* Rank 0's own replications: the others' before it first. */
static int root_sink(void *ctx, const wx_rep_result *r) {
  root_ctx *c = ctx;
  int rc = WX_OK;
  while (rc == WX_OK && c->next < r->rep) rc = take_remote(c, c->next);
  return c->sink_rc = rc == WX_OK ? deliver(c, r) : rc;
}

/* Every worker gets its STOP and is drained up to its END. */
static void finish_workers(root_ctx *c, int32_t status) {
  for (int k = 1; k < c->size; k++)
    MPI_Send(&status, 1, MPI_INT32_T, k, TAG_STOP, MPI_COMM_WORLD);
  MPI_Status st;
  for (int k = 1; k < c->size; k++)
    while (!c->ended[k] && wait_message(c, k, 0, &st) == WX_OK) {
    }
}

static int run_root(const wx_model *m, const wx_layout *l,
                    const wx_runner_opts *o, wx_rep_sink sink, void *ctx,
                    int size) {
  root_ctx c = {
      .o = o, .sink = sink, .ctx = ctx, .size = size, .next = o->first_rep};
  int rc = wire_init(&c.w, m, l);
  if (rc == WX_OK) rc = wx__series_init(&c.s, l);
  c.params = malloc((m->n_params ? m->n_params : 1) * sizeof(double));
  c.ended = calloc((size_t)size, 1);
  if (rc == WX_OK && (!c.params || !c.ended)) rc = WX_ENOMEM;
  wx_runner_opts mine = *o;
  mine.stride = (uint32_t)size;
  mine.progress = NULL;
  int ran = rc == WX_OK;
  if (ran) rc = wx__run_local(m, l, &mine, root_sink, &c);
  /* One of rank 0's own replications failed: as in one process, a failure
   * among the others' before it is the one reported. */
  int own_failed =
      ran && rc != WX_OK && rc != WX_EINTERRUPTED && c.sink_rc == WX_OK;
  while (own_failed && c.next < o->replications && owner(&c, c.next) != 0) {
    int early = take_remote(&c, c.next);
    if (early != WX_OK) rc = early;
    if (early != WX_OK) break;
  }
  while (rc == WX_OK && c.next < o->replications) rc = take_remote(&c, c.next);
  if (c.w.buf && c.ended) finish_workers(&c, rc);
  free(c.w.buf);
  free(c.params);
  free(c.ended);
  wx__series_free(&c.s);
  return rc;
}

int wx__run_replications(const wx_model *m, const wx_layout *l,
                         const wx_runner_opts *o, wx_rep_sink sink, void *ctx) {
  int rank, size;
  /* Nothing left (a merge, a finished resume): no messages either. */
  if (!world(&rank, &size) || size == 1 || !main_thread() ||
      o->first_rep >= o->replications)
    return wx__run_local(m, l, o, sink, ctx);
  return rank == 0 ? run_root(m, l, o, sink, ctx, size)
                   : run_worker(m, l, o, rank, size);
}
