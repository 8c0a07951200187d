/* The command line under mpirun or srun (-DWX_MPI=ON, runner_mpi.c). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Whether a launcher (mpirun, mpiexec, srun) started this process.  Run
 * by hand, the program does not start MPI at all: a singleton MPI_Init
 * spawns a helper daemon, slow and fragile (it fails under ulimit -f). */
static int launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
                                     "PMI_RANK", "PMI_SIZE"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

static int begin(int *argc, char ***argv) {
  int provided;
  /* MPI is called only from the thread that runs the command. */
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank > 0) {
    /* The same messages would come once per rank. */
    if (!freopen("/dev/null", "w", stdout) ||
        !freopen("/dev/null", "w", stderr))
      MPI_Abort(MPI_COMM_WORLD, WX_EXIT_IO);
  }
  return rank;
}

static int end(int code) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  /* Alone (no mpirun, or -np 1) there is nobody to stop: a plain exit. */
  if (size == 1 || code == WX_EXIT_OK || code == WX_EXIT_SIGINT ||
      code == WX_EXIT_SIGTERM || code == WX_EXIT_USAGE) {
    MPI_Finalize();
    return code;
  }
  /* mpirun names this rank in the abort message and ends the others.  A
   * failure is usually every rank's (the status is shared): the others
   * give rank 0 time to print why and abort first, or its message could
   * be cut off; their own abort is for a failure of theirs alone. */
  fflush(stdout);
  fflush(stderr);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  struct timespec pause = {2, 0};
  if (rank > 0) nanosleep(&pause, NULL);
  MPI_Abort(MPI_COMM_WORLD, code);
  return code;
}

/* The commands whose work is spread over the ranks: replications (run,
 * compare, and each evaluation of calibrate and optimize) or points
 * (the study points of sweep and sensitivity, the coalitions of
 * attribute); see ranks.h. */
static int spread(const char *cmd) {
  static const char *const cmds[] = {"run",         "compare",   "sweep",
                                     "sensitivity", "calibrate", "optimize",
                                     "attribute"};
  for (size_t i = 0; cmd && i < sizeof cmds / sizeof *cmds; i++)
    if (!strcmp(cmd, cmds[i])) return 1;
  return 0;
}

int wx_cli_mpi_main(int argc, char **argv, int (*dispatch)(int, char **)) {
  if (!launched()) return dispatch(argc, argv);
  int rank = begin(&argc, &argv);
  if (!spread(argc > 1 ? argv[1] : NULL)) {
    /* Every rank leaves MPI, so rank 0's runs see no world to spread
     * over (runner_mpi.c falls back to the local runner). */
    MPI_Finalize();
    return rank > 0 ? WX_EXIT_OK : dispatch(argc, argv);
  }
  return end(dispatch(argc, argv));
}
