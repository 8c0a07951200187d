/* Both engines, cell by cell (engines_agree.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cohort.h"
#include "engine.h"
#include "engines_agree.h"

wx_model *wxt_cohort_load(const char *rel) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", WX_SOURCE_DIR, rel);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(32);
  assert_non_null(d);
  if (wx_model_load(path, &m, d) != WX_OK)
    fail_msg("%s: %s", rel, wx_diags_get(d, 0)->msg);
  if (wx__cohort_check(m, d) != WX_OK)
    fail_msg("%s refused: %s", rel, wx_diags_get(d, 0)->msg);
  wx_diags_free(d);
  return m;
}

/* The column of entity `name`'s metric. */
uint32_t wxt_col_of(const wx_model *m, const wx_layout *l, const char *name,
                    const char *metric) {
  for (uint32_t c = 0; c < l->n_cols; c++)
    if (!strcmp(wx__column_entity(m, &l->cols[c]), name) &&
        !strcmp(l->cols[c].metric, metric))
      return c;
  fail_msg("no column %s %s", name, metric);
  return 0;
}

/* Sums and sums of squares of every cell over R replications of engine t. */
void wxt_run_engine(const char *engine, const wx_model *m, const wx_layout *l,
                    unsigned reps, double *s1, double *s2) {
  const wx_engine_type *t = wx__engine_find(engine);
  wx_series s;
  assert_int_equal(wx__series_init(&s, l), WX_OK);
  double *par = calloc(m->n_params + 1u, sizeof *par);
  assert_non_null(par);
  wx__params_nominal(m, par);
  void *e = t->alloc(m, l);
  assert_non_null(e);
  size_t n = (size_t)l->n_samples * l->n_cols;
  for (uint32_t rep = 0; rep < reps; rep++) {
    assert_int_equal(t->run(e, par, 7000u + rep, &s, NULL, NULL), WX_OK);
    for (size_t i = 0; i < n; i++) {
      s1[i] += s.v[i];
      s2[i] += s.v[i] * s.v[i];
    }
  }
  t->free(e);
  free(par);
  wx__series_free(&s);
}

/* The largest |mean| of each column over the run, from sums s1. */
static void column_tops(const wx_layout *l, const double *s1, double R,
                        double *top) {
  for (uint32_t c = 0; c < l->n_cols; c++) {
    top[c] = 0;
    for (uint32_t k = 0; k < l->n_samples; k++)
      top[c] = fmax(top[c], fabs(s1[(size_t)k * l->n_cols + c] / R));
  }
}

/* Every cell of the two engines on m agrees (see the top), the means
 * within bias x the column's largest mean beyond the noise; variances
 * only without a bias and where both means are at least var_min. */
static void cells_agree(wx_model *m, unsigned reps, double bias,
                        double var_min) {
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  size_t n = (size_t)l.n_samples * l.n_cols;
  const double R = reps;
  double *buf = calloc(4 * n + l.n_cols, sizeof *buf), *top = buf + 4 * n;
  assert_non_null(buf);
  wxt_run_engine("agent", m, &l, reps, buf, buf + n);
  wxt_run_engine("cohort", m, &l, reps, buf + 2 * n, buf + 3 * n);
  column_tops(&l, buf, R, top);
  uint32_t checked = 0;
  double worst = 0;
  for (size_t i = 0; i < n; i++) {
    double ma = buf[i] / R, mc = buf[2 * n + i] / R;
    double va = fmax((buf[n + i] - R * ma * ma) / (R - 1), 0);
    double vc = fmax((buf[3 * n + i] - R * mc * mc) / (R - 1), 0);
    const wx_column *cl = &l.cols[i % l.n_cols];
    double t = l.times[i / l.n_cols], scale = fmax(fabs(ma), 1);
    if (va < 1e-9 * scale * scale && vc < 1e-9 * scale * scale) {
      if (fabs(ma - mc) > 1e-9 * scale)
        fail_msg("t=%g %s %s: %g vs %g", t, wx__column_entity(m, cl),
                 cl->metric, mc, ma);
      continue;
    }
    double d = fmax(fabs(mc - ma) - bias * top[i % l.n_cols], 0);
    double z = d / sqrt(va / R + vc / R);
    double zv = (vc - va) / sqrt(2 * (va * va + vc * vc) / (R - 1));
    worst = fmax(worst, z);
    if (fmin(fabs(ma), fabs(mc)) < var_min) zv = 0;
    if (z > 4 || (!(bias > 0) && fabs(zv) > 4))
      fail_msg(
          "t=%g %s %s: cohort %.3f (var %.3f), agent %.3f (var %.3f): "
          "z %.2f, z of variances %.2f",
          t, wx__column_entity(m, cl), cl->metric, mc, vc, ma, va, z, zv);
    checked++;
  }
  print_message(
      "%u random cells agree (%u columns x %u samples), worst |z| "
      "%.2f\n",
      checked, l.n_cols, l.n_samples, worst);
  assert_true(checked > 100);
  free(buf);
  wx__layout_free(&l);
}

void wxt_cells_agree(wx_model *m, unsigned reps) { cells_agree(m, reps, 0, 0); }

void wxt_moments_agree(const char *what, double t, double s1, double s2,
                       unsigned reps, double mu, double sig2) {
  const double R = reps;
  double mean = s1 / R, var = fmax((s2 - R * mean * mean) / (R - 1), 0);
  if (!(sig2 > 0)) {
    if (!(fabs(mean - mu) <= 1e-9 * fmax(fabs(mu), 1)))
      fail_msg("t=%g %s: %.6g, closed form %.6g exactly", t, what, mean, mu);
    return;
  }
  double z = (mean - mu) / sqrt(sig2 / R);
  double zv = (var - sig2) / (sig2 * sqrt(2.0 / (R - 1)));
  if (fabs(z) > 4 || fabs(zv) > 4)
    fail_msg(
        "t=%g %s: %.6g (closed form %.6g), z %.2f, var %.6g (%.6g), "
        "z %.2f",
        t, what, mean, mu, z, var, sig2, zv);
}

void wxt_file_agrees(const char *rel, unsigned reps) {
  wx_model *m = wxt_cohort_load(rel);
  wxt_cells_agree(m, reps);
  wx_model_free(m);
}

void wxt_cells_agree_within(wx_model *m, unsigned reps, double bias) {
  cells_agree(m, reps, bias, 0);
}

void wxt_cells_agree_common(wx_model *m, unsigned reps) {
  cells_agree(m, reps, 0, 5);
}
