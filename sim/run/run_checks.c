/* Checks made before a run starts (run_checks.h): the run core's own
 * plan, so that the two can never disagree. */
#include "core.h"
#include "run_checks.h"

int wx__run_checks(const wx_model *m, double budget, wx_diags *diags) {
  wx_run_ctx c = {0};
  wx_runner_opts ro = {0};
  wx_eval_options o = {.keep_series = 1, .memory_budget = budget};
  int rc = wx__core_plan(&c, m, &o, &ro, diags);
  wx__core_free(&c);
  return rc;
}
