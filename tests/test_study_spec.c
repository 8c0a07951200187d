/* The study file: what it reads, its defaults, and its positioned errors
 * with suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "study.h"

static wx_study_spec *spec_ok(const char *name, const char *text) {
  wx_diags *d = wx_diags_alloc(20);
  wx_study_spec *s = NULL;
  int rc = wx__study_spec_parse(name, text, strlen(text), &s, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    fprintf(stderr, "%d:%d: %s\n", wx_diags_get(d, i)->line,
            wx_diags_get(d, i)->col, wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  wx_diags_free(d);
  return s;
}

/* Parsing fails with `code`; some diagnostic is at line:col and holds
 * frag. */
static void fails(const char *text, int code, int line, int col,
                  const char *frag) {
  wx_diags *d = wx_diags_alloc(50);
  wx_study_spec *s = (wx_study_spec *)1;
  int rc = wx__study_spec_parse("t.yaml", text, strlen(text), &s, d);
  int found = 0;
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->line == line && e->col == col && strstr(e->msg, frag)) found = 1;
  }
  if (!found)
    for (size_t i = 0; i < wx_diags_count(d); i++)
      fprintf(stderr, "  got %d:%d: %s\n", wx_diags_get(d, i)->line,
              wx_diags_get(d, i)->col, wx_diags_get(d, i)->msg);
  assert_int_equal(rc, code);
  assert_null(s);
  assert_true(found);
  wx_diags_free(d);
}

#define HEAD "study:\n  base: s.yaml\n"

static void test_reads_everything(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok(
      "dir/t.yaml",
      "study:\n  title: Which lever?\n  base: quick.yaml\n  seed: 42\n"
      "  replications: 10\n  kpis: [customers, revenue]\n"
      "  method: {type: sobol, n: 256, bootstrap: 0}\n  factors:\n"
      "    flows.oa_to_sdr.p: {range: [1%, 5%], name: conversion}\n"
      "    sources.ads.rate: {range: [100/d, 400/d], scale: log}\n"
      "    modules.staff.accounts: {levels: [1, 2, 4], integer: true}\n");
  assert_string_equal(s->title, "Which lever?");
  assert_string_equal(s->base, "dir/quick.yaml");
  assert_int_equal(s->base_line, 3);
  assert_true(s->seed_set && s->seed == 42 && s->replications == 10);
  assert_int_equal(s->n_kpis, 2);
  assert_string_equal(s->kpis[1], "revenue");
  assert_string_equal(s->method->name, "sobol");
  assert_string_equal(s->design->name, "saltelli");
  assert_int_equal(s->n, 256);
  assert_int_equal(s->bootstrap, 0);
  assert_int_equal(s->n_factors, 3);
  assert_string_equal(s->f[0].name, "conversion");
  assert_string_equal(s->f[1].name, "sources.ads.rate");
  assert_true(s->f[1].log_scale && s->f[1].lo == 100 && s->f[1].hi == 400);
  assert_true(s->f[2].integer && s->f[2].n_levels == 3 && s->f[2].hi == 4);
  assert_int_equal(s->f[2].line, 11);
  assert_int_equal(s->f[2].col, 5);
  assert_int_equal(wx__study_factor_find(s, "sources.ads.rate"), 1);
  assert_int_equal(wx__study_factor_find(s, "nope"), -1);
  wx__study_spec_free(s);
}

static void test_defaults(void **state) {
  (void)state;
  wx_study_spec *s = spec_ok("t.yaml", HEAD
                             "  method: sobol\n  factors:\n"
                             "    a: {range: [0, 1]}\n");
  assert_int_equal(s->n, 512);
  assert_int_equal(s->bootstrap, 500);
  wx__study_spec_free(s);
  s = spec_ok("t.yaml", HEAD
              "  method: morris\n  factors:\n"
              "    a: {range: [0, 1]}\n");
  assert_true(s->n == 10 && s->morris_levels == 4);
  wx__study_spec_free(s);
  s = spec_ok("t.yaml", HEAD
              "  method: prcc\n  factors:\n"
              "    a: {range: [0, 1]}\n");
  assert_string_equal(s->design->name, "lhs");
  assert_int_equal(s->n, 100);
  wx__study_spec_free(s);
  s = spec_ok("t.yaml", HEAD
              "  design: grid\n  factors:\n"
              "    a: {range: [0, 1]}\n");
  assert_null(s->method);
  assert_int_equal(s->grid_levels, 5);
  wx__study_spec_free(s);
  s = spec_ok("t.yaml", HEAD
              "  method: tornado\n  factors:\n"
              "    a: {range: [0, 1]}\n");
  assert_string_equal(s->design->name, "oat");
  wx__study_spec_free(s);
}

