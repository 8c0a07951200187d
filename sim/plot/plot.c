/* wx__plot_render: finds gnuplot and the templates, sets up charts/ and a
 * temporary directory, draws each selected chart, cleans up. */
#include "plot.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot_int.h"
#include "results_dir.h"
#include "resume.h"
#include "util.h"

static const char *const templates[] = {
    "deck_style.gp",    "fan.gp",        "stacked.gp",      "funnel.gp",
    "compare.gp",       "kpi_bars.gp",   "constraints.gp",  "study_response.gp",
    "study_heatmap.gp", "study_bars.gp", "study_morris.gp", "calib_fit.gp",
    "loss_trace.gp"};

/* Whether `prog` names an executable, directly or through PATH. */
static int program_exists(const char *prog) {
  if (!*prog) return 0;
  if (strchr(prog, '/')) return access(prog, X_OK) == 0;
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  while (*path) {
    size_t n = strcspn(path, ":");
    char full[WX_PLOT_PATH];
    int len = snprintf(full, sizeof full, "%.*s/%s", (int)(n ? n : 1),
                       n ? path : ".", prog);
    if (len > 0 && len < (int)sizeof full && access(full, X_OK) == 0) return 1;
    path += n + (path[n] == ':');
  }
  return 0;
}

static int check_tools(wx__plot_ctx *ctx) {
  if (!program_exists(ctx->gnuplot))
    return wx__diag(ctx->diags, WX_ENOTFOUND, ctx->gnuplot, 0, 0,
                    "gnuplot not found (looked for \"%s\" on PATH); charts "
                    "need it: apt-get install gnuplot-nox (Debian/Ubuntu), "
                    "dnf install gnuplot (Fedora), brew install gnuplot "
                    "(macOS)",
                    ctx->gnuplot);
  for (size_t i = 0; i < sizeof templates / sizeof *templates; i++) {
    char path[WX_PLOT_PATH];
    if (wx__plot_path(path, ctx->tpl_dir, templates[i]) ||
        access(path, R_OK) != 0)
      return wx__diag(ctx->diags, WX_ENOTFOUND, path, 0, 0,
                      "chart template not found (templates directory: %s)",
                      ctx->tpl_dir);
  }
  return WX_OK;
}

/* Appends one UTF-8 encoded code point. */
static size_t put_utf8(char *out, unsigned cp) {
  if (cp < 0x80) return out[0] = (char)cp, 1;
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = (char)(0xE0 | cp >> 12);
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

/* Decodes the JSON string starting at s (after its quote) into out. */
static void json_string(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && *s != '"' && n + 4 < size; s++) {
    if (*s != '\\') {
      out[n++] = *s;
      continue;
    }
    char e = *++s;
    if (e == 'u') {
      unsigned cp = 0;
      if (sscanf(s + 1, "%4x", &cp) != 1) break;
      s += 4;
      n += put_utf8(out + n, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
    } else if (e) {
      out[n++] = e == 'n' || e == 't' || e == 'r' ? ' ' : e;
    } else {
      break;
    }
  }
  out[n] = '\0';
}

/* The "title" of manifest.json, if any; a small scan, not a JSON parser. */
static void manifest_title(wx__plot_ctx *ctx) {
  char path[WX_PLOT_PATH], buf[8192];
  if (wx__plot_path(path, ctx->dir, "manifest.json")) return;
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strstr(buf, "\"title\"");
  if (!p) return;
  p += strlen("\"title\"");
  p += strspn(p, " \t\r\n");
  if (*p++ != ':') return;
  p += strspn(p, " \t\r\n");
  if (*p++ != '"') return;
  json_string(p, ctx->title, sizeof ctx->title);
}

static int make_dirs(wx__plot_ctx *ctx) {
  if (wx__plot_path(ctx->charts, ctx->dir, "charts") ||
      wx__plot_path(ctx->tmp, ctx->dir, ".wxplot-XXXXXX"))
    return wx__diag(ctx->diags, WX_EINVAL, ctx->dir, 0, 0, "path too long");
  if (mkdir(ctx->charts, 0777) != 0 && errno != EEXIST)
    return wx__diag(ctx->diags, WX_EIO, ctx->charts, 0, 0, "cannot create: %s",
                    strerror(errno));
  if (!mkdtemp(ctx->tmp)) {
    int e = errno;
    ctx->tmp[0] = '\0';
    return wx__diag(ctx->diags, WX_EIO, ctx->dir, 0, 0,
                    "cannot create a temporary directory: %s", strerror(e));
  }
  return WX_OK;
}

/* Removes the temporary directory: it holds only files we wrote. */
static void remove_tmp(wx__plot_ctx *ctx) {
  if (!ctx->tmp[0]) return;
  DIR *d = opendir(ctx->tmp);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    char path[WX_PLOT_PATH];
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
        !wx__plot_path(path, ctx->tmp, e->d_name))
      unlink(path);
  }
  if (d) closedir(d);
  rmdir(ctx->tmp);
}

