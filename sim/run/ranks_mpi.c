/*
 * Study points over MPI ranks (-DWX_MPI=ON; ranks.h).  Rank k's threads
 * evaluate the points k, k + size, ...; its calling thread watches for a
 * stop meanwhile, then sends rank 0 one ROWS message: a head (status and
 * first error message), then per point of its share the done flag and
 * the row.  Rank 0 sends each worker control messages on one tag, so
 * they arrive in order: at most one HALT when its own stop rises, then
 * always one END with the final status once every worker's rows are in.
 * Every rank leaves with that status.  A rank that dies takes the job
 * down through mpirun (cli_mpi.c), as for `run`: nobody waits for ever.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranks.h"
#include "ranks_mpi.h"
#include "wxflow/wxflow.h"

enum { TAG_ROWS = 7711, TAG_CTRL = 7712 };
enum { CTRL_HALT = 1, CTRL_END = 2 };

/* 256 bytes: the doubles after it stay aligned. */
typedef struct {
  int32_t status;
  char msg[252];
} rows_head;

static size_t share_of(size_t n, int rank, int size) {
  return n > (size_t)rank ? (n - (size_t)rank + (size_t)size - 1) / size : 0;
}

static int failure(int rc) { return rc != WX_OK && rc != WX_EINTERRUPTED; }

/* ---- a worker rank ---- */

typedef struct {
  int32_t msg[2];
  MPI_Request req;
  int ended;
  int32_t final;
} ctrl;

static void post(ctrl *c) {
  if (MPI_Irecv(c->msg, 2, MPI_INT32_T, 0, TAG_CTRL, MPI_COMM_WORLD, &c->req) !=
      MPI_SUCCESS)
    c->ended = 1, c->final = WX_EIO;
}

/* Takes a control message that has arrived: a HALT stops this rank's
 * threads, an END carries the final status. */