static void test_top_level_errors(void **state) {
  (void)state;
  fails(HEAD "  design: grid\n  factros:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 4, 3, "did you mean `factors`?");
  fails(HEAD "  design: grid\n", WX_ESCENARIO, 2, 3, "needs `factors`");
  fails("study:\n  design: grid\n  factors:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 2, 3, "needs `base`");
  fails("compare:\n  base: s.yaml\n", WX_ESCENARIO, 1, 1,
        "one top-level key, `study:`");
  fails(HEAD "  factors:\n    a: {range: [0, 1]}\n", WX_ESCENARIO, 2, 3,
        "needs `design`");
  fails(HEAD "  seed: -3\n  design: grid\n  factors:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 9, "`seed` must be a whole number");
  fails(HEAD "  factors: [a, b]\n  design: grid\n", WX_ESCENARIO, 3, 12,
        "`factors` must be a mapping");
  fails("study: [\n", WX_EYAML, 2, 1, "");
}

static void test_design_and_method_errors(void **state) {
  (void)state;
  fails(HEAD "  design: lhz\n  factors:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 11, "unknown design `lhz`; did you mean `lhs`?");
  fails(HEAD
        "  design: {type: lhs, levels: 3}\n  factors:\n"
        "    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 23, "unknown key `levels` in design `lhs`");
  fails(HEAD
        "  method: {type: morris, bootstrap: 9}\n  factors:\n"
        "    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 26, "unknown key `bootstrap` in method `morris`");
  fails(HEAD
        "  method: {type: morris, levels: 5}\n  factors:\n"
        "    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 34, "must be even");
  fails(HEAD "  method: sobl\n  factors:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 11, "did you mean `sobol`?");
  fails(HEAD
        "  design: {type: lhs, n: 50}\n  method: morris\n  factors:\n"
        "    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 11, "`method: morris` builds its own design");
  fails(HEAD
        "  design: oat\n  method: prcc\n  factors:\n"
        "    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 11, "needs a sampling design");
  fails(HEAD
        "  design: {type: lhs, n: 1}\n  factors:\n    a: {range: [0, 1]}\n",
        WX_ESCENARIO, 3, 26, "`n` must be a whole number from 2");
}

/* 41 factors exceed GSL's Sobol generator; a grid can exceed the cap. */
static void test_design_size_errors(void **state) {
  (void)state;
  char text[4096] = HEAD "  design: {type: sobol, n: 64}\n  factors:\n";
  for (int i = 0; i < 41; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text),
             "    f%d: {range: [0, 1]}\n", i);
  fails(text, WX_ESCENARIO, 3, 11, "at most 40 factors");
  char grid[4096] = HEAD "  design: {type: grid, levels: 1000}\n  factors:\n";
  for (int i = 0; i < 3; i++)
    snprintf(grid + strlen(grid), sizeof grid - strlen(grid),
             "    f%d: {range: [0, 1]}\n", i);
  fails(grid, WX_ESCENARIO, 3, 11, "more than 10000000 points");
}

static void test_factor_errors(void **state) {
  (void)state;
#define F HEAD "  design: grid\n  factors:\n"
  fails(F "    a: {rnage: [0, 1]}\n", WX_ESCENARIO, 5, 9,
        "unknown key `rnage` in factor `a`; did you mean `range`?");
  fails(F "    a: {scale: log}\n", WX_ESCENARIO, 5, 5, "needs exactly one of");
  fails(F "    a: {range: [1x, 3]}\n", WX_ESCENARIO, 5, 17, "got `1x`");
  fails(F "    a: {range: [3, 1]}\n", WX_ESCENARIO, 5, 16,
        "low must be below high");
  fails(F "    a: {range: [0, 1], scale: log}\n", WX_ESCENARIO, 5, 24,
        "needs a range above 0");
  fails(F "    a: {levels: [1, 2, 1]}\n", WX_ESCENARIO, 5, 24, "listed twice");
  fails(F "    a: {dist: 'normall(1, 2)'}\n", WX_ESCENARIO, 5, 15,
        "unknown distribution `normall`; did you mean `normal`?");
  fails(F "    a: {dist: 'normal(1, -2)'}\n", WX_ESCENARIO, 5, 15,
        "invalid parameters");
  fails(F "    a: {dist: 'normal(1)'}\n", WX_ESCENARIO, 5, 15,
        "must read like");
  fails(F "    a: {range: [0.5, 3], integer: true}\n", WX_ESCENARIO, 5, 26,
        "whole bounds");
  fails(F "    a: {range: [0, 1], integer: yes}\n", WX_ESCENARIO, 5, 33,
        "`integer` must be `true` or `false`");
  fails(F "    a..b: {range: [0, 1]}\n", WX_ESCENARIO, 5, 5,
        "not a dotted path");
  fails(F "    a: 3\n", WX_ESCENARIO, 5, 8,
        "must be a mapping such as {range: [1%, 5%]}; got a scalar");
#undef F
}

static void test_load_file(void **state) {
  (void)state;
  wx_diags *d = wx_diags_alloc(5);
  wx_study_spec *s = NULL;
  assert_int_equal(wx__study_spec_load("/nonexistent/study.yaml", &s, d),
                   WX_ENOTFOUND);
  assert_null(s);
  assert_int_equal(wx_diags_count(d), 1);
  wx_diags_free(d);
  s = NULL;
  assert_int_equal(
      wx__study_spec_load(WX_SOURCE_DIR "/tests/data/study.yaml", &s, NULL),
      WX_OK);
  assert_string_equal(s->base, WX_SOURCE_DIR
                      "/tests/data/../../scenarios/"
                      "quickstart.yaml");
  wx__study_spec_free(s);
}

/* Every prefix of a valid file, and the file with each byte replaced by a
 * few troublesome ones, gives a spec exactly when the status is WX_OK and
 * never crashes (the ASan build runs this too). */
static void test_mangled_files_never_crash(void **state) {
  (void)state;
  static const char good[] = HEAD
      "  seed: 9\n  method: {type: sobol, n: 8, bootstrap: 4}\n"
      "  kpis: [customers]\n  factors:\n"
      "    a.p: {range: [1%, 5%], scale: log}\n"
      "    b.n: {levels: [1, 2, 3], integer: true}\n"
      "    c.d: {dist: 'triangular(1d, 2d, 4d)', base: 2d}\n";
  static const char subst[] = {'\0', ':', '[', '{', ',', '-', ' ', '9', '\n'};
  size_t n = strlen(good);
  char buf[sizeof good];
  for (size_t len = 0; len <= n; len++) {
    wx_study_spec *s = NULL;
    int rc = wx__study_spec_parse("m.yaml", good, len, &s, NULL);
    assert_true((rc == WX_OK) == (s != NULL));
    wx__study_spec_free(s);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < sizeof subst; c++) {
      memcpy(buf, good, n);
      buf[i] = subst[c];
      wx_study_spec *s = NULL;
      int rc = wx__study_spec_parse("m.yaml", buf, n, &s, NULL);
      assert_true((rc == WX_OK) == (s != NULL));
      wx_study_design *p = NULL;
      if (s && wx__study_points(s, NULL, &p, NULL) == WX_OK)
        assert_int_equal(p->n_points, s->n * (s->n_factors + 2));
      wx__study_design_free(p);
      wx__study_spec_free(s);
    }
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reads_everything),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_top_level_errors),
      cmocka_unit_test(test_design_and_method_errors),
      cmocka_unit_test(test_design_size_errors),
      cmocka_unit_test(test_factor_errors),
      cmocka_unit_test(test_load_file),
      cmocka_unit_test(test_mangled_files_never_crash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
