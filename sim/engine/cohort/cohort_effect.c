/*
 * What a flow firing does to a person's state in the cohort engine's state
 * space (cohort.h): the flows pending in a state (with their phase-type
 * stages and early exits, cohort_phase.c, and pending repeats), the state
 * after one fires, the fates that follow, and the key slots of stages and
 * repeats.  Structural only: cohort_space.c builds states and trees with
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "util.h"

/* Flow f is pending: it goes on to its next stage (or fires), and at its
 * early-exit stage it may also fire at once (f | WX_CEDGE_EXIT). */
static uint32_t add_pending(const wx_cspace *s, const uint16_t *c, uint32_t f,
                            uint32_t *out, uint32_t n) {
  out[n++] = f;
  uint32_t ph = s->phase_slot[f];
  if (ph != WX_NONE && c[ph] == s->phase[f].exit_at)
    out[n++] = f | WX_CEDGE_EXIT;
  return n;
}

/* The flows pending in a state with codes c, into out; returns how many. */
uint32_t wx__cspace_pending(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t *out) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->nm; i++) {
    if (!c[i] || c[i] == WX_CREQ) continue; /* a request pends no flow */
    const wx_module *mod = &m->modules[i];
    uint32_t x = c[i] - 1u, b = x >> s->nj[i];
    if (b < mod->n_exclusive) n = add_pending(s, c, mod->exclusive[b], out, n);
    for (uint32_t k = 0; k < s->nj[i]; k++)
      if (x >> k & 1u) n = add_pending(s, c, mod->joins[k], out, n);
  }
  for (uint32_t o = 0; o < s->no; o++) /* pending repeats: nf + o */
    if (s->rep_slot[o] != WX_NONE && c[s->rep_slot[o]]) out[n++] = s->nf + o;
  return s->n_resp ? wx__ctouch_pending(s, c, out, n) : n;
}

/* The stage counters of module i's flows back to 0. */
static void clear_phases(const wx_cspace *s, const wx_model *m, uint32_t i,
                         uint16_t *o) {
  const wx_module *mod = &m->modules[i];
  for (uint32_t k = 0; k < mod->n_exclusive; k++)
    if (s->phase_slot[mod->exclusive[k]] != WX_NONE)
      o[s->phase_slot[mod->exclusive[k]]] = 0;
  for (uint32_t k = 0; k < mod->n_joins; k++)
    if (s->phase_slot[mod->joins[k]] != WX_NONE)
      o[s->phase_slot[mod->joins[k]]] = 0;
  if (s->n_resp || s->n_day) wx__ctouch_clear(s, m, i, o);
}

/* The pending repeat of outcome o fires (a stage of it, or the purchase,
 * after which another may be pending: e.rep). */
static wx_ceffect apply_repeat(const wx_cspace *s, const uint16_t *c,
                               uint32_t o, uint16_t *out) {
  uint32_t slot = s->rep_slot[o], base = 2 * s->nm + s->nf;
  wx_ceffect e = {0, {0, 0, 0, 0}, WX_NONE, WX_NONE, 0};
  memcpy(out, c, s->kw * sizeof *out);
  if (c[slot] < s->rep_stages[o]) {
    out[slot]++;
    e.stage = 1;
    return e;
  }
  out[slot] = 0;
  e.ctr[e.n++] = base + o;
  e.ctr[e.n++] = s->rep_ctr[o];
  e.rep = o;
  return e;
}

/* Flow f fires in state c: o gets the state before any entry's fate. */
wx_ceffect wx__cspace_apply(const wx_cspace *s, const wx_model *m,
                            const uint16_t *c, uint32_t f, uint16_t *o) {
  int exit = (f & WX_CEDGE_EXIT) != 0;
  f &= ~WX_CEDGE_EXIT;
  if (f >= s->nf) return apply_repeat(s, c, f - s->nf, o);
  const wx_flow *fl = &m->flows[f];
  if (fl->tp) return wx__ctouch_apply(s, m, c, f, o);
  uint32_t i = fl->from, nm = s->nm, ph = s->phase_slot[f];
  wx_ceffect e = {1, {2 * nm + f, 0, 0, 0}, WX_NONE, WX_NONE, 0};
  memcpy(o, c, s->kw * sizeof *o);
  if (!exit && ph != WX_NONE && c[ph] + 1u < s->stages[f]) {
    o[ph]++; /* an Erlang stage passes: nothing is counted yet */
    e.n = 0;
    e.stage = 1;
    return e;
  }
  if (ph != WX_NONE) o[ph] = 0;
  if (fl->kind == WX_FLOW_JOIN) {
    o[i] = (uint16_t)(1u + ((c[i] - 1u) & ~(1u << s->join_bit[f])));
  } else {
    o[i] = 0;
    e.ctr[e.n++] = nm + i;
    clear_phases(s, m, i, o); /* leaving cancels every pending flow */
  }
  if (fl->target == WX_TARGET_OUTCOME) {
    e.ctr[e.n++] = 2 * nm + s->nf + fl->to;
    wx__cspace_buy(s, fl->to, o, &e);
    if (s->rep_slot[fl->to] != WX_NONE) e.rep = fl->to;
  } else if (fl->target == WX_TARGET_MODULE && !o[fl->to]) {
    if (m->modules[fl->to].units.type != WX_UNITS_NONE) {
      o[fl->to] = WX_CREQ; /* admitted or refused at the substep's end */
      return e;
    }
    e.ctr[e.n++] = fl->to;
    e.enter = fl->to;
  }
  return e;
}

