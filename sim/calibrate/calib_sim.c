/* Calibration against a model: checking the spec (parameters, metrics,
 * days) and evaluating it at given parameter values in memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "ranks.h"
#include "readfile.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const scopes[] = {"module", "source",     "outcome",
                                     "flow",   "touchpoint", "total"};
#define N_SCOPES (sizeof scopes / sizeof scopes[0])

void wx__calib_sim_clear(wx_calib_sim *c) {
  free(c->param);
  free(c->sample);
  *c = (wx_calib_sim){0};
}

/* Every free parameter must be a parameter of the model (so that it is set
 * per evaluation) and a plain number in the scenario file (so that the
 * calibrated scenario can carry its prior). */
static int bind_params(wx_calib_sim *c, const wx_tree *t, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  int rc = WX_OK;
  for (size_t i = 0; i < s->k; i++) {
    const wx_study_factor *f = &s->f[i];
    int p = wx_model_param_find(c->m, f->path);
    const wx_node *n = wx__tree_get_path(t, f->path);
    if (p < 0 || !n || n->type != WX_NODE_SCALAR) {
      rc = wx__diag(d, WX_ESCENARIO, s->file, f->line, f->col,
                    "`%s` is not %s in %s: a free parameter is a number a "
                    "replication reads (a probability, rate, count or "
                    "delay written as a plain value)",
                    f->path, p < 0 ? "a parameter" : "a plain number", s->base);
      continue;
    }
    c->param[i] = (unsigned)p;
  }
  return rc;
}

/* The column of a metric written scope.name.metric or name.metric (names
 * may hold dots: flows of touchpoint responses); -1 unknown, -2 ambiguous. */
static int column_of(const wx_eval *e, const char *ref) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", ref);
  char *last = strrchr(buf, '.');
  if (!last || last == buf) return -1;
  *last = '\0';
  const char *metric = last + 1, *name = buf;
  char *dot = strchr(buf, '.');
  for (size_t i = 0; dot && i < N_SCOPES; i++)
    if ((size_t)(dot - buf) == strlen(scopes[i]) &&
        !strncmp(buf, scopes[i], (size_t)(dot - buf))) {
      int col = wx_eval_column_find(e, scopes[i], dot + 1, metric);
      if (col >= 0) return col;
    }
  int found = -1;
  for (size_t i = 0; i < N_SCOPES; i++) {
    int col = wx_eval_column_find(e, scopes[i], name, metric);
    if (col >= 0 && found >= 0) return -2;
    if (col >= 0) found = col;
  }
  return found;
}

static int bind_series(wx_calib_sim *c, wx_calib_spec *s, wx_diags *d) {
  wx_eval_options o = {.seed_set = 1,
                       .replications = 1,
                       .threads = 1,
                       .horizon = wx_model_sample_dt(c->m),
                       .keep_series = 1,
                       .engine = c->engine,
                       .memory_budget = c->memory_budget};
  wx_eval *e = NULL;
  int rc = wx_evaluate(c->m, &o, &e, d);
  if (rc != WX_OK) return rc;
  double horizon = wx_model_horizon(c->m);
  for (size_t i = 0; i < s->n_series; i++) {
    wx_calib_series *x = &s->s[i];
    x->column = column_of(e, x->ref);
    if (x->column < 0)
      rc = wx__diag(d, WX_ESCENARIO, s->data, x->line, x->col,
                    x->column == -2
                        ? "metric `%s` is ambiguous: write scope.name.metric"
                        : "unknown metric `%s`: write scope.name.metric as in "
                          "series.csv, e.g. module.oa.joins or "
                          "source.content.arrivals",
                    x->ref);
    else if ((double)x->n_days > horizon + 1e-9)
      rc = wx__diag(d, WX_ESCENARIO, s->data, x->last_line, x->last_col,
                    "day %zu of `%s` is after the horizon of %s (%g days)",
                    x->n_days, x->ref, s->base, horizon);
    if (x->n_days > c->days) c->days = x->n_days;
  }
  wx_eval_free(e);
  return rc;
}

