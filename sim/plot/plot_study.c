/* Charts of a study directory (study.csv, factors.csv, indices.csv,
 * manifest.json from study_out.c): response curves with 95% bands (a
 * one-factor design, or each factor of an OAT), a heat map for a grid of
 * two factors (this file), and the method charts (plot_study_ix.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_study.h"
#include "util.h"

void wx__study_tables_free(wx__study_tables *t) {
  wx__csv_free(t->study);
  wx__csv_free(t->factors);
  wx__csv_free(t->indices);
  free(t->fcol);
  *t = (wx__study_tables){0};
}

/* `"key": "word"` of manifest.json (design and method names are plain
 * words, so no JSON decoding is needed). */
static void manifest_word(const char *dir, const char *key, char *out,
                          size_t size) {
  char path[WX_PLOT_PATH], buf[16384], pat[64];
  out[0] = '\0';
  if (wx__plot_path(path, dir, "manifest.json")) return;
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  snprintf(pat, sizeof pat, "\"%s\": \"", key);
  const char *p = strstr(buf, pat);
  if (!p) return;
  p += strlen(pat);
  size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
  snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), p);
}

static int load_csv(wx__plot_ctx *ctx, const char *name, wx_csv **out) {
  char path[WX_PLOT_PATH];
  *out = NULL;
  if (wx__plot_path(path, ctx->dir, name)) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_ENOTFOUND;
  return wx__csv_load(path, out, ctx->diags);
}

static int find_columns(wx__plot_ctx *ctx, wx__study_tables *t) {
  static const char *const need[] = {"factor", "name"};
  long fc[2];
  int rc = wx__csv_require(t->factors, need, 2, fc, ctx->diags);
  t->k = wx__csv_rows(t->factors);
  t->fcol = calloc(t->k ? t->k : 1, sizeof *t->fcol);
  if (rc == WX_OK && !t->fcol) rc = WX_ENOMEM;
  for (size_t i = 0; rc == WX_OK && i < t->k; i++) {
    t->fcol[i] = wx__csv_col(t->study, wx__csv_get(t->factors, i, 0));
    if (t->fcol[i] < 0)
      rc = wx__diag(ctx->diags, WX_EINVAL, wx__csv_name(t->study), 1, 0,
                    "no column for factor `%s`", wx__csv_get(t->factors, i, 0));
  }
  /* KPI columns follow the factors, three each: _mean, _lo, _hi. */
  size_t first = 1 + t->k, cols = wx__csv_cols(t->study);
  t->n_kpi = cols > first ? (cols - first) / 3 : 0;
  t->kcol0 = (long)first;
  return rc;
}

int wx__study_tables_load(wx__plot_ctx *ctx, wx__study_tables *t) {
  *t = (wx__study_tables){0};
  int rc = load_csv(ctx, "study.csv", &t->study);
  if (rc == WX_OK) rc = load_csv(ctx, "factors.csv", &t->factors);
  if (rc == WX_OK) rc = find_columns(ctx, t);
  if (rc == WX_OK) {
    int ix = load_csv(ctx, "indices.csv", &t->indices);
    if (ix != WX_ENOTFOUND) rc = ix;
  }
  manifest_word(ctx->dir, "design", t->design, sizeof t->design);
  manifest_word(ctx->dir, "method", t->method, sizeof t->method);
  if (rc != WX_OK) wx__study_tables_free(t);
  return rc;
}

/* The KPI of column block j: its header without the "_mean" suffix. */
void wx__study_kpi_name(const wx__study_tables *t, size_t j, char *out,
                        size_t size) {
  const char *h = wx__csv_header(t->study, (size_t)t->kcol0 + 3 * j);
  size_t n = strlen(h);
  if (n > 5 && !strcmp(h + n - 5, "_mean")) n -= 5;
  snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), h);
}

double wx__study_num(const wx_csv *c, size_t row, long col) {
  double x = NAN;
  if (col < 0 || wx__csv_number(c, row, (size_t)col, NAN, &x, NULL) != WX_OK)
    return NAN;
  return x;
}

const char *wx__study_factor_label(const wx__study_tables *t, size_t i) {
  const char *name = wx__csv_get(t->factors, i, 1);
  return *name ? name : wx__csv_get(t->factors, i, 0);
}

/* ------------------------------------------------------------ responses */

typedef struct {
  double x, mean, lo, hi;
} rpoint;

static int by_x(const void *a, const void *b) {
  double x = ((const rpoint *)a)->x, y = ((const rpoint *)b)->x;
  return (x > y) - (x < y);
}

/* The points of factor i's panel: OAT's base and factor i's two ends, or
 * every point (one factor; or a scatter of a sampling design). */
