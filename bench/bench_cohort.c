/*
 * Cohort engine speed and memory (issue 14): the model of bench_engine.c
 * (Poisson arrivals into an official account, 5 modules, exponential stays,
 * branching move/join/churn flows, purchases) over 90 days sampled daily.
 *   - 1.09e9 expected arrivals: wall time per replication on one core
 *     (median of 21, the engine allocated once as a runner does), engine
 *     bytes (independent of the population by construction: counts per
 *     state) and the process's peak RSS.  Targets: <= 10 ms, <= 16 MiB.
 *   - 1e6 expected arrivals: cohort vs agent engine wall time (agent:
 *     median of 3, cohort: median of 21).  Target: >= 100x.
 *
 * Usage: bench_cohort [expected arrivals for the first figure]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cohort.h"
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

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

#define RUNS 21

typedef struct {
  double alloc_s, first_s, median_s, min_s, arrivals, bytes;
  uint32_t states, nodes;
} cohort_fig;

static int cohort(double arrivals, cohort_fig *out) {
  wx_model *m = build(arrivals);
  wx_layout l;
  wx_series s;
  if (!m || wx__layout_init(&l, m, m->horizon) != WX_OK ||
      wx__series_init(&s, &l))
    return 1;
  if (wx__cohort_check(m, NULL) != WX_OK) return 1;
  double *par = malloc(m->n_params * sizeof *par), t[RUNS];
  if (!par) return 1;
  wx__params_nominal(m, par);
  double t0 = now();
  void *e = wx__cohort_alloc(m, &l);
  out->alloc_s = now() - t0;
  if (!e) return 1;
  for (int i = 0; i < RUNS; i++) {
    t0 = now();
    if (wx__cohort_run(e, par, wx__stream_seed(1, (uint64_t)i, 0), &s, NULL,
                       NULL) != WX_OK)
      return 1;
    t[i] = now() - t0;
  }
  wx_engine_stats st;
  wx__cohort_stats(e, &st);
  wx_cspace sp;
  wx__cspace_build(&sp, m);
  out->states = sp.n_states;
  out->nodes = sp.n_nodes;
  wx__cspace_free(&sp);
  out->first_s = t[0];
  qsort(t, RUNS, sizeof *t, cmp);
  out->median_s = t[RUNS / 2];
  out->min_s = t[0];
  out->arrivals = (double)st.arrivals;
  out->bytes = (double)st.peak_bytes;
  wx__cohort_free(e);
  free(par);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
  return 0;
}

static double agent(double arrivals) {
  wx_model *m = build(arrivals);
  wx_layout l;
  wx_series s;
  if (!m || wx__layout_init(&l, m, m->horizon) != WX_OK ||
      wx__series_init(&s, &l))
    return -1;
  double *par = malloc(m->n_params * sizeof *par);
  if (!par) return -1;
  wx__params_nominal(m, par);
  wx_engine *e = wx__agent_alloc(m, &l);
  if (!e) return -1;
  double t0 = now();
  int rc = wx__agent_run(e, par, wx__stream_seed(1, 0, 0), &s, NULL);
  double wall = now() - t0;
  wx__agent_free(e);
  free(par);
  wx__series_free(&s);
  wx__layout_free(&l);
  wx_model_free(m);
  return rc == WX_OK ? wall : -1;
}

int main(int argc, char **argv) {
  double big = argc > 1 ? atof(argv[1]) : 1.09e9;
  cohort_fig c;
  if (cohort(big, &c)) return 1;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf(
      "cohort, %.3g expected arrivals (%.4g drawn), 90 days daily: "
      "%.2f ms per replication (median of %d; min %.2f ms; the first, "
      "deriving rates and exponentials, %.2f ms), alloc "
      "%.2f ms, %u states, %u tree nodes, engine %.1f KiB, peak RSS "
      "%.1f MiB  [targets: <= 10 ms, <= 16 MiB]\n",
      big, c.arrivals, c.median_s * 1e3, RUNS, c.min_s * 1e3, c.first_s * 1e3,
      c.alloc_s * 1e3, c.states, c.nodes, c.bytes / 1024,
      ru.ru_maxrss / 1024.0);
  cohort_fig small;
  if (cohort(1e6, &small)) return 1;
  double ar[3];
  for (int i = 0; i < 3; i++)
    if ((ar[i] = agent(1e6)) < 0) return 1;
  qsort(ar, 3, sizeof *ar, cmp);
  double a = ar[1];
  printf(
      "1e6 expected arrivals: agent %.1f ms (median of 3), cohort %.3f ms "
      "(median of "
      "%d; first %.3f ms): %.0fx (first: %.0fx)  [target: >= 100x]\n",
      a * 1e3, small.median_s * 1e3, RUNS, small.first_s * 1e3,
      a / small.median_s, a / small.first_s);
  return 0;
}
