#include "csv_read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "util.h"

struct wx_csv {
  char *name;
  size_t ncols, nrows;
  char *text; /* every field, NUL-terminated, header first */
  size_t text_len, text_cap;
  size_t *off; /* start of each field in text */
  size_t nfields, off_cap;
  int *line; /* first line of each data row */
  size_t line_cap;
};

/* Cursor over the input; `bad` marks the record being read as malformed. */
typedef struct {
  const char *p, *end;
  int line;
  int bad;
  int oom;
  int errors;
  wx_csv *c;
  wx_diags *d;
} parser;

enum { END_FIELD, END_RECORD, END_FILE };

static int grow(void **buf, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *p = realloc(*buf, n * size);
  if (!p) return -1;
  *buf = p;
  *cap = n;
  return 0;
}

static void put_char(parser *ps, char ch) {
  wx_csv *c = ps->c;
  if (grow((void **)&c->text, &c->text_cap, c->text_len + 1, 1)) {
    ps->oom = 1;
    return;
  }
  c->text[c->text_len++] = ch;
}

static void start_field(parser *ps) {
  wx_csv *c = ps->c;
  if (grow((void **)&c->off, &c->off_cap, c->nfields + 1, sizeof *c->off)) {
    ps->oom = 1;
    return;
  }
  c->off[c->nfields++] = c->text_len;
}

static void fail(parser *ps, const char *what) {
  if (!ps->bad) {
    wx__diag(ps->d, WX_EINVAL, ps->c->name, ps->line, 0, "%s", what);
    ps->errors++;
  }
  ps->bad = 1;
}

/* Consumes a line break at p if there is one ("\n" or "\r\n"). */
static int eat_newline(parser *ps) {
  if (ps->p < ps->end && *ps->p == '\n') {
    ps->p++;
    ps->line++;
    return 1;
  }
  if (ps->end - ps->p >= 2 && ps->p[0] == '\r' && ps->p[1] == '\n') {
    ps->p += 2;
    ps->line++;
    return 1;
  }
  return 0;
}

/* What ends a field: a comma, a line break or the end of the input. */
static int field_end(parser *ps) {
  if (ps->p >= ps->end) return END_FILE;
  if (*ps->p == ',') {
    ps->p++;
    return END_FIELD;
  }
  if (eat_newline(ps)) return END_RECORD;
  return -1;
}

static void skip_line(parser *ps) {
  while (ps->p < ps->end && !eat_newline(ps)) ps->p++;
}

static int quoted_field(parser *ps) {
  ps->p++; /* opening quote */
  for (;;) {
    if (ps->p >= ps->end) {
      fail(ps, "unterminated quoted field");
      return END_FILE;
    }
    char ch = *ps->p++;
    if (ch == '"') {
      if (ps->p < ps->end && *ps->p == '"') {
        ps->p++;
      } else {
        break;
      }
    }
    if (ch == '\n') ps->line++;
    put_char(ps, ch);
  }
  int end = field_end(ps);
  if (end >= 0) return end;
  fail(ps, "text after a closing quote");
  skip_line(ps);
  return END_RECORD;
}

static int plain_field(parser *ps) {
  for (;;) {
    int end = field_end(ps);
    if (end >= 0) return end;
    if (*ps->p == '"') {
      fail(ps, "quote inside an unquoted field");
      skip_line(ps);
      return END_RECORD;
    }
    put_char(ps, *ps->p++);
  }
}

/* Reads one record; returns how many fields it had. */
static size_t read_record(parser *ps, int *at_eof) {
  size_t n = 0;
  int end;
  do {
    start_field(ps);
    n++;
    if (ps->p < ps->end && *ps->p == '"')
      end = quoted_field(ps);
    else
      end = plain_field(ps);
    put_char(ps, '\0');
  } while (end == END_FIELD);
  *at_eof = end == END_FILE || ps->p >= ps->end;
  return n;
}

static int only_newlines_left(const parser *ps) {
  for (const char *q = ps->p; q < ps->end; q++)
    if (*q != '\n' && *q != '\r') return 0;
  return 1;
}

static void check_header(parser *ps) {
  wx_csv *c = ps->c;
  for (size_t i = 0; i < c->ncols; i++) {
    const char *h = c->text + c->off[i];
    if (!*h) fail(ps, "empty column name in the header");
    for (size_t j = 0; j < i; j++)
      if (!strcmp(h, c->text + c->off[j])) {
        ps->bad = 0;
        fail(ps, "duplicate column name in the header");
      }
  }
}

