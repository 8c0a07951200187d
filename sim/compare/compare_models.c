/* Variant models: the base scenario's tree with each variant's overrides
 * applied, compiled by the scenario compiler. */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "readfile.h"
#include "scenario.h"
#include "util.h"
#include "yaml_tree.h"

/* The override a diagnostic without a position is about: the one whose
 * path the message names, else the one whose last key it names in
 * backquotes, else the variant's last override. */
static const wx_override *blame(const wx_variant_spec *v, const char *msg) {
  for (size_t i = 0; i < v->n_ov; i++)
    if (strstr(msg, v->ov[i].path)) return &v->ov[i];
  for (size_t i = 0; i < v->n_ov; i++) {
    const char *dot = strrchr(v->ov[i].path, '.');
    char q[128];
    snprintf(q, sizeof q, "`%s`", dot ? dot + 1 : v->ov[i].path);
    if (strstr(msg, q)) return &v->ov[i];
  }
  return v->n_ov ? &v->ov[v->n_ov - 1] : NULL;
}

/* Copies diagnostics from tmp to d.  Those without a position in the base
 * file come from nodes an override created: they are moved to the
 * override's place in the comparison file. */
static void forward(const wx_compare_spec *s, const wx_variant_spec *v,
                    const wx_diags *tmp, wx_diags *d) {
  for (size_t i = 0; i < wx_diags_count(tmp); i++) {
    const wx_error *e = wx_diags_get(tmp, i);
    const wx_override *o =
        e->line == 0 && !strcmp(e->file, v->scenario) ? blame(v, e->msg) : NULL;
    if (o)
      wx__diag(d, e->code, s->file, o->line, o->col,
               "variant `%s`, override `%s`: %s", v->name, o->path, e->msg);
    else
      wx__diag(d, e->code, e->file, e->line, e->col, "%s", e->msg);
  }
  if (wx_diags_dropped(tmp))
    wx__diag(d, WX_ESCENARIO, s->file, v->line, v->col,
             "variant `%s`: %zu more error(s)", v->name, wx_diags_dropped(tmp));
}

static int apply(const wx_compare_spec *s, const wx_variant_spec *v, wx_tree *t,
                 wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; i < v->n_ov; i++) {
    const wx_override *o = &v->ov[i];
    wx_diags *tmp = wx_diags_alloc(4);
    if (!tmp) return WX_ENOMEM;
    int one = wx__tree_set_path(t, o->path, o->value, tmp);
    const wx_error *e = wx_diags_count(tmp) ? wx_diags_get(tmp, 0) : NULL;
    if (one != WX_OK)
      wx__diag(d, one == WX_ENOMEM ? one : WX_ESCENARIO, s->file, o->line,
               o->col, "variant `%s`: %s (in %s)", v->name,
               e ? e->msg : wx_strerror(one), v->scenario);
    wx_diags_free(tmp);
    if (rc == WX_OK && one != WX_OK) rc = one == WX_ENOMEM ? one : WX_ESCENARIO;
  }
  return rc;
}

/* The bytes hashed into a variant model: the base file and its overrides,
 * so that two variants never share a hash. */
static char *variant_bytes(const wx_variant_spec *v, const char *data,
                           size_t len, size_t *out_len) {
  size_t n = len + 32;
  for (size_t i = 0; i < v->n_ov; i++)
    n += strlen(v->ov[i].path) + strlen(v->ov[i].value) + 4;
  char *b = malloc(n);
  if (!b) return NULL;
  memcpy(b, data, len);
  size_t at = len;
  if (v->n_ov == 0) {
    *out_len = len;
    return b;
  }
  at += (size_t)snprintf(b + at, n - at, "\n#overrides\n");
  for (size_t i = 0; i < v->n_ov; i++)
    at += (size_t)snprintf(b + at, n - at, "%s: %s\n", v->ov[i].path,
                           v->ov[i].value);
  *out_len = at;
  return b;
}

static int compile_variant(const wx_compare_spec *s, const wx_variant_spec *v,
                           const char *data, size_t len, wx_model **out,
                           wx_diags *d) {
  wx_tree *t = NULL;
  wx_diags *tmp = wx_diags_alloc(50);
  int rc = tmp ? wx__tree_parse(v->scenario, data, len, &t, d) : WX_ENOMEM;
  if (rc == WX_OK) rc = apply(s, v, t, d);
  size_t blen = 0;
  char *bytes = rc == WX_OK ? variant_bytes(v, data, len, &blen) : NULL;
  if (rc == WX_OK && !bytes) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = wx__scenario_compile(t, bytes, blen, out, tmp);
  if (tmp) forward(s, v, tmp, d);
  free(bytes);
  wx__tree_free(t);
  wx_diags_free(tmp);
  return rc;
}

static void free_models(wx_model **models, size_t n) {
  for (size_t i = 0; i < n; i++) {
    wx_model_free(models[i]);
    models[i] = NULL;
  }
}

/* Comparison file: the base is read once; variants with no override share
 * nothing but its bytes.  The base compiles first, so that an error in the
 * scenario itself is reported once. */
static int from_overrides(const wx_compare_spec *s, wx_model **models,
                          wx_diags *d) {
  char *data = NULL;
  size_t len = 0;
  int rc = wx__read_file(s->v[0].scenario, WX__SCENARIO_MAX, &data, &len, d);
  if (rc != WX_OK) return rc;
  rc = compile_variant(s, &s->v[0], data, len, &models[0], d);
  for (size_t i = 1; rc == WX_OK || rc == WX_ESCENARIO; i++) {
    if (i >= s->n || models[0] == NULL) break;
    int one = compile_variant(s, &s->v[i], data, len, &models[i], d);
    if (one != WX_OK) rc = one;
  }
  free(data);
  return rc;
}

int wx__compare_models(const wx_compare_spec *s, wx_model **models,
                       wx_diags *d) {
  for (size_t i = 0; i < s->n; i++) models[i] = NULL;
  int rc = WX_OK;
  if (s->file) {
    rc = from_overrides(s, models, d);
  } else {
    for (size_t i = 0; i < s->n; i++) {
      int one = wx_model_load(s->v[i].scenario, &models[i], d);
      if (rc == WX_OK) rc = one;
    }
  }
  if (rc != WX_OK) free_models(models, s->n);
  return rc;
}
