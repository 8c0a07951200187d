/*
 * Quantities with units.  Numbers are scanned by hand (not with a bare
 * strtod) so that "nan", "inf", hex floats and trailing junk never pass.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"
#include "wxflow/wxflow.h"

#define EXPECT_DURATION "a duration such as 3d, 12h or 30min"
#define EXPECT_RATE     "a rate such as 200/d, 20/h or 100/w"
#define EXPECT_PROB     "a probability such as 0.013 or 1.3%"
#define EXPECT_COUNT    "a whole count such as 5000, 50_000 or 200k"
#define EXPECT_NUMBER   "a number such as 2 or 0.5"

typedef struct {
  const char *name;
  double days;
} unit;

/* Time units, longest spelling first within each family. */
static const unit time_units[] = {
    {"seconds", 1.0 / 86400},
    {"second", 1.0 / 86400},
    {"sec", 1.0 / 86400},
    {"s", 1.0 / 86400},
    {"minutes", 1.0 / 1440},
    {"minute", 1.0 / 1440},
    {"min", 1.0 / 1440},
    {"hours", 1.0 / 24},
    {"hour", 1.0 / 24},
    {"h", 1.0 / 24},
    {"days", 1.0},
    {"day", 1.0},
    {"d", 1.0},
    {"weeks", 7.0},
    {"week", 7.0},
    {"w", 7.0},
};

