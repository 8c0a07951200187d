/*
 * What the loaders need of a parsed file beyond the tree itself: a
 * diagnostic at a node's position, and whether a file is a comparison or
 * study file rather than a scenario (yaml_tree.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "readfile.h"
#include "util.h"
#include "yaml_tree.h"

void wx__node_vdiag(wx_diags *d, const char *file, const wx_node *n, int code,
                    unsigned *errors, const char *fmt, va_list ap) {
  char msg[WX_MSG_MAX];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (errors && code != WX_OK) ++*errors;
  wx__diag(d, code, file, n ? n->line : 0, n ? n->col : 0, "%s", msg);
}

int wx__file_top_key(const char *path, const char *key) {
  char *data = NULL;
  size_t len = 0;
  if (wx__read_file(path, WX__SCENARIO_MAX, &data, &len, NULL) != WX_OK)
    return 0;
  wx_tree *t = NULL;
  int is = 0;
  wx__tree_parse_all(path, data, len, &t, NULL);
  if (t) {
    is = t->root && t->root->type == WX_NODE_MAP &&
         wx__node_get(t->root, key) != NULL &&
         wx__node_get(t->root, "modules") == NULL;
    wx__tree_free(t);
  }
  free(data);
  return is;
}
