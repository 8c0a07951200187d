/* Charts for planning decks, drawn by gnuplot (an external program) from a
 * results directory: the library writes small data files and a preamble of
 * gnuplot variables, then runs a template from plots/ per chart.
 *
 * Output: <results_dir>/charts/<chart>.<png|svg|pdf>, each written under a
 * temporary name and renamed into place; the data and scripts live in a
 * temporary directory under results_dir that is removed afterwards.
 *   fan_<module>.*            members of one module: median, 50% and 90% bands
 *   stacked_members.*         mean members stacked by module
 *   funnel.*                  funnel.csv
 *   constraints.*             constraints.csv: when each cap first bound
 *   compare_<name>_<metric>.* one series across variants (comparison dir)
 *   kpi_bars.*                compare.csv: mean and CI per variant per KPI
 *   attribution.*             attribution.csv: each method per channel
 *   response_<kpi>.*, scatter_<kpi>.*, heatmap_<kpi>.*, tornado_<kpi>.*, sobol_<kpi>.*,
 *   morris_<kpi>.*, prcc_<kpi>.*  a study directory (study.csv, indices.csv)
 *   response_<variable>.*     curves.csv: the objective as one variable moves
 *   frontier.*                frontier.csv: the constraint's bound against
 *                             the optimum (optimize dir)
 *   calib_fit_<metric>.*      calib_fit.csv: observed over the predicted band
 *   loss_trace.*              loss_trace.csv: the loss of each evaluation */
#ifndef WX_PLOT_H
#define WX_PLOT_H

#include <stddef.h>

#include "wxflow/wxflow.h"

typedef enum {
  WX_PLOT_FAN = 1u << 0,
  WX_PLOT_STACKED = 1u << 1,
  WX_PLOT_FUNNEL = 1u << 2,
  WX_PLOT_COMPARE = 1u << 3,
  WX_PLOT_KPI = 1u << 4,
  WX_PLOT_CONSTRAINTS = 1u << 5,
  WX_PLOT_ATTRIBUTION = 1u << 6,
  WX_PLOT_STUDY = 1u << 7,    /* study.csv, indices.csv (plot_study.c) */
  WX_PLOT_OPTIMIZE = 1u << 8, /* curves.csv, frontier.csv (optimize dir) */
  WX_PLOT_CALIB = 1u << 9,    /* calib_fit.csv, loss_trace.csv (calibrate) */
  WX_PLOT_ALL = (1u << 10) - 1
} wx_plot_chart;

typedef enum {
  WX_PLOT_PNG = 1u << 0, /* pngcairo 1920x1080 */
  WX_PLOT_SVG = 1u << 1, /* svg 1920x1080 */
  WX_PLOT_PDF = 1u << 2  /* pdfcairo 16in x 9in */
} wx_plot_format;

/* What a call did; filled in when wx_plot_options.report is not NULL. */
typedef struct wx_plot_report {
  unsigned charts;  /* charts drawn (one chart in three formats counts 1) */
  unsigned files;   /* files written under charts/ */
  unsigned skipped; /* charts skipped because their input is missing */
  unsigned failed;  /* charts gnuplot could not draw */
} wx_plot_report;

/* Every field may be 0/NULL for its default. */
typedef struct wx_plot_options {
  unsigned charts;           /* WX_PLOT_* bits; 0 = WX_PLOT_ALL */
  unsigned formats;          /* wx_plot_format bits; 0 = WX_PLOT_PNG */
  const char *templates_dir; /* holds fan.gp ...; required */
  const char *gnuplot;       /* program to run; NULL = "gnuplot" (PATH) */
  const char *title;         /* deck title; NULL = manifest.json "title" */
  const char *fan_metric;    /* module metric of fan charts; NULL "members" */
  /* "scope/name/metric" to compare; NULL = each outcome's count, or each
   * module's members when there are no outcomes. */
  const char *compare_series;
  wx_plot_report *report; /* optional, caller-owned */
  /* Polled while gnuplot runs: when raised, gnuplot is killed, no more
   * charts are drawn and the render returns WX_EINTERRUPTED. */
  const atomic_int *stop;
  double timeout; /* seconds one gnuplot call may take; 0 = 120 */
} wx_plot_options;

/* Draws the selected charts of results_dir (opt may be NULL).  A chart whose
 * input file is missing is skipped with a note (code WX_OK) in diags.
 * Returns WX_OK; WX_ENOTFOUND when gnuplot or the templates are missing (then
 * nothing is written; the message says how to install gnuplot); WX_EINVAL for
 * malformed inputs; WX_ERUNTIME when gnuplot failed on a chart (its stderr is
 * in diags; the other charts are still drawn); WX_EIO, WX_ENOMEM. */
int wx__plot_render(const char *results_dir, const wx_plot_options *opt,
                    wx_diags *diags);

#endif
