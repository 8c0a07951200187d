/* Shards into one run's results (merge.h). */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "outfile.h"
#include "results.h"
#include "results_dir.h"
#include "resume.h"
#include "util.h"

typedef struct {
  const char *dir;
  wx_resume_info info;
} shard;

static int read_shard(shard *s, wx_diags *d) {
  int rc = wx__resume_read(s->dir, &s->info, d);
  const wx_resume_info *i = &s->info;
  if (rc != WX_OK) return rc;
  if (!i->shard_to)
    return wx__diag(d, WX_EINVAL, s->dir, 0, 0,
                    "not a shard: make shards "
                    "with `wxflow run FILE --replications FROM:TO`");
  if (i->partial)
    return wx__diag(d, WX_EINVAL, s->dir, 0, 0,
                    "the shard %u:%u was "
                    "interrupted (%u replications finished): run it again "
                    "with --force",
                    i->shard_from, i->shard_to, i->completed);
  if (!i->series)
    return wx__diag(d, WX_EINVAL, s->dir, 0, 0,
                    "the shard was made with "
                    "--no-series, so its replications cannot be merged");
  return WX_OK;
}

static int same_quantiles(const wx_resume_info *a, const wx_resume_info *b) {
  if (a->n_quantiles != b->n_quantiles) return 0;
  for (unsigned k = 0; k < a->n_quantiles; k++)
    if (a->quantiles[k] != b->quantiles[k]) return 0;
  return 1;
}

/* What makes b a shard of another run than a, or NULL. */
static const char *differs(const wx_resume_info *a, const wx_resume_info *b) {
  if (strcmp(a->hash, b->hash)) return "scenarios";
  if (a->seed != b->seed) return "seeds";
  if (a->horizon != b->horizon) return "horizons";
  if ((a->engine || b->engine) &&
      (!a->engine || !b->engine || strcmp(a->engine, b->engine)))
    return "engines";
  if (!same_quantiles(a, b)) return "--quantiles";
  return NULL;
}

static int by_first(const void *x, const void *y) {
  const shard *a = x, *b = y;
  return (a->info.shard_from > b->info.shard_from) -
         (a->info.shard_from < b->info.shard_from);
}

/* Sorted shards must cover 0 .. N - 1 once each. */
static int check_ranges(const shard *s, size_t n, wx_diags *d) {
  if (s[0].info.shard_from != 0)
    return wx__diag(d, WX_EINVAL, s[0].dir, 0, 0,
                    "replications 0:%u are "
                    "missing: the first shard holds %u:%u",
                    s[0].info.shard_from, s[0].info.shard_from,
                    s[0].info.shard_to);
  for (size_t i = 1; i < n; i++) {
    const wx_resume_info *p = &s[i - 1].info, *q = &s[i].info;
    if (q->shard_from < p->shard_to)
      return wx__diag(d, WX_EINVAL, s[i].dir, 0, 0,
                      "its replications "
                      "%u:%u overlap those of %s (%u:%u)",
                      q->shard_from, q->shard_to, s[i - 1].dir, p->shard_from,
                      p->shard_to);
    if (q->shard_from > p->shard_to)
      return wx__diag(d, WX_EINVAL, s[i].dir, 0, 0,
                      "replications %u:%u "
                      "are missing between %s (%u:%u) and this shard "
                      "(%u:%u)",
                      p->shard_to, q->shard_from, s[i - 1].dir, p->shard_from,
                      p->shard_to, q->shard_from, q->shard_to);
  }
  return WX_OK;
}

static int check_shards(shard *s, size_t n, wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; rc == WX_OK && i < n; i++) rc = read_shard(&s[i], d);
  for (size_t i = 1; rc == WX_OK && i < n; i++) {
    const char *what = differs(&s[0].info, &s[i].info);
    if (what)
      rc = wx__diag(d, WX_EINVAL, s[i].dir, 0, 0,
                    "a shard of another run "
                    "than %s: their %s differ",
                    s[0].dir, what);
  }
  if (rc == WX_OK) {
    qsort(s, n, sizeof *s, by_first);
    rc = check_ranges(s, n, d);
  }
  return rc;
}

/* Appends DIR/series.csv but its header to fp. */
static int append_series(FILE *fp, const char *dir, wx_diags *d) {
  char *path = wx__path_join(dir, "series.csv");
  FILE *in = path ? fopen(path, "r") : NULL;
  int rc = path ? WX_OK : WX_ENOMEM;
  if (rc == WX_OK && !in)
    rc = wx__diag(d, WX_EIO, path, 0, 0, "cannot read the shard's series");
  int c = 0;
  while (in && (c = getc(in)) != EOF && c != '\n') {
  }
  char buf[1 << 16];
  size_t got;
  while (rc == WX_OK && (got = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, got, fp) != got) rc = WX_EIO;
  if (rc == WX_OK && ferror(in))
    rc = wx__diag(d, WX_EIO, path, 0, 0, "read error");
  if (in) fclose(in);
  free(path);
  return rc;
}

