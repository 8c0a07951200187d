/*
 * One run at a time in a results directory, and a directory that always
 * describes one run.
 *
 * A run holds an advisory lock (flock) on DIR/.wxflow.lock from before it
 * writes anything until it returns; the file holds the pid of the holder,
 * so that a second run is refused naming it.  The lock file is removed on
 * release.  Holding the lock proves no live run writes DIR, so the claim
 * also removes temporaries that a killed run left (NAME.tmp.XXXXXX files,
 * .wxplot-XXXXXX directories).  A forced new run first removes the old
 * manifest (a half-finished rerun must not look "complete"), then every
 * file an earlier run wrote (wx__results_dir_clear).
 */
#ifndef WX_RESULTS_DIR_H
#define WX_RESULTS_DIR_H

#include "wxflow/wxflow.h"

#define WX_LOCK_NAME ".wxflow.lock"

typedef struct {
  int fd;         /* -1 when not held */
  char *path;     /* of the lock file */
  unsigned stale; /* temporaries of a killed run removed on locking */
} wx_dir_lock;

/* Locks dir (which must exist) and removes stale temporaries.  WX_OK;
 * WX_EEXISTS when another live process holds the lock (the message names
 * its pid); WX_EIO; WX_ENOMEM. */
int wx__results_dir_lock(const char *dir, wx_dir_lock *lk, wx_diags *d);
/* Removes the manifest first, then the other files and charts of an
 * earlier run (a forced new run; the caller holds the lock). */
int wx__results_dir_clear(const char *dir, wx_diags *d);
/* A results directory no longer wanted (a variant an earlier comparison
 * had): clears it as above and removes it when nothing else is left. */
int wx__results_dir_drop(const char *dir, wx_diags *d);
/* Removes the lock file and releases the lock; safe on an unheld lock. */
void wx__results_dir_release(wx_dir_lock *lk);

/* 1 when dir holds temporaries but no manifest.json: a run killed (kill
 * -9, a crash, power) before it could write one.  Nothing of it can be
 * resumed; the next run into dir removes the temporaries. */
int wx__results_dir_killed(const char *dir);

/* 1 when name is a temporary of an output file or of the chart writer. */
int wx__is_temporary_name(const char *name);

/* 1 when dir exists and holds anything at all: a results directory in
 * use, which is not overwritten without --force. */
int wx__dir_in_use(const char *dir);

#endif
