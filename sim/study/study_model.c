/* A study's base model and its factors: which are parameters of the
 * compiled model and which recompile, their nominal values, the checks
 * made before anything runs, and the recompiles themselves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "scenario.h"
#include "study_run.h"
#include "util.h"
#include "yaml_tree.h"

void wx__study_ctx_free(wx_study_ctx *c) {
  if (!c) return;
  wx_model_free(c->base);
  for (size_t j = 0; j < c->n_kpi; j++) {
    free(c->kpi[j]);
    free(c->kpi_unit[j]);
  }
  free(c->kpi);
  free(c->kpi_unit);
  free(c->data);
  free(c->param);
  free(c->nominal);
  free(c);
}

/* The parameter of m at path when exactly one has it; -1 otherwise (a
 * piecewise rate has one per step: setting the first would be wrong). */
static int unique_param(const wx_model *m, const char *path) {
  int found = -1;
  unsigned n = wx_model_param_count(m);
  for (unsigned i = 0; i < n; i++) {
    if (strcmp(wx_model_param_path(m, i), path)) continue;
    if (found >= 0) return -1;
    found = (int)i;
  }
  return found;
}

/* The number written at the factor's path in the base scenario, or NaN. */
static double tree_value(const wx_tree *t, const char *path) {
  const wx_node *n = wx__tree_get_path(t, path);
  double x;
  if (n && n->type == WX_NODE_SCALAR && wx__study_number(n->str, &x)) return x;
  return NAN;
}

static int bind_factors(wx_study_ctx *c, wx_diags *d) {
  const wx_study_spec *s = c->spec;
  size_t k = s->n_factors;
  c->param = calloc(k ? k : 1, sizeof *c->param);
  c->nominal = calloc(k ? k : 1, sizeof *c->nominal);
  if (!c->param || !c->nominal) return WX_ENOMEM;
  wx_tree *t = NULL;
  int rc = wx__tree_parse(s->base, c->data, c->len, &t, d);
  for (size_t i = 0; rc == WX_OK && i < k; i++) {
    const char *path = s->f[i].path;
    c->param[i] = c->o.all_structural ? -1 : unique_param(c->base, path);
    if (c->param[i] < 0) c->n_structural++;
    c->nominal[i] = c->param[i] >= 0
                        ? wx_model_param_value(c->base, (unsigned)c->param[i])
                        : tree_value(t, path);
  }
  wx__tree_free(t);
  return rc;
}

static int add_kpi(wx_study_ctx *c, const char *name, const char *unit) {
  size_t j = c->n_kpi;
  c->kpi[j] = wx__strdup(name);
  c->kpi_unit[j] = wx__strdup(unit ? unit : "");
  c->n_kpi++;
  return c->kpi[j] && c->kpi_unit[j] ? WX_OK : WX_ENOMEM;
}

static void unknown_kpi(const wx_study_spec *s, const wx_eval *e, size_t i,
                        wx_diags *d) {
  unsigned n = wx_eval_kpi_count(e);
  const char **names = calloc(n ? n : 1, sizeof *names);
  char hint[256] = "";
  for (unsigned j = 0; names && j < n; j++) names[j] = wx_eval_kpi_name(e, j);
  if (names)
    wx__did_you_mean_list(hint, sizeof hint, s->kpis[i],
                          (const char *const *)names, n, "KPIs");
  wx__diag(d, WX_ESCENARIO, s->file, s->kpi_pos[i].line, s->kpi_pos[i].col,
           "unknown KPI `%s` in %s%s", s->kpis[i], s->base, hint);
  free(names);
}

/* The KPIs come from a one-replication evaluation over one sample step:
 * the set depends on the model, not on how long it runs. */
