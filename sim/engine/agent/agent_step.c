/* The event loop of the agent engine: arrivals, fates, flows, samples.
 * Mechanics come in only through the hook lists of e->hk (agent_hooks.h);
 * a list nobody fills costs one compare. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "agent_core.h"
#include "agent_pulse.h"
#include "dist.h"

/* *stop is read once per this many events + 1. */
#define STOP_POLL_MASK 4095u

static inline double *module_col(wx_engine *e, uint32_t m, int metric) {
  return &e->cur[e->l->module_base + m * WX_MODULE_METRICS + metric];
}

/* Queues flow f for person p at time t unless t is after the horizon. */
static inline int schedule(wx_engine *e, double t, uint32_t p, uint32_t f,
                           uint16_t epoch) {
  if (!(t <= e->horizon)) return WX_OK;
  if (wx__queue_push(&e->q, t, p, (uint16_t)f, epoch) != WX_OK)
    return WX_ENOMEM;
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]++;
  return WX_OK;
}

static inline double delay(wx_engine *e, uint32_t f, gsl_rng *r) {
  const wx_flow *fl = &e->m->flows[f];
  if (fl->delay.kind == WX_DIST_EXPONENTIAL) /* the common case, inlined */
    return gsl_ran_exponential(r, e->params[fl->delay.p[0]]);
  return wx__dist_draw_pdf(&fl->delay, e->params, e->pdf[f], r);
}

/* 1 when a mechanic cancels the exclusive fate f due after d. */
static int kept(wx_engine *e, uint32_t m, uint32_t f, double d) {
  for (uint32_t k = 0; k < e->hk.n_keeps; k++)
    if (e->hk.keeps[k](e, m, f, d)) return 1;
  return 0;
}

/* Draws what will happen to p, who has just joined module m at time t:
 * choices from m's choice stream (a fixed count per person), delays from
 * its delay stream; flow pulses hold by the day of t. */
static int draw_fates(wx_engine *e, uint32_t p, uint32_t m, double t,
                      uint16_t epoch) {
  const wx_module *mod = &e->m->modules[m];
  gsl_rng *r = e->rng[e->m->n_sources + m];
  gsl_rng *rd = e->rng[e->m->n_sources + e->m->n_modules + m];
  if (mod->n_exclusive) {
    const double *cum =
        mod->pulsed ? wx__pulse_cum(e, m, t) : e->cum + e->excl_off[m];
    double u = gsl_rng_uniform(r);
    for (uint32_t k = 0; k < mod->n_exclusive; k++) {
      if (u >= cum[k]) continue;
      uint32_t f = mod->exclusive[k];
      double d = delay(e, f, rd);
      if ((e->hk.mod[m] & WX_HOOK_KEEPS) && kept(e, m, f, d)) break;
      if (schedule(e, t + d, p, f, epoch) != WX_OK) return WX_ENOMEM;
      break;
    }
  }
  for (uint32_t k = 0; k < mod->n_joins; k++) {
    uint32_t f = mod->joins[k];
    double pj = mod->pulsed ? wx__pulse_join_p(e, f, t) : e->join_p[f];
    if (!(gsl_rng_uniform(r) < pj)) continue;
    if (schedule(e, t + delay(e, f, rd), p, f, epoch) != WX_OK)
      return WX_ENOMEM;
  }
  return WX_OK;
}

/* The hook lists, each called behind a test of its count so that the
 * core's own path stays short enough to inline (bench_engine). */
static int admitted(wx_engine *e, uint32_t p, uint32_t m, double t) {
  for (uint32_t k = 0; k < e->hk.n_admit; k++) {
    int rc = e->hk.admit[k](e, p, m, t);
    if (rc != 1) return rc;
  }
  return 1;
}

static int entered(wx_engine *e, uint32_t p, uint32_t m, double t) {
  for (uint32_t k = 0; k < e->hk.n_enter; k++)
    if (e->hk.enter[k](e, p, m, t) != WX_OK) return WX_ENOMEM;
  return WX_OK;
}

