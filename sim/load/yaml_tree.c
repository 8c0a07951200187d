/*
 * libyaml events -> wx_node tree.  Recursive descent over the event stream;
 * the recursion is bounded by WX_TREE_MAX_DEPTH.  Aliases are expanded by
 * deep copy under a node budget so that nothing downstream has to know
 * about sharing.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"
#include "yaml_tree.h"

typedef struct {
  char *name;
  const wx_node *node;
} anchor;

typedef struct {
  yaml_parser_t parser;
  const char *file;
  const char *data;
  size_t len;
  wx_diags *d;
  int errors; /* problems that did not stop the parse (duplicates) */
  size_t nodes;
  size_t aliases; /* alias events seen, for the node budget's message */
  anchor *anchors;
  size_t n_anchors;
} pctx;

/* 1-based line and character column of a byte offset. */
static void offset_pos(const char *data, size_t len, size_t off, int *line,
                       int *col) {
  int l = 1, c = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    unsigned char b = (unsigned char)data[i];
    if (b == '\n') {
      l++;
      c = 1;
    } else if ((b & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

/* The byte at a 1-based line and character column; 0 past the end. */
static char char_at(const char *data, size_t len, int line, int col) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (data[i] == '\n') l++;
  for (int c = 1; i < len; i++) {
    if (((unsigned char)data[i] & 0xC0) == 0x80) continue;
    if (c++ == col) return data[i];
  }
  return 0;
}

static int fail(pctx *c, int code, int line, int col, const char *msg) {
  c->errors++;
  return wx__diag(c->d, code, c->file, line, col, "%s", msg);
}

static int parser_error(pctx *c) {
  yaml_parser_t *p = &c->parser;
  if (p->error == YAML_MEMORY_ERROR) return WX_ENOMEM;
  const char *problem = p->problem ? p->problem : "malformed YAML";
  int line, col;
  char msg[WX_MSG_MAX];
  if (p->error == YAML_READER_ERROR) {
    offset_pos(c->data, c->len, p->problem_offset, &line, &col);
    snprintf(msg, sizeof msg, "%s", problem);
  } else {
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context)
      snprintf(msg, sizeof msg, "%s (%s that starts at line %d, column %d)",
               problem, p->context, (int)p->context_mark.line + 1,
               (int)p->context_mark.column + 1);
    else
      snprintf(msg, sizeof msg, "%s", problem);
    if (char_at(c->data, c->len, line, col) == '\t')
      snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
               "; YAML is indented with spaces, not tabs");
  }
  fail(c, WX_EYAML, line, col, msg);
  return WX_EYAML;
}

static int next(pctx *c, yaml_event_t *ev) {
  if (!yaml_parser_parse(&c->parser, ev)) return parser_error(c);
  return WX_OK;
}

static wx_node *node_new(pctx *c, wx_node_type type, yaml_mark_t mark) {
  if (c->nodes >= WX_TREE_MAX_NODES) return NULL;
  wx_node *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  c->nodes++;
  n->type = type;
  n->line = (int)mark.line + 1;
  n->col = (int)mark.column + 1;
  n->size = 1;
  n->height = 1;
  return n;
}

static int budget_failed(pctx *c, yaml_mark_t mark) {
  char msg[WX_MSG_MAX];
  if (c->aliases)
    snprintf(msg, sizeof msg,
             "the document has more than %d nodes once aliases are "
             "expanded; is it an alias bomb?",
             WX_TREE_MAX_NODES);
  else
    snprintf(msg, sizeof msg,
             "the document has more than %d nodes, more than any scenario "
             "needs; is it the right file?",
             WX_TREE_MAX_NODES);
  return fail(c, WX_EYAML, (int)mark.line + 1, (int)mark.column + 1, msg);
}

/* NULL from node_new means either budget or memory: tell which. */
static int new_failed(pctx *c, yaml_mark_t mark) {
  if (c->nodes < WX_TREE_MAX_NODES) return WX_ENOMEM;
  return budget_failed(c, mark);
}

static int push_child(wx_node *parent, wx_node *key, wx_node *val) {
  size_t n = parent->n;
  if ((n & (n - 1)) == 0) { /* capacities 1, 2, 4, ... */
    size_t cap = n ? n * 2 : 1;
    wx_node **v = realloc(parent->vals, cap * sizeof *v);
    if (!v) return WX_ENOMEM;
    parent->vals = v;
    if (parent->type == WX_NODE_MAP) {
      wx_node **k = realloc(parent->keys, cap * sizeof *k);
      if (!k) return WX_ENOMEM;
      parent->keys = k;
    }
  }
  if (parent->type == WX_NODE_MAP) parent->keys[n] = key;
  parent->vals[n] = val;
  parent->n = n + 1;
  parent->size += val->size + (key ? key->size : 0);
  if (val->height + 1 > parent->height) parent->height = val->height + 1;
  return WX_OK;
}

