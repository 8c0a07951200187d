/*
 * Studies (`wxflow sweep`, `wxflow sensitivity`): the engine-independent
 * core.  A study file (docs/study.md) names a base scenario and factors
 * (dotted paths with a range, levels or a distribution); a design turns
 * them into points; every point is evaluated (replications per point,
 * common random numbers) into a matrix Y; a method turns Y into index rows
 * (factor, KPI, index, value, 95% interval).
 *
 * Nothing here knows about engines: points are plain numbers in the unit a
 * bare number has in a scenario (days, per day, shares in [0, 1], counts,
 * per month for monthly costs), so a structural factor can be written back
 * into the scenario tree as "%.17g" text, and evaluation is either done by
 * the caller (fill Y in the layout below) or through a callback
 * (wx__study_evaluate).
 *
 * Y layout: Y[(point * n_kpi + kpi) * n_rep + rep], one value per
 * replication (NaN = not available).  Methods other than tornado use the
 * mean over the finite replications of a point.  A point with no finite
 * value (e.g. not run after an interrupt) is skipped: Sobol drops its row
 * of A/B/AB_i, Morris its elementary effects, PRCC its row, the tornado
 * its pairs.  A point's KPI mean and 95% interval for study.csv is
 * wx__ci_mean(Y + (point * n_kpi + kpi) * n_rep, n_rep, &ci) (compare.h).
 *
 * Files: study_spec.c (the file), study_factor.c (factors: reading one and
 * mapping the unit cube to its values), study_design.c (designs),
 * study_methods.c (tornado, Morris, the method table), study_sobol.c
 * (Saltelli/Jansen indices, bootstrap); rank correlations are
 * stats/prcc.c (runs use them too).
 */
#ifndef WX_STUDY_H
#define WX_STUDY_H

#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"
#include "prcc.h"

/* ---------------------------------------------------------------- factors */

typedef enum {
  WX_FACTOR_RANGE,  /* range: [lo, hi] (uniform over it in random designs) */
  WX_FACTOR_LEVELS, /* levels: [a, b, ...] (equally likely) */
  WX_FACTOR_DIST    /* dist: normal(m, sd) and friends */
} wx_factor_kind;

typedef enum {
  WX_FDIST_UNIFORM,   /* a = low, b = high */
  WX_FDIST_NORMAL,    /* a = mean, b = sd */
  WX_FDIST_LOGNORMAL, /* a = median, b = sigma of the log */
  WX_FDIST_TRIANGULAR /* a = low, c = mode, b = high */
} wx_fdist;

typedef struct {
  char *path;    /* dotted scenario path, "flows.oa_to_sdr.p" */
  char *name;    /* short label: `name:` or the path */
  int line, col; /* of the factor's key in the study file */
  wx_factor_kind kind;
  double lo, hi;  /* RANGE bounds; for LEVELS min and max level */
  double *levels; /* LEVELS, in the order written */
  size_t n_levels;
  wx_fdist dist; /* DIST */
  double a, b, c;
  int log_scale; /* scale: log (RANGE, lo > 0) */
  int integer;   /* integer: true (values are rounded counts) */
  int base_set;  /* base: given; else the scenario's nominal */
  double base;
  unsigned grid; /* grid: N levels in a grid design; 0: the design's */
} wx_study_factor;

/* The factor's value at unit coordinate u in [0, 1]: RANGE linear or
 * logarithmic in u (integer: each whole value lo..hi gets an equal share of
 * [0, 1]); LEVELS level floor(u * n); DIST the quantile (u kept inside
 * [1e-9, 1 - 1e-9], so that the ends of a grid or an OAT stay finite). */
double wx__factor_value(const wx_study_factor *f, double u);
/* The unit coordinates of the factor's low and high end in OAT and
 * tornado: 0 and 1, or the 5% and 95% quantiles of a distribution. */
void wx__factor_ends(const wx_study_factor *f, double *u_lo, double *u_hi);
/* A number in planner units (3d, 0.5/d, 1.3%, 200k, 3000/month or plain)
 * in the unit a bare number has in a scenario; 1 when s is one. */
int wx__study_number(const char *s, double *x);

/* ------------------------------------------------------------------ spec */

typedef struct wx_study_spec wx_study_spec;
typedef struct wx_study_design wx_study_design;
typedef struct wx_study_design_type wx_study_design_type;
typedef struct wx_study_method_type wx_study_method_type;

