/* Runs every variant of a comparison with common random numbers: the same
 * seed and replication count, so replication r of each variant uses the
 * same streams (seeded from (seed, r) and tagged by entity name). */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "model.h"
#include "outfile.h"
#include "util.h"

/* The horizon and sampling step variant m runs with (series.c). */
static void grid_of(const wx_model *m, double horizon, double *h, double *dt) {
  *h = horizon > 0 ? horizon : m->horizon;
  *dt = m->sample_dt < *h ? m->sample_dt : *h;
}

static int same_grid(wx_model *const *models, size_t n, double horizon) {
  double h0, dt0, h, dt;
  grid_of(models[0], horizon, &h0, &dt0);
  for (size_t i = 1; i < n; i++) {
    grid_of(models[i], horizon, &h, &dt);
    if (h != h0 || dt != dt0) return 0;
  }
  return 1;
}

/* "OUT/variants/<name>" for each variant (caller frees each and the array).
 */
static char **variant_dirs(const char *out, const wx_compare_spec *s) {
  char **dirs = calloc(s->n, sizeof *dirs);
  char *vdir = wx__path_join(out, "variants");
  for (size_t i = 0; dirs && vdir && i < s->n; i++)
    if (!(dirs[i] = wx__path_join(vdir, s->v[i].name))) {
      for (size_t j = 0; j < i; j++) free(dirs[j]);
      free(dirs);
      dirs = NULL;
    }
  if (!vdir && dirs) {
    free(dirs);
    dirs = NULL;
  }
  free(vdir);
  return dirs;
}

static uint64_t effective_seed(const wx_compare_spec *s,
                               wx_model *const *models,
                               const wx_compare_options *o) {
  if (o->seed_set) return o->seed;
  return s->seed_set ? s->seed : wx_model_seed(models[0]);
}

static int run_all(const wx_compare_spec *s, wx_model *const *models,
                   const wx_compare_options *o, char **dirs, wx_diags *d) {
  wx_run_options ro = {
      .force = o->force, .seed_set = 1,
      .seed = effective_seed(s, models, o),
      .replications = o->replications ? o->replications
                      : s->replications ? s->replications
                      : wx_model_replications(models[0]),
      .threads = o->threads, .progress = o->progress,
      .progress_ctx = o->progress_ctx, .stop = o->stop,
      .engine = o->engine, .horizon = o->horizon,
      .memory_budget = o->memory_budget};
  for (size_t i = 0; i < s->n; i++) {
    if (o->on_variant)
      o->on_variant(o->on_variant_ctx, s->v[i].name, (unsigned)i,
                    (unsigned)s->n);
    ro.out_dir = dirs[i];
    int rc = wx_run(models[i], &ro, NULL, d);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

static int prepare(const wx_compare_options *o, wx_diags *d) {
  if (!o->out_dir || !*o->out_dir)
    return wx__diag(d, WX_EINVAL, "", 0, 0, "no output directory given");
  if (!o->force && wx__dir_in_use(o->out_dir))
    return wx__diag(d, WX_EEXISTS, o->out_dir, 0, 0,
                    "output directory is not empty; use --force to "
                    "overwrite it or choose another with -o");
  return wx__mkdir_p(o->out_dir, d);
}

int wx__compare_run(const wx_compare_spec *s, wx_model *const *models,
                    const wx_compare_options *o, wx_comparison **out,
                    wx_diags *d) {
  if (out) *out = NULL;
  if (!s || !models || !o || s->n == 0) return WX_EINVAL;
  int rc = prepare(o, d);
  char **dirs = rc == WX_OK ? variant_dirs(o->out_dir, s) : NULL;
  if (rc == WX_OK && !dirs) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = run_all(s, models, o, dirs, d);
  wx_comparison *c = NULL;
  if (rc == WX_OK) {
    const char **names = calloc(s->n, sizeof *names);
    for (size_t i = 0; names && i < s->n; i++) names[i] = s->v[i].name;
    rc = names ? wx__comparison_build(names, (const char *const *)dirs, s->n,
                                      (const char *const *)s->kpis,
                                      s->n_kpis, &c, d)
               : WX_ENOMEM;
    free(names);
  }
  if (rc == WX_OK) {
    c->seed = effective_seed(s, models, o);
    c->same_grid = same_grid(models, s->n, o->horizon);
    rc = wx__comparison_write(c, s, models, o->out_dir, d);
  }
  for (size_t i = 0; dirs && i < s->n; i++) free(dirs[i]);
  free(dirs);
  if (out && rc == WX_OK) *out = c;
  else wx__comparison_free(c);
  return rc;
}
