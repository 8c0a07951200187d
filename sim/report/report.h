/* A results directory as one file to open (report.html) and one to present
 * (deck.pdf).  Both are built from the files a run or a comparison left in
 * the directory (manifest.json, kpi_summary.csv, funnel.csv,
 * constraints.csv, compare.csv, charts/ (SVG, PDF)); nothing is simulated.
 *
 * report.html is self-contained: inline CSS and inline SVG charts, no
 * script, no network.  Every piece of scenario text is HTML-escaped, and a
 * chart SVG is inlined only when it carries no script, event handler,
 * foreignObject or javascript: link (else it is left out with an error).
 * deck.pdf is 16:9: a title slide, a KPI slide, then one chart per slide;
 * gnuplot's pdfcairo draws the slides (fonts embedded) and pdfunite
 * (poppler-utils) joins them.  Every file is written under a temporary name
 * and renamed. */
#ifndef WX_REPORT_H
#define WX_REPORT_H

#include <stddef.h>

#include "wxflow/wxflow.h"

typedef struct wx_report_options {
  const char *title;         /* NULL = manifest.json "title" */
  const char *templates_dir; /* plots/ (deck slides); required for the deck */
  const char *gnuplot;       /* NULL = "gnuplot" on PATH */
  const char *pdfunite;      /* NULL = "pdfunite" on PATH */
  unsigned charts_inlined;   /* out: SVG charts put into report.html */
  unsigned slides;           /* out: pages of deck.pdf */
} wx_report_options;

/* Writes dir/report.html.  WX_OK; WX_ENOTFOUND when dir holds neither
 * kpi_summary.csv nor compare.csv; WX_EINVAL (malformed CSV, unsafe SVG:
 * the page is still written without that chart), WX_EIO, WX_ENOMEM. */
int wx__report_html(const char *dir, wx_report_options *opt, wx_diags *d);

/* Writes dir/deck.pdf from the PDF charts in charts/ (drawn beforehand).  WX_ENOTFOUND
 * when gnuplot or pdfunite is missing (the message says what to install),
 * WX_ERUNTIME when one of them failed, WX_EIO, WX_ENOMEM. */
int wx__report_deck(const char *dir, wx_report_options *opt, wx_diags *d);

/* Helpers shared by the report_*.c files. */
typedef struct wx__rbuf {
  char *s;
  size_t len, cap;
  int oom;
} wx__rbuf;
void wx__rb_put(wx__rbuf *b, const char *s, size_t n);
void wx__rb_puts(wx__rbuf *b, const char *s);
void wx__rb_printf(wx__rbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends s with & < > " ' escaped for HTML text and attributes. */
void wx__rb_html(wx__rbuf *b, const char *s);
void wx__rb_free(wx__rbuf *b);

/* A number for people: thousands separators from 1,000, two decimals
 * below (trailing zeros dropped), "-" for an empty or non-finite field.
 * A field that is not a number is copied as it is. */
const char *wx__report_num(char buf[48], const char *field);

/* The value of a top-level "key" of a JSON object (a string, decoded, or
 * a number/true/false as written); "" when absent.  A small scan of the
 * files wxflow writes, not a general JSON parser. */
void wx__report_json(const char *json, const char *key, char *out, size_t size);
/* Reads a whole file (NUL-terminated) into *out; NULL when unreadable. */
char *wx__report_slurp(const char *path, size_t *len);

/* The deck/report title: opt->title, else the manifest's, else "wxflow". */
void wx__report_title(const char *dir, const wx_report_options *opt, char *out,
                      size_t size);

/* Inlines one gnuplot SVG: drops the XML prologue, prefixes every id with
 * `prefix` (charts share one page), refuses active content.  WX_EINVAL
 * (with a diagnostic naming path) when the SVG is unsafe or not an SVG. */
int wx__report_svg(wx__rbuf *b, const char *svg, const char *prefix,
                   const char *path, wx_diags *d);

/* qsort order of chart file names: the KPIs first, then payback, funnel,
 * limits, members, fans, comparisons; by name within each. */
int wx__report_chart_cmp(const void *a, const void *b);

/* Appends s as a gnuplot single-quoted string: '' is its only escape, and
 * neither macros nor backquotes are expanded inside it. */
void wx__rb_gpstr(wx__rbuf *b, const char *s);
/* Runs argv (argv[0] looked up on PATH) with stdout and stderr into
 * errpath; WX_ENOTFOUND when it is missing, WX_ERUNTIME (with its message)
 * when it fails. */
int wx__report_tool(char *const *argv, const char *errpath, wx_diags *d);

/* Charts the report adds to charts/ (SVG and PDF): payback.* (cumulative
 * revenue against cost, the payback day marked) when series_stats.csv has
 * money, kpi_run.* (a run's KPIs as bars with their CI, one panel per
 * unit).  Skips silently what the directory has no data for. */
int wx__report_charts(const char *dir, wx_report_options *opt, wx_diags *d);

/* The KPI, comparison, funnel and limits tables, each from its CSV when
 * present; bit 0 of *found for kpi_summary.csv, bit 1 for compare.csv. */
int wx__report_tables(wx__rbuf *b, const char *dir, unsigned *found,
                      wx_diags *d);

/* qsort order of chart file names: the KPIs first, then payback, funnel,
 * limits, members, fans, comparisons; by name within each. */
int wx__report_chart_cmp(const void *a, const void *b);

/* Appends s as a gnuplot single-quoted string: '' is its only escape, and
 * neither macros nor backquotes are expanded inside it. */
void wx__rb_gpstr(wx__rbuf *b, const char *s);
/* Runs argv (argv[0] looked up on PATH) with stdout and stderr into
 * errpath; WX_ENOTFOUND when it is missing, WX_ERUNTIME (with its message)
 * when it fails. */
int wx__report_tool(char *const *argv, const char *errpath, wx_diags *d);

/* Charts the report adds to charts/ (SVG and PDF): payback.* (cumulative
 * revenue against cost, the payback day marked) when series_stats.csv has
 * money, kpi_run.* (a run's KPIs as bars with their CI, one panel per
 * unit).  Skips silently what the directory has no data for. */
int wx__report_charts(const char *dir, wx_report_options *opt, wx_diags *d);

/* The KPI, comparison, funnel and limits tables, each from its CSV when
 * present; bit 0 of *found for kpi_summary.csv, bit 1 for compare.csv. */
int wx__report_tables(wx__rbuf *b, const char *dir, unsigned *found,
                      wx_diags *d);

#endif
