/*
 * Moments posts on a staff module (personal_account, wecom), model.h
 * WX_TP_STAFF_MOMENTS / WX_TP_ENTERPRISE_MOMENTS.  WeCom quotas (source):
 *
 * staff_moments: at each firing every open account posts once.  Its
 *   candidates are its friends not yet selected by a staff post on this
 *   calendar day (floor(t); WeCom only: once_per_day); up to recipients_per_post of them are chosen
 *   uniformly (partition, then partial Fisher-Yates on the account's
 *   member list), each reached with p (K ~ Binomial(selected, p), the
 *   first K of the random selection).  Being selected uses the customer's
 *   daily allowance whether or not they view the post.  Refused recipients
 *   are counted by reason: refused_daily_once (friends skipped because a
 *   staff post already selected them that day) and refused_recipients_limit
 *   (eligible friends beyond the limit).  Each account post counts for the
 *   per-post ban hazard (wx__staff_post) and costs `cost`.
 * enterprise_moments: at most posts_per_month firings per calendar month
 *   (from `start`), counted per module, so every enterprise Moments
 *   touchpoint of one module shares the quota; a firing over it is refused
 *   (refused_posts) and does nothing else.  An allowed post goes to all
 *   friends of the module like a broadcast (agent_touch.c); it is published
 *   through every open account, so each counts it for the ban hazard.
 * The quotas are independent: enterprise posts neither read nor set the
 * staff daily allowance, and staff posts never use the monthly quota.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "calendar.h"
#include "roster.h"
#include "touch.h"

int wx__moments_alloc(wx_touch_state *x, const wx_model *m) {
  x->day_of = malloc((m->n_modules + 1) * sizeof *x->day_of);
  x->ent_month = malloc((m->n_modules + 1) * sizeof *x->ent_month);
  x->ent_posts = malloc((m->n_modules + 1) * sizeof *x->ent_posts);
  if (!x->day_of || !x->ent_month || !x->ent_posts) return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_modules; i++) x->day_of[i] = WX_NONE;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    if (tp->type == WX_TP_STAFF_MOMENTS && x->day_of[tp->module] == WX_NONE)
      x->day_of[tp->module] = x->n_day++;
  }
  return WX_OK;
}

void wx__moments_free(wx_touch_state *x) {
  free(x->day_of);
  free(x->last_day);
  free(x->ent_month);
  free(x->ent_posts);
}

void wx__moments_reset(wx_touch_state *x, const wx_model *m) {
  for (uint32_t i = 0; i < m->n_modules; i++) {
    x->ent_month[i] = INT32_MIN;
    x->ent_posts[i] = 0;
  }
}

int wx__moments_new_person(wx_touch_state *x, uint32_t p) {
  if (!x->n_day) return WX_OK;
  if (p >= x->day_cap) {
    uint64_t cap = x->day_cap ? x->day_cap : 1024;
    while (cap <= p) cap += cap / 2;
    int32_t *d = realloc(x->last_day, (size_t)cap * x->n_day * sizeof *d);
    if (!d) return WX_ENOMEM;
    x->last_day = d;
    x->day_cap = (uint32_t)cap;
  }
  for (uint32_t k = 0; k < x->n_day; k++)
    x->last_day[(size_t)p * x->n_day + k] = INT32_MIN;
  return WX_OK;
}

static void count_post_everywhere(wx_engine *e, uint32_t mod) {
  wx_units_rt *u = e->ux ? e->ux->of[mod] : NULL;
  for (uint32_t j = 0; u && j < u->n; j++)
    if (u->state[j] == WX_UNIT_OPEN) wx__staff_post(e, mod, j);
}

int wx__moments_enterprise_ok(wx_engine *e, uint32_t i, double t) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  wx_touch_state *x = wx__touch(e);
  int32_t month = wx__month_index(e->m->start_day, t);
  if (month != x->ent_month[tp->module]) {
    x->ent_month[tp->module] = month;
    x->ent_posts[tp->module] = 0;
  }
  if (tp->posts_per_month > 0 &&
      !(x->ent_posts[tp->module] < tp->posts_per_month)) {
    *wx__touch_col(e, i, WX_TP_REFUSED_POSTS) += 1;
    return 0;
  }
  x->ent_posts[tp->module]++;
  count_post_everywhere(e, tp->module);
  return 1;
}

static int32_t *last_day(wx_touch_state *x, uint32_t mod, uint32_t p) {
  return &x->last_day[(size_t)p * x->n_day + x->day_of[mod]];
}

/* Moves account j's friends not selected on `day` to the front of its
 * list; returns how many there are. */
