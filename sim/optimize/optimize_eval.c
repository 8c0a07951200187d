/* Plans to KPIs: parameter variables set in memory, structural ones
 * through a recompile of the base tree with dotted overrides; and the
 * plan written back into the base scenario's text. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranks.h"
#include "optimize.h"
#include "readfile.h"
#include "scenario.h"
#include "util.h"
#include "yaml_tree.h"

struct wx_opt_evaluator {
  const wx_opt_spec *s;
  wx_opt_run_options o;
  char *data; /* the base scenario's bytes */
  size_t len;
  wx_tree *tree; /* for structural overrides */
  wx_model *base;
  int structural;  /* some variable recompiles */
  int *line, *col; /* each variable's value in the base text */
  wx_param_set *set;
  uint64_t seed;
  unsigned reps;
  int checked; /* the KPIs were found once */
};

static int var_error(const wx_opt_spec *s, const wx_opt_var *v, wx_diags *d,
                     const char *what) {
  return wx__diag(d, WX_ESCENARIO, s->file, v->f.line, v->f.col,
                  "variable `%s`: %s in %s", v->f.path, what, s->base);
}

/* A variable that is not a parameter: a plain number in the base tree. */
static int structural(wx_opt_evaluator *ev, wx_opt_var *v, size_t j,
                      wx_diags *d) {
  const wx_node *n = wx__tree_get_path(ev->tree, v->f.path);
  if (!n) return var_error(ev->s, v, d, "no such key");
  if (n->type != WX_NODE_SCALAR || !wx__study_number(n->str, &v->base))
    return var_error(ev->s, v, d, "not a plain number");
  ev->line[j] = n->line;
  ev->col[j] = n->col;
  ev->structural = 1;
  return WX_OK;
}

static int resolve(wx_opt_evaluator *ev, wx_opt_spec *s, wx_diags *d) {
  int rc = WX_OK;
  for (size_t j = 0; j < s->n_vars; j++) {
    wx_opt_var *v = &s->v[j];
    const wx_node *n = wx__tree_get_path(ev->tree, v->f.path);
    v->param = wx_model_param_find(ev->base, v->f.path);
    if (v->param >= 0) {
      v->base = wx_model_param_value(ev->base, (unsigned)v->param);
      if (!n || n->type != WX_NODE_SCALAR) {
        /* the plan file writes values where they were written */
        if (rc == WX_OK) rc = var_error(s, v, d, "not written as a scalar");
        continue;
      }
      ev->line[j] = n->line;
      ev->col[j] = n->col;
    } else {
      int one = structural(ev, v, j, d);
      if (rc == WX_OK) rc = one;
    }
    if (rc == WX_OK && v->f.integer) v->base = round(v->base);
  }
  return rc;
}

int wx__opt_evaluator_new(wx_opt_spec *s, const wx_opt_run_options *o,
                          wx_opt_evaluator **out, wx_diags *d) {
  *out = NULL;
  wx_opt_evaluator *ev = calloc(1, sizeof *ev);
  if (!ev) return WX_ENOMEM;
  ev->s = s;
  if (o) ev->o = *o;
  ev->line = calloc(s->n_vars + 1, sizeof *ev->line);
  ev->col = calloc(s->n_vars + 1, sizeof *ev->col);
  ev->set = calloc(s->n_vars + 1, sizeof *ev->set);
  int rc = ev->line && ev->col && ev->set ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK)
    rc = wx__read_file(s->base, WX__SCENARIO_MAX, &ev->data, &ev->len, d);
  if (rc == WX_OK)
    rc = wx_model_load_buffer(s->base, ev->data, ev->len, &ev->base, d);
  if (rc == WX_OK)
    rc = wx__tree_parse(s->base, ev->data, ev->len, &ev->tree, d);
  if (rc == WX_OK) rc = resolve(ev, s, d);
  if (rc != WX_OK) {
    wx__opt_evaluator_free(ev);
    return rc;
  }
  ev->seed = s->seed_set ? s->seed : wx_model_seed(ev->base);
  ev->reps =
      s->replications ? s->replications : wx_model_replications(ev->base);
  *out = ev;
  return WX_OK;
}

