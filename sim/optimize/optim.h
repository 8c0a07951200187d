/*
 * Derivative-free minimisation, the one home of every NLopt call
 * (optim_nlopt.c), shared by `wxflow optimize` and meant for calibration.
 *
 * The problem: minimise f(x) over lo <= x <= hi and A x <= b (n_ineq rows,
 * row-major n_ineq x n; may be none), from a FEASIBLE x0.  The objective is
 * never called at an infeasible point: NLopt's iterate x (COBYLA, for one,
 * may step outside) is replaced by its Euclidean projection onto the
 * feasible set (Dykstra's algorithm; a step across a binding constraint
 * becomes a step along it, so the local model keeps learning), made exact
 * by a ratio test on the segment from x0 (linear constraints), and f is
 * evaluated there; the constraints are also handed to NLopt, so it steers
 * back in.  The result is the best point ever evaluated, hence always
 * feasible.
 *
 * Algorithms by name (wx__optim_algorithms lists them): "cobyla" (Powell's
 * linear approximations; handles the constraints itself), "isres"
 * (evolution strategy, global; needs finite bounds), "bobyqa", "sbplx",
 * "neldermead" (bound-constrained local methods; with constraints they run
 * inside NLopt's augmented Lagrangian, AUGLAG).  ISRES draws from NLopt's
 * generator, seeded from `seed` before each run (deterministic).
 */
#ifndef WX_OPTIM_H
#define WX_OPTIM_H

#include <stddef.h>
#include <stdint.h>

/* f at x into *fx; a status other than 0 stops the search and is
 * returned by wx__optim_minimise. */
typedef int (*wx_optim_fn)(void *ctx, const double *x, double *fx);

typedef struct {
  size_t n;              /* variables */
  const double *lo, *hi; /* bounds (n each; +-INFINITY allowed, not isres) */
  const double *A, *b;   /* A x <= b, n_ineq rows; NULL when n_ineq == 0 */
  size_t n_ineq;
  const char *algorithm; /* NULL: "cobyla" */
  unsigned max_evals;    /* 0: 100 (n + 1) */
  double xtol_rel;       /* 0: 1e-4 */
  const double *step;    /* initial step per variable; NULL: NLopt's */
  uint64_t seed;         /* isres */
} wx_optim_problem;

typedef struct {
  double f;         /* best value */
  unsigned evals;   /* calls of f */
  int nlopt_result; /* NLopt's return code (negative: failure) */
} wx_optim_result;

/* Minimises f from x (in: x0, feasible; out: the best point).  Returns 0,
 * the objective's status, or -5 (WX_EINVAL: unknown algorithm, x0
 * infeasible, bad bounds) / -1 (WX_ENOMEM) with a message in msg. */
int wx__optim_minimise(const wx_optim_problem *p, wx_optim_fn f, void *ctx,
                       double *x, wx_optim_result *res, char *msg, size_t cap);

/* Whether x satisfies the bounds and constraints of p within tol. */
int wx__optim_feasible(const wx_optim_problem *p, const double *x, double tol);

/* The largest t in [0, 1] such that x0 + t (x - x0) satisfies the bounds
 * and constraints of p, for a feasible x0 (0 when none but x0 does). */
double wx__optim_pull_back(const wx_optim_problem *p, const double *x0,
                           const double *x);

/* "cobyla, isres, bobyqa, sbplx, neldermead" (for messages and --help). */
const char *wx__optim_algorithms(void);
/* 1 when name is one of them. */
int wx__optim_known(const char *name);

#endif