static int pick_kpis(wx_study_ctx *c, wx_diags *d) {
  const wx_study_spec *s = c->spec;
  wx_eval_options eo = {.replications = 1,
                        .threads = 1,
                        .engine = c->o.engine,
                        .horizon = wx_model_sample_dt(c->base),
                        .memory_budget = c->o.memory_budget};
  wx_eval *e = NULL;
  int rc = wx_evaluate(c->base, &eo, &e, d);
  if (rc != WX_OK) {
    wx_eval_free(e);
    return rc == WX_EINTERRUPTED ? WX_ERUNTIME : rc;
  }
  size_t n = s->n_kpis ? s->n_kpis : wx_eval_kpi_count(e);
  c->kpi = calloc(n ? n : 1, sizeof *c->kpi);
  c->kpi_unit = calloc(n ? n : 1, sizeof *c->kpi_unit);
  if (!c->kpi || !c->kpi_unit) rc = WX_ENOMEM;
  for (size_t i = 0; rc == WX_OK && i < n; i++) {
    int j = s->n_kpis ? wx_eval_kpi_find(e, s->kpis[i]) : (int)i;
    if (j >= 0)
      rc = add_kpi(c, wx_eval_kpi_name(e, (unsigned)j),
                   wx_eval_kpi_unit(e, (unsigned)j));
    else
      unknown_kpi(s, e, i, d);
  }
  if (rc == WX_OK && c->n_kpi < n) rc = WX_ESCENARIO;
  wx_eval_free(e);
  return rc;
}

static void settle_options(wx_study_ctx *c, const wx_study_options *o) {
  const wx_study_spec *s = c->spec;
  c->o = *o;
  c->seed = o->seed_set   ? o->seed
            : s->seed_set ? s->seed
                          : wx_model_seed(c->base);
  c->replications = o->replications   ? o->replications
                    : s->replications ? s->replications
                                      : wx_model_replications(c->base);
  c->threads = o->threads;
}

int wx__study_prepare(const wx_study_spec *s, const wx_study_options *o,
                      wx_study_ctx **out, wx_diags *d) {
  *out = NULL;
  static const wx_study_options none = {0};
  wx_study_ctx *c = calloc(1, sizeof *c);
  if (!c) return wx__diag(d, WX_ENOMEM, s->file, 0, 0, "out of memory");
  c->spec = s;
  int rc = wx__read_file(s->base, WX__SCENARIO_MAX, &c->data, &c->len, d);
  if (rc == WX_OK)
    rc = wx_model_load_buffer(s->base, c->data, c->len, &c->base, d);
  if (rc == WX_OK) {
    settle_options(c, o ? o : &none);
    rc = bind_factors(c, d);
  }
  if (rc == WX_OK) rc = pick_kpis(c, d);
  if (rc == WX_ENOMEM) wx__diag(d, rc, s->file, 0, 0, "out of memory");
  if (rc != WX_OK) {
    wx__study_ctx_free(c);
    return rc;
  }
  *out = c;
  return WX_OK;
}

/* ------------------------------------------------------------ recompiles */

static int selected(const wx_study_ctx *c, const unsigned char *which,
                    size_t i) {
  return which ? which[i] : c->param[i] < 0;
}

/* The factor a diagnostic of a recompile is about: the one its message
 * names, else the first written. */
static size_t blame(const wx_study_ctx *c, const unsigned char *which,
                    const char *msg) {
  const wx_study_spec *s = c->spec;
  size_t first = s->n_factors;
  for (size_t i = 0; i < s->n_factors; i++) {
    if (!selected(c, which, i)) continue;
    if (first == s->n_factors) first = i;
    const char *dot = strrchr(s->f[i].path, '.');
    char q[128];
    snprintf(q, sizeof q, "`%s`", dot ? dot + 1 : s->f[i].path);
    if (strstr(msg, s->f[i].path) || strstr(msg, q)) return i;
  }
  return first;
}

/* Every problem of a recompile comes from the values written in (the base
 * compiled cleanly): each is reported at its factor in the study file. */
