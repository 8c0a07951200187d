#include <ctype.h>
#include <math.h>
#include <string.h>

#include "calendar.h"

int32_t wx__days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int32_t)doe - 719468;
}

void wx__civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int wx__date_parse(const char *s, int32_t *out) {
  int y, m, d;
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
    return -1;
  if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
  int32_t z = wx__days_from_civil(y, (unsigned)m, (unsigned)d);
  int yy;
  unsigned mm, dd;
  wx__civil_from_days(z, &yy, &mm, &dd); /* rejects 2026-02-30 */
  if (yy != y || (int)mm != m || (int)dd != d) return -1;
  *out = z;
  return 0;
}

static int32_t day_of(int32_t start_day, double t) {
  return start_day + (int32_t)floor(t);
}

int wx__weekday(int32_t start_day, double t) {
  int32_t z = day_of(start_day, t);
  return (int)(((z % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}

int32_t wx__month_index(int32_t start_day, double t) {
  int y;
  unsigned m, d;
  wx__civil_from_days(day_of(start_day, t), &y, &m, &d);
  return y * 12 + (int32_t)m - 1;
}

static const char *const weekday_names[7] = {"monday",   "tuesday", "wednesday",
                                             "thursday", "friday",  "saturday",
                                             "sunday"};

/* Case-insensitive: `Fri`, `fri` and `FRIDAY` are the same day. */
static int same_word(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)a[i]) != b[i] || !b[i]) return 0;
  return 1;
}

int wx__weekday_parse(const char *s) {
  size_t n = strlen(s);
  for (int i = 0; i < 7; i++)
    if ((n == 3 || n == strlen(weekday_names[i])) &&
        same_word(s, weekday_names[i], n))
      return i;
  return -1;
}

const char *wx__weekday_name(int d) {
  return d >= 0 && d < 7 ? weekday_names[d] : "";
}

/* Periodic firings from + at + k every for integer k >= 0, up to until:
 * the first grid point after `after`, found by its index k so that every
 * firing stays exactly on the grid. */
static double next_every(const wx_schedule *s, double after) {
  if (!(s->every > 0)) return INFINITY;
  double base = s->from + s->at, k = 0;
  if (after >= base) k = floor((after - base) / s->every) + 1;
  while (k > 0 && base + (k - 1) * s->every > after) k--;
  while (base + k * s->every <= after) k++;
  double t = base + k * s->every;
  if (t > s->until && t <= s->until + WX__SAME_TIME) t = s->until;
  return t <= s->until ? t : INFINITY;
}

/* Day d at time `at` for weekdays in the mask, from `from` to `until`. */
static double next_weekday(const wx_schedule *s, int32_t start_day,
                           double after) {
  if (!s->weekdays) return INFINITY;
  double d = isinf(after) ? 0 : floor(after - s->at) + 1;
  double first = ceil(s->from - s->at);
  if (d < first) d = first;
  if (d < 0) d = 0;
  /* (d + at) - at may round below d: never return `after` itself */
  if (!isinf(after) && d + s->at <= after) d++;
  for (int i = 0; i < 7; i++, d++) {
    if (d + s->at > s->until) return INFINITY;
    if (s->weekdays & (1u << wx__weekday(start_day, d))) return d + s->at;
  }
  return INFINITY;
}

/* One-off dates (ascending), at their time of day. */
static double next_date(const wx_schedule *s, double after) {
  for (uint32_t i = 0; i < s->n_dates; i++)
    if (s->dates[i] + s->at > after) return s->dates[i] + s->at;
  return INFINITY;
}

double wx__schedule_next(const wx_schedule *s, int32_t start_day,
                         double after) {
  /* firings within WX__SAME_TIME of `after` (from another series, or the
   * same instant rounded differently) were that firing */
  after += WX__SAME_TIME;
  double t = next_every(s, after);
  double w = next_weekday(s, start_day, after);
  double d = next_date(s, after);
  if (w < t) t = w;
  return d < t ? d : t;
}
