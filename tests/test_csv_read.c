/* The strict CSV reader: quoting, line endings, and every malformed shape
 * reported with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv_read.h"

static wx_csv *parse_ok(const char *text) {
  wx_csv *c = NULL;
  wx_diags *d = wx_diags_alloc(8);
  int rc = wx__csv_parse("t.csv", text, strlen(text), &c, d);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx_diags_free(d);
  return c;
}

/* Parses text expected to be malformed; returns the first diag's line. */
static int parse_bad(const char *text, const char *msg_part) {
  wx_csv *c = (wx_csv *)1;
  wx_diags *d = wx_diags_alloc(8);
  int rc = wx__csv_parse("t.csv", text, strlen(text), &c, d);
  assert_int_equal(rc, WX_EINVAL);
  assert_null(c);
  assert_true(wx_diags_count(d) >= 1);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(strstr(e->msg, msg_part));
  assert_string_equal(e->file, "t.csv");
  int line = e->line;
  wx_diags_free(d);
  return line;
}

static void header_and_rows_are_read(void **state) {
  (void)state;
  wx_csv *c = parse_ok("scope,name,label\nmodule,oa,公众号\nflow,f1,\n");
  assert_int_equal(wx__csv_cols(c), 3);
  assert_int_equal(wx__csv_rows(c), 2);
  assert_string_equal(wx__csv_header(c, 2), "label");
  assert_int_equal(wx__csv_col(c, "name"), 1);
  assert_int_equal(wx__csv_col(c, "kind"), -1);
  assert_string_equal(wx__csv_get(c, 0, 2), "公众号");
  assert_string_equal(wx__csv_get(c, 1, 2), "");
  assert_null(wx__csv_get(c, 2, 0));
  assert_int_equal(wx__csv_line(c, 1), 3);
  wx__csv_free(c);
}

static void quoted_fields_keep_commas_quotes_and_newlines(void **state) {
  (void)state;
  wx_csv *c = parse_ok(
      "a,b,c\n\"小程序, 商城\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
      "\"\",x,\"\"\"\"\n");
  assert_int_equal(wx__csv_rows(c), 2);
  assert_string_equal(wx__csv_get(c, 0, 0), "小程序, 商城");
  assert_string_equal(wx__csv_get(c, 0, 1), "say \"hi\"");
  assert_string_equal(wx__csv_get(c, 0, 2), "two\nlines");
  assert_string_equal(wx__csv_get(c, 1, 0), "");
  assert_string_equal(wx__csv_get(c, 1, 2), "\"");
  assert_int_equal(wx__csv_line(c, 1), 4); /* the quoted newline counts */
  wx__csv_free(c);
}

static void crlf_bom_and_missing_final_newline_are_accepted(void **state) {
  (void)state;
  wx_csv *c = parse_ok("\xEF\xBB\xBFk,v\r\na,1\r\nb,2");
  assert_string_equal(wx__csv_header(c, 0), "k");
  assert_int_equal(wx__csv_rows(c), 2);
  assert_string_equal(wx__csv_get(c, 0, 1), "1");
  assert_string_equal(wx__csv_get(c, 1, 1), "2");
  wx__csv_free(c);
  c = parse_ok("k,v\na,1\n\n");
  assert_int_equal(wx__csv_rows(c), 1);
  wx__csv_free(c);
}

static void short_and_long_rows_are_errors_with_their_line(void **state) {
  (void)state;
  assert_int_equal(parse_bad("a,b\n1,2\n3\n", "has 1 field"), 3);
  assert_int_equal(parse_bad("a,b\n1,2,3\n", "has 3 field"), 2);
}

static void quote_inside_unquoted_field_is_an_error(void **state) {
  (void)state;
  assert_int_equal(parse_bad("a,b\n1,x\"y\n", "quote inside"), 2);
}

static void text_after_closing_quote_is_an_error(void **state) {
  (void)state;
  assert_int_equal(parse_bad("a,b\n\"x\"y,2\n", "after a closing quote"), 2);
}

static void unterminated_quote_is_an_error(void **state) {
  (void)state;
  parse_bad("a,b\n1,\"open\n", "unterminated");
}

