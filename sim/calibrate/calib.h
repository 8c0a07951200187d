/*
 * Calibration (`wxflow calibrate`, docs/calibrate.md): fits the free
 * parameters of a scenario to observed daily counts.
 *
 * A calibration file names a base scenario, free parameters (dotted paths
 * read like study factors: a range, or a distribution used as a prior) and
 * a CSV of observations (day or date, metric, value).  The point fit
 * minimises a deviance between the observed daily counts and the mean of
 * the simulated ones over R replications, with common random numbers
 * (replications 0..R-1 of one seed at every evaluation, so the loss is a
 * deterministic function of the parameters), by an NLopt derivative-free
 * algorithm in a transformed space (logit for shares, log for positive
 * ranges).  Uncertainty comes from a parametric bootstrap: datasets drawn
 * as single replications of the fitted model are refitted, each refit
 * with replications of its own, so that the refits' spread holds the
 * data's noise and the Monte Carlo error of the simulated mean alike.
 * Replications of the one seed (streams are per replication, so distinct
 * indices are independent):
 *   0 .. R-1                     the point fit
 *   R + b                        bootstrap dataset b (b < B)
 *   R + B + j                    prediction j (j < P = max(B, 40))
 *   R + B + P + b R .. + R - 1   the refit of dataset b
 *
 * Files: calib_spec.c (the file), calib_data.c (the CSV), calib_loss.c
 * (deviances, transforms), calib_sim.c (evaluations), calib_fit.c (NLopt),
 * calib_boot.c (bootstrap, intervals, prediction), calib_out.c and
 * calib_scen.c (the results directory), plot_calib.c (charts).
 */
#ifndef WX_CALIB_H
#define WX_CALIB_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "study.h"
#include "wxflow/wxflow.h"

/* ------------------------------------------------------------------ loss */

typedef enum {
  WX_LOSS_POISSON, /* Poisson deviance (default) */
  WX_LOSS_NEGBIN,  /* negative-binomial deviance, size = dispersion */
  WX_LOSS_WLS      /* weighted least squares, weights 1 / max(mu, 1) */
} wx_loss_kind;

/* Floor of a simulated mean in a deviance: a day the model says cannot
 * happen (mu = 0) but did costs a large, finite amount. */
#define WX_CALIB_MU_MIN 1e-3

/* One day's contribution: y observed (>= 0), mu simulated mean. */
double wx__calib_dev1(wx_loss_kind k, double dispersion, double y, double mu);
/* Sum over the n days where y is finite. */
double wx__calib_deviance(wx_loss_kind k, double dispersion, const double *y,
                          const double *mu, size_t n);

typedef enum { WX_TF_LINEAR, WX_TF_LOG, WX_TF_LOGIT } wx_calib_tf;

/* The optimiser's coordinate z of a value x, and back. */
double wx__calib_to_z(wx_calib_tf t, double x);
double wx__calib_from_z(wx_calib_tf t, double z);

/* ------------------------------------------------------------------ spec */

typedef struct {
  char *ref;               /* as written: "module.oa.joins" or "oa.joins" */
  int line, col;           /* of its first row's metric field in the CSV */
  int first_row_line;      /* the first row, for day errors */
  int last_line, last_col; /* the row of the latest day (horizon errors) */
  size_t n_days;           /* y covers days 1..n_days */
  double *y;               /* y[d - 1]: count on day d; NaN when not observed */
  size_t n_obs;
  int column; /* evaluation column, set by wx__calib_bind */
} wx_calib_series;

typedef struct wx_calib_algo {
  const char *name;
  int global; /* a global search, polished by the local `sbplx` */
  int nlopt;  /* nlopt_algorithm */
  const char *summary;
} wx_calib_algo;

const wx_calib_algo *wx__calib_algo_find(const char *name);
size_t wx__calib_algo_count(void);
const wx_calib_algo *wx__calib_algo_at(size_t i);

typedef struct {
  char *file;
  char *title; /* NULL when not given */
  char hash[17];
  char *base; /* scenario file, resolved against the file's dir */
  int base_line, base_col;
  wx_study_factor *f; /* the free parameters: range or dist (a prior) */
  wx_calib_tf *tf;
  size_t k;
  char *data; /* the CSV, resolved */
  int data_line, data_col;
  int cumulative; /* counts: cumulative (else daily) */
  int has_start;
  long start; /* days since 1970-01-01 of day 1, for dates */
  wx_calib_series *s;
  size_t n_series;
  wx_loss_kind loss;
  double dispersion; /* negbin size */
  const wx_calib_algo *algo;
  unsigned max_evals; /* per fit (default 400) */
  unsigned bootstrap; /* refits (default 40; 0: no intervals) */
  double level;       /* interval level (default 0.9) */
  double holdout;     /* days held out at the end; 0: none */
  int holdout_line, holdout_col;
  uint32_t replications; /* 0: the base scenario's */
  int seed_set;
  uint64_t seed;
} wx_calib_spec;

/* Reads a calibration file (top-level key `calibrate`) and its CSV; every
 * problem is reported as file:line:col (the CSV's own line and column for
 * bad data).  WX_OK, WX_EIO, WX_ENOTFOUND, WX_EYAML, WX_ESCENARIO,
 * WX_ENOMEM. */
int wx__calib_spec_load(const char *path, wx_calib_spec **out, wx_diags *d);
int wx__calib_spec_parse(const char *name, const char *text, size_t len,
                         wx_calib_spec **out, wx_diags *d);
