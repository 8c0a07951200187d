/* The optimisation file (docs/optimize.md): a base scenario, variables,
 * constraints, an objective, read into a wx_opt_spec with positioned
 * errors.  Variables read as study factors (wx__study_factor_read) with a
 * `range`. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "optimize.h"
#include "readfile.h"
#include "scenario.h"
#include "quantity.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const top_keys[] = {
    "title",  "base",     "variables", "constraints", "objective",    "chance",
    "search", "validate", "frontier",  "curves",      "replications", "seed"};
#define N_TOP    (sizeof top_keys / sizeof *top_keys)
#define MAX_VARS 64

typedef struct {
  const char *file;
  wx_diags *d;
  unsigned errors;
  int nomem;
  wx_opt_spec *s;
} octx;

static void err(octx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void err(octx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

void wx__opt_spec_free(wx_opt_spec *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_vars; i++) wx__study_factor_clear(&s->v[i].f);
  for (size_t i = 0; i < s->n_cons; i++) {
    free(s->c[i].name);
    free(s->c[i].w);
  }
  free(s->v);
  free(s->c);
  free(s->file);
  free(s->title);
  free(s->base);
  free(s->kpi);
  free(s->target);
  free(s->frontier_at);
  free(s);
}

static void keys_in(octx *c, const wx_node *map, const char *const *keys,
                    size_t n, const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    size_t j = 0;
    while (j < n && strcmp(keys[j], k)) j++;
    if (j < n) continue;
    char near[96];
    wx__did_you_mean(near, sizeof near, k, keys, n);
    err(c, map->keys[i], "unknown key `%s` in %s%s", k, where, near);
  }
}

static const char *scalar(octx *c, const wx_node *n, const char *what) {
  if (n && n->type == WX_NODE_SCALAR) return n->str;
  err(c, n, "`%s` must be a scalar", what);
  return NULL;
}

static int number(octx *c, const wx_node *n, const char *what, double *x) {
  const char *t = scalar(c, n, what);
  if (t && wx__study_number(t, x) && isfinite(*x)) return 1;
  if (t)
    err(c, n,
        "`%s` must be a number such as 6000/d, 12, 30%% or 90d; got "
        "`%.40s`",
        what, t);
  return 0;
}

static int count(octx *c, const wx_node *n, const char *what, uint64_t lo,
                 uint64_t hi, uint64_t *out) {
  const char *t = scalar(c, n, what);
  char msg[160];
  if (!t) return 0;
  if (wx__parse_count(t, out, msg, sizeof msg) != WX_OK || *out < lo ||
      *out > hi) {
    err(c, n, "`%s` must be a whole number from %llu to %llu; got `%.40s`",
        what, (unsigned long long)lo, (unsigned long long)hi, t);
    return 0;
  }
  return 1;
}

static void read_vars(octx *c, const wx_node *n) {
  wx_opt_spec *s = c->s;
  if (n->type != WX_NODE_MAP || n->n == 0 || n->n > MAX_VARS) {
    err(c, n,
        "`variables` must map 1 to %d dotted paths to {range: [low, "
        "high]}",
        MAX_VARS);
    return;
  }
  if (!(s->v = calloc(n->n, sizeof *s->v))) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n; i++) {
    wx_opt_var *v = &s->v[s->n_vars];
    int rc =
        wx__study_factor_read(c->file, n->keys[i], n->vals[i], &v->f, c->d);
    s->n_vars++;
    if (rc == WX_ENOMEM) c->nomem = 1;
    if (rc != WX_OK) {
      c->errors++;
      continue;
    }
    if (v->f.kind != WX_FACTOR_RANGE || v->f.log_scale)
      err(c, n->keys[i],
          "variable `%s` needs `range: [low, high]` (levels, "
          "distributions and log scales are for studies)",
          v->f.path);
  }
}

static int var_index(const wx_opt_spec *s, const char *path) {
  for (size_t j = 0; j < s->n_vars; j++)
    if (!strcmp(s->v[j].f.path, path)) return (int)j;
  return -1;
}

/* `sum: [a, b]` (weights 1) or `sum: {a: 1, b: 2}`. */
static void read_sum(octx *c, const wx_node *n, wx_opt_constraint *k) {
  int map = n->type == WX_NODE_MAP;
  if ((!map && n->type != WX_NODE_SEQ) || n->n == 0) {
    err(c, n, "`sum` must list variables, [a, b], or weigh them, {a: 1}");
    return;
  }
  for (size_t i = 0; i < n->n; i++) {
    const wx_node *p = map ? n->keys[i] : n->vals[i];
    const char *path = scalar(c, p, "sum item");
    int j = path ? var_index(c->s, path) : -1;
    if (path && j < 0) {
      err(c, p, "constraint `%s`: `%s` is not one of the variables", k->name,
          path);
      continue;
    }
    double w = 1;
    if (j >= 0 && (!map || number(c, n->vals[i], "weight", &w))) k->w[j] += w;
  }
}

