/*
 * End-to-end benchmark: generates a scenario of N expected Poisson arrivals
 * into an official account over 90 days, flowing through 5 modules with
 * exponential stays and branching flows (most churn, a few buy), then loads
 * the YAML, runs one replication on one thread and writes the CSVs, timing
 * all of it.  Events = arrivals + stay completions.
 *
 * Usage: bench_run [ARRIVALS...]   (default: 1e6 and 1e7)
 * Prints the median of 3 runs.  Targets (issue 2): >= 8 M events/s at 1e6,
 * >= 4 M events/s at 1e7, <= 64 bytes per live person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "wxflow/wxflow.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *flows =
    "flows:\n"
    "  oa_churn:    {from: oa, type: churn, p: 85%, delay: exponential(6d)}\n"
    "  oa_video:    {from: oa, to: video, p: 10%, delay: exponential(4d)}\n"
    "  oa_sdr:      {from: oa, to: sdr, p: 5%, delay: exponential(8d)}\n"
    "  video_churn: {from: video, type: churn, p: 90%, delay: "
    "exponential(3d)}\n"
    "  video_shop:  {from: video, to: shop, p: 10%, delay: exponential(2d)}\n"
    "  sdr_group:   {from: sdr, to: group, p: 60%, delay: exponential(3d)}\n"
    "  sdr_churn:   {from: sdr, type: churn, p: 40%, delay: exponential(20d)}\n"
    "  group_shop:  {from: group, to: shop, p: 30%, delay: exponential(5d)}\n"
    "  group_churn: {from: group, type: churn, p: 70%, delay: "
    "exponential(15d)}\n"
    "  shop_buy:    {from: shop, to: purchase, p: 20%, delay: "
    "exponential(1d)}\n"
    "  shop_churn:  {from: shop, type: churn, p: 80%, delay: "
    "exponential(2d)}\n";

static char *write_scenario(double arrivals) {
  char *path = strdup("/tmp/wxbench_scenario_XXXXXX");
  int fd = mkstemp(path);
  FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!fp) {
    perror("bench_run: scenario");
    exit(1);
  }
  fprintf(fp,
          "horizon: 90d\nsample_every: 1d\nseed: 1\nreplications: 1\n"
          "modules:\n  oa: {kind: official_account}\n"
          "  video: {kind: video_account}\n  sdr: {kind: wecom, accounts: 20}\n"
          "  group: {kind: group}\n  shop: {kind: mini_program}\n"
          "sources:\n  ads: {into: oa, rate: %.6f/d}\n%s",
          arrivals / 90.0, flows);
  fclose(fp);
  return path;
}

typedef struct {
  double wall, events, per_live;
} sample;

static sample run_once(const char *scenario, const char *out) {
  double t0 = now();
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(10);
  int rc = wx_model_load(scenario, &m, d);
  wx_run_options o = {.out_dir = out, .force = 1, .threads = 1};
  wx_results *r = NULL;
  if (rc == WX_OK) rc = wx_run(m, &o, &r, d);
  if (rc != WX_OK) {
    for (size_t i = 0; i < wx_diags_count(d); i++)
      fprintf(stderr, "%s\n", wx_diags_get(d, i)->msg);
    exit(1);
  }
  sample s = {now() - t0, (double)r->events,
              r->peak_live ? (double)r->peak_bytes / r->peak_live : 0};
  wx_results_free(r);
  wx_model_free(m);
  wx_diags_free(d);
  return s;
}

static int by_wall(const void *a, const void *b) {
  double x = ((const sample *)a)->wall, y = ((const sample *)b)->wall;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  double sizes[8] = {1e6, 1e7};
  int n = 2;
  if (argc > 1) {
    n = argc - 1 > 8 ? 8 : argc - 1;
    for (int i = 0; i < n; i++) sizes[i] = atof(argv[i + 1]);
  }
  char out[] = "/tmp/wxbench_out_XXXXXX";
  if (!mkdtemp(out)) return 1;
  printf("bench_run: YAML load + 1 replication on 1 thread + CSV output\n");
  printf("%12s %10s %14s %14s %16s\n", "arrivals", "wall_s", "events",
         "events/s", "bytes/live");
  for (int i = 0; i < n; i++) {
    char *scenario = write_scenario(sizes[i]);
    sample s[3];
    for (int k = 0; k < 3; k++) s[k] = run_once(scenario, out);
    qsort(s, 3, sizeof *s, by_wall);
    printf("%12.0f %10.3f %14.0f %14.0f %16.1f\n", sizes[i], s[1].wall,
           s[1].events, s[1].events / s[1].wall, s[1].per_live);
    unlink(scenario);
    free(scenario);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS of this process: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", out);
  return system(cmd) == 0 ? 0 : 1;
}
