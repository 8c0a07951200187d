/* Charts of a comparison directory: compare.csv and variants/<v>/. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "plot_int.h"

/* From this many variants the KPI bars lie across, names on the y axis:
 * upright names side by side overlap, slanted ones crowd the panel. */
#define WX_HORIZONTAL_VARIANTS 8
/* Display columns a variant name keeps in the charts. */
#define WX_NAME_COLUMNS        20

enum { C_KPI, C_VARIANT, C_MEAN, C_LOW, C_HIGH, C_SIG, C_N };

typedef struct {
  wx_csv *csv;
  long col[C_N];
  const char **variants; /* distinct, in order of first appearance */
  size_t nvar;
  const char **kpis;
  size_t nkpi;
} compare_table;

static void table_free(compare_table *t) {
  wx__csv_free(t->csv);
  free(t->variants);
  free(t->kpis);
  *t = (compare_table){0};
}

static size_t distinct(const wx_csv *c, long col, const char **out) {
  size_t n = 0;
  for (size_t i = 0; i < wx__csv_rows(c); i++) {
    const char *v = wx__csv_get(c, i, (size_t)col);
    size_t j = 0;
    while (j < n && strcmp(out[j], v)) j++;
    if (j == n) out[n++] = v;
  }
  return n;
}

/* WX_ENOTFOUND (no diagnostic) when there is no compare.csv. */
static int table_load(wx__plot_ctx *ctx, compare_table *t) {
  static const char *const need[C_N] = {"kpi",    "variant", "mean",
                                        "ci_low", "ci_high", "significant"};
  char path[WX_PLOT_PATH];
  *t = (compare_table){0};
  if (wx__plot_path(path, ctx->dir, "compare.csv")) return WX_EINVAL;
  if (access(path, F_OK) != 0) return WX_ENOTFOUND;
  int rc = wx__csv_load(path, &t->csv, ctx->diags);
  rc = rc ? rc : wx__csv_require(t->csv, need, C_N, t->col, ctx->diags);
  size_t rows = t->csv ? wx__csv_rows(t->csv) : 0;
  if (rc == WX_OK) {
    t->variants = malloc((rows ? rows : 1) * sizeof *t->variants);
    t->kpis = malloc((rows ? rows : 1) * sizeof *t->kpis);
    if (!t->variants || !t->kpis) rc = WX_ENOMEM;
  }
  if (rc == WX_OK) {
    t->nvar = distinct(t->csv, t->col[C_VARIANT], t->variants);
    t->nkpi = distinct(t->csv, t->col[C_KPI], t->kpis);
  }
  if (rc != WX_OK) table_free(t);
  return rc;
}

