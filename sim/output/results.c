/*
 * wx_run: the run core (core.c) with a hook that streams each replication
 * to series.csv, kpis.csv and params.csv, then the other files from the
 * same accumulators; --resume takes its options from the manifest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "results_dir.h"
#include "resume.h"
#include "util.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Creates and locks the directory (results_dir.h); a new run needs it
 * empty, or --force, which clears the earlier run first. */
static int prepare_dir(const wx_run_options *o, wx_dir_lock *lk, int *created,
                       wx_diags *diags) {
  lk->fd = -1;
  lk->path = NULL;
  if (!o->out_dir || !*o->out_dir)
    return wx__diag(diags, WX_EINVAL, "", 0, 0, "no results directory given");
  *created = !o->resume && access(o->out_dir, F_OK) != 0;
  /* A resumed directory must already hold a run: do not create it. */
  int rc = o->resume ? WX_OK : wx__mkdir_p(o->out_dir, diags);
  if (rc != WX_OK || (o->resume && access(o->out_dir, F_OK) != 0)) return rc;
  rc = wx__results_dir_lock(o->out_dir, lk, diags);
  if (rc != WX_OK || o->resume) return rc;
  if (!o->force && wx__dir_in_use(o->out_dir))
    rc = wx__diag(diags, WX_EEXISTS, o->out_dir, 0, 0,
                  "results directory is not empty; use --force to "
                  "overwrite it or choose another with -o");
  else if (o->force)
    rc = wx__results_dir_clear(o->out_dir, diags);
  if (rc != WX_OK) wx__results_dir_release(lk);
  return rc;
}

static int open_out(wx_run_ctx *c, wx_outfile *f, const char *name,
                    const char *header) {
  int rc = wx__outfile_open_in(f, c->o->out_dir, name, c->diags);
  if (rc == WX_OK) fputs(header, f->fp);
  return rc;
}

static void write_params_rows(wx_run_ctx *c, uint32_t rep, const double *p) {
  char b[32];
  for (uint32_t i = 0; i < c->m->n_params; i++) {
    if (c->m->params[i].prior.kind == WX_PRIOR_NONE) continue;
    fprintf(c->params_csv.fp, "%u,%s,%s\n", rep, c->m->params[i].path,
            wx__fmt_num(b, p[i]));
  }
}

/* The core's hook: the replication's rows of series.csv, kpis.csv and
 * params.csv (its KPIs are in c->kpi_row). */
static int write_rows(void *ctx, const wx_rep_result *r) {
  wx_run_ctx *c = ctx;
  if (c->series_csv.fp &&
      wx__write_series_rows(c->series_csv.fp, c, r->rep, r->series) != WX_OK)
    return WX_EINTERRUPTED; /* the replication is not counted */
  char b[32];
  for (uint32_t k = 0; k < c->kpis.n; k++)
    fprintf(c->kpis_csv.fp, "%u,%s,%s\n", r->rep, c->kpis.defs[k].name,
            wx__fmt_num(b, c->kpi_row[k]));
  write_params_rows(c, r->rep, r->params);
  return WX_OK;
}

static int ctx_open(wx_run_ctx *c) {
  int rc = WX_OK;
  if (!c->o->no_series)
    rc = open_out(c, &c->series_csv, "series.csv",
                  "replication,time,scope,name,metric,value\n");
  if (rc == WX_OK)
    rc = open_out(c, &c->kpis_csv, "kpis.csv", "replication,kpi,value\n");
  if (rc == WX_OK)
    rc = open_out(c, &c->params_csv, "params.csv", "replication,param,value\n");
  if (rc == WX_OK) rc = wx__write_entities(c, c->o->out_dir);
  return rc;
}

static void ctx_free(wx_run_ctx *c) {
  if (c->series_csv.fp) wx__outfile_abort(&c->series_csv);
  if (c->kpis_csv.fp) wx__outfile_abort(&c->kpis_csv);
  if (c->params_csv.fp) wx__outfile_abort(&c->params_csv);
  wx__core_free(c);
}