struct wx_study_spec {
  char *file;    /* the study file */
  char *title;   /* NULL when not given */
  char hash[17]; /* FNV-1a 64 of the study file */
  char *base;    /* scenario file, relative paths resolved */
  int base_line, base_col;
  wx_study_factor *f;
  size_t n_factors;
  const wx_study_design_type *design;
  size_t n;               /* lhs/sobol/random: points; saltelli: N; morris: r */
  unsigned grid_levels;   /* grid: levels of a range factor (default 5) */
  unsigned morris_levels; /* morris: p, even (default 4) */
  const wx_study_method_type *method; /* NULL: a sweep */
  unsigned bootstrap;    /* sobol: resamples for the intervals (default 500) */
  uint32_t replications; /* 0: the base scenario's */
  int seed_set;
  uint64_t seed;
  char **kpis; /* KPIs to report; n_kpis == 0: all */
  size_t n_kpis;
  struct {
    int line, col;
  } * kpi_pos; /* of each kpis item, for errors */
};

/* Reads a study file (YAML, top-level key `study`).  Every problem goes to
 * d as file:line:col with a suggestion for misspelt keys and names.
 * Returns WX_OK, WX_EIO, WX_EYAML, WX_ESCENARIO or WX_ENOMEM. */
int wx__study_spec_load(const char *path, wx_study_spec **out, wx_diags *d);
/* The same from text (name is used in messages; relative `base` paths are
 * resolved against its directory). */
int wx__study_spec_parse(const char *name, const char *data, size_t len,
                         wx_study_spec **out, wx_diags *d);
void wx__study_spec_free(wx_study_spec *s);
/* Index of the factor with this path, or -1. */
int wx__study_factor_find(const wx_study_spec *s, const char *path);

/* Reads a factor from its mapping (used by the loader; exposed so that
 * calibration's free parameters read the same way).  Problems go to d;
 * returns WX_OK, WX_ESCENARIO or WX_ENOMEM.  f is zeroed first and owns
 * its strings even on failure (free with wx__study_factor_clear). */
struct wx_node;
int wx__study_factor_read(const char *file, const struct wx_node *key,
                          const struct wx_node *val, wx_study_factor *f,
                          wx_diags *d);
void wx__study_factor_clear(wx_study_factor *f);

/* --------------------------------------------------------------- designs */

struct wx_study_design {
  const wx_study_design_type *type;
  size_t n_points, k; /* points x factors */
  size_t n_base;      /* saltelli: N; morris: r; else n_points */
  double *u;          /* n_points x k unit coordinates (NaN: the base) */
  double *x;          /* n_points x k factor values */
};

struct wx_study_design_type {
  const char *name;    /* as written after `design:` */
  const char *summary; /* one line, for messages and --help */
  /* Points the design will have, or WX_ETOOBIG with a message. */
  int (*count)(const wx_study_spec *s, size_t *n_points, char *msg, size_t cap);
  /* Fills u (n_points x k) from the spec's seed. */
  int (*fill)(const wx_study_spec *s, double *u, size_t n_points);
};

/* Designs: grid, oat, lhs, sobol, random, morris, saltelli.  Point order
 * (the methods and charts rely on it):
 *   grid      every combination, the last factor varying fastest
 *   oat       0 the base; 1 + 2i factor i at its low end, 2 + 2i high
 *   morris    trajectory t is points t (k + 1) .. t (k + 1) + k
 *   saltelli  A (N rows), B (N), then AB_i (N each) for i = 0..k-1 */
const wx_study_design_type *wx__study_design_find(const char *name);
size_t wx__study_design_count(void);
const wx_study_design_type *wx__study_design_at(size_t i);

/* Maximum points of any design, and dimensions of GSL's Sobol generator
 * (gsl_qrng_sobol: 40; a saltelli design draws A and B from one sequence
 * of 2k dimensions, so beyond 20 factors it samples pseudo-randomly). */
#define WX_STUDY_MAX_POINTS 10000000u
#define WX_SOBOL_MAX_DIM    40u

/* The design of s: u from its type, x = wx__factor_value of each u, and a
 * NaN u replaced by the factor's base, taken from `nominal` (k values, the
 * scenario's value of each factor; may be NULL or hold NaN) unless the
 * factor has `base:` (neither: the middle of its range, u = 0.5).
 * Returns WX_OK, WX_ETOOBIG or WX_ENOMEM with a message in d. */
