/*
 * The one core of every run (results.h): wx_evaluate keeps what it
 * accumulates in memory, wx_run streams each replication to its files
 * through the hook and writes the summaries from the same accumulators.
 * Order of work: resolve the engine and let it check the model, size the
 * run and refuse it before anything large exists, then allocate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory_guard.h"
#include "core.h"
#include "util.h"

const double wx__quantile_probs[WX_NQ] = {0.05, 0.25, 0.50, 0.75, 0.95};
const char *const wx__quantile_names[WX_NQ] = {"p5", "p25", "p50", "p75",
                                               "p95"};

static uint32_t online_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (uint32_t)n : 1;
}

/* Seed, replications and threads of the run; WX_EINVAL when they do not
 * make sense. */
static int resolve(const wx_model *m, const wx_eval_options *o,
                   wx_runner_opts *ro, wx_diags *d) {
  ro->seed = o->seed_set ? o->seed : m->seed;
  ro->replications = o->replications ? o->replications : m->replications;
  ro->first_rep = o->first_rep;
  if (ro->first_rep > ro->replications)
    return wx__diag(d, WX_EINVAL, "", 0, 0,
                    "first replication %u is past "
                    "the last (%u)",
                    ro->first_rep, ro->replications);
  uint32_t left = ro->replications - ro->first_rep;
  ro->threads = o->threads ? o->threads : online_cores();
  if (ro->threads > left) ro->threads = left ? left : 1;
  ro->stop = o->stop;
  ro->progress = o->progress;
  ro->progress_ctx = o->progress_ctx;
  ro->set = o->set;
  ro->n_set = o->n_set;
  for (unsigned i = 0; i < o->n_set; i++)
    if (!o->set || o->set[i].param >= m->n_params)
      return wx__diag(d, WX_EINVAL, "", 0, 0,
                      "parameter index %u out of "
                      "range (the model has %u)",
                      o->set ? o->set[i].param : 0, m->n_params);
  if (!(o->horizon >= 0) || !isfinite(o->horizon))
    return wx__diag(d, WX_EINVAL, "", 0, 0, "the horizon must be > 0 days");
  return WX_OK;
}

/* Everything large, sized before it is allocated (memory_guard.h). */
static int guard(wx_run_ctx *c, const wx_runner_opts *ro) {
  const wx_layout *l = &c->layout;
  double cells = (double)l->n_samples * l->n_cols;
  double kept = (c->keep_series ? cells : 0) + c->kpis.n + c->n_priors;
  wx_memory_plan p = {
      .engine = c->engine->name,
      .engine_bytes = c->engine->memory_estimate(c->m, l),
      .threads = ro->threads,
      /* the runner keeps 2 series per thread in flight, plus the grid */
      .series_bytes =
          (2.0 * ro->threads * cells + l->n_samples) * sizeof(double),
      .accum_bytes = wx__accum_bytes(kept, ro->replications),
      .budget = c->budget,
      .horizon = l->horizon,
      .samples = l->n_samples,
      .cols = l->n_cols,
      .replications = ro->replications};
  int rc = wx__memory_check(c->m, &p, c->diags);
  /* What is left per engine bounds a population that grows past the
   * estimate at run time (fission): WX_ETOOBIG instead of being killed. */
  double left = c->budget - p.series_bytes - p.accum_bytes;
  if (rc == WX_OK && c->budget > 0)
    c->layout.engine_bytes_max = left > 0 ? left / ro->threads : 1;
  return rc;
}

static int grid_too_big(wx_run_ctx *c) {
  return wx__diag(c->diags, WX_ETOOBIG, wx_model_path(c->m), 0, 0,
                  "`sample_every` and the horizon (%g d) make more sample "
                  "times than a run can index; use a coarser "
                  "`sample_every` or a shorter horizon",
                  c->horizon);
}

