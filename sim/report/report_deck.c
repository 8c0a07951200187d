/* deck.pdf: a title slide and KPI slides drawn by gnuplot's pdfcairo (one
 * process, one multi-page PDF, fonts embedded), joined with the charts'
 * PDFs by pdfunite.  Everything is made in a temporary directory inside
 * the results directory, and the deck renamed into place at the end. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_read.h"
#include "outfile.h"
#include "report.h"
#include "util.h"

extern char **environ;

enum { ROWS_PER_SLIDE = 14, MAX_SLIDES = 200 };

void wx__rb_gpstr(wx__rbuf *b, const char *s) {
  wx__rb_puts(b, "'");
  for (; *s; s++) {
    if (*s == '\'')
      wx__rb_puts(b, "''");
    else
      wx__rb_put(b, (*s == '\n' || *s == '\r') ? " " : s, 1);
  }
  wx__rb_puts(b, "'");
}

static void label(wx__rbuf *b, const char *text, double x, double y,
                  const char *align, int size, const char *color) {
  wx__rb_puts(b, "set label ");
  wx__rb_gpstr(b, text);
  wx__rb_printf(b, " at screen %.3f,%.3f %s font ',%d' tc rgb '%s'\n", x, y,
                align, size, color);
}

static void page(wx__rbuf *b) {
  wx__rb_puts(b, "plot NaN notitle\nunset label\n");
}

static void title_slide(wx__rbuf *b, const char *title, const char *json) {
  char scen[512], seed[64], reps[64], sub[800];
  wx__report_json(json, "scenario", scen, sizeof scen);
  wx__report_json(json, "seed", seed, sizeof seed);
  wx__report_json(json, "replications_completed", reps, sizeof reps);
  if (!reps[0]) wx__report_json(json, "replications", reps, sizeof reps);
  /* A long title shrinks to stay on the slide (bytes: a CJK character is
   * three and about twice as wide as a Latin one). */
  size_t len = strlen(title);
  int size = len <= 45 ? 48 : len >= 150 ? 16 : (int)(48 * 45 / len);
  label(b, title, 0.5, 0.58, "center", size < 16 ? 16 : size, "#111111");
  snprintf(sub, sizeof sub, "%s%s%s replications · seed %s · wxflow %s", scen,
           scen[0] ? " · " : "", reps[0] ? reps : "?", seed[0] ? seed : "?",
           wx_version());
  label(b, sub, 0.5, 0.44, "center", 22, "#555555");
  page(b);
}

/* The KPI rows: kpi_summary.csv of a run, else compare.csv. */
static int kpi_slides(wx__rbuf *b, const char *dir, unsigned *slides,
                      wx_diags *d) {
  char *run = wx__path_join(dir, "kpi_summary.csv");
  char *cmp = wx__path_join(dir, "compare.csv");
  int is_cmp = run && access(run, F_OK) != 0;
  wx_csv *c = NULL;
  int rc = run && cmp ? wx__csv_load(is_cmp ? cmp : run, &c, d) : WX_ENOMEM;
  static const char *const cols[] = {"kpi", "mean", "ci_low", "ci_high",
                                     "variant"};
  long idx[5];
  if (rc == WX_OK) rc = wx__csv_require(c, cols, is_cmp ? 5 : 4, idx, d);
  size_t rows = rc == WX_OK ? wx__csv_rows(c) : 0;
  for (size_t r = 0; r < rows; r++) {
    size_t k = r % ROWS_PER_SLIDE;
    if (k == 0 && *slides == MAX_SLIDES) break;
    if (k == 0) {
      label(b,
            is_cmp ? "KPIs by variant (mean, 95% CI)"
                   : "KPIs (mean, 95% CI of mean)",
            0.06, 0.92, "left", 34, "#111111");
      ++*slides;
    }
    char name[512], m[48], lo[48], hi[48], ci[100];
    snprintf(name, sizeof name, "%s%s%s", wx__csv_get(c, r, (size_t)idx[0]),
             is_cmp ? " · " : "",
             is_cmp ? wx__csv_get(c, r, (size_t)idx[4]) : "");
    double y = 0.82 - 0.056 * (double)k;
    label(b, name, 0.06, y, "left", 22, "#222222");
    label(b, wx__report_num(m, wx__csv_get(c, r, (size_t)idx[1])), 0.62, y,
          "right", 22, "#222222");
    const char *l = wx__csv_get(c, r, (size_t)idx[2]);
    const char *h = wx__csv_get(c, r, (size_t)idx[3]);
    snprintf(ci, sizeof ci, "%s – %s", wx__report_num(lo, l),
             wx__report_num(hi, h));
    if (!*l && !*h) snprintf(ci, sizeof ci, "-");
    label(b, ci, 0.94, y, "right", 22, "#555555");
    if (k == ROWS_PER_SLIDE - 1 || r + 1 == rows) page(b);
  }
  wx__csv_free(c);
  free(run);
  free(cmp);
  return rc;
}

