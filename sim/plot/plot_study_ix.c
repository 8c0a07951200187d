/* The method charts of a study from indices.csv: tornado (paired change
 * at each end), Sobol S1 and ST bars, PRCC bars (one template of
 * horizontal bars with intervals) and the Morris mu*-sigma scatter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_study.h"
#include "util.h"

typedef struct {
  double v[2], lo[2], hi[2]; /* the chart's one or two indices */
  double order;              /* sorts the rows (largest on top) */
  size_t factor;
} ixrow;

typedef struct {
  const char *chart;     /* file stem: tornado, sobol, prcc */
  const char *index[2];  /* index names; [1] NULL for one series */
  const char *series[2]; /* legend */
  const char *order;     /* index whose |value| sorts the rows */
  const char *xlabel;
  int overlap; /* both series on one row (a tornado) */
} bar_chart;

static const bar_chart bar_charts[] = {
    {"tornado",
     {"low_change", "high_change"},
     {"factor at its low end", "factor at its high end"},
     "swing",
     "change from the base (paired, 95% CI)",
     1},
    {"sobol",
     {"S1", "ST"},
     {"first order S1", "total ST"},
     "ST",
     "Sobol index (95% bootstrap CI)",
     0},
    {"prcc",
     {"prcc", NULL},
     {"PRCC", NULL},
     "prcc",
     "partial rank correlation (95% CI)",
     0}};

/* The row of indices.csv for (factor path, kpi, index), or -1. */
static long find_row(const wx_csv *c, const char *path, const char *kpi,
                     const char *index) {
  for (size_t r = 0; r < wx__csv_rows(c); r++)
    if (!strcmp(wx__csv_get(c, r, 0), path) &&
        !strcmp(wx__csv_get(c, r, 1), kpi) &&
        !strcmp(wx__csv_get(c, r, 2), index))
      return (long)r;
  return -1;
}

static void lookup(const wx__study_tables *t, size_t i, const char *kpi,
                   const char *index, double *v, double *lo, double *hi) {
  long r = index
               ? find_row(t->indices, wx__csv_get(t->factors, i, 0), kpi, index)
               : -1;
  *v = r >= 0 ? wx__study_num(t->indices, (size_t)r, 3) : NAN;
  *lo = r >= 0 ? wx__study_num(t->indices, (size_t)r, 4) : NAN;
  *hi = r >= 0 ? wx__study_num(t->indices, (size_t)r, 5) : NAN;
  if (!isfinite(*lo)) *lo = *v;
  if (!isfinite(*hi)) *hi = *v;
}

static int by_order(const void *a, const void *b) {
  double x = ((const ixrow *)a)->order, y = ((const ixrow *)b)->order;
  return (x > y) - (x < y);
}

/* Rows for one KPI, smallest first (gnuplot draws them bottom up). */
static size_t gather(const wx__study_tables *t, const bar_chart *b,
                     const char *kpi, ixrow *rows) {
  size_t n = 0;
  for (size_t i = 0; i < t->k; i++) {
    ixrow r = {.factor = i};
    double lo, hi;
    for (int s = 0; s < 2; s++)
      lookup(t, i, kpi, b->index[s], &r.v[s], &r.lo[s], &r.hi[s]);
    lookup(t, i, kpi, b->order, &r.order, &lo, &hi);
    r.order = fabs(r.order);
    if (!isfinite(r.order)) r.order = -1;
    if (isfinite(r.v[0]) || isfinite(r.v[1])) rows[n++] = r;
  }
  qsort(rows, n, sizeof *rows, by_order);
  return n;
}

static int bar_data(wx__plot_ctx *ctx, const wx__study_tables *t,
                    const ixrow *rows, size_t n, char path[WX_PLOT_PATH]) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# row\tlabel\tv1\tlo1\thi1\tv2\tlo2\thi2\n", f);
  for (size_t r = 0; r < n; r++) {
    fprintf(f, "%zu\t", r);
    wx__plot_put_label(f, wx__study_factor_label(t, rows[r].factor));
    for (int s = 0; s < 2; s++)
      fprintf(f, "\t%.10g\t%.10g\t%.10g", rows[r].v[s], rows[r].lo[s],
              rows[r].hi[s]);
    fputc('\n', f);
  }
  return wx__plot_close(ctx, f, path);
}

