/* `wxflow attribute` in memory: the coalitions (attribute_shapley.c),
 * then the base scenario's journeys, one replication per job. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribute.h"
#include "agent_engine.h"
#include "memory_guard.h"
#include "runner.h"
#include "util.h"

static const char *const methods[4] = {"last_touch", "first_touch", "linear",
                                       "last_step"};

void wx__attribution_free(wx_attribution *a) {
  if (!a) return;
  for (size_t k = 0; k < a->n_out; k++) {
    free(a->outcomes[k]);
    free(a->kpis[k]);
  }
  for (size_t i = 0; i < a->n_j; i++) free(a->jv[i].s);
  for (size_t i = 0; i < a->n_paths; i++) {
    free(a->paths[i].key);
    free(a->paths[i].path);
  }
  free(a->outcomes);
  free(a->kpis);
  free(a->oc_index);
  free(a->ch);
  free(a->rows);
  free(a->jv);
  free(a->paths);
  wx_model_free(a->base);
  free(a);
}

static int outcomes(wx_attribution *a, const wx_model *m, wx_diags *d) {
  size_t n = m->n_outcomes + 1;
  a->outcomes = calloc(n, sizeof *a->outcomes);
  a->kpis = calloc(n, sizeof *a->kpis);
  a->oc_index = calloc(n, sizeof *a->oc_index);
  if (!a->outcomes || !a->kpis || !a->oc_index) return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_outcomes; i++) {
    if (!wx__outcome_economic(&m->outcomes[i])) continue;
    char kpi[160];
    snprintf(kpi, sizeof kpi, "outcome.%s", m->outcomes[i].name);
    a->oc_index[a->n_out] = i;
    a->outcomes[a->n_out] = wx__strdup(m->outcomes[i].name);
    a->kpis[a->n_out] = wx__strdup(kpi);
    if (!a->outcomes[a->n_out++] || !a->kpis[a->n_out - 1]) return WX_ENOMEM;
  }
  if (a->n_out == 0)
    return wx__diag(d, WX_ESCENARIO, wx_model_path(m), 0, 0,
                    "no outcome to attribute: give an outcome a `value` or "
                    "a `repeat` (a purchase)");
  a->outcomes[a->n_out] = wx__strdup("revenue");
  a->kpis[a->n_out] = wx__strdup("revenue");
  return a->outcomes[a->n_out++] && a->kpis[a->n_out - 1] ? WX_OK : WX_ENOMEM;
}

typedef struct {
  const wx_model *m;
  const wx_attribution *a;
  const wx_attr_opts *o;
  const wx_layout *l;
  wx_attr_acc **acc;
  uint64_t *lost;
} journeys_ctx;

static int run_one(journeys_ctx *x, uint32_t r, wx_attr_acc *acc,
                   wx_journeys *jr) {
  wx_series s = {0};
  double *params = malloc((x->m->n_params + 1) * sizeof *params);
  wx_engine *e = params ? wx__agent_alloc(x->m, x->l) : NULL;
  int rc = e ? wx__series_init(&s, x->l) : WX_ENOMEM;
  if (rc == WX_OK) rc = wx__params_for_rep(x->m, x->a->seed, r, params);
  if (rc == WX_OK) {
    e->jr = jr;
    rc = wx__agent_run(e, params,
                       wx__stream_seed(x->a->seed, r, WX_STREAM_ENGINE), &s,
                       x->o->stop);
  }
  if (rc == WX_OK) rc = wx__journeys_flush(jr);
  if (rc == WX_OK) x->lost[r] = wx__journeys_lost_buys(jr);
  (void)acc;
  wx__series_free(&s);
  wx__agent_free(e);
  free(params);
  return rc;
}

static int journeys_job(void *ctx, size_t r) {
  journeys_ctx *x = ctx;
  wx_attr_acc *acc =
      wx__attr_acc_alloc(x->a, x->m, (uint32_t)r,
                         wx__stream_seed(x->a->seed, r, WX_STREAM_ENGINE));
  unsigned cap = x->o->path_cap ? x->o->path_cap : 64;
  wx_journeys *jr = acc ? wx__journeys_alloc(cap, wx__attr_acc_add, acc) : NULL;
  int rc = jr ? run_one(x, (uint32_t)r, acc, jr) : WX_ENOMEM;
  wx__journeys_free(jr);
  x->acc[r] = acc;
  return rc;
}

/* Path methods per replication, as rows (mean and t interval). */
static int path_rows(wx_attribution *a, wx_attr_acc *const *acc) {
  size_t n = a->replications, nc = a->n_ch;
  double *x = malloc((n + 1) * sizeof *x);
  double *norm = malloc(n * nc * sizeof *norm + 1);
  double *rem = malloc(n * nc * sizeof *rem + 1);
  int rc = x && norm && rem ? WX_OK : WX_ENOMEM;
  for (size_t k = 0; rc == WX_OK && k < a->n_out; k++) {
    for (int mth = 0; rc == WX_OK && mth < 4; mth++)
      for (size_t i = 0; rc == WX_OK && i < nc; i++) {
        for (size_t r = 0; r < n; r++)
          x[r] = wx__attr_acc_credit(acc[r], mth, i, k);
        rc = wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, methods[mth], x, n);
      }
    for (size_t r = 0; rc == WX_OK && r < n; r++)
      rc = wx__attr_acc_markov(acc[r], k, norm + r * nc, rem + r * nc);
    for (size_t i = 0; rc == WX_OK && i < nc; i++) {
      for (size_t r = 0; r < n; r++) x[r] = norm[r * nc + i];
      rc = wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, "markov", x, n);
      for (size_t r = 0; rc == WX_OK && r < n; r++) x[r] = rem[r * nc + i];
      if (rc == WX_OK)
        rc = wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, "markov_removal", x,
                               n);
    }
  }
  free(x);
  free(norm);
  free(rem);
  return rc;
}

