#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"
#include "util.h"

static const char *kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

static int fail_errno(wx_diags *d, const char *path, int err) {
  int code = err == ENOENT ? WX_ENOTFOUND : err == ENOMEM ? WX_ENOMEM : WX_EIO;
  return wx__diag(d, code, path, 0, 0, "cannot read: %s", strerror(err));
}

static int refuse_kind(wx_diags *d, const char *path, mode_t mode) {
  return wx__diag(d, WX_EIO, path, 0, 0,
                  "cannot read: it is %s, not a regular file", kind_of(mode));
}

static int no_memory(wx_diags *d, const char *path) {
  return wx__diag(d, WX_ENOMEM, path, 0, 0, "out of memory while reading it");
}

static int too_big(wx_diags *d, const char *path, size_t limit) {
  return wx__diag(d, WX_EIO, path, 0, 0,
                  "cannot read: larger than the limit of %zu bytes", limit);
}

/* Opens without blocking on a FIFO that slipped in between stat and open,
 * checks again what was opened, then reads with blocking I/O as usual. */
static int open_regular(const char *path, wx_diags *d, int *fd,
                        struct stat *st) {
  if (stat(path, st) != 0) return fail_errno(d, path, errno);
  if (!S_ISREG(st->st_mode)) return refuse_kind(d, path, st->st_mode);
  *fd = open(path, O_RDONLY | O_NONBLOCK);
  if (*fd < 0) return fail_errno(d, path, errno);
  int flags = fcntl(*fd, F_GETFL);
  int rc = WX_OK;
  if (fstat(*fd, st) != 0 || flags < 0 ||
      fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    rc = fail_errno(d, path, errno);
  else if (!S_ISREG(st->st_mode))
    rc = refuse_kind(d, path, st->st_mode);
  if (rc != WX_OK) close(*fd);
  return rc;
}

/* Reads to end of file; the size from stat is a hint (the file may grow
 * or shrink while it is read). */
static int read_all(int fd, const char *path, size_t limit, size_t hint,
                    char **data, size_t *len, wx_diags *d) {
  size_t cap = (hint < limit ? hint : limit) + 1, n = 0;
  if (cap < 4096 && limit >= 4096) cap = 4096; /* st_size 0: /proc, ... */
  char *buf = malloc(cap + 1);
  if (!buf) return no_memory(d, path);
  for (;;) {
    if (n == cap) {
      if (cap > limit) break; /* one byte over the limit was read */
      size_t grown = cap > limit / 2 ? limit + 1 : cap * 2;
      char *g = realloc(buf, grown + 1);
      if (!g) break;
      buf = g;
      cap = grown;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got == 0) {
      buf[n] = '\0';
      *data = buf;
      *len = n;
      return WX_OK;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      free(buf);
      return fail_errno(d, path, errno);
    }
    n += (size_t)got;
  }
  free(buf);
  return n > limit ? too_big(d, path, limit) : no_memory(d, path);
}

int wx__read_file(const char *path, size_t limit, char **data, size_t *len,
                  wx_diags *d) {
  *data = NULL;
  *len = 0;
  if (limit > SIZE_MAX / 4) limit = SIZE_MAX / 4; /* no overflow in limit+1 */
  int fd = -1;
  struct stat st;
  int rc = open_regular(path, d, &fd, &st);
  if (rc != WX_OK) return rc;
  if (st.st_size > 0 && (uintmax_t)st.st_size > limit)
    rc = too_big(d, path, limit);
  if (rc == WX_OK)
    rc = read_all(fd, path, limit, st.st_size > 0 ? (size_t)st.st_size : 0,
                  data, len, d);
  close(fd);
  return rc;
}
