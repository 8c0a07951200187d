/* The calibrated scenario: the base scenario's own text (comments and
 * layout kept) with each free parameter's value replaced by a prior fitted
 * to the bootstrap refits, so that `wxflow run` on it propagates the
 * calibration's uncertainty (docs/scenario.md, "Parameter uncertainty"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "calib.h"
#include "readfile.h"
#include "util.h"
#include "yaml_tree.h"

typedef struct {
  size_t off, len; /* the value's bytes in the base text */
  char prior[160];
} edit;

/* Byte offset of 1-based (line, col), col counted in characters. */
static size_t offset_of(const char *text, size_t len, int line, int col) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (text[i] == '\n') l++;
  for (int c = 1; c < col && i < len; i++)
    if (((unsigned char)text[i + 1] & 0xC0) != 0x80) c++;
  return i;
}

/* Length of the scalar written at text + off: a quoted scalar to its
 * closing quote, a plain one as long as its value; 0 when it does not
 * read back as `value` (then the file is not rewritten). */
static size_t scalar_len(const char *text, size_t len, size_t off,
                         const char *value) {
  char q = text[off];
  if (q == '"' || q == '\'') {
    for (size_t i = off + 1; i < len && text[i] != '\n'; i++) {
      if (q == '"' && text[i] == '\\')
        i++;
      else if (text[i] == q && q == '\'' && i + 1 < len && text[i + 1] == q)
        i++;
      else if (text[i] == q)
        return i + 1 - off;
    }
    return 0;
  }
  size_t n = strlen(value);
  return off + n <= len && !memcmp(text + off, value, n) ? n : 0;
}

static void prior_text(const wx_calib_sim *c, const wx_calib_result *r,
                       size_t i, char *out, size_t cap) {
  const wx_calib_spec *s = c->s;
  size_t k = s->k, B = r->B;
  double est = r->x_hat[i], xs[10000];
  size_t n = B < 10000 ? B : 10000;
  for (size_t b = 0; b < n; b++) xs[b] = r->xb[b * k + i];
  double sd = n >= 2 ? gsl_stats_sd(xs, 1, n) : 0;
  double var = sd * sd;
  if (!(sd > 0)) {
    snprintf(out, cap, "%.10g", est);
  } else if (s->tf[i] == WX_TF_LOGIT && var < est * (1 - est)) {
    /* Beta with the estimate as its mean and the refits' variance. */
    double t = est * (1 - est) / var - 1;
    snprintf(out, cap, "\"beta(%.6g, %.6g)\"", est * t, (1 - est) * t);
  } else if (s->tf[i] == WX_TF_LOG && est > 0) {
    snprintf(out, cap, "\"lognormal(median=%.6g, sigma=%.6g)\"", est,
             r->sd_z[i]);
  } else {
    snprintf(out, cap, "\"normal(mean=%.6g, sd=%.6g)\"", est, sd);
  }
}

static int cmp_edit(const void *a, const void *b) {
  const edit *x = a, *y = b;
  return (x->off > y->off) - (x->off < y->off);
}

static int find_edits(const wx_calib_sim *c, const wx_calib_result *r,
                      const char *text, size_t len, const wx_tree *t, edit *e,
                      wx_diags *d) {
  const wx_calib_spec *s = c->s;
  for (size_t i = 0; i < s->k; i++) {
    const wx_node *n = wx__tree_get_path(t, s->f[i].path);
    if (!n || n->type != WX_NODE_SCALAR)
      return wx__diag(d, WX_ESCENARIO, s->base, 0, 0,
                      "`%s` is not a plain "
                      "value any more",
                      s->f[i].path);
    e[i].off = offset_of(text, len, n->line, n->col);
    e[i].len = scalar_len(text, len, e[i].off, n->str);
    if (!e[i].len)
      return wx__diag(d, WX_ESCENARIO, s->base, n->line, n->col,
                      "cannot "
                      "rewrite the value of `%s` in place",
                      s->f[i].path);
    prior_text(c, r, i, e[i].prior, sizeof e[i].prior);
  }
  qsort(e, s->k, sizeof *e, cmp_edit);
  return WX_OK;
}

/* A file name for a YAML comment: one line. */
static void comment_safe(char *out, size_t cap, const char *s) {
  snprintf(out, cap, "%s", s);
  for (char *p = out; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
}

static char *splice(const wx_calib_sim *c, const char *text, size_t len,
                    const edit *e) {
  size_t k = c->s->k, cap = len + 1024;
  for (size_t i = 0; i < k; i++) cap += strlen(e[i].prior);
  char *out = malloc(cap), f[512], g[512];
  if (!out) return NULL;
  comment_safe(f, sizeof f, c->s->file);
  comment_safe(g, sizeof g, c->s->data);
  size_t o = (size_t)snprintf(out, cap,
                              "# Calibrated by `wxflow calibrate "
                              "%s` to %s: the free parameters carry their "
                              "fitted uncertainty as priors.\n",
                              f, g);
  size_t at = 0;
  for (size_t i = 0; i < k; i++) {
    memcpy(out + o, text + at, e[i].off - at);
    o += e[i].off - at;
    size_t pl = strlen(e[i].prior);
    memcpy(out + o, e[i].prior, pl);
    o += pl;
    at = e[i].off + e[i].len;
  }
  memcpy(out + o, text + at, len - at);
  out[o + len - at] = '\0';
  return out;
}

int wx__calib_scenario_text(const wx_calib_sim *c, const wx_calib_result *r,
                            char **out, wx_diags *d) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  wx_tree *t = NULL;
  edit *e = calloc(c->s->k, sizeof *e);
  int rc = e ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK)
    rc = wx__read_file(c->s->base, WX__SCENARIO_MAX, &text, &len, d);
  if (rc == WX_OK) rc = wx__tree_parse(c->s->base, text, len, &t, d);
  if (rc == WX_OK) rc = find_edits(c, r, text, len, t, e, d);
  if (rc == WX_OK && !(*out = splice(c, text, len, e))) rc = WX_ENOMEM;
  /* The result must load as a scenario: checked here, not by the user. */
  wx_model *m = NULL;
  if (rc == WX_OK)
    rc = wx_model_load_buffer("calibrated.yaml", *out, strlen(*out), &m, d);
  wx_model_free(m);
  if (rc != WX_OK) {
    free(*out);
    *out = NULL;
  }
  wx__tree_free(t);
  free(text);
  free(e);
  return rc;
}
