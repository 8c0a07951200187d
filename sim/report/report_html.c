/* report.html: the page around the tables (report_tables.c) and the
 * charts (inlined SVG), with the scenario summary and the manifest. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_read.h"
#include "outfile.h"
#include "report.h"
#include "util.h"

/* No script may run: the policy forbids it even if something slipped by. */
static const char head_css[] =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<style>\n"
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han "
    "Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:2em "
    "auto;max-width:1200px;padding:0 1em;color:#222}\n"
    "svg text{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\","
    "sans-serif}\n"
    "h1{font-size:2em;margin-bottom:.2em}h2{border-bottom:2px solid "
    "#4E79A7;padding-bottom:.2em;margin-top:2em}\n"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}\n"
    "th,td{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:left}\n"
    "th{background:#f3f5f8}td.n{text-align:right;font-variant-numeric:"
    "tabular-nums;white-space:nowrap}\n"
    "figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px "
    "solid #eee}\n"
    "figcaption{color:#555;font-size:.9em}.sub{color:#555}\n"
    "</style>\n";

static void put_head(wx__rbuf *b, const char *title) {
  wx__rb_puts(b,
              "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
              "<meta charset=\"utf-8\">\n<title>");
  wx__rb_html(b, title);
  wx__rb_puts(b, "</title>\n");
  wx__rb_puts(b, head_css);
  wx__rb_puts(b, "</head>\n<body>\n<h1>");
  wx__rb_html(b, title);
  wx__rb_puts(b, "</h1>\n");
}

typedef struct {
  const char *key, *label;
} field;

static const field summary_fields[] = {
    {"scenario", "scenario"},
    {"comparison", "comparison"},
    {"horizon_days", "horizon (days)"},
    {"replications_completed", "replications"},
    {"replications", "replications"},
    {"status", "status"}};
static const field manifest_fields[] = {
    {"wxflow_version", "wxflow version"},
    {"kind", "kind"},
    {"scenario_hash", "scenario hash"},
    {"comparison_hash", "comparison hash"},
    {"seed", "seed"},
    {"seed_derivation", "streams"},
    {"common_random_numbers", "common random numbers"},
    {"threads", "threads"},
    {"events", "events"},
    {"wall_time_s", "wall time (s)"}};

/* A two-column table of the manifest fields present. */
static void put_fields(wx__rbuf *b, const char *json, const field *f,
                       size_t n) {
  char value[1024];
  wx__rb_puts(b, "<table>\n");
  for (size_t i = 0; i < n; i++) {
    wx__report_json(json, f[i].key, value, sizeof value);
    if (!value[0]) continue;
    wx__rb_printf(b, "<tr><th>%s</th><td>", f[i].label);
    wx__rb_html(b, value);
    wx__rb_puts(b, "</td></tr>\n");
  }
  wx__rb_puts(b, "</table>\n");
}

/* The modules, touchpoints, sources ... of the scenario (entities.csv). */
static int put_entities(wx__rbuf *b, const char *dir, wx_diags *d) {
  char *path = wx__path_join(dir, "entities.csv");
  if (!path) return WX_ENOMEM;
  wx_csv *c = NULL;
  int rc = access(path, F_OK) == 0 ? wx__csv_load(path, &c, d) : WX_OK;
  static const char *const cols[] = {"scope", "name", "label", "kind"};
  long idx[4];
  if (c && rc == WX_OK) rc = wx__csv_require(c, cols, 4, idx, d);
  if (c && rc == WX_OK) {
    wx__rb_puts(b,
                "<table>\n<tr><th>part</th><th>name</th><th>label</th>"
                "<th>kind</th></tr>\n");
    for (size_t r = 0; r < wx__csv_rows(c); r++) {
      /* Flows are the scenario's plumbing: the summary lists the rest. */
      const char *scope = wx__csv_get(c, r, (size_t)idx[0]);
      if (!strcmp(scope, "flow") || !strcmp(scope, "total")) continue;
      wx__rb_puts(b, "<tr>");
      for (int i = 0; i < 4; i++) {
        wx__rb_puts(b, "<td>");
        wx__rb_html(b, wx__csv_get(c, r, (size_t)idx[i]));
        wx__rb_puts(b, "</td>");
      }
      wx__rb_puts(b, "</tr>\n");
    }
    wx__rb_puts(b, "</table>\n");
  }
  wx__csv_free(c);
  free(path);
  return rc;
}

/* The names of the SVG files in charts/, sorted; NULL-terminated (caller frees). */
static char **chart_names(const char *dir, size_t *n) {
  char *path = wx__path_join(dir, "charts");
  DIR *dd = path ? opendir(path) : NULL;
  free(path);
  char **names = calloc(1, sizeof *names);
  struct dirent *e;
  *n = 0;
  while (names && dd && (e = readdir(dd))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".svg"))
      continue;
    char **more = realloc(names, (*n + 2) * sizeof *names);
    if (!more || !(more[*n] = wx__strdup(e->d_name))) {
      names = more ? more : names;
      break;
    }
    names = more;
    names[++*n] = NULL;
  }
  if (dd) closedir(dd);
  if (names) qsort(names, *n, sizeof *names, wx__report_chart_cmp);
  return names;
}

static void free_names(char **names) {
  for (size_t i = 0; names && names[i]; i++) free(names[i]);
  free(names);
}

