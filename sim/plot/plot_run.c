/* Running gnuplot on one chart: scripts, subprocess, outputs into place. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plot_int.h"
#include "util.h"

extern char **environ;

static const struct {
  unsigned bit;
  const char *term, *ext;
  const char *end; /* what a whole file of the format has near its end */
} formats[] = {{WX_PLOT_PNG, "png", "png", "IEND"},
               {WX_PLOT_SVG, "svg", "svg", "</svg>"},
               {WX_PLOT_PDF, "pdf", "pdf", "%%EOF"}};
enum { NFORMATS = sizeof formats / sizeof formats[0] };

void wx__sb_printf(wx__sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || b->len + (size_t)n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (n >= 0 && cap < b->len + (size_t)n + 1) cap *= 2;
    char *s = n < 0 ? NULL : realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void wx__sb_gpstr(wx__sbuf *b, const char *s) {
  wx__sb_printf(b, "'");
  for (; *s; s++) {
    if (*s == '\'')
      wx__sb_printf(b, "''"); /* the only escape inside '...' */
    else if (*s == '\n')      /* a line break: '...'."\n".'...' */
      wx__sb_printf(b, "'.\"\\n\".'");
    else
      wx__sb_printf(b, "%c", *s == '\r' ? ' ' : *s);
  }
  wx__sb_printf(b, "'");
}

void wx__sb_gpvar(wx__sbuf *b, const char *name, const char *value) {
  wx__sb_printf(b, "%s = ", name);
  wx__sb_gpstr(b, value);
  wx__sb_printf(b, "\n");
}

void wx__sb_free(wx__sbuf *b) {
  free(b->s);
  *b = (wx__sbuf){0};
}

int wx__plot_path(char out[WX_PLOT_PATH], const char *dir, const char *name) {
  int n = snprintf(out, WX_PLOT_PATH, "%s/%s", dir, name);
  if (n < 0 || n >= WX_PLOT_PATH) {
    out[0] = '\0';
    return WX_EINVAL;
  }
  return WX_OK;
}

void wx__plot_safe_name(char *out, size_t size, const char *name) {
  size_t i = 0;
  for (; name[i] && i + 1 < size; i++) {
    unsigned char ch = (unsigned char)name[i];
    int ok = ch >= 0x80 || ch == '-' || ch == '_' || (ch == '.' && i > 0) ||
             (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
             (ch >= 'A' && ch <= 'Z');
    out[i] = ok ? (char)ch : '_';
  }
  out[i] = '\0';
}

/* Columns a UTF-8 text takes: CJK (3-byte and longer) characters are
 * double width. */
size_t wx__plot_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x80)
      w += 1;
    else if (c >= 0xE0)
      w += 2;
    else if (c >= 0xC0)
      w += 1;
  }
  return w;
}

/* Longer than this, the scenario's title and the chart's go on two lines:
 * on one they run past the chart's edge and are cut. */
#define WX_TITLE_COLUMNS 56

void wx__plot_title(const wx__plot_ctx *ctx, const char *what, char *out,
                    size_t size) {
  if (!ctx->title[0])
    snprintf(out, size, "%s", what);
  else if (wx__plot_width(ctx->title) + 3 + wx__plot_width(what) >
           WX_TITLE_COLUMNS)
    snprintf(out, size, "%s\n%s", ctx->title, what);
  else
    snprintf(out, size, "%s · %s", ctx->title, what);
}

void wx__plot_fit(char *out, size_t size, const char *s, size_t columns) {
  size_t w = 0, i = 0, k = 0, fits = wx__plot_width(s) <= columns;
  while (s[i] && k + 4 < size) {
    size_t len = 1, cw = 1;
    unsigned char c = (unsigned char)s[i];
    if (c >= 0xF0)
      len = 4, cw = 2;
    else if (c >= 0xE0)
      len = 3, cw = 2;
    else if (c >= 0xC0)
      len = 2;
    if (!fits && w + cw > columns - 1) break; /* room for the ellipsis */
    for (size_t j = 0; j < len && s[i]; j++) out[k++] = s[i++];
    w += cw;
  }
  if (s[i] && k + 4 <= size) memcpy(out + k, "\xE2\x80\xA6", 3), k += 3;
  out[k] = '\0';
}

void wx__plot_put_label(FILE *f, const char *s) {
  for (; *s; s++) {
    char ch = *s;
    if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
    if (ch == '"') ch = '\'';
    fputc(ch, f);
  }
}

void wx__plot_skip(wx__plot_ctx *ctx, const char *chart, const char *why) {
  ctx->rep.skipped++;
  wx__diag(ctx->diags, WX_OK, ctx->dir, 0, 0, "skipped %s: %s", chart, why);
}

