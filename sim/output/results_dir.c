/* Locking and cleaning a results directory (results_dir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "results_dir.h"
#include "util.h"

/* The files a run or a comparison writes at the top of its directory, and
 * its chart directory: what a forced new run removes (other files are the
 * user's). */
static const char *const run_files[] = {
    "manifest.json",   "entities.csv",    "series.csv",  "series_stats.csv",
    "kpis.csv",        "kpi_summary.csv", "params.csv",  "summary.json",
    "constraints.csv", "funnel.csv",      "compare.csv", "compare.md",
    "prcc.csv",        "levels.csv"};
#define N_RUN_FILES (sizeof run_files / sizeof *run_files)

int wx__is_temporary_name(const char *name) {
  const char *t = strstr(name, ".tmp.");
  if (t && strlen(t + 5) == 6) return 1; /* outfile.c: NAME.tmp.XXXXXX */
  return strncmp(name, ".wxplot-", 8) == 0 && strlen(name) == 14;
}

int wx__results_dir_killed(const char *dir) {
  char *manifest = wx__path_join(dir, "manifest.json");
  int has_manifest = manifest && access(manifest, F_OK) == 0;
  free(manifest);
  DIR *d = has_manifest ? NULL : opendir(dir);
  struct dirent *e;
  int temps = 0;
  while (d && !temps && (e = readdir(d)) != NULL)
    temps = wx__is_temporary_name(e->d_name);
  if (d) closedir(d);
  return temps;
}

/* Removes a directory of plain files (a chart writer's scratch space). */
static void remove_flat_dir(const char *path) {
  DIR *d = opendir(path);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = wx__path_join(path, e->d_name);
    if (p) unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(path);
}

/* Removes every temporary in dir; returns how many. */
static unsigned remove_temporaries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  unsigned n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!wx__is_temporary_name(e->d_name)) continue;
    char *p = wx__path_join(dir, e->d_name);
    struct stat st;
    if (p && lstat(p, &st) == 0) {
      if (S_ISDIR(st.st_mode))
        remove_flat_dir(p);
      else
        unlink(p);
      n++;
    }
    free(p);
  }
  closedir(d);
  return n;
}

/* The charts directory holds only what the chart writer put there. */
static int remove_earlier_run(const char *dir, wx_diags *diags) {
  for (size_t i = 0; i < N_RUN_FILES; i++) {
    char *p = wx__path_join(dir, run_files[i]);
    if (!p) return WX_ENOMEM;
    int bad = unlink(p) != 0 && errno != ENOENT;
    int rc = bad ? wx__diag(diags, WX_EIO, p, 0, 0,
                            "cannot remove the file "
                            "of the earlier run: %s",
                            strerror(errno))
                 : WX_OK;
    free(p);
    if (rc != WX_OK) return rc;
  }
  char *charts = wx__path_join(dir, "charts");
  if (!charts) return WX_ENOMEM;
  remove_flat_dir(charts);
  free(charts);
  return WX_OK;
}

static int refuse(const wx_dir_lock *lk, const char *dir, wx_diags *d) {
  char buf[32] = "";
  ssize_t n = pread(lk->fd, buf, sizeof buf - 1, 0);
  long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
  if (pid > 0)
    return wx__diag(d, WX_EEXISTS, dir, 0, 0,
                    "another wxflow run (pid %ld) "
                    "is writing this results directory; wait for it or "
                    "choose another with -o",
                    pid);
  return wx__diag(d, WX_EEXISTS, dir, 0, 0,
                  "another wxflow run is writing "
                  "this results directory; wait for it or choose another "
                  "with -o");
}

/* Locks the file at lk->path.  A holder that removed the file between
 * our open and our lock leaves us a lock on a dead inode: retry then. */
static int take_lock(wx_dir_lock *lk, const char *dir, wx_diags *d) {
  for (int tries = 0; tries < 16; tries++) {
    lk->fd = open(lk->path, O_RDWR | O_CREAT, 0644);
    if (lk->fd < 0)
      return wx__diag(d, WX_EIO, lk->path, 0, 0,
                      "cannot create the lock "
                      "file: %s",
                      strerror(errno));
    if (flock(lk->fd, LOCK_EX | LOCK_NB) != 0) {
      int rc = errno == EWOULDBLOCK
                   ? refuse(lk, dir, d)
                   : wx__diag(d, WX_EIO, lk->path, 0, 0, "cannot lock: %s",
                              strerror(errno));
      close(lk->fd);
      lk->fd = -1;
      return rc;
    }
    struct stat a, b;
    if (fstat(lk->fd, &a) == 0 && stat(lk->path, &b) == 0 &&
        a.st_ino == b.st_ino && a.st_dev == b.st_dev)
      return WX_OK;
    close(lk->fd);
    lk->fd = -1;
  }
  return wx__diag(d, WX_EIO, lk->path, 0, 0,
                  "cannot lock: the lock file "
                  "keeps changing");
}

static int write_pid(const wx_dir_lock *lk) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  return ftruncate(lk->fd, 0) == 0 && pwrite(lk->fd, buf, (size_t)n, 0) == n
             ? WX_OK
             : WX_EIO;
}

int wx__results_dir_lock(const char *dir, wx_dir_lock *lk, wx_diags *d) {
  lk->fd = -1;
  lk->stale = 0;
  if (!(lk->path = wx__path_join(dir, WX_LOCK_NAME))) return WX_ENOMEM;
  int rc = take_lock(lk, dir, d);
  if (rc == WX_OK && write_pid(lk) != WX_OK)
    rc = wx__diag(d, WX_EIO, lk->path, 0, 0, "cannot write the lock file");
  if (rc == WX_OK) lk->stale = remove_temporaries(dir);
  if (rc != WX_OK) wx__results_dir_release(lk);
  return rc;
}

int wx__results_dir_clear(const char *dir, wx_diags *d) {
  return remove_earlier_run(dir, d);
}

int wx__results_dir_drop(const char *dir, wx_diags *d) {
  int rc = remove_earlier_run(dir, d);
  if (rc == WX_OK) remove_temporaries(dir);
  if (rc == WX_OK)
    rmdir(dir); /* fails, harmlessly, when the user's files
                                * remain */
  return rc;
}

void wx__results_dir_release(wx_dir_lock *lk) {
  if (lk->fd >= 0) {
    unlink(lk->path); /* while still held: see take_lock */
    close(lk->fd);
  }
  lk->fd = -1;
  free(lk->path);
  lk->path = NULL;
}

int wx__dir_in_use(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int found = 0;
  while (!found && (e = readdir(d)) != NULL)
    found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, WX_LOCK_NAME) != 0;
  closedir(d);
  return found;
}
