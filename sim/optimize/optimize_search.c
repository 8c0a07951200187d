/* The search of `wxflow optimize` (see optimize.h): NLopt over the
 * continuous variables, a lattice search (or enumeration) over the
 * integer ones, every evaluation on the same seeds; validation on fresh
 * seeds is optimize_validate.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "optimize.h"
#include "optimize_int.h"
#include "util.h"

#define MAX_ENUM   200 /* integer grids up to this size are enumerated */
#define MAX_ROUNDS 3   /* continuous / integer alternations */
#define MAX_PASSES 50  /* integer local-search moves per round */

/* ------------------------------------------------------------- problem */

static int build(srch *q, const wx_opt_spec *s, double frontier_hi) {
  size_t n = s->n_vars;
  q->n = n;
  q->lo = calloc(4 * n + 2 * s->n_cons * n + 2 * s->n_cons + 4, sizeof(double));
  q->cont = calloc(n + 1, sizeof *q->cont);
  if (!q->lo || !q->cont) return WX_ENOMEM;
  q->hi = q->lo + n;
  q->x = q->hi + n;
  q->A = q->x + 2 * n;
  q->b = q->A + 2 * s->n_cons * n;
  for (size_t j = 0; j < n; j++) {
    q->lo[j] = s->v[j].f.lo;
    q->hi[j] = s->v[j].f.hi;
    if (!s->v[j].f.integer) q->cont[q->n_cont++] = j;
  }
  for (size_t i = 0; i < s->n_cons; i++) {
    const wx_opt_constraint *c = &s->c[i];
    double hi =
        (int)i == s->frontier && !isnan(frontier_hi) ? frontier_hi : c->hi;
    for (int side = 0; side < 2; side++) {
      double bound = side ? -c->lo : hi;
      if (!isfinite(bound)) continue;
      for (size_t j = 0; j < n; j++)
        q->A[q->rows * n + j] = side ? -c->w[j] : c->w[j];
      q->b[q->rows++] = bound;
    }
  }
  q->p = (wx_optim_problem){.n = n,
                            .lo = q->lo,
                            .hi = q->hi,
                            .A = q->A,
                            .b = q->b,
                            .n_ineq = q->rows};
  return WX_OK;
}

static void unbuild(srch *q) {
  free(q->lo);
  free(q->cont);
}

int wx__opt_feasible(const srch *q, const double *x) {
  for (size_t j = 0; j < q->n; j++)
    if (q->s->v[j].f.integer && x[j] != round(x[j])) return 0;
  return wx__optim_feasible(&q->p, x, 1e-9);
}

/* The base plan, pulled toward the lower corner when it is infeasible,
 * integers rounded down (toward the lower corner). */
static int start(srch *q, wx_opt_result *r) {
  const wx_opt_spec *s = q->s;
  for (size_t j = 0; j < q->n; j++) {
    double v = s->v[j].base;
    r->base_x[j] = v;
    q->x[j] = fmin(fmax(v, q->lo[j]), q->hi[j]);
  }
  if (wx__opt_feasible(q, q->x)) return WX_OK;
  if (!wx__opt_feasible(q, q->lo))
    return wx__diag(q->d, WX_ESCENARIO, s->file, 0, 0,
                    "no feasible starting plan: the base plan breaks a "
                    "constraint, and so do the variables' lower bounds");
  double t = wx__optim_pull_back(&q->p, q->lo, q->x);
  for (size_t j = 0; j < q->n; j++) {
    q->x[j] = q->lo[j] + t * (q->x[j] - q->lo[j]);
    if (s->v[j].f.integer) q->x[j] = floor(q->x[j] + 1e-9);
  }
  return wx__opt_feasible(q, q->x)
             ? WX_OK
             : wx__diag(q->d, WX_ESCENARIO, s->file, 0, 0,
                        "no feasible starting plan found");
}

/* ----------------------------------------------------------- objective */

