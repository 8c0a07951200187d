/* Runs every variant of a comparison with common random numbers: the same
 * seed and replication count, so replication r of each variant uses the
 * same streams (seeded from (seed, r) and tagged by entity name). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "model.h"
#include "outfile.h"
#include "results_dir.h"
#include "runner.h"
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
  wx_run_options ro = {.force = o->force,
                       .seed_set = 1,
                       .seed = effective_seed(s, models, o),
                       .replications = o->replications ? o->replications
                                       : s->replications
                                           ? s->replications
                                           : wx_model_replications(models[0]),
                       .threads = o->threads,
                       .progress = o->progress,
                       .progress_ctx = o->progress_ctx,
                       .stop = o->stop,
                       .engine = o->engine,
                       .horizon = o->horizon,
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

/* variants/NAME directories of an earlier comparison that this one does
 * not have: a forced rerun removes them (results_dir.h). */
static int drop_old_variants(const wx_compare_spec *s, const char *dir,
                             wx_diags *d) {
  char *vdir = wx__path_join(dir, "variants");
  DIR *dp = vdir ? opendir(vdir) : NULL;
  struct dirent *e;
  int rc = vdir ? WX_OK : WX_ENOMEM;
  while (rc == WX_OK && dp && (e = readdir(dp)) != NULL) {
    int keep = e->d_name[0] == '.';
    for (size_t i = 0; i < s->n && !keep; i++)
      keep = strcmp(e->d_name, s->v[i].name) == 0;
    char *p = keep ? NULL : wx__path_join(vdir, e->d_name);
    if (p) rc = wx__results_dir_drop(p, d);
    free(p);
  }
  if (dp) closedir(dp);
  free(vdir);
  return rc;
}

/* Creates and locks the directory; --force clears an earlier comparison. */
static int prepare(const wx_compare_spec *s, const wx_compare_options *o,
                   wx_dir_lock *lk, wx_diags *d) {
  lk->fd = -1;
  lk->path = NULL;
  if (!o->out_dir || !*o->out_dir)
    return wx__diag(d, WX_EINVAL, "", 0, 0, "no output directory given");
  int rc = wx__mkdir_p(o->out_dir, d);
  if (rc == WX_OK) rc = wx__results_dir_lock(o->out_dir, lk, d);
  if (rc != WX_OK) return rc;
  if (!o->force && wx__dir_in_use(o->out_dir))
    rc = wx__diag(d, WX_EEXISTS, o->out_dir, 0, 0,
                  "output directory is not empty; use --force to "
                  "overwrite it or choose another with -o");
  else if (o->force)
    rc = wx__results_dir_clear(o->out_dir, d);
  if (rc == WX_OK && o->force) rc = drop_old_variants(s, o->out_dir, d);
  if (rc != WX_OK) wx__results_dir_release(lk);
  return rc;
}

int wx__compare_run(const wx_compare_spec *s, wx_model *const *models,
                    const wx_compare_options *o, wx_comparison **out,
                    wx_diags *d) {
  if (out) *out = NULL;
  if (!s || !models || !o || s->n == 0) return WX_EINVAL;
  wx_dir_lock lock = {.fd = -1};
  /* An MPI rank other than 0 only runs its share (runner.h). */
  int worker = wx__dist_worker();
  int rc = worker ? WX_OK : prepare(s, o, &lock, d);
  char **dirs = rc == WX_OK ? variant_dirs(o->out_dir, s) : NULL;
  if (rc == WX_OK && !dirs) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = run_all(s, models, o, dirs, d);
  wx_comparison *c = NULL;
  if (rc == WX_OK && !worker) {
    const char **names = calloc(s->n, sizeof *names);
    for (size_t i = 0; names && i < s->n; i++) names[i] = s->v[i].name;
    rc = names ? wx__comparison_build(names, (const char *const *)dirs, s->n,
                                      (const char *const *)s->kpis, s->n_kpis,
                                      &c, d)
               : WX_ENOMEM;
    free(names);
  }
  if (rc == WX_OK && c) {
    c->seed = effective_seed(s, models, o);
    c->same_grid = same_grid(models, s->n, o->horizon);
    rc = wx__comparison_write(c, s, models, o->out_dir, d);
  }
  for (size_t i = 0; dirs && i < s->n; i++) free(dirs[i]);
  free(dirs);
  wx__results_dir_release(&lock);
  if (out && rc == WX_OK)
    *out = c;
  else
    wx__comparison_free(c);
  return rc;
}
