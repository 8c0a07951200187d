#include <stdlib.h>
#include <string.h>

#include "util.h"

char *wx__strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *copy = malloc(n);
  if (copy) memcpy(copy, s, n);
  return copy;
}

uint64_t wx__fnv1a64(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

void wx__hex64(uint64_t v, char out[17]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; i--) {
    out[i] = digits[v & 15];
    v >>= 4;
  }
  out[16] = '\0';
}

uint64_t wx__mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t wx__stream_seed(uint64_t seed, uint64_t rep, uint64_t stream) {
  return wx__mix64(wx__mix64(wx__mix64(seed) ^ rep) ^ stream);
}

uint64_t wx__name_tag(const char *name) {
  uint64_t h = wx__fnv1a64(name, strlen(name));
  return (h ^ (h >> 32)) & 0xFFFFFFFFu;
}