static int bars(wx__plot_ctx *ctx, const wx__study_tables *t,
                const bar_chart *b, const char *kpi) {
  ixrow *rows = malloc((t->k ? t->k : 1) * sizeof *rows);
  if (!rows) return WX_ENOMEM;
  size_t n = gather(t, b, kpi, rows);
  char path[WX_PLOT_PATH], what[400], title[800], base[300], safe[256];
  int rc = n ? bar_data(ctx, t, rows, n, path) : WX_OK;
  free(rows);
  if (n == 0) wx__plot_skip(ctx, b->chart, "a KPI has no index to draw");
  if (rc != WX_OK || n == 0) return rc;
  snprintf(what, sizeof what, "%s: %s", kpi, b->xlabel);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "xlabel", b->xlabel);
  wx__sb_gpvar(&v, "series1", b->series[0]);
  wx__sb_gpvar(&v, "series2", b->series[1] ? b->series[1] : "");
  wx__sb_printf(&v, "nseries = %d\noverlap = %d\n", b->index[1] ? 2 : 1,
                b->overlap);
  wx__plot_safe_name(safe, sizeof safe, kpi);
  snprintf(base, sizeof base, "%s_%s", b->chart, safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "study_bars.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

static int morris_data(wx__plot_ctx *ctx, const wx__study_tables *t,
                       const char *kpi, char path[WX_PLOT_PATH], size_t *n) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# mu_star\tsigma\tlabel\tmu_star_lo\tmu_star_hi\n", f);
  *n = 0;
  for (size_t i = 0; i < t->k; i++) {
    double m, lo, hi, s, slo, shi;
    lookup(t, i, kpi, "mu_star", &m, &lo, &hi);
    lookup(t, i, kpi, "sigma", &s, &slo, &shi);
    if (!isfinite(m) || !isfinite(s)) continue;
    fprintf(f, "%.10g\t%.10g\t", m, s);
    wx__plot_put_label(f, wx__study_factor_label(t, i));
    fprintf(f, "\t%.10g\t%.10g\n", lo, hi);
    (*n)++;
  }
  return wx__plot_close(ctx, f, path);
}

static int morris(wx__plot_ctx *ctx, const wx__study_tables *t,
                  const char *kpi) {
  char path[WX_PLOT_PATH], what[400], title[800], base[300], safe[256];
  size_t n = 0;
  int rc = morris_data(ctx, t, kpi, path, &n);
  if (rc != WX_OK || n == 0) return rc;
  snprintf(what, sizeof what, "%s: Morris mu* (95%% CI) and sigma", kpi);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__plot_safe_name(safe, sizeof safe, kpi);
  snprintf(base, sizeof base, "morris_%s", safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "study_morris.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

static const bar_chart *bar_chart_of(const char *method) {
  for (size_t i = 0; i < sizeof bar_charts / sizeof *bar_charts; i++)
    if (!strcmp(bar_charts[i].chart, method)) return &bar_charts[i];
  return NULL;
}

int wx__plot_study_indices(wx__plot_ctx *ctx, const wx__study_tables *t) {
  static const char *const need[] = {"factor", "kpi", "index",
                                     "value",  "lo",  "hi"};
  long col[6];
  int rc = wx__csv_require(t->indices, need, 6, col, ctx->diags);
  if (rc == WX_OK && (col[0] != 0 || col[1] != 1 || col[2] != 2 ||
                      col[3] != 3 || col[4] != 4 || col[5] != 5))
    rc = wx__diag(ctx->diags, WX_EINVAL, wx__csv_name(t->indices), 1, 0,
                  "expected the columns factor,kpi,index,value,lo,hi,p");
  const bar_chart *b = bar_chart_of(t->method);
  int is_morris = !strcmp(t->method, "morris");
  if (rc == WX_OK && !b && !is_morris)
    wx__plot_skip(ctx, "indices", "manifest.json names no known method");
  size_t n = t->n_kpi < WX_STUDY_CHART_KPIS ? t->n_kpi : WX_STUDY_CHART_KPIS;
  for (size_t j = 0; rc == WX_OK && j < n; j++) {
    char kpi[256];
    wx__study_kpi_name(t, j, kpi, sizeof kpi);
    if (b)
      rc = bars(ctx, t, b, kpi);
    else if (is_morris)
      rc = morris(ctx, t, kpi);
  }
  return rc;
}