static void read_constraint(octx *c, const wx_node *key, const wx_node *n,
                            wx_opt_constraint *k) {
  static const char *const keys[] = {"sum", "max", "min"};
  k->line = key->line;
  k->col = key->col;
  k->lo = -INFINITY;
  k->hi = INFINITY;
  if (!(k->name = wx__strdup(key->str)) ||
      !(k->w = calloc(c->s->n_vars + 1, sizeof *k->w))) {
    c->nomem = 1;
    return;
  }
  if (n->type != WX_NODE_MAP || !wx__node_get(n, "sum")) {
    err(c, key,
        "constraint `%s` must be {sum: [variables], max: X} (and/or "
        "min: X)",
        k->name);
    return;
  }
  keys_in(c, n, keys, 3, "a constraint");
  read_sum(c, wx__node_get(n, "sum"), k);
  const wx_node *v;
  if ((v = wx__node_get(n, "max"))) number(c, v, "max", &k->hi);
  if ((v = wx__node_get(n, "min"))) number(c, v, "min", &k->lo);
  if (!wx__node_get(n, "max") && !wx__node_get(n, "min"))
    err(c, key, "constraint `%s` needs `max` or `min`", k->name);
  else if (k->lo > k->hi)
    err(c, key, "constraint `%s`: min is above max", k->name);
}

static int plain_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
          (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
      return 0;
  return 1;
}

static void read_constraints(octx *c, const wx_node *n) {
  wx_opt_spec *s = c->s;
  if (n->type != WX_NODE_MAP) {
    err(c, n, "`constraints` must map names to {sum: [...], max: X}");
    return;
  }
  if (!(s->c = calloc(n->n + 1, sizeof *s->c))) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n && !c->nomem; i++) {
    if (!plain_name(n->keys[i]->str))
      err(c, n->keys[i], "constraint name `%.40s` must be a plain name",
          n->keys[i]->str);
    read_constraint(c, n->keys[i], n->vals[i], &s->c[s->n_cons++]);
  }
}

static void read_objective(octx *c, const wx_node *n) {
  wx_opt_spec *s = c->s;
  const wx_node *mx =
      n->type == WX_NODE_MAP ? wx__node_get(n, "maximize") : NULL;
  const wx_node *mn =
      n->type == WX_NODE_MAP ? wx__node_get(n, "minimize") : NULL;
  s->obj_line = n->line;
  s->obj_col = n->col;
  if (n->type != WX_NODE_MAP || n->n != 1 || (!mx && !mn)) {
    err(c, n,
        "`objective` must be {maximize: KPI} or {minimize: KPI}, e.g. "
        "{maximize: customers}, {minimize: cac}");
    return;
  }
  const char *k = scalar(c, mx ? mx : mn, "objective");
  s->sense = mx ? 1 : -1;
  s->obj_line = (mx ? mx : mn)->line;
  s->obj_col = (mx ? mx : mn)->col;
  if (k && !(s->kpi = wx__strdup(k))) c->nomem = 1;
}

