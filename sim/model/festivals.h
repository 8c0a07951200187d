/*
 * The shipped calendar of Chinese shopping festivals, 2026-2027, which a
 * scenario names in its pulses (`{festival: double_11, x: 3}`).  Lunar
 * festivals (Spring Festival, Lantern, Dragon Boat, Qixi, Mid-Autumn) are
 * given by their Gregorian dates, checked against a lunar calendar
 * converter; the others are fixed dates.  `days` is the festival's usual
 * span from its date (the Spring Festival and National Day holiday
 * weeks), which a pulse may override.
 */
#ifndef WX_FESTIVALS_H
#define WX_FESTIVALS_H

#include <stddef.h>
#include <stdint.h>

enum { WX_FESTIVAL_YEARS = 2, WX_FESTIVAL_FIRST_YEAR = 2026 };

typedef struct {
  const char *name;  /* as a scenario writes it: spring_festival, 618 ... */
  const char *label; /* Chinese name, for the reference */
  /* month * 100 + day of each year from WX_FESTIVAL_FIRST_YEAR */
  unsigned mmdd[WX_FESTIVAL_YEARS];
  unsigned days; /* usual span from the date, >= 1 */
} wx_festival;

/* The table, about in calendar order; *n its length. */
const wx_festival *wx__festivals(size_t *n);
/* The festival called name, or NULL. */
const wx_festival *wx__festival_find(const char *name);
/* Days since 1970-01-01 of festival f's date in year y, or INT32_MIN
 * when the calendar does not cover y. */
int32_t wx__festival_day(const wx_festival *f, int y);

#endif