static void left(wx_engine *e, uint32_t p, uint32_t m) {
  for (uint32_t k = 0; k < e->hk.n_leave; k++) e->hk.leave[k](e, p, m, e->now);
}

static int new_slot(wx_engine *e, uint32_t p) {
  for (uint32_t k = 0; k < e->hk.n_person; k++)
    if (e->hk.person[k](e, p) != WX_OK) return WX_ENOMEM;
  return WX_OK;
}

static void sampling(wx_engine *e, double t) {
  for (uint32_t k = 0; k < e->hk.n_sample; k++) e->hk.sample[k](e, t);
}

/* Entering a module one already belongs to changes nothing; a mechanic
 * may refuse the entry (a friend request, a full group). */
static int enter(wx_engine *e, uint32_t p, uint32_t m, double t) {
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[2 + m] & 1) return WX_OK;
  if (e->hk.n_admit && (e->hk.mod[m] & WX_HOOK_ADMIT)) {
    int rc = admitted(e, p, m, t);
    if (rc != 1) return rc < 0 ? rc : WX_OK;
  }
  uint16_t epoch = ++rec[2 + m];
  rec[0]++;
  *module_col(e, m, WX_M_MEMBERS) += 1;
  *module_col(e, m, WX_M_JOINS) += 1;
  if (e->jr) wx__journey_step(e->jr, p, WX_J_ENTER, m, t, 0);
  if (e->hk.n_enter && (e->hk.mod[m] & WX_HOOK_ENTER) &&
      entered(e, p, m, t) != WX_OK)
    return WX_ENOMEM;
  return draw_fates(e, p, m, t, epoch);
}

/* Ends p's membership of m; pending flows from m become stale. */
static void leave(wx_engine *e, uint32_t p, uint32_t m) {
  uint16_t *rec = wx__person(&e->pp, p);
  rec[2 + m]++;
  rec[0]--;
  *module_col(e, m, WX_M_MEMBERS) -= 1;
  *module_col(e, m, WX_M_LEAVES) += 1;
  if (e->hk.n_leave && (e->hk.mod[m] & WX_HOOK_LEAVE)) left(e, p, m);
}

/* After an event about p: the dead leave the living count, and a slot no
 * event names any more goes back to the free list. */
static void settle(wx_engine *e, uint32_t p, int was_alive) {
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[0]) return;
  if (was_alive) e->pp.live--;
  if (rec[1] != 0) return;
  if (e->jr) wx__journey_end(e->jr, p);
  wx__people_release(&e->pp, p);
}

static inline uint32_t new_person(wx_engine *e, int *rc) {
  int toobig = 0;
  uint32_t p = wx__people_new(&e->pp, &toobig);
  if (p == WX_NONE) {
    *rc = toobig ? WX_ETOOBIG : WX_ENOMEM;
    return WX_NONE;
  }
  if (e->hk.n_person && new_slot(e, p) != WX_OK) {
    *rc = WX_ENOMEM;
    return WX_NONE;
  }
  return p;
}

static inline int arrive(wx_engine *e, uint32_t src, double t) {
  int rc = WX_OK;
  uint32_t p = new_person(e, &rc);
  if (p == WX_NONE) return rc;
  e->cur[e->l->source_base + src] += 1;
  e->st.arrivals++;
  e->st.events++;
  rc = enter(e, p, e->m->sources[src].to, t);
  if (e->hk.n_admit) settle(e, p, 1); /* refused: nobody, unless a retry */
  return rc;
}

/* Time of the next arrival after t of a piecewise-constant Poisson source:
 * the integrated rate must grow by x ~ Exp(1).  INFINITY when none before
 * the horizon. */