/* *doing names the step under way, for the out-of-memory message. */
static int commit_all(wx_run_ctx *c, wx_results *r, const char **doing) {
  const char *dir = c->o->out_dir;
  int rc = WX_OK;
  *doing = "writing series.csv";
  if (c->series_csv.fp) rc = wx__outfile_commit(&c->series_csv, c->diags);
  if (rc == WX_OK)
    *doing = "writing kpis.csv",
    rc = wx__outfile_commit(&c->kpis_csv, c->diags);
  if (rc == WX_OK)
    *doing = "writing params.csv",
    rc = wx__outfile_commit(&c->params_csv, c->diags);
  if (rc == WX_OK)
    *doing = "writing series_stats.csv", rc = wx__write_series_stats(c, dir);
  if (rc == WX_OK)
    *doing = "writing kpi_summary.csv", rc = wx__write_kpi_summary(c, r, dir);
  if (rc == WX_OK) *doing = "writing prcc.csv", rc = wx__write_prcc(c, dir);
  if (rc == WX_OK)
    *doing = "writing constraints.csv", rc = wx__write_constraints(c, dir);
  if (rc == WX_OK) *doing = "writing funnel.csv", rc = wx__write_funnel(c, dir);
  if (rc == WX_OK) *doing = "writing levels.csv", rc = wx__write_levels(c, dir);
  if (rc == WX_OK)
    *doing = "writing summary.json",
    rc = wx__write_summary_json(r, dir, c->diags);
  if (rc == WX_OK)
    *doing = "writing manifest.json", rc = wx__write_manifest(c, r, dir);
  return rc;
}

/* A fresh run that failed leaves no half set of results (entities.csv
 * without a manifest): its directory was empty, so every result file goes.
 * With --force an earlier run's complete files are kept instead (the one
 * in use stays whole, see outfile.h), and a resumed directory keeps what
 * it held. */
static void roll_back(const wx_run_options *o) {
  static const char *const names[] = {
      "manifest.json",   "summary.json", "entities.csv",     "series.csv",
      "kpis.csv",        "params.csv",   "series_stats.csv", "kpi_summary.csv",
      "constraints.csv", "funnel.csv",   "prcc.csv",         "levels.csv"};
  if (o->resume || o->force) return;
  char path[4096];
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if ((size_t)snprintf(path, sizeof path, "%s/%s", o->out_dir, names[i]) <
        sizeof path)
      unlink(path);
}

/* Allocation failures deep in a writer carry no message of their own. */
static void say_nomem(wx_diags *d, size_t had, const char *dir,
                      const char *doing) {
  for (size_t i = had; i < wx_diags_count(d); i++)
    if (wx_diags_get(d, i)->code == WX_ENOMEM) return;
  wx__diag(d, WX_ENOMEM, dir, 0, 0, "out of memory while %s", doing);
}

/* The run's options for the core. */
static void eval_options(const wx_run_options *o, wx_eval_options *eo) {
  *eo = (wx_eval_options){.engine = o->engine,
                          .seed_set = o->seed_set,
                          .seed = o->seed,
                          .replications = o->replications,
                          .threads = o->threads,
                          .horizon = o->horizon,
                          .memory_budget = o->memory_budget,
                          .keep_series = 1,
                          .progress = o->progress,
                          .progress_ctx = o->progress_ctx,
                          .stop = o->stop};
  if (o->shard_to > o->shard_from) {
    eo->first_rep = o->shard_from;
    eo->replications = o->shard_to;
  }
}

/* --resume: every option that shapes the outputs comes from the manifest
 * (seed, replications, finished ones, horizon, engine, quantiles), so the
 * outputs are those of a run never interrupted. */
static int resume_options(const wx_model *m, wx_run_options *o,
                          wx_resume_info *info, wx_diags *d) {
  int rc = wx__resume_read(o->out_dir, info, d);
  if (rc == WX_OK) rc = wx__resume_check(info, m, o->out_dir, d);
  if (rc != WX_OK) return rc;
  o->seed_set = 1;
  o->seed = info->seed;
  o->replications = info->requested;
  o->horizon = info->horizon;
  o->engine = info->engine;
  o->quantiles = info->quantiles;
  o->n_quantiles = info->n_quantiles;
  o->no_series = 0;
  return WX_OK;
}

