/* `wxflow optimize FILE`: the command line of sim/optimize.h. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "runner.h"
#include "optimize.h"
#include "plot.h"
#include "quantity.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow optimize FILE [OPTIONS]\n"
      "\n"
      "Finds the plan (ad budgets, staff accounts, posting frequency, dates:\n"
      "any numeric scenario key by dotted path) that maximises or minimises a\n"
      "KPI under bounds and linear constraints (total budget, headcount), and\n"
      "optionally a chance constraint (a target reached by a day with\n"
      "probability >= p).  FILE is an optimisation file (docs/optimize.md).\n"
      "The search (NLopt; integers by local search) runs every plan on the "
      "same\n"
      "seeds (common random numbers); the best few plans are then run on "
      "fresh\n"
      "seeds, and the chosen plan's gain over the base plan is reported with "
      "a\n"
      "paired 95%% interval from a third set of seeds.  Writes plan.yaml (a\n"
      "ready-to-run scenario), allocation.csv, evaluations.csv, "
      "validation.csv,\n"
      "curves.csv, frontier.csv, manifest.json and charts.\n"
      "\n"
      "Options:\n"
      "  -o, --output DIR        output directory (default: results/<name>)\n"
      "  -s, --seed N            search seed (default: the file's or the "
      "base's)\n"
      "  -r, --replications N    replications per plan in the search\n"
      "      --max-evals N       evaluations per optimiser run\n"
      "      --horizon DURATION  simulate this long instead of the scenario's\n"
      "                          horizon (e.g. 30d for a quick look)\n"
      "  -j, --jobs N            threads (default: every core)\n"
      "      --engine NAME       simulation engine (default: the scenario's)\n"
      "      --memory-budget N   bytes a run may use (default:\n"
      "                          $WXFLOW_MEMORY_BUDGET, else half of memory)\n"
      "  -f, --force             overwrite an existing output directory\n"
      "      --no-charts         do not draw charts\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             nothing on stdout\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  const char *file, *out;
  char *default_out;
  int force, quiet, no_charts;
  unsigned formats, threads, max_evals;
  uint32_t reps;
  int seed_set;
  uint64_t seed;
  const char *engine;
  double memory_budget, horizon;
} opt_args;

static int number(const char *opt, const char *arg, unsigned long long lo,
                  unsigned long long max, unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0 && *out >= lo) return 0;
  fprintf(stderr,
          "wxflow optimize: %s expects a whole number from %llu to "
          "%llu, got '%s'\n",
          opt, lo, max, arg);
  return -1;
}

static int option(opt_args *a, int c) {
  unsigned long long v;
  switch (c) {
    case 'o': a->out = optarg; return -1;
    case 's':
      if (number("--seed", optarg, 0, UINT64_MAX, &v)) return WX_EXIT_USAGE;
      a->seed = v;
      a->seed_set = 1;
      return -1;
    case 'r':
      if (number("--replications", optarg, 1, 100000, &v)) return WX_EXIT_USAGE;
      a->reps = (uint32_t)v;
      return -1;
    case 'e':
      if (number("--max-evals", optarg, 1, 100000, &v)) return WX_EXIT_USAGE;
      a->max_evals = (unsigned)v;
      return -1;
    case 'j':
      if (number("--jobs", optarg, 1, 1024, &v)) return WX_EXIT_USAGE;
      a->threads = (unsigned)v;
      return -1;
    case 'E': a->engine = optarg; return -1;
    case 'H': {
      char msg[256];
      if (wx__parse_duration(optarg, &a->horizon, msg, sizeof msg) == WX_OK &&
          a->horizon > 0)
        return -1;
      fprintf(stderr,
              "wxflow optimize: --horizon expects a duration > 0 "
              "such as 30d, got '%s'\n",
              optarg);
      return WX_EXIT_USAGE;
    }
    case 'M':
      if (number("--memory-budget", optarg, 1, UINT64_MAX, &v))
        return WX_EXIT_USAGE;
      a->memory_budget = (double)v;
      return -1;
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

static int parse_args(int argc, char **argv, opt_args *a) {
  static const struct option longs[] = {
      {"output", required_argument, 0, 'o'},
      {"seed", required_argument, 0, 's'},
      {"replications", required_argument, 0, 'r'},
      {"max-evals", required_argument, 0, 'e'},
      {"jobs", required_argument, 0, 'j'},
      {"engine", required_argument, 0, 'E'},
      {"horizon", required_argument, 0, 'H'},
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
  while ((c = getopt_long(argc, argv, ":o:s:r:j:fqF:h", longs, NULL)) != -1) {
    int code = option(a, c);
    if (code == -2) return wx_cli_bad_option("optimize", c, argc, argv);
    if (code >= 0) return code;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "wxflow optimize: expected one optimisation FILE\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  a->file = argv[optind];
  return -1;
}

static void on_progress(void *ctx, const char *phase, unsigned evals) {
  const opt_args *a = ctx;
  if (!a->quiet && isatty(2))
    fprintf(stderr, "\r%s: %u evaluations   ", phase, evals);
}

static void print_result(const wx_opt_spec *s, const wx_opt_result *r,
                         const char *dir) {
  printf("%-40s %14s %14s\n", "variable", "base", "optimal");
  for (size_t j = 0; j < s->n_vars; j++)
    printf("%-40.40s %14.6g %14.6g\n", s->v[j].f.name, r->base_x[j], r->x[j]);
  printf("\n%s (%s), fresh seeds, %u replications:\n", s->kpi,
         s->sense > 0 ? "maximise" : "minimise", r->base_ci.n);
  printf("  base %.6g, plan %.6g, gain %.6g [95%% CI %.6g, %.6g]%s\n",
         r->base_ci.mean, r->plan_ci.mean, r->gain.mean, r->gain.lo, r->gain.hi,
         r->improved                ? ""
         : r->gain.n < WX_MIN_PAIRS ? " (too few replications to tell)"
                                    : " (not a significant improvement)");
  if (s->target)
    printf(
        "  target %s by day %g: base %.3f, plan %.3f [95%% CI %.3f, "
        "%.3f] (required %.3f)\n",
        s->target, s->by, r->base_share.mean, r->plan_share.mean,
        r->plan_share.lo, r->plan_share.hi, s->p);
  if (s->target && r->plan_share.mean < s->p)
    printf(
        "  note: on fresh seeds the plan reaches the target less often "
        "than required (the search's seeds were lucky: raise "
        "`replications`, or ask for a higher p)\n");
  printf("%u evaluations; results in %s\n", r->evals, dir);
}

static int work(opt_args *a, wx_opt_spec *s, wx_diags *d) {
  if (a->seed_set) s->seed = a->seed, s->seed_set = 1;
  if (a->reps) s->replications = a->reps;
  if (a->max_evals) s->max_evals = a->max_evals;
  wx_opt_run_options ro = {
      .engine = a->engine,
      .threads = a->threads,
      .horizon = a->horizon,
      .memory_budget = wx_cli_memory_budget(a->memory_budget),
      .stop = wx_cli_signals_install()};
  wx_opt_search_options so = {.progress = on_progress, .progress_ctx = a};
  wx_opt_evaluator *ev = NULL;
  wx_opt_result r = {0};
  wx_opt_curve_point *cp = NULL;
  wx_opt_frontier_point *fp = NULL;
  size_t n_cp = 0, n_fp = 0;
  /* Under MPI only rank 0 writes (the others compute and share). */
  int worker = wx__dist_worker();
  int rc = wx__opt_evaluator_new(s, &ro, &ev, d);
  if (rc == WX_OK && !worker) rc = wx__opt_prepare_dir(a->out, a->force, d);
  if (rc == WX_OK) rc = wx__opt_search(ev, s, &so, &r, d);
  if (rc == WX_OK) rc = wx__opt_curves(ev, s, r.x, &cp, &n_cp, d);
  if (rc == WX_OK) rc = wx__opt_frontier(ev, s, &so, &fp, &n_fp, d);
  if (!a->quiet && isatty(2)) fputc('\n', stderr);
  wx_opt_outputs out = {ev, s, &r, cp, n_cp, fp, n_fp};
  if (rc == WX_OK && !worker) rc = wx__opt_write(&out, a->out, d);
  if (rc == WX_OK && !a->no_charts && !worker) {
    wx_plot_options po = {.charts = WX_PLOT_OPTIMIZE, .formats = a->formats};
    wx_cli_render(a->out, &po, 0);
  }
  if (rc == WX_OK && !a->quiet) print_result(s, &r, a->out);
  free(cp);
  wx__opt_frontier_free(fp, n_fp);
  wx__opt_result_free(&r);
  wx__opt_evaluator_free(ev);
  return rc;
}

int wx_cli_optimize(int argc, char **argv) {
  opt_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  if (!a.out) a.out = a.default_out = wx_cli_default_output(a.file, "");
  wx_diags *d = wx_diags_alloc(100);
  wx_opt_spec *s = NULL;
  int rc = d && a.out ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) rc = wx__opt_spec_load(a.file, &s, d);
  if (rc == WX_OK) rc = work(&a, s, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx__opt_spec_free(s);
  wx_diags_free(d);
  free(a.default_out);
  return wx_cli_exit_code(rc);
}
