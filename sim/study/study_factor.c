/* A study factor: reading its mapping, and mapping the unit cube to its
 * values (docs/study.md, "Factors"). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "scenario.h"
#include "study.h"
#include "quantity.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const factor_keys[] = {"range",   "levels", "dist", "scale",
                                          "integer", "base",   "grid", "name"};
#define N_FACTOR_KEYS (sizeof factor_keys / sizeof factor_keys[0])

static const char *const dist_names[] = {"uniform", "normal", "lognormal",
                                         "triangular"};
#define N_DISTS (sizeof dist_names / sizeof dist_names[0])

typedef struct {
  const char *file;
  wx_diags *d;
  unsigned errors;
  int nomem;
} fctx;

static void ferr(fctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void ferr(fctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

/* The number before `suffix` at the end of s, times scale. */
static int number_before(const char *s, const char *suffix, double scale,
                         double *x) {
  char buf[64], msg[160];
  size_t n = strlen(s), t = strlen(suffix);
  if (n <= t || n - t >= sizeof buf || strcmp(s + n - t, suffix)) return 0;
  memcpy(buf, s, n - t);
  buf[n - t] = '\0';
  if (wx__parse_number(buf, x, msg, sizeof msg) != WX_OK) return 0;
  *x *= scale;
  return 1;
}

/* A number in planner units, converted to the unit a bare number has in a
 * scenario (so a value can be written back into the scenario as a plain
 * number): 3d and 12h (days), 0.5/d (per day), 1.3% (a share), 200k (a
 * count), 3000/month (a monthly cost, per month), or plain. */
static int planner_number(const char *s, double *x) {
  char msg[160];
  uint64_t cnt;
  if (wx__parse_number(s, x, msg, sizeof msg) == WX_OK) return 1;
  if (number_before(s, "%", 0.01, x)) return 1;
  if (number_before(s, "/month", 1.0, x)) return 1;
  if (strchr(s, '/') || strstr(s, " per "))
    return wx__parse_rate(s, x, msg, sizeof msg) == WX_OK;
  if (wx__parse_count(s, &cnt, msg, sizeof msg) == WX_OK) {
    *x = (double)cnt;
    return 1;
  }
  return wx__parse_duration(s, x, msg, sizeof msg) == WX_OK;
}

int wx__study_number(const char *s, double *x) {
  return s && planner_number(s, x);
}

static int read_number(fctx *c, const wx_node *n, const char *what, double *x) {
  if (n->type == WX_NODE_SCALAR && planner_number(n->str, x)) return 1;
  if (n->type != WX_NODE_SCALAR)
    ferr(c, n, "%s must be a number; got %s", what, wx__node_type_name(n));
  else
    ferr(c, n,
         "%s must be a number such as 0.3, 1.3%%, 3d, 12h, 0.5/d or "
         "200k; got `%.40s`",
         what, n->str);
  return 0;
}

static void read_range(fctx *c, const wx_node *n, wx_study_factor *f) {
  f->kind = WX_FACTOR_RANGE;
  if (n->type != WX_NODE_SEQ || n->n != 2) {
    ferr(c, n, "`range` must be a list of two numbers [low, high]");
    return;
  }
  if (!read_number(c, n->vals[0], "`range` low", &f->lo) ||
      !read_number(c, n->vals[1], "`range` high", &f->hi))
    return;
  if (!(f->lo < f->hi))
    ferr(c, n, "`range` low must be below high; got [%g, %g]", f->lo, f->hi);
}

static void read_levels(fctx *c, const wx_node *n, wx_study_factor *f) {
  f->kind = WX_FACTOR_LEVELS;
  if (n->type != WX_NODE_SEQ || n->n < 2) {
    ferr(c, n, "`levels` must be a list of two or more numbers");
    return;
  }
  f->levels = calloc(n->n, sizeof *f->levels);
  if (!f->levels) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n; i++) {
    if (!read_number(c, n->vals[i], "a level", &f->levels[i])) continue;
    for (size_t j = 0; j < i; j++)
      if (f->levels[j] == f->levels[i])
        ferr(c, n->vals[i], "level %g is listed twice", f->levels[i]);
    f->lo = i == 0 || f->levels[i] < f->lo ? f->levels[i] : f->lo;
    f->hi = i == 0 || f->levels[i] > f->hi ? f->levels[i] : f->hi;
    f->n_levels++;
  }
}

