/* Outputs of `wxflow attribute` (docs/attribute.md): attribution.csv,
 * journeys.csv, paths.csv and manifest.json, each via a temporary name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "outfile.h"
#include "results.h"
#include "util.h"

static int cmp_key(const void *x, const void *y) {
  const wx_attr_path *a = x, *b = y;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return memcmp(a->key, b->key, a->len);
}

static int cmp_paths(const void *x, const void *y) {
  const wx_attr_path *a = x, *b = y;
  double na = a->conv + a->null, nb = b->conv + b->null;
  if (na != nb) return na > nb ? -1 : 1;
  return strcmp(a->path, b->path);
}

static int cmp_sample_key(const void *x, const void *y) {
  const wx_attr_journey *a = x, *b = y;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  if (a->rep != b->rep) return a->rep < b->rep ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_sample_order(const void *x, const void *y) {
  const wx_attr_journey *a = x, *b = y;
  if (a->rep != b->rep) return a->rep < b->rep ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static char *path_text(const wx_attribution *a, const wx_attr_path *p) {
  size_t n = 1;
  for (uint32_t i = 0; i < p->len; i++) n += strlen(a->ch[p->key[i]].name) + 3;
  char *s = malloc(n);
  if (!s) return NULL;
  size_t at = 0;
  for (uint32_t i = 0; i < p->len; i++)
    at += (size_t)snprintf(s + at, n - at, "%s%s", i ? " > " : "",
                           a->ch[p->key[i]].name);
  s[at] = '\0';
  return s;
}

static size_t pool_paths(wx_attribution *a) {
  if (a->n_paths == 0) return 0;
  qsort(a->paths, a->n_paths, sizeof *a->paths, cmp_key);
  size_t w = 0;
  for (size_t i = 0; i < a->n_paths; i++) {
    wx_attr_path *p = &a->paths[i];
    if (w && cmp_key(&a->paths[w - 1], p) == 0) {
      a->paths[w - 1].conv += p->conv;
      a->paths[w - 1].value += p->value;
      a->paths[w - 1].null += p->null;
      free(p->key);
      continue;
    }
    a->paths[w++] = *p;
  }
  return w;
}

int wx__attr_finish(wx_attribution *a) {
  a->n_paths = pool_paths(a);
  for (size_t i = 0; i < a->n_paths; i++)
    if (!(a->paths[i].path = path_text(a, &a->paths[i]))) return WX_ENOMEM;
  if (a->n_paths) qsort(a->paths, a->n_paths, sizeof *a->paths, cmp_paths);
  if (a->n_j) qsort(a->jv, a->n_j, sizeof *a->jv, cmp_sample_key);
  for (size_t i = a->keep; i < a->n_j; i++) free(a->jv[i].s);
  if (a->n_j > a->keep) a->n_j = a->keep;
  if (a->n_j) qsort(a->jv, a->n_j, sizeof *a->jv, cmp_sample_order);
  return WX_OK;
}

/* ------------------------------------------------------------- files */

static const char *channel_name(const wx_attribution *a, uint32_t ch) {
  return ch == WX_NONE ? "(all)" : a->ch[ch].name;
}

static void write_rows(FILE *fp, const wx_attribution *a) {
  char b[5][32];
  fputs("channel,outcome,method,value,lo,hi,se\n", fp);
  for (size_t i = 0; i < a->n_rows; i++) {
    const wx_attr_row *r = &a->rows[i];
    wx__csv_field(fp, channel_name(a, r->channel));
    fputc(',', fp);
    wx__csv_field(fp, a->outcomes[r->outcome]);
    fprintf(fp, ",%s,%s,%s,%s,%s\n", r->method, wx__fmt_num(b[0], r->value),
            wx__fmt_num(b[1], r->lo), wx__fmt_num(b[2], r->hi),
            wx__fmt_num(b[3], r->se));
  }
}

static const char *step_name(const wx_model *m, const wx_jstep *s,
                             const char **kind) {
  static const char *const kinds[3] = {"enter", "touch", "purchase"};
  *kind = kinds[s->kind];
  if (s->kind == WX_J_ENTER) return m->modules[s->index].name;
  if (s->kind == WX_J_TOUCH) return m->touchpoints[s->index].name;
  return m->outcomes[s->index].name;
}

