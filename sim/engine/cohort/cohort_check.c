/*
 * What the cohort engine refuses (docs/cohort.md): every feature it does
 * not model yet gets one positioned diagnostic naming it, with the hint to
 * run the agent engine instead.  A precise refusal beats a wrong number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "util.h"

#define HINT "; use engine: agent"

/* Complaint cascades and lively groups: per-group histories. */
static int refuse_group_life(const wx_model *m, const wx_module *mod,
                             wx_diags *d) {
  const wx_units_cfg *u = &mod->units;
  int rc = WX_OK;
  if (u->cx_rate != WX_NONE)
    rc = wx__diag(d, WX_ESCENARIO, m->path, u->cx_pos.line, u->cx_pos.col,
                  "module '%s': complaint cascades (complaints) are not "
                  "modelled by the cohort engine" HINT,
                  mod->name);
  if (u->act_chat > 0 || u->act_post > 0 || u->act_hold > 0 ||
      u->act_convert > 0 || u->shill_until > 0)
    rc = wx__diag(d, WX_ESCENARIO, m->path, mod->pos.line, mod->pos.col,
                  "module '%s': lively-group activity (posts, members' "
                  "talk, shills' threshold, hold, convert) is not "
                  "modelled by the cohort engine" HINT,
                  mod->name);
  return rc;
}

/* Staff accounts and groups run in aggregate (cohort_units.c) but for
 * these parts of them. */
static int refuse_units(const wx_model *m, uint32_t i, wx_diags *d) {
  const wx_module *mod = &m->modules[i];
  const wx_units_cfg *u = &mod->units;
  const char *what = NULL;
  if (u->type == WX_UNITS_NONE) return WX_OK;
  int rc = refuse_group_life(m, mod, d);
  if (u->on_refused == WX_REFUSE_RETRY)
    what = u->type == WX_UNITS_STAFF
               ? "on_refused: retry (a refused request waiting retry_after "
                 "would need its own state)"
               : "on_full: retry (a refused request waiting retry_after "
                 "would need its own state)";
  for (uint32_t k = 0; !what && k < m->n_sources; k++)
    if (m->sources[k].kind == WX_SOURCE_CAMPAIGN && m->sources[k].fission.on &&
        m->sources[k].fission.into == i)
      what =
          "campaign fission into it (offspring would arrive as requests "
          "within fission substeps)";
  for (uint32_t k = 0; !what && k < m->n_touchpoints; k++)
    if (m->touchpoints[k].fission.on && m->touchpoints[k].fission.into == i)
      what =
          "touchpoint fission into it (offspring would arrive as requests "
          "within fission substeps)";
  if (!what) return rc;
  return wx__diag(d, WX_ESCENARIO, m->path, mod->pos.line, mod->pos.col,
                  "module '%s': %s is not modelled by the cohort engine" HINT,
                  mod->name, what);
}

/* Rewards are counts times amounts (cohort_fission.c); a commission needs
 * who brought each buyer: a per-person record. */
static int pays_commission(const wx_fission *f) {
  const wx_referral_pay *p = &f->pay;
  return f->on && p->on &&
         (p->fixed != WX_NONE || p->of_value != WX_NONE ||
          p->second_fixed != WX_NONE || p->second_of_value != WX_NONE);
}

static int refuse_money(const wx_model *m, wx_diags *d) {
  int rc = WX_OK;
  for (uint32_t i = 0; i < m->n_sources + m->n_touchpoints; i++) {
    int tp = i >= m->n_sources;
    uint32_t j = tp ? i - m->n_sources : i;
    const wx_fission *f =
        tp ? &m->touchpoints[j].fission : &m->sources[j].fission;
    if (!pays_commission(f)) continue;
    wx_pos at = tp ? m->touchpoints[j].pos : m->sources[j].pos;
    rc = wx__diag(d, WX_ESCENARIO, m->path, at.line, at.col,
                  "%s '%s': referral commissions (who referred each buyer) "
                  "are not modelled by the cohort engine, which keeps no "
                  "record per person; rewards per share and per invite "
                  "are" HINT,
                  tp ? "touchpoint" : "source",
                  tp ? m->touchpoints[j].name : m->sources[j].name);
  }
  return rc;
}