static size_t curve(const wx__study_tables *t, size_t i, size_t j, int oat,
                    rpoint *out) {
  size_t rows = wx__csv_rows(t->study), n = 0;
  long mc = t->kcol0 + 3 * (long)j;
  for (size_t r = 0; r < rows; r++) {
    if (oat && r != 0 && r != 1 + 2 * i && r != 2 + 2 * i) continue;
    rpoint p = {
        wx__study_num(t->study, r, t->fcol[i]), wx__study_num(t->study, r, mc),
        wx__study_num(t->study, r, mc + 1), wx__study_num(t->study, r, mc + 2)};
    if (isfinite(p.x) && isfinite(p.mean)) out[n++] = p;
  }
  qsort(out, n, sizeof *out, by_x);
  return n;
}

/* One block per factor; empty[i] says that factor i's panel has no value
 * (a KPI not available at those points: cac without customers). */
static int response_data(wx__plot_ctx *ctx, const wx__study_tables *t, size_t j,
                         int oat, unsigned char *empty,
                         char path[WX_PLOT_PATH]) {
  size_t rows = wx__csv_rows(t->study);
  rpoint *pts = malloc((rows ? rows : 1) * sizeof *pts);
  FILE *f = pts ? wx__plot_datafile(ctx, path) : NULL;
  if (!f) {
    free(pts);
    return pts ? WX_EIO : WX_ENOMEM;
  }
  fputs("# x\tmean\tlo\thi (one block per factor)\n", f);
  for (size_t i = 0; i < t->k; i++) {
    size_t n = curve(t, i, j, oat, pts);
    if (i) fputs("\n\n", f);
    for (size_t r = 0; r < n; r++)
      fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\n", pts[r].x, pts[r].mean,
              isfinite(pts[r].lo) ? pts[r].lo : pts[r].mean,
              isfinite(pts[r].hi) ? pts[r].hi : pts[r].mean);
    if (n == 0) fputs("NaN\tNaN\tNaN\tNaN\n", f);
    empty[i] = n == 0;
  }
  free(pts);
  return wx__plot_close(ctx, f, path);
}

/* Whether factor i was sampled on a log scale (factors.csv `scale`). */
static int log_scale(const wx__study_tables *t, size_t i) {
  long c = wx__csv_col(t->factors, "scale");
  return c >= 0 && !strcmp(wx__csv_get(t->factors, i, (size_t)c), "log");
}

/* Curves with bands (one factor, OAT), or a scatter of every point
 * against each factor (a sampling design of several factors). */