static uint32_t partition_eligible(wx_engine *e, wx_units_rt *u, uint32_t j,
                                   int32_t day) {
  wx_unit_members *mm = &u->mem[j];
  uint32_t el = 0;
  for (uint32_t k = 0; k < mm->n; k++)
    if (*last_day(wx__touch(e), u->module, mm->list[k]) != day)
      wx__pool_swap(e, u, j, k, el++);
  return el;
}

/* Selects s of the first el entries uniformly into positions [0, s). */
static void choose_front(wx_engine *e, wx_units_rt *u, uint32_t j, uint32_t el,
                         uint32_t s, gsl_rng *r) {
  for (uint32_t k = 0; k < s; k++) {
    uint32_t pick = k + (uint32_t)gsl_rng_uniform_int(r, el - k);
    wx__pool_swap(e, u, j, k, pick);
  }
}

static uint32_t select_recipients(wx_engine *e, uint32_t i, wx_units_rt *u,
                                  uint32_t j, int32_t day, gsl_rng *r) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  uint32_t n = u->mem[j].n;
  uint32_t el = tp->once_per_day ? partition_eligible(e, u, j, day) : n;
  uint32_t s = el;
  if (tp->recipients_per_post > 0 && s > tp->recipients_per_post)
    s = (uint32_t)tp->recipients_per_post;
  choose_front(e, u, j, el, s, r);
  *wx__touch_col(e, i, WX_TP_REFUSED_ONCE) += n - el;
  *wx__touch_col(e, i, WX_TP_REFUSED_LIMIT) += el - s;
  *wx__touch_col(e, i, WX_TP_SELECTED) += s;
  for (uint32_t k = 0; tp->once_per_day && k < s; k++)
    *last_day(wx__touch(e), u->module, u->mem[j].list[k]) = day;
  return s;
}

/* One post by account j.  The reached are copied out before they act:
 * an unfollow reorders the account's list. */
static int account_post(wx_engine *e, uint32_t i, wx_units_rt *u, uint32_t j,
                        double t, double p) {
  wx_touch_state *x = wx__touch(e);
  gsl_rng *r = wx__agent_tp_rng(e, i);
  wx__touch_post(e, i);
  wx__staff_post(e, u->module, j);
  uint32_t s = select_recipients(e, i, u, j, (int32_t)floor(t), r);
  uint32_t k = s ? gsl_ran_binomial(r, p, s) : 0;
  if (wx__touch_scratch(x, k) != WX_OK) return WX_ENOMEM;
  for (uint32_t q = 0; q < k; q++) x->scratch[q] = u->mem[j].list[q];
  *wx__touch_col(e, i, WX_TP_REACHED) += k;
  for (uint32_t q = 0; q < k; q++) {
    int rc = wx__touch_reached(e, i, x->scratch[q], t, r);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

int wx__moments_staff(wx_engine *e, uint32_t i, double t, double p) {
  uint32_t mod = e->m->touchpoints[i].module;
  wx_units_rt *u = e->ux ? e->ux->of[mod] : NULL;
  if (!u || u->cfg->type != WX_UNITS_STAFF || !wx__touch(e)->n_day)
    return WX_OK;
  for (uint32_t j = 0; j < u->n; j++) {
    if (u->state[j] != WX_UNIT_OPEN) continue;
    int rc = account_post(e, i, u, j, t, p);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}