static int add_anchor(pctx *c, const yaml_char_t *name, const wx_node *n) {
  if (!name) return WX_OK;
  anchor *grown = realloc(c->anchors, (c->n_anchors + 1) * sizeof *c->anchors);
  if (!grown) return WX_ENOMEM;
  c->anchors = grown;
  char *copy = wx__strdup((const char *)name);
  if (!copy) return WX_ENOMEM;
  c->anchors[c->n_anchors].name = copy;
  c->anchors[c->n_anchors++].node = n;
  return WX_OK;
}

static wx_node *copy_node(pctx *c, const wx_node *src, yaml_mark_t mark) {
  wx_node *n = node_new(c, src->type, mark);
  if (!n) return NULL;
  n->quoted = src->quoted;
  if (src->type == WX_NODE_SCALAR) {
    n->str = malloc(src->len + 1);
    if (!n->str) goto fail;
    memcpy(n->str, src->str, src->len + 1);
    n->len = src->len;
    return n;
  }
  for (size_t i = 0; i < src->n; i++) {
    wx_node *k = src->keys ? copy_node(c, src->keys[i], mark) : NULL;
    wx_node *v = copy_node(c, src->vals[i], mark);
    if (!v || (src->keys && !k) || push_child(n, k, v) != WX_OK) {
      wx__node_free(k);
      wx__node_free(v);
      goto fail;
    }
  }
  return n;
fail:
  wx__node_free(n);
  return NULL;
}

static int parse_node(pctx *c, yaml_event_t *ev, int depth, wx_node **out);

static int parse_alias(pctx *c, yaml_event_t *ev, int depth, wx_node **out) {
  const char *name = (const char *)ev->data.alias.anchor;
  yaml_mark_t mark = ev->start_mark;
  c->aliases++;
  for (size_t i = c->n_anchors; i-- > 0;) {
    if (strcmp(c->anchors[i].name, name) != 0) continue;
    const wx_node *src = c->anchors[i].node;
    if (depth + src->height - 1 > WX_TREE_MAX_DEPTH)
      return fail(c, WX_EYAML, (int)mark.line + 1, (int)mark.column + 1,
                  "aliases nest the document more than 64 levels deep");
    if (c->nodes + src->size > WX_TREE_MAX_NODES) return budget_failed(c, mark);
    *out = copy_node(c, src, mark);
    return *out ? WX_OK : new_failed(c, mark);
  }
  char msg[WX_MSG_MAX];
  snprintf(msg, sizeof msg,
           "unknown alias *%.100s (no anchor &%.100s before it)", name, name);
  return fail(c, WX_EYAML, (int)mark.line + 1, (int)mark.column + 1, msg);
}

