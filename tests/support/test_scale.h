/* The size of the heavy statistical tests.  WX_TEST_SCALE (a number in
 * (0, 1], default 1) shrinks them for instrumented passes, where a
 * full-size run takes many minutes (.ci/valgrind sets it).  The plain
 * suite always runs at full size; a test checks its statistical claims
 * at full size and, when scaled down, only those whose tolerances follow
 * the smaller size, while still running every code path. */
#ifndef WX_TEST_SCALE_H
#define WX_TEST_SCALE_H

/* WX_TEST_SCALE, or 1 when unset or not a number in (0, 1]. */
double wxt_scale(void);
/* n scaled, rounded, and at least lo. */
unsigned wxt_scaled(unsigned n, unsigned lo);
/* Whether the test runs at full size. */
int wxt_full_size(void);

#endif
