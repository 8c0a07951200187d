/*
 * Output files that are never seen half-written: data goes to a temporary
 * file beside the target, which is renamed into place only when every byte
 * was written and flushed.  A failure (disk full, unwritable directory)
 * removes the temporary file and leaves any earlier target untouched.
 */
#ifndef WX_OUTFILE_H
#define WX_OUTFILE_H

#include <stdio.h>

#include "wxflow/wxflow.h"

typedef struct {
  FILE *fp;   /* write here (fprintf, fputs, ...) */
  char *path; /* final name */
  char *tmp;  /* temporary name */
} wx_outfile;

/* Creates the temporary file.  WX_OK or WX_EIO (with a message in diags). */
int wx__outfile_open(wx_outfile *f, const char *path, wx_diags *diags);
/* wx__outfile_open for dir/name. */
int wx__outfile_open_in(wx_outfile *f, const char *dir, const char *name,
                        wx_diags *diags);
/* Flushes, syncs and renames into place; on any write error reports it,
 * removes the temporary file and returns WX_EIO.  Always releases f. */
int wx__outfile_commit(wx_outfile *f, wx_diags *diags);
/* Drops the temporary file without touching the target. */
void wx__outfile_abort(wx_outfile *f);

/* Writes a whole string as a file, atomically. */
int wx__write_file_atomic(const char *path, const char *text, wx_diags *diags);

/* Formats a number for CSV/JSON so that the same value always gives the same
 * bytes: integers (|v| < 2^53) without a decimal point, others in the
 * shortest form (12 to 17 digits) that reads back exactly; NaN as empty.
 * Returns buf. */
const char *wx__fmt_num(char buf[32], double v);
/* A statistic (mean, sd, CI, quantile) for people to read: like
 * wx__fmt_num but at most 12 significant digits, so 0.1 + 0.2 shows as
 * 0.3.  Only for values nothing re-reads exactly (resume reads series.csv,
 * which keeps wx__fmt_num). */
const char *wx__fmt_stat(char buf[32], double v);

/* Joins dir and name with a '/' into a new string (caller frees). */
char *wx__path_join(const char *dir, const char *name);

/* mkdir -p; WX_OK or WX_EIO with a message. */
int wx__mkdir_p(const char *dir, wx_diags *diags);

#endif
