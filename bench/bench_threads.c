/*
 * Replication throughput on 1 thread versus every core: runs the same
 * scenario (default: scenarios/quickstart.yaml scaled up) with -j 1 and
 * -j N and prints replications per second and the speed-up, median of 3.
 * Target (issue 4): >= 1.8x on 2 cores.
 *
 * Usage: bench_threads [SCENARIO] [REPLICATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wxflow/wxflow.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double run(const wx_model *m, unsigned reps, unsigned threads,
                  const char *out) {
  wx_run_options o = {.out_dir = out,
                      .force = 1,
                      .threads = threads,
                      .replications = reps,
                      .no_series = 1};
  wx_diags *d = wx_diags_alloc(10);
  double t0 = now();
  int rc = wx_run(m, &o, NULL, d);
  double wall = now() - t0;
  if (rc != WX_OK) {
    fprintf(stderr, "bench_threads: run failed: %s\n", wx_strerror(rc));
    exit(1);
  }
  wx_diags_free(d);
  return wall;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median3(const wx_model *m, unsigned reps, unsigned threads,
                      const char *out) {
  double t[3];
  for (int k = 0; k < 3; k++) t[k] = run(m, reps, threads, out);
  qsort(t, 3, sizeof *t, cmp);
  return t[1];
}

int main(int argc, char **argv) {
  const char *scenario =
      argc > 1 ? argv[1] : WX_SOURCE_DIR "/bench/threads.yaml";
  unsigned reps = argc > 2 ? (unsigned)atoi(argv[2]) : 64;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(10);
  if (wx_model_load(scenario, &m, d) != WX_OK) {
    fprintf(stderr, "bench_threads: cannot load %s\n", scenario);
    return 1;
  }
  char out[] = "/tmp/wxbench_threads_XXXXXX";
  if (!mkdtemp(out)) return 1;
  double one = median3(m, reps, 1, out);
  double all = median3(m, reps, (unsigned)cores, out);
  printf("bench_threads: %s, %u replications\n", scenario, reps);
  printf("  -j 1   %8.3f s  %8.2f replications/s\n", one, reps / one);
  printf("  -j %-3ld %8.3f s  %8.2f replications/s\n", cores, all, reps / all);
  printf("  speed-up on %ld cores: %.2fx\n", cores, one / all);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", out);
  wx_model_free(m);
  wx_diags_free(d);
  return system(cmd) == 0 ? 0 : 1;
}
