/* Response curves of `wxflow optimize`: the objective KPI as each variable
 * moves over its range, the others at the optimum, on the search's seeds
 * (common random numbers, so the curve is smooth where the model is). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "optimize.h"

/* Values of variable v on its curve: k evenly spaced (distinct whole ones
 * for an integer) and the optimum `at`, ascending (out holds k + 1). */
static size_t curve_values(const wx_opt_var *v, unsigned k, double at,
                           double *out) {
  size_t n = 0;
  for (unsigned i = 0; i <= k; i++) {
    double u = k > 1 ? (double)(i < k ? i : 0) / (k - 1) : 0.5;
    double x = i < k ? v->f.lo + u * (v->f.hi - v->f.lo) : at;
    if (v->f.integer) x = round(x);
    size_t j = n;
    while (j > 0 && out[j - 1] > x) j--;
    if ((j > 0 && out[j - 1] == x) || (j < n && out[j] == x)) continue;
    memmove(out + j + 1, out + j, (n - j) * sizeof *out);
    out[j] = x;
    n++;
  }
  return n;
}

/* Whether y keeps every constraint of s (bounds hold by construction). */
static int keeps(const wx_opt_spec *s, const double *y) {
  for (size_t i = 0; i < s->n_cons; i++) {
    double sum = 0;
    for (size_t j = 0; j < s->n_vars; j++) sum += s->c[i].w[j] * y[j];
    double tol = 1e-9 * (1 + fabs(sum));
    if (sum > s->c[i].hi + tol || sum < s->c[i].lo - tol) return 0;
  }
  return 1;
}

int wx__opt_curves(wx_opt_evaluator *ev, const wx_opt_spec *s, const double *x,
                   wx_opt_curve_point **out, size_t *n, wx_diags *d) {
  unsigned k = s->curve_points;
  *out = NULL;
  *n = 0;
  if (!k) return WX_OK;
  wx_opt_curve_point *cp = calloc(s->n_vars * (k + 1) + 1, sizeof *cp);
  double *vals = calloc(k + 2, sizeof *vals);
  double *y = calloc(s->n_vars + 1, sizeof *y);
  int rc = cp && vals && y ? WX_OK : WX_ENOMEM;
  for (size_t j = 0; rc == WX_OK && j < s->n_vars; j++) {
    size_t m = curve_values(&s->v[j], k, x[j], vals);
    for (size_t i = 0; rc == WX_OK && i < m; i++) {
      memcpy(y, x, s->n_vars * sizeof *y);
      y[j] = vals[i];
      wx_opt_sample smp;
      rc = wx__opt_evaluate(ev, y, wx__opt_seed(ev), wx__opt_reps(ev), &smp, d);
      if (rc != WX_OK) break;
      wx_opt_curve_point *p = &cp[(*n)++];
      *p = (wx_opt_curve_point){
          .var = j, .value = vals[i], .feasible = keeps(s, y)};
      wx__opt_kpi_ci(ev, &smp, &p->ci);
      wx__opt_sample_free(&smp);
    }
  }
  free(vals);
  free(y);
  if (rc != WX_OK) {
    free(cp);
    *n = 0;
    return rc;
  }
  *out = cp;
  return WX_OK;
}
