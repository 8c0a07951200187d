/* `wxflow attribute FILE`: which module and touchpoint brought the sale
 * (docs/attribute.md). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribute.h"
#include "cli.h"
#include "runner.h"
#include "results_dir.h"
#include "outfile.h"
#include "plot.h"
#include "quantity.h"
#include "util.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow attribute FILE [OPTIONS]\n"
      "\n"
      "Credits the purchases and revenue of the scenario FILE to its modules "
      "and\n"
      "touchpoints (channels), by every method side by side:\n"
      "  removal         the base minus the scenario without the channel "
      "(common\n"
      "                  random numbers, paired 95%% interval)\n"
      "  shapley         Shapley values over the channels: exact over all 2^n\n"
      "                  coalitions up to --max-exact channels, else sampled\n"
      "                  over --permutations orders (standard error stated)\n"
      "  last_step       the step each purchase came through (a repeat "
      "purchase:\n"
      "                  where the purchase it repeats came through)\n"
      "  last_touch, first_touch, linear   credit from the simulated journeys\n"
      "  markov, markov_removal            first-order Markov removal effect\n"
      "                  from the journeys, as journey-log tools estimate it\n"
      "Repeat purchases are credited too.  Writes attribution.csv, "
      "journeys.csv\n"
      "(a sample of whole journeys), paths.csv (path, conversions, value, "
      "nulls),\n"
      "manifest.json and charts/attribution.png; prints the table.\n"
      "\n"
      "Options:\n"
      "  -o, --output DIR        output directory (default: "
      "results/<name>_attribute)\n"
      "  -c, --channels LIST     channels to attribute, comma-separated module "
      "and\n"
      "                          touchpoint names (default: all of them)\n"
      "  -s, --seed N            seed (default: the scenario's)\n"
      "  -r, --replications N    replications per coalition (default: the "
      "scenario's)\n"
      "  -j, --jobs N            threads (default: every core); results do "
      "not\n"
      "                          depend on it\n"
      "      --horizon DURATION  simulate this long instead of the scenario's "
      "horizon\n"
      "      --max-exact N       exact Shapley values up to N channels "
      "(default 8)\n"
      "      --permutations N    orders for sampled Shapley values (default "
      "100)\n"
      "      --journeys N        journeys kept in journeys.csv (default 1000)\n"
      "      --path-cap N        steps kept per person (default 64)\n"
      "      --memory-budget N   bytes each run may use\n"
      "  -f, --force             overwrite an existing output directory\n"
      "      --no-charts         do not draw the chart\n"
      "  -F, --format LIST       chart formats: png,svg,pdf (default: png)\n"
      "  -q, --quiet             no table on stdout\n"
      "  -h, --help              show this help\n");
}

typedef struct {
  const char *file, *out;
  char *default_out;
  char *channels_buf;
  const char **channels;
  wx_attr_opts o;
  int force, quiet, no_charts;
  unsigned formats;
} attr_args;

static int number(const char *opt, const char *arg, unsigned long long min,
                  unsigned long long max, unsigned long long *out) {
  if (wx_cli_parse_u64(arg, max, out) == 0 && *out >= min) return 0;
  fprintf(stderr,
          "wxflow attribute: %s expects a whole number from %llu to "
          "%llu, got '%s'\n",
          opt, min, max, arg);
  return -1;
}

static int split_channels(attr_args *a, const char *arg) {
  free(a->channels_buf);
  free(a->channels);
  a->channels_buf = wx__strdup(arg);
  a->channels = calloc(strlen(arg) + 2, sizeof *a->channels);
  if (!a->channels_buf || !a->channels) return -1;
  a->o.n_channels = 0;
  for (char *t = strtok(a->channels_buf, ","); t; t = strtok(NULL, ","))
    a->channels[a->o.n_channels++] = t;
  a->o.channels = a->channels;
  return a->o.n_channels ? 0 : -1;
}

static int option(attr_args *a, int c) {
  unsigned long long v = 0;
  char msg[256];
  switch (c) {
    case 'o': a->out = optarg; return -1;
    case 'c':
      if (split_channels(a, optarg) == 0) return -1;
      fprintf(stderr,
              "wxflow attribute: --channels expects names such as "
              "oa,community, got '%s'\n",
              optarg);
      return WX_EXIT_USAGE;
    case 's':
      if (number("--seed", optarg, 0, UINT64_MAX, &v)) return WX_EXIT_USAGE;
      a->o.seed = v;
      a->o.seed_set = 1;
      return -1;
    case 'r':
      if (number("--replications", optarg, 1, 1000000, &v))
        return WX_EXIT_USAGE;
      a->o.replications = (unsigned)v;
      return -1;
    case 'j':
      if (number("--jobs", optarg, 1, 1024, &v)) return WX_EXIT_USAGE;
      a->o.threads = (unsigned)v;
      return -1;
    case 'H':
      if (wx__parse_duration(optarg, &a->o.horizon, msg, sizeof msg) == WX_OK &&
          a->o.horizon > 0)
        return -1;
      fprintf(stderr,
              "wxflow attribute: --horizon expects a duration > 0 "
              "such as 14d, got '%s'\n",
              optarg);
      return WX_EXIT_USAGE;
    case 'X':
      if (number("--max-exact", optarg, 1, 16, &v)) return WX_EXIT_USAGE;
      a->o.max_exact = (unsigned)v;
      return -1;
    case 'P':
      if (number("--permutations", optarg, 2, 100000, &v)) return WX_EXIT_USAGE;
      a->o.permutations = (unsigned)v;
      return -1;
    case 'J':
      if (number("--journeys", optarg, 1, 10000000, &v)) return WX_EXIT_USAGE;
      a->o.journeys_max = (unsigned)v;
      return -1;
    case 'L':
      if (number("--path-cap", optarg, 1, 65536, &v)) return WX_EXIT_USAGE;
      a->o.path_cap = (unsigned)v;
      return -1;
    case 'M':
      if (number("--memory-budget", optarg, 1, UINT64_MAX, &v))
        return WX_EXIT_USAGE;
      a->o.memory_budget = (double)v;
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

static int parse_args(int argc, char **argv, attr_args *a) {
  static const struct option longs[] = {
      {"output", required_argument, 0, 'o'},
      {"channels", required_argument, 0, 'c'},
      {"seed", required_argument, 0, 's'},
      {"replications", required_argument, 0, 'r'},
      {"jobs", required_argument, 0, 'j'},
      {"horizon", required_argument, 0, 'H'},
      {"max-exact", required_argument, 0, 'X'},
      {"permutations", required_argument, 0, 'P'},
      {"journeys", required_argument, 0, 'J'},
      {"path-cap", required_argument, 0, 'L'},
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
  while ((c = getopt_long(argc, argv, ":o:c:s:r:j:fqF:h", longs, NULL)) != -1) {
    int code = option(a, c);
    if (code == -2) return wx_cli_bad_option("attribute", c, argc, argv);
    if (code >= 0) return code;
  }
  if (optind + 1 != argc) {
    fprintf(stderr, "wxflow attribute: expected one scenario FILE\n");
    usage(stderr);
    return WX_EXIT_USAGE;
  }
  a->file = argv[optind];
  return -1;
}

/* The value of `method` for channel i and outcome k, or NAN. */
static const wx_attr_row *find(const wx_attribution *a, uint32_t i, uint32_t k,
                               const char *method) {
  for (size_t r = 0; r < a->n_rows; r++)
    if (a->rows[r].channel == i && a->rows[r].outcome == k &&
        !strcmp(a->rows[r].method, method))
      return &a->rows[r];
  return NULL;
}

