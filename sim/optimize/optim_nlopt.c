/*
 * The NLopt side of sim/optim.h: algorithm table, feasible pull-back of
 * iterates, constraint callbacks, best-point bookkeeping.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <nlopt.h>

#include "optim.h"

typedef struct {
  const char *name;
  nlopt_algorithm alg;
  int native_constraints; /* else wrapped in AUGLAG when constrained */
} algo;

static const algo algos[] = {
    {"cobyla", NLOPT_LN_COBYLA, 1},         {"isres", NLOPT_GN_ISRES, 1},
    {"bobyqa", NLOPT_LN_BOBYQA, 0},         {"sbplx", NLOPT_LN_SBPLX, 0},
    {"neldermead", NLOPT_LN_NELDERMEAD, 0},
};
#define N_ALGOS (sizeof algos / sizeof *algos)

const char *wx__optim_algorithms(void) {
  return "cobyla, isres, bobyqa, sbplx, neldermead";
}

static const algo *find(const char *name) {
  for (size_t i = 0; i < N_ALGOS; i++)
    if (!strcmp(algos[i].name, name)) return &algos[i];
  return NULL;
}

int wx__optim_known(const char *name) { return name && find(name) != NULL; }

int wx__optim_feasible(const wx_optim_problem *p, const double *x, double tol) {
  for (size_t j = 0; j < p->n; j++)
    if (!(x[j] >= p->lo[j] - tol && x[j] <= p->hi[j] + tol)) return 0;
  for (size_t i = 0; i < p->n_ineq; i++) {
    double s = 0;
    for (size_t j = 0; j < p->n; j++) s += p->A[i * p->n + j] * x[j];
    if (!(s <= p->b[i] + tol * (1 + fabs(p->b[i])))) return 0;
  }
  return 1;
}

typedef struct {
  const wx_optim_problem *p;
  wx_optim_fn f;
  void *ctx;
  const double *x0;
  double *y, *best;   /* pulled-back point; best evaluated point */
  double *proj, *inc; /* projection and its work space */
  double fbest;
  unsigned evals, max_evals;
  int status;
  nlopt_opt opt;
} run;

/* x0 is feasible, so each constraint a.(x0 + t d) <= b limits t only when
 * a.d > 0, and each bound only when d points out of it. */
double wx__optim_pull_back(const wx_optim_problem *p, const double *x0,
                           const double *x) {
  double t = 1;
  for (size_t j = 0; j < p->n; j++) {
    double d = x[j] - x0[j];
    if (d > 0 && x[j] > p->hi[j]) t = fmin(t, (p->hi[j] - x0[j]) / d);
    if (d < 0 && x[j] < p->lo[j]) t = fmin(t, (p->lo[j] - x0[j]) / d);
  }
  for (size_t i = 0; i < p->n_ineq; i++) {
    double ad = 0, ax0 = 0;
    for (size_t j = 0; j < p->n; j++) {
      ad += p->A[i * p->n + j] * (x[j] - x0[j]);
      ax0 += p->A[i * p->n + j] * x0[j];
    }
    if (ad > 0 && ax0 + ad > p->b[i]) t = fmin(t, (p->b[i] - ax0) / ad);
  }
  return t < 0 ? 0 : t;
}

/* Euclidean projection of x onto the box and half-spaces of p (Dykstra's
 * alternating projections, which converge to the projection itself, not
 * just to some feasible point); inc holds (n_ineq + 1) n doubles. */
