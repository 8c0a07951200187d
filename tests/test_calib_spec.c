/* The calibration file and its CSV: what they read, and bad data reported
 * at file:line:col (the CSV's own line and column). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "calib.h"

static char dir[64];

static const char *const base_yaml =
    "wxflow: 1\nhorizon: 30d\nsample_every: 1d\nseed: 5\nreplications: 4\n"
    "modules:\n  oa: {kind: official_account}\n  shop: {kind: mini_program}\n"
    "sources:\n  content: {into: oa, rate: 40/d}\n"
    "flows:\n  oa_to_shop: {from: oa, to: shop, type: join, p: 20%, "
    "delay: exponential(2d)}\n";

static const char *const calib_yaml =
    "calibrate:\n"
    "  base: base.yaml\n"
    "  data: {file: obs.csv, start: 2026-03-01}\n"
    "  parameters:\n"
    "    sources.content.rate: {range: [5/d, 400/d]}\n"
    "    flows.oa_to_shop.p: {range: [1%, 80%]}\n";

static void put(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Loads calib text with obs.csv = csv; returns the status, and whether a
 * diagnostic in `file` at line:col holds frag. */
static int load(const char *calib, const char *csv, const char *file, int line,
                int col, const char *frag, int bind) {
  put("base.yaml", base_yaml);
  put("c.yaml", calib);
  put("obs.csv", csv);
  char path[512];
  snprintf(path, sizeof path, "%s/c.yaml", dir);
  wx_diags *d = wx_diags_alloc(50);
  wx_calib_spec *s = NULL;
  int rc = wx__calib_spec_load(path, &s, d);
  if (rc == WX_OK && bind) {
    wx_model *m = NULL;
    snprintf(path, sizeof path, "%s/base.yaml", dir);
    assert_int_equal(wx_model_load(path, &m, d), WX_OK);
    wx_calib_sim c = {.threads = 1};
    rc = wx__calib_bind(&c, m, s, d);
    wx__calib_sim_clear(&c);
    wx_model_free(m);
  }
  int found = !frag;
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    const char *slash = strrchr(e->file, '/');
    if (frag && e->line == line && e->col == col && strstr(e->msg, frag) &&
        !strcmp(slash ? slash + 1 : e->file, file))
      found = 1;
  }
  if (!found)
    for (size_t i = 0; i < wx_diags_count(d); i++)
      fprintf(stderr, "  got %s:%d:%d: %s\n", wx_diags_get(d, i)->file,
              wx_diags_get(d, i)->line, wx_diags_get(d, i)->col,
              wx_diags_get(d, i)->msg);
  assert_true(found);
  wx__calib_spec_free(s);
  wx_diags_free(d);
  return rc;
}

static void reads_dates_and_cumulative(void **state) {
  (void)state;
  const char *csv =
      "date,metric,value\n2026-03-01,oa.joins,40\n"
      "2026-03-03,oa.joins,38\n2026-03-01,shop.joins,0\n";
  put("base.yaml", base_yaml);
  put("c.yaml", calib_yaml);
  put("obs.csv", csv);
  char path[512];
  snprintf(path, sizeof path, "%s/c.yaml", dir);
  wx_calib_spec *s = NULL;
  assert_int_equal(wx__calib_spec_load(path, &s, NULL), WX_OK);
  assert_int_equal(s->n_series, 2);
  assert_int_equal(s->s[0].n_days, 3);
  assert_true(s->s[0].y[0] == 40 && isnan(s->s[0].y[1]) && s->s[0].y[2] == 38);
  assert_int_equal(s->tf[0], WX_TF_LOG);
  assert_int_equal(s->tf[1], WX_TF_LOGIT);
  assert_int_equal(s->loss, WX_LOSS_POISSON);
  assert_string_equal(s->algo->name, "sbplx");
  wx__calib_spec_free(s);
  /* Running totals become daily counts; the first is the baseline. */
  const char *cum =
      "calibrate:\n  base: base.yaml\n"
      "  data: {file: obs.csv, counts: cumulative}\n"
      "  parameters:\n    flows.oa_to_shop.p: {range: [1%, 80%]}\n";
  put("c.yaml", cum);
  put("obs.csv",
      "day,metric,value\n1,oa.joins,10\n2,oa.joins,25\n"
      "3,oa.joins,25\n");
  assert_int_equal(wx__calib_spec_load(path, &s, NULL), WX_OK);
  assert_true(isnan(s->s[0].y[0]) && s->s[0].y[1] == 15 && s->s[0].y[2] == 0);
  assert_int_equal(s->s[0].n_obs, 2);
  wx__calib_spec_free(s);
}