static double next_arrival(wx_engine *e, uint32_t s, double t, double x) {
  const wx_source *src = &e->m->sources[s];
  uint32_t i = e->src_step[s];
  for (;;) {
    double rate = wx__step_rate(e->params, &src->steps[i]);
    double end = i + 1 < src->n_steps ? src->steps[i + 1].from : INFINITY;
    if (rate > 0) {
      double need = x / rate;
      if (t + need <= end) return t + need;
      x -= rate * (end - t);
    }
    if (i + 1 >= src->n_steps || end > e->horizon) return INFINITY;
    t = end;
    e->src_step[s] = ++i;
  }
}

static int schedule_arrival(wx_engine *e, uint32_t s, double t) {
  if (e->m->sources[s].n_steps == 0) return WX_OK;
  double next = next_arrival(e, s, t, gsl_ran_exponential(e->rng[s], 1.0));
  if (!(next <= e->horizon)) return WX_OK;
  return wx__queue_push(&e->q, next, s, WX_EV_SOURCE, 0);
}

int wx__agent_start(wx_engine *e) {
  const wx_model *m = e->m;
  for (uint32_t s = 0; s < m->n_sources; s++) {
    if (m->sources[s].kind != WX_SOURCE_INITIAL) continue;
    double n = floor(e->params[m->sources[s].count] + 0.5);
    if (n > (double)UINT32_MAX) return WX_ETOOBIG;
    for (uint64_t k = 0; k < (uint64_t)(n > 0 ? n : 0); k++) {
      if (wx__agent_stopping(e, k)) return WX_EINTERRUPTED;
      int rc = arrive(e, s, 0.0);
      if (rc != WX_OK) return rc;
    }
  }
  for (uint32_t s = 0; s < m->n_sources; s++) {
    if (m->sources[s].kind != WX_SOURCE_POISSON) continue;
    int rc = schedule_arrival(e, s, 0.0);
    if (rc != WX_OK) return rc;
  }
  return wx__hooks_start(e);
}

