/* The calibration file (docs/calibrate.md): a base scenario, free
 * parameters, observed data and the fit's options, with positioned
 * errors.  The CSV itself is read by calib_data.c. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "readfile.h"
#include "scenario.h"
#include "quantity.h"
#include "util.h"
#include "yaml_tree.h"

static const char *const top_keys[] = {
    "title", "base",      "data",         "parameters",
    "loss",  "algorithm", "max_evals",    "bootstrap",
    "level", "holdout",   "replications", "seed"};
#define N_TOP (sizeof top_keys / sizeof top_keys[0])
static const char *const data_keys[] = {"file", "counts", "start"};
static const char *const loss_keys[] = {"type", "dispersion"};
static const char *const loss_names[] = {"poisson", "negbin", "wls"};
#define MAX_PARAMS 20

/* The last segment of a dotted path that names a share in [0, 1]. */
static const char *const share_keys[] = {"p",        "accept", "reach",
                                         "unfollow", "ctr",    "convert",
                                         "share",    "leave",  "per_post"};

typedef struct {
  const char *file;
  wx_diags *d;
  unsigned errors;
  int nomem;
  wx_calib_spec *s;
} cctx;

static void err(cctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void err(cctx *c, const wx_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wx__node_vdiag(c->d, c->file, n, WX_ESCENARIO, &c->errors, fmt, ap);
  va_end(ap);
}

void wx__calib_spec_free(wx_calib_spec *s) {
  if (!s) return;
  for (size_t i = 0; i < s->k; i++) wx__study_factor_clear(&s->f[i]);
  for (size_t i = 0; i < s->n_series; i++) {
    free(s->s[i].ref);
    free(s->s[i].y);
  }
  free(s->f);
  free(s->tf);
  free(s->s);
  free(s->file);
  free(s->title);
  free(s->base);
  free(s->data);
  free(s);
}

static const char *scalar(cctx *c, const wx_node *n, const char *what) {
  if (n->type == WX_NODE_SCALAR) return n->str;
  err(c, n, "`%s` must be a scalar; got %s", what, wx__node_type_name(n));
  return NULL;
}

static void unknown_keys(cctx *c, const wx_node *map, const char *const *keys,
                         size_t n, const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    size_t j = 0;
    while (j < n && strcmp(keys[j], k)) j++;
    if (j < n) continue;
    char near[96];
    wx__did_you_mean(near, sizeof near, k, keys, n);
    err(c, map->keys[i], "unknown key `%s` in %s%s", k, where, near);
  }
}

static uint64_t count(cctx *c, const wx_node *n, const char *what, uint64_t lo,
                      uint64_t hi) {
  const char *t = scalar(c, n, what);
  char msg[160];
  uint64_t v = 0;
  if (t &&
      (wx__parse_count(t, &v, msg, sizeof msg) != WX_OK || v < lo || v > hi)) {
    err(c, n, "`%s` must be a whole number from %llu to %llu; got `%.40s`",
        what, (unsigned long long)lo, (unsigned long long)hi, t);
    v = 0;
  }
  return v;
}

/* `rel` relative to the directory of `file`, unless it is absolute. */
static char *relative_to(const char *file, const char *rel) {
  const char *slash = strrchr(file, '/');
  if (rel[0] == '/' || !slash) return wx__strdup(rel);
  size_t dn = (size_t)(slash - file) + 1, rn = strlen(rel);
  char *p = malloc(dn + rn + 1);
  if (!p) return NULL;
  memcpy(p, file, dn);
  memcpy(p + dn, rel, rn + 1);
  return p;
}

static int is_share(const char *path) {
  const char *last = strrchr(path, '.');
  last = last ? last + 1 : path;
  for (size_t i = 0; i < sizeof share_keys / sizeof *share_keys; i++)
    if (!strcmp(share_keys[i], last)) return 1;
  return 0;
}

