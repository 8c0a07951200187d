#include <math.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "kinds.h"
#include "results.h"

/* Labels are free UTF-8 text: quote them when CSV needs it. */
void wx__csv_field(FILE *fp, const char *s) {
  int quote = 0;
  for (const char *p = s; *p; p++)
    if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r') quote = 1;
  if (!quote) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp);
  for (const char *p = s; *p; p++) {
    if (*p == '"') fputc('"', fp);
    fputc(*p, fp);
  }
  fputc('"', fp);
}

static void entity_row(FILE *fp, const char *scope, const char *name,
                       const char *label, const char *kind) {
  fprintf(fp, "%s,%s,", scope, name);
  wx__csv_field(fp, label);
  fprintf(fp, ",%s\n", kind);
}

int wx__write_entities(const wx_run_ctx *c, const char *dir) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "entities.csv", c->diags);
  if (rc != WX_OK) return rc;
  const wx_model *m = c->m;
  fputs("scope,name,label,kind\n", f.fp);
  for (uint32_t i = 0; i < m->n_modules; i++)
    entity_row(f.fp, "module", m->modules[i].name, m->modules[i].label,
               wx__kind_name(m->modules[i].kind));
  for (uint32_t i = 0; i < m->n_flows; i++)
    entity_row(f.fp, "flow", m->flows[i].name, m->flows[i].name, "");
  for (uint32_t i = 0; i < m->n_outcomes; i++)
    entity_row(f.fp, "outcome", m->outcomes[i].name, m->outcomes[i].label, "");
  for (uint32_t i = 0; i < m->n_sources; i++)
    entity_row(f.fp, "source", m->sources[i].name, m->sources[i].name, "");
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    entity_row(f.fp, "touchpoint", m->touchpoints[i].name,
               m->touchpoints[i].name, "");
  if (wx__model_has_extras(m)) entity_row(f.fp, "total", "all", "total", "");
  return wx__outfile_commit(&f, c->diags);
}

/* Drops what was written since `start` (an interrupted replication). */
static int cut_back(FILE *fp, off_t start) {
  fflush(fp);
  if (ftruncate(fileno(fp), start) == 0) fseeko(fp, start, SEEK_SET);
  return WX_EINTERRUPTED;
}

int wx__write_series_rows(FILE *fp, const wx_run_ctx *c, uint32_t rep,
                          const wx_series *s) {
  const wx_layout *l = &c->layout;
  const atomic_int *stop = c->o->stop;
  off_t start = ftello(fp);
  char t[32], v[32];
  for (uint32_t k = 0; k < s->n_samples; k++) {
    if ((k & 1023) == 1023 && stop && atomic_load(stop))
      return cut_back(fp, start);
    wx__fmt_num(t, l->times[k]);
    const double *row = s->v + (size_t)k * s->n_cols;
    for (uint32_t j = 0; j < s->n_cols; j++) {
      const wx_column *col = &l->cols[j];
      fprintf(fp, "%u,%s,%s,%s,%s,%s\n", rep, t, wx__scope_name(col->scope),
              wx__column_entity(c->m, col), col->metric,
              wx__fmt_num(v, row[j]));
    }
  }
  return WX_OK;
}

static void summary_fields(FILE *fp, const wx_cell_summary *s) {
  char b[32];
  fprintf(fp, "%u,%s", s->n, wx__fmt_stat(b, s->mean));
  fprintf(fp, ",%s", wx__fmt_stat(b, s->sd));
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The five default quantiles (the fan and stacked charts read them) plus
 * any requested ones, sorted and unique; at most WX_MAX_QUANTILES, the
 * defaults kept first.  Returns the count. */
static size_t quantile_list(const wx_run_options *o, double *out) {
  size_t n = 0;
  for (size_t q = 0; q < WX_NQ; q++) out[n++] = wx__quantile_probs[q];
  for (unsigned i = 0; o->quantiles && i < o->n_quantiles; i++) {
    int dup = 0;
    for (size_t q = 0; q < n; q++)
      dup |= fabs(out[q] - o->quantiles[i]) < 1e-12;
    if (!dup && n < WX_MAX_QUANTILES) out[n++] = o->quantiles[i];
  }
  qsort(out, n, sizeof *out, by_value);
  return n;
}

int wx__write_series_stats(const wx_run_ctx *c, const char *dir) {
  double *scratch = malloc((c->series_acc.cap + 1) * sizeof *scratch);
  wx_outfile f;
  int rc = scratch ? wx__outfile_open_in(&f, dir, "series_stats.csv", c->diags)
                   : WX_ENOMEM;
  if (rc != WX_OK) {
    free(scratch);
    return rc;
  }
  const wx_layout *l = &c->layout;
  double probs[WX_MAX_QUANTILES];
  size_t nq = quantile_list(c->o, probs);
  char name[32];
  fputs("time,scope,name,metric,n,mean,sd", f.fp);
  for (size_t q = 0; q < nq; q++)
    fprintf(f.fp, ",p%s", wx__fmt_num(name, probs[q] * 100));
  fputc('\n', f.fp);
  char b[32];
  for (uint32_t k = 0; k < l->n_samples; k++) {
    for (uint32_t j = 0; j < l->n_cols; j++) {
      wx_cell_summary s;
      wx__accum_summary(&c->series_acc, k * l->n_cols + j, probs, nq, scratch,
                        &s);
      fprintf(f.fp, "%s,%s,%s,%s,", wx__fmt_num(b, l->times[k]),
              wx__scope_name(l->cols[j].scope),
              wx__column_entity(c->m, &l->cols[j]), l->cols[j].metric);
      summary_fields(f.fp, &s);
      for (size_t q = 0; q < nq; q++)
        fprintf(f.fp, ",%s", wx__fmt_stat(b, s.q[q]));
      fputc('\n', f.fp);
    }
  }
  free(scratch);
  return wx__outfile_commit(&f, c->diags);
}

int wx__write_kpi_summary(const wx_run_ctx *c, const wx_results *r,
                          const char *dir) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "kpi_summary.csv", c->diags);
  if (rc != WX_OK) return rc;
  fputs("kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,better\n", f.fp);
  char b[32];
  for (uint32_t i = 0; i < r->n_kpis; i++) {
    const wx_cell_summary *s = &r->kpi[i];
    fprintf(f.fp, "%s,%s,", r->defs[i].name, r->defs[i].unit);
    summary_fields(f.fp, s);
    fprintf(f.fp, ",%s", wx__fmt_stat(b, s->ci_low));
    fprintf(f.fp, ",%s", wx__fmt_stat(b, s->ci_high));
    fprintf(f.fp, ",%s", wx__fmt_stat(b, s->q[0]));
    fprintf(f.fp, ",%s", wx__fmt_stat(b, s->q[2]));
    fprintf(f.fp, ",%s", wx__fmt_stat(b, s->q[4]));
    fprintf(f.fp, ",%s\n", wx__kpi_better_name(r->defs[i].better));
  }
  return wx__outfile_commit(&f, c->diags);
}
