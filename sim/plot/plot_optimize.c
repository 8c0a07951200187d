/* Charts of an optimisation directory: a response curve per variable
 * (curves.csv, the optimum from allocation.csv) and the efficient frontier
 * (frontier.csv). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* allocation.csv: the optimal value of `var` (NaN when not found) and the
 * objective KPI's name (the row "kpi.NAME"). */
static void optimum_of(const wx_csv *alloc, const char *var, double *opt,
                       const char **kpi) {
  *opt = NAN;
  long cv = alloc ? wx__csv_col(alloc, "variable") : -1;
  long co = alloc ? wx__csv_col(alloc, "optimal") : -1;
  for (size_t i = 0; cv >= 0 && co >= 0 && i < wx__csv_rows(alloc); i++) {
    const char *v = wx__csv_get(alloc, i, (size_t)cv);
    if (var && !strcmp(v, var))
      wx__csv_number(alloc, i, (size_t)co, NAN, opt, NULL);
    if (!strncmp(v, "kpi.", 4)) *kpi = v + 4;
  }
}

static int curve_data(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                      size_t from, size_t to, char path[WX_PLOT_PATH]) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# value\tmean\tci_low\tci_high\tfeasible\n", f);
  int rc = WX_OK;
  for (size_t i = from; i < to && rc == WX_OK; i++) {
    double x[5];
    for (size_t k = 0; k < 5 && rc == WX_OK; k++)
      rc = wx__csv_number(c, i, (size_t)col[2 + k], NAN, &x[k], ctx->diags);
    if (rc != WX_OK) break;
    /* a band needs both ends: a point without an interval is its own */
    fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%d\n", x[0], x[2],
            isnan(x[3]) ? x[2] : x[3], isnan(x[4]) ? x[2] : x[4], x[1] != 0);
  }
  int crc = wx__plot_close(ctx, f, path);
  return rc ? rc : crc;
}

static int one_curve(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                     size_t from, size_t to, const wx_csv *alloc) {
  const char *var = wx__csv_get(c, from, (size_t)col[0]);
  const char *name = wx__csv_get(c, from, (size_t)col[1]);
  const char *kpi = "objective";
  double opt;
  optimum_of(alloc, var, &opt, &kpi);
  char path[WX_PLOT_PATH], title[600], what[400], base[200], safe[160];
  int rc = curve_data(ctx, c, col, from, to, path);
  if (rc != WX_OK) return rc;
  snprintf(what, sizeof what, "%s as %s moves", kpi, *name ? name : var);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__plot_safe_name(safe, sizeof safe, var);
  snprintf(base, sizeof base, "response_%s", safe);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "xlabel", *name ? name : var);
  wx__sb_gpvar(&v, "ylabel", kpi);
  if (!isnan(opt)) wx__sb_printf(&v, "optimum = %.10g\n", opt);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "response.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

static int curves(wx__plot_ctx *ctx, const wx_csv *alloc) {
  static const char *const need[] = {"variable", "name",   "value",  "feasible",
                                     "mean",     "ci_low", "ci_high"};
  long col[7];
  wx_csv *c;
  int rc = wx__plot_table(ctx, "curves.csv", need, 7, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "response", "curves.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  size_t n = rc == WX_OK ? wx__csv_rows(c) : 0;
  for (size_t from = 0, to; rc == WX_OK && from < n; from = to) {
    const char *var = wx__csv_get(c, from, (size_t)col[0]);
    for (to = from + 1;
         to < n && !strcmp(wx__csv_get(c, to, (size_t)col[0]), var);)
      to++;
    rc = one_curve(ctx, c, col, from, to, alloc);
  }
  wx__csv_free(c);
  return rc;
}

static int frontier(wx__plot_ctx *ctx, const wx_csv *alloc) {
  static const char *const need[] = {"constraint", "max", "mean", "ci_low",
                                     "ci_high"};
  long col[5];
  wx_csv *c;
  int rc = wx__plot_table(ctx, "frontier.csv", need, 5, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "frontier", "frontier.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  char path[WX_PLOT_PATH], title[600], what[300];
  FILE *f = rc == WX_OK ? wx__plot_datafile(ctx, path) : NULL;
  if (rc == WX_OK && !f) rc = WX_EIO;
  for (size_t i = 0; rc == WX_OK && i < wx__csv_rows(c); i++) {
    double x[4];
    for (size_t k = 0; k < 4 && rc == WX_OK; k++)
      rc = wx__csv_number(c, i, (size_t)col[1 + k], NAN, &x[k], ctx->diags);
    if (rc == WX_OK)
      fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\n", x[0], x[1],
              isnan(x[2]) ? x[1] : x[2], isnan(x[3]) ? x[1] : x[3]);
  }
  if (f) {
    int crc = wx__plot_close(ctx, f, path);
    if (rc == WX_OK) rc = crc;
  }
  const char *kpi = "objective";
  double unused;
  optimum_of(alloc, NULL, &unused, &kpi);
  if (rc == WX_OK) {
    const char *cons = wx__csv_get(c, 0, (size_t)col[0]);
    snprintf(what, sizeof what, "best %s by the bound of %s", kpi, cons);
    wx__plot_title(ctx, what, title, sizeof title);
    wx__sbuf v = {0};
    wx__sb_gpvar(&v, "datafile", path);
    wx__sb_gpvar(&v, "title", title);
    wx__sb_gpvar(&v, "xlabel", cons);
    wx__sb_gpvar(&v, "ylabel", kpi);
    rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "frontier.gp", "frontier", v.s);
    wx__sb_free(&v);
  }
  wx__csv_free(c);
  return rc;
}

int wx__plot_optimize(wx__plot_ctx *ctx) {
  static const char *const need[] = {"variable", "optimal"};
  long col[2];
  wx_csv *alloc = NULL;
  /* only an optimisation directory has these charts: elsewhere they are
   * not "skipped", they do not apply */
  int have = wx__plot_table(ctx, "allocation.csv", need, 2, col, &alloc);
  if (have == WX_ENOTFOUND) return WX_OK;
  if (have != WX_OK) alloc = NULL;
  int rc = curves(ctx, alloc);
  int one = frontier(ctx, alloc);
  wx__csv_free(alloc);
  return rc ? rc : one;
}
