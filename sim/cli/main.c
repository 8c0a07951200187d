#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow COMMAND [OPTIONS] ...\n"
      "\n"
      "Simulates how people flow through a WeChat channel matrix (official\n"
      "account, video account, staff accounts, groups, mini program, outside\n"
      "platforms) described in a YAML scenario.\n"
      "\n"
      "Commands:\n"
      "  run FILE        simulate a scenario; writes CSVs, a summary and "
      "charts\n"
      "  run --resume DIR  finish a run that was interrupted\n"
      "  validate FILE   check a scenario without running it\n"
      "  plot DIR        re-draw the charts of an existing results directory\n"
      "  compare FILE... compare variants of a scenario (KPI table, charts)\n"
      "  optimize FILE   find the best plan: budgets, accounts, posting, "
      "dates\n"
      "  init [TEMPLATE] write a starting scenario (see wxflow init --list)\n"
      "  report DIR      one-file HTML report and PDF slides of a results DIR\n"
      "  attribute FILE  credit sales to modules and touchpoints, method by "
      "method\n"
      "  sweep FILE      evaluate a study's design: KPI response to factors\n"
      "  sensitivity FILE  which factor matters most (tornado, Morris, Sobol, "
      "PRCC)\n"
      "  calibrate FILE  fit a scenario's parameters to observed daily counts\n"
      "  merge DIR...    join shards (run --replications FROM:TO) into one "
      "run\n"
      "\n"
      "Options:\n"
      "  -h, --help      show this help (also: wxflow COMMAND --help)\n"
      "  -V, --version   show the version\n"
      "\n"
      "Exit codes: 0 success, 1 simulation failed, 2 bad command line,\n"
      "3 invalid scenario, 4 file not readable/writable, 5 results directory "
      "in\n"
      "use (see --force), 6 too large for memory, 130/143 interrupted by\n"
      "SIGINT/SIGTERM (finished replications are kept).\n");
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv) {
#ifdef WX_MPI
  return wx_cli_mpi_main(argc, argv, dispatch);
#else
  return dispatch(argc, argv);
#endif
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  /* GSL's default handler aborts; the library checks return codes. */
  gsl_set_error_handler_off();
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return WX_EXIT_OK;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("wxflow %s\n", wx_version());
    return WX_EXIT_OK;
  }
  if (!strcmp(cmd, "run")) return wx_cli_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "validate")) return wx_cli_validate(argc - 1, argv + 1);
  if (!strcmp(cmd, "plot")) return wx_cli_plot(argc - 1, argv + 1);
  if (!strcmp(cmd, "compare")) return wx_cli_compare(argc - 1, argv + 1);
  if (!strcmp(cmd, "optimize")) return wx_cli_optimize(argc - 1, argv + 1);
  if (!strcmp(cmd, "init")) return wx_cli_init(argc - 1, argv + 1);
  if (!strcmp(cmd, "report")) return wx_cli_report(argc - 1, argv + 1);
  if (!strcmp(cmd, "attribute")) return wx_cli_attribute(argc - 1, argv + 1);
  if (!strcmp(cmd, "sweep") || !strcmp(cmd, "sensitivity"))
    return wx_cli_study(argc - 1, argv + 1);
  if (!strcmp(cmd, "calibrate")) return wx_cli_calibrate(argc - 1, argv + 1);
  if (!strcmp(cmd, "merge")) return wx_cli_merge(argc - 1, argv + 1);
  fprintf(stderr, "wxflow: unknown command '%s'; see 'wxflow --help'\n", cmd);
  return WX_EXIT_USAGE;
}
