/*
 * Ranks as the layers above the runner see them (studies, calibration,
 * optimisation).  Every rank runs the same command (SPMD); without
 * -DWX_MPI=ON, or started without a launcher, there is one rank and every
 * function here is a no-op.  MPI is called only from the thread that
 * started it (MPI_THREAD_FUNNELED): runs on other threads stay local.
 *
 * Two ways to spread work (docs/architecture.md, "Beyond one machine"):
 * - replications: a method that evaluates one point at a time (calibrate,
 *   optimize) calls wx_evaluate on the main thread on every rank, the
 *   runner spreads the replications (runner_mpi.c), and rank 0 shares
 *   what the method reads (wx__ranks_share) so every rank takes the same
 *   next step;
 * - points: work whose points are known in advance (the designs of sweep
 *   and sensitivity, attribute's coalitions) gives rank k the points k,
 *   k + size, ..., evaluated on its threads, and wx__ranks_points gathers
 *   them on rank 0.
 */
#ifndef WX_RANKS_H
#define WX_RANKS_H

#include <stdatomic.h>
#include <stddef.h>

/* This process's rank and the number of ranks (0 and 1 without MPI). */
int wx__ranks_rank(void);
int wx__ranks_size(void);

/* Collective: rank 0's *status, and when it is WX_OK its n values v, on
 * every rank.  Returns the shared status (WX_EIO if MPI failed). */
int wx__ranks_share(int *status, double *v, size_t n);

/* Points spread over the ranks.  Each rank evaluates the points
 * rank, rank + size, ... on its own threads (never the calling one) and
 * calls wx__ranks_points on the calling thread, which waits for them,
 * raises *halt when this rank's *stop rises or rank 0 halts every rank
 * (its own stop), then sends the rows (`width` values of Y each) and done
 * flags to rank 0.  Every rank returns rank 0's view of the status: the
 * lowest failing rank's error (its message then in `msg`, its rank in
 * `failed_rank`), else WX_EINTERRUPTED when a rank was stopped, else
 * WX_OK.  Study points and attribute's coalitions use it. */
typedef struct {
  size_t n, width;
  double *Y;           /* n x width */
  unsigned char *done; /* n */
  const atomic_int *stop;
  atomic_int *halt;
  int (*busy)(void *ctx); /* this rank's threads are still evaluating */
  int (*join)(void *ctx); /* waits for them: this rank's status */
  void *ctx;
  char msg[256];   /* in: this rank's first error message; out: the one
                    returned */
  int failed_rank; /* out: the rank whose error is returned, or -1 */
} wx_rank_points;

int wx__ranks_points(wx_rank_points *p);

#endif
