/*
 * The message of a replication whose time stopped advancing (the guard in
 * wx__agent_loop): which flows or mechanics the pending events are about,
 * so that the planner knows where to look.  Runs once, at the end of a
 * failed replication, so it may take its time and drain the queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_core.h"

/* Events sampled to find the culprits. */
#define SAMPLE 4096

/* A readable name for event kind `what` about `person`/`epoch`. */
static void describe(const wx_model *m, const wx_event *ev, char *out,
                     size_t n) {
  uint32_t w = ev->what;
  if (w < WX_EV_FIRST_SPECIAL && w < m->n_flows)
    snprintf(out, n, "flow %s", m->flows[w].name);
  else if (w == WX_EV_SOURCE && ev->person < m->n_sources)
    snprintf(out, n, "source %s", m->sources[ev->person].name);
  else if (w == WX_EV_TOUCH && ev->person < m->n_touchpoints)
    snprintf(out, n, "touchpoint %s", m->touchpoints[ev->person].name);
  else if (w == WX_EV_REPEAT && ev->epoch < m->n_outcomes)
    snprintf(out, n, "repeats of outcome %s", m->outcomes[ev->epoch].name);
  else if ((w == WX_EV_RETRY || w == WX_EV_UNIT) && ev->epoch < m->n_modules)
    snprintf(out, n, "%s of module %s", w == WX_EV_RETRY ? "retries" : "units",
             m->modules[ev->epoch].name);
  else
    snprintf(out, n, "mechanics events");
}

/* Adds ev to the tallies (same kind and entity), keeping at most 8. */
static void count(const wx_model *m, wx_stall_tally *t, const wx_event *ev) {
  char a[96], b[96];
  describe(m, ev, a, sizeof a);
  for (uint32_t i = 0; i < t->n; i++) {
    describe(m, &t->ev[i], b, sizeof b);
    if (strcmp(a, b) == 0) {
      t->count[i]++;
      return;
    }
  }
  if (t->n < 8) {
    t->ev[t->n] = *ev;
    t->count[t->n++] = 1;
  }
}

/* Puts the most frequent tally first among i..n-1. */
static void most_frequent_first(wx_stall_tally *t, uint32_t i) {
  for (uint32_t j = i + 1; j < t->n; j++) {
    if (t->count[j] <= t->count[i]) continue;
    wx_event ev = t->ev[i];
    uint32_t c = t->count[i];
    t->ev[i] = t->ev[j];
    t->count[i] = t->count[j];
    t->ev[j] = ev;
    t->count[j] = c;
  }
}

int wx__agent_stalled(wx_engine *e, wx_stall_tally *t, const wx_event *ev,
                      uint64_t n) {
  count(e->m, t, ev);
  if (++t->seen < SAMPLE) return WX_OK;
  wx_error *f = &e->st.failure;
  f->code = WX_ERUNTIME;
  snprintf(f->file, sizeof f->file, "%s", e->m->path ? e->m->path : "");
  char *s = f->msg;
  size_t cap = sizeof f->msg;
  int len = snprintf(s, cap,
                     "time stopped advancing at day %.9g: over %llu "
                     "events within one simulated second, about",
                     ev->t, (unsigned long long)(n - SAMPLE));
  for (uint32_t i = 0; i < t->n && i < 3 && len > 0 && (size_t)len < cap; i++) {
    char what[96];
    most_frequent_first(t, i);
    describe(e->m, &t->ev[i], what, sizeof what);
    len += snprintf(s + len, cap - (size_t)len, "%s %s", i ? "," : "", what);
  }
  if (len > 0 && (size_t)len < cap)
    snprintf(s + len, cap - (size_t)len, "; give the loop a delay");
  return WX_ERUNTIME;
}
