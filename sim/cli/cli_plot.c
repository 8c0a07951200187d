#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow plot DIR [OPTIONS]\n"
      "\n"
      "Re-draws the charts of the results directory DIR (written by `wxflow "
      "run`,\n"
      "`compare`, `sweep`, `sensitivity`, `optimize` or `calibrate`) into\n"
      "DIR/charts/, without simulating again.  Charts come from the gnuplot\n"
      "templates in plots/, which you may edit.\n"
      "\n"
      "Options:\n"
      "  -c, --charts LIST     fan,stacked,funnel,compare,kpi,constraints,\n"
      "                        attribution, study, optimize, calibrate or all\n"
      "                        (default: all whose data exist)\n"
      "  -F, --format LIST     png,svg,pdf (default: png; 1920x1080 for "
      "slides)\n"
      "  -t, --title TEXT      chart title (default: the scenario's title)\n"
      "      --templates DIR   gnuplot templates (default: the installed "
      "plots/)\n"
      "      --gnuplot PROG    gnuplot program (default: gnuplot on PATH)\n"
      "  -h, --help            show this help\n");
}

typedef struct {
  const char *name;
  unsigned bit;
} flag_name;

static const flag_name chart_names[] = {{"fan", WX_PLOT_FAN},
                                        {"stacked", WX_PLOT_STACKED},
                                        {"funnel", WX_PLOT_FUNNEL},
                                        {"compare", WX_PLOT_COMPARE},
                                        {"kpi", WX_PLOT_KPI},
                                        {"constraints", WX_PLOT_CONSTRAINTS},
                                        {"attribution", WX_PLOT_ATTRIBUTION},
                                        {"study", WX_PLOT_STUDY},
                                        {"optimize", WX_PLOT_OPTIMIZE},
                                        {"calibrate", WX_PLOT_CALIB},
                                        {"all", WX_PLOT_ALL},
                                        {NULL, 0}};
static const flag_name format_names[] = {{"png", WX_PLOT_PNG},
                                         {"svg", WX_PLOT_SVG},
                                         {"pdf", WX_PLOT_PDF},
                                         {NULL, 0}};

/* "a,b,c" -> bits; returns 0 and prints when a word is unknown. */
static unsigned parse_list(const char *opt, const char *arg,
                           const flag_name *names) {
  unsigned bits = 0;
  char word[32];
  for (const char *p = arg; *p;) {
    size_t n = strcspn(p, ",");
    snprintf(word, sizeof word, "%.*s", (int)(n < 31 ? n : 31), p);
    unsigned bit = 0;
    for (const flag_name *f = names; f->name; f++)
      if (!strcmp(f->name, word)) bit = f->bit;
    if (!bit) {
      fprintf(stderr, "wxflow: %s: unknown '%s'; choose from", opt, word);
      for (const flag_name *f = names; f->name; f++)
        fprintf(stderr, "%s %s", f == names ? "" : ",", f->name);
      fputc('\n', stderr);
      return 0;
    }
    bits |= bit;
    p += n + (p[n] == ',');
  }
  return bits;
}

unsigned wx_cli_parse_formats(const char *opt, const char *arg) {
  return parse_list(opt, arg, format_names);
}

/* During `run` and `compare` (notes == 0) the CSVs are already written, so
 * a chart that fails is a warning, with gnuplot's text kept as notes. */
static void chart_warning(const char *dir, const wx_diags *d) {
  fprintf(stderr,
          "wxflow: warning: some charts could not be drawn in "
          "%s/charts; the CSV files are complete (re-draw with "
          "'wxflow plot %s')\n",
          dir, dir);
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->code != WX_OK)
      fprintf(stderr, "%s: note: %s\n", e->file[0] ? e->file : "wxflow",
              e->msg);
  }
}

int wx_cli_render(const char *dir, const wx_plot_options *opt, int notes) {
  wx_diags *d = wx_diags_alloc(100);
  wx_plot_options o = *opt;
  char tpl[4096];
  if (!o.templates_dir && wx_cli_data_dir("plots", tpl, sizeof tpl) == 0)
    o.templates_dir = tpl;
  if (!o.stop) o.stop = wx_cli_signals_install();
  /* WXFLOW_GNUPLOT_TIMEOUT: seconds one gnuplot call may take. */
  const char *t = getenv("WXFLOW_GNUPLOT_TIMEOUT");
  if (t && !o.timeout) o.timeout = strtod(t, NULL);
  int rc = d ? wx__plot_render(dir, &o, d) : WX_ENOMEM;
  if (rc == WX_EINTERRUPTED)
    fprintf(stderr, "wxflow: charts stopped\n");
  else if (rc != WX_OK && !notes && d)
    chart_warning(dir, d);
  else
    wx_cli_print_diags_ex(d, notes);
  wx_diags_free(d);
  return rc;
}

