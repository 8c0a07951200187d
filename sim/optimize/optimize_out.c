/* The results directory of `wxflow optimize`: one writer per file, each
 * written under a temporary name and renamed into place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"
#include "outfile.h"
#include "results.h"
#include "results_dir.h"
#include "util.h"

int wx__opt_prepare_dir(const char *dir, int force, wx_diags *d) {
  if (!dir || !*dir)
    return wx__diag(d, WX_EINVAL, "", 0, 0, "no output directory");
  if (!force && wx__dir_in_use(dir))
    return wx__diag(d, WX_EEXISTS, dir, 0, 0,
                    "results directory already in use; use --force to "
                    "overwrite it or -o to choose another");
  return wx__mkdir_p(dir, d);
}

static void num(FILE *fp, double v) {
  char b[32];
  fputs(wx__fmt_num(b, v), fp);
}

static void stat_(FILE *fp, double v) {
  char b[32];
  fputs(wx__fmt_stat(b, v), fp);
}

static void var_header(FILE *fp, const wx_opt_spec *s) {
  for (size_t j = 0; j < s->n_vars; j++) {
    fputc(',', fp);
    wx__csv_field(fp, s->v[j].f.path);
  }
}

static void var_values(FILE *fp, const wx_opt_spec *s, const double *x) {
  for (size_t j = 0; j < s->n_vars; j++) {
    fputc(',', fp);
    num(fp, x[j]);
  }
}

static void ci_cols(FILE *fp, const wx_ci *c) {
  fputc(',', fp);
  stat_(fp, c->lo);
  fputc(',', fp);
  stat_(fp, c->hi);
}

static int allocation(const wx_opt_outputs *o, FILE *fp) {
  const wx_opt_spec *s = o->s;
  const wx_opt_result *r = o->r;
  fputs("variable,name,base,optimal,change,ci_low,ci_high\n", fp);
  for (size_t j = 0; j < s->n_vars; j++) {
    wx__csv_field(fp, s->v[j].f.path);
    fputc(',', fp);
    wx__csv_field(fp, s->v[j].f.name);
    fputc(',', fp);
    num(fp, r->base_x[j]);
    fputc(',', fp);
    num(fp, r->x[j]);
    fputc(',', fp);
    num(fp, r->x[j] - r->base_x[j]);
    fputs(",,\n", fp);
  }
  /* the KPI on the confirmation seeds: means, and the paired gain */
  fputs("kpi.", fp);
  wx__csv_field(fp, s->kpi);
  fputc(',', fp);
  wx__csv_field(fp, s->kpi);
  fputc(',', fp);
  stat_(fp, r->base_ci.mean);
  fputc(',', fp);
  stat_(fp, r->plan_ci.mean);
  fputc(',', fp);
  stat_(fp, r->gain.mean);
  ci_cols(fp, &r->gain);
  fputc('\n', fp);
  if (s->target) {
    fputs("chance.", fp);
    wx__csv_field(fp, s->target);
    fputs(",reached by the day (share),", fp);
    stat_(fp, r->base_share.mean);
    fputc(',', fp);
    stat_(fp, r->plan_share.mean);
    fputc(',', fp);
    stat_(fp, r->plan_share.mean - r->base_share.mean);
    ci_cols(fp, &r->plan_share); /* the plan's Wilson interval */
    fputc('\n', fp);
  }
  return WX_OK;
}

static int evaluations(const wx_opt_outputs *o, FILE *fp) {
  const wx_opt_spec *s = o->s;
  const wx_opt_trace *t = &o->r->trace;
  fputs("evaluation", fp);
  var_header(fp, s);
  fputs(",search_objective,kpi_mean,chance_share\n", fp);
  for (size_t i = 0; i < t->n; i++) {
    fprintf(fp, "%zu", i + 1);
    var_values(fp, s, t->x + i * s->n_vars);
    fputc(',', fp);
    num(fp, isfinite(t->f[i]) ? t->f[i] : NAN);
    fputc(',', fp);
    num(fp, t->mean[i]);
    fputc(',', fp);
    num(fp, t->share[i]);
    fputc('\n', fp);
  }
  return WX_OK;
}

static int validation(const wx_opt_outputs *o, FILE *fp) {
  const wx_opt_spec *s = o->s;
  const wx_opt_result *r = o->r;
  fputs("candidate", fp);
  var_header(fp, s);
  fputs(",fresh_mean,fresh_chance_share,chosen\n", fp);
  for (size_t c = 0; c < r->n_cand; c++) {
    const double *x = r->cand_x + c * s->n_vars;
    fprintf(fp, "%zu", c + 1);
    var_values(fp, s, x);
    fputc(',', fp);
    stat_(fp, r->cand_mean[c]);
    fputc(',', fp);
    stat_(fp, r->cand_share[c]);
    fprintf(fp, ",%d\n", !memcmp(x, r->x, s->n_vars * sizeof *x));
  }
  return WX_OK;
}

