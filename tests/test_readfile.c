/* The one whole-file reader: contents, limits, and refusing what is not a
 * regular file without blocking on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "readfile.h"
#include "scenario_support.h"

static const wx_error *only_diag(const wx_diags *d) {
  assert_int_equal(wx_diags_count(d), 1);
  return wx_diags_get(d, 0);
}

static void reads_a_file_whole_and_terminates_it(void **state) {
  (void)state;
  char *path = wxt_temp_file("abc\0def", 7);
  char *data;
  size_t len;
  assert_int_equal(wx__read_file(path, 100, &data, &len, NULL), WX_OK);
  assert_int_equal(len, 7);
  assert_memory_equal(data, "abc\0def", 8);
  free(data);
  /* Exactly at the limit is fine; one byte more is not. */
  assert_int_equal(wx__read_file(path, 7, &data, &len, NULL), WX_OK);
  free(data);
  wx_diags *d = wx_diags_alloc(4);
  assert_int_equal(wx__read_file(path, 6, &data, &len, d), WX_EIO);
  assert_null(data);
  const wx_error *e = only_diag(d);
  assert_string_equal(e->file, path);
  assert_non_null(strstr(e->msg, "limit of 6 bytes"));
  wx_diags_free(d);
  unlink(path);
  free(path);
}

static void an_empty_file_is_an_empty_string(void **state) {
  (void)state;
  char *path = wxt_temp_file("", 0);
  char *data;
  size_t len = 9;
  assert_int_equal(wx__read_file(path, 10, &data, &len, NULL), WX_OK);
  assert_int_equal(len, 0);
  assert_string_equal(data, "");
  free(data);
  unlink(path);
  free(path);
}

static void a_missing_file_is_not_found(void **state) {
  (void)state;
  wx_diags *d = wx_diags_alloc(4);
  char *data;
  size_t len;
  assert_int_equal(
      wx__read_file("/nonexistent/wxflow.yaml", 10, &data, &len, d),
      WX_ENOTFOUND);
  assert_non_null(strstr(only_diag(d)->msg, "cannot read"));
  wx_diags_free(d);
}

/* Opening a FIFO for reading would wait for a writer for ever. */
static void a_fifo_is_refused_at_once(void **state) {
  (void)state;
  char dir[] = "/tmp/wxflow-fifo-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/scenario.yaml", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  wx_diags *d = wx_diags_alloc(4);
  wx_model *m = NULL;
  assert_int_equal(wx_model_load(path, &m, d), WX_EIO);
  assert_null(m);
  const wx_error *e = only_diag(d);
  assert_string_equal(e->file, path);
  assert_non_null(strstr(e->msg, "FIFO"));
  wx_diags_clear(d);
  char *data;
  size_t len;
  assert_int_equal(wx__read_file(dir, 10, &data, &len, d), WX_EIO);
  assert_non_null(strstr(only_diag(d)->msg, "directory"));
  wx_diags_free(d);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_a_file_whole_and_terminates_it),
      cmocka_unit_test(an_empty_file_is_an_empty_string),
      cmocka_unit_test(a_missing_file_is_not_found),
      cmocka_unit_test(a_fifo_is_refused_at_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
