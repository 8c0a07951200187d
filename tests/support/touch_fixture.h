/* Building touchpoints, campaigns, ads and economic outcomes in C, for the
 * engine tests of the WeChat mechanics (no YAML involved). */
#ifndef WX_TOUCH_FIXTURE_H
#define WX_TOUCH_FIXTURE_H

#include "engine_fixture.h"

/* A broadcast on `module` every `every` days from 0 (until the horizon),
 * with the given reach; no unfollow, no cost, solitaire 1. */
uint32_t fx_touch(wx_model *m, uint32_t module, double every, double reach);
/* A Moments touchpoint (staff or enterprise) on a staff module, firing
 * every `every` days from `from`; `limit` is recipients_per_post (staff)
 * or posts_per_month (enterprise), 0 = none. */
uint32_t fx_moments(wx_model *m, uint32_t module, wx_tp_type type, double every,
                    double from, double reach, double limit);
/* A member response (or, with recommend, a viewer response) of touchpoint
 * tp: a join flow to module/outcome `to` with p and a fixed delay. */
uint32_t fx_response(wx_model *m, uint32_t tp, uint32_t to, int outcome,
                     double p, double delay, int recommend);
/* Turns fission on for an origin: share, offspring (negbin when size >
 * 0), fixed generation delay, into. */
void fx_fission(wx_model *m, wx_fission *f, double share, double mean,
                double size, double delay, uint32_t into);
/* A campaign source of `count` people at `at` into `into`, with cost. */
uint32_t fx_campaign(wx_model *m, uint32_t into, double at, double count,
                     double cost);
uint32_t fx_ads(wx_model *m, uint32_t into, double budget, double cpm,
                double ctr, double convert, double from, double until);
/* Sets a param-valued field of the model. */
/* Column of a touchpoint metric / a total metric. */
uint32_t fx_tp_col(const fx_run *r, uint32_t tp, int metric);
uint32_t fx_total_col(const fx_run *r, int metric);

#endif
