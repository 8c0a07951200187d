/*
 * The one whole-file reader: scenarios, comparison specs, CSV tables,
 * manifests and templates all come in through it, so they share limits,
 * messages and the refusal of things that are not regular files.
 */
#ifndef WX_READFILE_H
#define WX_READFILE_H

#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"

/* Reads the regular file `path` whole into *data, NUL-terminated (*len
 * does not count the NUL); the caller frees *data.  A FIFO, directory or
 * device is refused at once rather than read (or waited on).  Returns
 * WX_OK, or reports "path: cannot read: why" and returns WX_ENOTFOUND (no
 * such file), WX_ENOMEM, or WX_EIO (anything else, a file of more than
 * `limit` bytes included). */
/* What an input may weigh.  A scenario or comparison file is a few
 * kilobytes, a manifest a few hundred bytes; results tables grow with the
 * replications, so their limit only refuses what cannot be a table. */
#define WX__SCENARIO_MAX ((size_t)1 << 30)
#define WX__MANIFEST_MAX ((size_t)16 << 20)
#define WX__TABLE_MAX    (SIZE_MAX / 4)

int wx__read_file(const char *path, size_t limit, char **data, size_t *len,
                  wx_diags *d);

#endif