static void project(const wx_optim_problem *p, const double *x, double *y,
                    double *inc) {
  size_t n = p->n, m = p->n_ineq;
  memcpy(y, x, n * sizeof *y);
  memset(inc, 0, (m + 1) * n * sizeof *inc);
  for (int sweep = 0; sweep < 500; sweep++) {
    for (size_t i = 0; i <= m; i++) {
      double *q = inc + i * n;
      for (size_t j = 0; j < n; j++) q[j] += y[j]; /* z = y + q */
      if (i == m) {
        for (size_t j = 0; j < n; j++)
          y[j] = fmin(fmax(q[j], p->lo[j]), p->hi[j]);
      } else {
        const double *a = p->A + i * n;
        double az = 0, aa = 0;
        for (size_t j = 0; j < n; j++) az += a[j] * q[j], aa += a[j] * a[j];
        double over = aa > 0 && az > p->b[i] ? (az - p->b[i]) / aa : 0;
        for (size_t j = 0; j < n; j++) y[j] = q[j] - over * a[j];
      }
      for (size_t j = 0; j < n; j++) q[j] -= y[j]; /* q = z - P(z) */
    }
    if (wx__optim_feasible(p, y, 1e-12)) break;
  }
}

static double objective(unsigned n, const double *x, double *grad, void *data) {
  run *r = data;
  (void)grad;                     /* derivative-free algorithms only */
  if (r->evals >= r->max_evals) { /* AUGLAG's inner runs count apart */
    nlopt_force_stop(r->opt);
    return r->fbest;
  }
  /* project an infeasible iterate (so moves along a binding constraint
   * keep their information), then make sure of feasibility by the exact
   * ratio test from x0, which only trims the projection's last digits */
  const double *z = x;
  if (!wx__optim_feasible(r->p, x, 0)) {
    project(r->p, x, r->proj, r->inc);
    z = r->proj;
  }
  double t = wx__optim_pull_back(r->p, r->x0, z);
  for (unsigned j = 0; j < n; j++) {
    double v = t >= 1 ? z[j] : r->x0[j] + t * (z[j] - r->x0[j]);
    r->y[j] = fmin(fmax(v, r->p->lo[j]), r->p->hi[j]);
  }
  double fx = HUGE_VAL;
  int rc = r->f(r->ctx, r->y, &fx);
  r->evals++;
  if (rc != 0) {
    r->status = rc;
    nlopt_force_stop(r->opt);
    return HUGE_VAL;
  }
  if (!isfinite(fx)) fx = HUGE_VAL;
  if (fx < r->fbest) {
    r->fbest = fx;
    memcpy(r->best, r->y, n * sizeof *r->y);
  }
  return fx;
}

/* The constraints as NLopt wants them: m values of A x - b. */
static void constraints(unsigned m, double *out, unsigned n, const double *x,
                        double *grad, void *data) {
  const wx_optim_problem *p = data;
  (void)grad;
  for (unsigned i = 0; i < m; i++) {
    double s = -p->b[i];
    for (unsigned j = 0; j < n; j++) s += p->A[i * n + j] * x[j];
    out[i] = s;
  }
}

static int setup(nlopt_opt o, const wx_optim_problem *p, int inner) {
  int ok = nlopt_set_lower_bounds(o, p->lo) > 0;
  ok &= nlopt_set_upper_bounds(o, p->hi) > 0;
  ok &= nlopt_set_xtol_rel(o, p->xtol_rel > 0 ? p->xtol_rel : 1e-4) > 0;
  if (p->step) ok &= nlopt_set_initial_step(o, p->step) > 0;
  if (!inner) {
    unsigned me = p->max_evals ? p->max_evals : 100 * (unsigned)(p->n + 1);
    ok &= nlopt_set_maxeval(o, (int)me) > 0;
  }
  return ok;
}

/* The optimiser for p: the algorithm itself, or AUGLAG around it. */
static nlopt_opt make(const wx_optim_problem *p, const algo *a) {
  unsigned n = (unsigned)p->n;
  int wrap = p->n_ineq && !a->native_constraints;
  nlopt_opt o = nlopt_create(wrap ? NLOPT_AUGLAG : a->alg, n);
  if (!o) return NULL;
  int ok = setup(o, p, 0);
  if (wrap) {
    nlopt_opt local = nlopt_create(a->alg, n);
    ok &= local && setup(local, p, 1);
    ok &= local && nlopt_set_local_optimizer(o, local) > 0;
    nlopt_destroy(local); /* NLopt keeps its own copy */
  }
  if (p->n_ineq) {
    double *tol = calloc(p->n_ineq, sizeof *tol);
    ok &= tol && nlopt_add_inequality_mconstraint(
                     o, (unsigned)p->n_ineq, constraints, (void *)p, tol) > 0;
    free(tol);
  }
  if (!ok) {
    nlopt_destroy(o);
    return NULL;
  }
  return o;
}