static void write_journeys(FILE *fp, const wx_attribution *a) {
  char b[2][32];
  fputs("replication,person,step,time,kind,name,count,value\n", fp);
  for (size_t i = 0; i < a->n_j; i++) {
    const wx_attr_journey *j = &a->jv[i];
    for (uint32_t k = 0; k < j->n; k++) {
      const char *kind, *name = step_name(a->base, &j->s[k], &kind);
      fprintf(fp, "%u,%u,%u,%s,%s,", j->rep, j->seq, k,
              wx__fmt_num(b[0], j->s[k].t), kind);
      wx__csv_field(fp, name);
      fprintf(fp, ",%u,%s\n", j->s[k].count,
              j->s[k].kind == WX_J_BUY ? wx__fmt_num(b[1], j->s[k].value) : "");
    }
    if (j->dropped)
      fprintf(fp, "%u,%u,%u,,dropped,,%u,\n", j->rep, j->seq, j->n, j->dropped);
  }
}

static void write_paths(FILE *fp, const wx_attribution *a) {
  char b[3][32];
  fputs("path,conversions,value,nulls\n", fp);
  for (size_t i = 0; i < a->n_paths; i++) {
    const wx_attr_path *p = &a->paths[i];
    wx__csv_field(fp, p->path);
    fprintf(fp, ",%s,%s,%s\n", wx__fmt_num(b[0], p->conv),
            wx__fmt_num(b[1], p->value), wx__fmt_num(b[2], p->null));
  }
}

static void write_manifest(FILE *fp, const wx_attribution *a) {
  fprintf(fp,
          "{\n  \"version\": \"%s\",\n  \"command\": \"attribute\",\n"
          "  \"title\": ",
          wx_version());
  wx__json_string(fp, a->base->title ? a->base->title : "");
  fputs(",\n  \"scenario\": ", fp);
  wx__json_string(fp, wx_model_path(a->base));
  fprintf(fp,
          ",\n  \"scenario_hash\": \"%s\",\n  \"seed\": %llu,\n"
          "  \"replications\": %u,\n  \"channels\": [",
          wx_model_hash(a->base), (unsigned long long)a->seed, a->replications);
  for (size_t i = 0; i < a->n_ch; i++) {
    fprintf(fp, "%s{\"name\": ", i ? ", " : "");
    wx__json_string(fp, a->ch[i].name);
    fprintf(fp, ", \"kind\": \"%s\"}",
            a->ch[i].is_tp ? "touchpoint" : "module");
  }
  fprintf(fp,
          "],\n  \"shapley\": {\"exact\": %s, \"permutations\": %u, "
          "\"coalitions\": %u},\n",
          a->exact ? "true" : "false", a->permutations, a->coalitions);
  fprintf(fp,
          "  \"journeys\": {\"recorded\": %llu, \"sampled\": %zu, "
          "\"purchases_past_cap\": %llu, \"purchases_before_any_channel\": "
          "%.0f}\n}\n",
          (unsigned long long)a->journeys, a->n_j,
          (unsigned long long)a->lost_buys, a->unattributed);
}

typedef void (*writer)(FILE *, const wx_attribution *);

static int write_one(const char *dir, const char *name, writer w,
                     const wx_attribution *a, wx_diags *d) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, name, d);
  if (rc != WX_OK) return rc;
  w(f.fp, a);
  return wx__outfile_commit(&f, d);
}

int wx__attribution_write(const wx_attribution *a, const char *dir,
                          wx_diags *d) {
  int rc = wx__mkdir_p(dir, d);
  if (rc == WX_OK) rc = write_one(dir, "attribution.csv", write_rows, a, d);
  if (rc == WX_OK) rc = write_one(dir, "journeys.csv", write_journeys, a, d);
  if (rc == WX_OK) rc = write_one(dir, "paths.csv", write_paths, a, d);
  if (rc == WX_OK) rc = write_one(dir, "manifest.json", write_manifest, a, d);
  return rc;
}