static void read_chance(octx *c, const wx_node *n) {
  static const char *const keys[] = {"target", "by", "p"};
  wx_opt_spec *s = c->s;
  const wx_node *t, *b, *p;
  if (n->type != WX_NODE_MAP || !(t = wx__node_get(n, "target")) ||
      !(b = wx__node_get(n, "by")) || !(p = wx__node_get(n, "p"))) {
    err(c, n,
        "`chance` must be {target: NAME, by: DAY, p: PROBABILITY}, "
        "e.g. {target: friends_50k, by: 120d, p: 90%%}");
    return;
  }
  keys_in(c, n, keys, 3, "`chance`");
  const char *name = scalar(c, t, "target");
  if (name && !(s->target = wx__strdup(name))) c->nomem = 1;
  number(c, b, "by", &s->by);
  if (number(c, p, "p", &s->p) && !(s->p > 0 && s->p < 1))
    err(c, p, "`p` must be a probability strictly between 0 and 1");
}

static void read_search(octx *c, const wx_node *n) {
  static const char *const keys[] = {"algorithm", "max_evals"};
  wx_opt_spec *s = c->s;
  const wx_node *v;
  uint64_t x;
  if (n->type != WX_NODE_MAP) {
    err(c, n, "`search` must be {algorithm: cobyla, max_evals: 60}");
    return;
  }
  keys_in(c, n, keys, 2, "`search`");
  if ((v = wx__node_get(n, "algorithm"))) {
    const char *a = scalar(c, v, "algorithm");
    if (a && !wx__optim_known(a))
      err(c, v, "unknown algorithm `%.40s` (%s)", a, wx__optim_algorithms());
    else if (a)
      snprintf(s->algorithm, sizeof s->algorithm, "%s", a);
  }
  if ((v = wx__node_get(n, "max_evals")) &&
      count(c, v, "max_evals", 1, 100000, &x))
    s->max_evals = (unsigned)x;
}

static void read_validate(octx *c, const wx_node *n) {
  static const char *const keys[] = {"replications", "best"};
  wx_opt_spec *s = c->s;
  const wx_node *v;
  uint64_t x;
  if (n->type != WX_NODE_MAP) {
    err(c, n, "`validate` must be {replications: 20, best: 3}");
    return;
  }
  keys_in(c, n, keys, 2, "`validate`");
  if ((v = wx__node_get(n, "replications")) &&
      count(c, v, "replications", 2, 100000, &x))
    s->validate_reps = (unsigned)x;
  if ((v = wx__node_get(n, "best")) && count(c, v, "best", 1, 20, &x))
    s->best = (unsigned)x;
}

static void read_frontier(octx *c, const wx_node *n) {
  static const char *const keys[] = {"constraint", "max"};
  wx_opt_spec *s = c->s;
  const wx_node *k, *m;
  if (n->type != WX_NODE_MAP || !(k = wx__node_get(n, "constraint")) ||
      !(m = wx__node_get(n, "max")) || m->type != WX_NODE_SEQ || !m->n) {
    err(c, n, "`frontier` must be {constraint: NAME, max: [X, Y, ...]}");
    return;
  }
  keys_in(c, n, keys, 2, "`frontier`");
  const char *name = scalar(c, k, "constraint");
  for (size_t i = 0; name && i < s->n_cons; i++)
    if (!strcmp(s->c[i].name, name)) s->frontier = (int)i;
  if (name && s->frontier < 0)
    err(c, k, "`frontier`: no constraint called `%.40s`", name);
  if (!(s->frontier_at = calloc(m->n, sizeof *s->frontier_at))) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < m->n; i++)
    if (number(c, m->vals[i], "frontier max", &s->frontier_at[s->n_frontier]))
      s->n_frontier++;
}

static char *relative_to(const char *file, const char *rel) {
  const char *slash = strrchr(file, '/');
  if (rel[0] == '/' || !slash) return wx__strdup(rel);
  size_t dn = (size_t)(slash - file) + 1, rn = strlen(rel);
  char *p = malloc(dn + rn + 1);
  if (!p) return NULL;
  memcpy(p, file, dn);
  memcpy(p + dn, rel, rn + 1);
  return p;
}