static int check(const wx_optim_problem *p, const algo *a, const double *x,
                 char *msg, size_t cap) {
  if (!a) {
    snprintf(msg, cap, "unknown algorithm `%s` (%s)", p->algorithm,
             wx__optim_algorithms());
    return -5;
  }
  for (size_t j = 0; j < p->n; j++)
    if (!(p->lo[j] <= p->hi[j]) ||
        (a->alg == NLOPT_GN_ISRES &&
         !(isfinite(p->lo[j]) && isfinite(p->hi[j])))) {
      snprintf(msg, cap, "variable %zu: bounds [%g, %g] are not usable", j,
               p->lo[j], p->hi[j]);
      return -5;
    }
  if (!wx__optim_feasible(p, x, 1e-9)) {
    snprintf(msg, cap, "the starting point violates a bound or constraint");
    return -5;
  }
  return 0;
}

int wx__optim_minimise(const wx_optim_problem *p, wx_optim_fn f, void *ctx,
                       double *x, wx_optim_result *res, char *msg, size_t cap) {
  const algo *a = find(p->algorithm ? p->algorithm : "cobyla");
  int rc = check(p, a, x, msg, cap);
  if (rc != 0) return rc;
  double *x0 = malloc((5 + p->n_ineq) * p->n * sizeof *x0 + 1);
  run r = {
      .p = p,
      .f = f,
      .ctx = ctx,
      .fbest = HUGE_VAL,
      .max_evals = p->max_evals ? p->max_evals : 100 * (unsigned)(p->n + 1)};
  if (!x0) {
    snprintf(msg, cap, "out of memory setting up the optimiser");
    return -1;
  }
  if (!(r.opt = make(p, a))) {
    free(x0);
    snprintf(msg, cap, "NLopt refused the problem (%s, %zu variables)", a->name,
             p->n);
    return -5;
  }
  memcpy(x0, x, p->n * sizeof *x);
  r.x0 = x0;
  r.y = x0 + p->n;
  r.best = x0 + 2 * p->n;
  r.proj = x0 + 3 * p->n;
  r.inc = x0 + 4 * p->n;
  memcpy(r.best, x, p->n * sizeof *x);
  nlopt_set_min_objective(r.opt, objective, &r);
  if (a->alg == NLOPT_GN_ISRES) nlopt_srand((unsigned long)p->seed);
  double fopt = HUGE_VAL;
  double *xs = malloc(p->n * sizeof *xs + 1);
  int nr = NLOPT_OUT_OF_MEMORY;
  if (xs) {
    memcpy(xs, x, p->n * sizeof *x);
    nr = nlopt_optimize(r.opt, xs, &fopt);
  }
  nlopt_destroy(r.opt);
  free(xs);
  if (r.status == 0 && r.evals == 0) {
    /* NLopt may stop before any call (e.g. max_evals tiny): the start */
    rc = f(ctx, x, &r.fbest);
    r.evals = 1;
    if (rc != 0) r.status = rc;
  } else {
    memcpy(x, r.best, p->n * sizeof *x);
  }
  *res = (wx_optim_result){.f = r.fbest, .evals = r.evals, .nlopt_result = nr};
  free(x0);
  if (r.status != 0) return r.status;
  if (nr == NLOPT_OUT_OF_MEMORY) {
    snprintf(msg, cap, "out of memory in the optimiser");
    return -1;
  }
  return 0;
}
