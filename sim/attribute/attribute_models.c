/* Channels of an attribution and the coalition models: the base file's
 * tree with the channels outside a coalition removed. */
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "readfile.h"
#include "scenario.h"
#include "util.h"
#include "yaml_tree.h"

static int add_channel(wx_attribution *a, int is_tp, uint32_t i,
                       const char *name) {
  for (size_t k = 0; k < a->n_ch; k++)
    if (a->ch[k].is_tp == is_tp && a->ch[k].index == i) return WX_OK;
  if (a->n_ch >= WX_ATTR_MAX_CHANNELS) return WX_ETOOBIG;
  a->ch[a->n_ch++] = (wx_attr_channel){is_tp, i, name};
  return WX_OK;
}

static int find_channel(wx_attribution *a, const wx_model *m, const char *name,
                        wx_diags *d) {
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (!strcmp(m->modules[i].name, name))
      return add_channel(a, 0, i, m->modules[i].name);
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (!strcmp(m->touchpoints[i].name, name))
      return add_channel(a, 1, i, m->touchpoints[i].name);
  return wx__diag(d, WX_EINVAL, wx_model_path(m), 0, 0,
                  "channel `%.80s` is neither a module nor a touchpoint of "
                  "the scenario",
                  name);
}

int wx__attr_channels(wx_attribution *a, const wx_model *m,
                      const char *const *names, size_t n, wx_diags *d) {
  size_t cap = names ? n : (size_t)m->n_modules + m->n_touchpoints;
  a->ch = calloc(cap + 1, sizeof *a->ch);
  if (!a->ch) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t k = 0; names && k < n; k++) {
    int one = find_channel(a, m, names[k], d);
    if (rc == WX_OK) rc = one;
  }
  for (uint32_t i = 0; !names && rc == WX_OK && i < m->n_modules; i++)
    rc = add_channel(a, 0, i, m->modules[i].name);
  for (uint32_t i = 0; !names && rc == WX_OK && i < m->n_touchpoints; i++)
    rc = add_channel(a, 1, i, m->touchpoints[i].name);
  if (rc == WX_ETOOBIG)
    wx__diag(d, rc, wx_model_path(m), 0, 0,
             "at most %d channels; name "
             "fewer with --channels",
             WX_ATTR_MAX_CHANNELS);
  if (rc == WX_OK && a->n_ch == 0)
    rc = wx__diag(d, WX_EINVAL, wx_model_path(m), 0, 0,
                  "the scenario has no module or touchpoint to attribute");
  return rc;
}

int wx__attr_src_read(wx_attr_src *s, const char *path, wx_diags *d) {
  *s = (wx_attr_src){path, NULL, 0};
  return wx__read_file(path, WX__SCENARIO_MAX, &s->data, &s->len, d);
}

void wx__attr_src_free(wx_attr_src *s) {
  free(s->data);
  s->data = NULL;
}

int wx__attr_removes_module(const wx_attribution *a, uint64_t keep,
                            const char *name) {
  for (size_t i = 0; i < a->n_ch; i++)
    if (!a->ch[i].is_tp && !(keep >> i & 1) && !strcmp(a->ch[i].name, name))
      return 1;
  return 0;
}

/* Drops entry i of a mapping or sequence. */
static void drop(wx_node *n, size_t i) {
  if (n->type == WX_NODE_MAP) {
    wx__node_free(n->keys[i]);
    memmove(n->keys + i, n->keys + i + 1, (n->n - i - 1) * sizeof *n->keys);
  }
  wx__node_free(n->vals[i]);
  memmove(n->vals + i, n->vals + i + 1, (n->n - i - 1) * sizeof *n->vals);
  n->n--;
}

/* Targets and funnel stages that name a removed module would make the
 * scenario invalid; they go with it. */
static void prune(wx_tree *t, const wx_attribution *a, uint64_t keep) {
  const char *lists[2] = {"targets", "funnel"}, *keys[2] = {"module", "stage"};
  for (int k = 0; k < 2; k++) {
    wx_node *n = wx__node_get(t->root, lists[k]);
    if (!n || (n->type != WX_NODE_MAP && n->type != WX_NODE_SEQ)) continue;
    for (size_t i = n->n; i-- > 0;) {
      const wx_node *ref = wx__node_get(n->vals[i], keys[k]);
      if (ref && ref->type == WX_NODE_SCALAR &&
          wx__attr_removes_module(a, keep, ref->str))
        drop(n, i);
    }
  }
}

static int disable(wx_tree *t, const wx_attribution *a, uint64_t keep,
                   wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; rc == WX_OK && i < a->n_ch; i++) {
    if (keep >> i & 1) continue;
    char path[256];
    snprintf(path, sizeof path, "%s.%s.enabled",
             a->ch[i].is_tp ? "touchpoints" : "modules", a->ch[i].name);
    rc = wx__tree_set_path(t, path, "false", d);
  }
  if (rc == WX_OK) prune(t, a, keep);
  return rc;
}

/* The bytes hashed into the model: the file and the coalition. */
static char *coalition_bytes(const wx_attr_src *s, uint64_t keep, size_t *n) {
  char *b = malloc(s->len + 40);
  if (!b) return NULL;
  memcpy(b, s->data, s->len);
  *n = s->len + (size_t)snprintf(b + s->len, 40, "\n#coalition %llx\n",
                                 (unsigned long long)keep);
  return b;
}

int wx__attr_compile(const wx_attr_src *s, const wx_attribution *a,
                     uint64_t keep, wx_model **out, wx_diags *d) {
  wx_tree *t = NULL;
  *out = NULL;
  int rc = wx__tree_parse(s->path, s->data, s->len, &t, d);
  if (rc == WX_OK) rc = disable(t, a, keep, d);
  size_t n = 0;
  char *bytes = rc == WX_OK ? coalition_bytes(s, keep, &n) : NULL;
  if (rc == WX_OK && !bytes) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = wx__scenario_compile(t, bytes, n, out, d);
  free(bytes);
  wx__tree_free(t);
  return rc;
}
