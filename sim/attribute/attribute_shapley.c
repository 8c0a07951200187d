/* Removal effects and Shapley values from the coalition values (the
 * formulas are in attribute.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "attribute.h"
#include "rng.h"
#include "util.h"

int wx__attr_add_row(wx_attribution *a, uint32_t ch, uint32_t out,
                     const char *method, double value, double lo, double hi,
                     double se) {
  if (a->n_rows == a->rows_cap) {
    size_t cap = a->rows_cap ? 2 * a->rows_cap : 64;
    wx_attr_row *r = realloc(a->rows, cap * sizeof *r);
    if (!r) return WX_ENOMEM;
    a->rows = r;
    a->rows_cap = cap;
  }
  a->rows[a->n_rows++] = (wx_attr_row){ch, out, method, value, lo, hi, se};
  return WX_OK;
}

int wx__attr_add_mean(wx_attribution *a, uint32_t ch, uint32_t out,
                      const char *method, const double *x, size_t n) {
  double s = 0, ss = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i])) s += x[i], m++;
  double mean = m ? s / (double)m : NAN;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i])) ss += (x[i] - mean) * (x[i] - mean);
  double se = m > 1 ? sqrt(ss / (double)(m - 1) / (double)m) : NAN;
  double h = m > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(m - 1)) * se : NAN;
  return wx__attr_add_row(a, ch, out, method, mean, mean - h, mean + h, se);
}

typedef struct {
  uint64_t *masks;
  size_t n;
  double *v; /* wx__attr_values layout */
  size_t reps, n_out;
} table;

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static const double *value(const table *t, uint64_t mask, size_t k) {
  const uint64_t *at = bsearch(&mask, t->masks, t->n, sizeof mask, cmp_u64);
  return t->v + ((size_t)(at - t->masks) * t->n_out + k) * t->reps;
}

/* Sorted, without duplicates. */
static void unique(table *t) {
  qsort(t->masks, t->n, sizeof *t->masks, cmp_u64);
  size_t w = 0;
  for (size_t i = 0; i < t->n; i++)
    if (w == 0 || t->masks[i] != t->masks[w - 1]) t->masks[w++] = t->masks[i];
  t->n = w;
}

/* A random order of n channels per permutation (Fisher-Yates on a stream
 * of its own, the same in every replication).  The stream is a source
 * kind's under a name no entity can have (names are letters, digits and
 * _), so it needs no new kind in rng.h. */
static int orders(uint64_t seed, size_t n, size_t k, uint8_t *ord) {
  gsl_rng *r = wx__rng_alloc();
  if (!r) return WX_ENOMEM;
  wx__rng_seed_stream(r, seed, WX_STREAM_SOURCE, "attribute: shapley orders");
  for (size_t p = 0; p < k; p++) {
    uint8_t *o = ord + p * n;
    for (size_t i = 0; i < n; i++) o[i] = (uint8_t)i;
    for (size_t i = n; i > 1; i--) {
      size_t j = gsl_rng_uniform_int(r, i);
      uint8_t tmp = o[i - 1];
      o[i - 1] = o[j];
      o[j] = tmp;
    }
  }
  gsl_rng_free(r);
  return WX_OK;
}

static int plan(table *t, size_t n, int exact, size_t k, const uint8_t *ord) {
  uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;
  size_t cap = exact ? (size_t)1 << n : k * (n + 1) + n + 1;
  t->masks = malloc(cap * sizeof *t->masks);
  if (!t->masks) return WX_ENOMEM;
  t->n = 0;
  if (exact) {
    for (uint64_t s = 0; s <= all; s++) t->masks[t->n++] = s;
  } else {
    t->masks[t->n++] = all;
    for (size_t i = 0; i < n; i++) t->masks[t->n++] = all & ~(1ull << i);
    for (size_t p = 0; p < k; p++) {
      uint64_t s = 0;
      t->masks[t->n++] = s;
      for (size_t i = 0; i < n; i++)
        t->masks[t->n++] = s |= 1ull << ord[p * n + i];
    }
  }
  unique(t);
  return WX_OK;
}

static double weight(size_t s, size_t n) { /* |S|! (n - |S| - 1)! / n! */
  return exp(lgamma((double)s + 1) + lgamma((double)(n - s)) -
             lgamma((double)n + 1));
}

static void exact_phi(const table *t, size_t n, size_t i, size_t k,
                      double *phi) {
  uint64_t all = (1ull << n) - 1, bit = 1ull << i;
  memset(phi, 0, t->reps * sizeof *phi);
  for (uint64_t s = 0; s <= all; s++) {
    if (s & bit) continue;
    double w = weight((size_t)__builtin_popcountll(s), n);
    const double *with = value(t, s | bit, k), *without = value(t, s, k);
    for (size_t r = 0; r < t->reps; r++) phi[r] += w * (with[r] - without[r]);
  }
}

