/* Internals shared by optimize_search.c and optimize_validate.c. */
#ifndef WX_OPTIMIZE_INT_H
#define WX_OPTIMIZE_INT_H

#include "optim.h"
#include "optimize.h"

/* One search: the problem in full (A x <= b over every variable), the
 * current plan and the trace it appends to. */
typedef struct {
  wx_opt_evaluator *ev;
  const wx_opt_spec *s;
  const wx_opt_search_options *o;
  wx_diags *d;
  wx_opt_trace *tr;
  size_t n;
  double *lo, *hi, *A, *b; /* the full problem: A x <= b */
  size_t rows;
  wx_optim_problem p;
  double penalty; /* per unit of missing chance probability */
  double *x;      /* current plan */
  size_t *cont;   /* continuous variables */
  size_t n_cont;
} srch;

/* x keeps the bounds, the constraints, and integers are whole. */
int wx__opt_feasible(const srch *q, const double *x);
/* The value the search minimises: the KPI in the objective's sense plus
 * the chance constraint's penalty. */
double wx__opt_score(const srch *q, const wx_opt_sample *smp);
/* Validation: the best distinct plans of the trace on fresh seeds; the
 * chosen one into r->x. */
int wx__opt_validate(srch *q, wx_opt_result *r);
/* x as plan.yaml writes it (12 significant digits), when that is feasible. */
void wx__opt_snap(const srch *q, double *x);
/* The chosen plan and the base on a third set of seeds, paired. */
int wx__opt_confirm(srch *q, wx_opt_result *r);

#endif