/* "normal(5d, 1d)": a name and two or three planner numbers. */
static int parse_dist(const char *s, wx_study_factor *f, size_t *want) {
  const char *open = strchr(s, '('), *close = strrchr(s, ')');
  if (!open || !close || close[1] != '\0' || close < open) return -1;
  size_t nl = (size_t)(open - s), i = 0;
  while (i < N_DISTS &&
         (strlen(dist_names[i]) != nl || strncmp(dist_names[i], s, nl)))
    i++;
  if (i == N_DISTS) return -2;
  f->dist = (wx_fdist)i;
  *want = f->dist == WX_FDIST_TRIANGULAR ? 3 : 2;
  double v[3];
  size_t got = 0;
  char buf[64];
  for (const char *p = open + 1; p < close && got < 3;) {
    const char *e = memchr(p, ',', (size_t)(close - p));
    if (!e) e = close;
    size_t len = (size_t)(e - p);
    while (len && *p == ' ') p++, len--;
    while (len && p[len - 1] == ' ') len--;
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (!planner_number(buf, &v[got++])) return -1;
    p = e + 1;
    if (e == close) break;
  }
  if (got != *want) return -1;
  f->a = v[0];
  f->b = f->dist == WX_FDIST_TRIANGULAR ? v[2] : v[1];
  f->c = f->dist == WX_FDIST_TRIANGULAR ? v[1] : 0;
  return 0;
}

static void check_dist(fctx *c, const wx_node *n, const wx_study_factor *f) {
  int bad = 0;
  switch (f->dist) {
    case WX_FDIST_UNIFORM: bad = !(f->a < f->b); break;
    case WX_FDIST_NORMAL: bad = !(f->b > 0); break;
    case WX_FDIST_LOGNORMAL: bad = !(f->a > 0 && f->b > 0); break;
    case WX_FDIST_TRIANGULAR:
      bad = !(f->a < f->b && f->a <= f->c && f->c <= f->b);
      break;
  }
  if (bad)
    ferr(c, n,
         "`%s` has invalid parameters: uniform(low < high), "
         "normal(mean, sd > 0), lognormal(median > 0, sigma > 0), "
         "triangular(low <= mode <= high, low < high)",
         n->str);
}

static void read_dist(fctx *c, const wx_node *n, wx_study_factor *f) {
  f->kind = WX_FACTOR_DIST;
  size_t want = 0;
  int rc = n->type == WX_NODE_SCALAR ? parse_dist(n->str, f, &want) : -1;
  if (rc == -2) {
    char name[32], near[96];
    size_t nl = (size_t)(strchr(n->str, '(') - n->str);
    snprintf(name, sizeof name, "%.*s", (int)(nl < 31 ? nl : 31), n->str);
    wx__did_you_mean(near, sizeof near, name, dist_names, N_DISTS);
    ferr(c, n,
         "unknown distribution `%s`%s (uniform, normal, lognormal, "
         "triangular)",
         name, near);
  } else if (rc < 0) {
    ferr(c, n,
         "`dist` must read like normal(5d, 1d), lognormal(3%%, 0.5), "
         "uniform(1, 4) or triangular(1, 2, 4)");
  } else {
    check_dist(c, n, f);
  }
  f->lo = f->dist == WX_FDIST_UNIFORM || f->dist == WX_FDIST_TRIANGULAR ? f->a
                                                                        : NAN;
  f->hi = f->dist == WX_FDIST_UNIFORM || f->dist == WX_FDIST_TRIANGULAR ? f->b
                                                                        : NAN;
}

static void read_flag(fctx *c, const wx_node *n, const char *what,
                      const char *yes, const char *no, int *out) {
  if (n->type == WX_NODE_SCALAR && !strcmp(n->str, yes))
    *out = 1;
  else if (n->type == WX_NODE_SCALAR && !strcmp(n->str, no))
    *out = 0;
  else
    ferr(c, n, "`%s` must be `%s` or `%s`", what, yes, no);
}

static void read_options(fctx *c, const wx_node *m, wx_study_factor *f) {
  const wx_node *n;
  if ((n = wx__node_get(m, "scale")))
    read_flag(c, n, "scale", "log", "linear", &f->log_scale);
  if ((n = wx__node_get(m, "integer")))
    read_flag(c, n, "integer", "true", "false", &f->integer);
  if ((n = wx__node_get(m, "base")))
    f->base_set = read_number(c, n, "`base`", &f->base);
  if ((n = wx__node_get(m, "grid"))) {
    double g = 0;
    if (read_number(c, n, "`grid`", &g) && (g < 2 || g > 1000 || g != floor(g)))
      ferr(c, n, "`grid` must be a whole number of levels from 2 to 1000");
    else
      f->grid = (unsigned)g;
  }
  if ((n = wx__node_get(m, "name"))) {
    if (n->type != WX_NODE_SCALAR)
      ferr(c, n, "`name` must be a scalar");
    else if (!(f->name = wx__strdup(n->str)))
      c->nomem = 1;
  }
  if (f->log_scale && f->kind != WX_FACTOR_RANGE)
    ferr(c, wx__node_key(m, "scale"), "`scale: log` applies to a `range`");
  else if (f->log_scale && !(f->lo > 0))
    ferr(c, wx__node_key(m, "scale"), "`scale: log` needs a range above 0");
  if (f->integer && f->kind == WX_FACTOR_RANGE &&
      (f->lo != floor(f->lo) || f->hi != floor(f->hi)))
    ferr(c, wx__node_key(m, "integer"), "an integer range needs whole bounds");
}