static int outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                   uint32_t flow) {
  e->cur[e->l->outcome_base + o] += 1;
  for (uint32_t k = 0; k < e->hk.n_outcome; k++) { /* not hot: outcomes */
    int rc = e->hk.outcome[k](e, p, o, t, flow);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* Ends flow f's effect on its target for person p at time t. */
static int reach_target(wx_engine *e, const wx_flow *fl, uint32_t p, double t) {
  if (fl->target == WX_TARGET_OUTCOME)
    return outcome(e, p, fl->to, t, (uint32_t)(fl - e->m->flows));
  if (fl->target == WX_TARGET_MODULE) return enter(e, p, fl->to, t);
  return WX_OK;
}

/* A flow event: stale if p's membership of `from` changed since it was
 * scheduled.  A move leaves `from` before entering `to`, so a move from a
 * module to itself is a fresh join with fresh fates. */
static int fire(wx_engine *e, const wx_event *ev) {
  uint32_t p = ev->person, f = ev->what;
  const wx_flow *fl = &e->m->flows[f];
  uint16_t *rec = wx__person(&e->pp, p);
  if (rec[1] != WX_PENDING_MAX) rec[1]--;
  if (rec[2 + fl->from] != ev->epoch) {
    e->st.stale++;
    settle(e, p, 0);
    return WX_OK;
  }
  e->st.events++;
  e->cur[e->l->flow_base + f] += 1;
  if (fl->kind != WX_FLOW_JOIN) leave(e, p, fl->from);
  int rc = reach_target(e, fl, p, ev->t);
  settle(e, p, 1);
  return rc;
}

/* Writes the current state into every sample row before time t. */
static void write_samples(wx_engine *e, double t) {
  const double *times = e->l->times;
  uint32_t n = e->l->n_samples, cols = e->l->n_cols;
  while (e->next_sample < n && times[e->next_sample] < t) {
    if (e->hk.n_sample) sampling(e, times[e->next_sample]);
    memcpy(e->out->v + (size_t)e->next_sample * cols, e->cur,
           cols * sizeof *e->cur);
    e->next_sample++;
  }
}

/* Tested inline: most events fall between two sample times. */
static inline void sample_until(wx_engine *e, double t) {
  if (e->next_sample < e->l->n_samples && e->l->times[e->next_sample] < t)
    write_samples(e, t);
}

/* The next event's person record is most often a cache miss (the slots
 * of a large population are touched in no order): asking for it now lets
 * it arrive while this event is handled.  Both ends, as a record may
 * straddle two cache lines.  A macro, not a function: GCC takes a function
 * that only prefetches for a pure one and drops its calls. */
#if defined(__GNUC__)
#define PREFETCH_NEXT(e)                                          \
  do {                                                            \
    const wx_event *next_ = wx__queue_top(&(e)->q);               \
    if (next_ && next_->person < (e)->pp.n) {                     \
      const uint16_t *rec_ = wx__person(&(e)->pp, next_->person); \
      __builtin_prefetch(rec_, 1);                                \
      __builtin_prefetch(rec_ + (e)->pp.stride - 1, 1);           \
    }                                                             \
  } while (0)
#else
#define PREFETCH_NEXT(e) ((void)(e))
#endif

int wx__agent_loop(wx_engine *e) {
  wx_event ev;
  uint64_t handled = 0, in_window = 0;
  double window_end = -1;
  wx_stall_tally stall = {0};
  int got;
  while ((got = wx__queue_pop(&e->q, &ev)) > 0) {
    PREFETCH_NEXT(e);
    if ((++handled & STOP_POLL_MASK) == 0 && e->stop && atomic_load(e->stop))
      return WX_EINTERRUPTED;
    if (ev.t >= window_end) {
      window_end = ev.t + WX_STALL_WINDOW;
      in_window = 0;
    } else if (++in_window > WX_STALL_EVENTS &&
               in_window > 16 * (uint64_t)e->pp.live &&
               wx__agent_stalled(e, &stall, &ev, in_window) != WX_OK) {
      return WX_ERUNTIME;
    }
    sample_until(e, ev.t);
    e->now = ev.t;
    int rc;
    if (ev.what < WX_EV_FIRST_SPECIAL) {
      rc = fire(e, &ev);
    } else if (ev.what == WX_EV_SOURCE) {
      rc = arrive(e, ev.person, ev.t);
      if (rc == WX_OK) rc = schedule_arrival(e, ev.person, ev.t);
    } else {
      e->st.events++;
      rc = wx__hooks_event(e, &ev);
    }
    if (rc != WX_OK) return rc;
  }
  if (got < 0) return got; /* out of memory with events still queued */
  sample_until(e, INFINITY);
  return WX_OK;
}

/* ------------------------------------ primitives for the mechanics */

int wx__agent_enter(wx_engine *e, uint32_t p, uint32_t m, double t) {
  return enter(e, p, m, t);
}

void wx__agent_leave(wx_engine *e, uint32_t p, uint32_t m) { leave(e, p, m); }

void wx__agent_evict(wx_engine *e, uint32_t p, uint32_t m) {
  leave(e, p, m);
  settle(e, p, 1);
}

uint32_t wx__agent_new_person(wx_engine *e, int *rc) {
  return new_person(e, rc);
}

int wx__agent_outcome(wx_engine *e, uint32_t p, uint32_t o, double t,
                      uint32_t flow) {
  return outcome(e, p, o, t, flow);
}

int wx__agent_arrive(wx_engine *e, uint32_t src, double t) {
  return arrive(e, src, t);
}

int wx__agent_schedule(wx_engine *e, double t, uint32_t p, uint32_t what,
                       uint16_t tag) {
  return schedule(e, t, p, what, tag);
}

void wx__agent_settle(wx_engine *e, uint32_t p, int was_alive) {
  settle(e, p, was_alive);
}