static int write_series(const shard *s, size_t n, const char *out,
                        wx_diags *d) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, out, "series.csv", d);
  if (rc != WX_OK) return rc;
  fputs("replication,time,scope,name,metric,value\n", f.fp);
  for (size_t i = 0; rc == WX_OK && i < n; i++)
    rc = append_series(f.fp, s[i].dir, d);
  if (rc != WX_OK) {
    wx__outfile_abort(&f);
    return rc;
  }
  return wx__outfile_commit(&f, d);
}

/* A manifest of a partial run with every replication finished: what
 * --resume reads (resume.c), nothing else. */
static int write_manifest(const shard *s, size_t n, const char *out,
                          wx_diags *d) {
  const wx_resume_info *i = &s[0].info;
  uint64_t events = 0;
  for (size_t k = 0; k < n; k++) events += s[k].info.events;
  uint32_t total = s[n - 1].info.shard_to;
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, out, "manifest.json", d);
  if (rc != WX_OK) return rc;
  char b[32];
  fputs("{\n  \"scenario\": ", f.fp);
  wx__json_string(f.fp, i->scenario);
  fprintf(f.fp,
          ",\n  \"scenario_hash\": \"%s\",\n  \"status\": \"partial\","
          "\n  \"seed\": %llu,\n  \"replications_requested\": %u,\n"
          "  \"replications_completed\": %u,\n  \"events\": %llu,\n"
          "  \"series_written\": true,\n",
          i->hash, (unsigned long long)i->seed, total, total,
          (unsigned long long)events);
  if (i->engine) {
    fputs("  \"engine\": ", f.fp);
    wx__json_string(f.fp, i->engine);
    fputs(",\n", f.fp);
  }
  if (i->horizon > 0)
    fprintf(f.fp, "  \"horizon_days\": %s,\n", wx__fmt_num(b, i->horizon));
  fputs("  \"quantiles\": [", f.fp);
  for (unsigned k = 0; k < i->n_quantiles; k++)
    fprintf(f.fp, "%s%s", k ? ", " : "", wx__fmt_num(b, i->quantiles[k]));
  fputs("]\n}\n", f.fp);
  return wx__outfile_commit(&f, d);
}

/* OUT created and empty (cleared with force), and none of the shards. */
static int prepare_out(const shard *s, size_t n, const char *out, int force,
                       wx_diags *d) {
  struct stat a, b;
  int rc = wx__mkdir_p(out, d);
  for (size_t i = 0; rc == WX_OK && i < n; i++)
    if (!stat(out, &a) && !stat(s[i].dir, &b) && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
      rc = wx__diag(d, WX_EINVAL, out, 0, 0,
                    "the merged results cannot go "
                    "into one of the shards; choose another -o");
  wx_dir_lock lk = {.fd = -1};
  if (rc == WX_OK) rc = wx__results_dir_lock(out, &lk, d);
  if (rc == WX_OK && !force && wx__dir_in_use(out))
    rc = wx__diag(d, WX_EEXISTS, out, 0, 0,
                  "results directory is not "
                  "empty; use --force to overwrite it or choose another "
                  "with -o");
  else if (rc == WX_OK && force)
    rc = wx__results_dir_clear(out, d);
  if (rc == WX_OK) rc = write_series(s, n, out, d);
  if (rc == WX_OK) rc = write_manifest(s, n, out, d);
  wx__results_dir_release(&lk);
  return rc;
}

int wx__merge_prepare(const char *const *dirs, size_t n, const char *out,
                      int force, char **scenario, wx_diags *d) {
  *scenario = NULL;
  if (!dirs || n == 0 || !out)
    return wx__diag(d, WX_EINVAL, "", 0, 0, "nothing to merge");
  shard *s = calloc(n, sizeof *s);
  if (!s) return wx__diag(d, WX_ENOMEM, "", 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) s[i].dir = dirs[i];
  int rc = check_shards(s, n, d);
  if (rc == WX_OK) rc = prepare_out(s, n, out, force, d);
  if (rc == WX_OK && !(*scenario = wx__strdup(s[0].info.scenario)))
    rc = wx__diag(d, WX_ENOMEM, "", 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) wx__resume_info_free(&s[i].info);
  free(s);
  return rc;
}