static int trace_add(wx_opt_trace *t, size_t n, const double *x, double f,
                     double mean, double share) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    double *nx = realloc(t->x, cap * n * sizeof *nx);
    if (!nx) return WX_ENOMEM;
    t->x = nx;
    double *nf = realloc(t->f, 3 * cap * sizeof *nf);
    if (!nf) return WX_ENOMEM;
    /* f, mean and share live in one block: move the old columns apart */
    memmove(nf + 2 * cap, nf + 2 * t->cap, t->n * sizeof *nf);
    memmove(nf + cap, nf + t->cap, t->n * sizeof *nf);
    t->f = nf;
    t->mean = nf + cap;
    t->share = nf + 2 * cap;
    t->cap = cap;
  }
  memcpy(t->x + t->n * n, x, n * sizeof *x);
  t->f[t->n] = f;
  t->mean[t->n] = mean;
  t->share[t->n] = share;
  t->n++;
  return WX_OK;
}

/* The value to minimise: the KPI in the objective's sense, less a penalty
 * proportional to the missing probability of the chance constraint. */
double wx__opt_score(const srch *q, const wx_opt_sample *smp) {
  const wx_opt_spec *s = q->s;
  if (!isfinite(smp->mean)) return HUGE_VAL;
  double f = -s->sense * smp->mean;
  if (s->target && smp->share < s->p) f += q->penalty * (s->p - smp->share);
  return f;
}

static int plan_value(srch *q, const double *x, double *f) {
  for (size_t i = 0; i < q->tr->n; i++) /* CRN: the same plan, the same f */
    if (!memcmp(q->tr->x + i * q->n, x, q->n * sizeof *x)) {
      *f = q->tr->f[i];
      return WX_OK;
    }
  wx_opt_sample smp;
  int rc = wx__opt_evaluate(q->ev, x, wx__opt_seed(q->ev), wx__opt_reps(q->ev),
                            &smp, q->d);
  if (rc != WX_OK) return rc;
  *f = wx__opt_score(q, &smp);
  rc = trace_add(q->tr, q->n, x, *f, smp.mean, smp.share);
  wx__opt_sample_free(&smp);
  if (q->o && q->o->progress)
    q->o->progress(q->o->progress_ctx, "search", (unsigned)q->tr->n);
  return rc;
}

/* ---------------------------------------------------------- continuous */

typedef struct {
  srch *q;
  double *full;
} sub;

static int sub_value(void *ctx, const double *y, double *f) {
  sub *c = ctx;
  for (size_t k = 0; k < c->q->n_cont; k++) c->full[c->q->cont[k]] = y[k];
  return plan_value(c->q, c->full, f);
}

/* NLopt over the continuous variables, the integers fixed at q->x. */
static int continuous(srch *q, unsigned max_evals) {
  size_t m = q->n_cont, n = q->n;
  double *w = calloc(5 * m + q->rows * (m + 1) + n + 1, sizeof *w);
  if (!w) return WX_ENOMEM;
  double *lo = w, *hi = w + m, *y = w + 2 * m, *step = w + 3 * m;
  double *A = w + 5 * m, *b = A + q->rows * m, *full = b + q->rows;
  memcpy(full, q->x, n * sizeof *full);
  for (size_t k = 0; k < m; k++) {
    size_t j = q->cont[k];
    lo[k] = q->lo[j];
    hi[k] = q->hi[j];
    y[k] = q->x[j];
    /* a quarter of the range; NLopt refuses a zero step (lo == hi) */
    step[k] = fmax((hi[k] - lo[k]) / 4, 1e-9 * (1 + fabs(y[k])));
  }
  for (size_t i = 0; i < q->rows; i++) { /* the integers' share moves to b */
    b[i] = q->b[i];
    for (size_t j = 0; j < n; j++)
      if (q->s->v[j].f.integer) b[i] -= q->A[i * n + j] * q->x[j];
    for (size_t k = 0; k < m; k++) A[i * m + k] = q->A[i * n + q->cont[k]];
  }
  wx_optim_problem p = {.n = m,
                        .lo = lo,
                        .hi = hi,
                        .A = A,
                        .b = b,
                        .n_ineq = q->rows,
                        .algorithm = q->s->algorithm,
                        .max_evals = max_evals,
                        .xtol_rel = 1e-3,
                        .step = step,
                        .seed = wx__opt_seed(q->ev)};
  sub c = {q, full};
  wx_optim_result res;
  char msg[256];
  int rc = wx__optim_minimise(&p, sub_value, &c, y, &res, msg, sizeof msg);
  if (rc == -5 || rc == -1)
    rc = wx__diag(q->d, rc, q->s->file, 0, 0, "optimiser: %s", msg);
  if (rc == WX_OK)
    for (size_t k = 0; k < m; k++) q->x[q->cont[k]] = y[k];
  free(w);
  return rc;
}

