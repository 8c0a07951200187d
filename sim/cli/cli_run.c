#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "plot.h"
#include "results_dir.h"
#include "resume.h"
#include "runner.h"
#include "quantity.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow run FILE [OPTIONS]\n"
      "       wxflow run --resume DIR [FILE] [-j N] [--no-charts] [-q]\n"
      "\n"
      "Runs the scenario FILE and writes a results directory: series.csv "
      "(every\n"
      "replication), series_stats.csv (mean, sd, quantiles), kpis.csv,\n"
      "kpi_summary.csv, summary.json, params.csv, prcc.csv (priors' rank\n"
      "correlations with the KPIs), entities.csv, funnel.csv, "
      "constraints.csv,\n"
      "manifest.json and charts/; prints the KPI summary table.\n"
      "\n"
      "Ctrl-C (SIGINT) or SIGTERM stops a run within a second: the finished\n"
      "replications are written, manifest.json says \"partial\" and the exit "
      "code\n"
      "is 130 or 143.  `--resume DIR` continues such a run (same seed, same\n"
      "replications, horizon, engine and quantiles, the scenario recorded in "
      "the\n"
      "manifest unless FILE is given)\n"
      "and gives outputs byte-identical to a run never interrupted.  It "
      "refuses\n"
      "when the scenario changed, the run is complete, or it used "
      "--no-series.\n"
      "A second signal exits at once.  A run locks DIR: a second run into it "
      "is\n"
      "refused (exit 5, naming the first run's pid).\n"
      "\n"
      "Options:\n"
      "  -o, --output DIR        results directory (default: "
      "results/<scenario>)\n"
      "  -s, --seed N            seed (default: the scenario's)\n"
      "  -r, --replications N    replications (default: the scenario's)\n"
      "  -r, --replications FROM:TO\n"
      "                          only replications FROM..TO-1: a shard, to "
      "share\n"
      "                          a run between machines (see `wxflow merge`)\n"
      "  -j, --jobs N            threads (default: every core); results do "
      "not\n"
      "                          depend on it\n"
      "  -f, --force             overwrite an existing results directory\n"
      "      --horizon DURATION  simulate this long instead of the scenario's\n"
      "                          horizon (e.g. 14d for a quick check)\n"
      "      --engine NAME       simulation engine (default: the scenario's\n"
      "                          `engine:`, else agent)\n"
      "      --memory-budget N   bytes the run may use (default:\n"
      "                          $WXFLOW_MEMORY_BUDGET, else half of memory)\n"
      "      --no-series         skip the per-replication series.csv (such a\n"
      "                          run cannot be resumed)\n"
      "      --quantiles LIST    extra percentiles in series_stats.csv, e.g.\n"
      "                          10,90 (5,25,50,75,95 are always written)\n"
      "      --resume DIR        continue the interrupted run in DIR\n"
      "      --no-charts         do not draw charts (see `wxflow plot`)\n"
      "      --report            also write report.html and deck.pdf\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             no progress bar and no summary table\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  const char *file;
  char *default_out;
  char *resume_file; /* scenario named by the manifest */
  wx_run_options run;
  int quiet;
  int no_charts;
  int report;
  unsigned formats;
  double quantiles[16];
} run_args;

static int parse_number(const char *opt, const char *arg,
                        unsigned long long max, unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0) return 0;
  fprintf(stderr,
          "wxflow run: %s expects a whole number up to %llu, got '%s'\n", opt,
          max, arg);
  return -1;
}

static int at_least_one(const char *opt) {
  fprintf(stderr, "wxflow run: %s must be at least 1\n", opt);
  return WX_EXIT_USAGE;
}

/* "5,50,95" (percent) -> probabilities; 0 on success. */
static int parse_quantiles(const char *arg, run_args *a) {
  unsigned n = 0;
  for (const char *p = arg; *p && n < 16;) {
    char *end;
    double v = strtod(p, &end);
    if (end == p || v < 0 || v > 100 || (*end && *end != ',')) {
      fprintf(stderr,
              "wxflow run: --quantiles takes percentiles 0..100 "
              "separated by commas, e.g. 5,50,95; got '%s'\n",
              arg);
      return -1;
    }
    a->quantiles[n++] = v / 100.0;
    p = *end ? end + 1 : end;
  }
  a->run.quantiles = a->quantiles;
  a->run.n_quantiles = n;
  return 0;
}

