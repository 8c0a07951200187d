/* Two charts a planner asks for that `wxflow plot` does not draw: payback
 * (cumulative revenue against cumulative cost) and a single run's KPIs as
 * bars.  Data and scripts go to a temporary directory; each chart is drawn
 * by a template of plots/ under a temporary name in charts/ and renamed. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_read.h"
#include "outfile.h"
#include "report.h"
#include "util.h"

typedef struct {
  const char *dir;
  wx_report_options *opt;
  wx_diags *d;
  char tmp[4096];
  char title[512];
} chart_ctx;

static const char *const chart_formats[] = {"svg", "pdf"};

static int draw_one(chart_ctx *c, const char *tpl, const char *base,
                    const char *vars, const char *fmt) {
  char script[4200], err[4200], out[4600], final[4600], tpath[4200];
  snprintf(script, sizeof script, "%s/%s.%s.gp", c->tmp, base, fmt);
  snprintf(err, sizeof err, "%s/gnuplot.err", c->tmp);
  snprintf(out, sizeof out, "%s/charts/.%s.%s.tmp", c->dir, base, fmt);
  snprintf(final, sizeof final, "%s/charts/%s.%s", c->dir, base, fmt);
  snprintf(tpath, sizeof tpath, "%s/%s", c->opt->templates_dir, tpl);
  wx__rbuf b = {0};
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/", c->opt->templates_dir);
  wx__rb_puts(&b, "plotdir = ");
  wx__rb_gpstr(&b, dir);
  wx__rb_printf(&b, "\n%s\nterm = '%s'\nout = ", vars, fmt);
  wx__rb_gpstr(&b, out);
  wx__rb_puts(&b, "\n");
  int rc = b.oom ? WX_ENOMEM : wx__write_file_atomic(script, b.s, c->d);
  wx__rb_free(&b);
  char *argv[] = {(char *)(c->opt->gnuplot ? c->opt->gnuplot : "gnuplot"),
                  script, tpath, NULL};
  if (rc == WX_OK) rc = wx__report_tool(argv, err, c->d);
  struct stat st;
  if (rc == WX_OK && (stat(out, &st) != 0 || st.st_size == 0))
    rc = wx__diag(c->d, WX_ERUNTIME, final, 0, 0, "gnuplot wrote no chart");
  if (rc == WX_OK && rename(out, final) != 0)
    rc = wx__diag(c->d, WX_EIO, final, 0, 0, "cannot rename: %s",
                  strerror(errno));
  if (rc != WX_OK) unlink(out);
  unlink(script);
  unlink(err);
  return rc;
}

static int draw(chart_ctx *c, const char *tpl, const char *base,
                const char *vars) {
  int rc = WX_OK;
  for (size_t i = 0; i < 2 && rc == WX_OK; i++)
    rc = draw_one(c, tpl, base, vars, chart_formats[i]);
  return rc;
}

/* Common variables: the data file and the title. */
static void put_vars(wx__rbuf *v, const chart_ctx *c, const char *data,
                     const char *what) {
  char title[800];
  snprintf(title, sizeof title, "%s · %s", c->title, what);
  wx__rb_puts(v, "datafile = ");
  wx__rb_gpstr(v, data);
  wx__rb_puts(v, "\ntitle = ");
  wx__rb_gpstr(v, title);
  wx__rb_puts(v, "\n");
}

typedef struct {
  double t, rev, lo, hi, cost;
} money_row;

/* total/all revenue and cost by time (series_stats.csv is sorted by time). */
static int money_rows(const wx_csv *s, money_row **out, size_t *n,
                      wx_diags *d) {
  static const char *const cols[] = {"time", "scope", "name", "metric",
                                     "mean", "p5",    "p95"};
  long ix[7];
  int rc = wx__csv_require(s, cols, 7, ix, d);
  money_row *r = NULL;
  *n = 0;
  for (size_t i = 0; rc == WX_OK && i < wx__csv_rows(s); i++) {
    const char *m = wx__csv_get(s, i, (size_t)ix[3]);
    int is_rev = !strcmp(m, "revenue"), is_cost = !strcmp(m, "cost");
    if (strcmp(wx__csv_get(s, i, (size_t)ix[1]), "total") ||
        (!is_rev && !is_cost))
      continue;
    double v[4];
    for (int k = 0; k < 4 && rc == WX_OK; k++)
      rc = wx__csv_number(s, i, (size_t)ix[k ? k + 3 : 0], NAN, &v[k], d);
    if (rc != WX_OK) break;
    if (!*n || r[*n - 1].t != v[0]) {
      money_row *more = realloc(r, (*n + 1) * sizeof *r);
      if (!more)
        rc = WX_ENOMEM;
      else
        r = more, r[(*n)++] = (money_row){v[0], 0, 0, 0, 0};
    }
    if (rc != WX_OK) break;
    money_row *row = &r[*n - 1];
    if (is_rev)
      row->rev = v[1], row->lo = v[2], row->hi = v[3];
    else
      row->cost = v[1];
  }
  *out = r;
  return rc;
}

