/*
 * The small references every part of the loader shares: dotted key paths,
 * module names, and points in time written as durations or dates.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "scenario.h"

const char *wx__subpath(char *buf, size_t cap, const char *path,
                        const char *key) {
  size_t n = strlen(path), k = strlen(key);
  if (cap == 0) return buf;
  if (n >= cap) n = cap - 1;
  memmove(buf, path, n);
  if (n + 1 < cap) buf[n++] = '.';
  if (n + k >= cap) k = cap - 1 - n;
  memcpy(buf + n, key, k);
  buf[n + k] = '\0';
  return buf;
}

int wx__module_ref(wx_sctx *c, const wx_node *n, const char *path,
                   uint32_t *out) {
  const char *s;
  if (!wx__get_scalar(c, n, path, "a module name", &s)) return 0;
  if (wx__module_disabled(c, s)) return -1;
  if ((*out = wx__model_find_module(c->m, s)) != WX_NONE) return 1;
  wx__unknown_module(c, n, path, s);
  return 0;
}

int wx__get_time(wx_sctx *c, const wx_node *n, const char *path, double *out) {
  const char *s;
  int32_t z;
  if (!wx__get_scalar(c, n, path, "a duration or a date", &s)) return 0;
  if (strlen(s) != 10 || s[4] != '-')
    return wx__get_qty(c, n, WX_Q_DURATION, path, out);
  if (wx__date_parse(s, &z) != 0) {
    wx__serr(c, n, "`%s`: expected a date YYYY-MM-DD, got \"%.40s\"", path, s);
    return 0;
  }
  if (z < c->m->start_day) {
    wx__serr(c, n, "`%s`: %s is before the scenario's start", path, s);
    return 0;
  }
  *out = z - c->m->start_day;
  return 1;
}
