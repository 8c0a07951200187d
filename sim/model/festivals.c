#include "festivals.h"

#include <string.h>

#include "calendar.h"

/* Lunar dates (first day of the first month, 15th of the first, 5th of
 * the fifth, 7th of the seventh, 15th of the eighth month) converted and
 * checked: Spring Festival 2026-02-17 and 2027-02-06. */
static const wx_festival festivals[] = {
    {"new_year", "元旦", {101, 101}, 1},
    {"spring_festival", "春节", {217, 206}, 7},
    {"lantern", "元宵节", {303, 220}, 1},
    {"womens_day", "三八女王节", {308, 308}, 1},
    {"520", "520 表白日", {520, 520}, 1},
    {"618", "618 年中大促", {618, 618}, 1},
    {"dragon_boat", "端午节", {619, 609}, 1},
    {"qixi", "七夕", {819, 808}, 1},
    {"mid_autumn", "中秋节", {925, 915}, 1},
    {"national_day", "国庆节", {1001, 1001}, 7},
    {"double_11", "双十一", {1111, 1111}, 1},
    {"double_12", "双十二", {1212, 1212}, 1},
};

const wx_festival *wx__festivals(size_t *n) {
  *n = sizeof festivals / sizeof *festivals;
  return festivals;
}

const wx_festival *wx__festival_find(const char *name) {
  for (size_t i = 0; i < sizeof festivals / sizeof *festivals; i++)
    if (!strcmp(festivals[i].name, name)) return &festivals[i];
  return NULL;
}

int32_t wx__festival_day(const wx_festival *f, int y) {
  int k = y - WX_FESTIVAL_FIRST_YEAR;
  if (k < 0 || k >= WX_FESTIVAL_YEARS) return INT32_MIN;
  unsigned md = f->mmdd[k];
  return wx__days_from_civil(y, md / 100, md % 100);
}
