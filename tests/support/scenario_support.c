#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scenario_support.h"

static void print_all(const wx_diags *d) {
  char buf[WX_MSG_MAX + WX_FILE_MAX + 32];
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    wx_error_format(wx_diags_get(d, i), buf, sizeof buf);
    print_error("  %s\n", buf);
  }
}

wx_model *wxt_load_ok(const char *text) {
  wx_diags *d = wx_diags_alloc(32);
  wx_model *m = NULL;
  int rc = wx_model_load_buffer("t.yaml", text, strlen(text), &m, d);
  if (rc != WX_OK) print_all(d);
  assert_int_equal(rc, WX_OK);
  assert_non_null(m);
  wx_diags_free(d);
  return m;
}

size_t wxt_load_fails(const char *text, int code, int line, int col,
                      const char *frag) {
  wx_diags *d = wx_diags_alloc(32);
  wx_model *m = NULL;
  int rc = wx_model_load_buffer("t.yaml", text, strlen(text), &m, d);
  assert_null(m);
  int found = 0;
  for (size_t i = 0; i < wx_diags_count(d) && !found; i++) {
    const wx_error *e = wx_diags_get(d, i);
    found = e->line == line && e->col == col && strstr(e->msg, frag) &&
            e->code == code;
  }
  if (rc != code || !found) {
    print_error("wanted %d:%d: ...%s...; got:\n", line, col, frag);
    print_all(d);
  }
  assert_int_equal(rc, code);
  assert_true(found);
  size_t n = wx_diags_count(d);
  wx_diags_free(d);
  return n;
}

char *wxt_temp_file(const char *text, size_t len) {
  char tmpl[] = "/tmp/wxtest-XXXXXX";
  int fd = mkstemp(tmpl);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  close(fd);
  char *path = malloc(sizeof tmpl);
  memcpy(path, tmpl, sizeof tmpl);
  return path;
}

double wxt_kpi_mean(const wx_eval *ev, const char *name) {
  int k = wx_eval_kpi_find(ev, name);
  assert_true(k >= 0);
  wx_summary s;
  assert_int_equal(wx_eval_kpi_summary(ev, (unsigned)k, &s), WX_OK);
  return s.mean;
}