/* Reads one data row; a malformed one is reported and dropped. */
static void read_row(parser *ps) {
  wx_csv *c = ps->c;
  size_t keep_fields = c->nfields, keep_text = c->text_len;
  int first_line = ps->line, at_eof;
  ps->bad = 0;
  if (*ps->p == '\n' || *ps->p == '\r') {
    fail(ps, "blank line between rows");
    if (!eat_newline(ps)) ps->p++; /* a lone CR */
    return;
  }
  size_t n = read_record(ps, &at_eof);
  if (!ps->bad && n != c->ncols) {
    char msg[96];
    snprintf(msg, sizeof msg, "row has %zu field(s), the header has %zu", n,
             c->ncols);
    int next_line = ps->line;
    ps->line = first_line;
    fail(ps, msg);
    ps->line = next_line;
  }
  if (ps->bad || ps->oom ||
      grow((void **)&c->line, &c->line_cap, c->nrows + 1, sizeof *c->line)) {
    c->nfields = keep_fields;
    c->text_len = keep_text;
    if (!ps->bad) ps->oom = 1;
    return;
  }
  c->line[c->nrows++] = first_line;
}

static int run_parser(parser *ps) {
  int at_eof;
  if (ps->end - ps->p >= 3 && !memcmp(ps->p, "\xEF\xBB\xBF", 3)) ps->p += 3;
  if (ps->p >= ps->end) {
    fail(ps, "empty file: no header row");
    return WX_EINVAL;
  }
  ps->c->ncols = read_record(ps, &at_eof);
  check_header(ps);
  while (!ps->oom && ps->p < ps->end && !only_newlines_left(ps)) read_row(ps);
  if (ps->oom)
    return wx__diag(ps->d, WX_ENOMEM, ps->c->name, 0, 0,
                    "out of memory reading CSV");
  return ps->errors ? WX_EINVAL : WX_OK;
}

int wx__csv_parse(const char *name, const char *data, size_t len, wx_csv **out,
                  wx_diags *diags) {
  if (!out || (!data && len)) return WX_EINVAL;
  *out = NULL;
  wx_csv *c = calloc(1, sizeof *c);
  if (!c || !(c->name = wx__strdup(name ? name : "<csv>"))) {
    free(c);
    return wx__diag(diags, WX_ENOMEM, name, 0, 0, "out of memory");
  }
  parser ps = {data, data + len, 1, 0, 0, 0, c, diags};
  int rc = run_parser(&ps);
  if (rc != WX_OK) {
    wx__csv_free(c);
    return rc;
  }
  *out = c;
  return WX_OK;
}

int wx__csv_load(const char *path, wx_csv **out, wx_diags *diags) {
  if (!path || !out) return WX_EINVAL;
  *out = NULL;
  char *data = NULL;
  size_t len = 0;
  int rc = wx__read_file(path, WX__TABLE_MAX, &data, &len, diags);
  if (rc != WX_OK) return rc;
  rc = wx__csv_parse(path, data, len, out, diags);
  free(data);
  return rc;
}

void wx__csv_free(wx_csv *c) {
  if (!c) return;
  free(c->name);
  free(c->text);
  free(c->off);
  free(c->line);
  free(c);
}

size_t wx__csv_rows(const wx_csv *c) { return c ? c->nrows : 0; }
size_t wx__csv_cols(const wx_csv *c) { return c ? c->ncols : 0; }
const char *wx__csv_name(const wx_csv *c) { return c ? c->name : ""; }

const char *wx__csv_header(const wx_csv *c, size_t col) {
  return col < c->ncols ? c->text + c->off[col] : NULL;
}

long wx__csv_col(const wx_csv *c, const char *name) {
  for (size_t i = 0; i < c->ncols; i++)
    if (!strcmp(c->text + c->off[i], name)) return (long)i;
  return -1;
}

const char *wx__csv_get(const wx_csv *c, size_t row, size_t col) {
  if (row >= c->nrows || col >= c->ncols) return NULL;
  return c->text + c->off[(row + 1) * c->ncols + col];
}

int wx__csv_line(const wx_csv *c, size_t row) {
  return row < c->nrows ? c->line[row] : 0;
}

int wx__csv_require(const wx_csv *c, const char *const *names, size_t n,
                    long *idx, wx_diags *diags) {
  int rc = WX_OK;
  for (size_t i = 0; i < n; i++) {
    idx[i] = wx__csv_col(c, names[i]);
    if (idx[i] < 0)
      rc = wx__diag(diags, WX_EINVAL, c->name, 1, 0,
                    "missing column \"%s\" in the header", names[i]);
  }
  return rc;
}

int wx__csv_number(const wx_csv *c, size_t row, size_t col, double empty,
                   double *out, wx_diags *diags) {
  const char *s = wx__csv_get(c, row, col);
  if (!s) return WX_EINVAL;
  if (!*s) {
    *out = empty;
    return WX_OK;
  }
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end || end == s || (errno == ERANGE && isinf(v)))
    return wx__diag(diags, WX_EINVAL, c->name, c->line[row], (int)col + 1,
                    "column \"%s\": \"%s\" is not a number",
                    wx__csv_header(c, col), s);
  *out = v;
  return WX_OK;
}