void wx__opt_evaluator_free(wx_opt_evaluator *ev) {
  if (!ev) return;
  wx_model_free(ev->base);
  wx__tree_free(ev->tree);
  free(ev->data);
  free(ev->line);
  free(ev->col);
  free(ev->set);
  free(ev);
}

uint64_t wx__opt_seed(const wx_opt_evaluator *ev) { return ev->seed; }
unsigned wx__opt_reps(const wx_opt_evaluator *ev) { return ev->reps; }

/* The ratio KPIs and their operands (kpi.c: cac = cost / customers, roi =
 * revenue / cost - 1, each summarised as a ratio of means). */
static const struct {
  const char *kpi, *num, *den;
  double shift;
} ratios[] = {{"cac", "cost", "customers", 0}, {"roi", "revenue", "cost", -1}};

static int ratio_index(const char *kpi) {
  for (int i = 0; i < 2; i++)
    if (!strcmp(ratios[i].kpi, kpi)) return i;
  return -1;
}

int wx__opt_ratio(const wx_opt_evaluator *ev, double *shift) {
  int i = ratio_index(ev->s->kpi);
  if (i >= 0 && shift) *shift = ratios[i].shift;
  return i >= 0;
}

static void fmt_value(char *buf, size_t cap, const wx_opt_var *v, double x) {
  if (v->f.integer)
    snprintf(buf, cap, "%.0f", round(x));
  else
    snprintf(buf, cap, "%.12g", x);
}

/* The model of plan x: the base, or the base tree recompiled with the
 * structural variables' values. */
static int plan_model(wx_opt_evaluator *ev, const double *x, wx_model **m,
                      wx_diags *d) {
  const wx_opt_spec *s = ev->s;
  char val[64], tail[2048];
  size_t at = 0;
  int rc = WX_OK;
  tail[0] = '\0';
  for (size_t j = 0; j < s->n_vars && rc == WX_OK; j++) {
    if (s->v[j].param >= 0) continue;
    fmt_value(val, sizeof val, &s->v[j], x[j]);
    rc = wx__tree_set_path(ev->tree, s->v[j].f.path, val, d);
    int n =
        snprintf(tail + at, sizeof tail - at, "%s: %s\n", s->v[j].f.path, val);
    if (n > 0 && (size_t)n < sizeof tail - at) at += (size_t)n;
  }
  if (rc != WX_OK) return WX_ESCENARIO;
  size_t blen = ev->len + at;
  char *bytes = malloc(blen + 1);
  if (!bytes) return WX_ENOMEM;
  memcpy(bytes, ev->data, ev->len);
  memcpy(bytes + ev->len, tail, at);
  rc = wx__scenario_compile(ev->tree, bytes, blen, m, d);
  free(bytes);
  return rc;
}

static int kpi_of(const wx_opt_evaluator *ev, const wx_eval *e,
                  const char *name, wx_diags *d) {
  int k = wx_eval_kpi_find(e, name);
  if (k < 0 && d)
    wx__diag(d, WX_ESCENARIO, ev->s->file, ev->s->obj_line, ev->s->obj_col,
             "%s has no KPI `%s`", ev->s->base, name);
  return k;
}

static int alloc_sample(wx_opt_sample *out, unsigned n) {
  *out = (wx_opt_sample){.n = n, .share = NAN};
  double *b = calloc(4 * (size_t)n + 1, sizeof *b);
  if (!b) return WX_ENOMEM;
  out->kpi = b;
  out->num = b + n;
  out->den = b + 2 * (size_t)n;
  out->hit = b + 3 * (size_t)n;
  return WX_OK;
}

void wx__opt_sample_free(wx_opt_sample *s) {
  if (s) free(s->kpi);
  if (s) *s = (wx_opt_sample){0};
}