/* Which parameters have a prior: their draws are kept per replication. */
static int find_priors(wx_run_ctx *c) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < c->m->n_params; i++)
    k += c->m->params[i].prior.kind != WX_PRIOR_NONE;
  c->prior_idx = malloc((k + 1) * sizeof *c->prior_idx);
  if (!c->prior_idx)
    return wx__diag(c->diags, WX_ENOMEM, wx_model_path(c->m), 0, 0,
                    "out of memory while setting up the run");
  for (uint32_t i = 0; i < c->m->n_params; i++)
    if (c->m->params[i].prior.kind != WX_PRIOR_NONE)
      c->prior_idx[c->n_priors++] = i;
  return WX_OK;
}

int wx__core_plan(wx_run_ctx *c, const wx_model *m, const wx_eval_options *o,
                  wx_runner_opts *ro, wx_diags *d) {
  c->m = m;
  c->diags = d;
  c->keep_series = o->keep_series;
  c->budget =
      o->memory_budget > 0 ? o->memory_budget : wx__default_memory_budget();
  int rc = resolve(m, o, ro, d);
  if (rc == WX_OK && !(c->engine = wx__engine_resolve(m, o->engine, d)))
    rc = o->engine ? WX_EINVAL : WX_ESCENARIO;
  ro->engine = c->engine;
  if (rc == WX_OK) rc = c->engine->check(m, d);
  c->horizon = o->horizon > 0 ? o->horizon : m->horizon;
  if (rc == WX_OK) {
    rc = wx__layout_shape(&c->layout, m, o->horizon);
    if (rc == WX_ETOOBIG) rc = grid_too_big(c);
  }
  if (rc == WX_OK) rc = wx__kpis_init(&c->kpis, m, &c->layout);
  if (rc == WX_OK) rc = find_priors(c);
  if (rc == WX_OK) rc = guard(c, ro);
  return rc;
}

int wx__core_init(wx_run_ctx *c, const wx_model *m, const wx_eval_options *o,
                  wx_runner_opts *ro, wx_diags *d) {
  int rc = wx__core_plan(c, m, o, ro, d);
  if (rc == WX_OK) rc = wx__layout_times(&c->layout);
  double cells = (double)c->layout.n_samples * c->layout.n_cols;
  if (rc == WX_OK && c->keep_series && cells >= UINT32_MAX)
    rc = grid_too_big(c);
  if (rc == WX_OK)
    rc = wx__accum_init(&c->series_acc, c->keep_series ? (uint32_t)cells : 0,
                        ro->replications);
  if (rc == WX_OK)
    rc = wx__accum_init(&c->kpi_acc, c->kpis.n, ro->replications);
  if (rc == WX_OK)
    rc = wx__accum_init(&c->prior_acc, c->n_priors, ro->replications);
  if (rc == WX_OK && !(c->kpi_row = malloc((c->kpis.n + c->n_priors + 1) *
                                           sizeof *c->kpi_row)))
    rc = WX_ENOMEM;
  if (rc == WX_ENOMEM)
    wx__diag(d, rc, wx_model_path(m), 0, 0,
             "out of memory while setting "
             "up the run (sample grid, KPIs or accumulators)");
  return rc;
}

/* The hook runs before the replication is accumulated: a hook that fails
 * (a stop while series.csv is written) leaves it uncounted, so the
 * statistics describe exactly the replications the files hold. */
int wx__core_sink(void *ctx, const wx_rep_result *r) {
  wx_run_ctx *c = ctx;
  wx__kpis_eval(&c->kpis, &c->layout, r->series, c->kpi_row);
  int rc = c->hook ? c->hook(c->hook_ctx, r) : WX_OK;
  if (rc == WX_OK && c->keep_series)
    rc = wx__accum_add(&c->series_acc, r->series->v);
  if (rc == WX_OK) rc = wx__accum_add(&c->kpi_acc, c->kpi_row);
  double *draws = c->kpi_row + c->kpis.n;
  for (uint32_t i = 0; i < c->n_priors; i++)
    draws[i] = r->params ? r->params[c->prior_idx[i]] : NAN;
  if (rc == WX_OK) rc = wx__accum_add(&c->prior_acc, draws);
  if (rc != WX_OK) return rc;
  c->events += r->stats->events;
  if (r->stats->peak_live > c->peak_live) {
    c->peak_live = r->stats->peak_live;
    c->peak_bytes = r->stats->peak_bytes;
  }
  return WX_OK;
}

