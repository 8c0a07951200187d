/* wxflow merge: shards of a run into that run's results (merge.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merge.h"
#include "plot.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow merge DIR... -o OUT [OPTIONS]\n"
      "\n"
      "Joins shards of one run into its results directory OUT, byte-identical "
      "to\n"
      "running every replication on one machine.  Make the shards with\n"
      "`wxflow run FILE --replications FROM:TO` on as many machines as you "
      "like\n"
      "(same scenario and seed; e.g. 0:40, 40:80 and 80:120 for 120\n"
      "replications), copy the directories to one place and merge them.  A "
      "merge\n"
      "is refused when the shards overlap, leave replications out, are\n"
      "interrupted or made with --no-series, or come from different "
      "scenarios,\n"
      "seeds, horizons, engines or quantiles.\n"
      "\n"
      "Options:\n"
      "  -o, --output OUT        results directory to write (required)\n"
      "  -f, --force             overwrite an existing results directory\n"
      "      --scenario FILE     the scenario, when the path the shards "
      "recorded\n"
      "                          is not valid here (it must be the same "
      "scenario)\n"
      "  -j, --jobs N            threads (the results do not depend on it)\n"
      "      --no-charts         do not draw charts (see `wxflow plot`)\n"
      "  -q, --quiet             no summary table\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  const char *out, *scenario;
  int force, quiet, no_charts;
  unsigned threads;
} merge_args;

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, merge_args *a) {
  static const struct option longs[] = {{"output", required_argument, 0, 'o'},
                                        {"force", no_argument, 0, 'f'},
                                        {"scenario", required_argument, 0, 'S'},
                                        {"jobs", required_argument, 0, 'j'},
                                        {"no-charts", no_argument, 0, 'C'},
                                        {"quiet", no_argument, 0, 'q'},
                                        {"help", no_argument, 0, 'h'},
                                        {0, 0, 0, 0}};
  unsigned long long v;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:fj:qh", longs, NULL)) != -1) {
    switch (c) {
      case 'o': a->out = optarg; break;
      case 'f': a->force = 1; break;
      case 'S': a->scenario = optarg; break;
      case 'C': a->no_charts = 1; break;
      case 'q': a->quiet = 1; break;
      case 'j':
        if (wx_cli_parse_u64(optarg, 1024, &v) || v == 0) {
          fprintf(stderr,
                  "wxflow merge: --jobs expects a whole number from "
                  "1 to 1024, got '%s'\n",
                  optarg);
          return WX_EXIT_USAGE;
        }
        a->threads = (unsigned)v;
        break;
      case 'h': usage(stdout); return WX_EXIT_OK;
      default: return wx_cli_bad_option("merge", c, argc, argv);
    }
  }
  if (optind >= argc || !a->out) {
    fprintf(stderr, "wxflow merge: expected shard directories and -o OUT\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  return -1;
}

/* The merged directory resumed: its replications replayed, every file
 * written as by one run. */
static int finish(const merge_args *a, const char *file, wx_diags *d) {
  wx_model *m = NULL;
  int rc = wx_model_load(file, &m, d);
  wx_run_options o = {.out_dir = a->out,
                      .resume = 1,
                      .threads = a->threads,
                      .stop = wx_cli_signals_install()};
  o.memory_budget = wx_cli_memory_budget(0);
  wx_results *res = NULL;
  if (rc == WX_OK) rc = wx_run(m, &o, &res, d);
  if (res && !a->quiet) wx_results_print(res, stdout);
  wx_results_free(res);
  wx_model_free(m);
  if (rc == WX_OK && !a->no_charts) {
    wx_plot_options po;
    memset(&po, 0, sizeof po);
    po.stop = o.stop;
    int prc = wx_cli_render(a->out, &po, 0);
    if (prc == WX_EIO || prc == WX_EINTERRUPTED) rc = prc;
  }
  if (rc == WX_OK && !a->quiet) printf("results in %s\n", a->out);
  return rc;
}

int wx_cli_merge(int argc, char **argv) {
  merge_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  wx_diags *d = wx_diags_alloc(100);
  char *recorded = NULL;
  int rc = d ? wx__merge_prepare((const char *const *)argv + optind,
                                 (size_t)(argc - optind), a.out, a.force,
                                 &recorded, d)
             : WX_ENOMEM;
  if (rc == WX_OK) rc = finish(&a, a.scenario ? a.scenario : recorded, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx_diags_free(d);
  free(recorded);
  return wx_cli_exit_code(rc);
}
