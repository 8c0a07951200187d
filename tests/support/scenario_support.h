/* Helpers for tests that load scenario snippets. */
#ifndef WX_TEST_SCENARIO_SUPPORT_H
#define WX_TEST_SCENARIO_SUPPORT_H

#include "wxflow/wxflow.h"

/* Loads text expecting success; fails the test otherwise (printing the
 * diagnostics).  The caller frees the model. */
wx_model *wxt_load_ok(const char *text);

/* Loads text expecting `code`; some diagnostic must be at line:col and
 * contain frag.  Returns the number of diagnostics. */
size_t wxt_load_fails(const char *text, int code, int line, int col,
                      const char *frag);

/* Writes text to a fresh temporary file; returns its malloc'd path. */
char *wxt_temp_file(const char *text, size_t len);

/* The mean over replications of KPI `name` (the test fails without it). */
double wxt_kpi_mean(const wx_eval *ev, const char *name);

#endif
