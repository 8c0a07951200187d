/* WX_TEST_SCALE (test_scale.h). */
#include "test_scale.h"

#include <stdlib.h>

double wxt_scale(void) {
  const char *s = getenv("WX_TEST_SCALE");
  if (!s || !*s) return 1;
  char *end;
  double x = strtod(s, &end);
  return (*end == '\0' && x > 0 && x <= 1) ? x : 1;
}

unsigned wxt_scaled(unsigned n, unsigned lo) {
  unsigned k = (unsigned)(n * wxt_scale() + 0.5);
  return k < lo ? lo : k;
}

int wxt_full_size(void) { return wxt_scale() == 1; }
