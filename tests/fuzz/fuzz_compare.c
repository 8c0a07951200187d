/* libFuzzer harness: any bytes as a comparison file must give a spec or
 * diagnostics, never a crash, a leak or a hang. */
#include <stddef.h>
#include <stdint.h>

#include "compare.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_put("compare.yaml", data, size);
  wx_diags *d = wx_diags_alloc(8);
  wx_compare_spec *s = NULL;
  int rc = wx__compare_spec_load(path, &s, d);
  if ((rc == WX_OK) != (s != NULL)) __builtin_trap();
  wx__compare_spec_free(s);
  wx_diags_free(d);
  return 0;
}
