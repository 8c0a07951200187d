/* The YAML tree: positions, errors with positions, budgets, overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "yaml_tree.h"

static wx_tree *parse_ok(const char *text) {
  wx_tree *t = NULL;
  wx_diags *d = wx_diags_alloc(10);
  int rc = wx__tree_parse("t.yaml", text, strlen(text), &t, d);
  if (rc != WX_OK) {
    const wx_error *e = wx_diags_get(d, 0);
    print_error("unexpected: %s\n", e ? e->msg : "?");
  }
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
  return t;
}

/* Parses text expecting failure `code`; the first diagnostic must be at
 * line:col and contain `frag`. */
static void parse_fails(const char *text, size_t len, int code, int line,
                        int col, const char *frag) {
  wx_tree *t = NULL;
  wx_diags *d = wx_diags_alloc(10);
  assert_int_equal(wx__tree_parse("t.yaml", text, len, &t, d), code);
  assert_null(t);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(e);
  if (!strstr(e->msg, frag) || e->line != line || e->col != col)
    print_error("%d:%d: %s\n", e->line, e->col, e->msg);
  assert_non_null(strstr(e->msg, frag));
  assert_int_equal(e->line, line);
  assert_int_equal(e->col, col);
  assert_string_equal(e->file, "t.yaml");
  wx_diags_free(d);
}

static void nodes_remember_one_based_positions(void **state) {
  (void)state;
  wx_tree *t = parse_ok("a: 1\nb:\n  c: \"x\"\n  d: [1, 2]\n");
  wx_node *b = wx__node_get(t->root, "b");
  assert_non_null(b);
  assert_int_equal(b->type, WX_NODE_MAP);
  wx_node *c = wx__node_get(b, "c");
  assert_int_equal(c->line, 3);
  assert_int_equal(c->col, 6);
  assert_true(c->quoted);
  assert_false(wx__node_get(t->root, "a")->quoted);
  assert_int_equal(wx__node_key(b, "d")->line, 4);
  assert_int_equal(wx__node_key(b, "d")->col, 3);
  wx_node *d1 = wx__tree_get_path(t, "b.d.1");
  assert_string_equal(d1->str, "2");
  assert_null(wx__tree_get_path(t, "b.d.2"));
  assert_null(wx__tree_get_path(t, "b.x"));
  wx__tree_free(t);
}

static void syntax_errors_carry_libyaml_problem_and_position(void **state) {
  (void)state;
  const char *text = "a: 1\nb: [1, 2\nc: 3\n";
  parse_fails(text, strlen(text), WX_EYAML, 3, 2, "did not find expected");
  const char *tab = "a:\n\tb: 1\n";
  parse_fails(tab, strlen(tab), WX_EYAML, 2, 1, "tab");
}

static void empty_and_comment_only_files_are_empty(void **state) {
  (void)state;
  parse_fails("", 0, WX_EYAML, 0, 0, "the scenario is empty");
  const char *c = "# just a comment\n\n  # another\n";
  parse_fails(c, strlen(c), WX_EYAML, 0, 0, "the scenario is empty");
  parse_fails("---\n", 4, WX_EYAML, 0, 0, "the scenario is empty");
}

static void a_second_document_is_rejected(void **state) {
  (void)state;
  const char *text = "a: 1\n---\nb: 2\n";
  parse_fails(text, strlen(text), WX_EYAML, 2, 1, "single document");
}

static void duplicate_keys_are_reported_each(void **state) {
  (void)state;
  const char *text = "a: 1\nb: 2\na: 3\nb: 4\n";
  parse_fails(text, strlen(text), WX_EYAML, 3, 1,
              "duplicate key `a` (first at line 1)");
  wx_diags *d = wx_diags_alloc(10);
  wx_tree *t;
  assert_int_equal(wx__tree_parse("t", text, strlen(text), &t, d), WX_EYAML);
  assert_int_equal(wx_diags_count(d), 2);
  assert_int_equal(wx_diags_get(d, 1)->line, 4);
  wx_diags_free(d);
}

/* Found by fuzzing: a duplicate entry is dropped, and an anchor defined in
 * it must go with it rather than leave a dangling pointer for a later
 * alias (a use after free). */
static void anchors_in_a_dropped_duplicate_are_forgotten(void **state) {
  (void)state;
  const char *text = "b: 1\nb: &x [1, 2]\nc: *x\n";
  parse_fails(text, strlen(text), WX_EYAML, 2, 1, "duplicate key `b`");
  wx_diags *d = wx_diags_alloc(10);
  wx_tree *t;
  assert_int_equal(wx__tree_parse("t", text, strlen(text), &t, d), WX_EYAML);
  assert_int_equal(wx_diags_count(d), 2);
  assert_non_null(strstr(wx_diags_get(d, 1)->msg, "unknown alias *x"));
  wx_diags_free(d);
}

