/*
 * Points per second of a study (issue 15): an LHS design of 1,000 points
 * x 10 replications of scenarios/quickstart.yaml over two parameter
 * factors, on 2 threads, evaluated by the study machinery (wx__study_run:
 * the pool over points, parameters set per point, KPIs copied into Y).
 *
 * Overhead against bare replications: the same study with every point's
 * values set to the scenario's own (so the work per replication is the
 * base's) against one wx_evaluate of the same number of replications of
 * the base on 2 threads, with no study code.  For reference, the real
 * design's replications run one wx_evaluate per point (what a study
 * without a pool over points would do).  Runs alternate and medians are
 * compared, so that load on the machine affects all alike.
 * Target: overhead <= 5 %.
 *
 * The horizon is shortened to 30 days by default (of the scenario's 90) to
 * keep the benchmark near half a minute; the output says so.
 * Usage: bench_study [HORIZON_DAYS [POINTS [ROUNDS]]]  (default 30 1000 3;
 *        HORIZON_DAYS 0: the scenario's)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "study.h"
#include "study_run.h"
#include "wxflow/wxflow.h"

#define REPS    10
#define THREADS 2

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

static double study_once(const wx_study_ctx *c, const wx_study_design *p) {
  double *Y = NULL;
  size_t n_done = 0;
  double t0 = now();
  int rc = wx__study_run(c, p, &Y, NULL, &n_done, NULL);
  double dt = now() - t0;
  free(Y);
  return rc == WX_OK && n_done == p->n_points ? dt : -1;
}

/* The same replications without the study: one wx_evaluate per point. */
static double bare_once(const wx_study_ctx *c, const wx_study_design *p) {
  double t0 = now();
  for (size_t i = 0; i < p->n_points; i++) {
    wx_param_set set[2];
    for (size_t f = 0; f < 2; f++)
      set[f] = (wx_param_set){(unsigned)c->param[f], p->x[i * 2 + f]};
    wx_eval_options o = {.seed_set = 1,
                         .seed = c->seed,
                         .replications = REPS,
                         .threads = THREADS,
                         .horizon = c->o.horizon,
                         .set = set,
                         .n_set = 2};
    wx_eval *e = NULL;
    int rc = wx_evaluate(c->base, &o, &e, NULL);
    wx_eval_free(e);
    if (rc != WX_OK) return -1;
  }
  return now() - t0;
}

/* The most frugal bare run: all points x 10 replications of the base in
 * one wx_evaluate (one runner, no per-point start-up). */
static double one_eval_once(const wx_study_ctx *c, unsigned points) {
  wx_eval_options o = {.seed_set = 1,
                       .seed = c->seed,
                       .replications = points * REPS,
                       .threads = THREADS,
                       .horizon = c->o.horizon};
  wx_eval *e = NULL;
  double t0 = now();
  int rc = wx_evaluate(c->base, &o, &e, NULL);
  double dt = now() - t0;
  wx_eval_free(e);
  return rc == WX_OK ? dt : -1;
}

static int setup(double horizon, unsigned points, wx_study_spec **s,
                 wx_study_ctx **c, wx_study_design **p) {
  char text[1024];
  snprintf(text, sizeof text,
           "study:\n  base: %s/scenarios/quickstart.yaml\n"
           "  replications: %d\n  kpis: [customers, revenue]\n"
           "  design: {type: lhs, n: %u}\n  factors:\n"
           "    flows.oa_to_sdr.p: {range: [2%%, 8%%]}\n"
           "    flows.sdr_to_group.p: {range: [30%%, 70%%]}\n",
           WX_SOURCE_DIR, REPS, points);
  wx_study_options o = {.threads = THREADS, .horizon = horizon};
  int rc = wx__study_spec_parse("bench.yaml", text, strlen(text), s, NULL);
  if (rc == WX_OK) rc = wx__study_prepare(*s, &o, c, NULL);
  if (rc == WX_OK) rc = wx__study_points(*s, (*c)->nominal, p, NULL);
  if (rc == WX_OK && (*c)->n_structural) rc = WX_EINVAL;
  return rc;
}

int main(int argc, char **argv) {
  double horizon = argc > 1 ? atof(argv[1]) : 30;
  unsigned points = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
  int rounds = argc > 3 ? atoi(argv[3]) : 3;
  if (points < 1 || rounds < 1 || rounds > 99) return 2;
  wx_study_spec *s = NULL;
  wx_study_ctx *c = NULL;
  wx_study_design *p = NULL;
  if (setup(horizon, points, &s, &c, &p) != WX_OK) {
    fprintf(stderr, "bench_study: cannot set up the study\n");
    return 1;
  }
  wx_study_design nominal = *p;
  nominal.x = malloc(p->n_points * p->k * sizeof *nominal.x);
  if (!nominal.x) return 1;
  for (size_t i = 0; i < p->n_points * p->k; i++)
    nominal.x[i] = c->nominal[i % p->k];
  double ts[99], tb[99], to[99], tn[99];
  for (int r = 0; r < rounds; r++) {
    ts[r] = study_once(c, p);
    tn[r] = study_once(c, &nominal);
    to[r] = one_eval_once(c, points);
    tb[r] = bare_once(c, p);
    if (ts[r] < 0 || tb[r] < 0 || to[r] < 0 || tn[r] < 0) return 1;
  }
  free(nominal.x);
  double S = median(ts, rounds), B = median(tb, rounds);
  double O = median(to, rounds), N = median(tn, rounds);
  printf(
      "study: %u points x %d replications of quickstart, %d threads, "
      "horizon %g d%s\n",
      points, REPS, THREADS, horizon > 0 ? horizon : wx_model_horizon(c->base),
      horizon > 0 && horizon < wx_model_horizon(c->base)
          ? " (shortened from the scenario's 90 d to keep this quick)"
          : "");
  printf("  LHS study: %.2f s = %.1f points/s (median of %d rounds)\n", S,
         points / S, rounds);
  printf(
      "  the same points at the scenario's values: %.2f s; one "
      "wx_evaluate of %u replications: %.2f s\n",
      N, points * REPS, O);
  printf("  overhead of the study machinery: %+.1f %% (target <= 5 %%)\n",
         100 * (N / O - 1));
  printf(
      "  for reference, one wx_evaluate per LHS point, no pool: %.2f s = "
      "%.1f points/s\n",
      B, points / B);
  wx__study_design_free(p);
  wx__study_ctx_free(c);
  wx__study_spec_free(s);
  return 0;
}