FILE *wx__plot_datafile(wx__plot_ctx *ctx, char path[WX_PLOT_PATH]) {
  char name[32];
  snprintf(name, sizeof name, "data%u.tsv", ctx->seq++);
  if (wx__plot_path(path, ctx->tmp, name)) return NULL;
  FILE *f = fopen(path, "w");
  if (!f)
    wx__diag(ctx->diags, WX_EIO, path, 0, 0, "cannot create: %s",
             strerror(errno));
  return f;
}

int wx__plot_close(wx__plot_ctx *ctx, FILE *f, const char *path) {
  int bad = ferror(f);
  if (fclose(f) || bad)
    return wx__diag(ctx->diags, WX_EIO, path, 0, 0, "write error");
  return WX_OK;
}

typedef struct {
  char script[NFORMATS][WX_PLOT_PATH];
  char tmp_out[NFORMATS][WX_PLOT_PATH];
  char final_out[NFORMATS][WX_PLOT_PATH];
  char err[WX_PLOT_PATH];
  char tpl[WX_PLOT_PATH];
  int used[NFORMATS];
} run_files;

static int write_script(wx__plot_ctx *ctx, const char *path, const char *vars,
                        int fmt, const char *out) {
  wx__sbuf b = {0};
  wx__sb_printf(&b, "# generated by wxflow; the template follows\n");
  char dir[WX_PLOT_PATH + 1];
  snprintf(dir, sizeof dir, "%s/", ctx->tpl_dir);
  wx__sb_gpvar(&b, "plotdir", dir);
  wx__sb_printf(&b, "%s", vars);
  wx__sb_gpvar(&b, "term", formats[fmt].term);
  wx__sb_gpvar(&b, "out", out);
  FILE *f = b.oom ? NULL : fopen(path, "w");
  int rc = f ? WX_OK
             : wx__diag(ctx->diags, b.oom ? WX_ENOMEM : WX_EIO, path, 0, 0,
                        "cannot write gnuplot script");
  if (f) {
    fputs(b.s, f);
    rc = wx__plot_close(ctx, f, path);
  }
  wx__sb_free(&b);
  return rc;
}

static int prepare(wx__plot_ctx *ctx, const char *tpl, const char *base,
                   const char *vars, run_files *rf) {
  char name[WX_PLOT_PATH];
  int rc = wx__plot_path(rf->tpl, ctx->tpl_dir, tpl);
  snprintf(name, sizeof name, "gnuplot%u.err", ctx->seq++);
  rc = rc ? rc : wx__plot_path(rf->err, ctx->tmp, name);
  for (int i = 0; i < NFORMATS && rc == WX_OK; i++) {
    rf->used[i] = (ctx->formats & formats[i].bit) != 0;
    if (!rf->used[i]) continue;
    snprintf(name, sizeof name, "script%u.gp", ctx->seq++);
    rc = wx__plot_path(rf->script[i], ctx->tmp, name);
    snprintf(name, sizeof name, ".%s.%s.tmp", base, formats[i].ext);
    rc = rc ? rc : wx__plot_path(rf->tmp_out[i], ctx->charts, name);
    snprintf(name, sizeof name, "%s.%s", base, formats[i].ext);
    rc = rc ? rc : wx__plot_path(rf->final_out[i], ctx->charts, name);
    rc = rc ? rc : write_script(ctx, rf->script[i], vars, i, rf->tmp_out[i]);
  }
  if (rc == WX_EINVAL)
    wx__diag(ctx->diags, rc, ctx->dir, 0, 0, "path too long for chart %s",
             base);
  return rc;
}

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Waits for gnuplot, polling the stop flag and the clock: a gnuplot that
 * hangs (a terminal waiting for input, a stuck font server) must not
 * block a run forever, nor a Ctrl-C.  Sleeps grow from 1 ms to 20 ms. */
static int wait_gnuplot(wx__plot_ctx *ctx, pid_t pid, int *status) {
  double start = mono_now();
  long nap = 1000000;
  for (;;) {
    pid_t got = waitpid(pid, status, WNOHANG);
    if (got == pid) return WX_OK;
    if (got < 0 && errno != EINTR)
      return wx__diag(ctx->diags, WX_EIO, ctx->gnuplot, 0, 0, "waitpid: %s",
                      strerror(errno));
    int stopped = ctx->stop && atomic_load(ctx->stop);
    int late = mono_now() - start > ctx->timeout;
    if (stopped || late) {
      kill(pid, SIGKILL);
      while (waitpid(pid, status, 0) < 0 && errno == EINTR) continue;
      if (stopped) return WX_EINTERRUPTED;
      return wx__diag(ctx->diags, WX_ERUNTIME, ctx->gnuplot, 0, 0,
                      "gnuplot did not finish within %g s; stopped it",
                      ctx->timeout);
    }
    struct timespec ts = {0, nap};
    nanosleep(&ts, NULL);
    if (nap < 20000000) nap *= 2;
  }
}

