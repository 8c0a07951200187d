/* Study designs: the table, and the points of each in the unit cube.
 * Designs never see factor units: wx__study_points maps every coordinate
 * through its factor (study_factor.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>

#include "study.h"
#include "util.h"

/* Design streams are apart from the engine's (which use wx__stream_seed),
 * so a study's sample does not correlate with the replications' draws. */
#define DESIGN_STREAM 0x5754d3u

static gsl_rng *design_rng(uint64_t seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (r) gsl_rng_set(r, (unsigned long)wx__mix64(seed ^ DESIGN_STREAM));
  return r;
}

static void shuffle(gsl_rng *r, size_t *a, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i);
    size_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}

int wx__design_lhs(double *u, size_t n, size_t k, uint64_t seed) {
  gsl_rng *r = design_rng(seed);
  size_t *perm = malloc((n ? n : 1) * sizeof *perm);
  if (!r || !perm) {
    gsl_rng_free(r);
    free(perm);
    return WX_ENOMEM;
  }
  for (size_t i = 0; i < k; i++) {
    for (size_t j = 0; j < n; j++) perm[j] = j;
    shuffle(r, perm, n);
    for (size_t j = 0; j < n; j++)
      u[j * k + i] = ((double)perm[j] + gsl_rng_uniform(r)) / (double)n;
  }
  gsl_rng_free(r);
  free(perm);
  return WX_OK;
}

int wx__design_sobol_seq(double *u, size_t n, size_t k) {
  if (k == 0 || k > WX_SOBOL_MAX_DIM) return WX_EINVAL;
  gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)k);
  if (!q) return WX_ENOMEM;
  int rc = WX_OK;
  for (size_t j = 0; rc == WX_OK && j < n; j++)
    if (gsl_qrng_get(q, u + j * k)) rc = WX_ERUNTIME;
  gsl_qrng_free(q);
  return rc;
}

/* One trajectory from a random start on the p-level grid: every factor
 * moves once, in a random order and direction, by delta. */
static void trajectory(gsl_rng *r, double *u, size_t k, unsigned p,
                       size_t *order) {
  double delta = (double)p / (2.0 * (p - 1));
  for (size_t i = 0; i < k; i++) {
    /* starts whose step by delta stays on the grid: j / (p - 1) for
     * j < p / 2, so that start + delta <= 1 */
    double x = (double)gsl_rng_uniform_int(r, p / 2) / (p - 1);
    u[i] = gsl_rng_uniform(r) < 0.5 ? x : x + delta;
    order[i] = i;
  }
  shuffle(r, order, k);
  for (size_t m = 1; m <= k; m++) {
    size_t i = order[m - 1];
    memcpy(u + m * k, u + (m - 1) * k, k * sizeof *u);
    double up = u[(m - 1) * k + i] + delta;
    u[m * k + i] = up <= 1 + 1e-12 ? up : u[(m - 1) * k + i] - delta;
  }
}

int wx__design_morris(double *u, size_t r, size_t k, unsigned p,
                      uint64_t seed) {
  if (p < 2 || p % 2) return WX_EINVAL;
  gsl_rng *g = design_rng(seed);
  size_t *order = malloc((k ? k : 1) * sizeof *order);
  if (!g || !order) {
    gsl_rng_free(g);
    free(order);
    return WX_ENOMEM;
  }
  for (size_t t = 0; t < r; t++)
    trajectory(g, u + t * (k + 1) * k, k, p, order);
  gsl_rng_free(g);
  free(order);
  return WX_OK;
}

/* ------------------------------------------------------------- designs */

static unsigned grid_levels(const wx_study_spec *s, const wx_study_factor *f) {
  unsigned m = f->kind == WX_FACTOR_LEVELS ? (unsigned)f->n_levels
               : f->grid                   ? f->grid
                                           : s->grid_levels;
  if (f->kind == WX_FACTOR_RANGE && f->integer && !f->log_scale &&
      f->hi - f->lo + 1 < m)
    m = (unsigned)(f->hi - f->lo + 1);
  return m;
}

