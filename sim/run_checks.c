/* Checks made before a run starts (run_checks.h). */
#include "kpi.h"
#include "run_checks.h"
#include "util.h"

int wx__run_checks(const wx_model *m, uint32_t reps, wx_diags *diags) {
  wx_layout l;
  wx_kpi_set k = {0};
  int rc = wx__layout_init(&l, m);
  if (rc == WX_OK) rc = wx__kpis_init(&k, m, &l);
  if (rc == WX_OK)
    rc = wx__check_accum_memory(&l, k.n, reps ? reps : m->replications,
                                m->path, diags);
  else if (rc == WX_ETOOBIG)
    wx__diag(diags, rc, m->path, 0, 0, "the sample grid of the series does "
             "not fit in memory; sample less often");
  else if (rc == WX_ENOMEM)
    wx__diag(diags, rc, m->path, 0, 0, "out of memory laying out the "
             "series");
  wx__kpis_free(&k);
  wx__layout_free(&l);
  return rc;
}
