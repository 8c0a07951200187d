/*
 * Resuming an interrupted run.  An interrupted run leaves a complete
 * results directory for the replications it finished, with manifest.json
 * saying "partial".  Because replication r depends on (seed, r) only and
 * every number is written in a form that reads back exactly, the finished
 * replications can be rebuilt from series.csv and fed through the same
 * sink as fresh ones: the final outputs are then byte-identical to those
 * of a run that was never interrupted.
 */
#ifndef WX_RESUME_H
#define WX_RESUME_H

#include <stdint.h>

#include "runner.h"
#include "wxflow/wxflow.h"

/* What a results directory's manifest.json says about its run. */
typedef struct {
  char *scenario; /* scenario path as recorded */
  char hash[64];  /* "fnv1a64:..." */
  uint64_t seed;
  uint32_t requested;
  uint32_t completed;
  uint64_t events;
  int partial;
  int series; /* series.csv was written (no --no-series) */
  /* The run options that shape the outputs, reused by --resume. */
  double horizon;       /* days; 0 when not recorded (the scenario's) */
  char *engine;         /* NULL when not recorded (the scenario's) */
  double quantiles[16]; /* extra series_stats.csv quantiles */
  unsigned n_quantiles;
  /* A shard (run --replications FROM:TO) holds FROM .. TO - 1; both 0
   * for a whole run. */
  uint32_t shard_from, shard_to;
} wx_resume_info;

/* Reads DIR/manifest.json.  WX_ENOTFOUND when missing, WX_EINVAL when it
 * lacks a field. */
int wx__resume_read(const char *dir, wx_resume_info *info, wx_diags *d);
void wx__resume_info_free(wx_resume_info *info);

/* Checks that the run in `info` can be continued with model m: WX_OK or
 * WX_EINVAL with a message saying why not. */
int wx__resume_check(const wx_resume_info *info, const wx_model *m,
                     const char *dir, wx_diags *d);

/* Rebuilds replications 0 .. info->completed - 1 from DIR/series.csv and
 * hands each to `sink` in order, as the runner would (engine statistics
 * are zero).  WX_EINVAL when series.csv does not match the model. */
int wx__resume_replay(const wx_model *m, const wx_layout *l, const char *dir,
                      const wx_resume_info *info, wx_rep_sink sink, void *ctx,
                      wx_diags *d);

#endif
