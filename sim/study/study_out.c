/* What a study writes: study.csv (a row per point: factor values, each
 * KPI's mean and 95% interval over the replications), factors.csv (what
 * was varied and how), indices.csv (the method's rows) and manifest.json.
 * The charts (plot_study.c) read these files back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "outfile.h"
#include "results.h"
#include "study_run.h"
#include "util.h"

static void num(FILE *fp, double x, int comma) {
  char b[32];
  if (comma) fputc(',', fp);
  fputs(wx__fmt_num(b, x), fp);
}

static void stat(FILE *fp, double x) {
  char b[32];
  fputc(',', fp);
  fputs(wx__fmt_stat(b, x), fp);
}

static void kpi_header(FILE *fp, const char *kpi, const char *what) {
  size_t n = strlen(kpi) + strlen(what) + 2;
  char *h = malloc(n);
  fputc(',', fp);
  if (h) {
    snprintf(h, n, "%s_%s", kpi, what);
    wx__csv_field(fp, h);
  }
  free(h);
}

static int study_csv(const wx_study_ctx *c, const wx_study_result *r,
                     FILE *fp) {
  const wx_study_spec *s = c->spec;
  size_t R = c->replications;
  fputs("point", fp);
  for (size_t i = 0; i < s->n_factors; i++) {
    fputc(',', fp);
    wx__csv_field(fp, s->f[i].path);
  }
  for (size_t j = 0; j < c->n_kpi; j++) {
    kpi_header(fp, c->kpi[j], "mean");
    kpi_header(fp, c->kpi[j], "lo");
    kpi_header(fp, c->kpi[j], "hi");
  }
  fputc('\n', fp);
  for (size_t pt = 0; pt < r->p->n_points; pt++) {
    fprintf(fp, "%zu", pt);
    for (size_t i = 0; i < s->n_factors; i++)
      num(fp, r->p->x[pt * r->p->k + i], 1);
    for (size_t j = 0; j < c->n_kpi; j++) {
      wx_ci ci = {0, NAN, NAN, NAN};
      if (r->done[pt]) wx__ci_mean(r->Y + (pt * c->n_kpi + j) * R, R, &ci);
      stat(fp, ci.mean);
      stat(fp, ci.lo);
      stat(fp, ci.hi);
    }
    fputc('\n', fp);
  }
  return ferror(fp) ? WX_EIO : WX_OK;
}

static const char *kind_name(wx_factor_kind k) {
  return k == WX_FACTOR_RANGE    ? "range"
         : k == WX_FACTOR_LEVELS ? "levels"
                                 : "dist";
}

static int factors_csv(const wx_study_ctx *c, const wx_study_result *r,
                       FILE *fp) {
  const wx_study_spec *s = c->spec;
  fputs("factor,name,kind,low,high,nominal,binding,scale\n", fp);
  for (size_t i = 0; i < s->n_factors; i++) {
    const wx_study_factor *f = &s->f[i];
    double lo = INFINITY, hi = -INFINITY;
    for (size_t pt = 0; pt < r->p->n_points; pt++) {
      double v = r->p->x[pt * r->p->k + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    wx__csv_field(fp, f->path);
    fputc(',', fp);
    wx__csv_field(fp, f->name);
    fprintf(fp, ",%s", kind_name(f->kind));
    num(fp, lo, 1);
    num(fp, hi, 1);
    num(fp, c->nominal[i], 1);
    fprintf(fp, ",%s,%s\n", c->param[i] >= 0 ? "parameter" : "structural",
            f->log_scale ? "log" : "linear");
  }
  return ferror(fp) ? WX_EIO : WX_OK;
}

static int indices_csv(const wx_study_ctx *c, const wx_study_result *r,
                       FILE *fp) {
  fputs("factor,kpi,index,value,lo,hi,p\n", fp);
  for (size_t i = 0; i < r->ix->n; i++) {
    const wx_study_index *x = &r->ix->rows[i];
    wx__csv_field(fp, c->spec->f[x->factor].path);
    fputc(',', fp);
    wx__csv_field(fp, c->kpi[x->kpi]);
    fprintf(fp, ",%s", x->index);
    stat(fp, x->value);
    stat(fp, x->lo);
    stat(fp, x->hi);
    stat(fp, x->p);
    fputc('\n', fp);
  }
  return ferror(fp) ? WX_EIO : WX_OK;
}

static void json_key(FILE *fp, const char *key, const char *value) {
  fprintf(fp, "  \"%s\": ", key);
  wx__json_string(fp, value ? value : "");
  fputs(",\n", fp);
}

static void json_lists(const wx_study_ctx *c, FILE *fp) {
  const wx_study_spec *s = c->spec;
  fputs("  \"factors\": [", fp);
  for (size_t i = 0; i < s->n_factors; i++) {
    fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", fp);
    wx__json_string(fp, s->f[i].path);
    fputs(", \"name\": ", fp);
    wx__json_string(fp, s->f[i].name);
    fprintf(fp, ", \"binding\": \"%s\"}",
            c->param[i] >= 0 ? "parameter" : "structural");
  }
  fputs("\n  ],\n  \"kpis\": [", fp);
  for (size_t j = 0; j < c->n_kpi; j++) {
    fputs(j ? ", " : "", fp);
    wx__json_string(fp, c->kpi[j]);
  }
  fputs("]\n}\n", fp);
}

static int manifest(const wx_study_ctx *c, const wx_study_result *r, FILE *fp) {
  const wx_study_spec *s = c->spec;
  const char *title = s->title ? s->title : c->base->title;
  fprintf(fp, "{\n  \"wxflow_version\": \"%s\",\n  \"kind\": \"study\",\n",
          wx_version());
  json_key(fp, "command", r->command);
  json_key(fp, "title", title);
  json_key(fp, "study", s->file);
  fprintf(fp, "  \"study_hash\": \"fnv1a64:%s\",\n", s->hash);
  json_key(fp, "scenario", s->base);
  fprintf(fp, "  \"scenario_hash\": \"fnv1a64:%s\",\n", wx_model_hash(c->base));
  json_key(fp, "design", s->design->name);
  json_key(fp, "method", r->ix && s->method ? s->method->name : "");
  fprintf(fp,
          "  \"status\": \"%s\",\n  \"points\": %zu,\n"
          "  \"points_done\": %zu,\n",
          r->partial ? "partial" : "complete", r->p->n_points, r->n_done);
  fprintf(fp, "  \"seed\": %llu,\n  \"replications\": %u,\n",
          (unsigned long long)c->seed, c->replications);
  char h[32];
  fprintf(fp, "  \"horizon_days\": %s,\n",
          wx__fmt_num(
              h, c->o.horizon > 0 ? c->o.horizon : wx_model_horizon(c->base)));
  fputs(
      "  \"common_random_numbers\": \"replication r of every point uses "
      "the streams of (seed, r), tagged by entity name\",\n",
      fp);
  json_lists(c, fp);
  return ferror(fp) ? WX_EIO : WX_OK;
}

typedef int (*writer)(const wx_study_ctx *, const wx_study_result *, FILE *);

static int write_one(const wx_study_ctx *c, const wx_study_result *r,
                     const char *dir, const char *name, writer w, wx_diags *d) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, name, d);
  if (rc != WX_OK) return rc;
  rc = w(c, r, f.fp);
  if (rc != WX_OK) {
    wx__outfile_abort(&f);
    return wx__diag(d, rc, dir, 0, 0, "cannot write %s", name);
  }
  return wx__outfile_commit(&f, d);
}

/* A sweep over an earlier sensitivity's directory (--force) must not leave
 * its indices behind: the charts would draw them as this study's. */
static void drop_stale_indices(const char *dir) {
  char *path = wx__path_join(dir, "indices.csv");
  if (path) unlink(path);
  free(path);
}

int wx__study_write(const wx_study_ctx *c, const wx_study_result *r,
                    const char *dir, wx_diags *d) {
  if (!r->ix) drop_stale_indices(dir);
  int rc = write_one(c, r, dir, "study.csv", study_csv, d);
  if (rc == WX_OK) rc = write_one(c, r, dir, "factors.csv", factors_csv, d);
  if (rc == WX_OK && r->ix)
    rc = write_one(c, r, dir, "indices.csv", indices_csv, d);
  /* The manifest goes last: its presence says the rest is written. */
  if (rc == WX_OK) rc = write_one(c, r, dir, "manifest.json", manifest, d);
  return rc;
}