/* --replications FROM:TO: a shard holding replications FROM .. TO - 1. */
static int parse_shard(const char *arg, wx_run_options *o) {
  const char *colon = strchr(arg, ':');
  char from[32];
  unsigned long long f, t;
  size_t n = (size_t)(colon - arg);
  if (n < sizeof from) {
    memcpy(from, arg, n);
    from[n] = '\0';
  }
  if (n >= sizeof from ||
      wx_cli_parse_u64(from, WX_REPLICATIONS_MAX, &f) != 0 ||
      wx_cli_parse_u64(colon + 1, WX_REPLICATIONS_MAX, &t) != 0 || f >= t) {
    fprintf(stderr,
            "wxflow run: --replications FROM:TO takes two whole "
            "numbers with FROM < TO (a shard of replications FROM "
            "to TO-1), got '%s'\n",
            arg);
    return -1;
  }
  o->shard_from = (unsigned)f;
  o->shard_to = (unsigned)t;
  return 0;
}

/* --horizon: a duration > 0 in the scenario's units (14d, 2w, 36h). */
static int parse_horizon(const char *arg, double *days) {
  char msg[256];
  if (wx__parse_duration(arg, days, msg, sizeof msg) == WX_OK && *days > 0)
    return 0;
  fprintf(stderr,
          "wxflow run: --horizon expects a duration > 0 such as 14d, "
          "got '%s'\n",
          arg);
  return -1;
}

/* --resume DIR [FILE]: everything that shapes the results comes from the
 * interrupted run, so options that would change them are refused. */