static int run_all(wx_run_ctx *c, wx_runner_opts *ro,
                   const wx_resume_info *info, const char **doing) {
  const wx_run_options *o = c->o;
  wx_eval_options eo;
  eval_options(o, &eo);
  if (o->resume) eo.first_rep = info->completed;
  *doing = "preparing the results";
  int rc = wx__core_init(c, c->m, &eo, ro, c->diags);
  c->hook = write_rows;
  c->hook_ctx = c;
  if (rc == WX_OK) *doing = "writing entities.csv", rc = ctx_open(c);
  if (rc == WX_OK && o->resume) {
    c->events = info->events;
    *doing = "replaying the finished replications";
    rc = wx__resume_replay(c->m, &c->layout, o->out_dir, info, wx__core_sink, c,
                           c->diags);
  }
  if (rc != WX_OK) return rc;
  *doing = "running the replications";
  return wx__core_run(c, ro);
}

/* Summaries and files of a run that ended with run_rc. */
static int finish(wx_run_ctx *c, const wx_runner_opts *ro, int run_rc,
                  double t0, wx_results **out, const char **doing) {
  *doing = "summarising the replications";
  wx_results *r = wx__core_summarise(c);
  int rc = r ? WX_OK
             : wx__diag(c->diags, WX_ENOMEM, wx_model_path(c->m), 0, 0,
                        "out of memory while summarising the run");
  if (r) {
    r->partial = run_rc == WX_EINTERRUPTED;
    r->n_requested = ro->replications;
    r->threads = ro->threads;
    r->seed = ro->seed;
    r->wall_seconds = now_seconds() - t0;
    rc = commit_all(c, r, doing);
  }
  *out = r;
  return rc == WX_OK ? run_rc : rc;
}

/* An MPI rank other than 0 (runner.h) only computes its share of the
 * replications for rank 0, which writes DIR: nothing here touches it. */
static int run_as_worker(const wx_model *m, const wx_run_options *opts,
                         wx_diags *d) {
  wx_run_options o = *opts;
  wx_resume_info info = {0};
  int rc = o.resume ? resume_options(m, &o, &info, d) : WX_OK;
  wx_eval_options eo;
  eval_options(&o, &eo);
  eo.keep_series = 0;
  if (o.resume) eo.first_rep = info.completed;
  wx_runner_opts ro = {0};
  wx_run_ctx c = {.m = m, .o = &o, .diags = d};
  if (rc == WX_OK) rc = wx__core_init(&c, m, &eo, &ro, d);
  if (rc == WX_OK) rc = wx__core_run(&c, &ro);
  wx__core_free(&c);
  wx__resume_info_free(&info);
  return rc;
}

int wx_run(const wx_model *m, const wx_run_options *opts, wx_results **out,
           wx_diags *diags) {
  if (out) *out = NULL;
  if (opts && wx__dist_worker()) return run_as_worker(m, opts, diags);
  double t0 = now_seconds();
  size_t had = diags ? wx_diags_count(diags) : 0;
  wx_dir_lock lock;
  int created = 0;
  int rc = opts ? prepare_dir(opts, &lock, &created, diags) : WX_EINVAL;
  if (rc != WX_OK) {
    if (rc == WX_ENOMEM && diags)
      say_nomem(diags, had, opts->out_dir, "locking the results directory");
    if (created) rmdir(opts->out_dir);
    return rc;
  }
  wx_run_options o = *opts;
  wx_resume_info info = {0};
  const char *doing = "reading the partial run";
  if (o.resume) rc = resume_options(m, &o, &info, diags);
  wx_runner_opts ro = {0};
  wx_run_ctx c = {.m = m, .o = &o, .diags = diags};
  if (rc == WX_OK) rc = run_all(&c, &ro, &info, &doing);
  wx_results *r = NULL;
  if (rc == WX_OK || rc == WX_EINTERRUPTED)
    rc = finish(&c, &ro, rc, t0, &r, &doing);
  ctx_free(&c);
  wx__resume_info_free(&info);
  if (rc == WX_ENOMEM && diags) say_nomem(diags, had, o.out_dir, doing);
  if (rc != WX_OK && rc != WX_EINTERRUPTED) roll_back(&o);
  wx__results_dir_release(&lock);
  /* A refused run leaves no directory it made itself behind. */
  if (rc != WX_OK && rc != WX_EINTERRUPTED && created) rmdir(o.out_dir);
  if (out)
    *out = r;
  else
    wx_results_free(r);
  return rc;
}