void wx__calib_spec_free(wx_calib_spec *s);

/* calib_data.c: the CSV into s->s (called by the loader). */
int wx__calib_data_parse(wx_calib_spec *s, const char *name, const char *text,
                         size_t len, wx_diags *d);
/* "2026-03-01" -> days since 1970-01-01; 0 when not a valid date. */
int wx__calib_parse_date(const char *s, long *days);

/* ------------------------------------------------------------ evaluation */

typedef struct {
  const wx_model *m;
  const wx_calib_spec *s;
  unsigned *param; /* k parameter indices */
  unsigned reps, threads;
  uint64_t seed;
  size_t days;      /* simulated days 1..days (horizon of every run) */
  unsigned *sample; /* sample index of day d = 0..days */
  const atomic_int *stop;
  const char *engine;
  double memory_budget;
} wx_calib_sim;

/* Checks the spec against the model (parameters that exist and are plain
 * numbers in the scenario file, metrics the model reports, days inside
 * the horizon) and sets up c.  Errors positioned in the calibration file
 * or the CSV.  Free with wx__calib_sim_clear. */
int wx__calib_bind(wx_calib_sim *c, const wx_model *m, wx_calib_spec *s,
                   wx_diags *d);
void wx__calib_sim_clear(wx_calib_sim *c);

/* Mean over replications [first, first + n) of each series' cumulative
 * count at the end of every day: cum[series * (days + 1) + d], d = 0..days
 * (d = 0: the start).  x holds the k parameter values. */
int wx__calib_simulate(const wx_calib_sim *c, const double *x, unsigned first,
                       unsigned n, double *cum, wx_diags *d);

/* ------------------------------------------------------------------- fit */

typedef struct {
  double *x;    /* evals x k values tried */
  double *loss; /* evals */
  size_t n, cap;
} wx_calib_trace;

typedef struct {
  const wx_calib_sim *sim;
  const double *y;     /* n_series x days observed daily counts (NaN: none) */
  size_t fit_days;     /* days used by the loss: 1..fit_days */
  const double *start; /* k start values */
  unsigned first_rep;  /* the fit's replications: first_rep .. + reps */
  unsigned max_evals;
  const wx_calib_algo *algo;
  int local_only; /* skip a global algorithm's search (bootstrap refits) */
  wx_calib_trace *trace; /* may be NULL */
} wx_calib_problem;

/* Minimises the loss; x (k values) and *loss receive the best point and
 * *evals the evaluations made.  WX_OK, WX_EINTERRUPTED, WX_ERUNTIME (NLopt
 * failed), or an evaluation's error. */
int wx__calib_fit(const wx_calib_problem *p, double *x, double *loss,
                  unsigned *evals, wx_diags *d);
/* The loss at x (deviance plus -2 log prior density of dist factors). */
int wx__calib_loss_at(const wx_calib_problem *p, const double *x, double *loss,
                      wx_diags *d);
void wx__calib_trace_free(wx_calib_trace *t);
/* y[series * days + d - 1] from the spec's series (NaN where unobserved). */
double *wx__calib_observed(const wx_calib_sim *c);

/* ------------------------------------------------------------ uncertainty */

typedef struct {
  double *x_hat; /* k */
  double loss;
  unsigned evals;
  size_t fit_days;
  unsigned B;        /* bootstrap refits that succeeded */
  double *xb;        /* B x k refitted values */
  double *lo, *hi;   /* k: the interval at s->level */
  double *sd_z;      /* k: bootstrap sd on the optimiser's scale */
  double *at_bound;  /* k: share of refits at a bound */
  double *rise;      /* k: loss rise at 10% and 90% of the search range
                        on the optimiser's scale, the others at the
                        estimate: the larger of the two */
  int *unidentified; /* k: flat slice, or refits at the bounds */
  double *corr;      /* k x k correlations of the refits (scale z) */
  /* Prediction: daily counts of every series, quantiles 5/50/95 % over
   * n_pred simulations (parameters from the refits, one replication each). */
  double *q5, *q50, *q95; /* n_series x days */
  double coverage;        /* held-out share inside the interval; NaN none */
  size_t held_out, covered;
  wx_calib_trace trace;
} wx_calib_result;

/* A slice rising less than this (the chi-squared 90% point, 1 degree of
 * freedom) from the estimate to either end of the range is flat. */
#define WX_CALIB_FLAT 2.706

/* The whole calibration: fit, bootstrap, prediction. */
int wx__calib_run(const wx_calib_sim *c, wx_calib_result *r, wx_diags *d);
void wx__calib_result_free(wx_calib_result *r);

/* --------------------------------------------------------------- outputs */

typedef struct {
  const char *out_dir;
  int force;
} wx_calib_out_opts;

/* fit.csv, correlations.csv, loss_trace.csv, calib_fit.csv, calibrated
 * scenario, under temporary names renamed into place. */
int wx__calib_write(const wx_calib_sim *c, const wx_calib_result *r,
                    const wx_calib_out_opts *o, wx_diags *d);
/* The base scenario's text with every free parameter replaced by a prior
 * fitted to the refits (beta for shares, lognormal for log-scale
 * parameters, normal otherwise), or by the estimate without refits. */
int wx__calib_scenario_text(const wx_calib_sim *c, const wx_calib_result *r,
                            char **text, wx_diags *d);

#endif