static void blank_line_between_rows_is_an_error(void **state) {
  (void)state;
  assert_int_equal(parse_bad("a,b\n1,2\n\n3,4\n", "blank line"), 3);
}

static void bad_headers_are_errors(void **state) {
  (void)state;
  parse_bad("a,b,a\n1,2,3\n", "duplicate");
  parse_bad("a,,c\n1,2,3\n", "empty column name");
  parse_bad("", "empty file");
}

static void every_bad_row_is_reported(void **state) {
  (void)state;
  const char *text = "a,b\n1\n2,2\n3,3,3\n";
  wx_csv *c = NULL;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__csv_parse("t.csv", text, strlen(text), &c, d),
                   WX_EINVAL);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(wx_diags_get(d, 0)->line, 2);
  assert_int_equal(wx_diags_get(d, 1)->line, 4);
  wx_diags_free(d);
}

static void numbers_parse_strictly(void **state) {
  (void)state;
  wx_csv *c = parse_ok("t,v\n1.5,\n2,abc\n3,4x\n");
  wx_diags *d = wx_diags_alloc(8);
  double x = 0;
  assert_int_equal(wx__csv_number(c, 0, 0, -1, &x, d), WX_OK);
  assert_true(x == 1.5);
  assert_int_equal(wx__csv_number(c, 0, 1, -1, &x, d), WX_OK);
  assert_true(x == -1); /* empty gives the caller's default */
  assert_int_equal(wx__csv_number(c, 1, 1, -1, &x, d), WX_EINVAL);
  assert_int_equal(wx__csv_number(c, 2, 1, -1, &x, d), WX_EINVAL);
  assert_int_equal(wx_diags_get(d, 1)->line, 4);
  assert_int_equal(wx_diags_get(d, 1)->col, 2);
  wx_diags_free(d);
  wx__csv_free(c);
}

static void require_reports_each_missing_column(void **state) {
  (void)state;
  wx_csv *c = parse_ok("time,scope\n0,module\n");
  const char *need[] = {"time", "name", "metric"};
  long idx[3];
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__csv_require(c, need, 3, idx, d), WX_EINVAL);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(idx[0], 0);
  assert_int_equal(idx[1], -1);
  wx_diags_free(d);
  wx__csv_free(c);
}

static void missing_file_is_not_found(void **state) {
  (void)state;
  wx_csv *c = NULL;
  assert_int_equal(wx__csv_load("/nonexistent/wx/none.csv", &c, NULL),
                   WX_ENOTFOUND);
  assert_null(c);
}

static void fixture_series_stats_loads(void **state) {
  (void)state;
  wx_csv *c = NULL;
  assert_int_equal(
      wx__csv_load(WX_SOURCE_DIR "/tests/data/results_fixture/entities.csv", &c,
                   NULL),
      WX_OK);
  assert_int_equal(wx__csv_cols(c), 4);
  int found = 0;
  for (size_t i = 0; i < wx__csv_rows(c); i++)
    found |= !strcmp(wx__csv_get(c, i, 2), "小程序, 商城");
  assert_true(found);
  wx__csv_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(header_and_rows_are_read),
      cmocka_unit_test(quoted_fields_keep_commas_quotes_and_newlines),
      cmocka_unit_test(crlf_bom_and_missing_final_newline_are_accepted),
      cmocka_unit_test(short_and_long_rows_are_errors_with_their_line),
      cmocka_unit_test(quote_inside_unquoted_field_is_an_error),
      cmocka_unit_test(text_after_closing_quote_is_an_error),
      cmocka_unit_test(unterminated_quote_is_an_error),
      cmocka_unit_test(blank_line_between_rows_is_an_error),
      cmocka_unit_test(bad_headers_are_errors),
      cmocka_unit_test(every_bad_row_is_reported),
      cmocka_unit_test(numbers_parse_strictly),
      cmocka_unit_test(require_reports_each_missing_column),
      cmocka_unit_test(missing_file_is_not_found),
      cmocka_unit_test(fixture_series_stats_loads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