/* The optimiser's scale and bounds of a free parameter: a distribution is
 * a prior whose 0.1% and 99.9% quantiles bound the search. */
static void param_scale(cctx *c, const wx_node *key, wx_study_factor *f,
                        wx_calib_tf *tf) {
  if (f->kind == WX_FACTOR_LEVELS || f->integer) {
    err(c, key,
        "free parameter `%s` needs `range: [low, high]` or a prior "
        "`dist:`; levels and integers cannot be fitted",
        f->path);
    return;
  }
  if (f->kind == WX_FACTOR_DIST) {
    f->lo = wx__factor_value(f, 1e-3);
    f->hi = wx__factor_value(f, 1.0 - 1e-3);
  }
  int share = is_share(f->path);
  if (share && (f->lo < 0 || f->hi > 1)) {
    if (f->kind == WX_FACTOR_DIST) {
      f->lo = f->lo < 0 ? 0 : f->lo;
      f->hi = f->hi > 1 ? 1 : f->hi;
    } else {
      err(c, key, "`%s` is a share: its range must lie in [0, 1]", f->path);
    }
  }
  if (share)
    *tf = WX_TF_LOGIT;
  else if (f->lo > 0 && (f->log_scale || f->kind == WX_FACTOR_RANGE))
    *tf = WX_TF_LOG;
  else
    *tf = WX_TF_LINEAR;
}

static void read_params(cctx *c, const wx_node *n) {
  wx_calib_spec *s = c->s;
  if (n->type != WX_NODE_MAP || n->n == 0 || n->n > MAX_PARAMS) {
    err(c, n,
        "`parameters` must map 1 to %d dotted paths to {range: [low, "
        "high]} or {dist: normal(m, sd)}",
        MAX_PARAMS);
    return;
  }
  s->f = calloc(n->n, sizeof *s->f);
  s->tf = calloc(n->n, sizeof *s->tf);
  if (!s->f || !s->tf) {
    c->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n->n && !c->nomem; i++) {
    int rc =
        wx__study_factor_read(c->file, n->keys[i], n->vals[i], &s->f[i], c->d);
    s->k++;
    if (rc == WX_ENOMEM)
      c->nomem = 1;
    else if (rc != WX_OK)
      c->errors++;
    else
      param_scale(c, n->keys[i], &s->f[i], &s->tf[i]);
  }
}

static void read_data(cctx *c, const wx_node *n) {
  wx_calib_spec *s = c->s;
  const wx_node *file = n, *v;
  s->data_line = n->line;
  s->data_col = n->col;
  if (n->type == WX_NODE_MAP) {
    unknown_keys(c, n, data_keys, 3, "`data`");
    if (!(file = wx__node_get(n, "file"))) {
      err(c, n, "`data` needs `file`: the CSV of observations");
      return;
    }
    const char *t;
    if ((v = wx__node_get(n, "counts")) && (t = scalar(c, v, "counts"))) {
      if (!strcmp(t, "cumulative"))
        s->cumulative = 1;
      else if (strcmp(t, "daily"))
        err(c, v, "`counts` must be `daily` or `cumulative`; got `%.40s`", t);
    }
    if ((v = wx__node_get(n, "start")) && (t = scalar(c, v, "start"))) {
      if (!wx__calib_parse_date(t, &s->start))
        err(c, v, "`start` must be a date such as 2026-03-01; got `%.40s`", t);
      s->has_start = 1;
    }
  }
  const char *t = scalar(c, file, "data");
  if (t && !(s->data = relative_to(c->file, t))) c->nomem = 1;
}

