/* Small helpers shared across the library. */
#ifndef WX_UTIL_H
#define WX_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"

/* strdup in C11; NULL stays NULL. */
char *wx__strdup(const char *s);

/* FNV-1a 64 of a byte range, and its 16-digit lower-case hex form. */
uint64_t wx__fnv1a64(const void *data, size_t len);
void wx__hex64(uint64_t v, char out[17]);

/* SplitMix64 finaliser: a bijective mix of 64 bits.  Seeds for replication
 * streams are derived with it so that nearby seeds give unrelated streams. */
uint64_t wx__mix64(uint64_t x);
/* The seed of stream `stream` of replication `rep` for a scenario seed. */
uint64_t wx__stream_seed(uint64_t seed, uint64_t rep, uint64_t stream);

/* 32 bits of a name's FNV-1a hash.  Random streams are tagged by entity
 * name, (kind << 32) | tag, so that a variant adding or removing one
 * entity leaves every other entity's stream as it was. */
uint64_t wx__name_tag(const char *name);

/* Orders diagnostics by file, line and column (stable; those without a
 * line keep their place after the others), so they read top to bottom. */
void wx__diags_sort(wx_diags *d);

/* Appends a diagnostic (printf-style message); a NULL list is ignored.
 * Returns `code` so callers can write `return wx__diag(...)`. */
int wx__diag(wx_diags *d, int code, const char *file, int line, int col,
             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* p clamped to [0, 1]; NaN counts as 0 (a probability that is not one
 * never fires). */
static inline double wx__clamp01(double p) {
  return p > 0 ? (p < 1 ? p : 1) : 0;
}

#endif
