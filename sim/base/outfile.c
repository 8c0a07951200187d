#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

char *wx__path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = malloc(a + b + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  size_t at = a;
  if (a && dir[a - 1] != '/') p[at++] = '/';
  memcpy(p + at, name, b + 1);
  return p;
}

static void release(wx_outfile *f) {
  free(f->path);
  free(f->tmp);
  f->path = f->tmp = NULL;
  f->fp = NULL;
}

int wx__outfile_open(wx_outfile *f, const char *path, wx_diags *diags) {
  *f = (wx_outfile){0};
  size_t n = strlen(path);
  f->path = wx__strdup(path);
  f->tmp = malloc(n + 16);
  if (!f->path || !f->tmp) {
    release(f);
    return WX_ENOMEM;
  }
  memcpy(f->tmp, path, n);
  memcpy(f->tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(f->tmp);
  if (fd < 0) {
    wx__diag(diags, WX_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
    release(f);
    return WX_EIO;
  }
  fchmod(fd, 0644);
  f->fp = fdopen(fd, "w");
  if (!f->fp) {
    close(fd);
    unlink(f->tmp);
    release(f);
    return WX_ENOMEM;
  }
  return WX_OK;
}

int wx__outfile_open_in(wx_outfile *f, const char *dir, const char *name,
                        wx_diags *diags) {
  char *path = wx__path_join(dir, name);
  int rc = path ? wx__outfile_open(f, path, diags) : WX_ENOMEM;
  free(path);
  return rc;
}

void wx__outfile_abort(wx_outfile *f) {
  if (f->fp) fclose(f->fp);
  if (f->tmp) unlink(f->tmp);
  release(f);
}

int wx__outfile_commit(wx_outfile *f, wx_diags *diags) {
  int failed = ferror(f->fp) || fflush(f->fp) != 0;
  int err = failed ? errno : 0;
  if (!failed && fsync(fileno(f->fp)) != 0 && errno != EINVAL) {
    failed = 1;
    err = errno;
  }
  if (fclose(f->fp) != 0 && !failed) {
    failed = 1;
    err = errno;
  }
  f->fp = NULL;
  if (!failed && rename(f->tmp, f->path) != 0) {
    failed = 1;
    err = errno;
  }
  if (failed) {
    wx__diag(diags, WX_EIO, f->path, 0, 0, "cannot write: %s",
             strerror(err ? err : EIO));
    unlink(f->tmp);
  }
  release(f);
  return failed ? WX_EIO : WX_OK;
}

int wx__write_file_atomic(const char *path, const char *text, wx_diags *diags) {
  wx_outfile f;
  int rc = wx__outfile_open(&f, path, diags);
  if (rc != WX_OK) return rc;
  fputs(text, f.fp);
  return wx__outfile_commit(&f, diags);
}

const char *wx__fmt_num(char buf[32], double v) {
  if (isnan(v)) {
    buf[0] = '\0';
  } else if (isinf(v)) {
    snprintf(buf, 32, "%s", v > 0 ? "inf" : "-inf");
  } else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
    snprintf(buf, 32, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
  } else {
    /* The shortest form that reads back to the same double, so that a
     * resumed run rebuilt from its CSV gives the same statistics. */
    for (int digits = 12; digits <= 17; digits++) {
      snprintf(buf, 32, "%.*g", digits, v);
      if (strtod(buf, NULL) == v) break;
    }
  }
  return buf;
}

const char *wx__fmt_stat(char buf[32], double v) {
  if (!isfinite(v) || (v == floor(v) && fabs(v) < 1e15))
    return wx__fmt_num(buf, v);
  snprintf(buf, 32, "%.12g", v);
  return buf;
}

int wx__mkdir_p(const char *dir, wx_diags *diags) {
  char *p = wx__strdup(dir);
  if (!p) return WX_ENOMEM;
  int rc = WX_OK;
  for (char *s = p + 1; rc == WX_OK; s++) {
    int end = *s == '\0';
    if (*s != '/' && !end) continue;
    *s = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
      rc = wx__diag(diags, WX_EIO, p, 0, 0, "cannot create directory: %s",
                    strerror(errno));
    }
    if (end) break;
    *s = '/';
  }
  free(p);
  return rc;
}
