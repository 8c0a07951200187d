/* The study file (docs/study.md): a base scenario, factors, a design and a
 * method, read into a wx_study_spec with positioned errors. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "readfile.h"
#include "scenario.h"
#include "study.h"
#include "quantity.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const top_keys[] = {"title",  "base",   "factors",
                                       "design", "method", "replications",
                                       "seed",   "kpis"};
#define N_TOP (sizeof top_keys / sizeof top_keys[0])

/* The keys a `design:` or `method:` mapping may hold, per type. */
typedef struct {
  const char *type;
  const char *keys[4];
} type_keys;
static const type_keys design_keys[] = {{"grid", {"levels"}},
                                        {"oat", {NULL}},
                                        {"lhs", {"n"}},
                                        {"sobol", {"n"}},
                                        {"random", {"n"}}};
static const type_keys method_keys[] = {{"tornado", {NULL}},
                                        {"morris", {"r", "levels"}},
                                        {"sobol", {"n", "bootstrap"}},
                                        {"prcc", {NULL}}};
#define N_DESIGNS   (sizeof design_keys / sizeof design_keys[0])
#define N_METHODS   (sizeof method_keys / sizeof method_keys[0])
#define MAX_FACTORS 200

typedef struct {
  const char *file;
  wx_diags *d;
  unsigned errors;
  int nomem;
  wx_study_spec *s;
  const wx_node *design_node; /* for errors about the design */
  int bootstrap_set;
} sctx;

static void err(sctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void err(sctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

void wx__study_spec_free(wx_study_spec *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_factors; i++) wx__study_factor_clear(&s->f[i]);
  for (size_t i = 0; i < s->n_kpis; i++) free(s->kpis[i]);
  free(s->kpis);
  free(s->kpi_pos);
  free(s->f);
  free(s->file);
  free(s->title);
  free(s->base);
  free(s);
}

int wx__study_factor_find(const wx_study_spec *s, const char *path) {
  for (size_t i = 0; i < s->n_factors; i++)
    if (!strcmp(s->f[i].path, path)) return (int)i;
  return -1;
}

static const char *scalar(sctx *c, const wx_node *n, const char *what) {
  if (n->type == WX_NODE_SCALAR) return n->str;
  err(c, n, "`%s` must be a scalar; got %s", what, wx__node_type_name(n));
  return NULL;
}

static void unknown_keys(sctx *c, const wx_node *map, const char *const *keys,
                         size_t n, const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    size_t j = 0;
    while (j < n && keys[j] && strcmp(keys[j], k)) j++;
    if (j < n && keys[j]) continue;
    char near[96];
    wx__did_you_mean(near, sizeof near, k, keys, n);
    err(c, map->keys[i], "unknown key `%s` in %s%s", k, where, near);
  }
}

static void read_count(sctx *c, const wx_node *n, const char *what, uint64_t lo,
                       uint64_t hi, uint64_t *out) {
  const char *t = scalar(c, n, what);
  char msg[160];
  uint64_t v;
  if (!t) return;
  if (wx__parse_count(t, &v, msg, sizeof msg) != WX_OK || v < lo || v > hi) {
    err(c, n, "`%s` must be a whole number from %llu to %llu; got `%.40s`",
        what, (unsigned long long)lo, (unsigned long long)hi, t);
    return;
  }
  *out = v;
}

/* "lhs" or {type: lhs, n: 200}: the type's name and its mapping (or NULL). */
static const char *type_of(sctx *c, const wx_node *n, const char *what,
                           const type_keys *tk, size_t ntk, const wx_node **map,
                           size_t *idx) {
  *map = n->type == WX_NODE_MAP ? n : NULL;
  const wx_node *t = *map ? wx__node_get(n, "type") : n;
  if (!t) {
    err(c, n, "`%s` needs `type`", what);
    return NULL;
  }
  const char *name = scalar(c, t, what);
  if (!name) return NULL;
  const char *names[8];
  for (*idx = 0; *idx < ntk; (*idx)++) {
    names[*idx] = tk[*idx].type;
    if (!strcmp(tk[*idx].type, name)) break;
  }
  if (*idx == ntk) {
    char near[96], list[128] = "";
    wx__did_you_mean(near, sizeof near, name, names, ntk);
    for (size_t i = 0; i < ntk; i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
               i ? ", " : "", names[i]);
    err(c, t, "unknown %s `%s`%s (%s)", what, name, near, list);
    return NULL;
  }
  if (*map) {
    const char *keys[5] = {"type"};
    size_t nk = 1;
    while (nk < 5 && tk[*idx].keys[nk - 1])
      keys[nk] = tk[*idx].keys[nk - 1], nk++;
    char where[64];
    snprintf(where, sizeof where, "%s `%s`", what, name);
    unknown_keys(c, *map, keys, nk, where);
  }
  return name;
}