static void read_scalars(octx *c, const wx_node *st) {
  wx_opt_spec *s = c->s;
  const wx_node *n;
  const char *t;
  uint64_t x;
  if ((n = wx__node_get(st, "title")) && (t = scalar(c, n, "title")) &&
      !(s->title = wx__strdup(t)))
    c->nomem = 1;
  if (!(n = wx__node_get(st, "base")))
    err(c, st, "`optimize` needs `base`: the scenario whose plan is changed");
  else if ((t = scalar(c, n, "base"))) {
    s->base_line = n->line;
    s->base_col = n->col;
    if (!(s->base = relative_to(c->file, t))) c->nomem = 1;
  }
  if ((n = wx__node_get(st, "replications")) &&
      count(c, n, "replications", 1, 100000, &x))
    s->replications = (uint32_t)x;
  if ((n = wx__node_get(st, "seed")) &&
      count(c, n, "seed", 0, UINT64_MAX, &s->seed))
    s->seed_set = 1;
  if ((n = wx__node_get(st, "curves")) && count(c, n, "curves", 0, 101, &x))
    s->curve_points = (unsigned)x;
}

static void read_top(octx *c, const wx_node *root) {
  const wx_node *st =
      root->type == WX_NODE_MAP ? wx__node_get(root, "optimize") : NULL;
  if (!st || st->type != WX_NODE_MAP || root->n != 1) {
    err(c, root,
        "an optimisation file has one top-level key, `optimize:`, "
        "holding base, variables, objective and optional constraints");
    return;
  }
  keys_in(c, st, top_keys, N_TOP, "`optimize`");
  read_scalars(c, st);
  const wx_node *n;
  if (!(n = wx__node_get(st, "variables")))
    err(c, st, "`optimize` needs `variables`: dotted paths with a range");
  else
    read_vars(c, n);
  if (c->nomem) return;
  if ((n = wx__node_get(st, "constraints"))) read_constraints(c, n);
  if (!(n = wx__node_get(st, "objective")))
    err(c, st, "`optimize` needs `objective`, e.g. {maximize: customers}");
  else
    read_objective(c, n);
  if ((n = wx__node_get(st, "chance"))) read_chance(c, n);
  if ((n = wx__node_get(st, "search"))) read_search(c, n);
  if ((n = wx__node_get(st, "validate"))) read_validate(c, n);
  if (!c->nomem && (n = wx__node_get(st, "frontier"))) read_frontier(c, n);
}

static void defaults(wx_opt_spec *s) {
  if (!s->algorithm[0]) snprintf(s->algorithm, sizeof s->algorithm, "cobyla");
  if (!s->max_evals) s->max_evals = 40 * (unsigned)(s->n_vars + 1);
  if (!s->best) s->best = 3;
}

int wx__opt_spec_parse(const char *name, const char *data, size_t len,
                       wx_opt_spec **out, wx_diags *d) {
  *out = NULL;
  wx_opt_spec *s = calloc(1, sizeof *s);
  if (!s || !(s->file = wx__strdup(name))) {
    free(s);
    return wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
  }
  s->frontier = -1;
  s->curve_points = 7;
  wx__hex64(wx__fnv1a64(data, len), s->hash);
  wx_tree *t = NULL;
  int rc = wx__tree_parse(name, data, len, &t, d);
  if (rc == WX_OK) {
    octx c = {.file = name, .d = d, .s = s};
    read_top(&c, t->root);
    wx__tree_free(t);
    if (c.nomem)
      rc = wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
    else if (c.errors)
      rc = WX_ESCENARIO;
  }
  if (rc != WX_OK) {
    if (d) wx__diags_sort(d);
    wx__opt_spec_free(s);
    return rc;
  }
  defaults(s);
  *out = s;
  return WX_OK;
}

int wx__opt_spec_load(const char *path, wx_opt_spec **out, wx_diags *d) {
  char *data = NULL;
  size_t len = 0;
  *out = NULL;
  int rc = wx__read_file(path, WX__SCENARIO_MAX, &data, &len, d);
  if (rc == WX_OK) rc = wx__opt_spec_parse(path, data, len, out, d);
  free(data);
  return rc;
}
