/* attribution.* (plot.h): per outcome, each channel's credit by every
 * method side by side (grouped bars, 95% whiskers), from attribution.csv
 * of an attribution results directory.  Quietly nothing elsewhere. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot_int.h"

static const char *const methods[] = {"removal",    "shapley",     "last_step",
                                      "last_touch", "first_touch", "linear",
                                      "markov"};
#define N_METHODS (sizeof methods / sizeof methods[0])

enum { A_CH, A_OUT, A_METHOD, A_VALUE, A_LO, A_HI, A_N };

/* Distinct values of column col in first-seen order, except "(all)". */
static size_t distinct(const wx_csv *c, long col, const char **out) {
  size_t n = 0;
  for (size_t r = 0; r < wx__csv_rows(c); r++) {
    const char *s = wx__csv_get(c, r, col);
    size_t i = 0;
    while (i < n && strcmp(out[i], s)) i++;
    if (i == n && strcmp(s, "(all)")) out[n++] = s;
  }
  return n;
}

static void cell(const wx_csv *c, const long *col, const char *ch,
                 const char *out, const char *m, FILE *f) {
  for (size_t r = 0; r < wx__csv_rows(c); r++) {
    if (strcmp(wx__csv_get(c, r, col[A_CH]), ch) ||
        strcmp(wx__csv_get(c, r, col[A_OUT]), out) ||
        strcmp(wx__csv_get(c, r, col[A_METHOD]), m))
      continue;
    double v = NAN, lo = NAN, hi = NAN;
    wx__csv_number(c, r, col[A_VALUE], NAN, &v, NULL);
    wx__csv_number(c, r, col[A_LO], NAN, &lo, NULL);
    wx__csv_number(c, r, col[A_HI], NAN, &hi, NULL);
    if (!isfinite(v)) v = 0;
    fprintf(f, "\t%.10g\t%.10g\t%.10g", v, isfinite(lo) ? lo : v,
            isfinite(hi) ? hi : v);
    return;
  }
  fputs("\t0\t0\t0", f);
}

static int write_data(wx__plot_ctx *ctx, const wx_csv *c, const long *col,
                      const char **ch, size_t nch, const char **out,
                      size_t nout, char path[WX_PLOT_PATH]) {
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# index\tchannel\t(value\tlo\thi) per method\n", f);
  for (size_t k = 0; k < nout; k++) {
    if (k) fputs("\n\n", f);
    for (size_t i = 0; i < nch; i++) {
      fprintf(f, "%zu\t", i);
      wx__plot_put_label(f, ch[i]);
      for (size_t m = 0; m < N_METHODS; m++)
        cell(c, col, ch[i], out[k], methods[m], f);
      fputc('\n', f);
    }
  }
  return wx__plot_close(ctx, f, path);
}

static int draw(wx__plot_ctx *ctx, const wx_csv *c, const long *col) {
  size_t rows = wx__csv_rows(c) + 1;
  const char **ch = malloc(rows * sizeof *ch),
             **out = malloc(rows * sizeof *out);
  char path[WX_PLOT_PATH], title[700];
  wx__sbuf v = {0};
  int rc = ch && out ? WX_OK : WX_ENOMEM;
  size_t nch = rc ? 0 : distinct(c, col[A_CH], ch);
  size_t nout = rc ? 0 : distinct(c, col[A_OUT], out);
  if (rc == WX_OK && (!nch || !nout)) {
    wx__plot_skip(ctx, "attribution", "attribution.csv has no channel");
    rc = WX_ENOTFOUND;
  }
  if (rc == WX_OK) rc = write_data(ctx, c, col, ch, nch, out, nout, path);
  if (rc == WX_OK) {
    wx__plot_title(ctx, "Attribution by method (mean, 95% CI)", title,
                   sizeof title);
    wx__sb_gpvar(&v, "datafile", path);
    wx__sb_gpvar(&v, "title", title);
    wx__sb_printf(&v, "nout = %zu\narray out_titles[%zu]\n", nout, nout);
    for (size_t k = 0; k < nout; k++) {
      wx__sb_printf(&v, "out_titles[%zu] = ", k + 1);
      wx__sb_gpstr(&v, out[k]);
      wx__sb_printf(&v, "\n");
    }
    wx__sb_printf(&v, "nmethods = %zu\narray method_names[%zu]\n", N_METHODS,
                  N_METHODS);
    for (size_t m = 0; m < N_METHODS; m++) {
      wx__sb_printf(&v, "method_names[%zu] = ", m + 1);
      wx__sb_gpstr(&v, methods[m]);
      wx__sb_printf(&v, "\n");
    }
    rc = v.oom ? WX_ENOMEM
               : wx__plot_run(ctx, "attribution.gp", "attribution", v.s);
  }
  wx__sb_free(&v);
  free(ch);
  free(out);
  return rc == WX_ENOTFOUND ? WX_OK : rc;
}

int wx__plot_attribution(wx__plot_ctx *ctx) {
  static const char *const need[A_N] = {"channel", "outcome", "method",
                                        "value",   "lo",      "hi"};
  char path[WX_PLOT_PATH];
  if (wx__plot_path(path, ctx->dir, "attribution.csv")) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_OK; /* not an attribution dir */
  wx_csv *c = NULL;
  long col[A_N];
  int rc = wx__csv_load(path, &c, ctx->diags);
  if (rc == WX_OK) rc = wx__csv_require(c, need, A_N, col, ctx->diags);
  if (rc == WX_OK) rc = draw(ctx, c, col);
  wx__csv_free(c);
  return rc;
}
