#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "runner.h"
#include "compare.h"
#include "model.h"
#include "plot.h"
#include "quantity.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow compare FILE... [OPTIONS]\n"
      "\n"
      "Compares variants of a scenario.  FILE is either one comparison file\n"
      "(a base scenario and variants given as overrides, see docs/compare.md)\n"
      "or several scenario files, the first being the base.  Every variant "
      "runs\n"
      "with the same seed and replications (common random numbers) into\n"
      "DIR/variants/<name>/; prints a Markdown KPI table (mean [95%% CI], "
      "paired\n"
      "difference to the base [95%% CI], winner) and writes compare.csv,\n"
      "compare.md, manifest.json and charts (overlays, KPI bars).\n"
      "\n"
      "Options:\n"
      "  -o, --output DIR        output directory (default: results/<name>)\n"
      "  -s, --seed N            seed (default: the comparison's or the "
      "base's)\n"
      "  -r, --replications N    replications per variant\n"
      "  -j, --jobs N            threads (default: every core)\n"
      "      --horizon DURATION  simulate every variant this long instead of "
      "its\n"
      "                          scenario's horizon (e.g. 14d for a quick "
      "check)\n"
      "      --engine NAME       simulation engine for every variant "
      "(default:\n"
      "                          each scenario's `engine:`, else agent)\n"
      "      --memory-budget N   bytes each variant's run may use (default:\n"
      "                          $WXFLOW_MEMORY_BUDGET, else half of memory)\n"
      "  -f, --force             overwrite an existing output directory\n"
      "      --no-charts         do not draw charts (see `wxflow plot`)\n"
      "      --report            also write report.html and deck.pdf (see\n"
      "                          `wxflow report`)\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             no progress and no table on stdout\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  char **files;
  size_t n_files;
  char *default_out;
  wx_compare_options o;
  int quiet, no_charts, report;
  unsigned formats;
  wx_cli_progress progress;
} cmp_args;

static int number(const char *opt, const char *arg, unsigned long long max,
                  unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0) return 0;
  fprintf(stderr,
          "wxflow compare: %s expects a whole number up to %llu, got '%s'\n",
          opt, max, arg);
  return -1;
}

static int at_least_one(const char *opt) {
  fprintf(stderr, "wxflow compare: %s must be at least 1\n", opt);
  return WX_EXIT_USAGE;
}

/* --horizon: a duration > 0 in the scenario's units (14d, 2w, 36h). */
static int parse_horizon(const char *arg, double *days) {
  char msg[256];
  if (wx__parse_duration(arg, days, msg, sizeof msg) == WX_OK && *days > 0)
    return 0;
  fprintf(stderr,
          "wxflow compare: --horizon expects a duration > 0 such as "
          "14d, got '%s'\n",
          arg);
  return -1;
}

