/* Units: every accepted form and every rejection of sim/base/quantity.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "quantity.h"

static double dur(const char *s) {
  char msg[200];
  double x = -1;
  assert_int_equal(wx__parse_duration(s, &x, msg, sizeof msg), WX_OK);
  return x;
}

static double rate(const char *s) {
  char msg[200];
  double x = -1;
  assert_int_equal(wx__parse_rate(s, &x, msg, sizeof msg), WX_OK);
  return x;
}

static void durations_in_every_unit_convert_to_days(void **state) {
  (void)state;
  assert_float_equal(dur("3d"), 3.0, 1e-12);
  assert_float_equal(dur("1.5d"), 1.5, 1e-12);
  assert_float_equal(dur("0d"), 0.0, 1e-12);
  assert_float_equal(dur("12h"), 0.5, 1e-12);
  assert_float_equal(dur("30min"), 30.0 / 1440, 1e-12);
  assert_float_equal(dur("2w"), 14.0, 1e-12);
  assert_float_equal(dur("86400s"), 1.0, 1e-12);
  assert_float_equal(dur("60sec"), 60.0 / 86400, 1e-12);
  assert_float_equal(dur("2 hours"), 2.0 / 24, 1e-12);
  assert_float_equal(dur("1 hour"), 1.0 / 24, 1e-12);
  assert_float_equal(dur("3 days"), 3.0, 1e-12);
  assert_float_equal(dur("1day"), 1.0, 1e-12);
  assert_float_equal(dur("1 week"), 7.0, 1e-12);
  assert_float_equal(dur("2weeks"), 14.0, 1e-12);
  assert_float_equal(dur("7"), 7.0, 1e-12);
  assert_float_equal(dur("1e1d"), 10.0, 1e-12);
}

static void bad_durations_are_rejected_with_what_was_expected(void **state) {
  (void)state;
  const char *bad[] = {"",     "3x",    "3dd",  "d",     "nan", "inf", "NaN",
                       "-inf", "3 d d", "0x10", "1e999", ".d",  "3e",  "1__0d"};
  char msg[200];
  double x;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(wx__parse_duration(bad[i], &x, msg, sizeof msg),
                     WX_ESCENARIO);
    assert_non_null(strstr(msg, "expected a duration such as 3d"));
  }
  assert_int_equal(wx__parse_duration("3x", &x, msg, sizeof msg), WX_ESCENARIO);
  assert_string_equal(msg,
                      "expected a duration such as 3d, 12h or 30min, got "
                      "\"3x\"");
  assert_int_equal(wx__parse_duration("-1d", &x, msg, sizeof msg),
                   WX_ESCENARIO);
  assert_non_null(strstr(msg, "must not be negative"));
}

static void rates_convert_to_per_day(void **state) {
  (void)state;
  assert_float_equal(rate("200/d"), 200.0, 1e-9);
  assert_float_equal(rate("0.5/d"), 0.5, 1e-12);
  assert_float_equal(rate("20/h"), 480.0, 1e-9);
  assert_float_equal(rate("100/w"), 100.0 / 7, 1e-9);
  assert_float_equal(rate("3/min"), 3.0 * 1440, 1e-9);
  assert_float_equal(rate("200 per day"), 200.0, 1e-9);
  assert_float_equal(rate("10 / hour"), 240.0, 1e-9);
  assert_float_equal(rate("42"), 42.0, 1e-9);
  assert_float_equal(rate("1_000/d"), 1000.0, 1e-9);
}

static void bad_rates_are_rejected(void **state) {
  (void)state;
  const char *bad[] = {"",      "200/x",   "200/", "/d", "200//d",
                       "nan/d", "200 per", "200d", "inf"};
  char msg[200];
  double x;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(wx__parse_rate(bad[i], &x, msg, sizeof msg), WX_ESCENARIO);
    assert_non_null(strstr(msg, "expected a rate"));
  }
  assert_int_equal(wx__parse_rate("-3/d", &x, msg, sizeof msg), WX_ESCENARIO);
  assert_non_null(strstr(msg, "must not be negative"));
}

static void probabilities_accept_fractions_and_percents(void **state) {
  (void)state;
  char msg[200];
  double p;
  assert_int_equal(wx__parse_probability("0.013", &p, msg, sizeof msg), WX_OK);
  assert_float_equal(p, 0.013, 1e-15);
  assert_int_equal(wx__parse_probability("1.3%", &p, msg, sizeof msg), WX_OK);
  assert_float_equal(p, 0.013, 1e-15);
  assert_int_equal(wx__parse_probability("100%", &p, msg, sizeof msg), WX_OK);
  assert_float_equal(p, 1.0, 0);
  assert_int_equal(wx__parse_probability("0", &p, msg, sizeof msg), WX_OK);
  assert_float_equal(p, 0.0, 0);
}

static void bad_probabilities_are_rejected(void **state) {
  (void)state;
  const char *form[] = {"", "1.3%%", "%", "abc", "nan", "0.5x", "inf%"};
  const char *range[] = {"1.5", "130%", "-0.1", "-5%", "1.0000001"};
  char msg[200];
  double p;
  for (size_t i = 0; i < sizeof form / sizeof *form; i++) {
    assert_int_equal(wx__parse_probability(form[i], &p, msg, sizeof msg),
                     WX_ESCENARIO);
    assert_non_null(strstr(msg, "expected a probability"));
  }
  for (size_t i = 0; i < sizeof range / sizeof *range; i++) {
    assert_int_equal(wx__parse_probability(range[i], &p, msg, sizeof msg),
                     WX_ESCENARIO);
    assert_non_null(strstr(msg, "between 0 and 1"));
  }
}

static void counts_accept_separators_and_suffixes(void **state) {
  (void)state;
  char msg[200];
  uint64_t n;
  assert_int_equal(wx__parse_count("5000", &n, msg, sizeof msg), WX_OK);
  assert_int_equal(n, 5000);
  assert_int_equal(wx__parse_count("50_000", &n, msg, sizeof msg), WX_OK);
  assert_int_equal(n, 50000);
  assert_int_equal(wx__parse_count("200k", &n, msg, sizeof msg), WX_OK);
  assert_int_equal(n, 200000);
  assert_int_equal(wx__parse_count("3M", &n, msg, sizeof msg), WX_OK);
  assert_int_equal(n, 3000000);
  assert_int_equal(wx__parse_count("1.5M", &n, msg, sizeof msg), WX_OK);
  assert_int_equal(n, 1500000);
  assert_int_equal(wx__parse_count("18446744073709551615", &n, msg, sizeof msg),
                   WX_OK);
  assert_true(n == UINT64_MAX);
}

static void bad_counts_are_rejected(void **state) {
  (void)state;
  const char *form[] = {"", "12x", "5kk", "k", "nan", "_5", "5_", "3m"};
  const char *value[] = {"1.5", "18446744073709551616", "0.0005k"};
  char msg[200];
  uint64_t n;
  for (size_t i = 0; i < sizeof form / sizeof *form; i++) {
    assert_int_equal(wx__parse_count(form[i], &n, msg, sizeof msg),
                     WX_ESCENARIO);
    assert_non_null(strstr(msg, "expected a whole count"));
  }
  for (size_t i = 0; i < sizeof value / sizeof *value; i++) {
    assert_int_equal(wx__parse_count(value[i], &n, msg, sizeof msg),
                     WX_ESCENARIO);
    assert_non_null(strstr(msg, "whole number"));
  }
  assert_int_equal(wx__parse_count("-3", &n, msg, sizeof msg), WX_ESCENARIO);
  assert_non_null(strstr(msg, "negative"));
}

static void numbers_are_strict(void **state) {
  (void)state;
  char msg[200];
  double x;
  assert_int_equal(wx__parse_number("-2.5e-1", &x, msg, sizeof msg), WX_OK);
  assert_float_equal(x, -0.25, 1e-15);
  assert_int_equal(wx__parse_number("2", &x, msg, sizeof msg), WX_OK);
  const char *bad[] = {"", "2d", "nan", "infinity", "0x1p3", "1.", "1 2"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(wx__parse_number(bad[i], &x, msg, sizeof msg),
                     WX_ESCENARIO);
}

/* Messages print durations as planners write them, not 0.0416667d. */
static void durations_print_in_planner_units(void **state) {
  (void)state;
  char b[32];
  assert_string_equal(wx__fmt_duration(b, 1.0 / 24), "1h");
  assert_string_equal(wx__fmt_duration(b, 30.0 / 1440), "30min");
  assert_string_equal(wx__fmt_duration(b, 2.5), "2.5d");
  assert_string_equal(wx__fmt_duration(b, 14), "2w");
  assert_string_equal(wx__fmt_duration(b, 10), "10d");
  assert_string_equal(wx__fmt_duration(b, 45.0 / 86400), "45s");
  assert_string_equal(wx__fmt_duration(b, 0), "0d");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(durations_print_in_planner_units),
      cmocka_unit_test(durations_in_every_unit_convert_to_days),
      cmocka_unit_test(bad_durations_are_rejected_with_what_was_expected),
      cmocka_unit_test(rates_convert_to_per_day),
      cmocka_unit_test(bad_rates_are_rejected),
      cmocka_unit_test(probabilities_accept_fractions_and_percents),
      cmocka_unit_test(bad_probabilities_are_rejected),
      cmocka_unit_test(counts_accept_separators_and_suffixes),
      cmocka_unit_test(bad_counts_are_rejected),
      cmocka_unit_test(numbers_are_strict),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
