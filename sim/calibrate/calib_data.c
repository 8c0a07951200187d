/* The observations of a calibration: a CSV with a `day` (1, 2, ...) or
 * `date` (YYYY-MM-DD) column, `metric` (the series it matches) and
 * `value` (a daily count, or a running total with `counts: cumulative`).
 * Bad data is reported at the CSV's own line and column. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "csv_read.h"
#include "util.h"

/* Days are limited so that a typo (day 1e9) is an error, not a huge
 * allocation; the horizon check against the model comes later. */
#define MAX_DAY 100000

typedef struct {
  wx_calib_spec *s;
  const wx_csv *csv;
  const char *name, *text;
  size_t len;
  wx_diags *d;
  unsigned errors;
  long c_day, c_date, c_metric, c_value;
} dctx;

/* 1-based character column where field `field` of line `line` starts:
 * the reader keeps lines but not columns, so the raw line is re-scanned
 * (quotes respected). */
static int field_col(const dctx *c, int line, long field) {
  size_t i = 0;
  for (int l = 1; l < line && i < c->len; i++)
    if (c->text[i] == '\n') l++;
  int col = 1, quoted = 0;
  for (long f = 0; f < field && i < c->len; i++, col++) {
    char ch = c->text[i];
    if (ch == '"')
      quoted = !quoted;
    else if (ch == ',' && !quoted)
      f++;
    else if (ch == '\n' && !quoted)
      break;
    if ((ch & 0xC0) == 0x80) col--; /* UTF-8 continuation byte */
  }
  return col;
}

static void bad(dctx *c, size_t row, long field, const char *fmt, const char *a,
                const char *b) {
  int line = wx__csv_line(c->csv, row);
  c->errors++;
  char msg[WX_MSG_MAX];
  snprintf(msg, sizeof msg, fmt, a, b);
  wx__diag(c->d, WX_ESCENARIO, c->name, line, field_col(c, line, field), "%s",
           msg);
}

int wx__calib_parse_date(const char *s, long *days) {
  int y, m, dd, n = 0;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 ||
      n != 10 || m < 1 || m > 12 || dd < 1 || y < 1900 || y > 9999)
    return 0;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (dd > mdays[m - 1] + (m == 2 && leap)) return 0;
  /* Days from civil (proleptic Gregorian), counted from 1970-01-01. */
  long yy = m <= 2 ? y - 1 : y;
  long era = yy / 400, yoe = yy - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = era * 146097 + doe - 719468;
  return 1;
}

/* The row's day (1-based) or 0 after a message. */
static long row_day(dctx *c, size_t r) {
  if (c->c_day >= 0) {
    const char *t = wx__csv_get(c->csv, r, (size_t)c->c_day);
    char *end;
    errno = 0;
    long v = strtol(t, &end, 10);
    if (!*t || *end || errno || v < 1 || v > MAX_DAY) {
      bad(c, r, c->c_day,
          "`day` must be a whole number from 1 (the first "
          "day of the horizon); got \"%.40s\"%s",
          t, "");
      return 0;
    }
    return v;
  }
  const char *t = wx__csv_get(c->csv, r, (size_t)c->c_date);
  long days;
  if (!wx__calib_parse_date(t, &days)) {
    bad(c, r, c->c_date,
        "`date` must be a date such as 2026-03-01; got "
        "\"%.40s\"%s",
        t, "");
    return 0;
  }
  long d = days - c->s->start + 1;
  if (d < 1 || d > MAX_DAY) {
    bad(c, r, c->c_date,
        "date %s is %s the first day of the horizon "
        "(`start:` in the calibration file)",
        t, d < 1 ? "before" : "too far after");
    return 0;
  }
  return d;
}

static int row_value(dctx *c, size_t r, double *v) {
  const char *t = wx__csv_get(c->csv, r, (size_t)c->c_value);
  char *end;
  errno = 0;
  *v = strtod(t, &end);
  if (!*t || *end || !isfinite(*v)) {
    bad(c, r, c->c_value, "`value` must be a number; got \"%.40s\"%s", t, "");
    return 0;
  }
  if (*v < 0) {
    bad(c, r, c->c_value, "`value` must be a count >= 0; got %.40s%s", t, "");
    return 0;
  }
  return 1;
}

/* The series of `ref`, added when new; NULL when out of memory. */
static wx_calib_series *series(dctx *c, const char *ref, size_t r) {
  wx_calib_spec *s = c->s;
  for (size_t i = 0; i < s->n_series; i++)
    if (!strcmp(s->s[i].ref, ref)) return &s->s[i];
  wx_calib_series *n = realloc(s->s, (s->n_series + 1) * sizeof *n);
  if (!n) return NULL;
  s->s = n;
  wx_calib_series *e = &n[s->n_series];
  *e = (wx_calib_series){0};
  if (!(e->ref = wx__strdup(ref))) return NULL;
  s->n_series++;
  e->line = e->first_row_line = wx__csv_line(c->csv, r);
  e->col = field_col(c, e->line, c->c_metric);
  e->column = -1;
  return e;
}

