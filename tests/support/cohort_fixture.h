/* Running fixture models (engine_fixture.h) through the cohort engine. */
#ifndef WX_COHORT_FIXTURE_H
#define WX_COHORT_FIXTURE_H

#include "cohort.h"
#include "engine_fixture.h"

/* The cohort engine next to an fx_run's agent engine, on the same model,
 * layout and parameters. */
typedef struct {
  fx_run *r;
  void *e;
  wx_series s;
} cx_run;

/* 0 on success; the model must pass wx__cohort_check. */
int cx_setup(cx_run *c, fx_run *r);
void cx_teardown(cx_run *c);
/* Replication `rep` of scenario seed `seed`. */
int cx_go(cx_run *c, uint64_t seed, uint64_t rep);
double cx_at(const cx_run *c, uint32_t sample, uint32_t col);

#endif
