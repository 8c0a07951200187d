/* What the MPI files of run/ share (-DWX_MPI=ON only). */
#ifndef WX_RANKS_MPI_H
#define WX_RANKS_MPI_H

#include <mpi.h>

/* A pause between polls, growing from 20 us to 2 ms: MPI's own waits spin
 * and would take the core a busy rank needs. */
void wx__ranks_nap(long *us);
/* MPI_Wait without spinning: 0, or -1 on an MPI error. */
int wx__ranks_wait(MPI_Request *r);

#endif
