/*
 * Allocation failure in SQLite's manner: fail the k-th allocation, for
 * every k, and require a clean WX_ENOMEM (with a message) or the same
 * result as without the failure; never a "success" that lost something.
 *
 * The hook is link-time wrapping (-Wl,--wrap=malloc,... on this binary
 * only, tests/CMakeLists.txt): the library keeps calling plain malloc and
 * carries no failure state that engines in other threads could see.  The
 * wrap reaches every allocation the library's own objects make (the static
 * library is linked into this program); allocations inside libyaml, GSL and
 * libc are not counted.  With a shared libwxflow nothing would be counted:
 * the tests then fail loudly instead of passing vacuously.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model.h"
#include "queue.h"
#include "test_scale.h"
#include "wxflow/wxflow.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

/* Counting is on between arm() and disarm() only; fail_at = 0 only
 * counts.  Atomic because the runner allocates on its worker thread. */
static atomic_long calls, fail_at, failed;
static atomic_int armed;

static int fail_now(void) {
  if (!atomic_load(&armed)) return 0;
  long k = atomic_fetch_add(&calls, 1) + 1;
  if (k != atomic_load(&fail_at)) return 0;
  atomic_fetch_add(&failed, 1);
  return 1;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) {
  return fail_now() ? NULL : __real_calloc(k, n);
}
void *__wrap_realloc(void *p, size_t n) {
  return fail_now() ? NULL : __real_realloc(p, n);
}

static void arm(long k) {
  atomic_store(&calls, 0);
  atomic_store(&failed, 0);
  atomic_store(&fail_at, k);
  atomic_store(&armed, 1);
}

/* Returns the number of allocations counted since arm(). */
static long disarm(void) {
  atomic_store(&armed, 0);
  return atomic_load(&calls);
}

/* The allocation to fail after k of n: every one at full size; scaled
 * down (WX_TEST_SCALE, for valgrind) every 1/scale-th and the last, so
 * that failures still land all along a load or a run.  The exhaustive
 * sweep runs natively and under ASan. */
static long next_k(long k, long n) {
  if (wxt_full_size() || k >= n) return k + 1;
  long step = (long)(1 / wxt_scale() + 0.5);
  return k + step < n ? k + step : n;
}

/* ------------------------------------------------------------- queue */

/* A refill that cannot grow the heap must say so, not look like an empty
 * queue; the events stay queued and come out once memory is back. */
static void queue_pop_reports_out_of_memory(void **state) {
  (void)state;
  wx_queue q;
  wx__queue_init(&q);
  assert_int_equal(wx__queue_set_span(&q, 10, 10), WX_OK);
  for (uint32_t i = 0; i < 1000; i++)
    assert_int_equal(wx__queue_push(&q, 5.0 + i * 1e-3, i, 0, 0), WX_OK);
  wx_event ev;
  arm(1);
  int rc = wx__queue_pop(&q, &ev);
  disarm();
  assert_int_equal(atomic_load(&failed), 1);
  assert_int_equal(rc, WX_ENOMEM);
  assert_int_equal(wx__queue_size(&q), 1000);
  uint32_t next = 0;
  while ((rc = wx__queue_pop(&q, &ev)) > 0) assert_int_equal(ev.person, next++);
  assert_int_equal(rc, 0);
  assert_int_equal(next, 1000);
  wx__queue_free(&q);
}

/* ------------------------------------------------------------ loader */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return s;
}

static int has_nomem_message(const wx_diags *d) {
  for (size_t i = 0; i < wx_diags_count(d); i++)
    if (wx_diags_get(d, i)->code == WX_ENOMEM &&
        strstr(wx_diags_get(d, i)->msg, "out of memory"))
      return 1;
  return 0;
}

#define SAME_NAMES(a, b, arr, n)                                 \
  do {                                                           \
    assert_int_equal((a)->n, (b)->n);                            \
    for (uint32_t i_ = 0; i_ < (a)->n; i_++)                     \
      assert_string_equal((a)->arr[i_].name, (b)->arr[i_].name); \
  } while (0)

static void assert_same_model(const wx_model *a, const wx_model *b) {
  SAME_NAMES(a, b, modules, n_modules);
  SAME_NAMES(a, b, flows, n_flows);
  SAME_NAMES(a, b, sources, n_sources);
  SAME_NAMES(a, b, outcomes, n_outcomes);
  SAME_NAMES(a, b, targets, n_targets);
  SAME_NAMES(a, b, touchpoints, n_touchpoints);
  assert_int_equal(a->n_funnel, b->n_funnel);
  for (uint32_t i = 0; i < a->n_touchpoints; i++) {
    assert_int_equal(a->touchpoints[i].n_responses,
                     b->touchpoints[i].n_responses);
    assert_int_equal(a->touchpoints[i].n_pulses, b->touchpoints[i].n_pulses);
  }
  assert_int_equal(a->n_params, b->n_params);
  for (uint32_t i = 0; i < a->n_params; i++) {
    assert_string_equal(a->params[i].path, b->params[i].path);
    assert_true(a->params[i].value == b->params[i].value);
    assert_int_equal(a->params[i].prior.kind, b->params[i].prior.kind);
  }
  assert_true(a->horizon == b->horizon);
  assert_int_equal(a->replications, b->replications);
}

