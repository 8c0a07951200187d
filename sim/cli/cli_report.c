#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"
#include "report.h"
#include "results_dir.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow report DIR [OPTIONS]\n"
      "\n"
      "Writes DIR/report.html, one self-contained page (inline SVG charts, no\n"
      "network) with the scenario, KPI table, funnel, WeChat limits, "
      "comparison\n"
      "and manifest, and DIR/deck.pdf, 16:9 slides: a title slide, the KPIs "
      "and\n"
      "one chart per slide.  DIR is a results directory of `wxflow run` or\n"
      "`wxflow compare`; its charts are re-drawn (SVG and PDF) first.\n"
      "\n"
      "Options:\n"
      "  -t, --title TEXT      title (default: the scenario's title)\n"
      "      --no-deck         write report.html only (no gnuplot PDF, no\n"
      "                        pdfunite needed)\n"
      "      --templates DIR   gnuplot templates (default: the installed "
      "plots/)\n"
      "      --gnuplot PROG    gnuplot program (default: gnuplot on PATH)\n"
      "  -h, --help            show this help\n");
}

typedef struct {
  const char *dir, *title, *templates, *gnuplot;
  int no_deck;
} report_args;

static int parse(int argc, char **argv, report_args *a) {
  static const struct option longs[] = {
      {"title", required_argument, 0, 't'},
      {"no-deck", no_argument, 0, 'D'},
      {"templates", required_argument, 0, 'T'},
      {"gnuplot", required_argument, 0, 'G'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":t:h", longs, NULL)) != -1) {
    switch (c) {
      case 't': a->title = optarg; break;
      case 'D': a->no_deck = 1; break;
      case 'T': a->templates = optarg; break;
      case 'G': a->gnuplot = optarg; break;
      case 'h': usage(stdout); return -1;
      default: return wx_cli_bad_option("report", c, argc, argv);
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "wxflow report: expected one results DIR\n");
    return WX_EXIT_USAGE;
  }
  a->dir = argv[optind];
  return WX_EXIT_OK;
}

static int has(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

/* SVG charts for the page, PDF ones for the deck. */
static int draw_charts(const report_args *a) {
  wx_plot_options o;
  memset(&o, 0, sizeof o);
  o.formats = WX_PLOT_SVG | (a->no_deck ? 0u : WX_PLOT_PDF);
  o.title = a->title;
  o.templates_dir = a->templates;
  o.gnuplot = a->gnuplot;
  if (has(a->dir, "compare.csv")) o.charts = WX_PLOT_COMPARE | WX_PLOT_KPI;
  return wx_cli_render(a->dir, &o, 0);
}

static int write_outputs(const report_args *a, wx_report_options *ro) {
  wx_diags *d = wx_diags_alloc(100);
  if (!d) return WX_ENOMEM;
  int rc = wx__report_html(a->dir, ro, d);
  if (rc == WX_OK || rc == WX_EINVAL)
    printf("wrote %s/report.html (%u chart(s))\n", a->dir, ro->charts_inlined);
  int deck = WX_OK;
  if (!a->no_deck && (rc == WX_OK || rc == WX_EINVAL))
    deck = wx__report_deck(a->dir, ro, d);
  if (!a->no_deck && deck == WX_OK && (rc == WX_OK || rc == WX_EINVAL))
    printf("wrote %s/deck.pdf (%u slide(s))\n", a->dir, ro->slides);
  wx_cli_print_diags(d);
  wx_diags_free(d);
  return rc != WX_OK ? rc : deck;
}

/* The page and the deck are written under the directory's lock, as its
 * charts are (plot.c): never beside a run that is rewriting it. */
static int lock_dir(const char *dir, wx_dir_lock *lock) {
  wx_diags *d = wx_diags_alloc(4);
  int rc = d ? wx__results_dir_lock(dir, lock, d) : WX_ENOMEM;
  wx_cli_print_diags(d);
  wx_diags_free(d);
  return rc;
}

/* Charts, page and deck of one directory; an exit code. */
static int report_dir(const report_args *a) {
  wx_dir_lock lock = {.fd = -1};
  /* Refused at once when a run holds the directory (which has no
   * kpi_summary.csv yet), not after a warning about every chart. */
  int rc = access(a->dir, F_OK) == 0 ? lock_dir(a->dir, &lock) : WX_OK;
  wx__results_dir_release(&lock);
  if (rc != WX_OK) return wx_cli_exit_code(rc);
  if (!has(a->dir, "kpi_summary.csv") && !has(a->dir, "compare.csv")) {
    fprintf(stderr,
            "wxflow report: %s is not a wxflow results directory "
            "(no kpi_summary.csv or compare.csv)\n",
            a->dir);
    return WX_EXIT_IO;
  }
  /* A chart gnuplot cannot draw is a warning: the page has the tables. */
  draw_charts(a);
  if ((rc = lock_dir(a->dir, &lock)) != WX_OK) return wx_cli_exit_code(rc);
  char tpl[4096];
  wx_report_options ro;
  memset(&ro, 0, sizeof ro);
  ro.title = a->title;
  ro.gnuplot = a->gnuplot;
  ro.templates_dir = a->templates;
  if (!ro.templates_dir && wx_cli_data_dir("plots", tpl, sizeof tpl) == 0)
    ro.templates_dir = tpl;
  if (ro.templates_dir) {
    wx_diags *d = wx_diags_alloc(100);
    /* Like the other charts: a failure is a warning, the tables stand. */
    if (d && wx__report_charts(a->dir, &ro, d) != WX_OK)
      fprintf(stderr, "wxflow: warning: payback or KPI chart not drawn\n");
    wx_cli_print_diags_ex(d, 0);
    wx_diags_free(d);
  }
  rc = write_outputs(a, &ro);
  wx__results_dir_release(&lock);
  /* A malformed file of the directory is not a bad command line. */
  return rc == WX_EINVAL ? WX_EXIT_IO : wx_cli_exit_code(rc);
}

int wx_cli_report_dir(const char *dir) {
  report_args a;
  memset(&a, 0, sizeof a);
  a.dir = dir;
  return report_dir(&a);
}

int wx_cli_report(int argc, char **argv) {
  report_args a;
  memset(&a, 0, sizeof a);
  int p = parse(argc, argv, &a);
  if (p) return p < 0 ? WX_EXIT_OK : p;
  return report_dir(&a);
}
