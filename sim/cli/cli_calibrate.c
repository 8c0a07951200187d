#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results_dir.h"
#include "calib.h"
#include "cli.h"
#include "runner.h"
#include "outfile.h"
#include "plot.h"
#include "util.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow calibrate FILE [OPTIONS]\n"
      "\n"
      "Fits the free parameters of a scenario to observed daily counts.  FILE "
      "is\n"
      "a calibration file (docs/calibrate.md): the base scenario, the free\n"
      "parameters (dotted paths with a range or a prior) and a CSV of\n"
      "observations (day or date, metric, value).  The fit minimises the\n"
      "Poisson (or negative-binomial, or weighted least-squares) deviance of\n"
      "the daily counts against the mean of the replications, with common\n"
      "random numbers, by an NLopt algorithm; a parametric bootstrap gives "
      "the\n"
      "intervals and correlations.  Writes fit.csv, correlations.csv,\n"
      "loss_trace.csv, calib_fit.csv, calibrated.yaml (the scenario with the\n"
      "fitted priors) and charts; prints the estimates.\n"
      "\n"
      "Options:\n"
      "  -o, --output DIR        output directory (default: results/<name>)\n"
      "  -s, --seed N            seed (default: the file's, else the base's)\n"
      "  -r, --replications N    replications per evaluation\n"
      "  -b, --bootstrap N       bootstrap refits (0: no intervals)\n"
      "      --max-evals N       evaluations per fit\n"
      "      --algorithm NAME    sbplx (default), bobyqa, neldermead, cobyla,\n"
      "                          crs2 or isres (global, then sbplx)\n"
      "  -j, --jobs N            threads (default: every core)\n"
      "      --engine NAME       simulation engine (default: the scenario's)\n"
      "      --memory-budget N   bytes a run may use\n"
      "  -f, --force             overwrite an existing output directory\n"
      "      --no-charts         do not draw charts\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             print nothing but errors\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  const char *file, *out, *algo, *engine;
  char *default_out;
  int force, quiet, no_charts, seed_set;
  unsigned long long seed, reps, boot, evals, jobs, budget;
  int reps_set, boot_set, evals_set;
  unsigned formats;
} cal_args;

static int number(const char *opt, const char *arg, unsigned long long max,
                  unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0) return 0;
  fprintf(stderr,
          "wxflow calibrate: %s expects a whole number up to %llu, "
          "got '%s'\n",
          opt, max, arg);
  return -1;
}

static int option(cal_args *a, int c) {
  switch (c) {
    case 'o': a->out = optarg; return -1;
    case 's':
      a->seed_set = 1;
      return number("--seed", optarg, UINT64_MAX, &a->seed) ? WX_EXIT_USAGE
                                                            : -1;
    case 'r':
      a->reps_set = 1;
      return number("--replications", optarg, 100000, &a->reps) || !a->reps
                 ? WX_EXIT_USAGE
                 : -1;
    case 'b':
      a->boot_set = 1;
      return number("--bootstrap", optarg, 10000, &a->boot) ? WX_EXIT_USAGE
                                                            : -1;
    case 'e':
      a->evals_set = 1;
      return number("--max-evals", optarg, 1000000, &a->evals) || a->evals < 10
                 ? WX_EXIT_USAGE
                 : -1;
    case 'j':
      return number("--jobs", optarg, 1024, &a->jobs) ? WX_EXIT_USAGE : -1;
    case 'A': a->algo = optarg; return -1;
    case 'E': a->engine = optarg; return -1;
    case 'M':
      return number("--memory-budget", optarg, UINT64_MAX, &a->budget)
                 ? WX_EXIT_USAGE
                 : -1;
    case 'f': a->force = 1; return -1;
    case 'q': a->quiet = 1; return -1;
    case 'C': a->no_charts = 1; return -1;
    case 'F':
      a->formats = wx_cli_parse_formats("--format", optarg);
      return a->formats ? -1 : WX_EXIT_USAGE;
    case 'h': usage(stdout); return WX_EXIT_OK;
    default: return -2;
  }
}