static int payback(chart_ctx *c, const wx_csv *s) {
  money_row *r = NULL;
  size_t n = 0;
  int rc = money_rows(s, &r, &n, c->d);
  if (rc != WX_OK || n == 0 || r[n - 1].cost <= 0) {
    free(r);
    return rc;
  }
  char data[4200];
  snprintf(data, sizeof data, "%s/payback.tsv", c->tmp);
  wx__rbuf b = {0}, v = {0};
  double day = -1;
  wx__rb_puts(&b, "# time\trevenue\tp5\tp95\tcost\n");
  for (size_t i = 0; i < n; i++) {
    wx__rb_printf(&b, "%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", r[i].t, r[i].rev,
                  r[i].lo, r[i].hi, r[i].cost);
    if (day < 0 && r[i].cost > 0 && r[i].rev >= r[i].cost) day = r[i].t;
  }
  put_vars(&v, c, data, "cumulative revenue and cost");
  wx__rb_printf(&v, "payback = %.17g\n", day);
  rc = b.oom || v.oom ? WX_ENOMEM : wx__write_file_atomic(data, b.s, c->d);
  if (rc == WX_OK) rc = draw(c, "payback.gp", "payback", v.s);
  unlink(data);
  wx__rb_free(&b);
  wx__rb_free(&v);
  free(r);
  return rc;
}

enum { MAX_PANELS = 6, MAX_BARS = 8 };

/* The panel of a unit, a new one when there is room, or -1. */
static int panel_of(const char *unit, const char *units[], int *np) {
  for (int p = 0; p < *np; p++)
    if (!strcmp(units[p], unit)) return p;
  if (*np == MAX_PANELS) return -1;
  units[*np] = unit;
  return (*np)++;
}

/* Money, people, counts and ratios first: they tell the plan's story when
 * there are more units than panels. */
static void seed_units(const wx_csv *k, const long ix[5], const char *units[],
                       int *np) {
  static const char *const first[] = {"CNY", "people", "count", "ratio"};
  for (size_t f = 0; f < sizeof first / sizeof *first; f++)
    for (size_t i = 0; i < wx__csv_rows(k); i++)
      if (!strcmp(wx__csv_get(k, i, (size_t)ix[1]), first[f])) {
        units[(*np)++] = wx__csv_get(k, i, (size_t)ix[1]);
        break;
      }
}

/* One block per unit (people, CNY, count ...), a bar per KPI: the
 * kpi_bars.gp layout, with KPIs where a comparison has variants.  Peaks
 * repeat the end counts of a run that only grows, so they are left out. */
static void kpi_blocks(const wx_csv *k, const long ix[5], wx__rbuf *b,
                       const char *units[], int *np) {
  int bars[MAX_PANELS] = {0};
  wx__rbuf blk[MAX_PANELS] = {{0}};
  seed_units(k, ix, units, np);
  for (size_t i = 0; i < wx__csv_rows(k); i++) {
    const char *name = wx__csv_get(k, i, (size_t)ix[0]);
    double v[3];
    int bad = 0;
    for (int j = 0; j < 3; j++)
      bad |= wx__csv_number(k, i, (size_t)ix[2 + j], NAN, &v[j], NULL);
    if (bad || !isfinite(v[0]) || strstr(name, "_peak.")) continue;
    int p = panel_of(wx__csv_get(k, i, (size_t)ix[1]), units, np);
    if (p < 0 || bars[p] == MAX_BARS) continue;
    wx__rb_printf(&blk[p], "%d\t", bars[p]++);
    for (const char *s = name; *s; s++)
      wx__rb_put(&blk[p], strchr("\t\r\n\"", *s) ? "_" : s, 1);
    wx__rb_printf(&blk[p], "\t%.17g\t%.17g\t%.17g\t0\n", v[0],
                  isfinite(v[1]) ? v[1] : v[0], isfinite(v[2]) ? v[2] : v[0]);
  }
  /* A seeded unit whose KPIs all lack a value gets no panel. */
  int kept = 0;
  for (int p = 0; p < *np; p++) {
    if (blk[p].s) {
      wx__rb_puts(b, kept ? "\n\n" : "");
      wx__rb_puts(b, blk[p].s);
      units[kept++] = units[p];
    }
    wx__rb_free(&blk[p]);
  }
  *np = kept;
}