static int parse_scalar(pctx *c, yaml_event_t *ev, wx_node **out) {
  /* Everything downstream reads scalars as C strings: a NUL (the escape
   * \0 or \x00) would silently cut a name or title short. */
  if (ev->data.scalar.length &&
      memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
    return fail(c, WX_EYAML, (int)ev->start_mark.line + 1,
                (int)ev->start_mark.column + 1,
                "a NUL character (\\0) is not allowed in a value");
  wx_node *n = node_new(c, WX_NODE_SCALAR, ev->start_mark);
  if (!n) return new_failed(c, ev->start_mark);
  n->len = ev->data.scalar.length;
  n->str = malloc(n->len + 1);
  if (!n->str) {
    wx__node_free(n);
    return WX_ENOMEM;
  }
  memcpy(n->str, ev->data.scalar.value, n->len);
  n->str[n->len] = '\0';
  n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  *out = n;
  return add_anchor(c, ev->data.scalar.anchor, n);
}

/* The keys of one mapping being read, hashed, so that a mapping of a
 * million keys is checked for duplicates in linear time.  Slots hold
 * 1 + an index into map->keys; 0 is empty. */
typedef struct {
  size_t *slot;
  size_t cap; /* a power of two, or 0 */
} keyset;

static size_t *key_slot(const keyset *ks, const wx_node *map, const char *str) {
  size_t mask = ks->cap - 1;
  size_t i = (size_t)wx__fnv1a64(str, strlen(str)) & mask;
  while (ks->slot[i] && strcmp(map->keys[ks->slot[i] - 1]->str, str) != 0)
    i = (i + 1) & mask;
  return &ks->slot[i];
}

/* Room for one more key (at most half full); WX_ENOMEM. */
static int keyset_reserve(keyset *ks, const wx_node *map) {
  if (2 * (map->n + 1) <= ks->cap) return WX_OK;
  size_t cap = ks->cap ? ks->cap * 2 : 16;
  size_t *slot = calloc(cap, sizeof *slot);
  if (!slot) return WX_ENOMEM;
  free(ks->slot);
  ks->slot = slot;
  ks->cap = cap;
  for (size_t i = 0; i < map->n; i++)
    *key_slot(ks, map, map->keys[i]->str) = i + 1;
  return WX_OK;
}

/* 1 when key may be added to map (then it is in ks at index map->n). */
static int check_key(pctx *c, const wx_node *map, const wx_node *key,
                     keyset *ks, int *rc) {
  char msg[WX_MSG_MAX];
  if (key->type != WX_NODE_SCALAR) {
    fail(c, WX_EYAML, key->line, key->col,
         "a mapping key must be a plain name, not a sequence or mapping");
    return 0;
  }
  if ((*rc = keyset_reserve(ks, map)) != WX_OK) return 0;
  size_t *at = key_slot(ks, map, key->str);
  if (*at) {
    snprintf(msg, sizeof msg, "duplicate key `%.200s` (first at line %d)",
             key->str, map->keys[*at - 1]->line);
    fail(c, WX_EYAML, key->line, key->col, msg);
    return 0;
  }
  *at = map->n + 1;
  return 1;
}

/* Forgets the anchors defined since `mark`: their nodes are being freed,
 * and a later alias must not reach them. */
static void drop_anchors_since(pctx *c, size_t mark) {
  while (c->n_anchors > mark) free(c->anchors[--c->n_anchors].name);
}

/* Reads the children of a collection up to its end event. */
static int parse_children(pctx *c, wx_node *n, int depth, keyset *ks) {
  yaml_event_type_t end =
      n->type == WX_NODE_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
  for (;;) {
    yaml_event_t ev;
    int rc = next(c, &ev);
    if (rc != WX_OK) return rc;
    if (ev.type == end) {
      yaml_event_delete(&ev);
      return WX_OK;
    }
    wx_node *k = NULL, *v = NULL;
    size_t anchors = c->n_anchors;
    if (n->type == WX_NODE_MAP) {
      rc = parse_node(c, &ev, depth + 1, &k);
      if (rc == WX_OK) rc = next(c, &ev);
      if (rc != WX_OK) {
        wx__node_free(k);
        return rc;
      }
    }
    rc = parse_node(c, &ev, depth + 1, &v);
    if (rc == WX_OK && k && !check_key(c, n, k, ks, &rc) && rc == WX_OK) {
      drop_anchors_since(c, anchors);
      wx__node_free(k);
      wx__node_free(v);
      continue;
    }
    if (rc == WX_OK) rc = push_child(n, k, v);
    if (rc != WX_OK) {
      wx__node_free(k);
      wx__node_free(v);
      return rc;
    }
  }
}

static int parse_collection(pctx *c, yaml_event_t *ev, int depth,
                            wx_node **out) {
  int is_map = ev->type == YAML_MAPPING_START_EVENT;
  const yaml_char_t *a =
      is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
  char *name = a ? wx__strdup((const char *)a) : NULL;
  if (a && !name) return WX_ENOMEM;
  wx_node *n = node_new(c, is_map ? WX_NODE_MAP : WX_NODE_SEQ, ev->start_mark);
  int rc = n ? WX_OK : new_failed(c, ev->start_mark);
  yaml_event_delete(ev);
  keyset ks = {0};
  if (rc == WX_OK) rc = parse_children(c, n, depth, &ks);
  free(ks.slot);
  if (rc == WX_OK) rc = add_anchor(c, (const yaml_char_t *)name, n);
  free(name);
  if (rc != WX_OK) {
    wx__node_free(n);
    return rc;
  }
  *out = n;
  return WX_OK;
}

/* Takes ownership of *ev (deletes it). */
static int parse_node(pctx *c, yaml_event_t *ev, int depth, wx_node **out) {
  *out = NULL;
  int rc;
  if (depth > WX_TREE_MAX_DEPTH) {
    rc = fail(c, WX_EYAML, (int)ev->start_mark.line + 1,
              (int)ev->start_mark.column + 1,
              "the document is nested more than 64 levels deep");
  } else if (ev->type == YAML_SCALAR_EVENT) {
    rc = parse_scalar(c, ev, out);
  } else if (ev->type == YAML_ALIAS_EVENT) {
    rc = parse_alias(c, ev, depth, out);
  } else if (ev->type == YAML_SEQUENCE_START_EVENT ||
             ev->type == YAML_MAPPING_START_EVENT) {
    return parse_collection(c, ev, depth, out);
  } else {
    rc = fail(c, WX_EYAML, (int)ev->start_mark.line + 1,
              (int)ev->start_mark.column + 1, "unexpected YAML event");
  }
  yaml_event_delete(ev);
  return rc;
}

/* Expects `type` next; anything else is reported at its position. */
static int expect(pctx *c, yaml_event_type_t type, yaml_event_t *ev) {
  int rc = next(c, ev);
  if (rc != WX_OK) return rc;
  if (ev->type == type) return WX_OK;
  int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
  yaml_event_delete(ev);
  if (type == YAML_STREAM_END_EVENT)
    return fail(c, WX_EYAML, line, col,
                "a second YAML document (`---`) here; a scenario is a "
                "single document");
  return fail(c, WX_EYAML, line, col, "unexpected YAML structure");
}

static int is_empty_doc(const wx_node *n) {
  return n->type == WX_NODE_SCALAR && !n->quoted &&
         (n->len == 0 || strcmp(n->str, "~") == 0 ||
          strcmp(n->str, "null") == 0);
}

static int parse_stream(pctx *c, wx_node **root) {
  yaml_event_t ev;
  int rc = expect(c, YAML_STREAM_START_EVENT, &ev);
  if (rc != WX_OK) return rc;
  yaml_event_delete(&ev);
  if ((rc = next(c, &ev)) != WX_OK) return rc;
  int empty = ev.type == YAML_STREAM_END_EVENT;
  yaml_event_delete(&ev);
  if (empty) return fail(c, WX_EYAML, 0, 0, "the scenario is empty");
  if ((rc = next(c, &ev)) != WX_OK) return rc;
  if ((rc = parse_node(c, &ev, 1, root)) != WX_OK) return rc;
  if ((rc = expect(c, YAML_DOCUMENT_END_EVENT, &ev)) != WX_OK) return rc;
  yaml_event_delete(&ev);
  if ((rc = expect(c, YAML_STREAM_END_EVENT, &ev)) != WX_OK) return rc;
  yaml_event_delete(&ev);
  if (is_empty_doc(*root))
    return fail(c, WX_EYAML, 0, 0, "the scenario is empty");
  return WX_OK;
}

static int check_encoding(pctx *c) {
  int line, col;
  if (wx__utf8_check(c->data, c->len, &line, &col)) return WX_OK;
  return fail(c, WX_EYAML, line, col,
              "the file is not valid UTF-8 (save it as UTF-8)");
}

/* keep: a tree whose only problems are duplicate keys is still handed
 * out (with WX_EYAML), so that the caller can report its other errors. */
static int parse(const char *name, const char *data, size_t len, wx_tree **out,
                 wx_diags *d, int keep) {
  *out = NULL;
  /* A UTF-8 byte order mark (editors on Windows write one) is no content;
   * libyaml, told the encoding, would read it as a character. */
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  pctx c = {.file = name ? name : "", .data = data, .len = len, .d = d};
  int rc = check_encoding(&c);
  if (rc != WX_OK) return rc;
  if (!yaml_parser_initialize(&c.parser)) return WX_ENOMEM;
  yaml_parser_set_input_string(&c.parser, (const unsigned char *)data, len);
  yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);
  wx_node *root = NULL;
  rc = parse_stream(&c, &root);
  yaml_parser_delete(&c.parser);
  for (size_t i = 0; i < c.n_anchors; i++) free(c.anchors[i].name);
  free(c.anchors);
  wx_tree *t = NULL;
  int dup = rc == WX_OK && c.errors;
  if (dup && !keep) rc = WX_EYAML;
  if (rc == WX_OK && !(t = calloc(1, sizeof *t))) rc = WX_ENOMEM;
  if (t && !(t->name = wx__strdup(c.file))) rc = WX_ENOMEM;
  if (rc != WX_OK) {
    if (rc == WX_ENOMEM) wx__diag(d, rc, c.file, 0, 0, "out of memory");
    wx__node_free(root);
    if (t) free(t->name);
    free(t);
    return rc;
  }
  t->root = root;
  *out = t;
  return dup ? WX_EYAML : WX_OK;
}

int wx__tree_parse(const char *name, const char *data, size_t len,
                   wx_tree **out, wx_diags *d) {
  return parse(name, data, len, out, d, 0);
}

int wx__tree_parse_all(const char *name, const char *data, size_t len,
                       wx_tree **out, wx_diags *d) {
  return parse(name, data, len, out, d, 1);
}

void wx__tree_free(wx_tree *t) {
  if (!t) return;
  wx__node_free(t->root);
  free(t->name);
  free(t);
}