static void print_table(const wx_attribution *a) {
  static const char *const m[] = {"removal",    "shapley",       "last_step",
                                  "last_touch", "first_touch",   "linear",
                                  "markov",     "markov_removal"};
  for (uint32_t k = 0; k < a->n_out; k++) {
    printf("\n%s:\n| channel |", a->outcomes[k]);
    for (size_t j = 0; j < 8; j++) printf(" %s |", m[j]);
    printf("\n|:--|");
    for (size_t j = 0; j < 8; j++) printf("--:|");
    printf("\n");
    for (uint32_t i = 0; i < a->n_ch; i++) {
      printf("| %s |", a->ch[i].name);
      for (size_t j = 0; j < 8; j++) {
        const wx_attr_row *r = find(a, i, k, m[j]);
        if (!r)
          printf(" – |");
        else if (!strcmp(m[j], "removal") || !strcmp(m[j], "shapley"))
          printf(" %.1f [%.1f, %.1f] |", r->value, r->lo, r->hi);
        else
          printf(" %.1f |", r->value);
      }
      printf("\n");
    }
    const wx_attr_row *all = find(a, WX_NONE, k, "all"),
                      *none = find(a, WX_NONE, k, "none");
    if (all && none)
      printf("all channels: %.1f; without any: %.1f\n", all->value,
             none->value);
  }
  printf("\nShapley values: %s; %u coalitions, %u replications each.\n",
         a->exact ? "exact" : "sampled orders", a->coalitions, a->replications);
  if (a->lost_buys)
    fprintf(stderr,
            "wxflow attribute: note: %llu purchases came after a "
            "person's --path-cap steps and are not in the path methods\n",
            (unsigned long long)a->lost_buys);
}