/* Flow pulses (cohort_pulse.c): each distinct combination of the pulses
 * holding on a day has its own transition data. */
static int refuse_flow_pulses(const wx_model *m, wx_diags *d) {
  if (wx__cpulse_count(m) <= WX_COHORT_PULSE_SETS) return WX_OK;
  uint32_t f = 0;
  while (f + 1 < m->n_flows && !m->flows[f].n_pulses) f++;
  const wx_flow *fl = &m->flows[f];
  return wx__diag(d, WX_ESCENARIO, m->path, fl->pulses_pos.line,
                  fl->pulses_pos.col,
                  "flow '%s': the flows' festival pulses (pulses) make more "
                  "than %u distinct combinations of days, more than the "
                  "cohort engine holds" HINT,
                  fl->name, WX_COHORT_PULSE_SETS);
}

static int refuse_features(const wx_model *m, wx_diags *d) {
  int rc = wx__ctouch_refuse(m, d); /* cohort_touch.c */
  if (refuse_flow_pulses(m, d) != WX_OK) rc = WX_ESCENARIO;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    if (!tp->live) continue;
    rc = wx__diag(d, WX_ESCENARIO, m->path, tp->pos.line, tp->pos.col,
                  "touchpoint '%s': live streams (session: viewers online, "
                  "live shop, replay) are not modelled by the cohort "
                  "engine" HINT,
                  tp->name);
  }
  for (uint32_t i = 0; i < m->n_modules; i++) {
    int ru = refuse_units(m, i, d);
    if (ru != WX_OK) rc = ru;
  }
  for (uint32_t i = 0; i < m->n_sources; i++) {
    const wx_source *s = &m->sources[i];
    if (s->kind != WX_SOURCE_CAMPAIGN || !s->fission.on ||
        s->fission.delay.kind == WX_DIST_EXPONENTIAL)
      continue;
    rc = wx__diag(
        d, WX_ESCENARIO, m->path, s->pos.line, s->pos.col,
        "source '%s': campaign fission is modelled by the cohort "
        "engine only with an exponential generation_delay, not %s" HINT,
        s->name, wx__dist_name(s->fission.delay.kind));
  }
  if (refuse_money(m, d) != WX_OK) rc = WX_ESCENARIO;
  for (uint32_t i = 0; i < m->n_outcomes; i++) {
    const wx_outcome *o = &m->outcomes[i];
    if (!o->has_repeat || wx__cohort_erlang(m, &o->repeat_delay)) continue;
    rc = wx__diag(d, WX_ESCENARIO, m->path, o->pos.line, o->pos.col,
                  "outcome '%s': repeat purchases are modelled by the cohort "
                  "engine only after exponential or Erlang delays (gamma "
                  "with a whole shape from 1 to %u), not %s" HINT,
                  o->name, WX_COHORT_MAX_STAGES,
                  wx__dist_name(o->repeat_delay.kind));
  }
  return rc;
}

/* Every delay with a positive, finite mean has a phase-type form
 * (cohort_phase.c): exact for exponential and Erlang delays, matching the
 * mean and variance otherwise (docs/cohort.md gives the measured bias). */
static int refuse_delays(const wx_model *m, wx_diags *d) {
  double *nominal = calloc(m->n_params + 1u, sizeof *nominal);
  if (!nominal) return wx__diag(d, WX_ENOMEM, m->path, 0, 0, "out of memory");
  wx__params_nominal(m, nominal);
  int rc = WX_OK;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->tp || wx__cinst_flow(m, f) ||
        wx__cohort_phase(m, &fl->delay, nominal).k)
      continue; /* responses and instant flows: cohort_touch.c, _instant.c */
    rc = wx__diag(d, WX_ESCENARIO, m->path, fl->pos.line, fl->pos.col,
                  "flow '%s': the cohort engine needs a %s delay with a "
                  "positive, finite mean" HINT,
                  fl->name, wx__dist_name(fl->delay.kind));
  }
  free(nominal);
  return rc;
}

/* How far past the state bound a refused model is: its reachable states
 * counted up to COUNT_CAP (cohort_space.c), for the message. */
