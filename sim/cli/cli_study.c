/* `wxflow sweep FILE` and `wxflow sensitivity FILE`: one front end, the
 * second also computes the study's method (docs/study.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ranks.h"
#include "runner.h"
#include "results_dir.h"
#include "outfile.h"
#include "plot.h"
#include "cli_study.h"
#include "quantity.h"
#include "util.h"

static void usage(FILE *fp, const char *cmd) {
  int sens = !strcmp(cmd, "sensitivity");
  fprintf(fp, "Usage: wxflow %s FILE [OPTIONS]\n\n", cmd);
  if (sens)
    fputs(
        "Runs the sensitivity method of the study file FILE (tornado, morris,\n"
        "sobol or prcc; see docs/study.md): evaluates its design, then writes "
        "the\n"
        "indices per factor and KPI to indices.csv with their 95% intervals, "
        "and\n"
        "charts (tornado, Morris mu*-sigma, Sobol S1/ST bars).\n",
        fp);
  else
    fputs(
        "Evaluates the design of the study file FILE (grid, oat, lhs, sobol,\n"
        "random; see docs/study.md): every point runs the base scenario's\n"
        "replications with the same seed (common random numbers), in memory.\n"
        "Writes study.csv (factor values, each KPI's mean and 95% interval "
        "per\n"
        "point) and charts (response curves with bands, a heat map for a grid\n"
        "of two factors).\n",
        fp);
  fputs(
      "\n"
      "Options:\n"
      "  -o, --output DIR        output directory (default: results/<name>)\n"
      "  -s, --seed N            seed (default: the study's or the base's)\n"
      "  -r, --replications N    replications per point\n"
      "  -j, --jobs N            threads (default: every core)\n"
      "      --horizon DURATION  simulate this long instead of the scenario's\n"
      "                          horizon (e.g. 14d for a quick look)\n"
      "      --engine NAME       simulation engine (default: the scenario's)\n"
      "      --memory-budget N   bytes each point's run may use (default:\n"
      "                          $WXFLOW_MEMORY_BUDGET, else half of memory)\n"
      "  -f, --force             overwrite an existing output directory\n"
      "      --no-charts         do not draw charts (see `wxflow plot`)\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             no progress and no summary on stdout\n"
      "  -h, --help              show this help\n",
      fp);
}

typedef struct {
  const char *cmd;
  const char *file;
  const char *out;
  char *default_out;
  wx_study_options o;
  int force, quiet, no_charts;
  unsigned formats;
  wx_cli_progress progress;
} study_args;

static int number(const study_args *a, const char *opt, const char *arg,
                  unsigned long long max, unsigned long long min,
                  unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0 && *out >= min) return 0;
  fprintf(stderr,
          "wxflow %s: %s expects a whole number from %llu to %llu, "
          "got '%s'\n",
          a->cmd, opt, min, max, arg);
  return -1;
}

static int horizon(const study_args *a, const char *arg, double *days) {
  char msg[256];
  if (wx__parse_duration(arg, days, msg, sizeof msg) == WX_OK && *days > 0)
    return 0;
  fprintf(stderr,
          "wxflow %s: --horizon expects a duration > 0 such as 14d, "
          "got '%s'\n",
          a->cmd, arg);
  return -1;
}

/* -1 to continue, -2 for an unknown option, else an exit code. */
static int option(study_args *a, int c) {
  unsigned long long v;
  wx_study_options *o = &a->o;
  switch (c) {
    case 'o': a->out = optarg; return -1;
    case 's':
      if (number(a, "--seed", optarg, UINT64_MAX, 0, &v)) return 2;
      o->seed = v;
      o->seed_set = 1;
      return -1;
    case 'r':
      if (number(a, "--replications", optarg, 1000000, 1, &v)) return 2;
      o->replications = (unsigned)v;
      return -1;
    case 'j':
      if (number(a, "--jobs", optarg, 1024, 1, &v)) return 2;
      o->threads = (unsigned)v;
      return -1;
    case 'H': return horizon(a, optarg, &o->horizon) ? 2 : -1;
    case 'E': o->engine = optarg; return -1;
    case 'M':
      if (number(a, "--memory-budget", optarg, UINT64_MAX, 1, &v)) return 2;
      o->memory_budget = (double)v;
      return -1;
    case 'f': a->force = 1; return -1;
    case 'q': a->quiet = 1; return -1;
    case 'C': a->no_charts = 1; return -1;
    case 'F':
      a->formats = wx_cli_parse_formats("--format", optarg);
      return a->formats ? -1 : WX_EXIT_USAGE;
    case 'h': usage(stdout, a->cmd); return WX_EXIT_OK;
    default: return -2;
  }
}

