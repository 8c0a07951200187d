/* The report's building blocks: planner numbers, HTML escaping, manifest
 * fields, and the gate that keeps active content out of inlined SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void numbers_for_planners(void **state) {
  (void)state;
  char b[48];
  assert_string_equal(wx__report_num(b, "9459.4"), "9,459");
  assert_string_equal(wx__report_num(b, "1234567.5"), "1,234,568");
  assert_string_equal(wx__report_num(b, "-35500"), "-35,500");
  assert_string_equal(wx__report_num(b, "999.994"), "999.99");
  assert_string_equal(wx__report_num(b, "999.996"), "1,000");
  assert_string_equal(wx__report_num(b, "279.35"), "279.35");
  assert_string_equal(wx__report_num(b, "0.5"), "0.5");
  assert_string_equal(wx__report_num(b, "280"), "280");
  assert_string_equal(wx__report_num(b, "-0.001"), "0");
  assert_string_equal(wx__report_num(b, ""), "-");
  assert_string_equal(wx__report_num(b, "nan"), "-");
  assert_string_equal(wx__report_num(b, "true"), "true");
}

static void html_escapes_everything_active(void **state) {
  (void)state;
  wx__rbuf b = {0};
  wx__rb_html(&b, "<script>alert('x')</script> & \"q\"");
  assert_string_equal(b.s,
                      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                      " &amp; &quot;q&quot;");
  wx__rb_free(&b);
  wx__rb_gpstr(&b, "a'b\nc `x` @m");
  assert_string_equal(b.s, "'a''b c `x` @m'");
  wx__rb_free(&b);
}

static void json_fields(void **state) {
  (void)state;
  const char *j =
      "{\"title\": \"\\u5feb \\\"q\\\"\", \"seed\": 42,\n"
      "\"ok\": true}";
  char out[64];
  wx__report_json(j, "title", out, sizeof out);
  assert_string_equal(out, "\xe5\xbf\xab \"q\"");
  wx__report_json(j, "seed", out, sizeof out);
  assert_string_equal(out, "42");
  wx__report_json(j, "ok", out, sizeof out);
  assert_string_equal(out, "true");
  wx__report_json(j, "missing", out, sizeof out);
  assert_string_equal(out, "");
}

static int inline_svg(const char *svg, wx__rbuf *b) {
  wx_diags *d = wx_diags_alloc(10);
  int rc = wx__report_svg(b, svg, "c7-", "t.svg", d);
  wx_diags_free(d);
  return rc;
}

static void svg_ids_prefixed_prologue_dropped(void **state) {
  (void)state;
  wx__rbuf b = {0};
  const char *svg =
      "<?xml version=\"1.0\"?>\n<svg width='2'><defs><path "
      "id='gpPt0'/></defs><use xlink:href='#gpPt0'/><g "
      "fill=\"url(#grad)\"><text>on = upon &lt;b&gt;</text>"
      "</g></svg>\ntrailing";
  assert_int_equal(inline_svg(svg, &b), WX_OK);
  assert_non_null(strstr(b.s, "id='c7-gpPt0'"));
  assert_non_null(strstr(b.s, "href='#c7-gpPt0'"));
  assert_non_null(strstr(b.s, "url(#c7-grad)"));
  assert_null(strstr(b.s, "<?xml"));
  assert_null(strstr(b.s, "trailing"));
  assert_int_equal(strncmp(b.s, "<svg", 4), 0);
  wx__rb_free(&b);
}

static void svg_with_active_content_refused(void **state) {
  (void)state;
  static const char *const bad[] = {
      "<svg><script>alert(1)</script></svg>",
      "<svg><SCRIPT >alert(1)</SCRIPT></svg>",
      "<svg onload='alert(1)'></svg>",
      "<svg><g\tONCLICK = \"x()\"></g></svg>",
      "<svg><a href='javascript:alert(1)'>x</a></svg>",
      "<svg><foreignObject><div/></foreignObject></svg>",
      "<svg><iframe src='x'/></svg>",
      "<html>no svg here</html>",
      "<svg> never closed"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    wx__rbuf b = {0};
    assert_int_equal(inline_svg(bad[i], &b), WX_EINVAL);
    wx__rb_free(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers_for_planners),
      cmocka_unit_test(html_escapes_everything_active),
      cmocka_unit_test(json_fields),
      cmocka_unit_test(svg_ids_prefixed_prologue_dropped),
      cmocka_unit_test(svg_with_active_content_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