int wx__study_points(const wx_study_spec *s, const double *nominal,
                     wx_study_design **out, wx_diags *d);
void wx__study_design_free(wx_study_design *p);

/* Low-level generators (used by the designs; exposed for tests and for
 * calibration).  Each writes n x k row-major unit coordinates. */
int wx__design_lhs(double *u, size_t n, size_t k, uint64_t seed);
/* The first n points of GSL's Sobol sequence (GSL starts after the
 * origin, at (1/2, ..., 1/2), so every point is inside the open cube);
 * WX_EINVAL when k > WX_SOBOL_MAX_DIM. */
int wx__design_sobol_seq(double *u, size_t n, size_t k);
/* r Morris trajectories of k + 1 points on a p-level grid (Morris 1991):
 * each trajectory moves every factor once, by delta = p / (2 (p - 1)). */
int wx__design_morris(double *u, size_t r, size_t k, unsigned p, uint64_t seed);

/* ------------------------------------------------------------- methods */

typedef struct {
  unsigned factor;      /* index into the spec's factors */
  unsigned kpi;         /* column of Y */
  const char *index;    /* static: S1, ST (sobol); mu_star, mu, sigma
                          (morris); prcc; low, high, low_change,
                          high_change, swing (tornado) */
  double value, lo, hi; /* 95% interval; NaN when there is none */
  double p;             /* p-value of a test of 0 (prcc, swing), else NaN */
} wx_study_index;

typedef struct {
  wx_study_index *rows;
  size_t n, cap;
} wx_study_indices;

void wx__study_indices_free(wx_study_indices *ix);
/* Appends a row; WX_ENOMEM when it cannot grow. */
int wx__study_indices_add(wx_study_indices *ix, const wx_study_index *row);

struct wx_study_method_type {
  const char *name; /* as written after `method:` */
  const char *summary;
  const char *design; /* the design it analyses ("" any sampling design) */
  /* Index rows for every factor and KPI of Y (layout above). */
  int (*analyse)(const wx_study_spec *s, const wx_study_design *p,
                 const double *Y, size_t n_kpi, size_t n_rep,
                 wx_study_indices *out);
};

/* Methods: tornado, morris, sobol, prcc. */
const wx_study_method_type *wx__study_method_find(const char *name);
size_t wx__study_method_count(void);
const wx_study_method_type *wx__study_method_at(size_t i);

/* The spec's method on Y (appends to out).  WX_EINVAL when the spec has no
 * method or the design is not the method's; WX_ENOMEM. */
int wx__study_analyse(const wx_study_spec *s, const wx_study_design *p,
                      const double *Y, size_t n_kpi, size_t n_rep,
                      wx_study_indices *out);

/* An evaluation: x[k] factor values in, y[n_kpi * n_rep] out (y[kpi *
 * n_rep + rep]).  Returns WX_OK or an error, which stops the study. */
typedef int (*wx_study_eval_fn)(void *ctx, const double *x, double *y);
/* Calls eval on every point into a new Y (free with free()). */
int wx__study_evaluate(const wx_study_design *p, size_t n_kpi, size_t n_rep,
                       wx_study_eval_fn eval, void *ctx, double **Y);

/* Estimators on plain arrays (what the methods call per KPI). */

/* Saltelli layout: f has N (k + 2) values, f(A) then f(B) then f(AB_i)
 * for i = 0..k-1 (N each).  S1[i], ST[i] by Jansen's estimators
 * (Saltelli et al. 2010, table 2, rows b and f); lo/hi (may be NULL) from
 * B bootstrap resamples of the N rows (percentile, 95%). */
int wx__sobol_indices(const double *f, size_t N, size_t k, unsigned B,
                      uint64_t seed, double *S1, double *ST, double *S1_lo,
                      double *S1_hi, double *ST_lo, double *ST_hi);
/* Elementary effects of r trajectories (u from wx__design_morris, y one
 * value per point): mu, mu* (mean |EE|), sigma (sd of EE, n - 1), with
 * 95% t intervals of mu and mu* when the lo/hi arrays are not NULL.
 * Effects are per whole range of a factor (unit-cube units). */
int wx__morris_effects(const double *u, const double *y, size_t r, size_t k,
                       double *mu, double *mu_star, double *sigma,
                       double *mu_lo, double *mu_hi, double *mus_lo,
                       double *mus_hi);

#endif
