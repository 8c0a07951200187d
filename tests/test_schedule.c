/* Touchpoint schedules against an exact count: every time is a whole
 * number of minutes, so the set of firing instants is computed in integer
 * arithmetic here and compared with the firings wx__schedule_next yields
 * (a touchpoint posts once per instant, however many series land on it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"

#define DAY  1440 /* minutes */
#define YEAR 365  /* horizon, days */

typedef struct {
  int every, at, from, until; /* minutes, except from/until (days) */
  unsigned weekdays;
  int dates[4], n_dates; /* days */
} plan;

/* Posts within the horizon, counted in whole minutes. */
static int exact_posts(const plan *p, int32_t start_day) {
  unsigned char *hit = calloc((size_t)(YEAR + 1) * DAY + 1, 1);
  assert_non_null(hit);
  const long end = (long)YEAR * DAY, until = (long)p->until * DAY;
  const long from = (long)p->from * DAY;
  for (long t = from + p->at; p->every && t <= end && t <= until; t += p->every)
    hit[t] = 1;
  for (long d = 0; p->weekdays && d <= YEAR; d++) {
    long t = d * DAY + p->at;
    int wd = (int)((((start_day + d) % 7) + 7 + 3) % 7); /* 1970-01-01: Thu */
    if (t >= from && t <= until && t <= end && (p->weekdays >> wd & 1))
      hit[t] = 1;
  }
  for (int i = 0; i < p->n_dates; i++) {
    long t = (long)p->dates[i] * DAY + p->at;
    if (t <= end) hit[t] = 1;
  }
  int n = 0;
  for (long t = 0; t <= end; t++) n += hit[t];
  free(hit);
  return n;
}

static int schedule_posts(const plan *p, int32_t start_day) {
  double dates[4];
  for (int i = 0; i < p->n_dates; i++) dates[i] = p->dates[i];
  wx_schedule s = {.every = p->every / (double)DAY,
                   .from = p->from,
                   .until = p->until,
                   .at = p->at / (double)DAY,
                   .weekdays = p->weekdays,
                   .dates = dates,
                   .n_dates = (uint32_t)p->n_dates};
  int n = 0;
  double last = -INFINITY;
  /* a grid point on the horizon is on it (agent_touch.c) */
  for (double t = wx__schedule_next(&s, start_day, -INFINITY);
       t <= YEAR + WX__SAME_TIME; t = wx__schedule_next(&s, start_day, t)) {
    assert_true(t > last); /* strictly increasing */
    last = t;
    if (++n > 4 * YEAR * 24) fail_msg("runaway schedule");
  }
  return n;
}

static void check(const plan *p) {
  const int32_t start = WX_DEFAULT_START_DAY;
  int want = exact_posts(p, start), got = schedule_posts(p, start);
  if (want != got)
    fail_msg(
        "every %d min at %d min from %d d until %d d weekdays %#x "
        "dates %d: %d posts, exact %d",
        p->every, p->at, p->from, p->until, p->weekdays, p->n_dates, got, want);
}

/* every 8h: 1,096 posts a year (0, 8h, ... 365d), never 1,208. */
static void every_8h_posts_1096_times_a_year(void **state) {
  (void)state;
  plan p = {.every = 480, .until = 100000};
  assert_int_equal(schedule_posts(&p, WX_DEFAULT_START_DAY), 1096);
  p.every = 240;
  assert_int_equal(schedule_posts(&p, WX_DEFAULT_START_DAY), 2191);
}

static void periodic_series_post_once_per_instant(void **state) {
  (void)state;
  static const int every[] = {60,  100, 180,  240,  300,  420,
                              480, 720, 1000, 1440, 2880, 10080};
  static const int at[] = {0, 30, 600, 1200, 1439};
  static const int from[] = {0, 1, 3, 10};
  static const int until[] = {100000, 200};
  for (size_t a = 0; a < sizeof every / sizeof *every; a++)
    for (size_t b = 0; b < sizeof at / sizeof *at; b++)
      for (size_t c = 0; c < sizeof from / sizeof *from; c++)
        for (size_t d = 0; d < 2; d++)
          for (int withdates = 0; withdates < 2; withdates++) {
            plan p = {.every = every[a],
                      .at = at[b],
                      .from = from[c],
                      .until = until[d]};
            if (withdates) { /* on the grid, before `from`, past until */
              int f = from[c];
              p.n_dates = 4;
              p.dates[0] = 0, p.dates[1] = f + 2, p.dates[2] = f + 30;
              p.dates[3] = 300;
            }
            check(&p);
          }
}

static void weekdays_and_dates_post_once_per_instant(void **state) {
  (void)state;
  static const unsigned masks[] = {1u, 1u << 4, 0x7f, 0x15};
  static const int at[] = {0, 1200, 1439};
  for (size_t a = 0; a < 4; a++)
    for (size_t b = 0; b < 3; b++)
      for (int from = 0; from < 9; from += 4) {
        plan p = {.weekdays = masks[a],
                  .at = at[b],
                  .from = from,
                  .until = 100000,
                  .n_dates = 3};
        p.dates[0] = from + 1, p.dates[1] = from + 4, p.dates[2] = 364;
        check(&p);
      }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_8h_posts_1096_times_a_year),
      cmocka_unit_test(periodic_series_post_once_per_instant),
      cmocka_unit_test(weekdays_and_dates_post_once_per_instant),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