static int curves(const wx_opt_outputs *o, FILE *fp) {
  fputs("variable,name,value,feasible,mean,ci_low,ci_high\n", fp);
  for (size_t i = 0; i < o->n_cp; i++) {
    const wx_opt_curve_point *p = &o->cp[i];
    wx__csv_field(fp, o->s->v[p->var].f.path);
    fputc(',', fp);
    wx__csv_field(fp, o->s->v[p->var].f.name);
    fputc(',', fp);
    num(fp, p->value);
    fprintf(fp, ",%d,", p->feasible);
    stat_(fp, p->ci.mean);
    ci_cols(fp, &p->ci);
    fputc('\n', fp);
  }
  return WX_OK;
}

static int frontier(const wx_opt_outputs *o, FILE *fp) {
  const wx_opt_spec *s = o->s;
  fputs("constraint,max", fp);
  var_header(fp, s);
  fputs(",mean,ci_low,ci_high\n", fp);
  for (size_t i = 0; i < o->n_fp; i++) {
    wx__csv_field(fp, s->c[s->frontier].name);
    fputc(',', fp);
    num(fp, o->fp[i].bound);
    var_values(fp, s, o->fp[i].x);
    fputc(',', fp);
    stat_(fp, o->fp[i].ci.mean);
    ci_cols(fp, &o->fp[i].ci);
    fputc('\n', fp);
  }
  return WX_OK;
}

static int plan(const wx_opt_outputs *o, FILE *fp) {
  size_t len = 0;
  char *text = wx__opt_plan_text(o->ev, o->r->x, &len, NULL);
  if (!text) return WX_ENOMEM;
  fwrite(text, 1, len, fp);
  free(text);
  return WX_OK;
}

static int manifest(const wx_opt_outputs *o, FILE *fp) {
  const wx_opt_spec *s = o->s;
  const wx_opt_result *r = o->r;
  fprintf(fp,
          "{\n  \"wxflow_version\": \"%s\",\n  \"kind\": \"optimize\",\n"
          "  \"title\": ",
          wx_version());
  wx__json_string(fp, s->title ? s->title : "");
  fputs(",\n  \"optimization\": ", fp);
  wx__json_string(fp, s->file);
  fprintf(fp,
          ",\n  \"optimization_hash\": \"fnv1a64:%s\",\n  \"base\": ", s->hash);
  wx__json_string(fp, s->base);
  fprintf(fp, ",\n  \"objective\": {\"%s\": ",
          s->sense > 0 ? "maximize" : "minimize");
  wx__json_string(fp, s->kpi);
  fprintf(fp, "},\n  \"algorithm\": \"%s\",\n  \"evaluations\": %u,\n",
          s->algorithm, r->evals);
  fprintf(fp, "  \"search_seed\": %llu,\n  \"search_replications\": %u,\n",
          (unsigned long long)wx__opt_seed(o->ev), wx__opt_reps(o->ev));
  fprintf(fp, "  \"validation_replications\": %u,\n  \"candidates\": %zu,\n",
          r->base_ci.n, r->n_cand);
  fprintf(fp, "  \"gain_significant\": %s\n}\n",
          r->improved ? "true" : "false");
  return WX_OK;
}

typedef struct {
  const char *name;
  int (*write)(const wx_opt_outputs *o, FILE *fp);
} writer;

static const writer writers[] = {{"plan.yaml", plan},
                                 {"allocation.csv", allocation},
                                 {"evaluations.csv", evaluations},
                                 {"validation.csv", validation},
                                 {"curves.csv", curves},
                                 {"frontier.csv", frontier},
                                 {"manifest.json", manifest}};

int wx__opt_write(const wx_opt_outputs *o, const char *dir, wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; rc == WX_OK && i < sizeof writers / sizeof *writers; i++) {
    const writer *w = &writers[i];
    if (w->write == frontier && !o->n_fp) continue;
    if (w->write == curves && !o->n_cp) continue;
    wx_outfile f;
    rc = wx__outfile_open_in(&f, dir, w->name, d);
    if (rc != WX_OK) break;
    rc = w->write(o, f.fp);
    if (rc != WX_OK) {
      wx__outfile_abort(&f);
      rc = wx__diag(d, rc, dir, 0, 0, "cannot write %s", w->name);
    } else {
      rc = wx__outfile_commit(&f, d);
    }
  }
  return rc;
}