static int kpi_run(chart_ctx *c, const wx_csv *k) {
  static const char *const cols[] = {"kpi", "unit", "mean", "ci_low",
                                     "ci_high"};
  long ix[5];
  int rc = wx__csv_require(k, cols, 5, ix, c->d);
  const char *units[MAX_PANELS];
  int np = 0;
  wx__rbuf b = {0}, v = {0};
  if (rc == WX_OK) kpi_blocks(k, ix, &b, units, &np);
  if (rc != WX_OK || np == 0) return rc;
  char data[4200];
  snprintf(data, sizeof data, "%s/kpi_run.tsv", c->tmp);
  put_vars(&v, c, data, "KPIs (mean, 95% CI)");
  wx__rb_printf(&v, "nkpi = %d\narray kpi_titles[%d]\n", np, np);
  for (int p = 0; p < np; p++) {
    wx__rb_printf(&v, "kpi_titles[%d] = ", p + 1);
    wx__rb_gpstr(&v, units[p]);
    wx__rb_puts(&v, "\n");
  }
  rc = b.oom || v.oom ? WX_ENOMEM : wx__write_file_atomic(data, b.s, c->d);
  if (rc == WX_OK) rc = draw(c, "kpi_bars.gp", "kpi_run", v.s);
  unlink(data);
  wx__rb_free(&b);
  wx__rb_free(&v);
  return rc;
}

/* Loads dir/name when it exists; *c stays NULL when it does not. */
static int load_if(const char *dir, const char *name, wx_csv **c, wx_diags *d) {
  char *path = wx__path_join(dir, name);
  if (!path) return WX_ENOMEM;
  int rc = access(path, F_OK) == 0 ? wx__csv_load(path, c, d) : WX_OK;
  free(path);
  return rc;
}

int wx__report_charts(const char *dir, wx_report_options *opt, wx_diags *d) {
  if (!opt->templates_dir)
    return wx__diag(d, WX_EINVAL, dir, 0, 0, "no chart templates directory");
  chart_ctx *c = calloc(1, sizeof *c);
  if (!c) return wx__diag(d, WX_ENOMEM, dir, 0, 0, "no memory");
  *c = (chart_ctx){dir, opt, d, {0}, {0}};
  wx__report_title(dir, opt, c->title, sizeof c->title);
  snprintf(c->tmp, sizeof c->tmp, "%s/.wxcharts-XXXXXX", dir);
  char *charts = wx__path_join(dir, "charts");
  int rc = charts ? wx__mkdir_p(charts, d) : WX_ENOMEM;
  free(charts);
  int made = rc == WX_OK && mkdtemp(c->tmp) != NULL;
  if (rc == WX_OK && !made)
    rc = wx__diag(d, WX_EIO, dir, 0, 0,
                  "cannot create a temporary "
                  "directory: %s",
                  strerror(errno));
  wx_csv *ss = NULL, *k = NULL;
  if (rc == WX_OK) rc = load_if(dir, "series_stats.csv", &ss, d);
  if (rc == WX_OK && ss) rc = payback(c, ss);
  int rk = rc == WX_OK || rc == WX_ERUNTIME
               ? load_if(dir, "kpi_summary.csv", &k, d)
               : WX_OK;
  if (rk == WX_OK && k) rk = kpi_run(c, k);
  if (rc == WX_OK) rc = rk;
  wx__csv_free(ss);
  wx__csv_free(k);
  if (made) rmdir(c->tmp);
  free(c);
  return rc;
}
