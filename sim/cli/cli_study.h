/* Shared by cli_study.c and cli_study_rank.c. */
#ifndef WX_CLI_STUDY_H
#define WX_CLI_STUDY_H

#include "study_run.h"

/* Prints each KPI's factors ranked by the method's headline index. */
void wx_cli_study_ranking(const wx_study_ctx *c, const wx_study_indices *ix);

#endif