static int parse_args(int argc, char **argv, cal_args *a) {
  static const struct option longs[] = {
      {"output", required_argument, 0, 'o'},
      {"seed", required_argument, 0, 's'},
      {"replications", required_argument, 0, 'r'},
      {"bootstrap", required_argument, 0, 'b'},
      {"max-evals", required_argument, 0, 'e'},
      {"algorithm", required_argument, 0, 'A'},
      {"jobs", required_argument, 0, 'j'},
      {"engine", required_argument, 0, 'E'},
      {"memory-budget", required_argument, 0, 'M'},
      {"force", no_argument, 0, 'f'},
      {"quiet", no_argument, 0, 'q'},
      {"no-charts", no_argument, 0, 'C'},
      {"format", required_argument, 0, 'F'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:s:r:b:j:fqF:h", longs, NULL)) != -1) {
    int code = option(a, c);
    if (code == -2) return wx_cli_bad_option("calibrate", c, argc, argv);
    if (code >= 0) return code;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "wxflow calibrate: expected one calibration FILE\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  a->file = argv[optind];
  return -1;
}

/* Command-line options over the file's. */
static int apply(const cal_args *a, wx_calib_spec *s) {
  if (a->seed_set) s->seed_set = 1, s->seed = a->seed;
  if (a->reps_set) s->replications = (uint32_t)a->reps;
  if (a->boot_set) s->bootstrap = (unsigned)a->boot;
  if (a->evals_set) s->max_evals = (unsigned)a->evals;
  if (a->algo && !(s->algo = wx__calib_algo_find(a->algo))) {
    fprintf(stderr,
            "wxflow calibrate: unknown --algorithm '%s' (sbplx, "
            "bobyqa, neldermead, cobyla, crs2, isres)\n",
            a->algo);
    return WX_EXIT_USAGE;
  }
  return -1;
}

static void report(const wx_calib_sim *c, const wx_calib_result *r) {
  const wx_calib_spec *s = c->s;
  printf(
      "fit: loss %.6g after %u evaluations (%s, %u replications, %zu "
      "days); %u bootstrap refits\n",
      r->loss, r->evals, s->algo->name, c->reps, r->fit_days, r->B);
  for (size_t i = 0; i < s->k; i++) {
    printf("  %-40s %-12.6g", s->f[i].name, r->x_hat[i]);
    if (r->B >= 2)
      printf(" [%.6g, %.6g] (%.0f%%)", r->lo[i], r->hi[i], 100 * s->level);
    putchar('\n');
  }
  for (size_t i = 0; i < s->k; i++) {
    if (!r->unidentified[i]) continue;
    if (r->rise[i] < WX_CALIB_FLAT)
      printf(
          "warning: `%s` is not identified by the data: the loss rises "
          "by only %.3g across [%g, %g] (flat)",
          s->f[i].path, r->rise[i], s->f[i].lo, s->f[i].hi);
    else
      printf(
          "warning: `%s` is not identified by the data: %.0f%% of the "
          "refits end at a bound of [%g, %g]",
          s->f[i].path, 100 * r->at_bound[i], s->f[i].lo, s->f[i].hi);
    printf("; its value is the assumption, not knowledge\n");
  }
  if (r->held_out)
    printf(
        "held out: %zu of %zu observed days inside the 90%% prediction "
        "band (%.0f%%)\n",
        r->covered, r->held_out, 100 * r->coverage);
}

static int calibrate(cal_args *a, wx_calib_spec *s, wx_diags *d) {
  wx_model *m = NULL;
  wx_calib_sim c = {.threads = (unsigned)a->jobs,
                    .engine = a->engine,
                    .memory_budget = wx_cli_memory_budget((double)a->budget),
                    .stop = wx_cli_signals_install()};
  wx_calib_result r = {0};
  int rc = WX_OK;
  /* Under MPI only rank 0 writes (the others compute and share). */
  int worker = wx__dist_worker();
  if (!worker && !a->force && wx__dir_in_use(a->out))
    rc = wx__diag(d, WX_EEXISTS, a->out, 0, 0,
                  "results directory in use; "
                  "pass --force to replace its files");
  if (rc == WX_OK) rc = wx_model_load(s->base, &m, d);
  if (rc == WX_OK) rc = wx__calib_bind(&c, m, s, d);
  if (rc == WX_OK) rc = wx__calib_run(&c, &r, d);
  wx_calib_out_opts o = {.out_dir = a->out, .force = 1};
  if (rc == WX_OK && !worker) rc = wx__calib_write(&c, &r, &o, d);
  if (rc == WX_OK && !a->quiet) report(&c, &r);
  fflush(stdout);
  if (rc == WX_OK && !a->no_charts && !worker) {
    wx_plot_options po;
    memset(&po, 0, sizeof po);
    po.formats = a->formats;
    po.charts = WX_PLOT_CALIB;
    po.title = s->title;
    wx_cli_render(a->out, &po, 0);
  }
  if (rc == WX_OK && !a->quiet) printf("results in %s\n", a->out);
  wx__calib_result_free(&r);
  wx__calib_sim_clear(&c);
  wx_model_free(m);
  return rc;
}

int wx_cli_calibrate(int argc, char **argv) {
  cal_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  if (!a.out) a.out = a.default_out = wx_cli_default_output(a.file, "");
  wx_diags *d = wx_diags_alloc(100);
  wx_calib_spec *s = NULL;
  int rc = d && a.out ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) rc = wx__calib_spec_load(a.file, &s, d);
  if (rc == WX_OK && (code = apply(&a, s)) >= 0) {
    wx__calib_spec_free(s);
    wx_diags_free(d);
    free(a.default_out);
    return code;
  }
  if (rc == WX_OK) rc = calibrate(&a, s, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx__calib_spec_free(s);
  wx_diags_free(d);
  free(a.default_out);
  if (rc == WX_EINTERRUPTED) return wx_cli_signal_exit_code();
  return wx_cli_exit_code(rc);
}
