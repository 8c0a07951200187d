/* The command-line front end: the only code that prints. */
#ifndef WX_CLI_H
#define WX_CLI_H

#include <stdio.h>

#include "wxflow/wxflow.h"

/* Exit codes, documented in `wxflow --help` and docs/wxflow.1. */
enum {
  WX_EXIT_OK = 0,
  WX_EXIT_FAILURE = 1,  /* the simulation failed */
  WX_EXIT_USAGE = 2,    /* bad command line */
  WX_EXIT_SCENARIO = 3, /* the scenario is invalid (YAML or meaning) */
  WX_EXIT_IO = 4,       /* a file could not be read or written */
  WX_EXIT_EXISTS = 5,   /* results directory in use; see --force */
  WX_EXIT_NOMEM = 6,    /* too large for memory */
  WX_EXIT_SIGINT = 130, /* interrupted by Ctrl-C; partial results kept */
  WX_EXIT_SIGTERM = 143 /* terminated; partial results kept */
};

int wx_cli_run(int argc, char **argv);
int wx_cli_validate(int argc, char **argv);
int wx_cli_plot(int argc, char **argv);
int wx_cli_compare(int argc, char **argv);
int wx_cli_init(int argc, char **argv);
int wx_cli_report(int argc, char **argv);
int wx_cli_merge(int argc, char **argv);
/* `wxflow report DIR` with default options (run/compare --report). */
int wx_cli_report_dir(const char *dir);
int wx_cli_attribute(int argc, char **argv);
/* `sweep` or `sensitivity`, as argv[0] says (cli_study.c). */
int wx_cli_study(int argc, char **argv);
int wx_cli_optimize(int argc, char **argv);
int wx_cli_calibrate(int argc, char **argv);
/* DIR/sub for the data directory (scenarios/, plots/): $WXFLOW_DATADIR if
 * set; the source tree when this program runs from its build tree; the
 * installation next to the program (BIN/../share/wxflow) when it exists;
 * else the configured WX_DATADIR.  Returns 0, or -1 if buf is too small. */
int wx_cli_data_dir(const char *sub, char *buf, size_t n);

struct wx_plot_options;
/* Renders charts with the CLI's template directory; prints diagnostics. */
int wx_cli_render(const char *dir, const struct wx_plot_options *opt,
                  int notes);
/* "png,svg" -> WX_PLOT_* format bits; 0 (after a message) when invalid. */
unsigned wx_cli_parse_formats(const char *opt, const char *arg);

/* Prints every diagnostic as "file:line:col: error: message". */
void wx_cli_print_diags(const wx_diags *d);
/* The same, leaving out notes (code WX_OK) unless `notes`. */
void wx_cli_print_diags_ex(const wx_diags *d, int notes);
/* Maps a library status to an exit code. */
int wx_cli_exit_code(int status);
/* getopt_long returned '?' or ':' (callers pass a ':'-led optstring and
 * set opterr = 0): prints one line naming the option and the --help to
 * read, returns WX_EXIT_USAGE. */
int wx_cli_bad_option(const char *cmd, int c, int argc, char **argv);
/* Parses a whole unsigned number; returns 0 on success. */
int wx_cli_parse_u64(const char *s, unsigned long long max,
                     unsigned long long *out);

/* Signal handling: SIGINT/SIGTERM raise the returned flag. */
const atomic_int *wx_cli_signals_install(void);
/* The memory budget of a run: `given` (--memory-budget) when > 0, else the
 * environment variable WXFLOW_MEMORY_BUDGET (bytes), else 0 (the
 * library's default).  The library reads no environment; the CLI does. */
double wx_cli_memory_budget(double given);
/* results/<file's name up to its first dot><suffix>, the default -o of
 * every command; the caller frees it.  NULL when out of memory. */
char *wx_cli_default_output(const char *file, const char *suffix);
int wx_cli_signal_exit_code(void);

#ifdef WX_MPI
/* cli_mpi.c: main under mpirun or srun.  Every rank runs the commands
 * that run replications (rank 0 alone writes and prints); the others run
 * on rank 0 only.  Returns the exit code after MPI_Finalize, or aborts the
 * whole job (mpirun names the rank) when the command failed, so that no
 * rank waits on another for ever. */
int wx_cli_mpi_main(int argc, char **argv, int (*dispatch)(int, char **));
#endif

/* Progress on stderr when it is a terminal. */
typedef struct {
  int enabled;
  double start;
  int drawn;
} wx_cli_progress;
void wx_cli_progress_init(wx_cli_progress *p, int quiet);
void wx_cli_progress_cb(void *ctx, unsigned done, unsigned total);
void wx_cli_progress_end(wx_cli_progress *p);

#endif
