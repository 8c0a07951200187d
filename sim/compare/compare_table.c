/* The comparison table: per-replication KPIs of every variant (read back
 * from each variant's kpis.csv) -> means, paired differences, winners. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csv_read.h"
#include "outfile.h"
#include "util.h"

/* KPIs that are ratios of two others (kpi.c: cac = cost / customers,
 * roi = revenue / cost - 1): compared as ratios of means, from the
 * operands' per-replication values. */
static const struct {
  const char *kpi, *num, *den;
  double shift;
} ratios[] = {{"cac", "cost", "customers", 0}, {"roi", "revenue", "cost", -1}};
#define N_RATIOS (sizeof ratios / sizeof *ratios)

typedef struct {
  size_t n_var, n_kpi, reps;
  size_t n_shown; /* the first n_shown KPIs are rows; the rest operands */
  char (*kpi)[96];
  char (*unit)[16];
  wx_kpi_better *better; /* from kpi_summary.csv's `better` column */
  wx_csv **csv;          /* kpis.csv per variant */
  wx_csv **sum;          /* kpi_summary.csv per variant, for units and which way
                    is better (may be NULL) */
  double *vals;          /* [v][k][r] */
} build_ctx;

static double *cell_vals(const build_ctx *b, size_t v, size_t k) {
  return b->vals + (v * b->n_kpi + k) * b->reps;
}

static long kpi_index(const build_ctx *b, const char *name) {
  for (size_t k = 0; k < b->n_kpi; k++)
    if (!strcmp(b->kpi[k], name)) return (long)k;
  return -1;
}