static void read_design(sctx *c, const wx_node *n) {
  const wx_node *m;
  size_t i;
  const char *name = type_of(c, n, "design", design_keys, N_DESIGNS, &m, &i);
  if (!name) return;
  c->s->design = wx__study_design_find(name);
  c->design_node = n;
  const wx_node *v;
  uint64_t x = 0;
  if (m && (v = wx__node_get(m, "n"))) {
    read_count(c, v, "n", 2, WX_STUDY_MAX_POINTS, &x);
    c->s->n = (size_t)x;
  }
  if (m && (v = wx__node_get(m, "levels"))) {
    x = 0;
    read_count(c, v, "levels", 2, 1000, &x);
    c->s->grid_levels = (unsigned)x;
  }
}

static void read_method(sctx *c, const wx_node *n) {
  const wx_node *m, *v;
  size_t i;
  uint64_t x = 0;
  const char *name = type_of(c, n, "method", method_keys, N_METHODS, &m, &i);
  if (!name) return;
  wx_study_spec *s = c->s;
  s->method = wx__study_method_find(name);
  if (m && (v = wx__node_get(m, "n"))) {
    read_count(c, v, "n", 2, WX_STUDY_MAX_POINTS, &x);
    s->n = (size_t)x;
  }
  if (m && (v = wx__node_get(m, "r"))) {
    read_count(c, v, "r", 2, 100000, &x);
    s->n = (size_t)x;
  }
  if (m && (v = wx__node_get(m, "bootstrap"))) {
    read_count(c, v, "bootstrap", 0, 100000, &x);
    s->bootstrap = (unsigned)x;
    c->bootstrap_set = 1;
  }
  if (m && (v = wx__node_get(m, "levels"))) {
    read_count(c, v, "levels", 2, 100, &x);
    if (x % 2) err(c, v, "Morris `levels` must be even (4, 6, 8, ...)");
    s->morris_levels = (unsigned)x;
  }
}

static void read_factors(sctx *c, const wx_node *n) {
  if (n->type != WX_NODE_MAP || n->n == 0 || n->n > MAX_FACTORS) {
    err(c, n,
        "`factors` must be a mapping of 1 to %d dotted paths to "
        "{range: [low, high]}, {levels: [...]} or {dist: ...}",
        MAX_FACTORS);
    return;
  }
  c->s->f = calloc(n->n, sizeof *c->s->f);
  if (!c->s->f) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n && !c->nomem; i++) {
    int rc = wx__study_factor_read(c->file, n->keys[i], n->vals[i], &c->s->f[i],
                                   c->d);
    c->s->n_factors++;
    if (rc == WX_ENOMEM)
      c->nomem = 1;
    else if (rc != WX_OK)
      c->errors++;
  }
}

static void read_kpis(sctx *c, const wx_node *n) {
  if (n->type != WX_NODE_SEQ || n->n == 0) {
    err(c, n, "`kpis` must be a list such as [customers, revenue]");
    return;
  }
  wx_study_spec *s = c->s;
  s->kpis = calloc(n->n, sizeof *s->kpis);
  s->kpi_pos = calloc(n->n, sizeof *s->kpi_pos);
  if (!s->kpis || !s->kpi_pos) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n; i++) {
    const char *k = scalar(c, n->vals[i], "kpis item");
    if (!k) continue;
    s->kpi_pos[s->n_kpis].line = n->vals[i]->line;
    s->kpi_pos[s->n_kpis].col = n->vals[i]->col;
    if (!(s->kpis[s->n_kpis] = wx__strdup(k)))
      c->nomem = 1;
    else
      s->n_kpis++;
  }
}

/* `rel` relative to the directory of `file`, unless it is absolute. */
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

static void read_scalars(sctx *c, const wx_node *st) {
  wx_study_spec *s = c->s;
  const wx_node *n;
  const char *t;
  uint64_t x = 0;
  if ((n = wx__node_get(st, "title")) && (t = scalar(c, n, "title")) &&
      !(s->title = wx__strdup(t)))
    c->nomem = 1;
  if (!(n = wx__node_get(st, "base")))
    err(c, st, "`study` needs `base`: the scenario file the factors vary");
  else if ((t = scalar(c, n, "base"))) {
    s->base_line = n->line;
    s->base_col = n->col;
    if (!(s->base = relative_to(c->file, t))) c->nomem = 1;
  }
  if ((n = wx__node_get(st, "replications"))) {
    read_count(c, n, "replications", 1, 1000000, &x);
    s->replications = (uint32_t)x;
  }
  if ((n = wx__node_get(st, "seed"))) {
    read_count(c, n, "seed", 0, UINT64_MAX, &s->seed);
    s->seed_set = 1;
  }
}