static void copy(double *to, const double *from, unsigned n) {
  for (unsigned r = 0; r < n; r++) to[r] = from ? from[r] : NAN;
}

/* Per-replication values out of an evaluation. */
static int collect(const wx_opt_evaluator *ev, const wx_eval *e,
                   wx_opt_sample *out, wx_diags *d) {
  const wx_opt_spec *s = ev->s;
  int k = kpi_of(ev, e, s->kpi, d);
  if (k < 0) return WX_ESCENARIO;
  unsigned n = wx_eval_replications(e);
  int rc = alloc_sample(out, n);
  if (rc != WX_OK) return rc;
  wx_summary sum;
  wx_eval_kpi_summary(e, (unsigned)k, &sum);
  out->mean = sum.mean;
  copy(out->kpi, wx_eval_kpi_values(e, (unsigned)k), n);
  int ri = ratio_index(s->kpi);
  if (ri >= 0) {
    int a = kpi_of(ev, e, ratios[ri].num, d),
        b = kpi_of(ev, e, ratios[ri].den, d);
    if (a < 0 || b < 0) return WX_ESCENARIO;
    copy(out->num, wx_eval_kpi_values(e, (unsigned)a), n);
    copy(out->den, wx_eval_kpi_values(e, (unsigned)b), n);
  }
  if (!s->target) return WX_OK;
  char name[128];
  snprintf(name, sizeof name, "target_day.%s", s->target);
  int t = kpi_of(ev, e, name, d);
  if (t < 0) return WX_ESCENARIO;
  const double *day = wx_eval_kpi_values(e, (unsigned)t);
  double hits = 0;
  for (unsigned r = 0; r < n; r++) {
    out->hit[r] = isfinite(day[r]) && day[r] <= s->by ? 1 : 0;
    hits += out->hit[r];
  }
  out->share = n ? hits / n : NAN;
  return WX_OK;
}

/* Under MPI only rank 0 holds the replications (they were spread over
 * the ranks): its sample goes to every rank, so that every rank's search
 * takes the same next step (ranks.h). */
static int share_sample(wx_opt_sample *out, unsigned reps, int rc) {
  size_t n = 4 * (size_t)reps + 2;
  double *v = calloc(n, sizeof *v);
  if (rc == WX_OK && wx__ranks_rank() == 0 && v) {
    v[0] = out->mean;
    v[1] = out->share;
    memcpy(v + 2, out->kpi, 4 * (size_t)reps * sizeof *v);
  }
  if (!v) rc = WX_ENOMEM; /* on one rank: the job ends (cli_mpi.c) */
  if (v) wx__ranks_share(&rc, v, n);
  if (rc == WX_OK && out->n == reps) {
    out->mean = v[0];
    out->share = v[1];
    memcpy(out->kpi, v + 2, 4 * (size_t)reps * sizeof *v);
  } else if (rc == WX_OK) {
    rc = WX_EIO;
  }
  free(v);
  return rc;
}

int wx__opt_evaluate(wx_opt_evaluator *ev, const double *x, uint64_t seed,
                     unsigned reps, wx_opt_sample *out, wx_diags *d) {
  const wx_opt_spec *s = ev->s;
  *out = (wx_opt_sample){0};
  wx_model *m = ev->base;
  int rc = ev->structural ? plan_model(ev, x, &m, d) : WX_OK;
  if (rc != WX_OK) return rc;
  unsigned n_set = 0;
  for (size_t j = 0; j < s->n_vars; j++)
    if (s->v[j].param >= 0)
      ev->set[n_set++] = (wx_param_set){(unsigned)s->v[j].param,
                                        s->v[j].f.integer ? round(x[j]) : x[j]};
  wx_eval_options eo = {.engine = ev->o.engine,
                        .seed_set = 1,
                        .seed = seed,
                        .replications = reps,
                        .threads = ev->o.threads,
                        .memory_budget = ev->o.memory_budget,
                        .horizon = ev->o.horizon,
                        .set = ev->set,
                        .n_set = n_set,
                        .stop = ev->o.stop};
  wx_eval *e = NULL;
  rc = wx_evaluate(m, &eo, &e, d);
  if (rc == WX_OK)
    rc = wx__ranks_rank() == 0 ? collect(ev, e, out, d)
                               : alloc_sample(out, reps);
  if (wx__ranks_size() > 1) rc = share_sample(out, reps, rc);
  if (rc != WX_OK) wx__opt_sample_free(out);
  wx_eval_free(e);
  if (m != ev->base) wx_model_free(m);
  return rc;
}

