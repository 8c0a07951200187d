/* Charts of series over time: a fan per module, members stacked by module,
 * and one series overlaid across the variants of a comparison. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* Entities of one scope, in file order: row indexes into r->ent. */
static size_t scope_rows(const wx__plot_results *r, const char *scope,
                         size_t *rows, size_t max) {
  long cs = wx__csv_col(r->ent, "scope");
  size_t n = 0;
  for (size_t i = 0; i < wx__csv_rows(r->ent) && n < max; i++)
    if (!strcmp(wx__csv_get(r->ent, i, (size_t)cs), scope)) rows[n++] = i;
  return n;
}

static const char *ent_name(const wx__plot_results *r, size_t row) {
  return wx__csv_get(r->ent, row, (size_t)wx__csv_col(r->ent, "name"));
}

static void put_num(FILE *f, double v) {
  if (isnan(v))
    fputs("\tNaN", f);
  else
    fprintf(f, "\t%.10g", v);
}

static int write_fan_data(wx__plot_ctx *ctx, const wx__pseries *s,
                          char path[WX_PLOT_PATH]) {
  static const int order[] = {WX_Q_P5,  WX_Q_P25, WX_Q_P50,
                              WX_Q_P75, WX_Q_P95, WX_Q_MEAN};
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# time\tp5\tp25\tp50\tp75\tp95\tmean\n", f);
  for (size_t i = 0; i < s->n; i++) {
    fprintf(f, "%.10g", s->t[i]);
    for (int k = 0; k < 6; k++) put_num(f, s->q[order[k]][i]);
    fputc('\n', f);
  }
  return wx__plot_close(ctx, f, path);
}

/* The fan's top: its largest p95 (0 when it has none). */
static double fan_top(const wx__pseries *s) {
  double top = 0;
  for (size_t i = 0; i < s->n; i++)
    if (isfinite(s->q[WX_Q_P95][i])) top = fmax(top, s->q[WX_Q_P95][i]);
  return top;
}

static int fan_one(wx__plot_ctx *ctx, const wx__plot_results *r,
                   const wx__plot_levels *lv, const char *name, int color) {
  wx__pseries s;
  char path[WX_PLOT_PATH], base[300], safe[256], title[768];
  int rc = wx__plot_series(ctx, r, "module", name, ctx->fan_metric, &s);
  if (rc != WX_OK) return rc;
  snprintf(base, sizeof base, "fan %s", name);
  if (s.n == 0) {
    wx__pseries_free(&s);
    wx__plot_skip(ctx, base, "no rows for this module and metric");
    return WX_OK;
  }
  wx__sbuf v = {0};
  rc = write_fan_data(ctx, &s, path);
  if (rc == WX_OK)
    rc = wx__plot_levels_vars(ctx, lv, name, ctx->fan_metric, fan_top(&s),
                              s.t[s.n - 1], &v);
  wx__pseries_free(&s);
  if (rc != WX_OK) {
    wx__sb_free(&v);
    return rc;
  }
  const char *label = wx__plot_label(r, "module", name);
  wx__plot_title(ctx, label, title, sizeof title);
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "ylabel", ctx->fan_metric);
  wx__sb_gpvar(&v, "label", label);
  wx__sb_printf(&v, "color = %d\n", color);
  wx__plot_safe_name(safe, sizeof safe, name);
  snprintf(base, sizeof base, "fan_%s", safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "fan.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

int wx__plot_fans(wx__plot_ctx *ctx, const wx__plot_results *r) {
  if (!r->ent) {
    wx__plot_skip(ctx, "fan charts", "entities.csv not found");
    return WX_OK;
  }
  size_t n = wx__csv_rows(r->ent), *rows = malloc((n ? n : 1) * sizeof *rows);
  if (!rows) return WX_ENOMEM;
  n = scope_rows(r, "module", rows, n);
  wx__plot_levels lv;
  int rc = wx__plot_levels_load(ctx, &lv);
  for (size_t i = 0; i < n && rc != WX_ENOMEM; i++) {
    int one = fan_one(ctx, r, &lv, ent_name(r, rows[i]), (int)i + 1);
    if (rc == WX_OK) rc = one;
  }
  wx__plot_levels_free(&lv);
  if (n == 0) wx__plot_skip(ctx, "fan charts", "no modules in entities.csv");
  free(rows);
  int live = wx__plot_live(ctx, r);
  return rc == WX_OK ? live : rc;
}

static int write_stacked_data(wx__plot_ctx *ctx, const wx__plot_results *r,
                              const size_t *rows, const wx__pseries *s,
                              size_t n, char path[WX_PLOT_PATH]) {
  const wx__pseries *grid = &s[0];
  for (size_t i = 0; i < n && grid->n == 0; i++) grid = &s[i];
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("time", f);
  for (size_t i = 0; i < n; i++) {
    fputc('\t', f);
    wx__plot_put_label(f, wx__plot_label(r, "module", ent_name(r, rows[i])));
  }
  fputc('\n', f);
  for (size_t k = 0; k < grid->n; k++) {
    fprintf(f, "%.10g", grid->t[k]);
    for (size_t i = 0; i < n; i++) {
      double v = wx__pseries_at(&s[i], WX_Q_MEAN, grid->t[k]);
      put_num(f, isnan(v) ? 0.0 : v); /* a gap would break the stack */
    }
    fputc('\n', f);
  }
  return wx__plot_close(ctx, f, path);
}

static int stacked_draw(wx__plot_ctx *ctx, const wx__plot_results *r,
                        const size_t *rows, const wx__pseries *s, size_t n) {
  char path[WX_PLOT_PATH], title[768];
  int rc = write_stacked_data(ctx, r, rows, s, n, path);
  if (rc != WX_OK) return rc;
  wx__plot_title(ctx, "members by module", title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_printf(&v, "nseries = %zu\n", n);
  rc = v.oom ? WX_ENOMEM
             : wx__plot_run(ctx, "stacked.gp", "stacked_members", v.s);
  wx__sb_free(&v);
  return rc;
}

int wx__plot_stacked(wx__plot_ctx *ctx, const wx__plot_results *r) {
  if (!r->ent) {
    wx__plot_skip(ctx, "stacked_members", "entities.csv not found");
    return WX_OK;
  }
  size_t n = wx__csv_rows(r->ent), *rows = malloc((n ? n : 1) * sizeof *rows);
  wx__pseries *s = calloc(n ? n : 1, sizeof *s);
  int rc = rows && s ? WX_OK : WX_ENOMEM;
  n = rc ? 0 : scope_rows(r, "module", rows, n);
  size_t points = 0;
  for (size_t i = 0; i < n && rc == WX_OK; i++) {
    rc = wx__plot_series(ctx, r, "module", ent_name(r, rows[i]), "members",
                         &s[i]);
    points += s[i].n;
  }
  if (rc == WX_OK && points == 0)
    wx__plot_skip(ctx, "stacked_members", "no module members in the series");
  else if (rc == WX_OK)
    rc = stacked_draw(ctx, r, rows, s, n);
  for (size_t i = 0; s && i < n; i++) wx__pseries_free(&s[i]);
  free(s);
  free(rows);
  return rc;
}