/* A comparison directory (compare.csv) also holds variants/<name>/, each a
 * results directory: re-draw those as well.  Adds their counts to *total. */
static int render_variants(const char *dir, const wx_plot_options *o,
                           wx_plot_report *total) {
  char path[4096];
  snprintf(path, sizeof path, "%s/compare.csv", dir);
  if (access(path, F_OK) != 0) return WX_OK;
  snprintf(path, sizeof path, "%s/variants", dir);
  DIR *d = opendir(path);
  struct dirent *e;
  int rc = WX_OK;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char sub[4096 + 256];
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    wx_plot_report one = {0};
    wx_plot_options vo = *o;
    vo.report = &one;
    vo.charts = o->charts ? o->charts : WX_PLOT_ALL;
    int r = wx_cli_render(sub, &vo, 0);
    if (rc == WX_OK) rc = r;
    total->charts += one.charts;
    total->files += one.files;
  }
  if (d) closedir(d);
  return rc;
}

/* A results directory holds what `wxflow run`, `wxflow compare` or
 * `wxflow calibrate` wrote; anything else is refused before charts/ is
 * made in it. */
static int is_results_dir(const char *dir) {
  static const char *const marks[] = {
      "entities.csv", "series_stats.csv", "compare.csv",  "attribution.csv",
      "study.csv",    "allocation.csv",   "calib_fit.csv"};
  char path[4096];
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, marks[i]);
    if (access(path, F_OK) == 0) return 1;
  }
  return 0;
}

int wx_cli_plot(int argc, char **argv) {
  static const struct option longs[] = {
      {"charts", required_argument, 0, 'c'},
      {"format", required_argument, 0, 'F'},
      {"title", required_argument, 0, 't'},
      {"templates", required_argument, 0, 'T'},
      {"gnuplot", required_argument, 0, 'G'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  wx_plot_options o;
  memset(&o, 0, sizeof o);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:F:t:h", longs, NULL)) != -1) {
    switch (c) {
      case 'c':
        if (!(o.charts = parse_list("--charts", optarg, chart_names)))
          return WX_EXIT_USAGE;
        break;
      case 'F':
        if (!(o.formats = wx_cli_parse_formats("--format", optarg)))
          return WX_EXIT_USAGE;
        break;
      case 't': o.title = optarg; break;
      case 'T': o.templates_dir = optarg; break;
      case 'G': o.gnuplot = optarg; break;
      case 'h': usage(stdout); return WX_EXIT_OK;
      default: return wx_cli_bad_option("plot", c, argc, argv);
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "wxflow plot: expected one results DIR\n");
    return WX_EXIT_USAGE;
  }
  if (access(argv[optind], F_OK) == 0 && !is_results_dir(argv[optind])) {
    fprintf(stderr,
            "wxflow plot: %s is not a wxflow results directory (no "
            "entities.csv, series_stats.csv, compare.csv, study.csv, "
            "allocation.csv or calib_fit.csv)\n",
            argv[optind]);
    return WX_EXIT_IO;
  }
  wx_plot_report report = {0};
  o.report = &report;
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/compare.csv", argv[optind]);
  wx_plot_options top = o;
  /* A comparison directory has no series of its own: only its charts; a
   * run directory has no comparison (asked for, they are still tried). */
  char study[4096];
  snprintf(study, sizeof study, "%s/study.csv", argv[optind]);
  if (!o.charts && access(study, F_OK) == 0)
    top.charts = WX_PLOT_STUDY;
  else if (!o.charts && access(probe, F_OK) == 0)
    top.charts = WX_PLOT_COMPARE | WX_PLOT_KPI;
  else if (!o.charts)
    top.charts = WX_PLOT_ALL &
                 ~(unsigned)(WX_PLOT_COMPARE | WX_PLOT_KPI | WX_PLOT_STUDY);
  snprintf(probe, sizeof probe, "%s/attribution.csv", argv[optind]);
  if (!o.charts && access(probe, F_OK) == 0) top.charts = WX_PLOT_ATTRIBUTION;
  int rc = wx_cli_render(argv[optind], &top, 1);
  wx_plot_report variants = {0};
  if (rc == WX_OK) rc = render_variants(argv[optind], &o, &variants);
  if (rc == WX_OK)
    printf("%u chart(s), %u file(s) in %s/charts/\n", report.charts,
           report.files, argv[optind]);
  if (rc == WX_OK && variants.files)
    printf("%u chart(s), %u file(s) in %s/variants/*/charts/\n",
           variants.charts, variants.files, argv[optind]);
  return wx_cli_exit_code(rc);
}