static int slides_script(const char *dir, const char *out,
                         wx_report_options *opt, wx__rbuf *b, wx_diags *d) {
  char title[512];
  wx__report_title(dir, opt, title, sizeof title);
  char *mpath = wx__path_join(dir, "manifest.json");
  char *json = mpath ? wx__report_slurp(mpath, NULL) : NULL;
  wx__rb_puts(b,
              "set encoding utf8\nset terminal pdfcairo size 16in,9in "
              "noenhanced font 'Noto Sans CJK SC,18' background rgb "
              "'#ffffff'\nset output ");
  wx__rb_gpstr(b, out);
  wx__rb_puts(b,
              "\nunset border\nunset tics\nunset key\n"
              "set xrange [0:1]\nset yrange [0:1]\n");
  title_slide(b, title, json);
  opt->slides = 1;
  int rc = kpi_slides(b, dir, &opt->slides, d);
  wx__rb_puts(b, "set output\n");
  free(json);
  free(mpath);
  return b->oom ? WX_ENOMEM : rc;
}

int wx__report_tool(char *const *argv, const char *errpath, wx_diags *d) {
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa)) return WX_ENOMEM;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, errpath,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err)
    return wx__diag(d, err == ENOENT ? WX_ENOTFOUND : WX_EIO, argv[0], 0, 0,
                    "cannot run %s: %s%s", argv[0], strerror(err),
                    !strcmp(argv[0], "pdfunite") || strstr(argv[0], "pdfunite")
                        ? " (the deck needs it: apt-get install poppler-utils)"
                        : "");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return wx__diag(d, WX_EIO, argv[0], 0, 0, "waitpid: %s", strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return WX_OK;
  char *msg = wx__report_slurp(errpath, NULL);
  if (msg && strlen(msg) > WX_MSG_MAX - 80) msg[WX_MSG_MAX - 80] = '\0';
  int rc = wx__diag(d, WX_ERUNTIME, argv[0], 0, 0, "%s failed: %s", argv[0],
                    msg && *msg ? msg : "(no message)");
  free(msg);
  return rc;
}

/* argv for pdfunite: the slides, then the PDFs in charts/ sorted, then out. */
static char **unite_argv(const char *prog, const char *dir, const char *slides,
                         const char *out, size_t *n) {
  char *charts = wx__path_join(dir, "charts");
  DIR *dd = charts ? opendir(charts) : NULL;
  char **v = calloc(4, sizeof *v);
  size_t k = 0;
  if (v) {
    v[k++] = wx__strdup(prog);
    v[k++] = wx__strdup(slides);
  }
  struct dirent *e;
  while (v && dd && (e = readdir(dd))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".pdf"))
      continue;
    char **more = realloc(v, (k + 3) * sizeof *v);
    if (!more) break;
    v = more;
    v[k++] = wx__path_join(charts, e->d_name);
  }
  if (dd) closedir(dd);
  free(charts);
  if (!v) return NULL;
  *n = k - 2; /* the charts */
  qsort(v + 2, k - 2, sizeof *v, wx__report_chart_cmp);
  v[k++] = wx__strdup(out);
  v[k] = NULL;
  for (size_t i = 0; i < k; i++)
    if (!v[i]) {
      for (size_t j = 0; j < k; j++) free(v[j]);
      free(v);
      return NULL;
    }
  return v;
}