static void check_keys(fctx *c, const wx_node *m, const char *path) {
  for (size_t i = 0; i < m->n; i++) {
    const char *k = m->keys[i]->str;
    size_t j = 0;
    while (j < N_FACTOR_KEYS && strcmp(factor_keys[j], k)) j++;
    if (j < N_FACTOR_KEYS) continue;
    char near[96];
    wx__did_you_mean(near, sizeof near, k, factor_keys, N_FACTOR_KEYS);
    ferr(c, m->keys[i], "unknown key `%s` in factor `%s`%s", k, path, near);
  }
}

/* 0 when the factor has no single kind (its options are not checked). */
static int read_kind(fctx *c, const wx_node *key, const wx_node *m,
                     wx_study_factor *f) {
  const wx_node *r = wx__node_get(m, "range"), *l = wx__node_get(m, "levels"),
                *d = wx__node_get(m, "dist");
  if ((r != NULL) + (l != NULL) + (d != NULL) != 1) {
    ferr(c, key,
         "factor `%s` needs exactly one of `range: [low, high]`, "
         "`levels: [...]` or `dist: normal(mean, sd)`",
         key->str);
    return 0;
  }
  unsigned before = c->errors;
  if (r) read_range(c, r, f);
  if (l) read_levels(c, l, f);
  if (d) read_dist(c, d, f);
  return c->errors == before;
}

int wx__study_factor_read(const char *file, const struct wx_node *key,
                          const struct wx_node *val, wx_study_factor *f,
                          wx_diags *d) {
  fctx c = {.file = file, .d = d};
  *f = (wx_study_factor){.line = key->line, .col = key->col, .base = NAN};
  const char *p = key->str;
  size_t n = strlen(p);
  if (!(f->path = wx__strdup(p))) return WX_ENOMEM;
  if (n == 0 || p[0] == '.' || p[n - 1] == '.' || strstr(p, ".."))
    ferr(&c, key, "`%s` is not a dotted path such as flows.oa_to_sdr.p", p);
  if (val->type != WX_NODE_MAP) {
    ferr(&c, val,
         "factor `%s` must be a mapping such as "
         "{range: [1%%, 5%%]}; got %s",
         p, wx__node_type_name(val));
  } else {
    check_keys(&c, val, p);
    if (read_kind(&c, key, val, f) && !c.nomem) read_options(&c, val, f);
  }
  if (!c.nomem && !f->name && !(f->name = wx__strdup(p))) c.nomem = 1;
  if (c.nomem) return wx__diag(d, WX_ENOMEM, file, 0, 0, "out of memory");
  return c.errors ? WX_ESCENARIO : WX_OK;
}

void wx__study_factor_clear(wx_study_factor *f) {
  if (!f) return;
  free(f->path);
  free(f->name);
  free(f->levels);
  f->path = f->name = NULL;
  f->levels = NULL;
}

static double quantile(const wx_study_factor *f, double u) {
  if (u < 1e-9) u = 1e-9;
  if (u > 1 - 1e-9) u = 1 - 1e-9;
  switch (f->dist) {
    case WX_FDIST_UNIFORM: return f->a + u * (f->b - f->a);
    case WX_FDIST_NORMAL: return f->a + gsl_cdf_gaussian_Pinv(u, f->b);
    case WX_FDIST_LOGNORMAL: return f->a * exp(gsl_cdf_gaussian_Pinv(u, f->b));
    case WX_FDIST_TRIANGULAR: {
      double w = f->b - f->a, m = (f->c - f->a) / w;
      return u < m ? f->a + w * sqrt(u * m)
                   : f->b - w * sqrt((1 - u) * (1 - m));
    }
  }
  return NAN;
}

double wx__factor_value(const wx_study_factor *f, double u) {
  if (!(u >= 0)) u = 0;
  if (u > 1) u = 1;
  double v;
  if (f->kind == WX_FACTOR_LEVELS) {
    size_t i = (size_t)(u * (double)f->n_levels);
    return f->levels[i < f->n_levels ? i : f->n_levels - 1];
  }
  if (f->kind == WX_FACTOR_DIST) {
    v = quantile(f, u);
  } else if (f->log_scale) {
    v = exp(log(f->lo) + u * (log(f->hi) - log(f->lo)));
  } else if (f->integer) {
    /* equal shares for lo, lo + 1, ..., hi */
    v = floor(f->lo + u * (f->hi - f->lo + 1));
    return v > f->hi ? f->hi : v;
  } else {
    v = f->lo + u * (f->hi - f->lo);
  }
  return f->integer ? nearbyint(v) : v;
}

void wx__factor_ends(const wx_study_factor *f, double *u_lo, double *u_hi) {
  int dist = f->kind == WX_FACTOR_DIST && f->dist != WX_FDIST_UNIFORM;
  *u_lo = dist ? 0.05 : 0.0;
  *u_hi = dist ? 0.95 : 1.0;
}