/* ------------------------------------------------------------- the plan */

/* Byte offset of line:col (1-based, col in characters) in data. */
static size_t offset_of(const char *data, size_t len, int line, int col) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (data[i] == '\n') l++;
  for (int c = 1; c < col && i < len; i++)
    if (((unsigned char)data[i] & 0xC0) != 0x80) c++;
  while (i < len && ((unsigned char)data[i] & 0xC0) == 0x80) i++;
  return i;
}

/* The end of the scalar token starting at i: a quoted one to its closing
 * quote, a plain one before a comment, a flow separator or the line end. */
static size_t token_end(const char *data, size_t len, size_t i) {
  if (i < len && (data[i] == '"' || data[i] == '\'')) {
    char q = data[i];
    for (size_t j = i + 1; j < len && data[j] != '\n'; j++)
      if (data[j] == q && !(q == '"' && data[j - 1] == '\\')) return j + 1;
    return i;
  }
  size_t j = i;
  while (j < len && data[j] != '\n' && data[j] != ',' && data[j] != '}' &&
         data[j] != ']' && !(data[j] == '#' && j > i && data[j - 1] == ' '))
    j++;
  while (j > i && (data[j - 1] == ' ' || data[j - 1] == '\t')) j--;
  return j;
}

char *wx__opt_plan_text(wx_opt_evaluator *ev, const double *x, size_t *len,
                        wx_diags *d) {
  const wx_opt_spec *s = ev->s;
  size_t n = s->n_vars, cap = ev->len + 64 * n + 512 + strlen(s->file), at = 0,
         from = 0;
  for (size_t j = 0; j < n; j++) cap += strlen(s->v[j].f.path) + 2;
  char *out = malloc(cap);
  size_t *start = calloc(n + 1, sizeof *start),
         *end = calloc(n + 1, sizeof *end);
  if (!out || !start || !end) {
    free(out);
    free(start);
    free(end);
    wx__diag(d, WX_ENOMEM, s->file, 0, 0, "out of memory");
    return NULL;
  }
  at +=
      (size_t)snprintf(out, cap,
                       "# The plan found by `wxflow optimize %s`"
                       " (%s %s): the base scenario with\n# ",
                       s->file, s->sense > 0 ? "maximise" : "minimise", s->kpi);
  for (size_t j = 0; j < n; j++) {
    start[j] = offset_of(ev->data, ev->len, ev->line[j], ev->col[j]);
    end[j] = token_end(ev->data, ev->len, start[j]);
    at += (size_t)snprintf(out + at, cap - at, "%s%s", j ? ", " : "",
                           s->v[j].f.path);
  }
  at += (size_t)snprintf(out + at, cap - at, " set.\n");
  for (;;) { /* copy up to the next variable's value, in file order */
    size_t best = n;
    for (size_t j = 0; j < n; j++)
      if (start[j] != SIZE_MAX && start[j] >= from &&
          (best == n || start[j] < start[best]))
        best = j;
    size_t upto = best < n ? start[best] : ev->len;
    memcpy(out + at, ev->data + from, upto - from);
    at += upto - from;
    if (best == n) break;
    char val[64];
    fmt_value(val, sizeof val, &s->v[best], x[best]);
    at += (size_t)snprintf(out + at, cap - at, "%s", val);
    from = end[best] > upto ? end[best] : upto;
    start[best] = SIZE_MAX; /* done */
  }
  free(start);
  free(end);
  *len = at;
  return out;
}
