/* Charts of a calibration (calib.h): per observed metric, the observed
 * daily counts over the predicted median and 90% band (calib_fit.csv);
 * and the loss of every evaluation with the best so far (loss_trace.csv).
 * Skipped, with a note, in directories without those files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_int.h"

static int load(wx__plot_ctx *ctx, const char *file, const char *const *need,
                size_t n, long *col, wx_csv **out) {
  char path[WX_PLOT_PATH];
  *out = NULL;
  if (wx__plot_path(path, ctx->dir, file)) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_ENOTFOUND;
  int rc = wx__csv_load(path, out, ctx->diags);
  rc = rc ? rc : wx__csv_require(*out, need, n, col, ctx->diags);
  if (rc != WX_OK) {
    wx__csv_free(*out);
    *out = NULL;
  }
  return rc;
}

/* Rows of one metric: day p5 p50 p95 observed_fit observed_holdout. */
static int write_metric(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                        const char *metric, char path[WX_PLOT_PATH],
                        double *split) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# day\tp5\tp50\tp95\tobserved_fit\tobserved_holdout\n", f);
  int rc = WX_OK;
  *split = NAN;
  for (size_t i = 0; i < wx__csv_rows(c) && rc == WX_OK; i++) {
    if (strcmp(wx__csv_get(c, i, (size_t)col[0]), metric)) continue;
    double x[5];
    for (size_t k = 0; k < 5 && rc == WX_OK; k++)
      rc = wx__csv_number(c, i, (size_t)col[k + 1], NAN, &x[k], ctx->diags);
    if (rc != WX_OK) break;
    int held = !strcmp(wx__csv_get(c, i, (size_t)col[6]), "holdout");
    if (held && isnan(*split)) *split = x[0] - 0.5;
    fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", x[0], x[2], x[3],
            x[4], held ? NAN : x[1], held ? x[1] : NAN);
  }
  int crc = wx__plot_close(ctx, f, path);
  return rc ? rc : crc;
}

static int draw_metric(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                       const char *metric) {
  char path[WX_PLOT_PATH], title[600], what[300], base[200], safe[160];
  double split;
  int rc = write_metric(ctx, c, col, metric, path, &split);
  if (rc != WX_OK) return rc;
  snprintf(what, sizeof what, "calibration: %s", metric);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__plot_safe_name(safe, sizeof safe, metric);
  snprintf(base, sizeof base, "calib_fit_%s", safe);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "label", metric);
  if (!isnan(split)) wx__sb_printf(&v, "split = %.10g\n", split);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "calib_fit.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

static int fit_charts(wx__plot_ctx *ctx) {
  static const char *const need[] = {"metric", "day", "observed", "p5",
                                     "p50",    "p95", "part"};
  long col[7];
  wx_csv *c;
  int rc = load(ctx, "calib_fit.csv", need, 7, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "calib_fit", "calib_fit.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  for (size_t i = 0; rc == WX_OK && i < wx__csv_rows(c); i++) {
    const char *m = wx__csv_get(c, i, (size_t)col[0]);
    if (i == 0 || strcmp(m, wx__csv_get(c, i - 1, (size_t)col[0])))
      rc = draw_metric(ctx, c, col, m);
  }
  wx__csv_free(c);
  return rc;
}

static int trace_chart(wx__plot_ctx *ctx) {
  static const char *const need[] = {"eval", "loss", "best"};
  long col[3];
  wx_csv *c;
  int rc = load(ctx, "loss_trace.csv", need, 3, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "loss_trace", "loss_trace.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  char path[WX_PLOT_PATH], title[600];
  FILE *f = rc == WX_OK ? wx__plot_datafile(ctx, path) : NULL;
  if (rc == WX_OK && !f) rc = WX_EIO;
  if (f) fputs("# eval\tloss\tbest\n", f);
  for (size_t i = 0; f && rc == WX_OK && i < wx__csv_rows(c); i++) {
    double x[3];
    for (size_t k = 0; k < 3 && rc == WX_OK; k++)
      rc = wx__csv_number(c, i, (size_t)col[k], NAN, &x[k], ctx->diags);
    if (rc == WX_OK) fprintf(f, "%.10g\t%.10g\t%.10g\n", x[0], x[1], x[2]);
  }
  wx__csv_free(c);
  if (f) {
    int crc = wx__plot_close(ctx, f, path);
    rc = rc ? rc : crc;
  }
  if (rc != WX_OK) return rc;
  wx__plot_title(ctx, "calibration loss", title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  rc =
      v.oom ? WX_ENOMEM : wx__plot_run(ctx, "loss_trace.gp", "loss_trace", v.s);
  wx__sb_free(&v);
  return rc;
}

int wx__plot_calib(wx__plot_ctx *ctx) {
  /* only a calibration directory (fit.csv) has these charts: elsewhere
   * they are not "skipped", they do not apply (as in plot_optimize.c) */
  char path[WX_PLOT_PATH];
  if (wx__plot_path(path, ctx->dir, "fit.csv") != WX_OK ||
      access(path, F_OK) != 0)
    return WX_OK;
  int rc = fit_charts(ctx), rc2 = trace_chart(ctx);
  return rc ? rc : rc2;
}
