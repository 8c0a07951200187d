/*
 * Touchpoints in the cohort engine's state space (cohort.h, agent_touch.c
 * and agent_reach.c for the semantics, docs/cohort.md).
 *
 * A post is an instant between two steps, not a flow: it moves people of
 * the states holding its module to other states (unfollows leave it,
 * responses become pending), so the states it leads to join the space but
 * add no edge to the graph that must stay acyclic.  A response is a flow
 * of the touchpoint's module: while pending, its firings are counted in a
 * key slot (at most resp_cap per person, cohort_pend.c, each firing at the
 * response's rate), and leaving the module cancels them (the agent
 * engine's epoch).  A response with a fixed delay of 0 fires at the post
 * itself: it has no slot and is applied there (cohort_post.c).
 * Recommended viewers are new people whose pending responses are their
 * whole state until the first fires.
 *
 * Staff Moments (cohort_moments.c): where a calendar day can hold two
 * once_per_day staff posts on a module, its members' states carry a day
 * flag (selected today), set on the selected and cleared on leaving the
 * module; posts lead to the flagged states too.
 *
 * What is refused here (a precise refusal beats a wrong number): fission
 * with a non-exponential generation
 * delay (cohort_fission.c keeps its pool memoryless), response delays other than
 * exponential or 0 and more than WX_COHORT_TP_RESP responses.  Economic
 * outcomes a re-reached person could buy twice get a per-state "bought"
 * flag (wx__ctouch_rebuy, cohort_space.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cohort.h"
#include "util.h"

#define HINT "; use engine: agent"

/* 1 when response flow f fires at the post. */
static int instant(const wx_model *m, const wx_flow *fl) {
  return wx__cohort_zero_delay(m, fl);
}

static int once_post(const wx_touchpoint *tp, uint32_t mod) {
  return tp->type == WX_TP_STAFF_MOMENTS && tp->once_per_day &&
         tp->module == mod;
}

/* 1 when some calendar day holds two once_per_day staff posts on module
 * mod: only then does the once-per-day rule refuse anybody. */
static int two_a_day(const wx_model *m, uint32_t mod) {
  double t = -INFINITY, last = -INFINITY;
  for (uint32_t k = 0; k < 2000000u; k++) {
    double nx = INFINITY;
    uint32_t at = 0;
    for (uint32_t i = 0; i < m->n_touchpoints; i++)
      if (once_post(&m->touchpoints[i], mod))
        nx = fmin(nx, wx__ctouch_firing(m, i, t));
    if (!isfinite(nx)) return 0;
    for (uint32_t i = 0; i < m->n_touchpoints; i++)
      at += once_post(&m->touchpoints[i], mod) &&
            fabs(wx__ctouch_firing(m, i, t) - nx) <= WX__SAME_TIME;
    if (at > 1 || floor(nx) == floor(last)) return 1;
    last = t = nx;
  }
  return 1; /* too many posts to look at: keep the flag */
}

/* Key slots of pending responses (and how many firings each holds) and
 * of the staff Moments day flags. */
int wx__cspace_setup_touch(wx_cspace *s, const wx_model *m) {
  s->resp_slot = calloc(2 * (s->nf + 1u) + s->nm, sizeof *s->resp_slot);
  if (!s->resp_slot) return WX_ENOMEM;
  /* freed with resp_slot */
  s->day_slot = s->resp_slot + s->nf + 1u;
  s->resp_cap = s->day_slot + s->nm;
  for (uint32_t f = 0; f < s->nf; f++) {
    const wx_flow *fl = &m->flows[f];
    s->resp_slot[f] = WX_NONE;
    if (!fl->tp || instant(m, fl)) continue;
    s->resp_slot[f] = s->kw++;
    s->n_resp++;
  }
  for (uint32_t i = 0; i < s->nm; i++) {
    s->day_slot[i] = WX_NONE;
    if (m->modules[i].units.type != WX_UNITS_STAFF || !two_a_day(m, i))
      continue;
    s->day_slot[i] = s->kw++;
    s->n_day++;
  }
  return s->n_resp ? wx__ctouch_pend_setup(s, m) : WX_OK;
}

uint32_t wx__ctouch_pending(const wx_cspace *s, const uint16_t *c,
                            uint32_t *out, uint32_t n) {
  for (uint32_t f = 0; f < s->nf; f++)
    if (s->resp_slot[f] != WX_NONE && c[s->resp_slot[f]]) out[n++] = f;
  return n;
}

