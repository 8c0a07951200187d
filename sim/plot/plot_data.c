/* Results-directory data for the charts: entities, series statistics, and
 * the two charts drawn straight from one series file (fan, stacked). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_int.h"
#include "util.h"

int wx__plot_results_load(wx__plot_ctx *ctx, const char *dir,
                          wx__plot_results *r) {
  char path[WX_PLOT_PATH];
  *r = (wx__plot_results){0};
  if (wx__plot_path(path, dir, "series_stats.csv")) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_ENOTFOUND;
  int rc = wx__csv_load(path, &r->ss, ctx->diags);
  if (rc != WX_OK) return rc;
  if (wx__plot_path(path, dir, "entities.csv")) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_OK; /* labels fall back to names */
  rc = wx__csv_load(path, &r->ent, ctx->diags);
  if (rc == WX_OK) {
    static const char *const need[] = {"scope", "name", "label"};
    long idx[3];
    rc = wx__csv_require(r->ent, need, 3, idx, ctx->diags);
  }
  if (rc != WX_OK) wx__plot_results_free(r);
  return rc;
}

void wx__plot_results_free(wx__plot_results *r) {
  wx__csv_free(r->ent);
  wx__csv_free(r->ss);
  *r = (wx__plot_results){0};
}

const char *wx__plot_label(const wx__plot_results *r, const char *scope,
                           const char *name) {
  if (!r->ent) return name;
  long cs = wx__csv_col(r->ent, "scope"), cn = wx__csv_col(r->ent, "name");
  long cl = wx__csv_col(r->ent, "label");
  for (size_t i = 0; i < wx__csv_rows(r->ent); i++) {
    if (strcmp(wx__csv_get(r->ent, i, (size_t)cs), scope) ||
        strcmp(wx__csv_get(r->ent, i, (size_t)cn), name))
      continue;
    const char *label = wx__csv_get(r->ent, i, (size_t)cl);
    return *label ? label : name;
  }
  return name;
}

double wx__plot_horizon(const wx__plot_results *r) {
  long ct = wx__csv_col(r->ss, "time");
  double h = 0;
  for (size_t i = 0; ct >= 0 && i < wx__csv_rows(r->ss); i++) {
    double t = strtod(wx__csv_get(r->ss, i, (size_t)ct), NULL);
    if (t > h) h = t;
  }
  return h;
}

void wx__pseries_free(wx__pseries *s) {
  free(s->t);
  for (int q = 0; q < WX_Q_N; q++) free(s->q[q]);
  *s = (wx__pseries){0};
}

double wx__pseries_at(const wx__pseries *s, int q, double t) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) { /* first index with s->t >= t */
    size_t mid = lo + (hi - lo) / 2;
    if (s->t[mid] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < s->n && fabs(s->t[lo] - t) <= 1e-9 * (1 + fabs(t)))
    return s->q[q][lo];
  return NAN;
}

static int series_alloc(wx__pseries *s, size_t n) {
  s->t = malloc((n ? n : 1) * sizeof *s->t);
  int bad = !s->t;
  for (int q = 0; q < WX_Q_N; q++) {
    s->q[q] = malloc((n ? n : 1) * sizeof *s->q[q]);
    bad |= !s->q[q];
  }
  return bad ? WX_ENOMEM : WX_OK;
}

static int row_matches(const wx_csv *c, size_t row, const long *key,
                       const char *scope, const char *name,
                       const char *metric) {
  return !strcmp(wx__csv_get(c, row, (size_t)key[1]), scope) &&
         !strcmp(wx__csv_get(c, row, (size_t)key[2]), name) &&
         !strcmp(wx__csv_get(c, row, (size_t)key[3]), metric);
}

static int read_point(wx__plot_ctx *ctx, const wx_csv *c, size_t row,
                      const long *col, wx__pseries *s) {
  size_t k = s->n;
  int rc = wx__csv_number(c, row, (size_t)col[0], NAN, &s->t[k], ctx->diags);
  for (int q = 0; q < WX_Q_N && rc == WX_OK; q++)
    rc = wx__csv_number(c, row, (size_t)col[4 + q], NAN, &s->q[q][k],
                        ctx->diags);
  if (rc == WX_OK && k > 0 && !(s->t[k] > s->t[k - 1]))
    rc = wx__diag(ctx->diags, WX_EINVAL, wx__csv_name(c), wx__csv_line(c, row),
                  0, "time is not increasing");
  if (rc == WX_OK) s->n++;
  return rc;
}

int wx__plot_series(wx__plot_ctx *ctx, const wx__plot_results *r,
                    const char *scope, const char *name, const char *metric,
                    wx__pseries *out) {
  static const char *const need[] = {"time", "scope", "name", "metric", "mean",
                                     "p5",   "p25",   "p50",  "p75",    "p95"};
  long col[10];
  *out = (wx__pseries){0};
  int rc = wx__csv_require(r->ss, need, 10, col, ctx->diags);
  if (rc != WX_OK) return rc;
  size_t n = 0, rows = wx__csv_rows(r->ss);
  for (size_t i = 0; i < rows; i++)
    n += (size_t)row_matches(r->ss, i, col, scope, name, metric);
  if (series_alloc(out, n)) {
    wx__pseries_free(out);
    return wx__diag(ctx->diags, WX_ENOMEM, ctx->dir, 0, 0, "no memory");
  }
  for (size_t i = 0; i < rows && rc == WX_OK; i++)
    if (row_matches(r->ss, i, col, scope, name, metric))
      rc = read_point(ctx, r->ss, i, col, out);
  if (rc != WX_OK) wx__pseries_free(out);
  return rc;
}
