/*
 * prcc.csv: the partial rank correlation (stats/prcc.h) of each uncertain
 * parameter's per-replication draw with each KPI across the replications,
 * so that a run with priors says which of them drives which KPI.  The
 * draws and KPIs come from the core's accumulators, in replication order,
 * so the file is the same whatever the thread count and after --resume.
 */
#include <math.h>
#include <stdlib.h>

#include "prcc.h"
#include "results.h"

int wx__prcc_estimated(const wx_run_ctx *c) {
  return c->n_priors > 0 && c->prior_acc.n > c->n_priors + 2;
}

void wx__prcc_note(const wx_run_ctx *c, char *buf, size_t size) {
  uint32_t k = c->n_priors, n = c->prior_acc.n;
  if (k == 0)
    snprintf(buf, size,
             "not estimated: the scenario has no uncertain "
             "parameters (priors)");
  else if (!wx__prcc_estimated(c))
    snprintf(buf, size,
             "not estimated: %u uncertain parameters need more "
             "than %u replications, the run has %u",
             k, k + 2, n);
  else
    snprintf(buf, size,
             "%u uncertain parameters against each KPI over %u "
             "replications",
             k, n);
}

/* Replications where the KPI and every draw are finite (the rows the
 * estimator keeps). */
static uint32_t rows_kept(const double *X, const double *y, uint32_t n,
                          uint32_t k) {
  uint32_t m = 0;
  for (uint32_t j = 0; j < n; j++) {
    int ok = isfinite(y[j]);
    for (uint32_t i = 0; ok && i < k; i++) ok = isfinite(X[(size_t)j * k + i]);
    m += ok;
  }
  return m;
}

static void write_kpi(FILE *fp, const wx_run_ctx *c, uint32_t kpi,
                      const double *X, const double *w) {
  uint32_t k = c->n_priors, n = c->prior_acc.n;
  uint32_t m =
      rows_kept(X, c->kpi_acc.values + (size_t)kpi * c->kpi_acc.cap, n, k);
  char b[32];
  for (uint32_t i = 0; i < k; i++) {
    wx__csv_field(fp, c->kpis.defs[kpi].name);
    fputc(',', fp);
    wx__csv_field(fp, c->m->params[c->prior_idx[i]].path);
    for (uint32_t j = 0; j < 4; j++)
      fprintf(fp, ",%s", wx__fmt_stat(b, w[j * k + i]));
    fprintf(fp, ",%u\n", m);
  }
}

/* X (n x k, row-major) from the draws, one row per replication. */
static double *draws_by_row(const wx_run_ctx *c) {
  uint32_t k = c->n_priors, n = c->prior_acc.n;
  double *X = malloc(((size_t)n * k + 4 * (size_t)k) * sizeof *X);
  if (!X) return NULL;
  for (uint32_t j = 0; j < n; j++)
    for (uint32_t i = 0; i < k; i++)
      X[(size_t)j * k + i] =
          c->prior_acc.values[(size_t)i * c->prior_acc.cap + j];
  return X;
}

int wx__write_prcc(const wx_run_ctx *c, const char *dir) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "prcc.csv", c->diags);
  if (rc != WX_OK) return rc;
  fputs("kpi,param,prcc,p,ci_low,ci_high,n\n", f.fp);
  uint32_t k = c->n_priors, n = c->prior_acc.n;
  double *X = wx__prcc_estimated(c) ? draws_by_row(c) : NULL;
  if (wx__prcc_estimated(c) && !X) rc = WX_ENOMEM;
  double *w = X ? X + (size_t)n * k : NULL; /* r, p, lo, hi; k each */
  for (uint32_t q = 0; X && rc == WX_OK && q < c->kpis.n; q++) {
    const double *y = c->kpi_acc.values + (size_t)q * c->kpi_acc.cap;
    rc = wx__prcc(X, n, k, y, w, w + k, w + 2 * k, w + 3 * k);
    if (rc == WX_OK) write_kpi(f.fp, c, q, X, w);
  }
  free(X);
  if (rc != WX_OK) {
    wx__outfile_abort(&f);
    return rc;
  }
  return wx__outfile_commit(&f, c->diags);
}
