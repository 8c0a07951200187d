/* The optimiser (sim/optim.h) on a problem with a closed-form optimum, and
 * its promise that the objective never sees an infeasible point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "optim.h"

/* Two channels with exponential saturation, response
 *   R(b1, b2) = a1 S1 (1 - exp(-b1 / S1)) + a2 S2 (1 - exp(-b2 / S2)),
 * b1 + b2 <= B.  R increases in both, so the budget binds, and at the
 * optimum the marginal returns are equal (Lagrange):
 *   a1 exp(-b1 / S1) = a2 exp(-b2 / S2)
 *   => b1 / S1 - (B - b1) / S2 = ln(a1 / a2)
 *   => b1* = S1 (B + S2 ln(a1 / a2)) / (S1 + S2)   (if inside [0, B]). */
typedef struct {
  double a1, S1, a2, S2;
  const wx_optim_problem *p;
  unsigned calls, infeasible;
} two;

static int neg_response(void *ctx, const double *x, double *fx) {
  two *t = ctx;
  t->calls++;
  if (!wx__optim_feasible(t->p, x, 1e-12)) t->infeasible++;
  *fx = -(t->a1 * t->S1 * -expm1(-x[0] / t->S1) +
          t->a2 * t->S2 * -expm1(-x[1] / t->S2));
  return 0;
}

static void recover(const char *algorithm) {
  const double B = 10000;
  two t = {.a1 = 0.12, .S1 = 3000, .a2 = 0.08, .S2 = 6000};
  double lo[2] = {0, 0}, hi[2] = {B, B}, A[2] = {1, 1}, b[1] = {B};
  double step[2] = {1000, 1000};
  wx_optim_problem p = {.n = 2,
                        .lo = lo,
                        .hi = hi,
                        .A = A,
                        .b = b,
                        .n_ineq = 1,
                        .algorithm = algorithm,
                        .max_evals = 3000,
                        .xtol_rel = 1e-8,
                        .step = step,
                        .seed = 3};
  t.p = &p;
  double x[2] = {1000, 1000},
         star = t.S1 * (B + t.S2 * log(t.a1 / t.a2)) / (t.S1 + t.S2);
  wx_optim_result res;
  char msg[200];
  assert_int_equal(
      wx__optim_minimise(&p, neg_response, &t, x, &res, msg, sizeof msg), 0);
  assert_int_equal(t.infeasible, 0);
  assert_true(t.calls == res.evals && res.evals <= 3000);
  /* the budget is spent and the split is the closed form's (ISRES, a
   * stochastic global method, gets a looser tolerance) */
  double tol = strcmp(algorithm, "isres") ? 1e-3 : 2e-2;
  assert_true(fabs(x[0] - star) <= tol * B);
  assert_true(fabs(x[0] + x[1] - B) <= tol * B);
}

static void cobyla_equalises_marginal_returns(void **s) {
  (void)s;
  recover("cobyla");
}
static void auglag_bobyqa_equalises_marginal_returns(void **s) {
  (void)s;
  recover("bobyqa");
}
static void auglag_sbplx_equalises_marginal_returns(void **s) {
  (void)s;
  recover("sbplx");
}
static void isres_equalises_marginal_returns(void **s) {
  (void)s;
  recover("isres");
}

static int stop_at_three(void *ctx, const double *x, double *fx) {
  unsigned *n = ctx;
  *fx = x[0] * x[0];
  return ++*n == 3 ? -9 : 0;
}

static void errors_and_stops(void **s) {
  (void)s;
  double lo[1] = {0}, hi[1] = {1}, A[1] = {1}, b[1] = {0.5}, x[1] = {0.9};
  wx_optim_problem p = {
      .n = 1, .lo = lo, .hi = hi, .A = A, .b = b, .n_ineq = 1};
  wx_optim_result res;
  char msg[200];
  unsigned n = 0;
  assert_int_equal(
      wx__optim_minimise(&p, stop_at_three, &n, x, &res, msg, sizeof msg), -5);
  assert_non_null(strstr(msg, "starting point"));
  x[0] = 0.4;
  p.algorithm = "simplex";
  assert_int_equal(
      wx__optim_minimise(&p, stop_at_three, &n, x, &res, msg, sizeof msg), -5);
  assert_non_null(strstr(msg, "cobyla"));
  p.algorithm = NULL;
  assert_int_equal(
      wx__optim_minimise(&p, stop_at_three, &n, x, &res, msg, sizeof msg), -9);
  assert_int_equal(n, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cobyla_equalises_marginal_returns),
      cmocka_unit_test(auglag_bobyqa_equalises_marginal_returns),
      cmocka_unit_test(auglag_sbplx_equalises_marginal_returns),
      cmocka_unit_test(isres_equalises_marginal_returns),
      cmocka_unit_test(errors_and_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
