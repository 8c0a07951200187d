/*
 * Budget and channel-mix optimisation (`wxflow optimize FILE`,
 * docs/optimize.md).  An optimisation file names a base scenario, decision
 * variables (dotted paths with bounds, integer where they are counts),
 * linear constraints over them, an objective (maximise or minimise a KPI)
 * and optionally a chance constraint (a target reached by a day with
 * probability >= p).
 *
 * Evaluation: a variable that is a model parameter is set in memory
 * (wx_param_set); any other (account counts, dates) recompiles the base
 * tree with "%.17g" overrides, as a comparison variant does.  Every
 * evaluation of the search uses the same seed and replications (common
 * random numbers), so the objective is a deterministic function of the
 * plan and differences between plans are not drowned in noise.
 *
 * Search (optimize_search.c): NLopt (sim/optim.h) over the continuous
 * variables with the integer ones fixed, then a local search over +-1
 * neighbours of the integers (or full enumeration when their grid is
 * small and nothing is continuous), alternating until neither improves.
 * The optimiser's curse (the best of many noisy plans looks better than it
 * is) is guarded against by re-evaluating the best few plans on fresh
 * seeds, choosing among them there, and reporting the chosen plan's gain
 * over the base plan from a third, independent set of seeds, paired
 * (same seeds for plan and base).
 *
 * Files: optimize_spec.c (the file), optimize_eval.c (plans -> KPIs),
 * optimize_search.c (search, frontier), optimize_validate.c (fresh seeds,
 * confirmation), optimize_curves.c (response curves), optimize_out.c
 * (outputs), plot_optimize.c (charts); the CLI is cli_optimize.c.
 */
#ifndef WX_OPTIMIZE_H
#define WX_OPTIMIZE_H

#include <stddef.h>
#include <stdint.h>

#include "compare.h"
#include "study.h"
#include "wxflow/wxflow.h"

typedef struct {
  wx_study_factor f; /* path, name, range [lo, hi], integer, position */
  int param;         /* model parameter index; -1: structural */
  double base;       /* the base scenario's value */
} wx_opt_var;

/* sum_j w[j] x[j] within [lo, hi] (either may be infinite). */
typedef struct {
  char *name;
  int line, col;
  double *w; /* n_vars weights */
  double lo, hi;
} wx_opt_constraint;

typedef struct {
  char *file, *title;
  char hash[17];
  char *base; /* scenario file, relative paths resolved */
  int base_line, base_col;
  wx_opt_var *v;
  size_t n_vars;
  wx_opt_constraint *c;
  size_t n_cons;
  char *kpi; /* objective KPI */
  int sense; /* +1 maximise, -1 minimise */
  int obj_line, obj_col;
  char *target;          /* chance constraint: target name, or NULL */
  double by, p;          /* ... reached by day `by` with probability >= p */
  char algorithm[16];    /* optim.h name; default cobyla */
  unsigned max_evals;    /* per NLopt run (default 40 (n + 1)) */
  uint32_t replications; /* search; 0: the base's */
  int seed_set;
  uint64_t seed;
  unsigned validate_reps; /* fresh-seed replications (default 2x search) */
  unsigned best;          /* plans re-evaluated (default 3) */
  int frontier;           /* index of the constraint varied, or -1 */
  double *frontier_at;    /* its upper bounds */
  size_t n_frontier;
  unsigned curve_points; /* per variable (default 7) */
} wx_opt_spec;

int wx__opt_spec_load(const char *path, wx_opt_spec **out, wx_diags *d);
int wx__opt_spec_parse(const char *name, const char *data, size_t len,
                       wx_opt_spec **out, wx_diags *d);
void wx__opt_spec_free(wx_opt_spec *s);

/* ------------------------------------------------------------ evaluation */

typedef struct wx_opt_evaluator wx_opt_evaluator;

typedef struct {
  const char *engine; /* NULL: the scenario's */
  unsigned threads;
  double memory_budget;
  double horizon; /* days; 0: the scenario's (a run option) */
  const atomic_int *stop;
} wx_opt_run_options;

/* Reads the base, resolves each variable (parameter or structural; it
 * must exist in the base, whose value becomes the variable's base),
 * checks the objective KPI and the target.  Errors are positioned in the
 * optimisation file.  Fills s->v[*].param and .base. */
int wx__opt_evaluator_new(wx_opt_spec *s, const wx_opt_run_options *o,
                          wx_opt_evaluator **out, wx_diags *d);
void wx__opt_evaluator_free(wx_opt_evaluator *ev);

/* One plan on `reps` replications from `seed`: per replication, the
 * objective KPI (and, for a ratio KPI, its numerator and denominator) and
 * whether the chance target was reached by `by` (NaN without one). */