/* The design a method analyses: given by the method, or checked against
 * the one written. */
static void method_design(sctx *c, const wx_node *st) {
  wx_study_spec *s = c->s;
  const char *need = s->method->design;
  if (need[0] && s->design && strcmp(s->design->name, need)) {
    err(c, c->design_node, "`method: %s` %s; drop `design`", s->method->name,
        !strcmp(need, "oat") ? "uses the one-at-a-time design (oat)"
                             : "builds its own design");
    return;
  }
  if (!need[0] && s->design &&
      (!strcmp(s->design->name, "oat") || !strcmp(s->design->name, "grid"))) {
    err(c, c->design_node,
        "`method: %s` needs a sampling design: lhs, "
        "sobol or random",
        s->method->name);
    return;
  }
  if (need[0]) s->design = wx__study_design_find(need);
  if (!s->design) s->design = wx__study_design_find("lhs");
  if (!c->design_node) c->design_node = wx__node_get(st, "method");
}

static void defaults(sctx *c, const wx_node *st) {
  wx_study_spec *s = c->s;
  if (s->method) method_design(c, st);
  if (!s->design) {
    if (!c->errors)
      err(c, st,
          "`study` needs `design` (grid, oat, lhs, sobol, random) "
          "or `method` (tornado, morris, sobol, prcc)");
    return;
  }
  const char *d = s->design->name;
  size_t k = s->n_factors;
  if (!s->n && !strcmp(d, "morris")) s->n = 10;
  if (!s->n && !strcmp(d, "saltelli")) s->n = 512;
  if (!s->n) s->n = k * 10 + 10 > 100 ? k * 10 + 10 : 100;
  if (!s->grid_levels) s->grid_levels = 5;
  if (!s->morris_levels) s->morris_levels = 4;
  if (!c->bootstrap_set) s->bootstrap = 500;
}

static void check_size(sctx *c) {
  wx_study_spec *s = c->s;
  if (c->errors || !s->design || !s->n_factors) return;
  char msg[200];
  size_t n;
  if (s->design->count(s, &n, msg, sizeof msg) != WX_OK)
    err(c, c->design_node, "%s", msg);
}

static void read_study(sctx *c, const wx_node *root) {
  const wx_node *st =
      root->type == WX_NODE_MAP ? wx__node_get(root, "study") : NULL;
  if (!st || st->type != WX_NODE_MAP || root->n != 1) {
    err(c, root,
        "a study file has one top-level key, `study:`, holding "
        "base, factors, design and/or method, and optional title, "
        "replications, seed, kpis");
    return;
  }
  unknown_keys(c, st, top_keys, N_TOP, "`study`");
  read_scalars(c, st);
  const wx_node *n;
  if (!(n = wx__node_get(st, "factors")))
    err(c, st,
        "`study` needs `factors`: dotted paths with a range, levels "
        "or a distribution");
  else
    read_factors(c, n);
  if (c->nomem) return;
  if ((n = wx__node_get(st, "design"))) read_design(c, n);
  if ((n = wx__node_get(st, "method"))) read_method(c, n);
  if ((n = wx__node_get(st, "kpis"))) read_kpis(c, n);
  if (c->nomem) return;
  defaults(c, st);
  check_size(c);
}

int wx__study_spec_parse(const char *name, const char *data, size_t len,
                         wx_study_spec **out, wx_diags *d) {
  *out = NULL;
  wx_study_spec *s = calloc(1, sizeof *s);
  if (!s || !(s->file = wx__strdup(name))) {
    free(s);
    return wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
  }
  wx__hex64(wx__fnv1a64(data, len), s->hash);
  wx_tree *t = NULL;
  int rc = wx__tree_parse(name, data, len, &t, d);
  if (rc == WX_OK) {
    sctx c = {.file = name, .d = d, .s = s};
    read_study(&c, t->root);
    wx__tree_free(t);
    if (c.nomem)
      rc = wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
    else if (c.errors)
      rc = WX_ESCENARIO;
  }
  if (rc != WX_OK) {
    if (d) wx__diags_sort(d);
    wx__study_spec_free(s);
    return rc;
  }
  *out = s;
  return WX_OK;
}

int wx__study_spec_load(const char *path, wx_study_spec **out, wx_diags *d) {
  char *data = NULL;
  size_t len = 0;
  *out = NULL;
  int rc = wx__read_file(path, WX__SCENARIO_MAX, &data, &len, d);
  if (rc == WX_OK) rc = wx__study_spec_parse(path, data, len, out, d);
  free(data);
  return rc;
}
