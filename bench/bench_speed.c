/*
 * wxflow against a hand-written single-model program (ref_sim.h) in the
 * same process: for each size, rounds of wxflow with staff accounts and
 * groups (YAML load + one replication on one thread + CSV output), the
 * reference, and wxflow with those two modules as plain official accounts,
 * one after the other; then the medians.  The ratio of medians is what
 * matters on a shared machine: noise hits both sides of a round alike.
 * Both event counts are printed: the ratio means something only when they
 * agree within noise (they use different random numbers).
 *
 * Usage: bench_speed [-r ROUNDS] [ARRIVALS...]
 *   (default: 1e6 and 1e7 with 5 rounds, 1e8 with 3)
 *        bench_speed --yaml ARRIVALS [plain]   prints the scenario (with
 *   staff and groups, or without), for profiling `wxflow run` alone
 * Targets (issue 16): wxflow <= 0.67x the reference's time at 1e7 and
 * 1e8; >= 5 M events/s at 1e8; <= 40 bytes per live person with staff
 * and groups, <= 32 without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ref_sim.h"
#include "results.h"
#include "wxflow/wxflow.h"

#define MAX_ROUNDS 15

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  double wall, events, per_live;
} sample;

static char *write_scenario(double arrivals, int units) {
  char *path = strdup("/tmp/wxbench_speed_XXXXXX");
  int fd = path ? mkstemp(path) : -1;
  FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!fp) {
    perror("bench_speed: scenario");
    exit(1);
  }
  ref_sim_yaml(fp, arrivals, units);
  fclose(fp);
  return path;
}

static sample run_wxflow(const char *scenario, const char *out) {
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

static sample run_ref(double arrivals, const char *csv) {
  ref_stats st;
  double t0 = now();
  if (ref_sim_run(arrivals, 1, csv, &st) != 0) {
    fprintf(stderr, "bench_speed: the reference failed\n");
    exit(1);
  }
  return (sample){now() - t0, (double)st.events,
                  st.peak_live ? (double)st.peak_bytes / st.peak_live : 0};
}

static int by_wall(const void *a, const void *b) {
  double x = ((const sample *)a)->wall, y = ((const sample *)b)->wall;
  return (x > y) - (x < y);
}

static sample median(sample *s, int n) {
  qsort(s, (size_t)n, sizeof *s, by_wall);
  return s[n / 2];
}

static void row(const char *what, double arrivals, sample s, double ref) {
  printf("%10.0e %-16s %9.3f %12.0f %9.2f %9.1f %8.3f\n", arrivals, what,
         s.wall, s.events, s.events / s.wall / 1e6, s.per_live, s.wall / ref);
}

static void bench(double arrivals, int rounds, const char *out) {
  char *units = write_scenario(arrivals, 1),
       *plain = write_scenario(arrivals, 0);
  char csv[512];
  snprintf(csv, sizeof csv, "%s/ref_series.csv", out);
  sample w[MAX_ROUNDS], r[MAX_ROUNDS], p[MAX_ROUNDS];
  for (int k = 0; k < rounds; k++) { /* A B C, A B C, ... */
    w[k] = run_wxflow(units, out);
    r[k] = run_ref(arrivals, csv);
    p[k] = run_wxflow(plain, out);
  }
  sample mr = median(r, rounds);
  row("wxflow", arrivals, median(w, rounds), mr.wall);
  row("reference", arrivals, mr, mr.wall);
  row("wxflow no units", arrivals, median(p, rounds), mr.wall);
  fflush(stdout);
  unlink(units);
  unlink(plain);
  free(units);
  free(plain);
}

int main(int argc, char **argv) {
  if (argc > 2 && !strcmp(argv[1], "--yaml")) {
    ref_sim_yaml(stdout, atof(argv[2]),
                 !(argc > 3 && !strcmp(argv[3], "plain")));
    return 0;
  }
  int rounds = 0, first = 1;
  if (argc > 2 && !strcmp(argv[1], "-r")) {
    rounds = atoi(argv[2]);
    if (rounds < 1 || rounds > MAX_ROUNDS) rounds = 3;
    first = 3;
  }
  double sizes[8] = {1e6, 1e7, 1e8};
  int n = 3;
  if (argc > first) {
    n = argc - first > 8 ? 8 : argc - first;
    for (int i = 0; i < n; i++) sizes[i] = atof(argv[first + i]);
  }
  char out[] = "/tmp/wxbench_speed_out_XXXXXX";
  if (!mkdtemp(out)) return 1;
  printf(
      "bench_speed: wxflow (YAML load + 1 replication on 1 thread + CSV) "
      "vs a hand-written reference, medians, rounds interleaved\n");
  printf("%10s %-16s %9s %12s %9s %9s %8s\n", "arrivals", "program", "wall_s",
         "events", "M ev/s", "B/live", "vs ref");
  for (int i = 0; i < n; i++)
    bench(sizes[i], rounds ? rounds : sizes[i] >= 5e7 ? 3 : 5, out);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS of this process: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", out);
  return system(cmd) == 0 ? 0 : 1;
}
