/* Rebuilds finished replications from series.csv (see resume.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "resume.h"
#include "util.h"

typedef struct {
  FILE *fp;
  const char *path;
  char *line;
  size_t cap;
  long lineno;
  wx_diags *d;
} reader;

static int next_line(reader *r) {
  ssize_t n = getline(&r->line, &r->cap, r->fp);
  if (n < 0) return -1;
  r->lineno++;
  if (n > 0 && r->line[n - 1] == '\n') r->line[n - 1] = '\0';
  return 0;
}

/* The value after the expected "rep,time,scope,name,metric," prefix. */
static int read_cell(reader *r, const char *prefix, double *v) {
  if (next_line(r) != 0)
    return wx__diag(r->d, WX_EINVAL, r->path, 0, 0,
                    "ends before the replications the manifest counts");
  size_t n = strlen(prefix);
  if (strncmp(r->line, prefix, n) != 0)
    return wx__diag(r->d, WX_EINVAL, r->path, (int)r->lineno, 1,
                    "expected a row starting \"%s\"; the file does not "
                    "match the scenario",
                    prefix);
  const char *s = r->line + n;
  char *end;
  *v = *s ? strtod(s, &end) : NAN;
  if (*s && *end)
    return wx__diag(r->d, WX_EINVAL, r->path, (int)r->lineno,
                    (int)(s - r->line) + 1, "expected a number, got \"%s\"", s);
  return WX_OK;
}

static int read_rep(reader *r, const wx_model *m, const wx_layout *l,
                    uint32_t rep, wx_series *s) {
  char t[32], prefix[512];
  for (uint32_t k = 0; k < l->n_samples; k++) {
    wx__fmt_num(t, l->times[k]);
    for (uint32_t j = 0; j < l->n_cols; j++) {
      const wx_column *c = &l->cols[j];
      snprintf(prefix, sizeof prefix, "%u,%s,%s,%s,%s,", rep, t,
               wx__scope_name(c->scope), wx__column_entity(m, c), c->metric);
      int rc = read_cell(r, prefix, &s->v[(size_t)k * l->n_cols + j]);
      if (rc != WX_OK) return rc;
    }
  }
  return WX_OK;
}

static int replay_all(reader *r, const wx_model *m, const wx_layout *l,
                      const wx_resume_info *info, wx_rep_sink sink, void *ctx) {
  wx_series s = {0};
  size_t np = m->n_params ? m->n_params : 1;
  double *params = malloc(np * sizeof *params);
  int rc = params ? wx__series_init(&s, l) : WX_ENOMEM;
  if (rc == WX_OK &&
      (next_line(r) != 0 || strcmp(r->line,
                                   "replication,time,scope,name,metric,"
                                   "value") != 0))
    rc = wx__diag(r->d, WX_EINVAL, r->path, 1, 1, "not a series.csv header");
  wx_engine_stats none = {0};
  for (uint32_t rep = 0; rc == WX_OK && rep < info->completed; rep++) {
    rc = read_rep(r, m, l, rep, &s);
    /* Parameters depend on (seed, rep) only: draw them again. */
    if (rc == WX_OK) rc = wx__params_for_rep(m, info->seed, rep, params);
    wx_rep_result res = {rep, &s, params, &none};
    if (rc == WX_OK) rc = sink(ctx, &res);
  }
  wx__series_free(&s);
  free(params);
  return rc;
}

int wx__resume_replay(const wx_model *m, const wx_layout *l, const char *dir,
                      const wx_resume_info *info, wx_rep_sink sink, void *ctx,
                      wx_diags *d) {
  if (info->completed == 0) return WX_OK;
  char *path = wx__path_join(dir, "series.csv");
  if (!path) return WX_ENOMEM;
  reader r = {.path = path, .d = d};
  r.fp = fopen(path, "r");
  int rc = r.fp ? replay_all(&r, m, l, info, sink, ctx)
                : wx__diag(d, WX_EIO, path, 0, 0,
                           "cannot read the finished replications");
  if (r.fp) fclose(r.fp);
  free(r.line);
  free(path);
  return rc;
}