static int parse_args(int argc, char **argv, study_args *a) {
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
      {"format", required_argument, 0, 'F'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:s:r:j:fqF:h", longs, NULL)) != -1) {
    int code = option(a, c);
    if (code == -2) return wx_cli_bad_option(a->cmd, c, argc, argv);
    if (code >= 0) return code;
  }
  if (optind != argc - 1) {
    fprintf(stderr,
            "wxflow %s: expected one study FILE; see 'wxflow %s "
            "--help'\n",
            a->cmd, a->cmd);
    return WX_EXIT_USAGE;
  }
  a->file = argv[optind];
  return -1;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Points done: called by the pool under its lock. */
static void on_point(void *ctx, unsigned done, unsigned total) {
  wx_cli_progress *p = ctx;
  if (!p->enabled || total == 0) return;
  double t = now() - p->start, eta = done ? t * (total - done) / done : 0;
  int width = 30, fill = (int)((double)done / total * width);
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %u/%u points  %.0fs elapsed  ETA %.0fs ", bar, done,
          total, t, eta);
  p->drawn = 1;
}

static int prepare_dir(const study_args *a, wx_diags *d) {
  if (!a->force && wx__dir_in_use(a->out))
    return wx__diag(d, WX_EEXISTS, a->out, 0, 0,
                    "output directory is not empty; use --force to "
                    "overwrite it or choose another with -o");
  return wx__mkdir_p(a->out, d);
}

static void draw_charts(const study_args *a) {
  wx_plot_options po;
  memset(&po, 0, sizeof po);
  po.formats = a->formats;
  po.charts = WX_PLOT_STUDY;
  wx_cli_render(a->out, &po, 0);
}

/* Under MPI rank k evaluated the points k, k + size, ... (ranks.h): how
 * many of each rank's came back finished. */
static void ranks_line(const wx_study_result *r) {
  int size = wx__ranks_size();
  if (size < 2) return;
  printf("on %d MPI ranks; points finished per rank:", size);
  for (int k = 0; k < size; k++) {
    size_t n = 0;
    for (size_t i = (size_t)k; i < r->p->n_points; i += (size_t)size)
      n += r->done[i];
    printf(" %zu", n);
  }
  putchar('\n');
}

static void summary(const study_args *a, const wx_study_ctx *c,
                    const wx_study_result *r) {
  if (a->quiet) return;
  printf(
      "%zu of %zu point(s) x %u replication(s), %zu factor(s), %zu "
      "KPI(s), seed %llu, in %.1f s%s\n",
      r->n_done, r->p->n_points, c->replications, c->spec->n_factors, c->n_kpi,
      (unsigned long long)c->seed, r->seconds,
      r->partial ? " (interrupted: partial)" : "");
  ranks_line(r);
  if (r->ix) wx_cli_study_ranking(c, r->ix);
  if (r->ix) printf("%zu index row(s) in %s/indices.csv\n", r->ix->n, a->out);
  printf("results in %s\n", a->out);
}

/* Evaluates, analyses and writes; the outputs are written after an
 * interrupt too, marked partial. */
