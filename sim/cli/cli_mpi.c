/* The command line under mpirun or srun (-DWX_MPI=ON, runner_mpi.c). */
#include <mpi.h>
#include <stdio.h>

#include "cli.h"

void wx_cli_mpi_begin(int *argc, char ***argv) {
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
}

int wx_cli_mpi_end(int code) {
  if (code == WX_EXIT_OK || code == WX_EXIT_SIGINT ||
      code == WX_EXIT_SIGTERM || code == WX_EXIT_USAGE) {
    MPI_Finalize();
    return code;
  }
  /* mpirun names this rank in the abort message and ends the others. */
  fflush(stdout);
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  return code;
}