static void non_utf8_bytes_are_reported_at_their_position(void **state) {
  (void)state;
  /* 公 is three bytes but one column; the bad byte follows it. */
  const char text[] = "a: 1\nb: \xe5\x85\xac\xff\n";
  parse_fails(text, sizeof text - 1, WX_EYAML, 2, 5, "not valid UTF-8");
  const char surrogate[] = "x: \xed\xa0\x80\n";
  parse_fails(surrogate, sizeof surrogate - 1, WX_EYAML, 1, 4, "UTF-8");
  const char latin1[] = "title: caf\xe9\n";
  parse_fails(latin1, sizeof latin1 - 1, WX_EYAML, 1, 11, "UTF-8");
}

static void aliases_are_expanded(void **state) {
  (void)state;
  wx_tree *t = parse_ok("base: &b {kind: wecom, label: x}\nother: *b\n");
  wx_node *o = wx__node_get(t->root, "other");
  assert_int_equal(o->type, WX_NODE_MAP);
  assert_string_equal(wx__node_get(o, "kind")->str, "wecom");
  wx__tree_free(t);
  const char *bad = "a: *nope\n";
  parse_fails(bad, strlen(bad), WX_EYAML, 1, 4, "unknown alias *nope");
}

static void billion_laughs_is_rejected_quickly(void **state) {
  (void)state;
  const char *text =
      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
      "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
      "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
  clock_t start = clock();
  parse_fails(text, strlen(text), WX_EYAML, 6, 8, "alias bomb");
  assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 2.0);
}

static void deep_nesting_is_rejected(void **state) {
  (void)state;
  char text[400];
  size_t n = 0;
  for (int i = 0; i < 70; i++) text[n++] = '[';
  for (int i = 0; i < 70; i++) text[n++] = ']';
  text[n] = '\0';
  parse_fails(text, n, WX_EYAML, 1, 65, "64 levels");
}

static void set_path_replaces_and_creates_scalars(void **state) {
  (void)state;
  wx_tree *t = parse_ok("flows:\n  f: {from: a, p: 1%}\nl: [1, 2]\n");
  wx_diags *d = wx_diags_alloc(4);
  assert_int_equal(wx__tree_set_path(t, "flows.f.p", "4%", d), WX_OK);
  assert_string_equal(wx__tree_get_path(t, "flows.f.p")->str, "4%");
  assert_int_equal(wx__tree_set_path(t, "flows.f.delay", "2d", d), WX_OK);
  assert_string_equal(wx__tree_get_path(t, "flows.f.delay")->str, "2d");
  assert_int_equal(wx__tree_set_path(t, "l.0", "7", d), WX_OK);
  assert_string_equal(wx__tree_get_path(t, "l.0")->str, "7");
  assert_int_equal(wx__tree_set_path(t, "horizon", "30d", d), WX_OK);
  assert_string_equal(wx__node_get(t->root, "horizon")->str, "30d");
  /* whole subtrees can be replaced by a scalar too */
  assert_int_equal(wx__tree_set_path(t, "flows.f", "x", d), WX_OK);
  assert_int_equal(wx_diags_count(d), 0);
  wx__tree_free(t);
  wx_diags_free(d);
}

static void set_path_needs_an_existing_parent(void **state) {
  (void)state;
  wx_tree *t = parse_ok("flows:\n  f: {from: a}\nl: [1]\n");
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__tree_set_path(t, "flows.g.p", "4%", d), WX_ENOTFOUND);
  assert_non_null(strstr(wx_diags_get(d, 0)->msg, "`flows.g` does not exist"));
  assert_int_equal(wx__tree_set_path(t, "flows.f.from.x", "1", d), WX_EINVAL);
  assert_int_equal(wx__tree_set_path(t, "l.5", "1", d), WX_ENOTFOUND);
  assert_int_equal(wx__tree_set_path(t, "a..b", "1", d), WX_EINVAL);
  assert_int_equal(wx__tree_set_path(t, "", "1", d), WX_EINVAL);
  wx__tree_free(t);
  wx_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nodes_remember_one_based_positions),
      cmocka_unit_test(syntax_errors_carry_libyaml_problem_and_position),
      cmocka_unit_test(empty_and_comment_only_files_are_empty),
      cmocka_unit_test(a_second_document_is_rejected),
      cmocka_unit_test(duplicate_keys_are_reported_each),
      cmocka_unit_test(anchors_in_a_dropped_duplicate_are_forgotten),
      cmocka_unit_test(non_utf8_bytes_are_reported_at_their_position),
      cmocka_unit_test(aliases_are_expanded),
      cmocka_unit_test(billion_laughs_is_rejected_quickly),
      cmocka_unit_test(deep_nesting_is_rejected),
      cmocka_unit_test(set_path_replaces_and_creates_scalars),
      cmocka_unit_test(set_path_needs_an_existing_parent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
