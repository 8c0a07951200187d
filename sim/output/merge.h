/*
 * `wxflow merge`: shards of one run (run --replications FROM:TO, each a
 * results directory whose manifest says which replications it holds)
 * joined into the results of that run.  Replication r depends on
 * (seed, r) only, so the shards' series.csv end to end are the series of
 * one run; the merge writes them with a manifest counting them all as
 * finished (resume.h), and resuming that directory replays them through
 * the run core: every file is then byte-identical to one run's.
 */
#ifndef WX_MERGE_H
#define WX_MERGE_H

#include <stddef.h>

#include "wxflow/wxflow.h"

/* Checks the shards in dirs[n] (complete, with series.csv, of the same
 * scenario, seed, horizon, engine and quantiles, their ranges covering
 * 0 .. N - 1 once each) and writes OUT/series.csv and OUT/manifest.json
 * for a resume; OUT is created, and must be empty unless `force`.
 * *scenario gets the scenario path the shards recorded (free it). */
int wx__merge_prepare(const char *const *dirs, size_t n, const char *out,
                      int force, char **scenario, wx_diags *d);

#endif