int wx__core_run(wx_run_ctx *c, const wx_runner_opts *ro) {
  wx_error why = {0};
  wx_runner_opts o2 = *ro;
  o2.failure = &why;
  int rc = wx__run_replications(c->m, &c->layout, &o2, wx__core_sink, c);
  if (rc != WX_OK && rc != WX_EINTERRUPTED && why.msg[0])
    wx__diag(c->diags, rc, why.file[0] ? why.file : wx_model_path(c->m),
             why.line, why.col, "%s", why.msg);
  else if (rc == WX_ETOOBIG)
    wx__diag(c->diags, rc, wx_model_path(c->m), 0, 0,
             "the simulated population outgrew the memory budget (%.0f MiB "
             "per engine after the series and accumulators): fewer "
             "arrivals, a fission saturation cap, fewer threads or a "
             "larger budget (--memory-budget or WXFLOW_MEMORY_BUDGET)",
             c->layout.engine_bytes_max / 1048576.0);
  else if (rc == WX_ENOMEM)
    wx__diag(c->diags, rc, wx_model_path(c->m), 0, 0,
             "out of memory while running a replication (the %s engine's "
             "people, events or units, or the runner's series buffers)",
             c->engine->name);
  return rc;
}

/* A share of replications (0/1 values) gets the Wilson score interval,
 * which stays inside [0, 1] and behaves near 0 and 1 where the t interval
 * does not. */
static void wilson(wx_cell_summary *s) {
  if (s->n == 0) return;
  double n = s->n, p = s->mean, z = 1.959963984540054;
  double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  double half =
      z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  s->ci_low = centre - half;
  s->ci_high = centre + half;
}

wx_results *wx__core_summarise(const wx_run_ctx *c) {
  wx_results *r = calloc(1, sizeof *r);
  uint32_t n = c->kpis.n;
  double *scratch = malloc((2 * (size_t)c->kpi_acc.cap + 1) * sizeof *scratch);
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
  for (uint32_t k = 0, a, b; k < n; k++) {
    double shift;
    if (wx__kpi_ratio_parts(&c->kpis, k, &a, &b, &shift))
      wx__accum_ratio(&c->kpi_acc, a, b, shift, wx__quantile_probs, WX_NQ,
                      scratch, &r->kpi[k]);
    else
      wx__accum_summary(&c->kpi_acc, k, wx__quantile_probs, WX_NQ, scratch,
                        &r->kpi[k]);
    if (wx__kpi_is_share(&r->defs[k])) wilson(&r->kpi[k]);
  }
  r->n_reps = c->kpi_acc.n;
  r->events = c->events;
  r->peak_live = c->peak_live;
  r->peak_bytes = c->peak_bytes;
  free(scratch);
  return r;
}

void wx__core_free(wx_run_ctx *c) {
  wx__layout_free(&c->layout);
  wx__kpis_free(&c->kpis);
  wx__accum_free(&c->series_acc);
  wx__accum_free(&c->kpi_acc);
  wx__accum_free(&c->prior_acc);
  free(c->prior_idx);
  c->prior_idx = NULL;
  c->n_priors = 0;
  free(c->kpi_row);
  c->kpi_row = NULL;
}

void wx_results_free(wx_results *r) {
  if (!r) return;
  free(r->defs);
  free(r->kpi);
  free(r);
}

unsigned wx_results_replications(const wx_results *r) { return r->n_reps; }