void wx__ctouch_clear(const wx_cspace *s, const wx_model *m, uint32_t i,
                      uint16_t *o) {
  if (s->n_day && s->day_slot[i] != WX_NONE) o[s->day_slot[i]] = 0;
  for (uint32_t f = 0; f < s->nf; f++)
    if (s->resp_slot[f] != WX_NONE && !m->flows[f].recommend &&
        m->flows[f].from == i)
      o[s->resp_slot[f]] = 0;
}

void wx__ctouch_leave(const wx_cspace *s, const wx_model *m, uint32_t i,
                      uint16_t *o) {
  const wx_module *mod = &m->modules[i];
  o[i] = 0;
  for (uint32_t k = 0; k < mod->n_exclusive; k++)
    if (s->phase_slot[mod->exclusive[k]] != WX_NONE)
      o[s->phase_slot[mod->exclusive[k]]] = 0;
  for (uint32_t k = 0; k < mod->n_joins; k++)
    if (s->phase_slot[mod->joins[k]] != WX_NONE)
      o[s->phase_slot[mod->joins[k]]] = 0;
  wx__ctouch_clear(s, m, i, o);
}

/* Like an ordinary flow (cohort_effect.c) without the module's fate code:
 * a join keeps the membership, a move ends it; a recommended viewer's
 * response only enters its target.  Into a staff or group module it is a
 * request (WX_CREQ), settled against the units like any flow's. */
wx_ceffect wx__ctouch_apply(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t f, uint16_t *o) {
  const wx_flow *fl = &m->flows[f];
  uint32_t nm = s->nm, i = fl->from;
  wx_ceffect e = {1, {2 * nm + f, 0, 0, 0}, WX_NONE, WX_NONE, 0};
  memcpy(o, c, s->kw * sizeof *o);
  if (s->resp_slot[f] != WX_NONE && o[s->resp_slot[f]]) o[s->resp_slot[f]]--;
  if (!fl->recommend && fl->kind == WX_FLOW_MOVE && o[i]) {
    wx__ctouch_leave(s, m, i, o);
    e.ctr[e.n++] = nm + i;
  }
  if (fl->target == WX_TARGET_OUTCOME) {
    e.ctr[e.n++] = 2 * nm + s->nf + fl->to;
    wx__cspace_buy(s, fl->to, o, &e);
    if (s->rep_slot[fl->to] != WX_NONE) e.rep = fl->to;
  } else if (fl->target == WX_TARGET_MODULE && !o[fl->to]) {
    if (m->modules[fl->to].units.type != WX_UNITS_NONE) {
      o[fl->to] = WX_CREQ; /* a request, as any flow's (cohort_units.c) */
      return e;
    }
    e.ctr[e.n++] = fl->to;
    e.enter = fl->to;
  }
  return e;
}

/* ------------------------------------------------ states posts lead to */

int wx__ctouch_stale(const wx_model *m, uint32_t f, int *gone) {
  const wx_flow *fl = &m->flows[f];
  if (fl->recommend) return 0;
  if (*gone) return 1;
  *gone = fl->kind == WX_FLOW_MOVE;
  return 0;
}

/* Adds every state the instant responses inst[0..n) lead to from key
 * (each fate of an entered module); keys holds n + 1 levels of scratch. */
static int walk_add(wx_cspace *s, const wx_model *m, uint16_t *key,
                    const uint32_t *inst, uint32_t n, int gone) {
  int rc = WX_OK;
  if (!n) {
    wx__cspace_state(s, key, 1, &rc);
    return rc;
  }
  if (wx__ctouch_stale(m, inst[0], &gone))
    return walk_add(s, m, key, inst + 1, n - 1, gone);
  uint16_t *o = key + s->kw;
  wx_ceffect e = wx__ctouch_apply(s, m, key, inst[0], o);
  uint32_t nfate = wx__ceffect_fates(s, &e);
  for (uint32_t c = 0; c < nfate && rc == WX_OK; c++) {
    wx__ceffect_key(s, &e, c, o);
    rc = walk_add(s, m, o, inst + 1, n - 1, gone);
  }
  return rc;
}

/* Every response subset of touchpoint tp (members, or viewers when rec)
 * from state codes c. */
