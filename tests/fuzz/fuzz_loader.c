/* libFuzzer harness: any bytes given to the scenario loader must give a
 * model or diagnostics, never a crash, a leak or a hang. */
#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wx_diags *d = wx_diags_alloc(20);
  wx_model *m = NULL;
  int rc = wx_model_load_buffer("fuzz.yaml", (const char *)data, size, &m, d);
  /* The contract: a model exactly when the status is WX_OK. */
  if ((rc == WX_OK) != (m != NULL)) __builtin_trap();
  if (m) {
    (void)wx_model_horizon(m);
    (void)wx_model_hash(m);
  }
  wx_model_free(m);
  wx_diags_free(d);
  return 0;
}