/* Sample index of the end of each day: the grid must hit whole days. */
static int bind_days(wx_calib_sim *c, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  double dt = wx_model_sample_dt(c->m), per = 1.0 / dt;
  if (!(dt > 0) || fabs(per - floor(per + 0.5)) > 1e-9)
    return wx__diag(d, WX_ESCENARIO, s->file, s->base_line, s->base_col,
                    "calibration compares daily counts: %s must sample "
                    "whole days (sample_every: 1d, 12h, ...; it has %g d)",
                    s->base, dt);
  if (s->holdout > 0 && s->holdout + 2 > (double)c->days)
    return wx__diag(d, WX_ESCENARIO, s->file, s->holdout_line, s->holdout_col,
                    "`holdout: %gd` leaves "
                    "fewer than 2 days of the %zu observed to fit",
                    s->holdout, c->days);
  if (!(c->sample = calloc(c->days + 1, sizeof *c->sample))) return WX_ENOMEM;
  for (size_t i = 0; i <= c->days; i++)
    c->sample[i] = (unsigned)(i * (unsigned)floor(per + 0.5));
  return WX_OK;
}

int wx__calib_bind(wx_calib_sim *c, const wx_model *m, wx_calib_spec *s,
                   wx_diags *d) {
  const char *engine = c->engine;
  double budget = c->memory_budget;
  unsigned threads = c->threads;
  const atomic_int *stop = c->stop;
  *c = (wx_calib_sim){.m = m,
                      .s = s,
                      .engine = engine,
                      .threads = threads,
                      .memory_budget = budget,
                      .stop = stop};
  c->reps = s->replications ? s->replications : wx_model_replications(m);
  c->seed = s->seed_set ? s->seed : wx_model_seed(m);
  if (!(c->param = calloc(s->k ? s->k : 1, sizeof *c->param))) return WX_ENOMEM;
  char *text = NULL;
  size_t len = 0;
  wx_tree *t = NULL;
  int rc = wx__read_file(s->base, WX__SCENARIO_MAX, &text, &len, d);
  if (rc == WX_OK) rc = wx__tree_parse(s->base, text, len, &t, d);
  if (rc == WX_OK) rc = bind_params(c, t, d);
  wx__tree_free(t);
  free(text);
  if (rc == WX_OK) rc = bind_series(c, s, d);
  if (rc == WX_OK) rc = bind_days(c, d);
  if (rc != WX_OK) wx__calib_sim_clear(c);
  return rc;
}

static int read_means(const wx_calib_sim *c, const wx_eval *e, double *cum,
                      wx_diags *d) {
  const wx_calib_spec *s = c->s;
  for (size_t i = 0; i < s->n_series; i++)
    for (size_t day = 0; day <= c->days; day++) {
      wx_summary sm;
      double t = wx_eval_sample_time(e, c->sample[day]);
      int rc = wx_eval_series_summary(e, c->sample[day],
                                      (unsigned)s->s[i].column, &sm);
      if (rc == WX_OK && fabs(t - (double)day) > 1e-6) rc = WX_ERUNTIME;
      if (rc != WX_OK)
        return wx__diag(d, rc, s->base, 0, 0,
                        "no sample at the end of day "
                        "%zu (sample %u)",
                        day, c->sample[day]);
      cum[i * (c->days + 1) + day] = sm.mean;
    }
  return WX_OK;
}

int wx__calib_simulate(const wx_calib_sim *c, const double *x, unsigned first,
                       unsigned n, double *cum, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  wx_param_set set[32];
  for (size_t i = 0; i < s->k && i < 32; i++)
    set[i] = (wx_param_set){c->param[i], x[i]};
  wx_eval_options o = {.seed_set = 1,
                       .seed = c->seed,
                       .first_rep = first,
                       .replications = first + n,
                       .threads = c->threads,
                       .horizon = (double)c->days,
                       .set = set,
                       .n_set = (unsigned)s->k,
                       .keep_series = 1,
                       .stop = c->stop,
                       .engine = c->engine,
                       .memory_budget = c->memory_budget};
  wx_eval *e = NULL;
  int rc = wx_evaluate(c->m, &o, &e, d);
  /* Under MPI the replications were spread over the ranks and only rank
   * 0 holds them: its means go to every rank, so that every rank's fit
   * takes the same next step (ranks.h). */
  if (rc == WX_OK && wx__ranks_rank() == 0) rc = read_means(c, e, cum, d);
  wx__ranks_share(&rc, cum, s->n_series * (c->days + 1));
  wx_eval_free(e);
  return rc;
}

double *wx__calib_observed(const wx_calib_sim *c) {
  const wx_calib_spec *s = c->s;
  double *y = malloc((s->n_series * c->days + 1) * sizeof *y);
  for (size_t i = 0; y && i < s->n_series; i++)
    for (size_t day = 1; day <= c->days; day++)
      y[i * c->days + day - 1] =
          day <= s->s[i].n_days ? s->s[i].y[day - 1] : NAN;
  return y;
}
