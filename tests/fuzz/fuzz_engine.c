/* libFuzzer harness for the whole simulation: any scenario that loads is
 * run for one replication over at most a few days, and must end (no hang:
 * the time guard, the drawing bounds) without a crash or a leak.  The
 * memory budget is small so that a population explosion ends in
 * WX_ETOOBIG, not in the fuzzer's out-of-memory kill. */
#include <stddef.h>
#include <stdint.h>

#include "wxflow/wxflow.h"

/* Simulated days at most: enough to reach every mechanic's first events,
 * little enough for thousands of runs.  The run goes through the public
 * in-memory API, so the run core, the memory guard and whichever engine
 * the scenario names are all fuzzed. */
#define FUZZ_HORIZON 3.0
#define FUZZ_BUDGET  268435456.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wx_diags *d = wx_diags_alloc(4);
  wx_model *m = NULL;
  if (wx_model_load_buffer("fuzz.yaml", (const char *)data, size, &m, d) ==
      WX_OK) {
    double h = wx_model_horizon(m);
    wx_eval_options o = {.replications = 1,
                         .threads = 1,
                         .horizon = h < FUZZ_HORIZON ? h : FUZZ_HORIZON,
                         .memory_budget = FUZZ_BUDGET,
                         .keep_series = 1};
    wx_eval *e = NULL;
    (void)wx_evaluate(m, &o, &e, d);
    wx_eval_free(e);
  }
  wx_model_free(m);
  wx_diags_free(d);
  return 0;
}