static int post_states(wx_cspace *s, const wx_model *m, const uint16_t *c,
                       const wx_touchpoint *tp, int rec, uint16_t *keys) {
  uint32_t nr = rec ? tp->n_rec : tp->n_responses, inst[WX_COHORT_TP_RESP];
  const uint32_t *fl = rec ? tp->rec : tp->responses;
  int rc = WX_OK;
  for (uint32_t sub = rec ? 1u : 0u; sub < (1u << nr) && rc == WX_OK; sub++) {
    uint32_t ni = 0;
    int full = 0;
    memcpy(keys, c, s->kw * sizeof *keys);
    for (uint32_t k = 0; k < nr; k++) {
      if (!(sub >> k & 1u)) continue;
      uint32_t slot = s->resp_slot[fl[k]];
      if (slot == WX_NONE) {
        inst[ni++] = fl[k];
      } else if (keys[slot] < (rec ? 1u : s->resp_cap[fl[k]])) {
        keys[slot]++;
      } else {
        full = 1; /* the run stops there (cohort_post.c) */
      }
    }
    if (!full) rc = walk_add(s, m, keys, inst, ni, 0);
  }
  return rc;
}

int wx__ctouch_reach(wx_cspace *s, const wx_model *m, uint32_t st) {
  /* s->codes moves as states are added: st's codes are copied */
  size_t lv = WX_COHORT_TP_RESP + 2u;
  uint16_t *keys = calloc((size_t)s->kw * (lv + 2u) + 1u, sizeof *keys);
  if (!keys) return WX_ENOMEM;
  uint16_t *c = keys + (size_t)s->kw * lv, *fc = c + s->kw;
  memcpy(c, s->codes + (size_t)st * s->kw, s->kw * sizeof *c);
  int rc = WX_OK;
  uint32_t i = 0;
  for (; i < m->n_touchpoints && rc == WX_OK; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    if (st == 0 && tp->views != WX_NONE && tp->n_rec) {
      rc = post_states(s, m, c, tp, 1, keys);
      continue;
    }
    if (!c[tp->module]) continue;
    memcpy(keys, c, s->kw * sizeof *keys); /* an unfollow */
    wx__ctouch_leave(s, m, tp->module, keys);
    wx__cspace_state(s, keys, 1, &rc);
    if (rc == WX_OK) rc = post_states(s, m, c, tp, 0, keys);
    uint32_t day = s->n_day ? s->day_slot[tp->module] : WX_NONE;
    if (rc != WX_OK || day == WX_NONE || !once_post(tp, tp->module) ||
        c[tp->module] == WX_CREQ || c[day])
      continue;
    memcpy(fc, c, s->kw * sizeof *fc); /* selected today (cohort_moments.c) */
    fc[day] = 1;
    wx__cspace_state(s, fc, 1, &rc);
    if (rc == WX_OK) rc = post_states(s, m, fc, tp, 0, keys);
  }
  free(keys);
  if (rc == WX_ETOOBIG) {
    s->fail_what = "reachable state space exceeds the bound";
    /* named at a response of the post that overflowed it */
    const wx_touchpoint *tp = &m->touchpoints[i - 1];
    s->fail_flow = tp->n_responses ? tp->responses[0]
                   : tp->n_rec     ? tp->rec[0]
                                   : WX_NONE;
  }
  return rc;
}

/* ------------------------------------------------------------ refusals */

double wx__ctouch_firing(const wx_model *m, uint32_t i, double after) {
  double t = wx__schedule_next(&m->touchpoints[i].sched, m->start_day, after);
  double h = m->horizon;
  if (t > h && t <= h + WX__SAME_TIME) t = h; /* as agent_touch.c */
  return t <= h ? t : INFINITY;
}

static int has_instant(const wx_model *m, const wx_touchpoint *tp) {
  for (uint32_t k = 0; k < tp->n_responses; k++)
    if (instant(m, &m->flows[tp->responses[k]])) return 1;
  for (uint32_t k = 0; k < tp->n_rec; k++)
    if (instant(m, &m->flows[tp->rec[k]])) return 1;
  return 0;
}

/* The first time touchpoints i and j both fire, or INFINITY. */
static double coincide(const wx_model *m, uint32_t i, uint32_t j) {
  double a = wx__ctouch_firing(m, i, -INFINITY);
  double b = wx__ctouch_firing(m, j, -INFINITY);
  for (uint32_t k = 0; k < 2000000u && isfinite(a) && isfinite(b); k++) {
    if (fabs(a - b) <= WX__SAME_TIME) return a;
    if (a < b)
      a = wx__ctouch_firing(m, i, a);
    else
      b = wx__ctouch_firing(m, j, b);
  }
  return INFINITY;
}

