/* "Did you mean ...?" by edit distance (optimal string alignment, so a
 * swap of two neighbours counts as one edit, as typists make them). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
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
          tolower((unsigned char)a[i - 2]) == cb &&
          d[i - 2][j - 2] + 1 < d[i][j])
        d[i][j] = d[i - 2][j - 2] + 1;
    }
  }
  return d[la][lb];
}

const char *wx__suggest(const char *word, const char *const *cands, size_t n) {
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

void wx__did_you_mean_list(char *buf, size_t cap, const char *word,
                           const char *const *cands, size_t n,
                           const char *what) {
  wx__did_you_mean(buf, cap, word, cands, n);
  if (!cap || buf[0] || n == 0) return;
  /* nothing close: say what is there (cut with "..." when long) */
  size_t at = (size_t)snprintf(buf, cap, " (%s: ", what);
  for (size_t i = 0; i < n && at < cap; i++) {
    int w = snprintf(buf + at, cap - at, "%s%s", i ? ", " : "", cands[i]);
    if (w < 0 || (size_t)w >= cap - at || at + (size_t)w + 5 >= cap) {
      snprintf(buf + at, cap - at, ", ...");
      at = strlen(buf);
      break;
    }
    at += (size_t)w;
  }
  if (at + 1 < cap) snprintf(buf + at, cap - at, ")");
}

void wx__unknown_module(wx_sctx *c, const wx_node *n, const char *path,
                        const char *s) {
  char hint[200] = "";
  const char **names = malloc((c->m->n_modules + 1) * sizeof *names);
  for (uint32_t i = 0; names && i < c->m->n_modules; i++)
    names[i] = c->m->modules[i].name;
  if (names)
    wx__did_you_mean_list(hint, sizeof hint, s, names, c->m->n_modules,
                          "modules");
  else
    c->nomem = 1;
  free(names);
  wx__serr(c, n, "`%s`: unknown module `%.60s`%s", path, s, hint);
}
