/*
 * Engine throughput: a 90-day run, Poisson arrivals into an official
 * account, 5 modules with exponential stays and branching flows (most
 * churn, a few buy).  Prints events/s, wall time and engine-held bytes per
 * live person (high-water bytes of person table + queue / peak live;
 * "alloc" uses allocated capacity instead), for 1e6 expected arrivals
 * (median of 3 runs) and 1e7 (one run).
 *
 * Usage: bench_engine [expected arrivals...]   (default: 1e6 1e7)
 *
 * Figures on the 2-core build machine (gcc Release), M events/s at 1e6
 * (median of 3) / at 1e7, bytes per live person 23.8 (alloc ~28-29):
 *   plain binary heap                          5.55 / 3.00
 *   + time buckets (queue.h), 1024, 4 KiB chunks 6.41 / 4.66
 *   + branchless child pick, 1 KiB chunks      7.22 / 4.98
 *   + 4096 buckets                             7.67 / 5.29  (clang 8.08 / 5.38)
 * perf then shows sift_down ~25%, log1p (exponential draws) ~12%, mt19937
 * ~13%, the event loop ~20%.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"
#include "agent_engine.h"
#include "model.h"
#include "series.h"
#include "util.h"

#include "bench_model.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  double wall, eps, bytes_per_live, alloc_per_live;
  wx_engine_stats st;
} result;

static int cmp_wall(const void *x, const void *y) {
  double a = ((const result *)x)->wall, b = ((const result *)y)->wall;
  return (a > b) - (a < b);
}

static int one_run(const wx_model *m, const wx_layout *l, const double *par,
                   uint64_t seed, result *out) {
  wx_series s;
  wx_engine *e = wx__agent_alloc(m, l); /* fresh: honest allocation */
  if (!e || wx__series_init(&s, l) != WX_OK) return 1;
  double t0 = now();
  int rc = wx__agent_run(e, par, seed, &s, NULL);
  out->wall = now() - t0;
  wx__agent_stats(e, &out->st);
  out->eps = out->st.events / out->wall;
  out->bytes_per_live = (double)out->st.peak_bytes / out->st.peak_live;
  out->alloc_per_live =
      (double)(wx__people_bytes(&e->pp) + wx__queue_bytes(&e->q)) /
      out->st.peak_live;
  wx__series_free(&s);
  wx__agent_free(e);
  return rc != WX_OK;
}

static int bench(double arrivals, int runs) {
  wx_model *m = build(arrivals);
  wx_layout l;
  if (!m || wx__layout_init(&l, m, 0) != WX_OK) return 1;
  double *par = malloc(m->n_params * sizeof *par);
  if (!par) return 1;
  wx__params_nominal(m, par);
  result r[3];
  for (int i = 0; i < runs; i++)
    if (one_run(m, &l, par, wx__stream_seed(1, (uint64_t)i, 0), &r[i]))
      return 1;
  qsort(r, (size_t)runs, sizeof *r, cmp_wall);
  result *md = &r[runs / 2];
  printf(
      "arrivals %.0e (median of %d): %llu events (%llu stale), "
      "%.3f s, %.2f M events/s, peak live %llu, peak queue %llu, "
      "%.1f B/live (alloc %.1f B/live)\n",
      arrivals, runs, (unsigned long long)md->st.events,
      (unsigned long long)md->st.stale, md->wall, md->eps / 1e6,
      (unsigned long long)md->st.peak_live,
      (unsigned long long)md->st.peak_queue, md->bytes_per_live,
      md->alloc_per_live);
  free(par);
  wx__layout_free(&l);
  wx_model_free(m);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1) {
    for (int i = 1; i < argc; i++)
      if (bench(atof(argv[i]), 1)) return 1;
    return 0;
  }
  return bench(1e6, 3) || bench(1e7, 1);
}
