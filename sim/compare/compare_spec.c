/* The comparison file (docs/compare.md) and comparisons of scenario files:
 * both become a wx_compare_spec, base first. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "scenario.h"
#include "quantity.h"
#include "readfile.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const top_keys[] = {"title", "base", "replications",
                                       "seed",  "kpis", "variants"};
#define N_TOP_KEYS (sizeof top_keys / sizeof top_keys[0])

typedef struct {
  const char *file;
  wx_diags *d;
  unsigned errors;
  int nomem;
  wx_compare_spec *s;
} spec_ctx;

static void err(spec_ctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void err(spec_ctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

void wx__compare_spec_free(wx_compare_spec *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++) {
    wx_variant_spec *v = &s->v[i];
    for (size_t k = 0; k < v->n_ov; k++) {
      free(v->ov[k].path);
      free(v->ov[k].value);
    }
    free(v->ov);
    free(v->name);
    free(v->scenario);
  }
  for (size_t i = 0; i < s->n_kpis; i++) free(s->kpis[i]);
  free(s->kpis);
  free(s->v);
  free(s->file);
  free(s->title);
  free(s);
}

static int valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    int ok = ch == '_' || (ch >= '0' && ch <= '9') ||
             (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (!ok) return 0;
  }
  return 1;
}

static char *dup_or_oom(spec_ctx *c, const char *s) {
  char *p = wx__strdup(s);
  if (!p) c->nomem = 1;
  return p;
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

static const char *scalar(spec_ctx *c, const wx_node *n, const char *what) {
  if (n->type == WX_NODE_SCALAR) return n->str;
  err(c, n, "`%s` must be a scalar; got a %s", what, wx__node_type_name(n));
  return NULL;
}

static void check_top_keys(spec_ctx *c, const wx_node *map) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    size_t j = 0;
    while (j < N_TOP_KEYS && strcmp(top_keys[j], k)) j++;
    if (j < N_TOP_KEYS) continue;
    const char *near = wx__suggest(k, top_keys, N_TOP_KEYS);
    err(c, map->keys[i], "unknown key `%s` in `compare`%s%s%s", k,
        near ? "; did you mean `" : "", near ? near : "", near ? "`?" : "");
  }
}

static void read_count(spec_ctx *c, const wx_node *n, const char *what,
                       uint64_t max, uint64_t *out, int *set) {
  const char *t = scalar(c, n, what);
  char msg[160];
  uint64_t v;
  if (!t) return;
  if (wx__parse_count(t, &v, msg, sizeof msg) != WX_OK || v > max ||
      (max != UINT64_MAX && v == 0)) {
    err(c, n, "`%s` must be a whole number%s; got `%.40s`", what,
        max != UINT64_MAX ? " from 1 to 1000000" : "", t);
    return;
  }
  *out = v;
  if (set) *set = 1;
}

static void read_kpis(spec_ctx *c, const wx_node *n) {
  if (n->type != WX_NODE_SEQ) {
    err(c, n, "`kpis` must be a list such as [outcome.purchase]");
    return;
  }
  wx_compare_spec *s = c->s;
  s->kpis = calloc(n->n + 1, sizeof *s->kpis);
  if (!s->kpis) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n; i++) {
    const char *k = scalar(c, n->vals[i], "kpis item");
    if (k && (s->kpis[s->n_kpis] = dup_or_oom(c, k))) s->n_kpis++;
  }
}

static void read_override(spec_ctx *c, wx_variant_spec *v, const wx_node *key,
                          const wx_node *val) {
  const char *p = key->str;
  size_t n = strlen(p);
  if (n == 0 || p[0] == '.' || p[n - 1] == '.' || strstr(p, "..")) {
    err(c, key, "`%s` is not a dotted path such as flows.oa_to_sdr.p", p);
    return;
  }
  if (val->type != WX_NODE_SCALAR) {
    err(c, val, "override `%s` must be a single value; got a %s", p,
        wx__node_type_name(val));
    return;
  }
  wx_override *o = &v->ov[v->n_ov];
  o->line = key->line;
  o->col = key->col;
  o->path = dup_or_oom(c, p);
  o->value = dup_or_oom(c, val->str);
  if (o->path && o->value)
    v->n_ov++;
  else {
    free(o->path);
    free(o->value);
  }
}

static void read_variant(spec_ctx *c, const wx_node *key, const wx_node *val) {
  wx_compare_spec *s = c->s;
  if (!valid_name(key->str) || !strcmp(key->str, "base")) {
    err(c, key,
        "variant name `%.64s` must be letters, digits and _ "
        "(not starting with a digit, at most 64) and not `base`",
        key->str);
    return;
  }
  if (val->type != WX_NODE_MAP) {
    err(c, val,
        "variant `%s` must be a mapping of overrides such as "
        "`flows.oa_to_sdr.p: 8%%`",
        key->str);
    return;
  }
  wx_variant_spec *v = &s->v[s->n];
  *v = (wx_variant_spec){.line = key->line, .col = key->col};
  v->name = dup_or_oom(c, key->str);
  v->scenario = dup_or_oom(c, s->v[0].scenario);
  v->ov = calloc(val->n + 1, sizeof *v->ov);
  s->n++; /* owned by s from here on, freed with it */
  if (!v->ov) c->nomem = 1;
  for (size_t i = 0; v->ov && i < val->n; i++)
    read_override(c, v, val->keys[i], val->vals[i]);
}

