#include <math.h>
#include <stdlib.h>

#include "results.h"

void wx__json_string(FILE *fp, const char *s) {
  fputc('"', fp);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(fp, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", fp);
    else if (*p < 0x20)
      fprintf(fp, "\\u%04x", *p);
    else
      fputc(*p, fp);
  }
  fputc('"', fp);
}

static const char *prior_name(wx_prior_kind k) {
  static const char *names[] = {"none",      "beta",    "gamma",
                                "lognormal", "uniform", "normal"};
  return (unsigned)k <= WX_PRIOR_NORMAL ? names[k] : "?";
}

static void write_params(FILE *fp, const wx_model *m) {
  char a[32], b[32];
  fputs("  \"parameters\": [", fp);
  for (uint32_t i = 0; i < m->n_params; i++) {
    const wx_param *p = &m->params[i];
    fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", fp);
    wx__json_string(fp, p->path);
    fprintf(fp, ", \"value\": %s", wx__fmt_num(a, p->value));
    if (p->prior.kind != WX_PRIOR_NONE)
      fprintf(fp, ", \"prior\": {\"dist\": \"%s\", \"a\": %s, \"b\": %s}",
              prior_name(p->prior.kind), wx__fmt_num(a, p->prior.a),
              wx__fmt_num(b, p->prior.b));
    fputc('}', fp);
  }
  fputs(m->n_params ? "\n  ],\n" : "],\n", fp);
}

/* The options that shape the outputs, all of them, so that --resume
 * reuses them (resume.c reads them back). */
static void write_run_options(FILE *fp, const wx_run_ctx *c) {
  char a[32], b[32];
  fputs("  \"engine\": ", fp);
  wx__json_string(fp, c->engine->name);
  const char *asked = c->o->engine ? c->o->engine : c->m->engine;
  if (wx__engine_is_auto(asked)) /* the engine above is auto's choice */
    fputs(",\n  \"engine_requested\": \"auto\"", fp);
  fprintf(fp, ",\n  \"horizon_days\": %s,\n  \"sample_every_days\": %s,\n",
          wx__fmt_num(a, c->layout.horizon),
          wx__fmt_num(b, c->layout.sample_dt));
  fputs("  \"quantiles\": [", fp);
  for (unsigned i = 0; i < c->o->n_quantiles; i++)
    fprintf(fp, "%s%s", i ? ", " : "", wx__fmt_num(a, c->o->quantiles[i]));
  fputs("],\n", fp);
  /* A shard (wxflow merge) says which replications it holds. */
  if (c->o->shard_to > c->o->shard_from)
    fprintf(fp, "  \"shard_from\": %u,\n  \"shard_to\": %u,\n",
            c->o->shard_from, c->o->shard_to);
}

int wx__write_manifest(const wx_run_ctx *c, const wx_results *r,
                       const char *dir) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "manifest.json", c->diags);
  if (rc != WX_OK) return rc;
  const wx_model *m = c->m;
  fprintf(f.fp,
          "{\n  \"wxflow_version\": \"%s\",\n  \"scenario\": ", wx_version());
  wx__json_string(f.fp, wx_model_path(m));
  fprintf(f.fp,
          ",\n  \"scenario_hash\": \"fnv1a64:%s\",\n  \"title\": ", m->hash);
  wx__json_string(f.fp, m->title ? m->title : "");
  fprintf(f.fp, ",\n  \"status\": \"%s\",\n",
          r->partial ? "partial" : "complete");
  fprintf(f.fp, "  \"seed\": %llu,\n", (unsigned long long)r->seed);
  fprintf(f.fp,
          "  \"seed_derivation\": \"replication r uses splitmix64 "
          "streams of (seed, r)\",\n");
  fprintf(f.fp, "  \"replications_requested\": %u,\n", r->n_requested);
  fprintf(f.fp, "  \"replications_completed\": %u,\n", r->n_reps);
  fprintf(f.fp, "  \"threads\": %u,\n", r->threads);
  fprintf(f.fp, "  \"wall_time_s\": %.3f,\n", r->wall_seconds);
  fprintf(f.fp, "  \"events\": %llu,\n", (unsigned long long)r->events);
  fprintf(f.fp, "  \"series_written\": %s,\n",
          c->o->no_series ? "false" : "true");
  write_run_options(f.fp, c);
  write_params(f.fp, m);
  char note[160];
  wx__prcc_note(c, note, sizeof note);
  fputs("  \"prcc\": ", f.fp);
  wx__json_string(f.fp, note);
  fputs(",\n", f.fp);
  fputs("  \"files\": [\"entities.csv\", ", f.fp);
  if (!c->o->no_series) fputs("\"series.csv\", ", f.fp);
  fputs(
      "\"series_stats.csv\", \"kpis.csv\", \"kpi_summary.csv\", "
      "\"params.csv\", \"prcc.csv\", \"summary.json\", "
      "\"constraints.csv\"",
      f.fp);
  if (wx__funnel_written(c)) fputs(", \"funnel.csv\"", f.fp);
  fputs(", \"levels.csv\"", f.fp);
  fputs("]\n}\n", f.fp);
  return wx__outfile_commit(&f, c->diags);
}

int wx__write_summary_json(const wx_results *r, const char *dir,
                           wx_diags *diags) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "summary.json", diags);
  if (rc != WX_OK) return rc;
  char b[32];
  fprintf(f.fp, "{\n  \"replications\": %u,\n  \"partial\": %s,\n  \"kpis\": [",
          r->n_reps, r->partial ? "true" : "false");
  for (uint32_t i = 0; i < r->n_kpis; i++) {
    const wx_cell_summary *s = &r->kpi[i];
    fputs(i ? ",\n    {\"kpi\": " : "\n    {\"kpi\": ", f.fp);
    wx__json_string(f.fp, r->defs[i].name);
    fprintf(f.fp, ", \"unit\": \"%s\", \"n\": %u", r->defs[i].unit, s->n);
    const double v[] = {s->mean, s->sd,   s->ci_low, s->ci_high,
                        s->q[0], s->q[2], s->q[4]};
    const char *k[] = {"mean", "sd", "ci_low", "ci_high", "p5", "p50", "p95"};
    for (int j = 0; j < 7; j++) {
      wx__fmt_stat(b, v[j]);
      fprintf(f.fp, ", \"%s\": %s", k[j], isfinite(v[j]) ? b : "null");
    }
    fputc('}', f.fp);
  }
  fputs("\n  ]\n}\n", f.fp);
  return wx__outfile_commit(&f, diags);
}
