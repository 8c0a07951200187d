/* libFuzzer harness: any bytes given to the study-file reader must give a
 * spec or diagnostics, never a crash, a leak or a hang; a spec's design
 * (when small) must build. */
#include <stddef.h>
#include <stdint.h>

#include "study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wx_diags *d = wx_diags_alloc(20);
  wx_study_spec *s = NULL;
  int rc = wx__study_spec_parse("fuzz.yaml", (const char *)data, size, &s, d);
  if ((rc == WX_OK) != (s != NULL)) __builtin_trap();
  size_t n = 0;
  char msg[200];
  if (s && s->design->count(s, &n, msg, sizeof msg) == WX_OK && n <= 20000) {
    wx_study_design *p = NULL;
    if (wx__study_points(s, NULL, &p, d) == WX_OK && p->n_points != n)
      __builtin_trap();
    wx__study_design_free(p);
  }
  wx__study_spec_free(s);
  wx_diags_free(d);
  return 0;
}
