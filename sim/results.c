#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "results_dir.h"
#include "run_checks.h"
#include "resume.h"
#include "util.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint32_t default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (uint32_t)n : 1;
}

/* Creates and locks the directory (results_dir.h); a new run needs it
 * empty, or --force, which clears the earlier run first. */
static int prepare_dir(const wx_run_options *o, wx_dir_lock *lk,
                       wx_diags *diags) {
  lk->fd = -1;
  lk->path = NULL;
  if (!o->out_dir || !*o->out_dir)
    return wx__diag(diags, WX_EINVAL, "", 0, 0, "no results directory given");
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

static int sink(void *ctx, const wx_rep_result *r) {
  wx_run_ctx *c = ctx;
  if (c->series_csv.fp &&
      wx__write_series_rows(c->series_csv.fp, c, r->rep, r->series) != WX_OK)
    return WX_EINTERRUPTED; /* the replication is not counted */
  int rc = wx__accum_add(&c->series_acc, r->series->v);
  wx__kpis_eval(&c->kpis, &c->layout, r->series, c->kpi_row);
  if (rc == WX_OK) rc = wx__accum_add(&c->kpi_acc, c->kpi_row);
  char b[32];
  for (uint32_t k = 0; k < c->kpis.n; k++)
    fprintf(c->kpis_csv.fp, "%u,%s,%s\n", r->rep, c->kpis.defs[k].name,
            wx__fmt_num(b, c->kpi_row[k]));
  write_params_rows(c, r->rep, r->params);
  c->events += r->stats->events;
  if (r->stats->peak_live > c->peak_live) {
    c->peak_live = r->stats->peak_live;
    c->peak_bytes = r->stats->peak_bytes;
  }
  return rc;
}

/* Exact quantiles keep every value (accum.h): refuse up front a run whose
 * accumulators would not fit rather than swap or die half-way. */
int wx__check_accum_memory(const wx_layout *l, size_t n_kpis, uint32_t reps,
                           const char *file, wx_diags *diags) {
  double cells = (double)l->n_samples * l->n_cols + (double)n_kpis;
  double need = wx__accum_bytes(cells, reps), budget = wx__memory_budget();
  if (budget <= 0 || need <= budget) return WX_OK;
  return wx__diag(
      diags, WX_ETOOBIG, file, 0, 0,
      "aggregating %u replications x %u samples x %u columns needs about "
      "%.0f bytes (%.1f MiB) of memory, over the budget of %.0f bytes "
      "(%.1f MiB: half of physical memory, or WXFLOW_MEMORY_BUDGET); use a "
      "coarser sample_every or fewer replications",
      reps, l->n_samples, l->n_cols, need, need / 1048576.0, budget,
      budget / 1048576.0);
}

static int ctx_init(wx_run_ctx *c, uint32_t reps) {
  int rc = wx__layout_init(&c->layout, c->m);
  if (rc == WX_OK) rc = wx__kpis_init(&c->kpis, c->m, &c->layout);
  if (rc == WX_OK)
    rc = wx__check_accum_memory(&c->layout, c->kpis.n, reps,
                                wx_model_path(c->m), c->diags);
  if (rc == WX_OK)
    rc = wx__accum_init(&c->series_acc,
                        c->layout.n_samples * c->layout.n_cols, reps);
  if (rc == WX_OK) rc = wx__accum_init(&c->kpi_acc, c->kpis.n, reps);
  if (rc == WX_OK) {
    c->kpi_row = malloc((c->kpis.n + 1) * sizeof *c->kpi_row);
    if (!c->kpi_row) rc = WX_ENOMEM;
  }
  return rc;
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
  wx__layout_free(&c->layout);
  wx__kpis_free(&c->kpis);
  wx__accum_free(&c->series_acc);
  wx__accum_free(&c->kpi_acc);
  free(c->kpi_row);
}

/* A share of replications (0/1 values) gets the Wilson score interval,
 * which stays inside [0, 1] and behaves near 0 and 1 where the t interval
 * does not. */
static void wilson(wx_cell_summary *s) {
  if (s->n == 0) return;
  double n = s->n, p = s->mean, z = 1.959963984540054;
  double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  double half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  s->ci_low = centre - half;
  s->ci_high = centre + half;
}

static wx_results *summarise(const wx_run_ctx *c) {
  wx_results *r = calloc(1, sizeof *r);
  uint32_t n = c->kpis.n;
  double *scratch = malloc((c->kpi_acc.cap + 1) * sizeof *scratch);
  if (r) {
    r->defs = malloc((n + 1) * sizeof *r->defs);
    r->kpi = calloc(n + 1, sizeof *r->kpi);
  }
  if (!r || !scratch || !r->defs || !r->kpi) {
    free(scratch);
    wx_results_free(r);
    return NULL;
  }
  r->n_kpis = n;
  memcpy(r->defs, c->kpis.defs, n * sizeof *r->defs);
  for (uint32_t k = 0; k < n; k++) {
    wx__accum_summary(&c->kpi_acc, k, wx__quantile_probs, WX_NQ, scratch,
                      &r->kpi[k]);
    if (r->defs[k].reduce == WX_REDUCE_REACHED) wilson(&r->kpi[k]);
  }
  r->n_reps = c->kpi_acc.n;
  r->events = c->events;
  r->peak_live = c->peak_live;
  r->peak_bytes = c->peak_bytes;
  free(scratch);
  return r;
}

static int commit_all(wx_run_ctx *c, wx_results *r) {
  const char *dir = c->o->out_dir;
  int rc = WX_OK;
  if (c->series_csv.fp) rc = wx__outfile_commit(&c->series_csv, c->diags);
  if (rc == WX_OK) rc = wx__outfile_commit(&c->kpis_csv, c->diags);
  if (rc == WX_OK) rc = wx__outfile_commit(&c->params_csv, c->diags);
  if (rc == WX_OK) rc = wx__write_series_stats(c, dir);
  if (rc == WX_OK) rc = wx__write_kpi_summary(c, r, dir);
  if (rc == WX_OK) rc = wx__write_constraints(c, dir);
  if (rc == WX_OK) rc = wx__write_funnel(c, dir);
  if (rc == WX_OK) rc = wx__write_summary_json(r, dir, c->diags);
  if (rc == WX_OK) rc = wx__write_manifest(c, r, dir);
  return rc;
}

/* --resume: the seed, replications and finished ones come from the
 * manifest; the finished replications are replayed through the sink. */
static int resume_start(wx_run_ctx *c, wx_runner_opts *ro,
                        wx_resume_info *info) {
  int rc = wx__resume_read(c->o->out_dir, info, c->diags);
  if (rc == WX_OK) rc = wx__resume_check(info, c->m, c->o->out_dir, c->diags);
  if (rc != WX_OK) return rc;
  ro->seed = info->seed;
  ro->replications = info->requested;
  ro->first_rep = info->completed;
  return WX_OK;
}

static int run_all(wx_run_ctx *c, wx_runner_opts *ro) {
  const wx_run_options *o = c->o;
  wx_resume_info info = {0};
  int rc = o->resume ? resume_start(c, ro, &info) : WX_OK;
  uint32_t left = ro->replications - ro->first_rep;
  if (ro->threads > left) ro->threads = left ? left : 1;
  if (rc == WX_OK) rc = ctx_init(c, ro->replications);
  if (rc == WX_OK) rc = ctx_open(c);
  if (rc == WX_OK && o->resume) {
    c->events = info.events;
    rc = wx__resume_replay(c->m, &c->layout, o->out_dir, &info, sink, c,
                           c->diags);
  }
  wx__resume_info_free(&info);
  if (rc != WX_OK) return rc;
  char stalled[sizeof ((wx_engine_stats *)0)->stalled] = "";
  wx_runner_opts o2 = *ro;
  o2.stalled = stalled;
  rc = wx__run_replications(c->m, &c->layout, &o2, sink, c);
  if (rc == WX_ERUNTIME && stalled[0])
    wx__diag(c->diags, rc, wx_model_path(c->m), 0, 0, "%s", stalled);
  if (rc == WX_ETOOBIG)
    wx__diag(c->diags, rc, wx_model_path(c->m), 0, 0,
             "the simulated population outgrew the memory budget (a "
             "quarter of %.0f MiB for the people of one replication): "
             "fewer arrivals, a fission saturation cap, or a larger "
             "WXFLOW_MEMORY_BUDGET", wx__memory_budget() / 1048576.0);
  return rc;
}

int wx_run(const wx_model *m, const wx_run_options *o, wx_results **out,
           wx_diags *diags) {
  if (out) *out = NULL;
  double t0 = now_seconds();
  wx_dir_lock lock;
  int rc = prepare_dir(o, &lock, diags);
  if (rc != WX_OK) return rc;
  wx_runner_opts ro = {
      .seed = o->seed_set ? o->seed : m->seed,
      .replications = o->replications ? o->replications : m->replications,
      .threads = o->threads ? o->threads : default_threads(),
      .stop = o->stop, .progress = o->progress,
      .progress_ctx = o->progress_ctx};
  wx_run_ctx c = {.m = m, .o = o, .diags = diags};
  int run_rc = run_all(&c, &ro);
  wx_results *r = NULL;
  if (run_rc == WX_OK || run_rc == WX_EINTERRUPTED) {
    r = summarise(&c);
    rc = r ? WX_OK : WX_ENOMEM;
    if (r) {
      r->partial = run_rc == WX_EINTERRUPTED;
      r->n_requested = ro.replications;
      r->threads = ro.threads;
      r->seed = ro.seed;
      r->wall_seconds = now_seconds() - t0;
      rc = commit_all(&c, r);
    }
    if (rc == WX_OK) rc = run_rc;
  } else {
    rc = run_rc;
  }
  ctx_free(&c);
  wx__results_dir_release(&lock);
  if (out) *out = r;
  else wx_results_free(r);
  return rc;
}

void wx_results_free(wx_results *r) {
  if (!r) return;
  free(r->defs);
  free(r->kpi);
  free(r);
}

unsigned wx_results_replications(const wx_results *r) { return r->n_reps; }
