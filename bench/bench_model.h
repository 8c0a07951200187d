/*
 * The benchmarks' 5-module linear model (bench_engine, bench_cohort):
 * Poisson arrivals into an official account, exponential stays and
 * branching flows, most people churn and a few buy, over 90 days.
 */
#ifndef WX_BENCH_MODEL_H
#define WX_BENCH_MODEL_H

#include <stdio.h>

#include "model.h"

static const wx_pos nowhere = {0, 0};

static void flow(wx_model *m, wx_flow_kind kind, uint32_t from, uint32_t to,
                 wx_target tgt, double p, double mean) {
  char name[16];
  snprintf(name, sizeof name, "f%u", m->n_flows);
  wx_flow f = {0};
  f.name = name;
  f.kind = kind;
  f.from = from;
  f.target = tgt;
  f.to = to;
  f.p = wx__model_add_param(m, p, name, nowhere);
  f.delay.kind = WX_DIST_EXPONENTIAL;
  f.delay.p[0] = wx__model_add_param(m, mean, name, nowhere);
  wx__model_add_flow(m, &f);
}

/* oa -> video (join), oa -> wecom (move), wecom -> group (join),
 * group -> shop (join), shop -> purchase; each module mostly churns. */
static wx_model *build(double arrivals) {
  wx_model *m = wx__model_new();
  if (!m) return NULL;
  uint32_t oa =
      wx__model_add_module(m, "oa", NULL, WX_KIND_OFFICIAL_ACCOUNT, nowhere);
  uint32_t va =
      wx__model_add_module(m, "video", NULL, WX_KIND_VIDEO_ACCOUNT, nowhere);
  uint32_t wc = wx__model_add_module(m, "sdr", NULL, WX_KIND_WECOM, nowhere);
  uint32_t gr = wx__model_add_module(m, "group", NULL, WX_KIND_GROUP, nowhere);
  uint32_t sh =
      wx__model_add_module(m, "shop", NULL, WX_KIND_MINI_PROGRAM, nowhere);
  uint32_t buy = wx__model_add_outcome(m, "purchase", NULL, nowhere);
  flow(m, WX_FLOW_CHURN, oa, 0, WX_TARGET_NONE, 0.7, 20);
  flow(m, WX_FLOW_MOVE, oa, wc, WX_TARGET_MODULE, 0.1, 3);
  flow(m, WX_FLOW_JOIN, oa, va, WX_TARGET_MODULE, 0.2, 5);
  flow(m, WX_FLOW_CHURN, va, 0, WX_TARGET_NONE, 0.9, 7);
  flow(m, WX_FLOW_JOIN, va, sh, WX_TARGET_MODULE, 0.05, 2);
  flow(m, WX_FLOW_CHURN, wc, 0, WX_TARGET_NONE, 0.8, 10);
  flow(m, WX_FLOW_JOIN, wc, gr, WX_TARGET_MODULE, 0.3, 2);
  flow(m, WX_FLOW_JOIN, wc, buy, WX_TARGET_OUTCOME, 0.05, 4);
  flow(m, WX_FLOW_CHURN, gr, 0, WX_TARGET_NONE, 0.85, 15);
  flow(m, WX_FLOW_JOIN, gr, sh, WX_TARGET_MODULE, 0.1, 3);
  flow(m, WX_FLOW_CHURN, sh, 0, WX_TARGET_NONE, 0.75, 3);
  flow(m, WX_FLOW_MOVE, sh, buy, WX_TARGET_OUTCOME, 0.15, 1);
  wx_rate_step step = {
      .rate = wx__model_add_param(m, arrivals / 90, "rate", nowhere)};
  wx_source s = {.name = "organic",
                 .kind = WX_SOURCE_POISSON,
                 .to = oa,
                 .steps = &step,
                 .n_steps = 1,
                 .pos = nowhere};
  wx__model_add_source(m, &s);
  if (wx__model_finalize(m) != WX_OK) {
    wx_model_free(m);
    return NULL;
  }
  return m;
}

#endif