static void read_loss(cctx *c, const wx_node *n) {
  const wx_node *t = n->type == WX_NODE_MAP ? wx__node_get(n, "type") : n;
  if (n->type == WX_NODE_MAP) unknown_keys(c, n, loss_keys, 2, "`loss`");
  const char *name = t ? scalar(c, t, "loss") : NULL;
  if (!t) err(c, n, "`loss` needs `type` (poisson, negbin, wls)");
  if (!name) return;
  size_t i = 0;
  while (i < 3 && strcmp(loss_names[i], name)) i++;
  if (i == 3) {
    char near[96];
    wx__did_you_mean(near, sizeof near, name, loss_names, 3);
    err(c, t, "unknown loss `%s`%s (poisson, negbin, wls)", name, near);
    return;
  }
  c->s->loss = (wx_loss_kind)i;
  const wx_node *dn =
      n->type == WX_NODE_MAP ? wx__node_get(n, "dispersion") : NULL;
  char msg[160];
  const char *ds = dn ? scalar(c, dn, "dispersion") : NULL;
  if (ds &&
      (wx__parse_number(ds, &c->s->dispersion, msg, sizeof msg) != WX_OK ||
       !(c->s->dispersion > 0)))
    err(c, dn,
        "`dispersion` must be a number > 0 (the negative binomial's "
        "size: variance = mu + mu^2 / size); got `%.40s`",
        ds);
  if (c->s->loss == WX_LOSS_NEGBIN && !dn)
    err(c, n,
        "`loss: negbin` needs `dispersion`, e.g. {type: negbin, "
        "dispersion: 20}");
}

static void read_algorithm(cctx *c, const wx_node *n) {
  const char *t = scalar(c, n, "algorithm");
  if (!t || (c->s->algo = wx__calib_algo_find(t))) return;
  const char *names[16];
  size_t na = wx__calib_algo_count();
  for (size_t i = 0; i < na && i < 16; i++)
    names[i] = wx__calib_algo_at(i)->name;
  char near[96];
  wx__did_you_mean(near, sizeof near, t, names, na);
  err(c, n,
      "unknown algorithm `%s`%s (sbplx, bobyqa, neldermead, cobyla, "
      "crs2, isres)",
      t, near);
}

static void read_fractions(cctx *c, const wx_node *st) {
  wx_calib_spec *s = c->s;
  const wx_node *n;
  const char *t;
  char msg[160];
  if ((n = wx__node_get(st, "level")) && (t = scalar(c, n, "level"))) {
    double v = NAN;
    size_t len = strlen(t);
    int ok = wx__parse_number(t, &v, msg, sizeof msg) == WX_OK;
    if (!ok && len > 1 && t[len - 1] == '%') {
      char buf[64];
      snprintf(buf, sizeof buf, "%.*s", (int)(len - 1), t);
      ok = wx__parse_number(buf, &v, msg, sizeof msg) == WX_OK;
      v /= 100;
    }
    if (!ok || !(v >= 0.5 && v <= 0.99))
      err(c, n, "`level` must be a share from 50%% to 99%%; got `%.40s`", t);
    else
      s->level = v;
  }
  if ((n = wx__node_get(st, "holdout"))) {
    s->holdout_line = n->line;
    s->holdout_col = n->col;
  }
  if ((n = wx__node_get(st, "holdout")) && (t = scalar(c, n, "holdout")) &&
      (wx__parse_duration(t, &s->holdout, msg, sizeof msg) != WX_OK ||
       !(s->holdout >= 1) || s->holdout != floor(s->holdout)))
    err(c, n, "`holdout` must be whole days such as 30d; got `%.40s`", t);
}