typedef struct {
  char tmp[4096], slides[4200], script[4200], united[4200], err[4200];
} deck_files;

static int make_files(const char *dir, deck_files *f, wx_diags *d) {
  if (snprintf(f->tmp, sizeof f->tmp, "%s/.wxdeck-XXXXXX", dir) >=
      (int)sizeof f->tmp)
    return wx__diag(d, WX_EINVAL, dir, 0, 0, "path too long");
  if (!mkdtemp(f->tmp)) {
    f->tmp[0] = '\0';
    return wx__diag(d, WX_EIO, dir, 0, 0,
                    "cannot create a temporary directory: %s", strerror(errno));
  }
  snprintf(f->slides, sizeof f->slides, "%s/slides.pdf", f->tmp);
  snprintf(f->script, sizeof f->script, "%s/slides.gp", f->tmp);
  snprintf(f->united, sizeof f->united, "%s/deck.pdf", f->tmp);
  snprintf(f->err, sizeof f->err, "%s/tool.err", f->tmp);
  return WX_OK;
}

static void remove_files(const deck_files *f) {
  if (!f->tmp[0]) return;
  unlink(f->slides);
  unlink(f->script);
  unlink(f->united);
  unlink(f->err);
  rmdir(f->tmp);
}

static int draw_slides(const char *dir, deck_files *f, wx_report_options *opt,
                       wx_diags *d) {
  wx__rbuf b = {0};
  int rc = slides_script(dir, f->slides, opt, &b, d);
  if (rc == WX_OK) rc = wx__write_file_atomic(f->script, b.s, d);
  wx__rb_free(&b);
  char *argv[] = {(char *)(opt->gnuplot ? opt->gnuplot : "gnuplot"), f->script,
                  NULL};
  if (rc == WX_OK) rc = wx__report_tool(argv, f->err, d);
  return rc;
}

static int unite(const char *dir, deck_files *f, wx_report_options *opt,
                 wx_diags *d) {
  size_t charts = 0;
  char **argv = unite_argv(opt->pdfunite ? opt->pdfunite : "pdfunite", dir,
                           f->slides, f->united, &charts);
  if (!argv) return wx__diag(d, WX_ENOMEM, dir, 0, 0, "no memory");
  int rc = wx__report_tool(argv, f->err, d);
  for (size_t i = 0; argv[i]; i++) free(argv[i]);
  free(argv);
  opt->slides += (unsigned)charts;
  return rc;
}

int wx__report_deck(const char *dir, wx_report_options *opt, wx_diags *d) {
  wx_report_options none = {0};
  if (!opt) opt = &none;
  deck_files *f = calloc(1, sizeof *f);
  if (!f) return wx__diag(d, WX_ENOMEM, dir, 0, 0, "no memory");
  int rc = make_files(dir, f, d);
  if (rc == WX_OK) rc = draw_slides(dir, f, opt, d);
  if (rc == WX_OK) rc = unite(dir, f, opt, d);
  char *out = rc == WX_OK ? wx__path_join(dir, "deck.pdf") : NULL;
  if (rc == WX_OK && (!out || rename(f->united, out) != 0))
    rc = wx__diag(d, out ? WX_EIO : WX_ENOMEM, out ? out : dir, 0, 0,
                  "cannot rename the deck into place: %s", strerror(errno));
  free(out);
  remove_files(f);
  free(f);
  return rc;
}
