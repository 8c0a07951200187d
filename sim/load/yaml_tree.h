/*
 * A small YAML document tree built from libyaml's event API.  Every node
 * remembers where it was written (1-based line:col) so that the scenario
 * compiler can point at the exact spot of a problem.
 *
 * The parser is defensive: it rejects bytes that are not UTF-8, more than
 * one document, duplicate mapping keys (libyaml accepts them) and alias
 * bombs (aliases are expanded by copying, under a node and depth budget).
 */
#ifndef WX_YAML_TREE_H
#define WX_YAML_TREE_H

#include <stdarg.h>
#include <stddef.h>

#include "wxflow/wxflow.h"

/* Limits on the tree after alias expansion: a billion-laughs file is
 * stopped here instead of exhausting memory. */
#define WX_TREE_MAX_NODES 100000
#define WX_TREE_MAX_DEPTH 64

typedef enum { WX_NODE_SCALAR, WX_NODE_SEQ, WX_NODE_MAP } wx_node_type;

typedef struct wx_node wx_node;
struct wx_node {
  wx_node_type type;
  int line, col;  /* 1-based; 0 for nodes created by an override */
  int quoted;     /* scalar was written in quotes or as a block scalar */
  char *str;      /* SCALAR: NUL-terminated text */
  size_t len;     /* SCALAR: bytes in str */
  wx_node **keys; /* MAP: n keys (scalars), parallel to vals */
  wx_node **vals; /* SEQ: n items; MAP: n values */
  size_t n;
  size_t size; /* nodes in this subtree, itself included */
  int height;  /* 1 for a scalar or an empty collection */
};

typedef struct {
  wx_node *root; /* never NULL in a tree returned by wx__tree_parse */
  char *name;    /* file name used in diagnostics */
} wx_tree;

/* Parses a whole buffer.  On success *out owns a tree (free it with
 * wx__tree_free) and WX_OK is returned.  On failure *out is NULL, every
 * problem found is appended to d (may be NULL) and the return is WX_EYAML
 * (syntax, encoding, duplicates, budget) or WX_ENOMEM. */
int wx__tree_parse(const char *name, const char *data, size_t len,
                   wx_tree **out, wx_diags *d);
/* As wx__tree_parse, but when the only problems are duplicate keys (each
 * reported; the later value is dropped) the tree is handed out as well,
 * with WX_EYAML, so that the caller reports every other error at once. */
int wx__tree_parse_all(const char *name, const char *data, size_t len,
                       wx_tree **out, wx_diags *d);
void wx__tree_free(wx_tree *t);

/* Checks that data is UTF-8.  Returns 1 if it is; else 0 and the 1-based
 * line and column (in characters) of the first bad byte. */
int wx__utf8_check(const char *data, size_t len, int *line, int *col);

/* The value under `key` in a mapping; NULL if absent or not a mapping. */
wx_node *wx__node_get(const wx_node *map, const char *key);
/* The key node of `key` in a mapping (for positions); NULL if absent. */
wx_node *wx__node_key(const wx_node *map, const char *key);
/* The node at a dotted path ("flows.oa_to_sdr.p"); a segment that is a
 * number indexes a sequence.  NULL when any step is missing. */
wx_node *wx__tree_get_path(const wx_tree *t, const char *path);
/* "scalar", "sequence" or "mapping". */
const char *wx__node_type_name(const wx_node *n);

/* Replaces the node at a dotted path with a plain scalar `value`, or adds
 * it to its parent mapping when the last key is absent.  Returns WX_OK,
 * WX_ENOTFOUND (the parent does not exist, or an index is out of range),
 * WX_EINVAL (a parent is a scalar, or the path is malformed) or WX_ENOMEM;
 * a message goes to d.  Used by `wxflow compare` variants and --set. */
int wx__tree_set_path(wx_tree *t, const char *path, const char *value,
                      wx_diags *d);

/* Frees a node and its subtree. */
void wx__node_free(wx_node *n);

/* The one reporter of problems in YAML input, for the loader and the
 * comparison spec alike: a diagnostic with `code` at node n of `file`
 * (n NULL: no position).  An error (code != WX_OK) also counts in
 * *errors when errors is not NULL. */
void wx__node_vdiag(wx_diags *d, const char *file, const wx_node *n, int code,
                    unsigned *errors, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 0)))
#endif
    ;

/* 1 when the file at path parses as a mapping with top-level `key` and no
 * `modules` (a comparison or study file rather than a scenario); 0 when
 * not, or when it cannot be read or parsed. */
int wx__file_top_key(const char *path, const char *key);

#endif