/* ------------------------------------------------------------- integer */

/* Best-improvement moves of one integer by +-step while one improves. */
static int moves(srch *q, double step, double *fx, int *moved) {
  double *y = malloc(2 * q->n * sizeof *y), *best = y + q->n, fy;
  if (!y) return WX_ENOMEM;
  int rc = WX_OK;
  for (int pass = 0; rc == WX_OK && pass < MAX_PASSES; pass++) {
    double fb = *fx;
    for (size_t j = 0; rc == WX_OK && j < q->n; j++) {
      if (!q->s->v[j].f.integer || step > q->hi[j] - q->lo[j]) continue;
      for (int dir = -1; rc == WX_OK && dir <= 1; dir += 2) {
        memcpy(y, q->x, q->n * sizeof *y);
        y[j] += dir * step;
        if (!wx__opt_feasible(q, y)) continue;
        rc = plan_value(q, y, &fy);
        if (rc == WX_OK && fy < fb - 1e-12 * (1 + fabs(fb))) {
          fb = fy;
          memcpy(best, y, q->n * sizeof *y);
        }
      }
    }
    if (rc != WX_OK || !(fb < *fx)) break;
    memcpy(q->x, best, q->n * sizeof *best);
    *fx = fb;
    *moved = 1;
  }
  free(y);
  return rc;
}

/* A pattern search on the integer lattice: moves by a quarter of the
 * widest integer range, halved down to 1, so a wide count (a budget in
 * whole CNY) does not crawl by ones; it ends at a point no +-1 move of a
 * single integer improves (a local optimum of the lattice). */
static int local_search(srch *q, int *moved) {
  double fx, wide = 1;
  for (size_t j = 0; j < q->n; j++)
    if (q->s->v[j].f.integer) wide = fmax(wide, q->hi[j] - q->lo[j]);
  int rc = plan_value(q, q->x, &fx);
  *moved = 0;
  for (double step = fmax(1, floor(wide / 4)); rc == WX_OK;
       step = floor(step / 2)) {
    rc = moves(q, step, &fx, moved);
    if (step <= 1) break;
  }
  return rc;
}

/* Every feasible point of a small all-integer grid. */
static size_t grid_size(const srch *q) {
  size_t g = 1;
  for (size_t j = 0; j < q->n; j++) {
    double w = floor(q->hi[j]) - ceil(q->lo[j]) + 1;
    if (!(w >= 1) || w > MAX_ENUM || (double)g * w > MAX_ENUM) return 0;
    g *= (size_t)w;
  }
  return g;
}

static int enumerate(srch *q, size_t g) {
  double *y = malloc(q->n * sizeof *y), fb = HUGE_VAL, f;
  if (!y) return WX_ENOMEM;
  int rc = plan_value(q, q->x, &fb);
  for (size_t k = 0; rc == WX_OK && k < g; k++) {
    size_t r = k;
    for (size_t j = q->n; j-- > 0;) {
      size_t w = (size_t)(floor(q->hi[j]) - ceil(q->lo[j]) + 1);
      y[j] = ceil(q->lo[j]) + (double)(r % w);
      r /= w;
    }
    if (!wx__opt_feasible(q, y)) continue;
    rc = plan_value(q, y, &f);
    if (rc == WX_OK && f < fb) {
      fb = f;
      memcpy(q->x, y, q->n * sizeof *y);
    }
  }
  free(y);
  return rc;
}

static int optimise(srch *q) {
  size_t g = q->n_cont ? 0 : grid_size(q);
  if (g) return enumerate(q, g);
  int rc = WX_OK, moved = 1;
  unsigned budget = q->s->max_evals;
  for (int round = 0; rc == WX_OK && moved && round < MAX_ROUNDS; round++) {
    if (q->n_cont) rc = continuous(q, round ? budget / 2 + 1 : budget);
    moved = 0;
    if (rc == WX_OK && q->n_cont < q->n) rc = local_search(q, &moved);
    if (!q->n_cont) break; /* the local search already converged */
  }
  return rc;
}