static int too_big(size_t n, char *msg, size_t cap) {
  snprintf(msg, cap,
           "the design has more than %u points; use fewer "
           "levels or factors",
           WX_STUDY_MAX_POINTS);
  (void)n;
  return WX_ETOOBIG;
}

static int grid_count(const wx_study_spec *s, size_t *n, char *msg,
                      size_t cap) {
  *n = 1;
  for (size_t i = 0; i < s->n_factors; i++) {
    *n *= grid_levels(s, &s->f[i]);
    if (*n > WX_STUDY_MAX_POINTS) return too_big(*n, msg, cap);
  }
  return WX_OK;
}

/* Row-major: the last factor varies fastest. */
static int grid_fill(const wx_study_spec *s, double *u, size_t n) {
  size_t k = s->n_factors;
  for (size_t j = 0; j < n; j++) {
    size_t rest = j;
    for (size_t i = k; i-- > 0;) {
      const wx_study_factor *f = &s->f[i];
      unsigned m = grid_levels(s, f);
      size_t l = rest % m;
      rest /= m;
      u[j * k + i] =
          f->kind == WX_FACTOR_RANGE ? (double)l / (m - 1) : (l + 0.5) / m;
    }
  }
  return WX_OK;
}

static int oat_count(const wx_study_spec *s, size_t *n, char *msg, size_t cap) {
  (void)msg, (void)cap;
  *n = 2 * s->n_factors + 1;
  return WX_OK;
}

/* Point 0 is the base; then each factor at its low and its high end. */
static int oat_fill(const wx_study_spec *s, double *u, size_t n) {
  size_t k = s->n_factors;
  for (size_t j = 0; j < n * k; j++) u[j] = NAN;
  for (size_t i = 0; i < k; i++)
    wx__factor_ends(&s->f[i], &u[(1 + 2 * i) * k + i], &u[(2 + 2 * i) * k + i]);
  return WX_OK;
}

static int n_count(const wx_study_spec *s, size_t *n, char *msg, size_t cap) {
  *n = s->n;
  return *n > WX_STUDY_MAX_POINTS ? too_big(*n, msg, cap) : WX_OK;
}

static int sobol_count(const wx_study_spec *s, size_t *n, char *msg,
                       size_t cap) {
  if (s->n_factors > WX_SOBOL_MAX_DIM) {
    snprintf(msg, cap,
             "a sobol design takes at most %u factors (GSL's "
             "generator); use lhs",
             WX_SOBOL_MAX_DIM);
    return WX_ETOOBIG;
  }
  return n_count(s, n, msg, cap);
}

static int lhs_fill(const wx_study_spec *s, double *u, size_t n) {
  return wx__design_lhs(u, n, s->n_factors, s->seed);
}

static int sobol_fill(const wx_study_spec *s, double *u, size_t n) {
  return wx__design_sobol_seq(u, n, s->n_factors);
}

static int random_fill(const wx_study_spec *s, double *u, size_t n) {
  gsl_rng *r = design_rng(s->seed);
  if (!r) return WX_ENOMEM;
  for (size_t j = 0; j < n * s->n_factors; j++) u[j] = gsl_rng_uniform(r);
  gsl_rng_free(r);
  return WX_OK;
}

static int morris_count(const wx_study_spec *s, size_t *n, char *msg,
                        size_t cap) {
  *n = s->n * (s->n_factors + 1);
  return *n > WX_STUDY_MAX_POINTS ? too_big(*n, msg, cap) : WX_OK;
}

static int morris_fill(const wx_study_spec *s, double *u, size_t n) {
  (void)n;
  return wx__design_morris(u, s->n, s->n_factors, s->morris_levels, s->seed);
}

static int saltelli_count(const wx_study_spec *s, size_t *n, char *msg,
                          size_t cap) {
  *n = s->n * (s->n_factors + 2);
  return *n > WX_STUDY_MAX_POINTS ? too_big(*n, msg, cap) : WX_OK;
}

/* A, B, then AB_i (A with column i from B).  A and B are the two halves
 * of one 2k-dimensional Sobol sequence while GSL allows it, so that they
 * are independent; beyond 20 factors pseudo-random. */