void wx__cspace_recode(const wx_cspace *s, const wx_model *m, const uint16_t *c,
                       uint32_t i, uint16_t code, uint16_t *o) {
  memcpy(o, c, s->kw * sizeof *o);
  o[i] = code;
  clear_phases(s, m, i, o);
}

/* How many fates follow effect e, and the key of fate c: the entered
 * module's fate, or whether another purchase is pending (c = 1). */
uint32_t wx__ceffect_fates(const wx_cspace *s, const wx_ceffect *e) {
  return e->enter != WX_NONE ? s->n_fates[e->enter] : e->rep != WX_NONE ? 2 : 1;
}

void wx__ceffect_key(const wx_cspace *s, const wx_ceffect *e, uint32_t c,
                     uint16_t *key) {
  if (e->enter != WX_NONE) key[e->enter] = (uint16_t)(1u + c);
  if (e->rep != WX_NONE) key[s->rep_slot[e->rep]] = (uint16_t)c;
}

/* A repeat follows a purchase, so only flows reach here: the flag is
 * still clear on the person's first purchase of o (agent_econ.c). */
void wx__cspace_buy(const wx_cspace *s, uint32_t o, uint16_t *key,
                    wx_ceffect *e) {
  uint32_t slot = s->bought_slot ? s->bought_slot[o] : WX_NONE;
  if (slot == WX_NONE || key[slot]) return;
  key[slot] = 1;
  e->ctr[e->n++] = s->first_ctr[o];
}

/* Repeats: a key slot per outcome with repeats (0: none pending, j: the
 * j-th Erlang stage pending) and a counter of repeat purchases. */
int wx__cspace_setup_repeats(wx_cspace *s, const wx_model *m) {
  s->rep_slot = calloc(s->no + 1u, sizeof *s->rep_slot);
  s->rep_stages = calloc(s->no + 1u, sizeof *s->rep_stages);
  s->rep_ctr = calloc(s->no + 1u, sizeof *s->rep_ctr);
  if (!s->rep_slot || !s->rep_stages || !s->rep_ctr) return WX_ENOMEM;
  for (uint32_t o = 0; o < s->no; o++) {
    const wx_outcome *oc = &m->outcomes[o];
    s->rep_slot[o] = s->rep_ctr[o] = WX_NONE;
    if (!oc->has_repeat) continue;
    uint32_t k = wx__cohort_erlang(m, &oc->repeat_delay);
    s->rep_stages[o] = k ? k : 1;
    s->rep_slot[o] = s->kw++;
    s->rep_ctr[o] = s->n_ctr++;
  }
  return WX_OK;
}

/* Every flow's delay as phase-type stages, a key slot for the current
 * stage where there are several. */
int wx__cspace_setup_phases(wx_cspace *s, const wx_model *m) {
  double *nominal = calloc(m->n_params + 1u, sizeof *nominal);
  s->phase = calloc(s->nf + 1u, sizeof *s->phase);
  if (!nominal || !s->phase) {
    free(nominal);
    return WX_ENOMEM;
  }
  wx__params_nominal(m, nominal);
  s->exact = 1;
  for (uint32_t f = 0; f < s->nf; f++) {
    wx_cphase ph = wx__cohort_flow_phase(m, f, nominal);
    /* responses: exponential, or at once (cohort_touch.c) */
    if (m->flows[f].tp || s->instant[f]) ph = (wx_cphase){1, WX_NONE, 1};
    if (!ph.k) ph = (wx_cphase){1, WX_NONE, 0}; /* refused by the check */
    s->phase[f] = ph;
    s->exact = s->exact && ph.exact;
    s->stages[f] = ph.k;
    s->phase_slot[f] = ph.k > 1 ? s->kw++ : WX_NONE;
  }
  free(nominal);
  return WX_OK;
}