static int option(cmp_args *a, int c) {
  unsigned long long v;
  switch (c) {
    case 'o': a->o.out_dir = optarg; return -1;
    case 's':
      if (number("--seed", optarg, UINT64_MAX, &v)) return WX_EXIT_USAGE;
      a->o.seed = v;
      a->o.seed_set = 1;
      return -1;
    case 'r':
      if (number("--replications", optarg, WX_REPLICATIONS_MAX, &v))
        return WX_EXIT_USAGE;
      if (!v) return at_least_one("--replications");
      a->o.replications = (unsigned)v;
      return -1;
    case 'j':
      if (number("--jobs", optarg, 1024, &v)) return WX_EXIT_USAGE;
      if (!v) return at_least_one("--jobs");
      a->o.threads = (unsigned)v;
      return -1;
    case 'f': a->o.force = 1; return -1;
    case 'H':
      /* A run option: every variant gets one horizon and sample grid
       * (the overlay charts need the same grid); no model is changed. */
      return parse_horizon(optarg, &a->o.horizon) ? WX_EXIT_USAGE : -1;
    case 'E': a->o.engine = optarg; return -1;
    case 'M':
      if (number("--memory-budget", optarg, UINT64_MAX, &v))
        return WX_EXIT_USAGE;
      if (!v) return at_least_one("--memory-budget");
      a->o.memory_budget = (double)v;
      return -1;
    case 'q': a->quiet = 1; return -1;
    case 'C': a->no_charts = 1; return -1;
    case 'R': a->report = 1; return -1;
    case 'F':
      a->formats = wx_cli_parse_formats("--format", optarg);
      return a->formats ? -1 : WX_EXIT_USAGE;
    case 'h': usage(stdout); return WX_EXIT_OK;
    default: return -2; /* unknown: the caller names it */
  }
}

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, cmp_args *a) {
  static const struct option longs[] = {
      {"output", required_argument, 0, 'o'},
      {"seed", required_argument, 0, 's'},
      {"replications", required_argument, 0, 'r'},
      {"jobs", required_argument, 0, 'j'},
      {"horizon", required_argument, 0, 'H'},
      {"engine", required_argument, 0, 'E'},
      {"memory-budget", required_argument, 0, 'M'},
      {"force", no_argument, 0, 'f'},
      {"quiet", no_argument, 0, 'q'},
      {"no-charts", no_argument, 0, 'C'},
      {"report", no_argument, 0, 'R'},
      {"format", required_argument, 0, 'F'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:s:r:j:fqF:h", longs, NULL)) != -1) {
    int code = option(a, c);
    if (code == -2) return wx_cli_bad_option("compare", c, argc, argv);
    if (code >= 0) return code;
  }
  if (optind >= argc) {
    fprintf(stderr,
            "wxflow compare: expected a comparison FILE or several "
            "scenario FILEs\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  a->files = argv + optind;
  a->n_files = (size_t)(argc - optind);
  return -1;
}

static void on_variant(void *ctx, const char *name, unsigned i, unsigned n) {
  cmp_args *a = ctx;
  wx_cli_progress_end(&a->progress);
  wx_cli_progress_init(&a->progress, a->quiet);
  if (a->progress.enabled)
    fprintf(stderr, "variant %u/%u: %s\n", i + 1, n, name);
}

static void draw_charts(const cmp_args *a, const wx_compare_spec *s,
                        const wx_comparison *c) {
  wx_plot_options po;
  memset(&po, 0, sizeof po);
  po.formats = a->formats;
  for (size_t i = 0; i < s->n; i++) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/variants/%s", a->o.out_dir, s->v[i].name);
    wx_cli_render(dir, &po, 0);
  }
  po.charts = WX_PLOT_KPI | (c->same_grid ? WX_PLOT_COMPARE : 0);
  if (!c->same_grid)
    fprintf(stderr,
            "wxflow compare: note: variants differ in horizon or "
            "sample grid; overlay charts skipped\n");
  wx_cli_render(a->o.out_dir, &po, 0);
}

static int run(cmp_args *a, const wx_compare_spec *s, wx_diags *d) {
  wx_model **models = calloc(s->n, sizeof *models);
  int rc = models ? wx__compare_models(s, models, d) : WX_ENOMEM;
  wx_comparison *c = NULL;
  a->o.memory_budget = wx_cli_memory_budget(a->o.memory_budget);
  if (rc == WX_OK) {
    a->o.on_variant = on_variant;
    a->o.on_variant_ctx = a;
    a->o.progress = wx_cli_progress_cb;
    a->o.progress_ctx = &a->progress;
    a->o.stop = wx_cli_signals_install();
    rc = wx__compare_run(s, models, &a->o, &c, d);
    wx_cli_progress_end(&a->progress);
  }
  /* c is NULL on an MPI rank other than 0, which writes nothing. */
  if (rc == WX_OK && c && !a->quiet) wx__comparison_markdown(c, stdout);
  fflush(stdout);
  if (rc == WX_OK && c && !a->no_charts) draw_charts(a, s, c);
  if (rc == WX_OK && !a->quiet) printf("results in %s\n", a->o.out_dir);
  wx__comparison_free(c);
  for (size_t i = 0; models && i < s->n; i++) wx_model_free(models[i]);
  free(models);
  return rc;
}

int wx_cli_compare(int argc, char **argv) {
  cmp_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  if (!a.o.out_dir)
    a.o.out_dir = a.default_out =
        wx_cli_default_output(a.files[0], a.n_files > 1 ? "_compare" : "");
  wx_diags *d = wx_diags_alloc(100);
  wx_compare_spec *s = NULL;
  int rc = d && a.o.out_dir ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK && a.n_files == 1)
    rc = wx__compare_spec_load(a.files[0], &s, d);
  else if (rc == WX_OK)
    rc = wx__compare_spec_files((const char *const *)a.files, a.n_files, &s, d);
  wx_cli_progress_init(&a.progress, a.quiet);
  if (rc == WX_OK) rc = run(&a, s, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx__compare_spec_free(s);
  wx_diags_free(d);
  int exit = wx_cli_exit_code(rc);
  if (rc == WX_OK && a.report && !wx__dist_worker())
    exit = wx_cli_report_dir(a.o.out_dir);
  free(a.default_out);
  return exit;
}
