/* Shared by the harnesses that read files by path: a private directory
 * (one per fuzzing process) and a way to put the input in a file there. */
#ifndef WX_FUZZ_UTIL_H
#define WX_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];

/* Creates the directory once; aborts when it cannot (not a finding). */
static const char *fuzz_workdir(void) {
  if (!fuzz_dir[0]) {
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/wxfuzz-XXXXXX");
    if (!mkdtemp(fuzz_dir)) abort();
  }
  return fuzz_dir;
}

/* Writes the input as DIR/name; returns the path (static buffer). */
static const char *fuzz_put(const char *name, const uint8_t *data,
                            size_t size) {
  static char path[128];
  snprintf(path, sizeof path, "%s/%s", fuzz_workdir(), name);
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  fclose(f);
  return path;
}

#endif