/* Called from the worker threads: it touches nothing but stderr. */
static void progress(void *ctx, unsigned done, unsigned total) {
  (void)ctx;
  fprintf(stderr, "\rcoalition %u/%u%s", done, total,
          done == total ? "\n" : "");
}

static int run(attr_args *a, wx_diags *d) {
  /* Under MPI only rank 0 writes (the others value coalitions). */
  int worker = wx__dist_worker();
  if (!worker && !a->force && wx__dir_in_use(a->out))
    return wx__diag(d, WX_EEXISTS, a->out, 0, 0,
                    "output directory is not "
                    "empty; use --force to overwrite it or choose another "
                    "with -o");
  wx_attribution *r = NULL;
  a->o.memory_budget = wx_cli_memory_budget(a->o.memory_budget);
  a->o.stop = wx_cli_signals_install();
  if (!a->quiet && isatty(STDERR_FILENO)) a->o.progress = progress;
  int rc = wx__attribute(a->file, &a->o, &r, d);
  if (rc == WX_OK && !worker) rc = wx__attribution_write(r, a->out, d);
  if (rc == WX_OK && !a->quiet) print_table(r);
  fflush(stdout);
  if (rc == WX_OK && !a->no_charts && !worker) {
    wx_plot_options po;
    memset(&po, 0, sizeof po);
    po.formats = a->formats;
    po.charts = WX_PLOT_ATTRIBUTION;
    wx_cli_render(a->out, &po, 0);
  }
  if (rc == WX_OK && !a->quiet) printf("results in %s\n", a->out);
  wx__attribution_free(r);
  return rc;
}

int wx_cli_attribute(int argc, char **argv) {
  attr_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code < 0) {
    if (!a.out)
      a.out = a.default_out = wx_cli_default_output(a.file, "_attribute");
    wx_diags *d = wx_diags_alloc(100);
    int rc = d && a.out ? run(&a, d) : WX_ENOMEM;
    wx_cli_print_diags(d);
    if (rc == WX_ENOMEM && !d) fprintf(stderr, "wxflow: out of memory\n");
    wx_diags_free(d);
    code = wx_cli_exit_code(rc);
  }
  free(a.default_out);
  free(a.channels_buf);
  free(a.channels);
  return code;
}