/* Sampled: phi_r averaged over the orders; the orders' own spread (of
 * the replication-averaged marginals) is added to the standard error. */
static int sampled_phi(wx_attribution *a, const table *t, size_t n, size_t i,
                       size_t k, size_t np, const uint8_t *ord, double *phi) {
  double *m = calloc(np + 1, sizeof *m);
  if (!m) return WX_ENOMEM;
  memset(phi, 0, t->reps * sizeof *phi);
  for (size_t p = 0; p < np; p++) {
    uint64_t s = 0;
    for (size_t j = 0; ord[p * n + j] != i; j++) s |= 1ull << ord[p * n + j];
    const double *with = value(t, s | 1ull << i, k), *without = value(t, s, k);
    for (size_t r = 0; r < t->reps; r++) {
      double d = with[r] - without[r];
      phi[r] += d / (double)np;
      m[p] += d / (double)t->reps;
    }
  }
  int rc =
      wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, "shapley", phi, t->reps);
  double mean = 0, ss = 0;
  for (size_t p = 0; p < np; p++) mean += m[p] / (double)np;
  for (size_t p = 0; p < np; p++) ss += (m[p] - mean) * (m[p] - mean);
  free(m);
  if (rc != WX_OK) return rc;
  wx_attr_row *row = &a->rows[a->n_rows - 1];
  double se_perm = np > 1 ? sqrt(ss / (double)(np - 1) / (double)np) : 0;
  double se_rep = isfinite(row->se) ? row->se : 0;
  row->se = sqrt(se_rep * se_rep + se_perm * se_perm);
  row->lo = row->value - 1.959963984540054 * row->se;
  row->hi = row->value + 1.959963984540054 * row->se;
  return WX_OK;
}

static int rows(wx_attribution *a, const table *t, const uint8_t *ord,
                size_t np, double *x) {
  size_t n = a->n_ch;
  uint64_t all = (1ull << n) - 1;
  int rc = WX_OK;
  for (size_t k = 0; rc == WX_OK && k < a->n_out; k++) {
    const double *vn = value(t, all, k), *v0 = value(t, 0, k);
    rc = wx__attr_add_mean(a, WX_NONE, (uint32_t)k, "all", vn, t->reps);
    if (rc == WX_OK)
      rc = wx__attr_add_mean(a, WX_NONE, (uint32_t)k, "none", v0, t->reps);
    for (size_t i = 0; rc == WX_OK && i < n; i++) {
      const double *vi = value(t, all & ~(1ull << i), k);
      for (size_t r = 0; r < t->reps; r++) x[r] = vn[r] - vi[r];
      rc =
          wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, "removal", x, t->reps);
      if (rc != WX_OK) break;
      if (a->exact) {
        exact_phi(t, n, i, k, x);
        rc = wx__attr_add_mean(a, (uint32_t)i, (uint32_t)k, "shapley", x,
                               t->reps);
      } else {
        rc = sampled_phi(a, t, n, i, k, np, ord, x);
      }
    }
  }
  return rc;
}

int wx__attr_shapley(const wx_attr_src *src, const wx_model *base,
                     wx_attribution *a, const wx_attr_opts *o, wx_diags *d) {
  size_t n = a->n_ch, np = o->permutations ? o->permutations : 100;
  a->exact = n <= (o->max_exact ? o->max_exact : 8) && n <= 20;
  a->permutations = a->exact ? 0 : (unsigned)np;
  uint8_t *ord = a->exact ? NULL : malloc(np * n);
  table t = {NULL, 0, NULL, a->replications, a->n_out};
  int rc = a->exact || ord ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK && !a->exact) rc = orders(a->seed, n, np, ord);
  if (rc == WX_OK) rc = plan(&t, n, a->exact, np, ord);
  size_t cells = t.n * a->n_out * t.reps;
  if (rc == WX_OK && !(t.v = malloc((cells + 1) * sizeof *t.v))) rc = WX_ENOMEM;
  a->coalitions = (unsigned)t.n;
  if (rc == WX_OK) rc = wx__attr_values(src, base, a, t.masks, t.n, o, t.v, d);
  double *x = rc == WX_OK ? malloc((t.reps + 1) * sizeof *x) : NULL;
  if (rc == WX_OK && !x) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = rows(a, &t, ord, np, x);
  free(x);
  free(t.v);
  free(t.masks);
  free(ord);
  return rc;
}