static void bad_data_is_positioned(void **state) {
  (void)state;
  const char *c = calib_yaml;
  assert_int_equal(load(c, "date,value\n2026-03-01,3\n", "obs.csv", 1, 1,
                        "missing column `metric`", 0),
                   WX_ESCENARIO);
  assert_int_equal(load(c, "date,metric,value\n2026-03-01,oa.joins,-3\n",
                        "obs.csv", 2, 21, ">= 0", 0),
                   WX_ESCENARIO);
  assert_int_equal(load(c, "date,metric,value\n2026-03-01,oa.joins,abc\n",
                        "obs.csv", 2, 21, "must be a number", 0),
                   WX_ESCENARIO);
  assert_int_equal(load(c, "date,metric,value\n2026-02-30,oa.joins,1\n",
                        "obs.csv", 2, 1, "must be a date", 0),
                   WX_ESCENARIO);
  assert_int_equal(load(c, "date,metric,value\n2026-02-27,oa.joins,1\n",
                        "obs.csv", 2, 1, "before", 0),
                   WX_ESCENARIO);
  assert_int_equal(load(c,
                        "date,metric,value\n2026-03-01,oa.joins,1\n"
                        "2026-03-01,oa.joins,2\n",
                        "obs.csv", 3, 1, "given twice", 0),
                   WX_ESCENARIO);
  /* Checked against the model: metrics it reports, days in its horizon. */
  assert_int_equal(load(c,
                        "date,metric,value\n2026-03-01,oa.joins,1\n"
                        "2026-03-02,\"oa.jions\",2\n",
                        "obs.csv", 3, 12, "unknown metric `oa.jions`", 1),
                   WX_ESCENARIO);
  assert_int_equal(load(c,
                        "date,metric,value\n2026-03-01,oa.joins,1\n"
                        "2026-04-01,oa.joins,2\n",
                        "obs.csv", 3, 1, "after the horizon", 1),
                   WX_ESCENARIO);
  const char *cum =
      "calibrate:\n  base: base.yaml\n"
      "  data: {file: obs.csv, counts: cumulative}\n"
      "  parameters:\n    flows.oa_to_shop.p: {range: [1%, 80%]}\n";
  assert_int_equal(load(cum, "day,metric,value\n1,oa.joins,10\n2,oa.joins,5\n",
                        "obs.csv", 2, 3, "decreases on day 2", 0),
                   WX_ESCENARIO);
}

static void bad_file_is_positioned(void **state) {
  (void)state;
  const char *ok = "date,metric,value\n2026-03-01,oa.joins,1\n";
  assert_int_equal(
      load("calibrate:\n  base: base.yaml\n  data: obs.csv\n"
           "  parameters:\n    flows.oa_to_shop.p: {rnage: [0, 1]}\n"
           "  los: poisson\n",
           ok, "c.yaml", 5, 26, "did you mean `range`", 0),
      WX_ESCENARIO);
  assert_int_equal(
      load("calibrate:\n  base: base.yaml\n  data: obs.csv\n"
           "  parameters:\n    flows.oa_to_shop.p: {range: [0, 1]}\n"
           "  algorithm: bobyqua\n",
           ok, "c.yaml", 6, 14, "did you mean `bobyqa`", 0),
      WX_ESCENARIO);
  /* Dates need the first day. */
  assert_int_equal(
      load("calibrate:\n  base: base.yaml\n  data: obs.csv\n"
           "  parameters:\n    flows.oa_to_shop.p: {range: [0, 1]}\n",
           ok, "c.yaml", 3, 9, "start", 0),
      WX_ESCENARIO);
  /* A free parameter the scenario does not have as a plain number. */
  assert_int_equal(load("calibrate:\n  base: base.yaml\n"
                        "  data: {file: obs.csv, start: 2026-03-01}\n"
                        "  parameters:\n"
                        "    flows.oa_to_shop.delay.mean: {range: [1d, 9d]}\n",
                        ok, "c.yaml", 5, 5, "not a plain number", 1),
                   WX_ESCENARIO);
  assert_int_equal(load("calibrate:\n  base: base.yaml\n"
                        "  data: {file: obs.csv, start: 2026-03-01}\n"
                        "  parameters:\n"
                        "    flows.oa_to_shop.p: {levels: [1%, 2%]}\n",
                        ok, "c.yaml", 5, 5, "levels", 0),
                   WX_ESCENARIO);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/wx_calib_specXXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_dates_and_cumulative),
      cmocka_unit_test(bad_data_is_positioned),
      cmocka_unit_test(bad_file_is_positioned),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