static void read_variants(spec_ctx *c, const wx_node *cmp) {
  const wx_node *n = wx__node_get(cmp, "variants");
  if (!n) {
    err(c, cmp,
        "`compare` needs `variants`: a mapping of variant names "
        "to overrides");
    return;
  }
  if (n->type != WX_NODE_MAP || n->n == 0) {
    err(c, n,
        "`variants` must be a non-empty mapping of variant names "
        "to overrides");
    return;
  }
  for (size_t i = 0; i < n->n && !c->nomem; i++)
    read_variant(c, n->keys[i], n->vals[i]);
}

/* The base is v[0], named "base". */
static void read_base(spec_ctx *c, const wx_node *cmp, size_t n_variants) {
  wx_compare_spec *s = c->s;
  s->v = calloc(n_variants + 1, sizeof *s->v);
  if (!s->v) {
    c->nomem = 1;
    return;
  }
  const wx_node *b = wx__node_get(cmp, "base");
  const char *t = b ? scalar(c, b, "base") : NULL;
  if (!b)
    err(c, cmp,
        "`compare` needs `base`: the scenario file the variants "
        "change");
  wx_variant_spec *v = &s->v[0];
  v->name = dup_or_oom(c, "base");
  v->scenario = t ? relative_to(c->file, t) : wx__strdup("");
  if (!v->scenario) c->nomem = 1;
  if (b) {
    v->line = b->line;
    v->col = b->col;
  }
  s->n = 1;
}

static void read_compare(spec_ctx *c, const wx_node *root) {
  const wx_node *cmp =
      root->type == WX_NODE_MAP ? wx__node_get(root, "compare") : NULL;
  if (!cmp || cmp->type != WX_NODE_MAP || root->n != 1) {
    err(c, root,
        "a comparison file has one top-level key, `compare:`, "
        "holding base, variants and optional title, replications, seed, "
        "kpis (to compare scenario files, give two or more)");
    return;
  }
  check_top_keys(c, cmp);
  const wx_node *n, *vars = wx__node_get(cmp, "variants");
  read_base(c, cmp, vars && vars->type == WX_NODE_MAP ? vars->n : 0);
  if (c->nomem) return;
  const char *t;
  if ((n = wx__node_get(cmp, "title")) && (t = scalar(c, n, "title")))
    c->s->title = dup_or_oom(c, t);
  uint64_t reps = 0;
  if ((n = wx__node_get(cmp, "replications")))
    read_count(c, n, "replications", WX_REPLICATIONS_MAX, &reps, NULL);
  c->s->replications = (uint32_t)reps;
  if ((n = wx__node_get(cmp, "seed")))
    read_count(c, n, "seed", UINT64_MAX, &c->s->seed, &c->s->seed_set);
  if ((n = wx__node_get(cmp, "kpis"))) read_kpis(c, n);
  read_variants(c, cmp);
}