typedef struct {
  unsigned n;
  double *kpi, *num, *den, *hit; /* n each */
  double mean;  /* objective KPI as `wxflow run` summarises it */
  double share; /* of hits; NaN without a chance constraint */
} wx_opt_sample;

int wx__opt_evaluate(wx_opt_evaluator *ev, const double *x, uint64_t seed,
                     unsigned reps, wx_opt_sample *out, wx_diags *d);
void wx__opt_sample_free(wx_opt_sample *s);
/* The objective KPI's mean and 95% interval over a sample (a ratio KPI
 * by the delta method). */
void wx__opt_kpi_ci(const wx_opt_evaluator *ev, const wx_opt_sample *a,
                    wx_ci *out);
/* Whether the objective KPI is a ratio (cac, roi): its paired intervals
 * then come from wx__ci_ratio_diff of num / den. */
int wx__opt_ratio(const wx_opt_evaluator *ev, double *shift);
uint64_t wx__opt_seed(const wx_opt_evaluator *ev);
unsigned wx__opt_reps(const wx_opt_evaluator *ev);
/* The base scenario's text with x written over each variable's value (a
 * ready-to-run scenario, comments kept): malloc'd, or NULL (message in d). */
char *wx__opt_plan_text(wx_opt_evaluator *ev, const double *x, size_t *len,
                        wx_diags *d);

/* ---------------------------------------------------------------- search */

/* Every evaluation of the search, in order. */
typedef struct {
  double *x; /* n x n_vars */
  double *f; /* search objective (to minimise; penalised) */
  double *mean, *share;
  size_t n, cap;
} wx_opt_trace;

typedef struct {
  double *base_x, *x; /* n_vars each: the base plan and the chosen one */
  double f_search;    /* the chosen plan's objective on the search seeds */
  wx_opt_trace trace;
  /* fresh seeds (validation): candidates, their means, the chosen one */
  size_t n_cand;
  double *cand_x, *cand_mean, *cand_share;
  /* confirmation seeds: base and plan, paired gain */
  wx_ci base_ci, plan_ci, gain;
  wx_ci base_share, plan_share; /* chance constraint; n = 0 without */
  int improved; /* the gain is significant in the objective's sense */
  unsigned evals;
} wx_opt_result;

typedef struct {
  void (*progress)(void *ctx, const char *phase, unsigned evals);
  void *progress_ctx;
} wx_opt_search_options;

/* Searches, validates and confirms (see the file comment). */
int wx__opt_search(wx_opt_evaluator *ev, const wx_opt_spec *s,
                   const wx_opt_search_options *o, wx_opt_result *r,
                   wx_diags *d);
void wx__opt_result_free(wx_opt_result *r);

/* Response curves: every variable over its range (curve_points values,
 * the others at x), on the search seeds; infeasible points are marked. */
typedef struct {
  size_t var;
  double value;
  int feasible;
  wx_ci ci; /* objective KPI mean and 95% interval */
} wx_opt_curve_point;

int wx__opt_curves(wx_opt_evaluator *ev, const wx_opt_spec *s, const double *x,
                   wx_opt_curve_point **out, size_t *n, wx_diags *d);

/* The efficient frontier: the search again at each frontier bound. */
typedef struct {
  double bound;
  double *x; /* n_vars */
  wx_ci ci;  /* objective on the search seeds at the optimum */
} wx_opt_frontier_point;

int wx__opt_frontier(wx_opt_evaluator *ev, const wx_opt_spec *s,
                     const wx_opt_search_options *o,
                     wx_opt_frontier_point **out, size_t *n, wx_diags *d);
void wx__opt_frontier_free(wx_opt_frontier_point *f, size_t n);

/* ---------------------------------------------------------------- output */

/* Refuses a directory in use (WX_EEXISTS) unless force, then creates it:
 * called before the search, so that no work is lost to a refusal. */
int wx__opt_prepare_dir(const char *dir, int force, wx_diags *d);

typedef struct {
  wx_opt_evaluator *ev;
  const wx_opt_spec *s;
  const wx_opt_result *r;
  const wx_opt_curve_point *cp;
  size_t n_cp;
  const wx_opt_frontier_point *fp;
  size_t n_fp;
} wx_opt_outputs;

/* Writes into dir: plan.yaml (a ready-to-run scenario), allocation.csv,
 * evaluations.csv, validation.csv, curves.csv, frontier.csv (with a
 * frontier) and manifest.json, each under a temporary name, renamed. */
int wx__opt_write(const wx_opt_outputs *o, const char *dir, wx_diags *d);

#endif