static int load_variants(wx__plot_ctx *ctx, const compare_table *t,
                         wx__plot_results *res) {
  char dir[WX_PLOT_PATH], sub[WX_PLOT_PATH];
  for (size_t i = 0; i < t->nvar; i++) {
    if (wx__plot_path(sub, "variants", t->variants[i]) ||
        wx__plot_path(dir, ctx->dir, sub))
      return WX_EINVAL;
    int rc = wx__plot_results_load(ctx, dir, &res[i]);
    if (rc == WX_ENOTFOUND) {
      char why[WX_PLOT_PATH + 64];
      snprintf(why, sizeof why, "%s/series_stats.csv not found", sub);
      wx__plot_skip(ctx, "compare", why);
    }
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

typedef struct {
  char scope[64], name[256], metric[64];
} series_key;

static void put_num(FILE *f, double v) {
  if (isnan(v))
    fputs("\tNaN", f);
  else
    fprintf(f, "\t%.10g", v);
}

static int write_overlay(wx__plot_ctx *ctx, const compare_table *t,
                         const wx__pseries *s, char path[WX_PLOT_PATH]) {
  const wx__pseries *grid = &s[0];
  for (size_t i = 0; i < t->nvar && grid->n == 0; i++) grid = &s[i];
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("time", f);
  for (size_t i = 0; i < t->nvar; i++) {
    const char *parts[3] = {" p25", "", " p75"};
    char name[128];
    wx__plot_fit(name, sizeof name, t->variants[i], WX_NAME_COLUMNS);
    for (int k = 0; k < 3; k++) {
      fputc('\t', f);
      wx__plot_put_label(f, name);
      fputs(parts[k], f);
    }
  }
  fputc('\n', f);
  static const int q[3] = {WX_Q_P25, WX_Q_P50, WX_Q_P75};
  for (size_t k = 0; k < grid->n; k++) {
    fprintf(f, "%.10g", grid->t[k]);
    for (size_t i = 0; i < t->nvar; i++)
      for (int j = 0; j < 3; j++)
        put_num(f, wx__pseries_at(&s[i], q[j], grid->t[k]));
    fputc('\n', f);
  }
  return wx__plot_close(ctx, f, path);
}

static int overlay_draw(wx__plot_ctx *ctx, const compare_table *t,
                        const wx__plot_results *res, const series_key *key,
                        const char *path) {
  char base[400], sn[256], sm[64], what[600], title[1200];
  const char *label = wx__plot_label(&res[0], key->scope, key->name);
  snprintf(what, sizeof what, "%s · %s (median, p25–p75)", label, key->metric);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__plot_safe_name(sn, sizeof sn, key->name);
  wx__plot_safe_name(sm, sizeof sm, key->metric);
  snprintf(base, sizeof base, "compare_%s_%s", sn, sm);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "ylabel", key->metric);
  wx__sb_printf(&v, "nvariants = %zu\n", t->nvar);
  int rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "compare.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

static int overlay_one(wx__plot_ctx *ctx, const compare_table *t,
                       const wx__plot_results *res, const series_key *key) {
  wx__pseries *s = calloc(t->nvar, sizeof *s);
  if (!s) return WX_ENOMEM;
  int rc = WX_OK;
  size_t points = 0;
  for (size_t i = 0; i < t->nvar && rc == WX_OK; i++) {
    rc = wx__plot_series(ctx, &res[i], key->scope, key->name, key->metric,
                         &s[i]);
    points += s[i].n;
  }
  char path[WX_PLOT_PATH];
  if (rc == WX_OK && points == 0)
    wx__plot_skip(ctx, "compare", "no rows for the series to compare");
  else if (rc == WX_OK)
    rc = write_overlay(ctx, t, s, path);
  if (rc == WX_OK && points) rc = overlay_draw(ctx, t, res, key, path);
  for (size_t i = 0; i < t->nvar; i++) wx__pseries_free(&s[i]);
  free(s);
  return rc;
}

/* The series to overlay: the option's, else every outcome's count, else
 * every module's members (from the first variant's entities). */
static size_t pick_series(wx__plot_ctx *ctx, const wx__plot_results *r,
                          series_key *keys, size_t max) {
  if (ctx->compare_series) {
    series_key *k = &keys[0];
    return sscanf(ctx->compare_series, "%63[^/]/%255[^/]/%63s", k->scope,
                  k->name, k->metric) == 3;
  }
  if (!r->ent) return 0;
  long cs = wx__csv_col(r->ent, "scope"), cn = wx__csv_col(r->ent, "name");
  static const char *const pref[2][2] = {{"outcome", "count"},
                                         {"module", "members"}};
  size_t n = 0;
  for (int p = 0; p < 2 && n == 0; p++)
    for (size_t i = 0; i < wx__csv_rows(r->ent) && n < max; i++) {
      if (strcmp(wx__csv_get(r->ent, i, (size_t)cs), pref[p][0])) continue;
      snprintf(keys[n].scope, sizeof keys[n].scope, "%s", pref[p][0]);
      snprintf(keys[n].name, sizeof keys[n].name, "%s",
               wx__csv_get(r->ent, i, (size_t)cn));
      snprintf(keys[n].metric, sizeof keys[n].metric, "%s", pref[p][1]);
      n++;
    }
  return n;
}

static int overlay_all(wx__plot_ctx *ctx, const compare_table *t,
                       const wx__plot_results *res) {
  size_t max = res[0].ent ? wx__csv_rows(res[0].ent) + 1 : 1;
  series_key *keys = calloc(max, sizeof *keys);
  if (!keys) return WX_ENOMEM;
  size_t n = pick_series(ctx, &res[0], keys, max);
  int rc = WX_OK;
  if (n == 0)
    wx__plot_skip(ctx, "compare",
                  ctx->compare_series
                      ? "compare series is not scope/name/metric"
                      : "no outcomes or modules to compare");
  for (size_t i = 0; i < n; i++) {
    int one = overlay_one(ctx, t, res, &keys[i]);
    if (rc == WX_OK) rc = one;
  }
  free(keys);
  return rc;
}

int wx__plot_compare(wx__plot_ctx *ctx) {
  compare_table t;
  int rc = table_load(ctx, &t);
  if (rc == WX_ENOTFOUND) {
    wx__plot_skip(ctx, "compare", "compare.csv not found");
    return WX_OK;
  }
  if (rc != WX_OK) return rc;
  wx__plot_results *res = calloc(t.nvar ? t.nvar : 1, sizeof *res);
  rc = res ? load_variants(ctx, &t, res) : WX_ENOMEM;
  if (rc == WX_OK && t.nvar) rc = overlay_all(ctx, &t, res);
  for (size_t i = 0; res && i < t.nvar; i++) wx__plot_results_free(&res[i]);
  free(res);
  table_free(&t);
  return rc == WX_ENOTFOUND ? WX_OK : rc;
}

static int truthy(const char *s) {
  return !strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes");
}

/* The finite values of one KPI's panel: its y range comes from them. */
typedef struct {
  double lo, hi;           /* of means and CI bounds */
  double mean_lo, mean_hi; /* of means */
  double pos_lo;           /* smallest positive value */
  int all_positive;        /* every finite mean > 0 */
} kpi_span;

static void span_add(kpi_span *s, const double *x) {
  for (int k = 0; k < 3; k++) {
    if (!isfinite(x[k])) continue;
    s->lo = fmin(s->lo, x[k]);
    s->hi = fmax(s->hi, x[k]);
    if (x[k] > 0) s->pos_lo = fmin(s->pos_lo, x[k]);
    if (k > 0) continue;
    if (!(x[k] > 0)) s->all_positive = 0;
    s->mean_lo = fmin(s->mean_lo, x[k]);
    s->mean_hi = fmax(s->mean_hi, x[k]);
  }
}

/* Writes one KPI's block: a row per variant that has this KPI. */
static int kpi_block(wx__plot_ctx *ctx, const compare_table *t, const char *kpi,
                     FILE *f, kpi_span *span) {
  const wx_csv *c = t->csv;
  *span = (kpi_span){INFINITY, -INFINITY, INFINITY, -INFINITY, INFINITY, 1};
  for (size_t v = 0; v < t->nvar; v++)
    for (size_t i = 0; i < wx__csv_rows(c); i++) {
      if (strcmp(wx__csv_get(c, i, (size_t)t->col[C_KPI]), kpi) ||
          strcmp(wx__csv_get(c, i, (size_t)t->col[C_VARIANT]), t->variants[v]))
        continue;
      double x[3];
      for (int k = 0; k < 3; k++) {
        int rc = wx__csv_number(c, i, (size_t)t->col[C_MEAN + k], NAN, &x[k],
                                ctx->diags);
        if (rc != WX_OK) return rc;
      }
      span_add(span, x);
      char name[128];
      wx__plot_fit(name, sizeof name, t->variants[v], WX_NAME_COLUMNS);
      fprintf(f, "%zu\t", v);
      wx__plot_put_label(f, name);
      /* no interval (one replication, or n < 2): a whisker of no length,
       * since gnuplot skips a row with a NaN in any column it uses */
      fprintf(f, "\t%.10g\t%.10g\t%.10g\t%d\n", x[0], isnan(x[1]) ? x[0] : x[1],
              isnan(x[2]) ? x[0] : x[2],
              truthy(wx__csv_get(c, i, (size_t)t->col[C_SIG])));
    }
  return WX_OK;
}

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about 4 ticks. */
static double nice_step(double range) {
  double raw = range / 4, p = pow(10, floor(log10(raw))), m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* The panel's axis: always through 0 (bars start there) and wide enough
 * for negative means, with room above 0 for the value labels; a log scale
 * when one mean dwarfs the others (30x) and every mean is positive, so
 * that the small ones stay readable. */
static int kpi_axis(wx__sbuf *v, size_t j, const kpi_span *s) {
  int log = s->all_positive && s->mean_lo > 0 && s->mean_hi / s->mean_lo >= 30;
  double lo = fmin(0, s->lo), hi = fmax(0, s->hi);
  if (!(hi > lo)) hi = lo + 1;
  double pad = 0.2 * (hi - lo), ymin, ymax;
  if (log) {
    ymin = s->pos_lo / 3, ymax = s->hi * 4;
  } else {
    ymin = lo < 0 ? lo - 0.05 * (hi - lo) : 0;
    ymax = hi + pad;
  }
  wx__sb_printf(v, "kpi_ymin[%zu] = %.10g\nkpi_ymax[%zu] = %.10g\n", j, ymin, j,
                ymax);
  wx__sb_printf(v, "kpi_log[%zu] = %d\nkpi_step[%zu] = %.10g\n", j, log, j,
                log ? 0 : nice_step(ymax - ymin));
  return log;
}

/* Whether any variant has a finite mean for this KPI: an all-missing panel
 * (a target nobody reached, a KPI of another variant only, with no value)
 * has nothing to draw and is left out of the data. */
static int kpi_has_value(const compare_table *t, const char *kpi) {
  const wx_csv *c = t->csv;
  for (size_t i = 0; i < wx__csv_rows(c); i++) {
    if (strcmp(wx__csv_get(c, i, (size_t)t->col[C_KPI]), kpi)) continue;
    double x;
    if (wx__csv_number(c, i, (size_t)t->col[C_MEAN], NAN, &x, NULL) == WX_OK &&
        isfinite(x))
      return 1;
  }
  return 0;
}

/* The unit of a KPI from the first variant's kpi_summary.csv, or "". */
static const char *kpi_unit(const wx_csv *summary, const char *kpi) {
  long ck = summary ? wx__csv_col(summary, "kpi") : -1;
  long cu = summary ? wx__csv_col(summary, "unit") : -1;
  for (size_t i = 0; ck >= 0 && cu >= 0 && i < wx__csv_rows(summary); i++)
    if (!strcmp(wx__csv_get(summary, i, (size_t)ck), kpi))
      return wx__csv_get(summary, i, (size_t)cu);
  return "";
}

/* The names' font and room of horizontal bars (kpi_bars.gp's layout: the
 * panels share 0.72 of 1080 px in height, rows 0.12 apart; a panel's title
 * and axis take about 90 px): a name gets at most 0.6 of its slot, so that
 * neighbours stay apart, and the widest name sets the names' margin. */
static void horizontal_vars(const compare_table *t, size_t nkpi, wx__sbuf *v) {
  size_t ncol = nkpi <= 3 ? nkpi : nkpi == 4 ? 2 : 3;
  size_t nrow = (nkpi + ncol - 1) / ncol, cols = 1;
  double panel = (0.72 - 0.12 * (double)(nrow - 1)) / (double)nrow * 1080;
  double font = fmin(16, floor(0.6 * (panel - 90) / (double)t->nvar));
  if (font < 6) font = 6;
  for (size_t i = 0; i < t->nvar; i++) {
    char name[128];
    wx__plot_fit(name, sizeof name, t->variants[i], WX_NAME_COLUMNS);
    size_t w = wx__plot_width(name);
    if (w > cols) cols = w;
  }
  wx__sb_printf(v, "horizontal = 1\nnvariants = %zu\nname_font = %g\n", t->nvar,
                font);
  wx__sb_printf(v, "name_space = %.4f\n",
                ((double)cols * 0.9 * font + 20) / 1920);
}

static void kpi_vars(wx__plot_ctx *ctx, const compare_table *t,
                     const wx_csv *summary, const char *path, const char *keep,
                     size_t n_keep, const kpi_span *spans, wx__sbuf *v) {
  char title[700];
  wx__plot_title(ctx, "KPIs by variant (mean, 95% CI; * significant)", title,
                 sizeof title);
  wx__sb_gpvar(v, "datafile", path);
  wx__sb_gpvar(v, "title", title);
  wx__sb_printf(v, "nkpi = %zu\narray kpi_titles[%zu]\n", n_keep, n_keep);
  wx__sb_printf(v, "array kpi_ymin[%zu]\narray kpi_ymax[%zu]\n", n_keep,
                n_keep);
  wx__sb_printf(v, "array kpi_log[%zu]\narray kpi_step[%zu]\n", n_keep, n_keep);
  /* Names side by side overlap from about 5 variants: slant them. */
  size_t chars = 0;
  for (size_t i = 0; i < t->nvar; i++) chars += strlen(t->variants[i]) + 1;
  wx__sb_printf(v, "slant_names = %d\n", t->nvar >= 5 || chars > 40);
  if (t->nvar >= WX_HORIZONTAL_VARIANTS) horizontal_vars(t, n_keep, v);
  for (size_t k = 0, j = 0; k < t->nkpi; k++) {
    if (!keep[k]) continue;
    const char *unit = kpi_unit(summary, t->kpis[k]);
    int log = kpi_axis(v, j + 1, &spans[j]);
    j++;
    snprintf(title, sizeof title, "%s%s%s%s%s", t->kpis[k], *unit ? " (" : "",
             unit, *unit ? ")" : "", log ? ", log scale" : "");
    wx__sb_printf(v, "kpi_titles[%zu] = ", j);
    wx__sb_gpstr(v, title);
    wx__sb_printf(v, "\n");
  }
}

static int kpi_draw(wx__plot_ctx *ctx, const compare_table *t,
                    const wx_csv *summary, const char *keep, size_t n_keep) {
  char path[WX_PLOT_PATH];
  kpi_span *spans = calloc(n_keep + 1, sizeof *spans);
  FILE *f = spans ? wx__plot_datafile(ctx, path) : NULL;
  if (!f) {
    free(spans);
    return spans ? WX_EIO : WX_ENOMEM;
  }
  fputs("# index\tvariant\tmean\tci_low\tci_high\tsignificant\n", f);
  int rc = WX_OK;
  for (size_t k = 0, j = 0; k < t->nkpi && rc == WX_OK; k++) {
    if (!keep[k]) continue;
    if (j) fputs("\n\n", f);
    rc = kpi_block(ctx, t, t->kpis[k], f, &spans[j++]);
  }
  int crc = wx__plot_close(ctx, f, path);
  wx__sbuf v = {0};
  if (rc == WX_OK && crc == WX_OK) {
    kpi_vars(ctx, t, summary, path, keep, n_keep, spans, &v);
    rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "kpi_bars.gp", "kpi_bars", v.s);
  }
  wx__sb_free(&v);
  free(spans);
  return rc ? rc : crc;
}

int wx__plot_kpi(wx__plot_ctx *ctx) {
  compare_table t;
  int rc = table_load(ctx, &t);
  if (rc == WX_ENOTFOUND) {
    wx__plot_skip(ctx, "kpi_bars", "compare.csv not found");
    return WX_OK;
  }
  if (rc != WX_OK) return rc;
  if (t.nkpi == 0) {
    wx__plot_skip(ctx, "kpi_bars", "compare.csv has no rows");
    table_free(&t);
    return WX_OK;
  }
  char sub[WX_PLOT_PATH], path[WX_PLOT_PATH];
  wx_csv *summary = NULL;
  if (!wx__plot_path(sub, "variants", t.variants[0]) &&
      !wx__plot_path(path, ctx->dir, sub) &&
      !wx__plot_path(sub, path, "kpi_summary.csv") && access(sub, F_OK) == 0)
    wx__csv_load(sub, &summary, NULL); /* units only: optional */
  char *keep = calloc(t.nkpi, 1);
  size_t n_keep = 0;
  for (size_t k = 0; keep && k < t.nkpi; k++)
    n_keep += (keep[k] = (char)kpi_has_value(&t, t.kpis[k]));
  if (!keep)
    rc = WX_ENOMEM;
  else if (!n_keep)
    wx__plot_skip(ctx, "kpi_bars", "no KPI has a value");
  else
    rc = kpi_draw(ctx, &t, summary, keep, n_keep);
  free(keep);
  wx__csv_free(summary);
  table_free(&t);
  return rc;
}