/* -------------------------------------------------------------- public */

static int run_search(wx_opt_evaluator *ev, const wx_opt_spec *s,
                      const wx_opt_search_options *o, double frontier_hi,
                      srch *q, wx_opt_result *r, wx_diags *d) {
  *q = (srch){.ev = ev, .s = s, .o = o, .d = d, .tr = &r->trace};
  int rc = build(q, s, frontier_hi);
  if (rc == WX_OK) {
    r->base_x = calloc(2 * s->n_vars + 1, sizeof *r->base_x);
    if (!r->base_x)
      rc = WX_ENOMEM;
    else
      r->x = r->base_x + s->n_vars;
  }
  if (rc == WX_OK) rc = start(q, r);
  double f0 = 0;
  if (rc == WX_OK) rc = plan_value(q, q->x, &f0);
  if (rc == WX_OK && s->target) {
    /* missing one replication's worth of probability costs more than the
     * whole objective at the start (scored again now that the scale is
     * known): the search never trades the chance constraint for the KPI */
    wx_opt_sample first = {.mean = r->trace.mean[0],
                           .share = r->trace.share[0]};
    q->penalty = 10.0 * wx__opt_reps(ev) * (fabs(first.mean) + 1);
    r->trace.f[0] = wx__opt_score(q, &first);
  }
  if (rc == WX_OK) rc = optimise(q);
  if (rc == WX_OK) {
    memcpy(r->x, q->x, s->n_vars * sizeof *r->x);
    rc = plan_value(q, q->x, &r->f_search);
    r->evals = (unsigned)r->trace.n;
  }
  return rc;
}

int wx__opt_search(wx_opt_evaluator *ev, const wx_opt_spec *s,
                   const wx_opt_search_options *o, wx_opt_result *r,
                   wx_diags *d) {
  *r = (wx_opt_result){0};
  srch q;
  int rc = run_search(ev, s, o, NAN, &q, r, d);
  if (rc == WX_OK) rc = wx__opt_validate(&q, r);
  if (rc == WX_OK) wx__opt_snap(&q, r->x);
  if (rc == WX_OK) rc = wx__opt_confirm(&q, r);
  unbuild(&q);
  return rc;
}

int wx__opt_frontier(wx_opt_evaluator *ev, const wx_opt_spec *s,
                     const wx_opt_search_options *o,
                     wx_opt_frontier_point **out, size_t *n, wx_diags *d) {
  *out = NULL;
  *n = 0;
  if (s->frontier < 0 || !s->n_frontier) return WX_OK;
  wx_opt_frontier_point *fp = calloc(s->n_frontier, sizeof *fp);
  if (!fp) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t i = 0; rc == WX_OK && i < s->n_frontier; i++) {
    wx_opt_result r = {0};
    srch q;
    rc = run_search(ev, s, o, s->frontier_at[i], &q, &r, d);
    wx_opt_sample smp;
    if (rc == WX_OK)
      rc = wx__opt_evaluate(ev, r.x, wx__opt_seed(ev), wx__opt_reps(ev), &smp,
                            d);
    if (rc == WX_OK) {
      fp[i].bound = s->frontier_at[i];
      wx__opt_kpi_ci(ev, &smp, &fp[i].ci);
      wx__opt_sample_free(&smp);
      fp[i].x = r.x == NULL ? NULL : malloc(s->n_vars * sizeof *fp[i].x);
      if (!fp[i].x)
        rc = WX_ENOMEM;
      else
        memcpy(fp[i].x, r.x, s->n_vars * sizeof *fp[i].x);
      *n = i + 1;
    }
    unbuild(&q);
    wx__opt_result_free(&r);
  }
  if (rc != WX_OK) {
    wx__opt_frontier_free(fp, *n);
    fp = NULL;
    *n = 0;
  }
  *out = fp;
  return rc;
}

void wx__opt_frontier_free(wx_opt_frontier_point *f, size_t n) {
  for (size_t i = 0; f && i < n; i++) free(f[i].x);
  free(f);
}

void wx__opt_result_free(wx_opt_result *r) {
  if (!r) return;
  free(r->base_x);
  free(r->trace.x);
  free(r->trace.f);
  free(r->cand_x);
  free(r->cand_mean);
  *r = (wx_opt_result){0};
}
