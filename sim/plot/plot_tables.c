/* Charts drawn from one small table each: funnel.csv, constraints.csv. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_int.h"

/* Loads dir/<file> when it exists: WX_ENOTFOUND (no diagnostic) if not. */
static int load_table(wx__plot_ctx *ctx, const char *file,
                      const char *const *need, size_t n, long *col,
                      wx_csv **out) {
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

static int numbers(wx__plot_ctx *ctx, const wx_csv *c, size_t row,
                   const long *col, size_t n, double *x) {
  for (size_t k = 0; k < n; k++) {
    int rc = wx__csv_number(c, row, (size_t)col[k], NAN, &x[k], ctx->diags);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* "% of previous" only where funnel.csv says the stage is nested in the
 * one before (share_of_previous; files without it show counts only). */
static int write_funnel(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                        char path[WX_PLOT_PATH]) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# index\tlabel\tmean\tci_low\tci_high\tpct_of_previous\n", f);
  long cs = wx__csv_col(c, "share_of_previous");
  double x[3];
  int rc = WX_OK;
  for (size_t i = 0; i < wx__csv_rows(c) && rc == WX_OK; i++) {
    rc = numbers(ctx, c, i, col + 2, 3, x);
    if (rc != WX_OK) break;
    const char *label = wx__csv_get(c, i, (size_t)col[1]);
    fprintf(f, "%zu\t", i);
    wx__plot_put_label(f, *label ? label : wx__csv_get(c, i, (size_t)col[0]));
    double share = NAN;
    if (cs >= 0 && wx__csv_number(c, i, (size_t)cs, NAN, &share, NULL))
      share = NAN;
    /* 1000 marks "no share": the template shows the count alone */
    fprintf(f, "\t%.10g\t%.10g\t%.10g\t%.10g\n", x[0],
            isnan(x[1]) ? x[0] : x[1], isnan(x[2]) ? x[0] : x[2],
            isnan(share) ? 1000.0 : 100.0 * share);
  }
  int crc = wx__plot_close(ctx, f, path);
  return rc ? rc : crc;
}

int wx__plot_funnel(wx__plot_ctx *ctx) {
  static const char *const need[] = {"stage", "label", "mean", "ci_low",
                                     "ci_high"};
  long col[5];
  wx_csv *c;
  int rc = load_table(ctx, "funnel.csv", need, 5, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "funnel", "funnel.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  char path[WX_PLOT_PATH], title[600];
  rc = rc ? rc : write_funnel(ctx, c, col, path);
  wx__csv_free(c);
  if (rc != WX_OK) return rc;
  wx__plot_title(ctx, "funnel", title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "funnel.gp", "funnel", v.s);
  wx__sb_free(&v);
  return rc;
}

static int write_constraints(wx__plot_ctx *ctx, const wx_csv *c,
                             const long *col, double *last,
                             char path[WX_PLOT_PATH]) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# index\tlabel\tbound\tfirst_bind_day\trefused\n", f);
  int rc = WX_OK;
  for (size_t i = 0; i < wx__csv_rows(c) && rc == WX_OK; i++) {
    double x[2];
    rc = numbers(ctx, c, i, col + 2, 2, x);
    if (rc != WX_OK) break;
    const char *label = wx__csv_get(c, i, (size_t)col[1]);
    fprintf(f, "%zu\t", i);
    wx__plot_put_label(f, *label ? label : wx__csv_get(c, i, (size_t)col[0]));
    int bound = !isnan(x[0]);
    fprintf(f, "\t%d\t%.10g\t%.10g\n", bound, bound ? x[0] : 0.0,
            isnan(x[1]) ? 0.0 : x[1]);
    if (bound && x[0] > *last) *last = x[0];
  }
  int crc = wx__plot_close(ctx, f, path);
  return rc ? rc : crc;
}

int wx__plot_constraints(wx__plot_ctx *ctx, const wx__plot_results *r) {
  static const char *const need[] = {"constraint", "label", "first_bind_day",
                                     "refused"};
  long col[4];
  wx_csv *c;
  int rc = load_table(ctx, "constraints.csv", need, 4, col, &c);
  if (rc == WX_ENOTFOUND || (rc == WX_OK && wx__csv_rows(c) == 0)) {
    wx__plot_skip(ctx, "constraints", "constraints.csv not found or empty");
    wx__csv_free(c);
    return WX_OK;
  }
  char path[WX_PLOT_PATH], title[600];
  double last = 0;
  rc = rc ? rc : write_constraints(ctx, c, col, &last, path);
  wx__csv_free(c);
  if (rc != WX_OK) return rc;
  double horizon = r && r->ss ? wx__plot_horizon(r) : 0;
  if (horizon <= last) horizon = last > 0 ? last * 1.25 : 1;
  wx__plot_title(ctx, "when caps and quotas bind", title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_printf(&v, "xmax = %.10g\n", horizon);
  rc = v.oom ? WX_ENOMEM
             : wx__plot_run(ctx, "constraints.gp", "constraints", v.s);
  wx__sb_free(&v);
  return rc;
}

int wx__plot_table(wx__plot_ctx *ctx, const char *file, const char *const *need,
                   size_t n, long *col, wx_csv **out) {
  return load_table(ctx, file, need, n, col, out);
}