static int check_resume_args(int argc, char **argv, run_args *a) {
  if (optind < argc - 1 || a->run.seed_set || a->run.replications ||
      a->run.no_series || a->run.force || a->run.horizon > 0 ||
      a->run.shard_to || a->run.engine || a->run.n_quantiles) {
    fprintf(stderr,
            "wxflow run: --resume DIR takes at most a scenario "
            "FILE, -j, -q, --no-charts, -F and --memory-budget; "
            "the seed, replications, horizon, engine and quantiles "
            "come from DIR/manifest.json\n");
    return WX_EXIT_USAGE;
  }
  a->file = optind < argc ? argv[optind] : NULL;
  return -1;
}

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, run_args *a) {
  static const struct option longs[] = {
      {"output", required_argument, 0, 'o'},
      {"seed", required_argument, 0, 's'},
      {"replications", required_argument, 0, 'r'},
      {"jobs", required_argument, 0, 'j'},
      {"force", no_argument, 0, 'f'},
      {"no-series", no_argument, 0, 'S'},
      {"quiet", no_argument, 0, 'q'},
      {"no-charts", no_argument, 0, 'C'},
      {"quantiles", required_argument, 0, 'Q'},
      {"format", required_argument, 0, 'F'},
      {"help", no_argument, 0, 'h'},
      {"horizon", required_argument, 0, 'H'},
      {"resume", required_argument, 0, 'R'},
      {"engine", required_argument, 0, 'E'},
      {"memory-budget", required_argument, 0, 'M'},
      {"report", no_argument, 0, 'P'},
      {0, 0, 0, 0}};
  unsigned long long v;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:s:r:j:fqF:h", longs, NULL)) != -1) {
    switch (c) {
      case 'o': a->run.out_dir = optarg; break;
      case 's':
        if (parse_number("--seed", optarg, UINT64_MAX, &v))
          return WX_EXIT_USAGE;
        a->run.seed = v;
        a->run.seed_set = 1;
        break;
      case 'r':
        if (strchr(optarg, ':')) {
          if (parse_shard(optarg, &a->run)) return WX_EXIT_USAGE;
          break;
        }
        if (parse_number("--replications", optarg, WX_REPLICATIONS_MAX, &v))
          return WX_EXIT_USAGE;
        if (v == 0) return at_least_one("--replications");
        a->run.replications = (unsigned)v;
        break;
      case 'j':
        if (parse_number("--jobs", optarg, 1024, &v)) return WX_EXIT_USAGE;
        if (v == 0) return at_least_one("--jobs");
        a->run.threads = (unsigned)v;
        break;
      case 'f': a->run.force = 1; break;
      case 'S': a->run.no_series = 1; break;
      case 'q': a->quiet = 1; break;
      case 'C': a->no_charts = 1; break;
      case 'P': a->report = 1; break;
      case 'Q':
        if (parse_quantiles(optarg, a)) return WX_EXIT_USAGE;
        break;
      case 'F':
        if (!(a->formats = wx_cli_parse_formats("--format", optarg)))
          return WX_EXIT_USAGE;
        break;
      case 'H':
        if (parse_horizon(optarg, &a->run.horizon)) return WX_EXIT_USAGE;
        break;
      case 'E': a->run.engine = optarg; break;
      case 'M':
        if (parse_number("--memory-budget", optarg, UINT64_MAX, &v))
          return WX_EXIT_USAGE;
        if (v == 0) return at_least_one("--memory-budget");
        a->run.memory_budget = (double)v;
        break;
      case 'R':
        a->run.out_dir = optarg;
        a->run.resume = 1;
        break;
      case 'h': usage(stdout); return WX_EXIT_OK;
      default: return wx_cli_bad_option("run", c, argc, argv);
    }
  }
  if (a->run.resume) return check_resume_args(argc, argv, a);
  if (optind != argc - 1) {
    fprintf(stderr, "wxflow run: expected one scenario FILE\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  a->file = argv[optind];
  return -1;
}

static int simulate(run_args *a, const wx_model *m, wx_diags *d) {
  wx_cli_progress progress;
  wx_cli_progress_init(&progress, a->quiet);
  a->run.progress = wx_cli_progress_cb;
  a->run.progress_ctx = &progress;
  a->run.stop = wx_cli_signals_install();
  wx_results *res = NULL;
  int rc = wx_run(m, &a->run, &res, d);
  wx_cli_progress_end(&progress);
  if (res && !a->quiet) wx_results_print(res, stdout);
  /* Stopped before a replication ended: nothing to chart (plot.c). */
  int drawable = rc == WX_OK || (rc == WX_EINTERRUPTED && res &&
                                 wx_results_replications(res) > 0);
  wx_results_free(res);
  /* An MPI rank other than 0 wrote nothing to chart (runner.h). */
  if (drawable && !a->no_charts && !wx__dist_worker()) {
    /* Charts are a convenience: without gnuplot the CSVs still stand and
     * the message says how to install it. */
    wx_plot_options po;
    memset(&po, 0, sizeof po);
    po.formats = a->formats;
    /* A chart that gnuplot could not draw is a warning; one that could
     * not be written (a full disk) fails the run like any output. */
    po.stop = a->run.stop;
    int prc = wx_cli_render(a->run.out_dir, &po, 0);
    if (rc == WX_OK && (prc == WX_EIO || prc == WX_EINTERRUPTED)) rc = prc;
  }
  if (!a->quiet && (rc == WX_OK || rc == WX_EINTERRUPTED))
    printf("results in %s\n", a->run.out_dir);
  if (rc == WX_EINTERRUPTED && drawable)
    fprintf(stderr,
            "wxflow run: interrupted; finished replications kept in "
            "%s (manifest.json says \"partial\")\n",
            a->run.out_dir);
  else if (rc == WX_EINTERRUPTED)
    fprintf(stderr,
            "wxflow run: interrupted before any replication finished; "
            "finish it with `wxflow run --resume %s`\n",
            a->run.out_dir);
  return rc;
}

/* --resume without FILE: the scenario the manifest names. */
static int resume_scenario(run_args *a, wx_diags *d) {
  wx_resume_info info;
  int rc = wx__resume_read(a->run.out_dir, &info, d);
  if (rc != WX_OK && wx__results_dir_killed(a->run.out_dir))
    fprintf(stderr,
            "wxflow run: the run in %s was killed before it wrote "
            "manifest.json; only its temporary files are left, so nothing "
            "can be resumed: run it again with --force (which removes "
            "them)\n",
            a->run.out_dir);
  if (rc != WX_OK) return rc;
  a->file = a->resume_file = info.scenario;
  info.scenario = NULL;
  wx__resume_info_free(&info);
  return WX_OK;
}

int wx_cli_run(int argc, char **argv) {
  run_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  wx_diags *d = wx_diags_alloc(100);
  int rc = d ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK && !a.file) rc = resume_scenario(&a, d);
  if (rc == WX_OK && !a.run.out_dir)
    a.run.out_dir = a.default_out = wx_cli_default_output(a.file, "");
  wx_model *m = NULL;
  if (rc == WX_OK)
    rc = a.run.out_dir ? wx_model_load(a.file, &m, d) : WX_ENOMEM;
  a.run.memory_budget = wx_cli_memory_budget(a.run.memory_budget);
  if (rc == WX_OK) rc = simulate(&a, m, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx_model_free(m);
  wx_diags_free(d);
  int exit = wx_cli_exit_code(rc);
  if (rc == WX_OK && a.report && !wx__dist_worker())
    exit = wx_cli_report_dir(a.run.out_dir);
  free(a.default_out);
  free(a.resume_file);
  return exit;
}