#define COUNT_CAP (64u * WX_COHORT_MAX_STATES)
static void state_count(const wx_model *m, const char *what, char *out,
                        size_t n) {
  uint32_t k = 0;
  if (!what || !strstr(what, "state space exceeds")) return;
  int rc = wx__cspace_count(m, COUNT_CAP, &k);
  if (rc == WX_OK && k > WX_COHORT_MAX_STATES)
    snprintf(out, n, ": %u reachable membership states of at most %u", k,
             WX_COHORT_MAX_STATES);
  else if (rc == WX_ETOOBIG)
    snprintf(out, n, ": more than %u reachable membership states of at most %u",
             COUNT_CAP, WX_COHORT_MAX_STATES);
}

/* Which tree overflowed, for the message: the state's modules and the
 * nodes held. */
static void tree_count(const wx_model *m, const wx_cspace *s, char *out,
                       size_t n) {
  if (!s->fail_state || s->fail_state > s->n_states) return;
  const uint16_t *c = s->codes + (size_t)(s->fail_state - 1) * s->kw;
  size_t k = (size_t)snprintf(out, n, ": the tree of a person in");
  const char *sep = " ";
  for (uint32_t i = 0; i < s->nm && k < n; i++) {
    if (!c[i]) continue;
    k += (size_t)snprintf(out + k, n - k, "%s%s", sep, m->modules[i].name);
    sep = ", ";
  }
  if (k < n)
    snprintf(out + k, n - k,
             " (state %u of %u) has %u nodes, all trees so far %u (at most "
             "%u in all)",
             s->fail_state, s->n_states, s->fail_tree, s->fail_total,
             WX_COHORT_MAX_NODES);
}

/* A bound that more pending slots can pass (states, trees), not a rule
 * (instant flows, cycles, join counts) they have no part in. */
static int size_bound(const char *what) {
  return what &&
         (strstr(what, "exceeds the bound") || strstr(what, "tree nodes"));
}

static int refuse_space(const wx_model *m, wx_diags *d) {
  wx_cspace s;
  int rc = wx__cspace_build(&s, m);
  if (rc == WX_ETOOBIG) {
    wx_pos pos = {0, 0};
    char who[160] = "", many[320] = "";
    if (s.fail_flow != WX_NONE && s.fail_flow < m->n_flows) {
      pos = m->flows[s.fail_flow].pos;
      snprintf(who, sizeof who, "flow '%s': ", m->flows[s.fail_flow].name);
    }
    state_count(m, s.fail_what, many, sizeof many);
    tree_count(m, &s, many, sizeof many);
    if (s.fail_what && !strncmp(s.fail_what, "an instant flow out", 19))
      rc = wx__diag(d, WX_ESCENARIO, m->path, pos.line, pos.col, "%s%s" HINT,
                    who, s.fail_what); /* not a size bound */
    else
      rc = wx__diag(
          d, WX_ESCENARIO, m->path, pos.line, pos.col,
          "%s%s%s (the cohort engine holds at most %u "
          "membership states, %u nodes per step tree, %u join flows "
          "per module and %u bumps of one counter within a step, and no "
          "cycles)" HINT,
          who, s.fail_what ? s.fail_what : "model too large", many,
          WX_COHORT_MAX_STATES, WX_COHORT_MAX_TREE, WX_COHORT_MAX_JOINS,
          WX_COHORT_DEPTH);
    if (size_bound(s.fail_what))
      wx__ctouch_pend_explain(&s, m, d); /* cohort_pend.c */
  } else if (rc != WX_OK) {
    rc = wx__diag(d, rc, m->path, 0, 0,
                  "out of memory building the cohort state space");
  }
  wx__cspace_free(&s);
  return rc;
}

int wx__cohort_check(const wx_model *m, wx_diags *d) {
  int rc = refuse_features(m, d);
  int rd = refuse_delays(m, d);
  /* the space is built only for models it can hold */
  if (rc == WX_OK) rc = rd;
  if (rc == WX_OK) rc = refuse_space(m, d);
  if (d) wx__diags_sort(d);
  return rc;
}