static int put_chart(wx__rbuf *b, const char *dir, const char *name, unsigned k,
                     wx_diags *d) {
  char rel[512], prefix[32];
  snprintf(rel, sizeof rel, "charts/%s", name);
  snprintf(prefix, sizeof prefix, "c%u-", k);
  char *path = wx__path_join(dir, rel);
  char *svg = path ? wx__report_slurp(path, NULL) : NULL;
  int rc = svg ? WX_OK
               : wx__diag(d, path ? WX_EIO : WX_ENOMEM, path ? path : dir, 0, 0,
                          "cannot read chart");
  wx__rbuf one = {0};
  if (rc == WX_OK) rc = wx__report_svg(&one, svg, prefix, path, d);
  if (rc == WX_OK) {
    wx__rb_puts(b, "<figure>\n");
    wx__rb_put(b, one.s, one.len);
    wx__rb_puts(b, "<figcaption>");
    wx__rb_html(b, rel);
    wx__rb_puts(b, "</figcaption></figure>\n");
  }
  wx__rb_free(&one);
  free(svg);
  free(path);
  return rc;
}

static int put_charts(wx__rbuf *b, const char *dir, unsigned *count,
                      wx_diags *d) {
  size_t n;
  char **names = chart_names(dir, &n);
  if (!names) return WX_ENOMEM;
  int rc = WX_OK;
  *count = 0;
  if (n) wx__rb_puts(b, "<section id=\"charts\"><h2>Charts</h2>\n");
  for (size_t i = 0; i < n; i++) {
    int one = put_chart(b, dir, names[i], (unsigned)i, d);
    if (one == WX_OK) ++*count;
    if (rc == WX_OK) rc = one;
  }
  if (n) wx__rb_puts(b, "</section>\n");
  free_names(names);
  return rc;
}

/* A comparison's variants, each with the manifest of its run. */
static void put_variants(wx__rbuf *b, const char *dir) {
  char *vdir = wx__path_join(dir, "variants");
  DIR *dd = vdir ? opendir(vdir) : NULL;
  struct dirent *e;
  int rows = 0;
  while (dd && (e = readdir(dd))) {
    if (e->d_name[0] == '.') continue;
    char rel[600], scen[1024], hash[128], seed[64];
    snprintf(rel, sizeof rel, "%s/manifest.json", e->d_name);
    char *path = wx__path_join(vdir, rel);
    char *json = path ? wx__report_slurp(path, NULL) : NULL;
    wx__report_json(json, "scenario", scen, sizeof scen);
    wx__report_json(json, "scenario_hash", hash, sizeof hash);
    wx__report_json(json, "seed", seed, sizeof seed);
    if (!rows++)
      wx__rb_puts(b,
                  "<h3>Variants</h3>\n<table class=\"variants\">\n<tr>"
                  "<th>variant</th><th>scenario</th><th>scenario hash"
                  "</th><th>seed</th></tr>\n");
    const char *cells[] = {e->d_name, scen, hash, seed};
    wx__rb_puts(b, "<tr>");
    for (int i = 0; i < 4; i++) {
      wx__rb_puts(b, "<td>");
      wx__rb_html(b, cells[i]);
      wx__rb_puts(b, "</td>");
    }
    wx__rb_puts(b, "</tr>\n");
    free(json);
    free(path);
  }
  if (rows) wx__rb_puts(b, "</table>\n");
  if (dd) closedir(dd);
  free(vdir);
}

static int build(wx__rbuf *b, const char *dir, wx_report_options *opt,
                 wx_diags *d) {
  char title[512];
  wx__report_title(dir, opt, title, sizeof title);
  char *mpath = wx__path_join(dir, "manifest.json");
  char *json = mpath ? wx__report_slurp(mpath, NULL) : NULL;
  put_head(b, title);
  wx__rb_puts(b, "<section id=\"scenario\"><h2>Scenario</h2>\n");
  put_fields(b, json, summary_fields,
             sizeof summary_fields / sizeof *summary_fields);
  wx__rb_puts(b, "</section>\n");
  unsigned found = 0;
  int rc = wx__report_tables(b, dir, &found, d);
  if (!(found & 3u) && rc == WX_OK)
    rc = wx__diag(d, WX_ENOTFOUND, dir, 0, 0,
                  "no kpi_summary.csv or compare.csv: not a results "
                  "directory of wxflow run or compare");
  int one = put_charts(b, dir, &opt->charts_inlined, d);
  if (rc == WX_OK) rc = one;
  wx__rb_puts(b, "<section id=\"parts\"><h2>Scenario parts</h2>\n");
  one = put_entities(b, dir, d);
  wx__rb_puts(b, "</section>\n");
  if (rc == WX_OK) rc = one;
  wx__rb_puts(b, "<section id=\"manifest\"><h2>Manifest</h2>\n");
  put_fields(b, json, manifest_fields,
             sizeof manifest_fields / sizeof *manifest_fields);
  put_variants(b, dir);
  wx__rb_puts(b,
              "<p class=\"sub\">Every figure above can be reproduced "
              "from the scenario, its hash and the seed.</p>\n"
              "</section>\n</body>\n</html>\n");
  free(json);
  free(mpath);
  return b->oom ? WX_ENOMEM : rc;
}

int wx__report_html(const char *dir, wx_report_options *opt, wx_diags *d) {
  wx_report_options none = {0};
  if (!opt) opt = &none;
  wx__rbuf b = {0};
  int rc = build(&b, dir, opt, d);
  /* An unsafe chart or a bad table leaves the rest worth writing. */
  if (rc == WX_OK || rc == WX_EINVAL) {
    char *path = wx__path_join(dir, "report.html");
    int w = path ? wx__write_file_atomic(path, b.s, d) : WX_ENOMEM;
    if (w != WX_OK) rc = w;
    free(path);
  }
  wx__rb_free(&b);
  return rc;
}
