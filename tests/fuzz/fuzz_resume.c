/* libFuzzer harness for what --resume reads back: the first input byte
 * picks the file, the rest is its text.  Even byte: manifest.json through
 * wx__resume_read.  Odd byte: series.csv of a small fixed model through
 * wx__resume_replay, which must accept or refuse it without a crash, a
 * leak or a hang. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_util.h"
#include "model.h"
#include "resume.h"
#include "series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario[] =
    "horizon: 3d\n"
    "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
    "sources:\n  s: {into: oa, rate: 5/d}\n"
    "flows:\n  f: {from: oa, to: sdr, p: 50%, delay: 1d}\n";

static wx_model *model;
static wx_layout layout;

static int ignore(void *ctx, const wx_rep_result *r) {
  (void)ctx;
  (void)r;
  return WX_OK;
}

static void replay(void) {
  if (!model) {
    wx_diags *d = wx_diags_alloc(4);
    if (wx_model_load_buffer("s.yaml", scenario, sizeof scenario - 1, &model,
                             d) != WX_OK ||
        wx__layout_init(&layout, model, model->horizon) != WX_OK)
      abort();
    wx_diags_free(d);
  }
  wx_resume_info info = {
      .requested = 3, .completed = 2, .series = 1, .partial = 1};
  wx_diags *d = wx_diags_alloc(8);
  (void)wx__resume_replay(model, &layout, fuzz_workdir(), &info, ignore, NULL,
                          d);
  wx_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    fuzz_put("series.csv", data + 1, size - 1);
    replay();
    return 0;
  }
  fuzz_put("manifest.json", data + 1, size - 1);
  wx_diags *d = wx_diags_alloc(8);
  wx_resume_info info;
  if (wx__resume_read(fuzz_workdir(), &info, d) == WX_OK)
    wx__resume_info_free(&info);
  wx_diags_free(d);
  return 0;
}