static int load_csvs(build_ctx *b, const char *const *dirs, wx_diags *d) {
  for (size_t v = 0; v < b->n_var; v++) {
    char *p = wx__path_join(dirs[v], "kpis.csv");
    char *q = wx__path_join(dirs[v], "kpi_summary.csv");
    int rc = p && q ? wx__csv_load(p, &b->csv[v], d) : WX_ENOMEM;
    if (rc == WX_OK) wx__csv_load(q, &b->sum[v], NULL); /* optional */
    free(p);
    free(q);
    if (rc != WX_OK) return rc;
    static const char *const need[3] = {"replication", "kpi", "value"};
    long col[3];
    rc = wx__csv_require(b->csv[v], need, 3, col, d);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* Every KPI name in order of first appearance (or those asked for), the
 * largest replication count, and units. */
static int collect_kpis(build_ctx *b, const char *const *want, size_t n_want,
                        wx_diags *d) {
  size_t cap = n_want + 2 * N_RATIOS;
  for (size_t v = 0; v < b->n_var; v++) cap += wx__csv_rows(b->csv[v]);
  b->kpi = calloc(cap + 1, sizeof *b->kpi);
  b->unit = calloc(cap + 1, sizeof *b->unit);
  b->better = calloc(cap + 1, sizeof *b->better);
  if (!b->kpi || !b->unit || !b->better) return WX_ENOMEM;
  for (size_t i = 0; i < n_want; i++)
    snprintf(b->kpi[b->n_kpi++], sizeof b->kpi[0], "%s", want[i]);
  for (size_t v = 0; v < b->n_var; v++) {
    const wx_csv *c = b->csv[v];
    long ck = wx__csv_col(c, "kpi"), cr = wx__csv_col(c, "replication");
    for (size_t i = 0; i < wx__csv_rows(c); i++) {
      const char *k = wx__csv_get(c, i, (size_t)ck);
      size_t r = (size_t)strtoul(wx__csv_get(c, i, (size_t)cr), NULL, 10);
      if (r + 1 > b->reps) b->reps = r + 1;
      if (!n_want && kpi_index(b, k) < 0)
        snprintf(b->kpi[b->n_kpi++], sizeof b->kpi[0], "%s", k);
    }
  }
  (void)d;
  b->n_shown = b->n_kpi;
  for (size_t i = 0; i < N_RATIOS; i++) {
    if (kpi_index(b, ratios[i].kpi) < 0) continue;
    const char *op[2] = {ratios[i].num, ratios[i].den};
    for (int j = 0; j < 2; j++)
      if (kpi_index(b, op[j]) < 0 && b->n_kpi < cap)
        snprintf(b->kpi[b->n_kpi++], sizeof b->kpi[0], "%s", op[j]);
  }
  return WX_OK;
}

/* Units and directions from the first variant that has the KPI; a file
 * without the `better` column (older runs) reads as higher-better. */
static void fill_units(build_ctx *b) {
  char *seen = calloc(b->n_kpi + 1, 1);
  if (!seen) return;
  for (size_t v = 0; v < b->n_var; v++) {
    const wx_csv *s = b->sum[v];
    long ck = s ? wx__csv_col(s, "kpi") : -1,
         cu = s ? wx__csv_col(s, "unit") : -1;
    long cb = s ? wx__csv_col(s, "better") : -1;
    for (size_t i = 0; ck >= 0 && cu >= 0 && i < wx__csv_rows(s); i++) {
      long k = kpi_index(b, wx__csv_get(s, i, (size_t)ck));
      if (k < 0 || seen[k]) continue;
      seen[k] = 1;
      snprintf(b->unit[k], sizeof b->unit[0], "%s",
               wx__csv_get(s, i, (size_t)cu));
      b->better[k] =
          wx__kpi_better_parse(cb >= 0 ? wx__csv_get(s, i, (size_t)cb) : NULL);
    }
  }
  free(seen);
}

static int fill_values(build_ctx *b, char *present, wx_diags *d) {
  size_t total = b->n_var * b->n_kpi * (b->reps ? b->reps : 1);
  b->vals = malloc(total * sizeof *b->vals);
  if (!b->vals) return WX_ENOMEM;
  for (size_t i = 0; i < total; i++) b->vals[i] = NAN;
  for (size_t v = 0; v < b->n_var; v++) {
    const wx_csv *c = b->csv[v];
    long ck = wx__csv_col(c, "kpi"), cr = wx__csv_col(c, "replication"),
         cv = wx__csv_col(c, "value");
    for (size_t i = 0; i < wx__csv_rows(c); i++) {
      long k = kpi_index(b, wx__csv_get(c, i, (size_t)ck));
      if (k < 0) continue;
      size_t r = (size_t)strtoul(wx__csv_get(c, i, (size_t)cr), NULL, 10);
      double x;
      int rc = wx__csv_number(c, i, (size_t)cv, NAN, &x, d);
      if (rc != WX_OK) return rc;
      cell_vals(b, v, (size_t)k)[r] = x;
      present[v * b->n_kpi + (size_t)k] = 1;
    }
  }
  return WX_OK;
}

static int better(const wx_compare_row *row, double a, double b) {
  return row->better == WX_BETTER_LOWER ? a < b : a > b;
}

/* The best of the present variants other than `skip`; -1 when none. */
static int best_of(const wx_compare_row *row, size_t n, int skip) {
  int best = -1;
  for (size_t v = 0; v < n; v++) {
    const wx_compare_cell *c = &row->cell[v];
    if ((int)v == skip || !c->present || !isfinite(c->value.mean)) continue;
    if (best < 0 || better(row, c->value.mean, row->cell[best].value.mean))
      best = (int)v;
  }
  return best;
}

/* The best mean (the first on a tie); -1 when every variant has the same
 * mean. */
static void pick_winner(wx_compare_row *row, size_t n) {
  int best = best_of(row, n, -1);
  int runner = best_of(row, n, best);
  row->winner = -1;
  row->winner_sig = 0;
  if (best < 0 || runner < 0 || row->better == WX_BETTER_NEUTRAL) return;
  int all_equal = 1;
  for (size_t v = 0; v < n; v++)
    if (row->cell[v].present && isfinite(row->cell[v].value.mean) &&
        row->cell[v].value.mean != row->cell[best].value.mean)
      all_equal = 0;
  if (all_equal) return;
  row->winner = best;
  /* The base wins significantly when even the runner-up is significantly
   * worse; any other winner when it is significantly better than the base. */
  row->winner_sig =
      best == 0 ? row->cell[runner].significant : row->cell[best].significant;
}

/* The operands of KPI k when it is a ratio every variant has them for. */
static int ratio_of(const build_ctx *b, const char *present, size_t k,
                    long *num, long *den, double *shift) {
  for (size_t i = 0; i < N_RATIOS; i++) {
    if (strcmp(b->kpi[k], ratios[i].kpi)) continue;
    *num = kpi_index(b, ratios[i].num);
    *den = kpi_index(b, ratios[i].den);
    *shift = ratios[i].shift;
    for (size_t v = 0; *num >= 0 && *den >= 0 && v < b->n_var; v++)
      if (present[v * b->n_kpi + k] &&
          (!present[v * b->n_kpi + *num] || !present[v * b->n_kpi + *den]))
        return 0;
    return *num >= 0 && *den >= 0;
  }
  return 0;
}

static void ratio_cell(const build_ctx *b, size_t v, int base, long num,
                       long den, double shift, double *z, wx_compare_cell *c) {
  const double *x = cell_vals(b, v, (size_t)num);
  const double *y = cell_vals(b, v, (size_t)den);
  wx__ci_ratio(x, y, b->reps, shift, z, &c->value);
  if (v == 0 || !base) return;
  wx__ci_ratio_diff(x, y, cell_vals(b, 0, (size_t)num),
                    cell_vals(b, 0, (size_t)den), b->reps, z, &c->diff,
                    &c->welch);
}

static void make_row(const build_ctx *b, const char *present, size_t k,
                     double *z, wx_compare_row *row) {
  snprintf(row->kpi, sizeof row->kpi, "%s", b->kpi[k]);
  snprintf(row->unit, sizeof row->unit, "%s", b->unit[k]);
  row->better = b->better[k];
  row->share = !strcmp(row->unit, "share");
  long num = -1, den = -1;
  double shift = 0;
  int ratio = ratio_of(b, present, k, &num, &den, &shift);
  const double *base = cell_vals(b, 0, k);
  for (size_t v = 0; v < b->n_var; v++) {
    wx_compare_cell *c = &row->cell[v];
    c->present = present[v * b->n_kpi + k];
    if (!c->present) continue;
    const double *x = cell_vals(b, v, k);
    if (ratio)
      ratio_cell(b, v, present[k], num, den, shift, z, c);
    else if (row->share)
      wx__ci_wilson(x, b->reps, &c->value);
    else
      wx__ci_mean(x, b->reps, &c->value);
    if (ratio || v == 0 || !present[k]) continue;
    /* Censored KPIs (NaN: target never reached) pair only replications
     * where both variants have a value; diff.n says how many. */
    if (row->share)
      wx__ci_paired_binary(x, base, b->reps, &c->diff);
    else
      wx__ci_paired(x, base, b->reps, &c->diff);
    wx__ci_welch(x, b->reps, base, b->reps, &c->welch);
  }
  for (size_t v = 1; v < b->n_var; v++)
    row->cell[v].significant = wx__ci_significant(&row->cell[v].diff);
  pick_winner(row, b->n_var);
}

static int make_rows(const build_ctx *b, const char *present,
                     wx_comparison *c) {
  c->rows = calloc(b->n_kpi + 1, sizeof *c->rows);
  double *z = malloc((2 * b->reps + 1) * sizeof *z);
  if (!c->rows || !z) {
    free(z);
    return WX_ENOMEM;
  }
  for (size_t k = 0; k < b->n_shown; k++) {
    int any = 0;
    for (size_t v = 0; v < b->n_var; v++) any |= present[v * b->n_kpi + k];
    if (!any) continue; /* asked for, produced by none: noted by caller */
    wx_compare_row *row = &c->rows[c->n_rows];
    row->cell = calloc(b->n_var, sizeof *row->cell);
    if (!row->cell) {
      free(z);
      return WX_ENOMEM;
    }
    c->n_rows++;
    make_row(b, present, k, z, row);
  }
  free(z);
  return WX_OK;
}

static int copy_names(wx_comparison *c, const char *const *names, size_t n) {
  c->names = calloc(n, sizeof *c->names);
  if (!c->names) return WX_ENOMEM;
  c->n_var = n;
  for (size_t v = 0; v < n; v++)
    if (!(c->names[v] = wx__strdup(names[v]))) return WX_ENOMEM;
  return WX_OK;
}

static void note_missing(const build_ctx *b, const char *present, wx_diags *d) {
  for (size_t k = 0; k < b->n_shown; k++) {
    int any = 0;
    for (size_t v = 0; v < b->n_var; v++) any |= present[v * b->n_kpi + k];
    if (!any)
      wx__diag(d, WX_OK, "compare", 0, 0,
               "KPI `%s` is produced by no variant; left out", b->kpi[k]);
  }
}

static void build_free(build_ctx *b) {
  for (size_t v = 0; v < b->n_var; v++) {
    if (b->csv) wx__csv_free(b->csv[v]);
    if (b->sum) wx__csv_free(b->sum[v]);
  }
  free(b->csv);
  free(b->sum);
  free(b->kpi);
  free(b->unit);
  free(b->better);
  free(b->vals);
}

int wx__comparison_build(const char *const *names, const char *const *dirs,
                         size_t n, const char *const *kpis, size_t n_kpis,
                         wx_comparison **out, wx_diags *d) {
  *out = NULL;
  if (n == 0) return WX_EINVAL;
  build_ctx b = {.n_var = n};
  b.csv = calloc(n, sizeof *b.csv);
  b.sum = calloc(n, sizeof *b.sum);
  wx_comparison *c = calloc(1, sizeof *c);
  char *present = NULL;
  int rc = b.csv && b.sum && c ? copy_names(c, names, n) : WX_ENOMEM;
  if (rc == WX_OK) rc = load_csvs(&b, dirs, d);
  if (rc == WX_OK) rc = collect_kpis(&b, kpis, n_kpis, d);
  if (rc == WX_OK && !(present = calloc(n * b.n_kpi + 1, 1))) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = fill_values(&b, present, d);
  if (rc == WX_OK) {
    fill_units(&b);
    note_missing(&b, present, d);
    c->replications = (uint32_t)b.reps;
    rc = make_rows(&b, present, c);
  }
  free(present);
  build_free(&b);
  if (rc != WX_OK) {
    wx__comparison_free(c);
    return rc;
  }
  *out = c;
  return WX_OK;
}

void wx__comparison_free(wx_comparison *c) {
  if (!c) return;
  for (size_t i = 0; c->names && i < c->n_var; i++) free(c->names[i]);
  for (size_t i = 0; i < c->n_rows; i++) free(c->rows[i].cell);
  free(c->names);
  free(c->rows);
  free(c);
}
