/* A small strict reader for the comma-separated files of a results
 * directory: a header row, then rows of exactly as many fields.  Fields may
 * be double-quoted ("" inside quotes is one quote); a quoted field may hold
 * commas and line breaks.  Anything else odd (a quote inside an unquoted
 * field, text after a closing quote, a short or long row, a blank line
 * between rows, a duplicate column name) is an error with its line. */
#ifndef WX_CSV_READ_H
#define WX_CSV_READ_H

#include <stddef.h>

#include "wxflow/wxflow.h"

typedef struct wx_csv wx_csv;

/* Reads a whole file.  A file that does not exist gives WX_ENOTFOUND (and a
 * diagnostic); a malformed one WX_EINVAL with every bad line reported. */
int wx__csv_load(const char *path, wx_csv **out, wx_diags *diags);
/* The same from memory; `name` is the file name used in diagnostics. */
int wx__csv_parse(const char *name, const char *data, size_t len, wx_csv **out,
                  wx_diags *diags);
void wx__csv_free(wx_csv *c);

size_t wx__csv_rows(const wx_csv *c); /* data rows, header excluded */
size_t wx__csv_cols(const wx_csv *c);
const char *wx__csv_name(const wx_csv *c); /* the file name given */
/* The header's column names; `col` < cols. */
const char *wx__csv_header(const wx_csv *c, size_t col);
/* Index of a column by name, or -1 when the header lacks it. */
long wx__csv_col(const wx_csv *c, const char *name);
/* A field; never NULL for row < rows and col < cols (empty is ""). */
const char *wx__csv_get(const wx_csv *c, size_t row, size_t col);
/* The 1-based line where a data row starts, for diagnostics. */
int wx__csv_line(const wx_csv *c, size_t row);

/* Looks up n required columns into idx[]; reports every missing one and
 * returns WX_EINVAL if any is missing. */
int wx__csv_require(const wx_csv *c, const char *const *names, size_t n,
                    long *idx, wx_diags *diags);
/* A field as a number: the whole field must parse (strtod).  An empty field
 * gives `empty` with WX_OK; anything else that is not a number WX_EINVAL. */
int wx__csv_number(const wx_csv *c, size_t row, size_t col, double empty,
                   double *out, wx_diags *diags);

#endif