static void take_ctrl(ctrl *c, const wx_rank_points *p) {
  int done = 0;
  if (c->ended) return;
  if (MPI_Test(&c->req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
    c->ended = 1, c->final = WX_EIO;
    return;
  }
  if (!done) return;
  if (c->msg[0] == CTRL_END) {
    c->ended = 1;
    c->final = c->msg[1];
    return;
  }
  atomic_store(p->halt, 1);
  post(c);
}

/* The ROWS message of this rank's share (just the head when it cannot be
 * built: the status then says why). */
static char *pack_rows(const wx_rank_points *p, int rc, int rank, int size,
                       size_t *bytes) {
  size_t mine = share_of(p->n, rank, size), row = 1 + p->width;
  size_t full = sizeof(rows_head) + mine * row * sizeof(double);
  char *buf = full <= INT_MAX ? malloc(full) : NULL;
  rows_head h = {rc, ""};
  memcpy(h.msg, p->msg, sizeof h.msg - 1);
  if (!buf) {
    h.status = full <= INT_MAX ? WX_ENOMEM : WX_ETOOBIG;
    snprintf(h.msg, sizeof h.msg, "%zu points' results do not fit a message",
             mine);
    buf = malloc(sizeof h);
    full = sizeof h;
  }
  if (!buf) return NULL;
  memcpy(buf, &h, sizeof h);
  double *d = (double *)(void *)(buf + sizeof h);
  for (size_t t = 0; full > sizeof h && t < mine; t++) {
    size_t i = (size_t)rank + t * (size_t)size;
    double flag = p->done[i] ? 1 : 0;
    memcpy(d + t * row, &flag, sizeof flag);
    memcpy(d + t * row + 1, p->Y + i * p->width, p->width * sizeof *p->Y);
  }
  *bytes = full;
  return buf;
}

static int run_worker(wx_rank_points *p, int rank, int size) {
  ctrl c = {.final = WX_EIO};
  post(&c);
  for (long us = 20; p->busy(p->ctx); wx__ranks_nap(&us)) {
    if (p->stop && atomic_load(p->stop)) atomic_store(p->halt, 1);
    take_ctrl(&c, p);
  }
  int rc = p->join(p->ctx);
  size_t bytes = 0;
  char *buf = pack_rows(p, rc, rank, size, &bytes);
  MPI_Request req = MPI_REQUEST_NULL;
  if (!buf || MPI_Isend(buf, (int)bytes, MPI_BYTE, 0, TAG_ROWS, MPI_COMM_WORLD,
                        &req) != MPI_SUCCESS)
    MPI_Abort(MPI_COMM_WORLD, WX_ENOMEM); /* rank 0 would wait for ever */
  for (long us = 20; !c.ended; wx__ranks_nap(&us)) take_ctrl(&c, p);
  wx__ranks_wait(&req);
  free(buf);
  return c.final;
}

/* ---- rank 0 ---- */

typedef struct {
  wx_rank_points *p;
  int size;
  int halted;
  int rc; /* the worst so far: a failure of the lowest rank, else ... */
  int interrupted;
} root_ctx;

/* Rank 0's stop halts every rank, once. */
static void halt_all(root_ctx *r) {
  if (r->halted || !r->p->stop || !atomic_load(r->p->stop)) return;
  atomic_store(r->p->halt, 1);
  int32_t m[2] = {CTRL_HALT, WX_EINTERRUPTED};
  for (int k = 1; k < r->size; k++)
    MPI_Send(m, 2, MPI_INT32_T, k, TAG_CTRL, MPI_COMM_WORLD);
  r->halted = 1;
}

static void note(root_ctx *r, int from, int rc, const char *msg) {
  if (rc == WX_EINTERRUPTED) r->interrupted = 1;
  if (!failure(rc) || (r->p->failed_rank >= 0 && r->p->failed_rank < from))
    return;
  r->rc = rc;
  r->p->failed_rank = from;
  snprintf(r->p->msg, sizeof r->p->msg, "%s", msg);
}

static void unpack_rows(root_ctx *r, int from, const char *buf, size_t bytes) {
  wx_rank_points *p = r->p;
  size_t mine = share_of(p->n, from, r->size), row = 1 + p->width;
  rows_head h;
  if (bytes < sizeof h) {
    note(r, from, WX_EIO, "a short message");
    return;
  }
  memcpy(&h, buf, sizeof h);
  h.msg[sizeof h.msg - 1] = '\0';
  note(r, from, h.status, h.msg);
  if (bytes != sizeof h + mine * row * sizeof(double)) {
    if (!failure(h.status)) note(r, from, WX_EIO, "a message of a wrong size");
    return;
  }
  const double *d = (const double *)(const void *)(buf + sizeof h);
  for (size_t t = 0; t < mine; t++) {
    size_t i = (size_t)from + t * (size_t)r->size;
    double flag;
    memcpy(&flag, d + t * row, sizeof flag);
    p->done[i] = flag != 0;
    memcpy(p->Y + i * p->width, d + t * row + 1, p->width * sizeof *p->Y);
  }
}

/* Every worker's rows, in the order they come. */
static void gather(root_ctx *r) {
  for (int left = r->size - 1; left > 0;) {
    int flag = 0, count = 0;
    MPI_Status st;
    for (long us = 20; !flag; wx__ranks_nap(&us)) {
      halt_all(r);
      if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_ROWS, MPI_COMM_WORLD, &flag, &st) !=
          MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, WX_EIO);
    }
    MPI_Get_count(&st, MPI_BYTE, &count);
    char *buf = malloc(count > 0 ? (size_t)count : 1);
    if (!buf) MPI_Abort(MPI_COMM_WORLD, WX_ENOMEM);
    MPI_Recv(buf, count, MPI_BYTE, st.MPI_SOURCE, TAG_ROWS, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    unpack_rows(r, st.MPI_SOURCE, buf, (size_t)count);
    free(buf);
    left--;
  }
}

static int run_root(wx_rank_points *p, int size) {
  root_ctx r = {.p = p, .size = size, .rc = WX_OK};
  for (long us = 20; p->busy(p->ctx); wx__ranks_nap(&us)) halt_all(&r);
  int own = p->join(p->ctx);
  char msg[sizeof p->msg];
  memcpy(msg, p->msg, sizeof msg);
  p->failed_rank = -1;
  note(&r, 0, own, msg);
  gather(&r);
  int final = failure(r.rc) ? r.rc : r.interrupted ? WX_EINTERRUPTED : WX_OK;
  int32_t m[2] = {CTRL_END, final};
  for (int k = 1; k < size; k++)
    MPI_Send(m, 2, MPI_INT32_T, k, TAG_CTRL, MPI_COMM_WORLD);
  return final;
}

int wx__ranks_points(wx_rank_points *p) {
  int rank = wx__ranks_rank(), size = wx__ranks_size();
  p->failed_rank = -1;
  if (size == 1) {
    int rc = p->join(p->ctx);
    if (failure(rc)) p->failed_rank = 0;
    return rc;
  }
  return rank == 0 ? run_root(p, size) : run_worker(p, rank, size);
}
