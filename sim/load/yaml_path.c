/*
 * Reading and editing a wx_node tree: lookups by key and by dotted path,
 * the override used by scenario variants, the UTF-8 check, and freeing.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yaml_tree.h"

void wx__node_free(wx_node *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) {
    if (n->keys) wx__node_free(n->keys[i]);
    wx__node_free(n->vals[i]);
  }
  free(n->keys);
  free(n->vals);
  free(n->str);
  free(n);
}

const char *wx__node_type_name(const wx_node *n) {
  if (!n) return "nothing";
  switch (n->type) {
    case WX_NODE_SCALAR: return "a scalar";
    case WX_NODE_SEQ: return "a sequence";
    case WX_NODE_MAP: return "a mapping";
  }
  return "?";
}

static long key_index(const wx_node *map, const char *key, size_t klen) {
  if (!map || map->type != WX_NODE_MAP) return -1;
  for (size_t i = 0; i < map->n; i++) {
    const wx_node *k = map->keys[i];
    if (k->len == klen && memcmp(k->str, key, klen) == 0) return (long)i;
  }
  return -1;
}

wx_node *wx__node_get(const wx_node *map, const char *key) {
  long i = key_index(map, key, strlen(key));
  return i < 0 ? NULL : map->vals[i];
}

wx_node *wx__node_key(const wx_node *map, const char *key) {
  long i = key_index(map, key, strlen(key));
  return i < 0 ? NULL : map->keys[i];
}

/* A sequence index written as decimal digits; -1 if not one. */
static long seg_index(const char *s, size_t len) {
  if (len == 0 || len > 9) return -1;
  long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* The child of n named by one path segment; NULL if absent.  *slot gets
 * the address of the child pointer so that it can be replaced. */
static wx_node *child(wx_node *n, const char *seg, size_t len,
                      wx_node ***slot) {
  long i = -1;
  if (n->type == WX_NODE_MAP) i = key_index(n, seg, len);
  if (n->type == WX_NODE_SEQ) {
    i = seg_index(seg, len);
    if (i >= (long)n->n) i = -1;
  }
  if (i < 0) return NULL;
  if (slot) *slot = &n->vals[i];
  return n->vals[i];
}

wx_node *wx__tree_get_path(const wx_tree *t, const char *path) {
  wx_node *n = t->root;
  const char *s = path;
  while (n) {
    const char *dot = strchr(s, '.');
    size_t len = dot ? (size_t)(dot - s) : strlen(s);
    n = child(n, s, len, NULL);
    if (!dot) return n;
    s = dot + 1;
  }
  return NULL;
}

static wx_node *scalar_new(const char *value) {
  wx_node *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->type = WX_NODE_SCALAR;
  n->str = wx__strdup(value);
  if (!n->str) {
    free(n);
    return NULL;
  }
  n->len = strlen(value);
  n->size = 1;
  n->height = 1;
  return n;
}

/* Appends key: value to a mapping (ownership of both passes on success). */
static int map_append(wx_node *map, wx_node *key, wx_node *val) {
  wx_node **k = realloc(map->keys, (map->n + 1) * sizeof *k);
  if (!k) return WX_ENOMEM;
  map->keys = k;
  wx_node **v = realloc(map->vals, (map->n + 1) * sizeof *v);
  if (!v) return WX_ENOMEM;
  map->vals = v;
  map->keys[map->n] = key;
  map->vals[map->n++] = val;
  return WX_OK;
}

static int set_last(wx_tree *t, wx_node *parent, const char *seg,
                    const char *value, const char *path, wx_diags *d) {
  size_t len = strlen(seg);
  wx_node **slot = NULL;
  if (parent->type == WX_NODE_SCALAR)
    return wx__diag(d, WX_EINVAL, t->name, 0, 0,
                    "cannot set `%s`: its parent is a scalar, not a mapping",
                    path);
  wx_node *val = scalar_new(value);
  if (!val) return WX_ENOMEM;
  if (child(parent, seg, len, &slot)) {
    wx__node_free(*slot);
    *slot = val;
    return WX_OK;
  }
  wx_node *key = parent->type == WX_NODE_MAP ? scalar_new(seg) : NULL;
  int rc = key ? map_append(parent, key, val) : WX_ENOTFOUND;
  if (rc == WX_OK) return WX_OK;
  wx__node_free(key);
  wx__node_free(val);
  if (rc == WX_ENOTFOUND)
    return wx__diag(d, rc, t->name, 0, 0,
                    "cannot set `%s`: no item %s in that sequence", path, seg);
  return rc;
}

int wx__tree_set_path(wx_tree *t, const char *path, const char *value,
                      wx_diags *d) {
  size_t plen = strlen(path);
  if (plen == 0 || path[0] == '.' || path[plen - 1] == '.' ||
      strstr(path, ".."))
    return wx__diag(d, WX_EINVAL, t->name, 0, 0,
                    "`%s` is not a dotted path such as flows.oa_to_sdr.p",
                    path);
  wx_node *n = t->root;
  const char *s = path;
  const char *dot;
  while ((dot = strchr(s, '.')) != NULL) {
    wx_node *c = child(n, s, (size_t)(dot - s), NULL);
    if (!c)
      return wx__diag(d, WX_ENOTFOUND, t->name, 0, 0,
                      "cannot set `%s`: `%.*s` does not exist in the "
                      "scenario",
                      path, (int)(dot - path), path);
    n = c;
    s = dot + 1;
  }
  return set_last(t, n, s, value, path, d);
}

/* Length of the UTF-8 sequence starting at p (1..4), or 0 if invalid:
 * overlong forms, surrogates and code points above U+10FFFF included. */
static size_t utf8_len(const unsigned char *p, size_t left) {
  unsigned char b = p[0];
  if (b < 0x80) return 1;
  size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
  if (n == 0 || b > 0xF4 || n > left) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (b == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
  if (b == 0xED && p[1] >= 0xA0) return 0; /* surrogate */
  if (b == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
  if (b == 0xF4 && p[1] >= 0x90) return 0; /* above U+10FFFF */
  return n;
}

int wx__utf8_check(const char *data, size_t len, int *line, int *col) {
  const unsigned char *p = (const unsigned char *)data;
  int l = 1, c = 1;
  for (size_t i = 0; i < len;) {
    size_t n = utf8_len(p + i, len - i);
    if (n == 0) {
      *line = l;
      *col = c;
      return 0;
    }
    if (p[i] == '\n') {
      l++;
      c = 0;
    }
    c++;
    i += n;
  }
  return 1;
}