static int init_ctx(wx__plot_ctx *ctx, const char *dir,
                    const wx_plot_options *opt, wx_diags *diags) {
  *ctx = (wx__plot_ctx){0};
  ctx->dir = dir;
  ctx->diags = diags;
  ctx->gnuplot = opt->gnuplot ? opt->gnuplot : "gnuplot";
  ctx->fan_metric = opt->fan_metric ? opt->fan_metric : "members";
  ctx->compare_series = opt->compare_series;
  ctx->formats = opt->formats ? opt->formats : WX_PLOT_PNG;
  ctx->stop = opt->stop;
  ctx->timeout = opt->timeout > 0 ? opt->timeout : 120;
  /* The library cannot know where it was installed: the caller (the CLI
   * resolves it, see wx_cli_data_dir) names the templates. */
  const char *tpl = opt->templates_dir;
  if (!tpl || !*tpl)
    return wx__diag(diags, WX_EINVAL, "", 0, 0,
                    "no chart templates directory given");
  int n = snprintf(ctx->tpl_dir, sizeof ctx->tpl_dir, "%s", tpl);
  if (n < 0 || n >= (int)sizeof ctx->tpl_dir)
    return wx__diag(diags, WX_EINVAL, tpl, 0, 0, "path too long");
  if (opt->title)
    snprintf(ctx->title, sizeof ctx->title, "%s", opt->title);
  else
    manifest_title(ctx);
  return WX_OK;
}

/* The two charts that need series_stats.csv of results_dir itself. */
static int draw_series(wx__plot_ctx *ctx, unsigned charts,
                       const wx__plot_results *r, const char *why) {
  int rc = WX_OK, one;
  if (charts & WX_PLOT_FAN) {
    if (r)
      rc = wx__plot_fans(ctx, r);
    else
      wx__plot_skip(ctx, "fan", why);
  }
  if (charts & WX_PLOT_STACKED) {
    one = WX_OK;
    if (r)
      one = wx__plot_stacked(ctx, r);
    else
      wx__plot_skip(ctx, "stacked_members", why);
    if (rc == WX_OK) rc = one;
  }
  return rc;
}

/* Runs every selected chart; keeps going after a failure, returns the
 * first error. */
static int draw_all(wx__plot_ctx *ctx, unsigned charts) {
  wx__plot_results r;
  int load = wx__plot_results_load(ctx, ctx->dir, &r);
  const wx__plot_results *have = load == WX_OK ? &r : NULL;
  int first = load == WX_ENOTFOUND ? WX_OK : load;
  int rc[] = {
      draw_series(ctx, charts, have,
                  load == WX_ENOTFOUND ? "series_stats.csv not found"
                                       : "series_stats.csv unreadable"),
      (charts & WX_PLOT_FUNNEL) ? wx__plot_funnel(ctx) : WX_OK,
      (charts & WX_PLOT_CONSTRAINTS) ? wx__plot_constraints(ctx, have) : WX_OK,
      (charts & WX_PLOT_COMPARE) ? wx__plot_compare(ctx) : WX_OK,
      (charts & WX_PLOT_KPI) ? wx__plot_kpi(ctx) : WX_OK,
      (charts & WX_PLOT_ATTRIBUTION) ? wx__plot_attribution(ctx) : WX_OK,
      (charts & WX_PLOT_STUDY) ? wx__plot_study(ctx) : WX_OK,
      (charts & WX_PLOT_OPTIMIZE) ? wx__plot_optimize(ctx) : WX_OK,
      (charts & WX_PLOT_CALIB) ? wx__plot_calib(ctx) : WX_OK};
  for (size_t i = 0; i < sizeof rc / sizeof *rc; i++)
    if (first == WX_OK) first = rc[i];
  if (have) wx__plot_results_free(&r);
  return first;
}

/* A run stopped before its first replication ended has nothing to draw:
 * say so rather than let gnuplot fail on empty tables.  A directory
 * whose manifest cannot be read (a comparison, a study) is drawn. */
static int nothing_yet(const char *dir, wx_diags *diags) {
  wx_diags *quiet = wx_diags_alloc(4);
  wx_resume_info info;
  int read = quiet && wx__resume_read(dir, &info, quiet) == WX_OK;
  int none = read && info.partial && info.completed == 0;
  if (read) wx__resume_info_free(&info);
  wx_diags_free(quiet);
  if (!none) return WX_OK;
  return wx__diag(diags, WX_ENOTFOUND, dir, 0, 0,
                  "no replication finished before the run was stopped, so "
                  "there is nothing to chart; finish it with `wxflow run "
                  "--resume %s`",
                  dir);
}

int wx__plot_render(const char *results_dir, const wx_plot_options *opt,
                    wx_diags *diags) {
  static const wx_plot_options defaults = {0};
  if (!opt) opt = &defaults;
  if (opt->report) *opt->report = (wx_plot_report){0};
  if (!results_dir || !*results_dir)
    return wx__diag(diags, WX_EINVAL, "", 0, 0, "no results directory");
  struct stat st;
  if (stat(results_dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return wx__diag(diags, WX_ENOTFOUND, results_dir, 0, 0,
                    "results directory not found");
  /* Charts are written into the directory like its CSVs: while a run (or
   * another plot) holds it, drawing would read and write under its feet. */
  wx_dir_lock lock;
  int rc = wx__results_dir_lock(results_dir, &lock, diags);
  if (rc != WX_OK) return rc;
  if ((rc = nothing_yet(results_dir, diags)) != WX_OK) {
    wx__results_dir_release(&lock);
    return rc;
  }
  wx__plot_ctx *ctx = malloc(sizeof *ctx);
  rc = ctx ? init_ctx(ctx, results_dir, opt, diags) : WX_ENOMEM;
  rc = rc ? rc : check_tools(ctx);
  rc = rc ? rc : make_dirs(ctx);
  if (rc == WX_OK) rc = draw_all(ctx, opt->charts ? opt->charts : WX_PLOT_ALL);
  if (ctx) remove_tmp(ctx);
  if (ctx && opt->report) *opt->report = ctx->rep;
  free(ctx);
  wx__results_dir_release(&lock);
  return rc;
}