static int parse_spec(const char *path, const char *data, size_t len,
                      wx_compare_spec *s, wx_diags *d) {
  wx__hex64(wx__fnv1a64(data, len), s->hash);
  wx_tree *t = NULL;
  /* duplicate keys (rc WX_EYAML with a tree) hide no other error */
  int rc = wx__tree_parse_all(path, data, len, &t, d);
  if (!t) return rc;
  spec_ctx c = {.file = path, .d = d, .s = s};
  read_compare(&c, t->root);
  wx__tree_free(t);
  if (c.nomem) return wx__diag(d, WX_ENOMEM, path, 0, 0, "out of memory");
  if (rc != WX_OK) return rc;
  return c.errors ? WX_ESCENARIO : WX_OK;
}

int wx__compare_spec_load(const char *path, wx_compare_spec **out,
                          wx_diags *d) {
  *out = NULL;
  wx_compare_spec *s = calloc(1, sizeof *s);
  if (!s || !(s->file = wx__strdup(path))) {
    free(s);
    return wx__diag(d, WX_ENOMEM, path, 0, 0, "out of memory");
  }
  char *data = NULL;
  size_t len = 0;
  int rc = wx__read_file(path, WX__SCENARIO_MAX, &data, &len, d);
  if (rc == WX_OK) rc = parse_spec(path, data, len, s, d);
  free(data);
  if (rc != WX_OK) {
    wx__compare_spec_free(s);
    return rc;
  }
  *out = s;
  return WX_OK;
}

/* The file name without directory and extension. */
static char *stem(const char *file) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  const char *dot = strrchr(b, '.');
  size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, b, n);
    p[n] = '\0';
  }
  return p;
}

static int check_stems(const wx_compare_spec *s, wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; i < s->n; i++) {
    const wx_variant_spec *v = &s->v[i];
    if (!valid_name(v->name))
      rc = wx__diag(d, WX_EINVAL, v->scenario, 0, 0,
                    "the file name `%s` cannot name a variant: use letters, "
                    "digits and _ (or write a comparison file)",
                    v->name);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(s->v[j].name, v->name))
        rc = wx__diag(d, WX_EINVAL, v->scenario, 0, 0,
                      "variant `%s` is named twice (%s and %s)", v->name,
                      s->v[j].scenario, v->scenario);
  }
  return rc;
}

int wx__compare_spec_files(const char *const *files, size_t n,
                           wx_compare_spec **out, wx_diags *d) {
  *out = NULL;
  wx_compare_spec *s = calloc(1, sizeof *s);
  if (s) s->v = calloc(n + 1, sizeof *s->v);
  int rc = s && s->v ? WX_OK : WX_ENOMEM;
  for (size_t i = 0; rc == WX_OK && i < n; i++) {
    s->v[i].name = stem(files[i]);
    s->v[i].scenario = wx__strdup(files[i]);
    s->n++;
    if (!s->v[i].name || !s->v[i].scenario) rc = WX_ENOMEM;
  }
  if (rc == WX_ENOMEM) wx__diag(d, rc, "", 0, 0, "out of memory");
  if (rc == WX_OK) rc = check_stems(s, d);
  if (rc != WX_OK) {
    wx__compare_spec_free(s);
    return rc;
  }
  *out = s;
  return WX_OK;
}

int wx__compare_file_is(const char *path) {
  return wx__file_top_key(path, "compare");
}
