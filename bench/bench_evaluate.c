/*
 * The overhead of a run in memory: wx_evaluate of one replication of
 * scenarios/quickstart.yaml on one thread, against the bare replication
 * (the engine alone through its table: alloc, run with the nominal
 * parameters into a series, free).  The evaluation adds the engine check,
 * the memory guard, the layout, the KPIs, the accumulators and the
 * runner's thread.  Both are timed alternately in the same process and the
 * medians compared, so that load on the machine affects both alike.
 * Target (issue 10): overhead <= 5 %.
 *
 * Usage: bench_evaluate [ROUNDS]   (default 21)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "rng.h"
#include "runner.h"
#include "util.h"
#include "wxflow/wxflow.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One bare replication of m; seconds, or a negative value on failure. */
static double bare(const wx_model *m, const wx_layout *l, double *params) {
  const wx_engine_type *t = wx__engine_find("agent");
  wx_series s;
  if (wx__series_init(&s, l) != WX_OK) return -1;
  double t0 = now();
  void *e = t->alloc(m, l);
  int rc = e ? t->run(e, params, wx__stream_seed(1, 0, WX_STREAM_ENGINE), &s,
                      NULL, NULL)
             : WX_ENOMEM;
  t->free(e);
  double dt = now() - t0;
  wx__series_free(&s);
  return rc == WX_OK ? dt : -1;
}

static double in_memory(const wx_model *m) {
  wx_eval_options o = {
      .seed_set = 1, .seed = 1, .replications = 1, .threads = 1};
  wx_eval *e = NULL;
  double t0 = now();
  int rc = wx_evaluate(m, &o, &e, NULL);
  double dt = now() - t0;
  wx_eval_free(e);
  return rc == WX_OK ? dt : -1;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 21;
  if (rounds < 1 || rounds > 1000) rounds = 21;
  wx_model *m = NULL;
  wx_layout l;
  if (wx_model_load(WX_SOURCE_DIR "/scenarios/quickstart.yaml", &m, NULL) ||
      wx__layout_init(&l, m, 0) != WX_OK)
    return 1;
  double *params = calloc(m->n_params + 1, sizeof *params);
  double *tb = calloc((size_t)rounds, sizeof *tb);
  double *te = calloc((size_t)rounds, sizeof *te);
  if (!params || !tb || !te) return 1;
  if (wx__params_for_rep(m, 1, 0, params) != WX_OK) return 1;
  bare(m, &l, params); /* warm the caches and the allocator */
  in_memory(m);
  for (int i = 0; i < rounds; i++) {
    tb[i] = bare(m, &l, params);
    te[i] = in_memory(m);
    if (tb[i] < 0 || te[i] < 0) return 1;
  }
  double b = median(tb, rounds), e = median(te, rounds);
  printf(
      "bench_evaluate: quickstart, 1 replication, 1 thread, median of "
      "%d\n  bare replication %8.3f ms\n  wx_evaluate      %8.3f ms\n"
      "  overhead         %+7.2f %%   (target <= 5 %%)\n",
      rounds, b * 1e3, e * 1e3, (e / b - 1) * 100);
  free(params);
  free(tb);
  free(te);
  wx__layout_free(&l);
  wx_model_free(m);
  return 0;
}
