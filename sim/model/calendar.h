/*
 * The scenario calendar: t = 0 is 00:00 of the date `start` (model.h
 * start_day, days since 1970-01-01); t is in days, with no time zones.
 * Dates are proleptic Gregorian (H. Hinnant's civil-from-days formulas).
 * Touchpoint schedules (wx_schedule) are evaluated here too.
 */
#ifndef WX_CALENDAR_H
#define WX_CALENDAR_H

#include <stdint.h>

#include "model.h"

/* 2026-01-05, a Monday: the default start. */
#define WX_DEFAULT_START_DAY 20458

int32_t wx__days_from_civil(int y, unsigned m, unsigned d);
void wx__civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);
/* Parses YYYY-MM-DD (a real date) into days since 1970-01-01; 0 on
 * success, -1 otherwise. */
int wx__date_parse(const char *s, int32_t *out);
/* Weekday of t (0 = Monday ... 6 = Sunday). */
int wx__weekday(int32_t start_day, double t);
/* Calendar month of t as year * 12 + (month - 1): changes exactly at
 * midnight of each 1st. */
int32_t wx__month_index(int32_t start_day, double t);
/* Parses a weekday name (mon, tue, ... or monday ..., in any case); -1
 * when unknown. */
int wx__weekday_parse(const char *s);
/* "monday" ... "sunday" for 0 ... 6. */
const char *wx__weekday_name(int d);

/* Two firings closer than this (days, ~0.1 ms) are one instant: the
 * series are computed in floating point, so a date, a weekday and a grid
 * point that are the same instant may differ by a rounding step; the same
 * holds for a grid point on `until` or on the horizon. */
#define WX__SAME_TIME 1e-9

/* The first firing of s strictly after `after` (pass -INFINITY for the
 * first one), or INFINITY when none; firings within WX__SAME_TIME of
 * `after` are `after` itself and are skipped. */
double wx__schedule_next(const wx_schedule *s, int32_t start_day, double after);

#endif
