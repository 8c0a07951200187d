/*
 * Planner-friendly quantities: "3d", "12h", "200/d", "1.3%", "50_000",
 * "200k".  Every parser is strict (no trailing junk, no NaN or infinity,
 * no empty text) and returns WX_OK or WX_ESCENARIO with a message in msg
 * that says what was expected and quotes what was written.
 */
#ifndef WX_UNITS_H
#define WX_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"

/* A duration in days, >= 0: 30min, 12h, 3d, 2w, 1.5d, 0d, 45s; a bare
 * number means days.  Units: s sec second(s) min minute(s) h hour(s)
 * d day(s) w week(s). */
int wx__parse_duration(const char *s, double *days, char *msg, size_t cap);

/* A rate per day, >= 0: 0.5/d, 20/h, 100/w, 3/min, "200 per day"; a bare
 * number means per day. */
int wx__parse_rate(const char *s, double *per_day, char *msg, size_t cap);

/* A probability in [0, 1]: 0.013 or 1.3%. */
int wx__parse_probability(const char *s, double *p, char *msg, size_t cap);

/* A whole count >= 0: 5000, 50_000, 200k, 1.5M (k = 1e3, M = 1e6). */
int wx__parse_count(const char *s, uint64_t *n, char *msg, size_t cap);

/* A plain finite number (any sign). */
int wx__parse_number(const char *s, double *x, char *msg, size_t cap);

/* A duration in days as a planner writes it, for messages: 2w, 2.5d, 1h,
 * 30min, 45s (the largest unit giving a value >= 1; weeks only when whole;
 * at most 3 significant digits).  Returns buf. */
const char *wx__fmt_duration(char buf[32], double days);

/* Length of the number at the start of s ([-+]digits[_digits][.digits]
 * [e[-+]digits]), written without underscores into buf; 0 if none. */
size_t wx__scan_number(const char *s, char *buf, size_t cap);

#endif