static int evaluate(study_args *a, const wx_study_ctx *c,
                    const wx_study_design *p, wx_diags *d) {
  wx_study_result r = {.command = a->cmd, .p = p};
  double *Y = NULL;
  unsigned char *done = NULL;
  wx_study_indices ix = {0};
  double t0 = now();
  int rc = wx__study_run(c, p, &Y, &done, &r.n_done, d);
  r.seconds = now() - t0;
  wx_cli_progress_end(&a->progress);
  r.Y = Y;
  r.done = done;
  r.partial = rc == WX_EINTERRUPTED;
  int wrc = rc == WX_OK || rc == WX_EINTERRUPTED ? WX_OK : rc;
  /* Under MPI only rank 0 has every point: it alone analyses and writes. */
  int worker = wx__dist_worker();
  if (wrc == WX_OK && !strcmp(a->cmd, "sensitivity") && !worker) {
    wrc = wx__study_analyse(c->spec, p, Y, c->n_kpi, c->replications, &ix);
    r.ix = &ix;
  }
  if (wrc == WX_OK && !worker) wrc = wx__study_write(c, &r, a->out, d);
  /* As after `run`: the CSVs are complete, so a chart that fails is one
   * warning line (with gnuplot's text as notes), not a failure. */
  if (wrc == WX_OK && !a->no_charts && !worker) {
    wx_cli_print_diags(d);
    wx_diags_clear(d);
    draw_charts(a);
  }
  if (wrc == WX_OK) summary(a, c, &r);
  if (wrc == WX_OK && r.partial)
    fprintf(stderr,
            "wxflow %s: interrupted; the %zu finished point(s) are "
            "kept in %s (manifest.json says \"partial\")\n",
            a->cmd, r.n_done, a->out);
  wx__study_indices_free(&ix);
  free(Y);
  free(done);
  return rc != WX_OK ? rc : wrc;
}

static int study(study_args *a, wx_study_spec *s, wx_diags *d) {
  if (!strcmp(a->cmd, "sensitivity") && !s->method)
    return wx__diag(d, WX_ESCENARIO, s->file, 0, 0,
                    "the study has no `method:` (tornado, morris, sobol, "
                    "prcc); add one, or run `wxflow sweep %s`",
                    s->file);
  a->o.memory_budget = wx_cli_memory_budget(a->o.memory_budget);
  wx_study_ctx *c = NULL;
  wx_study_design *p = NULL;
  int rc = wx__study_prepare(s, &a->o, &c, d);
  if (rc == WX_OK) {
    /* One seed for everything random: --seed, else the study's, else the
     * base scenario's, so a different seed also draws another design. */
    s->seed = c->seed;
    s->seed_set = 1;
    rc = wx__study_points(s, c->nominal, &p, d);
  }
  if (rc == WX_OK) rc = wx__study_check_values(c, p, d);
  int existed = access(a->out, F_OK) == 0 || wx__dist_worker();
  if (rc == WX_OK && !wx__dist_worker()) rc = prepare_dir(a, d);
  if (rc == WX_OK) {
    wx_cli_progress_init(&a->progress, a->quiet);
    c->o.progress = on_point;
    c->o.progress_ctx = &a->progress;
    c->o.stop = wx_cli_signals_install();
    rc = evaluate(a, c, p, d);
    /* A study that failed before writing anything leaves no empty
     * directory it made (rmdir removes only an empty one). */
    if (rc != WX_OK && rc != WX_EINTERRUPTED && !existed) rmdir(a->out);
  }
  wx__study_design_free(p);
  wx__study_ctx_free(c);
  return rc;
}

static int study_main(const char *cmd, int argc, char **argv) {
  study_args a;
  memset(&a, 0, sizeof a);
  a.cmd = cmd;
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  if (!a.out) a.out = a.default_out = wx_cli_default_output(a.file, "");
  wx_diags *d = wx_diags_alloc(100);
  wx_study_spec *s = NULL;
  int rc = d && a.out ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK) rc = wx__study_spec_load(a.file, &s, d);
  if (rc == WX_OK) rc = study(&a, s, d);
  wx_cli_print_diags(d);
  if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
  wx__study_spec_free(s);
  wx_diags_free(d);
  free(a.default_out);
  return wx_cli_exit_code(rc);
}

int wx_cli_study(int argc, char **argv) {
  return study_main(strcmp(argv[0], "sensitivity") ? "sweep" : "sensitivity",
                    argc, argv);
}
