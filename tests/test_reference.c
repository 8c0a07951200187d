/* docs/scenario.md is exactly what the key table generates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"

static char *slurp(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  *len = n;
  return buf;
}

static void checked_in_reference_equals_the_generated_one(void **state) {
  (void)state;
  FILE *gen = tmpfile();
  assert_non_null(gen);
  assert_int_equal(wx__scenario_reference_md(gen), WX_OK);
  rewind(gen);
  size_t glen, dlen = 0;
  char *g = slurp(gen, &glen);
  fclose(gen);
  FILE *doc = fopen(WX_SOURCE_DIR "/docs/scenario.md", "rb");
  char *d = doc ? slurp(doc, &dlen) : NULL;
  if (doc) fclose(doc);
  int same = d && dlen == glen && memcmp(d, g, glen) == 0;
  if (!same) {
    FILE *o = fopen(WX_BINARY_DIR "/scenario.md.new", "wb");
    if (o) {
      fwrite(g, 1, glen, o);
      fclose(o);
    }
    print_error("docs/scenario.md is stale; regenerate with\n  cp %s %s\n",
                WX_BINARY_DIR "/scenario.md.new",
                WX_SOURCE_DIR "/docs/scenario.md");
  }
  assert_true(same);
  free(g);
  free(d);
}

static void every_key_in_the_table_appears_in_the_reference(void **state) {
  (void)state;
  FILE *gen = tmpfile();
  wx__scenario_reference_md(gen);
  rewind(gen);
  size_t len, n;
  char *g = slurp(gen, &len);
  fclose(gen);
  g = realloc(g, len + 1);
  g[len] = '\0';
  const wx_key_info *keys = wx__keys(&n);
  for (size_t i = 0; i < n; i++) {
    char cell[80];
    snprintf(cell, sizeof cell, "| `%s` |", keys[i].key);
    assert_non_null(strstr(g, cell));
  }
  free(g);
}

static void the_reference_example_loads(void **state) {
  (void)state;
  FILE *gen = tmpfile();
  wx__scenario_reference_md(gen);
  rewind(gen);
  size_t len;
  char *g = slurp(gen, &len);
  fclose(gen);
  g = realloc(g, len + 1);
  g[len] = '\0';
  char *start = strstr(g, "```yaml\n");
  assert_non_null(start);
  start += 8;
  char *end = strstr(start, "```");
  assert_non_null(end);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(
      wx_model_load_buffer("example", start, (size_t)(end - start), &m, d),
      WX_OK);
  assert_int_equal(m->n_flows, 3);
  wx_model_free(m);
  wx_diags_free(d);
  free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(checked_in_reference_equals_the_generated_one),
      cmocka_unit_test(every_key_in_the_table_appears_in_the_reference),
      cmocka_unit_test(the_reference_example_loads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