/* At one instant the agent engine runs every post before the instant
 * responses they queued; the cohort engine applies each post's at once,
 * so the next post would see them. */
static int refuse_same_time(const wx_model *m, wx_diags *d) {
  int rc = WX_OK;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    if (!has_instant(m, &m->touchpoints[i])) continue;
    for (uint32_t j = 0; j < m->n_touchpoints; j++) {
      double t = j != i ? coincide(m, i, j) : INFINITY;
      if (!isfinite(t)) continue;
      const wx_touchpoint *tp = &m->touchpoints[j];
      rc = wx__diag(d, WX_ESCENARIO, m->path, tp->pos.line, tp->pos.col,
                    "touchpoint '%s': it posts at the same time (%g d) as "
                    "touchpoint '%s', whose responses with no delay the "
                    "cohort engine would apply before this post" HINT,
                    tp->name, t, m->touchpoints[i].name);
    }
  }
  return rc;
}

static int refuse_one(const wx_model *m, uint32_t i, wx_diags *d) {
  const wx_touchpoint *tp = &m->touchpoints[i];
  int rc = WX_OK;
  if (tp->fission.on && tp->fission.delay.kind != WX_DIST_EXPONENTIAL)
    rc = wx__diag(d, WX_ESCENARIO, m->path, tp->pos.line, tp->pos.col,
                  "touchpoint '%s': touchpoint fission is modelled by the "
                  "cohort engine only with an exponential generation_delay, "
                  "not %s" HINT,
                  tp->name, wx__dist_name(tp->fission.delay.kind));
  if (tp->n_responses > WX_COHORT_TP_RESP || tp->n_rec > WX_COHORT_TP_RESP)
    rc = wx__diag(d, WX_ESCENARIO, m->path, tp->pos.line, tp->pos.col,
                  "touchpoint '%s': more than %u responses (members' or "
                  "viewers') are more than the cohort engine holds" HINT,
                  tp->name, WX_COHORT_TP_RESP);
  return rc;
}

/* Module or outcome j is reachable (by flows and responses) from module
 * i: marks reach[] (modules, then outcomes). */
static void mark_from(const wx_model *m, uint32_t i, uint8_t *reach) {
  if (reach[i]) return;
  reach[i] = 1;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->from != i || fl->recommend) continue;
    if (fl->target == WX_TARGET_MODULE) mark_from(m, fl->to, reach);
    if (fl->target == WX_TARGET_OUTCOME) reach[m->n_modules + fl->to] = 1;
  }
}

/* A person a post brings back into a module (a response after leaving
 * it) may buy again: those outcomes get a "bought" flag (cohort_space.c). */
void wx__ctouch_rebuy(const wx_model *m, uint8_t *reach) {
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (!fl->tp) continue;
    if (fl->target == WX_TARGET_MODULE) mark_from(m, fl->to, reach);
    if (fl->target == WX_TARGET_OUTCOME) reach[m->n_modules + fl->to] = 1;
  }
}

static int refuse_delay(const wx_model *m, wx_diags *d) {
  int rc = WX_OK;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (!fl->tp || fl->delay.kind == WX_DIST_EXPONENTIAL || instant(m, fl))
      continue;
    rc = wx__diag(d, WX_ESCENARIO, m->path, fl->pos.line, fl->pos.col,
                  "response '%s': the cohort engine models touchpoint "
                  "responses only with an exponential delay or none (0), "
                  "not %s" HINT,
                  fl->name, wx__dist_name(fl->delay.kind));
  }
  return rc;
}

int wx__ctouch_refuse(const wx_model *m, wx_diags *d) {
  if (!m->n_touchpoints) return WX_OK;
  int rc = WX_OK;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    int r = refuse_one(m, i, d);
    if (r != WX_OK) rc = r;
  }
  int r = refuse_delay(m, d);
  if (r != WX_OK) rc = r;
  r = wx__ctouch_pend_refuse(m, d); /* cohort_pend.c */
  if (r != WX_OK) rc = r;
  r = refuse_same_time(m, d);
  return r != WX_OK ? r : rc;
}