static int expected(char *msg, size_t cap, const char *what, const char *s) {
  snprintf(msg, cap, "expected %s, got \"%.60s\"", what, s);
  return WX_ESCENARIO;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Digits with single underscores between them; returns chars consumed. */
static size_t scan_digits(const char *s, char *buf, size_t cap, size_t *w) {
  size_t i = 0;
  while (is_digit(s[i]) || (s[i] == '_' && i > 0 && is_digit(s[i + 1]))) {
    if (s[i] != '_' && *w + 1 < cap) buf[(*w)++] = s[i];
    i++;
  }
  return i;
}

size_t wx__scan_number(const char *s, char *buf, size_t cap) {
  size_t i = 0, w = 0;
  if (cap < 2) return 0;
  if (s[i] == '-' || s[i] == '+') buf[w++] = s[i++];
  size_t intd = scan_digits(s + i, buf, cap, &w);
  i += intd;
  size_t fracd = 0;
  if (s[i] == '.' && is_digit(s[i + 1])) {
    if (w + 1 < cap) buf[w++] = '.';
    i++;
    fracd = scan_digits(s + i, buf, cap, &w);
    i += fracd;
  }
  if (intd + fracd == 0) return 0;
  size_t e = i;
  if ((s[e] == 'e' || s[e] == 'E')) {
    size_t j = e + 1, start = w;
    if (w + 1 < cap) buf[w++] = 'e';
    if (s[j] == '-' || s[j] == '+') {
      if (w + 1 < cap) buf[w++] = s[j];
      j++;
    }
    size_t expd = scan_digits(s + j, buf, cap, &w);
    if (expd)
      i = j + expd;
    else
      w = start; /* "3e" is not an exponent: leave it as junk */
  }
  buf[w] = '\0';
  return i;
}

/* The number at the start of s into *x; *end points past it and any
 * spaces.  Returns 0 if there is no finite number there. */
static int lead_number(const char *s, double *x, const char **end) {
  char buf[128];
  size_t n = wx__scan_number(s, buf, sizeof buf);
  if (n == 0) return 0;
  *x = strtod(buf, NULL);
  if (!isfinite(*x)) return 0;
  s += n;
  while (*s == ' ') s++;
  *end = s;
  return 1;
}

static int find_unit(const char *s, double *days) {
  for (size_t i = 0; i < sizeof time_units / sizeof *time_units; i++) {
    if (strcmp(s, time_units[i].name) == 0) {
      *days = time_units[i].days;
      return 1;
    }
  }
  return 0;
}

int wx__parse_duration(const char *s, double *days, char *msg, size_t cap) {
  double x, u = 1.0;
  const char *rest;
  if (!lead_number(s, &x, &rest)) return expected(msg, cap, EXPECT_DURATION, s);
  if (*rest && !find_unit(rest, &u))
    return expected(msg, cap, EXPECT_DURATION, s);
  if (x < 0) {
    snprintf(msg, cap, "a duration must not be negative, got \"%.60s\"", s);
    return WX_ESCENARIO;
  }
  *days = x * u;
  return WX_OK;
}

int wx__parse_rate(const char *s, double *per_day, char *msg, size_t cap) {
  double x, u = 1.0;
  const char *rest;
  if (!lead_number(s, &x, &rest)) return expected(msg, cap, EXPECT_RATE, s);
  if (rest[0] == '%' && rest[1] == '/') { /* "0.05%/d": a percent per day */
    x /= 100.0;
    rest++;
  }
  if (*rest) {
    if (*rest == '/')
      rest++;
    else if (strncmp(rest, "per ", 4) == 0)
      rest += 4;
    else
      return expected(msg, cap, EXPECT_RATE, s);
    while (*rest == ' ') rest++;
    if (!find_unit(rest, &u)) return expected(msg, cap, EXPECT_RATE, s);
  }
  if (x < 0) {
    snprintf(msg, cap, "a rate must not be negative, got \"%.60s\"", s);
    return WX_ESCENARIO;
  }
  *per_day = x / u;
  return WX_OK;
}

int wx__parse_probability(const char *s, double *p, char *msg, size_t cap) {
  double x;
  const char *rest;
  if (!lead_number(s, &x, &rest)) return expected(msg, cap, EXPECT_PROB, s);
  if (strcmp(rest, "%") == 0)
    x /= 100.0;
  else if (*rest)
    return expected(msg, cap, EXPECT_PROB, s);
  if (x < 0 || x > 1) {
    /* a bare 5 or 1.3 is most likely a percentage without its sign */
    int pct = !*rest && x > 1 && x <= 100;
    snprintf(msg, cap,
             "a probability must be between 0 and 1 (0%% and 100%%), got "
             "\"%.60s\"%s%.60s%s",
             s, pct ? "; did you mean " : "", pct ? s : "", pct ? "%?" : "");
    return WX_ESCENARIO;
  }
  *p = x;
  return WX_OK;
}

/* Exact path for plain integers so that 64-bit seeds keep every digit. */
static int exact_count(const char *num, uint64_t mult, uint64_t *n) {
  uint64_t v = 0;
  for (const char *p = num; *p; p++) {
    if (!is_digit(*p)) return 0;
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (mult > 1 && v > UINT64_MAX / mult) return 0;
  *n = v * mult;
  return 1;
}

int wx__parse_count(const char *s, uint64_t *n, char *msg, size_t cap) {
  char buf[128];
  size_t len = wx__scan_number(s, buf, sizeof buf);
  if (len == 0) return expected(msg, cap, EXPECT_COUNT, s);
  const char *rest = s + len;
  uint64_t mult = 1;
  if (*rest == 'k')
    mult = 1000, rest++;
  else if (*rest == 'M')
    mult = 1000000, rest++;
  if (*rest) return expected(msg, cap, EXPECT_COUNT, s);
  if (buf[0] == '-' && strtod(buf, NULL) != 0) {
    snprintf(msg, cap, "a count must not be negative, got \"%.60s\"", s);
    return WX_ESCENARIO;
  }
  const char *digits = buf[0] == '+' || buf[0] == '-' ? buf + 1 : buf;
  if (exact_count(digits, mult, n)) return WX_OK;
  double x = strtod(buf, NULL) * (double)mult;
  if (!isfinite(x) || x != floor(x) || x >= 18446744073709551616.0) {
    snprintf(msg, cap,
             "a count must be a whole number below 2^64, got "
             "\"%.60s\"",
             s);
    return WX_ESCENARIO;
  }
  *n = (uint64_t)x;
  return WX_OK;
}

int wx__parse_number(const char *s, double *x, char *msg, size_t cap) {
  const char *rest;
  if (!lead_number(s, x, &rest) || *rest)
    return expected(msg, cap, EXPECT_NUMBER, s);
  return WX_OK;
}

const char *wx__fmt_duration(char buf[32], double days) {
  static const struct {
    const char *unit;
    double per_day;
  } units[] = {{"d", 1}, {"h", 24}, {"min", 1440}, {"s", 86400}};
  double a = fabs(days);
  double w = days / 7;
  if (a >= 7 && fabs(w - round(w)) < 1e-9) {
    snprintf(buf, 32, "%.0fw", w);
    return buf;
  }
  size_t i = 0;
  while (i + 1 < sizeof units / sizeof units[0] &&
         a * units[i].per_day < 1 - 1e-9 && a > 0)
    i++;
  snprintf(buf, 32, "%.3g%s", days * units[i].per_day, units[i].unit);
  return buf;
}
