/* Caps and targets over a fan chart: the lines of levels.csv (written by
 * out_levels.c) that belong to the chart's series.  A line far above the
 * fan would squash it to the axis, so a line more than WX_LEVEL_ROOM
 * times the fan's top is not drawn but named in a note at the top of the
 * chart ("… friend cap 100,000 above"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_int.h"
#include "util.h"

#define WX_LEVEL_ROOM 3.0

enum { L_SCOPE, L_NAME, L_METRIC, L_KIND, L_LABEL, L_DAY, L_VALUE, L_N };

int wx__plot_levels_load(wx__plot_ctx *ctx, wx__plot_levels *lv) {
  static const char *const need[L_N] = {"scope", "name", "metric", "kind",
                                        "label", "day",  "value"};
  char path[WX_PLOT_PATH];
  *lv = (wx__plot_levels){0};
  if (wx__plot_path(path, ctx->dir, "levels.csv")) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_OK; /* older results: no lines */
  int rc = wx__csv_load(path, &lv->csv, ctx->diags);
  if (rc == WX_OK)
    rc = wx__csv_require(lv->csv, need, L_N, lv->col, ctx->diags);
  if (rc != WX_OK) wx__plot_levels_free(lv);
  return rc;
}

void wx__plot_levels_free(wx__plot_levels *lv) {
  wx__csv_free(lv->csv);
  *lv = (wx__plot_levels){0};
}

/* 1234567 -> "1,234,567"; a fraction keeps 4 significant digits. */
void wx__plot_grouped(char out[48], double v) {
  if (!(fabs(v) < 1e15) || v != floor(v)) {
    snprintf(out, 48, "%.4g", v);
    return;
  }
  char digits[32];
  int n = snprintf(digits, sizeof digits, "%.0f", fabs(v)), k = 0;
  if (v < 0) out[k++] = '-';
  for (int i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = '\0';
}

static const char *get(const wx__plot_levels *lv, size_t row, int c) {
  return wx__csv_get(lv->csv, row, (size_t)lv->col[c]);
}

static int same_line(const wx__plot_levels *lv, size_t a, size_t b) {
  for (int c = L_SCOPE; c <= L_LABEL; c++)
    if (strcmp(get(lv, a, c), get(lv, b, c))) return 0;
  return 1;
}

/* One line: rows [first, end) of levels.csv, its largest and last value. */
typedef struct {
  size_t first, end;
  double max, last;
} level_line;

static int read_line(wx__plot_ctx *ctx, const wx__plot_levels *lv, size_t first,
                     level_line *l) {
  size_t rows = wx__csv_rows(lv->csv), i = first;
  *l = (level_line){first, first, -INFINITY, NAN};
  for (; i < rows && same_line(lv, first, i); i++) {
    double x[2];
    for (int k = 0; k < 2; k++) {
      int rc = wx__csv_number(lv->csv, i, (size_t)lv->col[L_DAY + k], NAN,
                              &x[k], ctx->diags);
      if (rc == WX_OK && !isfinite(x[k]))
        rc = wx__diag(ctx->diags, WX_EINVAL, wx__csv_name(lv->csv),
                      wx__csv_line(lv->csv, i), 0, "a level needs a number");
      if (rc != WX_OK) return rc;
    }
    l->max = fmax(l->max, x[1]);
    l->last = x[1];
  }
  l->end = i;
  return WX_OK;
}

/* Whether a line is drawn, or only named in a note. */
static int drawn(const level_line *l, double top) {
  return l->max <= WX_LEVEL_ROOM * top || top <= 0;
}

static void put_steps(FILE *f, const wx__plot_levels *lv, const level_line *l,
                      double horizon) {
  for (size_t i = l->first; i < l->end; i++)
    fprintf(f, "%s\t%s\n", get(lv, i, L_DAY), get(lv, i, L_VALUE));
  fprintf(f, "%.10g\t%.10g\n\n\n", horizon, l->last);
}

static void add_text(wx__sbuf *v, const char *array, unsigned i,
                     const char *label, double value, const char *tail) {
  char num[48], text[1200];
  wx__plot_grouped(num, value);
  snprintf(text, sizeof text, "%s: %s%s", label, num, tail);
  wx__sb_printf(v, "%s[%u] = ", array, i);
  wx__sb_gpstr(v, text);
  wx__sb_printf(v, "\n");
}

/* The gnuplot variables of the lines drawn (nlines, linefile, line_labels,
 * line_y, line_target) and of the notes (nnotes, notes) into v. */
static void level_vars(const wx__plot_levels *lv, const level_line *lines,
                       size_t n, double top, const char *path, wx__sbuf *v) {
  unsigned n_drawn = 0, notes = 0;
  for (size_t i = 0; i < n; i++)
    if (drawn(&lines[i], top))
      n_drawn++;
    else
      notes++;
  wx__sb_printf(v, "nlines = %u\nnnotes = %u\n", n_drawn, notes);
  if (n_drawn) {
    wx__sb_gpvar(v, "linefile", path);
    wx__sb_printf(v, "array line_labels[%u]\narray line_y[%u]\n", n_drawn,
                  n_drawn);
    wx__sb_printf(v, "array line_target[%u]\n", n_drawn);
  }
  if (notes) wx__sb_printf(v, "array notes[%u]\n", notes);
  for (size_t i = 0, d = 0, k = 0; i < n; i++) {
    const char *label = get(lv, lines[i].first, L_LABEL);
    int target = !strcmp(get(lv, lines[i].first, L_KIND), "target");
    if (drawn(&lines[i], top)) {
      d++;
      add_text(v, "line_labels", (unsigned)d, label, lines[i].last, "");
      wx__sb_printf(v, "line_y[%zu] = %.10g\nline_target[%zu] = %d\n", d,
                    lines[i].last, d, target);
    } else {
      add_text(v, "notes", (unsigned)++k, label, lines[i].max, " above");
    }
  }
}

int wx__plot_levels_vars(wx__plot_ctx *ctx, const wx__plot_levels *lv,
                         const char *name, const char *metric, double top,
                         double horizon, wx__sbuf *v) {
  size_t rows = lv->csv ? wx__csv_rows(lv->csv) : 0, n = 0;
  level_line *lines = calloc(rows ? rows : 1, sizeof *lines);
  if (!lines) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t i = 0; i < rows && rc == WX_OK;) {
    int mine = !strcmp(get(lv, i, L_SCOPE), "module") &&
               !strcmp(get(lv, i, L_NAME), name) &&
               !strcmp(get(lv, i, L_METRIC), metric);
    rc = read_line(ctx, lv, i, &lines[n]);
    if (rc == WX_OK) i = lines[n].end;
    n += (size_t)(mine && rc == WX_OK);
  }
  char path[WX_PLOT_PATH];
  FILE *f = rc == WX_OK && n ? wx__plot_datafile(ctx, path) : NULL;
  if (rc == WX_OK && n && !f) rc = WX_EIO;
  for (size_t i = 0; f && i < n; i++)
    if (drawn(&lines[i], top)) put_steps(f, lv, &lines[i], horizon);
  if (f) rc = wx__plot_close(ctx, f, path);
  if (rc == WX_OK) level_vars(lv, lines, n, top, path, v);
  free(lines);
  return rc;
}