static int spawn_gnuplot(wx__plot_ctx *ctx, const run_files *rf, int *status) {
  char *argv[2 * NFORMATS + 2];
  int argc = 0;
  argv[argc++] = (char *)ctx->gnuplot;
  for (int i = 0; i < NFORMATS; i++) {
    if (!rf->used[i]) continue;
    argv[argc++] = (char *)rf->script[i];
    argv[argc++] = (char *)rf->tpl;
  }
  argv[argc] = NULL;
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa)) return WX_ENOMEM;
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, rf->err,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int err = posix_spawnp(&pid, ctx->gnuplot, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err)
    return wx__diag(ctx->diags, err == ENOENT ? WX_ENOTFOUND : WX_EIO,
                    ctx->gnuplot, 0, 0, "cannot run gnuplot: %s",
                    strerror(err));
  return wait_gnuplot(ctx, pid, status);
}

/* How gnuplot ended, for a failure: "exit status 1", "killed by signal 11
 * (Segmentation fault)". */
static void describe_status(int status, char *out, size_t size) {
  if (WIFEXITED(status))
    snprintf(out, size, "exit status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
  else
    snprintf(out, size, "wait status %#x", (unsigned)status);
}

/* gnuplot's stderr (warnings, or the error) into one diagnostic; a failure
 * says how gnuplot ended and which script it ran, whatever it printed. */
static void report_stderr(wx__plot_ctx *ctx, const run_files *rf, int code,
                          int status, const char *base) {
  char text[WX_MSG_MAX - 64];
  FILE *f = fopen(rf->err, "r");
  size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
  if (f) fclose(f);
  text[n] = '\0';
  while (n && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = '\0';
  char how[96];
  describe_status(status, how, sizeof how);
  if (code != WX_OK)
    wx__diag(ctx->diags, code, rf->tpl, 0, 0, "gnuplot failed on %s (%s)%s%s",
             base, how, n ? ": " : ", printing nothing", n ? text : "");
  else if (n)
    wx__diag(ctx->diags, WX_OK, rf->tpl, 0, 0, "gnuplot on %s: %s", base, text);
}

/* Whether the file ends as a whole file of format fmt does: gnuplot exits
 * 0 after a write error (a full disk) and leaves a truncated chart. */
static int whole(const char *path, int fmt) {
  char tail[65];
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = 0;
  if (fseek(f, -64, SEEK_END) != 0) rewind(f);
  n = fread(tail, 1, sizeof tail - 1, f);
  fclose(f);
  const char *end = formats[fmt].end;
  size_t k = strlen(end);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(tail + i, end, k) == 0) return 1;
  return 0;
}

static int commit_outputs(wx__plot_ctx *ctx, const run_files *rf, int ok) {
  int rc = WX_OK;
  for (int i = 0; i < NFORMATS; i++) {
    if (!rf->used[i]) continue;
    struct stat st;
    int wrote = ok && stat(rf->tmp_out[i], &st) == 0 && st.st_size > 0;
    int complete = wrote && whole(rf->tmp_out[i], i);
    if (complete && rename(rf->tmp_out[i], rf->final_out[i]) == 0) {
      ctx->rep.files++;
      continue;
    }
    if (wrote && !complete)
      rc = wx__diag(ctx->diags, WX_EIO, rf->final_out[i], 0, 0,
                    "the chart was cut short (is the disk full?); "
                    "nothing was put in its place");
    else if (ok)
      rc = wx__diag(ctx->diags, WX_ERUNTIME, rf->final_out[i], 0, 0,
                    "gnuplot wrote no output");
    unlink(rf->tmp_out[i]);
  }
  return rc;
}

int wx__plot_run(wx__plot_ctx *ctx, const char *tpl, const char *base,
                 const char *vars) {
  run_files *rf = calloc(1, sizeof *rf);
  if (!rf) return wx__diag(ctx->diags, WX_ENOMEM, ctx->dir, 0, 0, "no memory");
  int status = 0;
  if (ctx->stop && atomic_load(ctx->stop)) {
    free(rf);
    return WX_EINTERRUPTED;
  }
  int rc = prepare(ctx, tpl, base, vars, rf);
  rc = rc ? rc : spawn_gnuplot(ctx, rf, &status);
  int ok = rc == WX_OK && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (rc == WX_OK)
    report_stderr(ctx, rf, ok ? WX_OK : WX_ERUNTIME, status, base);
  if (rc == WX_OK && !ok) rc = WX_ERUNTIME;
  int crc = commit_outputs(ctx, rf, ok);
  rc = rc ? rc : crc;
  if (rc == WX_OK)
    ctx->rep.charts++;
  else
    ctx->rep.failed++;
  free(rf);
  return rc;
}
