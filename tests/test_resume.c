/* Resuming an interrupted run gives the bytes of an uninterrupted one, and
 * a directory that cannot be resumed is refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resume.h"
#include "wxflow/wxflow.h"

#define REPS 6
static const char *const compared[] = {
    "entities.csv",    "series.csv", "series_stats.csv", "kpis.csv",
    "kpi_summary.csv", "params.csv", "prcc.csv",         "summary.json"};

typedef struct {
  atomic_int stop;
  unsigned stop_after;
} stopper;

/* Raises the stop flag once `stop_after` replications are written: an
 * interruption at a known point, without signals or timing. */
static void stop_progress(void *ctx, unsigned done, unsigned total) {
  (void)total;
  stopper *s = ctx;
  if (done >= s->stop_after) atomic_store(&s->stop, 1);
}

static char *slurp(const char *dir, const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  rewind(fp);
  char *buf = malloc((size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  buf[n] = '\0';
  fclose(fp);
  *len = (size_t)n;
  return buf;
}

static void assert_same_file(const char *a, const char *b, const char *name) {
  size_t na, nb;
  char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);
  if (na != nb || memcmp(x, y, na) != 0) print_error("%s differs\n", name);
  assert_int_equal(na, nb);
  assert_memory_equal(x, y, na);
  free(x);
  free(y);
}

static wx_model *load(const char *path) {
  wx_model *m = NULL;
  assert_int_equal(wx_model_load(path, &m, NULL), WX_OK);
  return m;
}

static wx_model *quickstart(void) {
  return load(WX_SOURCE_DIR "/scenarios/quickstart.yaml");
}

static int run(const wx_model *m, const char *dir, int resume, unsigned threads,
               stopper *s, wx_diags *d) {
  wx_run_options o = {.out_dir = dir,
                      .replications = resume ? 0 : REPS,
                      .threads = threads,
                      .resume = resume,
                      .force = 1};
  if (s) {
    o.stop = &s->stop;
    o.progress = stop_progress;
    o.progress_ctx = s;
  }
  return wx_run(m, &o, NULL, d);
}

static char *tmpdir(void) {
  char tmpl[] = "/tmp/wxtest_resume_XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  return strdup(tmpl);
}

static void rm_rf(char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static void resumed_is_byte_identical(wx_model *m, unsigned stop_after,
                                      unsigned threads) {
  char *ref = tmpdir(), *cut = tmpdir();
  assert_int_equal(run(m, ref, 0, 2, NULL, NULL), WX_OK);
  /* stop_after 0: the flag is up before the first replication ends. */
  stopper s = {stop_after == 0, stop_after};
  assert_int_equal(run(m, cut, 0, threads, &s, NULL), WX_EINTERRUPTED);
  wx_resume_info info;
  assert_int_equal(wx__resume_read(cut, &info, NULL), WX_OK);
  assert_true(info.partial);
  assert_int_equal(info.completed, stop_after);
  wx__resume_info_free(&info);
  assert_int_equal(run(m, cut, 1, 1, NULL, NULL), WX_OK);
  for (size_t i = 0; i < sizeof compared / sizeof *compared; i++)
    assert_same_file(ref, cut, compared[i]);
  rm_rf(ref);
  rm_rf(cut);
  wx_model_free(m);
}

static void resumed_run_is_byte_identical(unsigned stop_after,
                                          unsigned threads) {
  resumed_is_byte_identical(quickstart(), stop_after, threads);
}

/* Two priors: prcc.csv has rows, from the draws the replay re-derives for
 * the finished replications and those the rest of the run draws. */
static void a_resumed_run_with_priors_has_the_same_prcc(void **st) {
  (void)st;
  resumed_is_byte_identical(load(WX_SOURCE_DIR "/tests/data/prcc.yaml"), 3, 2);
}

static void interrupted_after_some_replications_resumes_exactly(void **st) {
  (void)st;
  resumed_run_is_byte_identical(2, 1);
  resumed_run_is_byte_identical(3, 2);
}

static void interrupted_before_any_replication_resumes_exactly(void **st) {
  (void)st;
  resumed_run_is_byte_identical(0, 1);
}

static void a_resumed_run_interrupted_again_resumes_exactly(void **st) {
  (void)st;
  wx_model *m = quickstart();
  char *ref = tmpdir(), *cut = tmpdir();
  assert_int_equal(run(m, ref, 0, 2, NULL, NULL), WX_OK);
  stopper first = {0, 2}, second = {0, 4};
  assert_int_equal(run(m, cut, 0, 2, &first, NULL), WX_EINTERRUPTED);
  assert_int_equal(run(m, cut, 1, 2, &second, NULL), WX_EINTERRUPTED);
  wx_resume_info info;
  assert_int_equal(wx__resume_read(cut, &info, NULL), WX_OK);
  assert_int_equal(info.completed, 4);
  wx__resume_info_free(&info);
  assert_int_equal(run(m, cut, 1, 1, NULL, NULL), WX_OK);
  for (size_t i = 0; i < sizeof compared / sizeof *compared; i++)
    assert_same_file(ref, cut, compared[i]);
  rm_rf(ref);
  rm_rf(cut);
  wx_model_free(m);
}

/* Runs once, interrupted after 2 replications; returns the directory. */
static char *partial_run(const wx_model *m) {
  char *dir = tmpdir();
  stopper s = {0, 2};
  assert_int_equal(run(m, dir, 0, 1, &s, NULL), WX_EINTERRUPTED);
  return dir;
}

static void expect_refusal(const wx_model *m, const char *dir, int code,
                           const char *frag) {
  wx_diags *d = wx_diags_alloc(10);
  assert_int_equal(run(m, dir, 1, 1, NULL, d), code);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(e);
  if (!strstr(e->msg, frag)) print_error("%s\n", e->msg);
  assert_non_null(strstr(e->msg, frag));
  wx_diags_free(d);
}

static void a_complete_run_is_not_resumed(void **st) {
  (void)st;
  wx_model *m = quickstart();
  char *dir = tmpdir();
  assert_int_equal(run(m, dir, 0, 1, NULL, NULL), WX_OK);
  expect_refusal(m, dir, WX_EINVAL, "nothing to resume");
  rm_rf(dir);
  wx_model_free(m);
}

static void a_changed_scenario_is_not_resumed(void **st) {
  (void)st;
  wx_model *m = quickstart(), *other = NULL;
  char *dir = partial_run(m);
  const char *text = "modules: {oa: {kind: group}}\n";
  assert_int_equal(
      wx_model_load_buffer("o.yaml", text, strlen(text), &other, NULL), WX_OK);
  expect_refusal(other, dir, WX_EINVAL, "scenario has changed");
  rm_rf(dir);
  wx_model_free(other);
  wx_model_free(m);
}

static void a_directory_without_manifest_is_not_resumed(void **st) {
  (void)st;
  wx_model *m = quickstart();
  char *dir = tmpdir();
  expect_refusal(m, dir, WX_ENOTFOUND, "cannot read");
  rm_rf(dir);
  wx_model_free(m);
}

static void a_damaged_series_file_is_reported_with_its_line(void **st) {
  (void)st;
  wx_model *m = quickstart();
  char *dir = partial_run(m);
  char cmd[600];
  /* Change one value's entity name on line 3. */
  snprintf(cmd, sizeof cmd,
           "sed -i '3s/,module,oa,/,module,xx,/' '%s/series.csv'", dir);
  assert_int_equal(system(cmd), 0);
  wx_diags *d = wx_diags_alloc(10);
  assert_int_equal(run(m, dir, 1, 1, NULL, d), WX_EINVAL);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(e);
  assert_int_equal(e->line, 3);
  assert_non_null(strstr(e->msg, "does not match the scenario"));
  wx_diags_free(d);
  /* A refused resume leaves the partial run as it was. */
  wx_resume_info info;
  assert_int_equal(wx__resume_read(dir, &info, NULL), WX_OK);
  assert_true(info.partial);
  wx__resume_info_free(&info);
  rm_rf(dir);
  wx_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(interrupted_after_some_replications_resumes_exactly),
      cmocka_unit_test(interrupted_before_any_replication_resumes_exactly),
      cmocka_unit_test(a_resumed_run_with_priors_has_the_same_prcc),
      cmocka_unit_test(a_resumed_run_interrupted_again_resumes_exactly),
      cmocka_unit_test(a_complete_run_is_not_resumed),
      cmocka_unit_test(a_changed_scenario_is_not_resumed),
      cmocka_unit_test(a_directory_without_manifest_is_not_resumed),
      cmocka_unit_test(a_damaged_series_file_is_reported_with_its_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