static void forward(const wx_study_ctx *c, const unsigned char *which,
                    const double *x, const wx_diags *tmp, wx_diags *d) {
  const wx_study_spec *s = c->spec;
  for (size_t i = 0; i < wx_diags_count(tmp); i++) {
    const wx_error *e = wx_diags_get(tmp, i);
    if (e->code == WX_OK) continue;
    size_t f = blame(c, which, e->msg);
    if (f == s->n_factors) continue;
    wx__diag(d, e->code, s->file, s->f[f].line, s->f[f].col,
             "factor `%s` = %.6g: %s", s->f[f].path, x[f], e->msg);
  }
}

/* The bytes a recompiled model is hashed from: the base and the values. */
static char *model_bytes(const wx_study_ctx *c, const unsigned char *which,
                         const double *x, size_t *out_len) {
  const wx_study_spec *s = c->spec;
  size_t n = c->len + 32;
  for (size_t i = 0; i < s->n_factors; i++) n += strlen(s->f[i].path) + 32;
  char *b = malloc(n);
  if (!b) return NULL;
  memcpy(b, c->data, c->len);
  size_t at = c->len;
  at += (size_t)snprintf(b + at, n - at, "\n#study\n");
  for (size_t i = 0; i < s->n_factors; i++)
    if (selected(c, which, i))
      at += (size_t)snprintf(b + at, n - at, "%s: %.17g\n", s->f[i].path, x[i]);
  *out_len = at;
  return b;
}

static int write_values(const wx_study_ctx *c, const unsigned char *which,
                        const double *x, wx_tree *t, wx_diags *tmp) {
  const wx_study_spec *s = c->spec;
  int rc = WX_OK;
  for (size_t i = 0; i < s->n_factors && rc == WX_OK; i++) {
    if (!selected(c, which, i)) continue;
    char v[40];
    snprintf(v, sizeof v, "%.17g", x[i]);
    rc = wx__tree_set_path(t, s->f[i].path, v, tmp);
  }
  return rc == WX_ENOMEM ? rc : rc != WX_OK ? WX_ESCENARIO : WX_OK;
}

int wx__study_compile(const wx_study_ctx *c, const double *x,
                      const unsigned char *which, wx_model **out, wx_diags *d) {
  *out = NULL;
  wx_tree *t = NULL;
  wx_diags *tmp = wx_diags_alloc(20);
  if (!tmp) return WX_ENOMEM;
  int rc = wx__tree_parse(c->spec->base, c->data, c->len, &t, d);
  if (rc == WX_OK) rc = write_values(c, which, x, t, tmp);
  size_t blen = 0;
  char *bytes = rc == WX_OK ? model_bytes(c, which, x, &blen) : NULL;
  if (rc == WX_OK && !bytes) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = wx__scenario_compile(t, bytes, blen, out, tmp);
  forward(c, which, x, tmp, d);
  free(bytes);
  wx__tree_free(t);
  wx_diags_free(tmp);
  return rc;
}

/* The smallest and largest value factor i takes over the design. */
static void extremes(const wx_study_design *p, size_t i, double *lo,
                     double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t j = 0; j < p->n_points; j++) {
    double v = p->x[j * p->k + i];
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
  }
}

int wx__study_check_values(const wx_study_ctx *c, const wx_study_design *p,
                           wx_diags *d) {
  size_t k = c->spec->n_factors;
  unsigned char *which = calloc(k, 1);
  double *x = malloc(k * sizeof *x);
  int rc = which && x ? WX_OK : WX_ENOMEM;
  for (size_t i = 0; i < k && rc != WX_ENOMEM; i++) {
    double ends[2];
    extremes(p, i, &ends[0], &ends[1]);
    which[i] = 1;
    for (int e = 0; e < 2 && (e == 0 || ends[1] != ends[0]); e++) {
      x[i] = ends[e];
      wx_model *m = NULL;
      int one = wx__study_compile(c, x, which, &m, d);
      wx_model_free(m);
      if (rc == WX_OK) rc = one;
      if (one != WX_OK) break; /* one message per factor is enough */
    }
    which[i] = 0;
  }
  free(which);
  free(x);
  return rc;
}
