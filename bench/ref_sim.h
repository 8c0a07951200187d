/*
 * A minimal single-model reference for bench_speed: bench_run's 5-module
 * branching model (official account, video account, WeCom, group, mini
 * program; every module's flows are exclusive and sum to 1) simulated by a
 * program written for that one model: one struct per person, a plain
 * binary heap of pending events, its own random generator (SplitMix64),
 * no framework.  It keeps the same counters wxflow keeps (members, joins,
 * leaves per module, flows, arrivals, outcomes), samples them every day
 * and writes them as a CSV, so that both sides do the same work.
 */
#ifndef WX_REF_SIM_H
#define WX_REF_SIM_H

#include <stdint.h>
#include <stdio.h>

enum { REF_OA, REF_VIDEO, REF_SDR, REF_GROUP, REF_SHOP, REF_MODULES };
enum { REF_TO_CHURN = -1, REF_TO_BUY = -2 };

typedef struct {
  const char *name;
  int from, to; /* a module, REF_TO_CHURN or REF_TO_BUY */
  double p, mean_days;
} ref_flow;

/* The model, in the order of its YAML (ref_sim_yaml); every flow is a
 * move or churn, so a member of a module has exactly one pending fate. */
#define REF_FLOWS 11
extern const ref_flow ref_flows[REF_FLOWS];
extern const char *const ref_module_name[REF_MODULES];

typedef struct {
  uint64_t events, arrivals, stale;
  uint64_t peak_live, peak_bytes;
} ref_stats;

/* Simulates 90 days of `arrivals` expected Poisson arrivals into the
 * official account and writes the daily series to csv_path.  0 or -1
 * (out of memory, or the file could not be written). */
int ref_sim_run(double arrivals, uint64_t seed, const char *csv_path,
                ref_stats *st);

/* Writes the same model as a wxflow scenario.  With units != 0, the WeCom
 * and group modules are staff accounts (bench_run's 20) and chat groups,
 * with a friend cap above WeCom's (a warning) so that it never binds at
 * 1e8 arrivals and the work stays the reference's; otherwise both are
 * official accounts, with no mechanics. */
void ref_sim_yaml(FILE *fp, double arrivals, int units);

#endif
