/* libFuzzer harness for the whole simulation: any scenario that loads is
 * run for one replication over at most a few days, and must end (no hang:
 * the time guard, the drawing bounds) without a crash or a leak.  The
 * memory budget is small so that a population explosion ends in
 * WX_ETOOBIG, not in the fuzzer's out-of-memory kill. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine.h"
#include "model.h"
#include "runner.h"
#include "series.h"
#include "util.h"
#include "wxflow/wxflow.h"

/* Simulated days and sample rows at most: enough to reach every
 * mechanic's first events, little enough for thousands of runs. */
#define FUZZ_HORIZON 3.0
#define FUZZ_SAMPLES 200.0

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setenv("WXFLOW_MEMORY_BUDGET", "268435456", 1);
  return 0;
}

static void shorten(wx_model *m) {
  if (m->horizon > FUZZ_HORIZON) m->horizon = FUZZ_HORIZON;
  if (m->sample_dt > m->horizon) m->sample_dt = m->horizon;
  if (m->horizon / m->sample_dt > FUZZ_SAMPLES)
    m->sample_dt = m->horizon / FUZZ_SAMPLES;
}

static void run_one(const wx_model *m) {
  wx_layout l;
  wx_series s;
  if (wx__layout_init(&l, m) != WX_OK) {
    wx__layout_free(&l);
    return;
  }
  double *p = malloc((m->n_params + 1) * sizeof *p);
  wx_engine *e = p ? wx__engine_alloc(m, &l) : NULL;
  if (e && wx__series_init(&s, &l) == WX_OK) {
    if (wx__params_for_rep(m, m->seed, 0, p) == WX_OK)
      (void)wx__engine_run(e, p, wx__stream_seed(m->seed, 0, WX_STREAM_ENGINE),
                           &s, NULL);
    wx__series_free(&s);
  }
  wx__engine_free(e);
  free(p);
  wx__layout_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wx_diags *d = wx_diags_alloc(4);
  wx_model *m = NULL;
  if (wx_model_load_buffer("fuzz.yaml", (const char *)data, size, &m, d) ==
      WX_OK) {
    shorten(m);
    run_one(m);
  }
  wx_model_free(m);
  wx_diags_free(d);
  return 0;
}