static int response(wx__plot_ctx *ctx, const wx__study_tables *t, size_t j,
                    int scatter) {
  char path[WX_PLOT_PATH], kpi[256], what[400], title[800], base[300];
  wx__study_kpi_name(t, j, kpi, sizeof kpi);
  unsigned char *empty = calloc(t->k ? t->k : 1, 1);
  if (!empty) return WX_ENOMEM;
  int rc = response_data(ctx, t, j, !strcmp(t->design, "oat"), empty, path);
  size_t n_empty = 0;
  for (size_t i = 0; i < t->k; i++) n_empty += empty[i];
  if (rc == WX_OK && n_empty == t->k) {
    wx__plot_skip(ctx, "response", "a KPI has no value at any point");
    free(empty);
    return WX_OK;
  }
  if (rc != WX_OK) {
    free(empty);
    return rc;
  }
  snprintf(what, sizeof what,
           scatter ? "%s against each factor (mean of "
                     "each point)"
                   : "%s by factor (mean, 95%% CI band)",
           kpi);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "ylabel", kpi);
  wx__sb_printf(&v, "npanel = %zu\narray panel_titles[%zu]\n", t->k, t->k);
  wx__sb_printf(&v,
                "array panel_log[%zu]\narray panel_empty[%zu]\n"
                "scatter = %d\n",
                t->k, t->k, scatter);
  for (size_t i = 0; i < t->k; i++) {
    wx__sb_printf(&v, "panel_titles[%zu] = ", i + 1);
    wx__sb_gpstr(&v, wx__study_factor_label(t, i));
    wx__sb_printf(&v, "\npanel_log[%zu] = %d\npanel_empty[%zu] = %d\n", i + 1,
                  log_scale(t, i), i + 1, empty[i]);
  }
  free(empty);
  char safe[256];
  wx__plot_safe_name(safe, sizeof safe, kpi);
  snprintf(base, sizeof base, "%s_%s", scatter ? "scatter" : "response", safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "study_response.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

/* ------------------------------------------------------------- heat map */

/* The distinct values of column col in order of first appearance. */
static size_t levels(const wx_csv *c, long col, double *out, size_t cap) {
  size_t n = 0;
  for (size_t r = 0; r < wx__csv_rows(c); r++) {
    double x = wx__study_num(c, r, col);
    size_t i = 0;
    while (i < n && out[i] != x) i++;
    if (i == n && n < cap) out[n++] = x;
  }
  return n;
}

static size_t index_of(const double *v, size_t n, double x) {
  size_t i = 0;
  while (i < n && v[i] != x) i++;
  return i;
}

static int heat_data(wx__plot_ctx *ctx, const wx__study_tables *t, size_t j,
                     char path[WX_PLOT_PATH], size_t *finite) {
  size_t rows = wx__csv_rows(t->study);
  double *a = malloc((rows + 1) * sizeof *a);
  double *b = malloc((rows + 1) * sizeof *b);
  FILE *f = a && b ? wx__plot_datafile(ctx, path) : NULL;
  int rc = f ? WX_OK : a && b ? WX_EIO : WX_ENOMEM;
  if (rc == WX_OK) {
    size_t na = levels(t->study, t->fcol[0], a, rows);
    size_t nb = levels(t->study, t->fcol[1], b, rows);
    fputs("# i\tj\tmean\tx_label\ty_label\n", f);
    *finite = 0;
    for (size_t r = 0; r < rows; r++) {
      double x = wx__study_num(t->study, r, t->fcol[0]);
      double y = wx__study_num(t->study, r, t->fcol[1]);
      double m = wx__study_num(t->study, r, t->kcol0 + 3 * (long)j);
      *finite += isfinite(m) != 0;
      fprintf(f, "%zu\t%zu\t%.10g\t%.4g\t%.4g\n", index_of(a, na, x),
              index_of(b, nb, y), m, x, y);
    }
    rc = wx__plot_close(ctx, f, path);
  }
  free(a);
  free(b);
  return rc;
}

static int heatmap(wx__plot_ctx *ctx, const wx__study_tables *t, size_t j) {
  char path[WX_PLOT_PATH], kpi[256], what[400], title[800], base[300];
  wx__study_kpi_name(t, j, kpi, sizeof kpi);
  size_t finite = 0;
  int rc = heat_data(ctx, t, j, path, &finite);
  if (rc != WX_OK) return rc;
  if (finite == 0) {
    wx__plot_skip(ctx, "heatmap", "a KPI has no value at any point");
    return WX_OK;
  }
  snprintf(what, sizeof what, "%s over the grid (mean)", kpi);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "xlabel", wx__study_factor_label(t, 0));
  wx__sb_gpvar(&v, "ylabel", wx__study_factor_label(t, 1));
  wx__sb_gpvar(&v, "cblabel", kpi);
  char safe[256];
  wx__plot_safe_name(safe, sizeof safe, kpi);
  snprintf(base, sizeof base, "heatmap_%s", safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "study_heatmap.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

/* Response curves where a curve has a meaning (one factor, or OAT), a
 * heat map for a grid of two factors, a scatter per factor for sampling
 * designs (lhs, sobol, random and the methods' own); for the first KPIs
 * only.  A grid of three or more factors has no chart of its own. */
static int design_charts(wx__plot_ctx *ctx, const wx__study_tables *t) {
  int oat = !strcmp(t->design, "oat"), grid = !strcmp(t->design, "grid");
  int curves = t->k == 1 || oat, heat = grid && t->k == 2;
  int scatter = !curves && !grid;
  size_t n = t->n_kpi < WX_STUDY_CHART_KPIS ? t->n_kpi : WX_STUDY_CHART_KPIS;
  int rc = WX_OK;
  for (size_t j = 0; j < n; j++) {
    int one = curves || scatter ? response(ctx, t, j, scatter) : WX_OK;
    if (heat && one == WX_OK) one = heatmap(ctx, t, j);
    if (rc == WX_OK) rc = one;
  }
  if (grid && t->k > 2)
    wx__plot_skip(ctx, "heatmap", "a heat map needs a grid of two factors");
  return rc;
}

int wx__plot_study(wx__plot_ctx *ctx) {
  wx__study_tables t;
  int rc = wx__study_tables_load(ctx, &t);
  if (rc == WX_ENOTFOUND) return WX_OK; /* not a study directory */
  if (rc != WX_OK) return rc;
  if (t.n_kpi > WX_STUDY_CHART_KPIS)
    wx__plot_skip(ctx, "study",
                  "charts show the first 6 KPIs (list the "
                  "ones you want under `kpis:`)");
  rc = design_charts(ctx, &t);
  int ix = t.indices ? wx__plot_study_indices(ctx, &t) : WX_OK;
  wx__study_tables_free(&t);
  return rc ? rc : ix;
}
