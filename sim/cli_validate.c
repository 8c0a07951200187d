#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "run_checks.h"

static void usage(FILE *fp) {
  fprintf(fp,
"Usage: wxflow validate FILE...\n"
"\n"
"Checks each scenario FILE without running it and reports every problem\n"
"as file:line:col: error: message, including what `wxflow run` would\n"
"refuse before simulating (memory for the statistics).  Exit code 0 when\n"
"all are valid, 3 when any is not, 4 when a file cannot be read, 6 when\n"
"one is too large for memory.\n"
"\n"
"Options:\n"
"  -q, --quiet   print nothing for valid files\n"
"  -h, --help    show this help\n");
}

int wx_cli_validate(int argc, char **argv) {
  static const struct option longs[] = {{"quiet", no_argument, 0, 'q'},
                                        {"help", no_argument, 0, 'h'},
                                        {0, 0, 0, 0}};
  int quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":qh", longs, NULL)) != -1) {
    if (c == 'q') quiet = 1;
    else if (c == 'h') {
      usage(stdout);
      return WX_EXIT_OK;
    } else {
      return wx_cli_bad_option("validate", c, argc, argv);
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "wxflow validate: expected a scenario FILE\n");
    return WX_EXIT_USAGE;
  }
  int worst = WX_EXIT_OK;
  wx_diags *d = wx_diags_alloc(100);
  for (int i = optind; i < argc; i++) {
    wx_model *m = NULL;
    wx_diags_clear(d);
    int rc = d ? wx_model_load(argv[i], &m, d) : WX_ENOMEM;
    /* "ok" means `wxflow run` will start: the checks it makes first. */
    if (rc == WX_OK) rc = wx__run_checks(m, 0, d);
    wx_cli_print_diags(d);
    if (rc == WX_OK && !quiet) printf("%s: ok\n", argv[i]);
    int code = wx_cli_exit_code(rc);
    if (code > worst) worst = code;
    wx_model_free(m);
  }
  wx_diags_free(d);
  return worst;
}