/* Every k from 1 to the number of allocations of a clean load. */
static void load_under_failures(const char *name, const char *text,
                                size_t len) {
  wx_diags *d = wx_diags_alloc(64);
  wx_model *ref = NULL;
  arm(0);
  int rc = wx_model_load_buffer(name, text, len, &ref, d);
  long n = disarm();
  assert_int_equal(rc, WX_OK);
  assert_true(n > 0); /* the wrap is in effect */
  for (long k = 1; k <= n; k = next_k(k, n)) {
    wx_model *m = NULL;
    wx_diags_clear(d);
    arm(k);
    rc = wx_model_load_buffer(name, text, len, &m, d);
    disarm();
    if (rc != WX_OK && rc != WX_ENOMEM)
      fail_msg("%s: failing allocation %ld of %ld gave %s", name, k, n,
               wx_err_name(rc));
    if (rc == WX_OK) {
      assert_same_model(ref, m);
      wx_model_free(m);
    } else if (!has_nomem_message(d)) {
      fail_msg("%s: allocation %ld: WX_ENOMEM without a message", name, k);
    }
  }
  wx_model_free(ref);
  wx_diags_free(d);
}

static int is_comparison(const char *text) {
  return strncmp(text, "compare:", 8) == 0 || strstr(text, "\ncompare:");
}

static void every_scenario_loads_or_reports_nomem(void **state) {
  (void)state;
  const char *dir = WX_SOURCE_DIR "/scenarios";
  DIR *dp = opendir(dir);
  assert_non_null(dp);
  struct dirent *de;
  int seen = 0;
  while ((de = readdir(dp))) {
    size_t nl = strlen(de->d_name);
    if (nl < 6 || strcmp(de->d_name + nl - 5, ".yaml")) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    size_t len;
    char *text = slurp(path, &len);
    if (!is_comparison(text)) {
      load_under_failures(de->d_name, text, len);
      seen++;
    }
    free(text);
  }
  closedir(dp);
  assert_true(seen >= 10);
}

/* ------------------------------------------------ run and its results */

/* A shipped scenario cut short (`horizon` replaced by `cut`, the same
 * length): one short replication. */
static wx_model *shortened(const char *name, const char *horizon,
                           const char *cut) {
  char path[512];
  snprintf(path, sizeof path, "%s/scenarios/%s", WX_SOURCE_DIR, name);
  size_t len;
  char *text = slurp(path, &len);
  char *h = strstr(text, horizon);
  assert_non_null(h);
  assert_int_equal(strlen(horizon), strlen(cut));
  memcpy(h, cut, strlen(cut));
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx_model_load_buffer(name, text, len, &m, d), WX_OK);
  wx_diags_free(d);
  free(text);
  return m;
}

static int count_entries(const char *dir) {
  DIR *dp = opendir(dir);
  if (!dp) return -1;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(dp)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
  closedir(dp);
  return n;
}

static void clear_dir(const char *dir) {
  DIR *dp = opendir(dir);
  if (!dp) return;
  struct dirent *de;
  char p[1024];
  while ((de = readdir(dp))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    unlink(p);
  }
  closedir(dp);
}

static char *file_text(const char *dir, const char *name) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  size_t len;
  return slurp(p, &len);
}

static int run_once(const wx_model *m, const char *dir, wx_diags *d) {
  wx_run_options o = {.out_dir = dir, .replications = 1, .threads = 1};
  wx_diags_clear(d);
  return wx_run(m, &o, NULL, d);
}

/* A failed run leaves its directory as it found it (empty here) and says
 * what ran out; a run that absorbed the failure wrote the same series. */
static void run_reports_nomem(wx_model *m) {
  char dir[] = "/tmp/wxflow-nomem-XXXXXX";
  assert_non_null(mkdtemp(dir));
  wx_diags *d = wx_diags_alloc(16);
  arm(0);
  assert_int_equal(run_once(m, dir, d), WX_OK);
  long n = disarm();
  assert_true(n > 0);
  char *ref_series = file_text(dir, "series.csv");
  char *ref_kpis = file_text(dir, "kpis.csv");
  for (long k = 1; k <= n; k = next_k(k, n)) {
    clear_dir(dir);
    arm(k);
    int rc = run_once(m, dir, d);
    disarm();
    if (rc == WX_OK) {
      char *s = file_text(dir, "series.csv"), *kp = file_text(dir, "kpis.csv");
      assert_string_equal(s, ref_series);
      assert_string_equal(kp, ref_kpis);
      free(s);
      free(kp);
      continue;
    }
    if (rc != WX_ENOMEM)
      fail_msg("run: failing allocation %ld of %ld gave %s", k, n,
               wx_err_name(rc));
    if (!has_nomem_message(d))
      fail_msg("run: allocation %ld of %ld: WX_ENOMEM without a message", k, n);
    if (count_entries(dir) != 0)
      fail_msg("run: allocation %ld of %ld left %d files behind", k, n,
               count_entries(dir));
  }
  clear_dir(dir);
  rmdir(dir);
  free(ref_series);
  free(ref_kpis);
  wx_diags_free(d);
  wx_model_free(m);
}

static void run_and_results_report_nomem(void **state) {
  (void)state;
  run_reports_nomem(
      shortened("quickstart.yaml", "\nhorizon: 90d", "\nhorizon: 10d"));
}

/* Groups with complaint cascades and lively activity: their tables and
 * queued cascade events. */
static void group_mechanics_report_nomem(void **state) {
  (void)state;
  run_reports_nomem(
      shortened("group_cascade.yaml", "\nhorizon: 180d", "\nhorizon: 20d "));
  run_reports_nomem(
      shortened("group_lively.yaml", "\nhorizon: 120d", "\nhorizon: 20d "));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(queue_pop_reports_out_of_memory),
      cmocka_unit_test(every_scenario_loads_or_reports_nomem),
      cmocka_unit_test(run_and_results_report_nomem),
      cmocka_unit_test(group_mechanics_report_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
