/* "Did you mean ...?" by edit distance (optimal string alignment, so a
 * swap of two neighbours counts as one edit, as typists make them). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

#define MAXLEN 64

static size_t min3(size_t a, size_t b, size_t c) {
  size_t m = a < b ? a : b;
  return m < c ? m : c;
}

/* Case-insensitive distance; long words give a large distance. */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > MAXLEN || lb > MAXLEN) return MAXLEN;
  size_t d[MAXLEN + 1][MAXLEN + 1];
  for (size_t i = 0; i <= la; i++) d[i][0] = i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = j;
  for (size_t i = 1; i <= la; i++) {
    for (size_t j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]);
      int cb = tolower((unsigned char)b[j - 1]);
      size_t cost = ca != cb;
      d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
          tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < d[i][j])
        d[i][j] = d[i - 2][j - 2] + 1;
    }
  }
  return d[la][lb];
}

const char *wx__suggest(const char *word, const char *const *cands,
                        size_t n) {
  size_t len = strlen(word);
  /* Short words tolerate one edit, longer ones about a third. */
  size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; i < n; i++) {
    if (!cands[i]) continue;
    size_t d = distance(word, cands[i]);
    if (d < best_d && d < len) {
      best = cands[i];
      best_d = d;
    }
  }
  return best;
}

void wx__did_you_mean(char *buf, size_t cap, const char *word,
                      const char *const *cands, size_t n) {
  const char *s = wx__suggest(word, cands, n);
  if (s)
    snprintf(buf, cap, "; did you mean `%s`?", s);
  else if (cap)
    buf[0] = '\0';
}