static void read_scalars(cctx *c, const wx_node *st) {
  wx_calib_spec *s = c->s;
  const wx_node *n;
  const char *t;
  if ((n = wx__node_get(st, "title")) && (t = scalar(c, n, "title")) &&
      !(s->title = wx__strdup(t)))
    c->nomem = 1;
  if (!(n = wx__node_get(st, "base"))) {
    err(c, st, "`calibrate` needs `base`: the scenario to fit");
  } else if ((t = scalar(c, n, "base"))) {
    s->base_line = n->line;
    s->base_col = n->col;
    if (!(s->base = relative_to(c->file, t))) c->nomem = 1;
  }
  if ((n = wx__node_get(st, "replications")))
    s->replications = (uint32_t)count(c, n, "replications", 1, 100000);
  if ((n = wx__node_get(st, "seed"))) {
    s->seed = count(c, n, "seed", 0, UINT64_MAX);
    s->seed_set = 1;
  }
  if ((n = wx__node_get(st, "max_evals")))
    s->max_evals = (unsigned)count(c, n, "max_evals", 10, 1000000);
  if ((n = wx__node_get(st, "bootstrap")))
    s->bootstrap = (unsigned)count(c, n, "bootstrap", 0, 10000);
  else
    s->bootstrap = 40;
  if ((n = wx__node_get(st, "loss"))) read_loss(c, n);
  if ((n = wx__node_get(st, "algorithm"))) read_algorithm(c, n);
  read_fractions(c, st);
}

static void read_calib(cctx *c, const wx_node *root) {
  const wx_node *st =
      root->type == WX_NODE_MAP ? wx__node_get(root, "calibrate") : NULL;
  if (!st || st->type != WX_NODE_MAP || root->n != 1) {
    err(c, root,
        "a calibration file has one top-level key, `calibrate:`, "
        "holding base, data and parameters");
    return;
  }
  unknown_keys(c, st, top_keys, N_TOP, "`calibrate`");
  read_scalars(c, st);
  const wx_node *n;
  if (!(n = wx__node_get(st, "parameters")))
    err(c, st,
        "`calibrate` needs `parameters`: dotted paths with a range "
        "or a prior");
  else
    read_params(c, n);
  if (!(n = wx__node_get(st, "data")))
    err(c, st, "`calibrate` needs `data`: the CSV of observations");
  else
    read_data(c, n);
  wx_calib_spec *s = c->s;
  if (!s->algo) s->algo = wx__calib_algo_find("sbplx");
  if (!s->max_evals) s->max_evals = 400;
  if (!(s->level > 0)) s->level = 0.9;
}

static int read_csv(wx_calib_spec *s, wx_diags *d) {
  char *text = NULL;
  size_t len = 0;
  int rc = wx__read_file(s->data, WX__TABLE_MAX, &text, &len, d);
  if (rc != WX_OK)
    wx__diag(d, rc, s->file, s->data_line, s->data_col,
             "the data file "
             "named here cannot be read");
  if (rc == WX_OK) rc = wx__calib_data_parse(s, s->data, text, len, d);
  free(text);
  return rc;
}

int wx__calib_spec_parse(const char *name, const char *text, size_t len,
                         wx_calib_spec **out, wx_diags *d) {
  *out = NULL;
  wx_calib_spec *s = calloc(1, sizeof *s);
  if (!s || !(s->file = wx__strdup(name))) {
    free(s);
    return wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
  }
  wx__hex64(wx__fnv1a64(text, len), s->hash);
  wx_tree *t = NULL;
  int rc = wx__tree_parse(name, text, len, &t, d);
  if (rc == WX_OK) {
    cctx c = {.file = name, .d = d, .s = s};
    read_calib(&c, t->root);
    wx__tree_free(t);
    if (c.nomem)
      rc = wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
    else if (c.errors)
      rc = WX_ESCENARIO;
  }
  if (rc == WX_OK) rc = read_csv(s, d);
  if (rc != WX_OK) {
    if (d) wx__diags_sort(d);
    wx__calib_spec_free(s);
    return rc;
  }
  *out = s;
  return WX_OK;
}

int wx__calib_spec_load(const char *path, wx_calib_spec **out, wx_diags *d) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  int rc = wx__read_file(path, WX__SCENARIO_MAX, &text, &len, d);
  if (rc == WX_OK) rc = wx__calib_spec_parse(path, text, len, out, d);
  free(text);
  return rc;
}