static int saltelli_fill(const wx_study_spec *s, double *u, size_t n) {
  size_t k = s->n_factors, N = s->n;
  double *all = malloc((N + 1) * 2 * k * sizeof *all), *ab = all;
  if (!all) return WX_ENOMEM;
  int rc = WX_OK;
  /* GSL's first point is (1/2, ..., 1/2), which would make A and B equal
   * in their first row; start at the second */
  if (2 * k <= WX_SOBOL_MAX_DIM) {
    rc = wx__design_sobol_seq(all, N + 1, 2 * k);
    ab = all + 2 * k;
  } else {
    wx_study_spec t = *s;
    t.n_factors = 2 * k;
    rc = random_fill(&t, ab, N);
  }
  for (size_t j = 0; rc == WX_OK && j < N; j++) {
    memcpy(u + j * k, ab + j * 2 * k, k * sizeof *u);
    memcpy(u + (N + j) * k, ab + j * 2 * k + k, k * sizeof *u);
    for (size_t i = 0; i < k; i++) {
      double *row = u + ((2 + i) * N + j) * k;
      memcpy(row, ab + j * 2 * k, k * sizeof *u);
      row[i] = ab[j * 2 * k + k + i];
    }
  }
  (void)n;
  free(all);
  return rc;
}

static const wx_study_design_type designs[] = {
    {"grid", "every combination of levels", grid_count, grid_fill},
    {"oat", "one factor at a time around the base", oat_count, oat_fill},
    {"lhs", "Latin hypercube of n points", n_count, lhs_fill},
    {"sobol", "n points of a Sobol sequence", sobol_count, sobol_fill},
    {"random", "n independent uniform points", n_count, random_fill},
    {"morris", "r Morris trajectories", morris_count, morris_fill},
    {"saltelli", "Saltelli's A, B and AB_i matrices of N rows", saltelli_count,
     saltelli_fill},
};
#define N_DESIGNS (sizeof designs / sizeof designs[0])

const wx_study_design_type *wx__study_design_find(const char *name) {
  for (size_t i = 0; i < N_DESIGNS; i++)
    if (!strcmp(designs[i].name, name)) return &designs[i];
  return NULL;
}

size_t wx__study_design_count(void) { return N_DESIGNS; }

const wx_study_design_type *wx__study_design_at(size_t i) {
  return i < N_DESIGNS ? &designs[i] : NULL;
}

void wx__study_design_free(wx_study_design *p) {
  if (!p) return;
  free(p->u);
  free(p->x);
  free(p);
}

static double base_value(const wx_study_factor *f, const double *nominal,
                         size_t i) {
  if (f->base_set) return f->base;
  if (nominal && isfinite(nominal[i])) return nominal[i];
  return wx__factor_value(f, 0.5);
}

int wx__study_points(const wx_study_spec *s, const double *nominal,
                     wx_study_design **out, wx_diags *d) {
  char msg[200];
  size_t n = 0, k = s->n_factors;
  *out = NULL;
  int rc = s->design->count(s, &n, msg, sizeof msg);
  if (rc != WX_OK) return wx__diag(d, rc, s->file, 0, 0, "%s", msg);
  wx_study_design *p = calloc(1, sizeof *p);
  if (p) {
    int blocks = !strcmp(s->design->name, "morris") ||
                 !strcmp(s->design->name, "saltelli");
    *p = (wx_study_design){
        .type = s->design, .n_points = n, .k = k, .n_base = blocks ? s->n : n};
    size_t cells = n * k > 0 ? n * k : 1;
    p->u = malloc(cells * sizeof *p->u);
    p->x = malloc(cells * sizeof *p->x);
  }
  rc = p && p->u && p->x ? s->design->fill(s, p->u, n) : WX_ENOMEM;
  for (size_t j = 0; rc == WX_OK && j < n * k; j++) {
    const wx_study_factor *f = &s->f[j % k];
    p->x[j] = isnan(p->u[j]) ? base_value(f, nominal, j % k)
                             : wx__factor_value(f, p->u[j]);
  }
  if (rc != WX_OK) {
    wx__study_design_free(p);
    return wx__diag(d, rc, s->file, 0, 0, "cannot build the %s design: %s",
                    s->design->name, wx_strerror(rc));
  }
  *out = p;
  return WX_OK;
}