/* The journeys' run holds one engine and one series per thread: the
 * guard of every run, before anything large exists.  (The journeys
 * themselves are bounded by --path-cap steps per living person.) */
static int guard(const wx_model *m, wx_layout *l, const wx_attr_opts *o,
                 unsigned threads, wx_diags *d) {
  double cells = (double)l->n_samples * l->n_cols;
  wx_memory_plan p = {.engine = "agent",
                      .engine_bytes = wx__agent_memory_estimate(m, l),
                      .threads = threads,
                      .series_bytes = (threads * cells + l->n_samples) * 8,
                      .budget = o->memory_budget > 0
                                    ? o->memory_budget
                                    : wx__default_memory_budget(),
                      .horizon = l->horizon,
                      .samples = l->n_samples,
                      .cols = l->n_cols,
                      .replications = 1};
  int rc = wx__memory_check(m, &p, d);
  double left = p.budget - p.series_bytes;
  if (rc == WX_OK && p.budget > 0)
    l->engine_bytes_max = left > 0 ? left / threads : 1;
  return rc;
}

static int journeys(wx_attribution *a, const wx_model *m, const wx_attr_opts *o,
                    unsigned threads, wx_diags *d) {
  wx_layout l;
  if (threads > a->replications) threads = a->replications;
  int rc = wx__layout_init(&l, m, o->horizon);
  if (rc != WX_OK)
    return wx__diag(d, rc, wx_model_path(m), 0, 0,
                    "cannot lay out the journeys' run");
  rc = guard(m, &l, o, threads, d);
  if (rc != WX_OK) {
    wx__layout_free(&l);
    return rc;
  }
  journeys_ctx x = {m,
                    a,
                    o,
                    &l,
                    calloc(a->replications + 1, sizeof *x.acc),
                    calloc(a->replications + 1, sizeof *x.lost)};
  rc = x.acc && x.lost
           ? wx__attr_pool(a->replications, threads, journeys_job, &x)
           : WX_ENOMEM;
  if (rc == WX_OK) rc = path_rows(a, x.acc);
  for (uint32_t r = 0; rc == WX_OK && r < a->replications; r++) {
    rc = wx__attr_acc_merge(a, x.acc[r]);
    a->lost_buys += x.lost[r];
  }
  if (rc == WX_OK) rc = wx__attr_finish(a);
  for (uint32_t r = 0; x.acc && r < a->replications; r++)
    wx__attr_acc_free(x.acc[r]);
  free(x.acc);
  free(x.lost);
  wx__layout_free(&l);
  if (rc == WX_ENOMEM)
    wx__diag(d, rc, wx_model_path(m), 0, 0,
             "out of memory while recording "
             "journeys (fewer --journeys or a smaller --path-cap)");
  return rc;
}

int wx__attribute(const char *scenario, const wx_attr_opts *o,
                  wx_attribution **out, wx_diags *d) {
  *out = NULL;
  wx_attr_src src = {0};
  wx_model *base = NULL;
  wx_attribution *a = calloc(1, sizeof *a);
  int rc = a ? wx__attr_src_read(&src, scenario, d) : WX_ENOMEM;
  if (rc == WX_OK) rc = wx_model_load(scenario, &base, d);
  if (rc == WX_OK)
    rc = wx__attr_channels(a, base, o->channels, o->n_channels, d);
  if (rc == WX_OK) rc = outcomes(a, base, d);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads =
      o->threads ? o->threads : (cores > 0 ? (unsigned)cores : 1);
  if (rc == WX_OK) {
    a->seed = o->seed_set ? o->seed : base->seed;
    a->replications = o->replications ? o->replications : base->replications;
    a->keep = o->journeys_max ? o->journeys_max : 1000;
    wx_attr_opts oo = *o;
    oo.threads = threads;
    rc = wx__attr_shapley(&src, base, a, &oo, d);
  }
  if (rc == WX_OK) rc = journeys(a, base, o, threads, d);
  if (a)
    a->base = base;
  else
    wx_model_free(base);
  wx__attr_src_free(&src);
  if (rc != WX_OK) {
    wx__attribution_free(a);
    return rc;
  }
  *out = a;
  return WX_OK;
}
