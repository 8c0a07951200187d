#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct wx_diags {
  size_t limit;
  size_t count;
  size_t dropped;
  wx_error *items;
};

const char *wx_strerror(int code) {
  switch (code) {
#define WX_ERRNO_TEXT(name, value, text) \
  case WX_E##name: return text;
    WX_ERRNO_MAP(WX_ERRNO_TEXT)
#undef WX_ERRNO_TEXT
  }
  return "unknown error";
}

const char *wx_err_name(int code) {
  switch (code) {
#define WX_ERRNO_NAME(name, value, text) \
  case WX_E##name: return "WX_E" #name;
    WX_ERRNO_MAP(WX_ERRNO_NAME)
#undef WX_ERRNO_NAME
  }
  return "WX_E?";
}

const char *wx_version(void) {
#define WX_STR2(x) #x
#define WX_STR(x)  WX_STR2(x)
  return WX_STR(WX_VERSION_MAJOR) "." WX_STR(WX_VERSION_MINOR) "." WX_STR(
      WX_VERSION_PATCH);
}

wx_diags *wx_diags_alloc(size_t limit) {
  wx_diags *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->limit = limit ? limit : 1;
  d->items = calloc(d->limit, sizeof *d->items);
  if (!d->items) {
    free(d);
    return NULL;
  }
  return d;
}

void wx_diags_free(wx_diags *d) {
  if (!d) return;
  free(d->items);
  free(d);
}

size_t wx_diags_count(const wx_diags *d) { return d ? d->count : 0; }
size_t wx_diags_dropped(const wx_diags *d) { return d ? d->dropped : 0; }

const wx_error *wx_diags_get(const wx_diags *d, size_t i) {
  return (d && i < d->count) ? &d->items[i] : NULL;
}

void wx_diags_clear(wx_diags *d) {
  if (d) d->count = d->dropped = 0;
}

int wx_error_format(const wx_error *e, char *buf, size_t size) {
  if (e->line > 0)
    return snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->col,
                    e->msg);
  return snprintf(buf, size, "%s: %s", e->file, e->msg);
}

static int before(const wx_error *a, const wx_error *b) {
  int fa = strcmp(a->file, b->file);
  if (fa) return fa < 0;
  if (!a->line || !b->line) return 0; /* unpositioned: keep the order */
  return a->line < b->line || (a->line == b->line && a->col < b->col);
}

void wx__diags_sort(wx_diags *d) {
  if (!d) return;
  for (size_t i = 1; i < d->count; i++) {
    wx_error e = d->items[i];
    size_t j = i;
    for (; j > 0 && before(&e, &d->items[j - 1]); j--)
      d->items[j] = d->items[j - 1];
    d->items[j] = e;
  }
}

int wx__diag(wx_diags *d, int code, const char *file, int line, int col,
             const char *fmt, ...) {
  if (!d) return code;
  if (d->count == d->limit) {
    d->dropped++;
    return code;
  }
  wx_error *e = &d->items[d->count++];
  e->code = code;
  e->line = line;
  e->col = col;
  snprintf(e->file, sizeof e->file, "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return code;
}
