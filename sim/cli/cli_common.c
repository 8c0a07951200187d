#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void wx_cli_print_diags(const wx_diags *d) { wx_cli_print_diags_ex(d, 1); }

void wx_cli_print_diags_ex(const wx_diags *d, int notes) {
  /* "file:line:col: error: message", the form editors jump to.  A
   * diagnostic with code WX_OK is a note (a chart skipped, a warning). */
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const wx_error *e = wx_diags_get(d, i);
    if (e->code == WX_OK && !notes) continue;
    const char *kind = e->code == WX_OK ? "warning" : "error";
    if (e->line > 0)
      fprintf(stderr, "%s:%d:%d: %s: %s\n", e->file, e->line, e->col, kind,
              e->msg);
    else
      fprintf(stderr, "%s: %s: %s\n", e->file[0] ? e->file : "wxflow", kind,
              e->msg);
  }
  if (wx_diags_dropped(d))
    fprintf(stderr, "wxflow: %zu more error(s) not shown\n",
            wx_diags_dropped(d));
}

int wx_cli_exit_code(int status) {
  switch (status) {
    case WX_OK: return WX_EXIT_OK;
    case WX_EYAML:
    case WX_ESCENARIO: return WX_EXIT_SCENARIO;
    case WX_EIO:
    case WX_ENOTFOUND: return WX_EXIT_IO;
    case WX_EEXISTS: return WX_EXIT_EXISTS;
    case WX_ENOMEM:
    case WX_ETOOBIG: return WX_EXIT_NOMEM;
    case WX_EINVAL: return WX_EXIT_USAGE;
    case WX_EINTERRUPTED: return wx_cli_signal_exit_code();
    default: return WX_EXIT_FAILURE;
  }
}

/* Whether `path` lies inside directory `dir` (both resolved). */
static int inside(const char *path, const char *dir) {
  char rd[PATH_MAX];
  if (!realpath(dir, rd)) return 0;
  size_t n = strlen(rd);
  return !strncmp(path, rd, n) && (path[n] == '/' || path[n] == '\0');
}

static int put(char *buf, size_t n, const char *root, const char *sub) {
  int len = snprintf(buf, n, "%s/%s", root, sub);
  return len > 0 && (size_t)len < n ? 0 : -1;
}

int wx_cli_data_dir(const char *sub, char *buf, size_t n) {
  const char *env = getenv("WXFLOW_DATADIR");
  if (env && *env) return put(buf, n, env, sub);
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return put(buf, n, WX_DATADIR, sub);
  exe[len] = '\0';
  if (inside(exe, WX_BINARY_DIR)) return put(buf, n, WX_SOURCE_DIR, sub);
  /* An installation moved to another prefix keeps share/ beside bin/. */
  char *slash = strrchr(exe, '/');
  if (slash) {
    *slash = '\0';
    char rel[PATH_MAX];
    if (snprintf(rel, sizeof rel, "%s/../share/wxflow", exe) <
            (int)sizeof rel &&
        access(rel, R_OK) == 0)
      return put(buf, n, rel, sub);
  }
  return put(buf, n, WX_DATADIR, sub);
}

int wx_cli_bad_option(const char *cmd, int c, int argc, char **argv) {
  char shortopt[3] = {'-', (char)optopt, '\0'};
  const char *opt = optopt              ? shortopt
                    : optind - 1 < argc ? argv[optind - 1]
                                        : "?";
  if (c == ':')
    fprintf(stderr,
            "wxflow %s: option '%s' needs a value; see 'wxflow %s "
            "--help'\n",
            cmd, opt, cmd);
  else
    fprintf(stderr,
            "wxflow %s: unknown option '%s'; see 'wxflow %s "
            "--help'\n",
            cmd, opt, cmd);
  return WX_EXIT_USAGE;
}

int wx_cli_parse_u64(const char *s, unsigned long long max,
                     unsigned long long *out) {
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v > max) return -1;
  *out = v;
  return 0;
}

double wx_cli_memory_budget(double given) {
  if (given > 0) return given;
  const char *env = getenv("WXFLOW_MEMORY_BUDGET");
  if (!env || !*env) return 0;
  char *end;
  double v = strtod(env, &end);
  if (*end == '\0' && v > 0 && v < 1e30) return v;
  fprintf(stderr,
          "wxflow: ignoring WXFLOW_MEMORY_BUDGET='%s': expected a "
          "number of bytes > 0\n",
          env);
  return 0;
}

/* A signal handler cannot take a context pointer, so the CLI (never the
 * library) keeps the one flag it sets.  Lock-free atomics are safe in a
 * handler and race-free for the worker threads that poll the flag. */
static atomic_int stop_flag;
static atomic_int stop_signal;

static void on_signal(int sig) {
  /* A second signal: the user wants out now, outputs or not (the next run
   * into the directory removes the temporaries left). */
  if (atomic_load(&stop_flag))
    _exit(sig == SIGTERM ? WX_EXIT_SIGTERM : WX_EXIT_SIGINT);
  atomic_store(&stop_signal, sig);
  atomic_store(&stop_flag, 1);
}

const atomic_int *wx_cli_signals_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  /* Writes and waits carry on after the handler; only the flag matters. */
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  return &stop_flag;
}

int wx_cli_signal_exit_code(void) {
  return atomic_load(&stop_signal) == SIGTERM ? WX_EXIT_SIGTERM
                                              : WX_EXIT_SIGINT;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void wx_cli_progress_init(wx_cli_progress *p, int quiet) {
  p->enabled = !quiet && isatty(STDERR_FILENO);
  p->start = now();
  p->drawn = 0;
}

void wx_cli_progress_cb(void *ctx, unsigned done, unsigned total) {
  wx_cli_progress *p = ctx;
  if (!p->enabled || total == 0) return;
  double elapsed = now() - p->start;
  double eta = done ? elapsed * (total - done) / done : 0;
  int width = 30, fill = (int)((double)done / total * width);
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %u/%u replications  %.0fs elapsed  ETA %.0fs ", bar,
          done, total, elapsed, eta);
  p->drawn = 1;
}

void wx_cli_progress_end(wx_cli_progress *p) {
  if (p->enabled && p->drawn) fputs("\r\033[K", stderr);
}

char *wx_cli_default_output(const char *file, const char *suffix) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t n = strcspn(base, "."), cap = n + strlen(suffix) + 16;
  char *out = malloc(cap);
  if (out) snprintf(out, cap, "results/%.*s%s", (int)n, base, suffix);
  return out;
}
