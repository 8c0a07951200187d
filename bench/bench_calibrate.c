/*
 * Calibration speed and the choice of algorithm (issue 18).
 *
 * 1. The target: a 4-parameter calibration of scenarios/quickstart.yaml to
 *    90 days of observed joins (scenarios/calibration/, all 90 days fitted,
 *    no hold-out) on 2 threads: point fit, 20 bootstrap refits and the
 *    prediction; wall time printed (target: under a minute).
 * 2. The measurement behind the default algorithm: point fits of the same
 *    problem by each NLopt algorithm, with few (4) and more (16)
 *    replications per evaluation (fewer replications: a rougher loss),
 *    from the scenario's values: evaluations used, the loss reached and
 *    the largest relative error against the truth the data were simulated
 *    from (see the calibration file's comment).
 *
 * Usage: bench_calibrate [quick]   (quick: only the target)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calib.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const double truth[4] = {55, 0.06, 0.40, 0.35};

static int target(wx_calib_sim *c) {
  wx_calib_result r;
  double t0 = now();
  clock_t c0 = clock();
  int rc = wx__calib_run(c, &r, NULL);
  double dt = now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  if (rc != WX_OK) return rc;
  printf(
      "calibrate quickstart: 4 parameters, %zu days, %u replications, "
      "%u bootstrap refits, 2 threads: %.1f s wall (target < 60 s), "
      "%.1f s CPU; point fit %u evaluations\n",
      c->days, c->reps, r.B, dt, cpu, r.evals);
  for (size_t i = 0; i < 4; i++)
    printf("  %-34s %-10.4g [%.4g, %.4g]  truth %g\n", c->s->f[i].path,
           r.x_hat[i], r.lo[i], r.hi[i], truth[i]);
  wx__calib_result_free(&r);
  return WX_OK;
}

static void one_algorithm(wx_calib_sim *c, const char *name, unsigned reps) {
  double *y = wx__calib_observed(c);
  double start[4], x[4], loss;
  for (int i = 0; i < 4; i++)
    start[i] = wx_model_param_value(c->m, c->param[i]);
  unsigned evals, keep = c->reps;
  c->reps = reps;
  wx_calib_problem p = {.sim = c,
                        .y = y,
                        .fit_days = c->days,
                        .start = start,
                        .max_evals = 600,
                        .algo = wx__calib_algo_find(name)};
  double t0 = now();
  int rc = wx__calib_fit(&p, x, &loss, &evals, NULL);
  double dt = now() - t0, err = 0;
  for (int i = 0; i < 4; i++)
    if (fabs(x[i] - truth[i]) / truth[i] > err)
      err = fabs(x[i] - truth[i]) / truth[i];
  printf(
      "  %-10s R=%-3u %s evals %4u  loss %9.2f  max error %5.1f%%  "
      "%5.1f s\n",
      name, reps, rc == WX_OK ? "  " : "!!", evals, loss, 100 * err, dt);
  c->reps = keep;
  free(y);
}

int main(int argc, char **argv) {
  wx_calib_spec *s = NULL;
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(20);
  const char *f = WX_SOURCE_DIR "/scenarios/calibration/quickstart_fit.yaml";
  if (wx__calib_spec_load(f, &s, d) || wx_model_load(s->base, &m, d)) {
    fprintf(stderr, "bench_calibrate: cannot load %s\n", f);
    return 1;
  }
  s->holdout = 0;
  s->bootstrap = 20;
  wx_calib_sim c = {.threads = 2};
  int rc = wx__calib_bind(&c, m, s, d);
  if (rc == WX_OK) rc = target(&c);
  if (rc == WX_OK && !(argc > 1 && !strcmp(argv[1], "quick"))) {
    printf("point fits by algorithm (max 600 evaluations):\n");
    const char *names[] = {"sbplx", "bobyqa", "neldermead", "cobyla", "crs2"};
    unsigned reps[] = {4, 16};
    for (int r = 0; r < 2; r++)
      for (int a = 0; a < 5; a++) one_algorithm(&c, names[a], reps[r]);
  }
  wx__calib_sim_clear(&c);
  wx_model_free(m);
  wx__calib_spec_free(s);
  wx_diags_free(d);
  return rc == WX_OK ? 0 : 1;
}
