#include <math.h>
#include <string.h>

#include "results.h"

/* Planner-friendly: thousands separators, one decimal below 1,000,
 * "—" for undefined values. */
static const char *pretty(char buf[40], double v) {
  if (!isfinite(v)) return strcpy(buf, "-");
  if (fabs(v) < 1000) {
    snprintf(buf, 40, fabs(v - round(v)) < 1e-9 ? "%.0f" : "%.2f", v);
    return buf;
  }
  char digits[32];
  snprintf(digits, sizeof digits, "%.0f", fabs(v));
  size_t n = strlen(digits), at = 0;
  if (v < 0) buf[at++] = '-';
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) buf[at++] = ',';
    buf[at++] = digits[i];
  }
  buf[at] = '\0';
  return buf;
}

int wx_results_print(const wx_results *r, FILE *fp) {
  size_t w = 3;
  for (uint32_t i = 0; i < r->n_kpis; i++)
    if (strlen(r->defs[i].name) > w) w = strlen(r->defs[i].name);
  fprintf(fp, "%-*s  %5s  %14s  %27s  %12s  %12s  %12s\n", (int)w, "KPI", "n",
          "mean", "95% CI of mean", "p5", "median", "p95");
  char a[40], b[40], c[40], ci[80];
  for (uint32_t i = 0; i < r->n_kpis; i++) {
    const wx_cell_summary *s = &r->kpi[i];
    snprintf(ci, sizeof ci, "%s .. %s", pretty(a, s->ci_low),
             pretty(b, s->ci_high));
    fprintf(fp, "%-*s  %5u  %14s  %27s  ", (int)w, r->defs[i].name, s->n,
            pretty(c, s->mean), ci);
    fprintf(fp, "%12s  ", pretty(a, s->q[0]));
    fprintf(fp, "%12s  ", pretty(a, s->q[2]));
    fprintf(fp, "%12s\n", pretty(a, s->q[4]));
  }
  fprintf(fp,
          "%u replication%s%s.  n counts replications with a value "
          "(target_day: those that reached the target).\n",
          r->n_reps, r->n_reps == 1 ? "" : "s",
          r->partial ? " (partial: interrupted)" : "");
  return ferror(fp) ? WX_EIO : WX_OK;
}