static int put(dctx *c, wx_calib_series *e, size_t r, long day, double v) {
  if ((size_t)day > e->n_days) {
    double *y = realloc(e->y, (size_t)day * sizeof *y);
    if (!y) return WX_ENOMEM;
    for (size_t i = e->n_days; i < (size_t)day; i++) y[i] = NAN;
    e->y = y;
    e->n_days = (size_t)day;
    e->last_line = wx__csv_line(c->csv, r);
    e->last_col =
        field_col(c, e->last_line, c->c_day >= 0 ? c->c_day : c->c_date);
  }
  if (!isnan(e->y[day - 1])) {
    char dbuf[32];
    snprintf(dbuf, sizeof dbuf, "%ld", day);
    bad(c, r, c->c_day >= 0 ? c->c_day : c->c_date,
        "day %s of `%.80s` is given twice", dbuf, e->ref);
    return WX_OK;
  }
  e->y[day - 1] = v;
  e->n_obs++;
  return WX_OK;
}

/* Running totals to daily counts: day d gets C(d) - C(d - 1); the first
 * total is the baseline, not an observation. */
static void differences(dctx *c, wx_calib_series *e) {
  double prev = NAN;
  size_t first = 1;
  for (size_t i = 0; i < e->n_days; i++) {
    double v = e->y[i];
    if (isnan(v) && !first && !isnan(prev)) {
      c->errors++;
      wx__diag(c->d, WX_ESCENARIO, c->name, e->line, e->col,
               "cumulative `%s` skips day %zu: running totals must be given "
               "for consecutive days",
               e->ref, i + 1);
      return;
    }
    if (isnan(v)) continue;
    if (!first && v < prev) {
      c->errors++;
      wx__diag(c->d, WX_ESCENARIO, c->name, e->line, e->col,
               "cumulative `%s` decreases on day %zu (%g after %g)", e->ref,
               i + 1, v, prev);
      return;
    }
    e->y[i] = first ? NAN : v - prev;
    if (first) e->n_obs--;
    first = 0;
    prev = v;
  }
}

static int read_rows(dctx *c) {
  for (size_t r = 0; r < wx__csv_rows(c->csv); r++) {
    const char *ref = wx__csv_get(c->csv, r, (size_t)c->c_metric);
    double v;
    long day = row_day(c, r);
    int okv = row_value(c, r, &v);
    if (!*ref) bad(c, r, c->c_metric, "`metric` is empty%s%s", "", "");
    if (!day || !okv || !*ref) continue;
    wx_calib_series *e = series(c, ref, r);
    if (!e || put(c, e, r, day, v) != WX_OK) return WX_ENOMEM;
  }
  return WX_OK;
}

static int columns(dctx *c) {
  c->c_day = wx__csv_col(c->csv, "day");
  c->c_date = wx__csv_col(c->csv, "date");
  c->c_metric = wx__csv_col(c->csv, "metric");
  c->c_value = wx__csv_col(c->csv, "value");
  const char *miss[3];
  size_t nm = 0;
  if (c->c_day < 0 && c->c_date < 0) miss[nm++] = "day (or date)";
  if (c->c_metric < 0) miss[nm++] = "metric";
  if (c->c_value < 0) miss[nm++] = "value";
  for (size_t i = 0; i < nm; i++)
    wx__diag(c->d, WX_ESCENARIO, c->name, 1, 1,
             "missing column `%s` in the "
             "header (day or date, metric, value)",
             miss[i]);
  if (c->c_day >= 0 && c->c_date >= 0) {
    wx__diag(c->d, WX_ESCENARIO, c->name, 1, field_col(c, 1, c->c_date),
             "give either `day` or `date`, not both");
    nm++;
  }
  if (!nm && c->c_date >= 0 && !c->s->has_start) {
    wx__diag(c->d, WX_ESCENARIO, c->s->file, c->s->data_line, c->s->data_col,
             "the data has dates: give the first day of the "
             "horizon as `data: {file: ..., start: YYYY-MM-DD}`");
    nm++;
  }
  return nm ? WX_ESCENARIO : WX_OK;
}

int wx__calib_data_parse(wx_calib_spec *s, const char *name, const char *text,
                         size_t len, wx_diags *d) {
  wx_csv *csv = NULL;
  int rc = wx__csv_parse(name, text, len, &csv, d);
  if (rc == WX_EINVAL) rc = WX_ESCENARIO;
  if (rc != WX_OK) return rc;
  dctx c = {.s = s, .csv = csv, .name = name, .text = text, .len = len, .d = d};
  rc = columns(&c);
  if (rc == WX_OK) rc = read_rows(&c);
  for (size_t i = 0;
       rc == WX_OK && !c.errors && s->cumulative && i < s->n_series; i++)
    differences(&c, &s->s[i]);
  if (rc == WX_OK && !c.errors && s->n_series == 0) {
    wx__diag(d, WX_ESCENARIO, name, 1, 1,
             "no observations: the file has a "
             "header but no rows");
    c.errors++;
  }
  wx__csv_free(csv);
  if (rc == WX_ENOMEM)
    return wx__diag(d, WX_ENOMEM, name, 0, 0, "out of memory");
  return rc == WX_OK && c.errors ? WX_ESCENARIO : rc;
}
