/* `pulses:` of touchpoints, sources and flows (scenario_pulses.c). */
#ifndef WX_SCENARIO_PULSES_H
#define WX_SCENARIO_PULSES_H

#include "scenario.h"

/* Days [from, from + days) (whole days after `start`) multiplied by
 * params[x]; n is the node to report at. */
typedef struct {
  double from, days;
  uint32_t x;
  int on; /* WX_PULSE_REACH or WX_PULSE_RESPONSES */
  const wx_node *n;
} wx__pulse_span;

typedef struct {
  wx__pulse_span *v;
  size_t n, cap;
} wx__pulse_list;

/* Parses the list at n into *out, festivals expanded; allow_on is 1 for a
 * touchpoint's (which may say `on: responses`), 0 for a source's, 2 for a
 * flow's.  0 after reporting. */
int wx__pulses_parse(wx_sctx *c, const wx_node *n, const char *path,
                     int allow_on, wx__pulse_list *out);
void wx__pulses_free(wx__pulse_list *l);
/* Splits the rate steps of Poisson source s at the pulses' edges, each
 * step inside a pulse carrying its multiplier; overlapping pulses are an
 * error.  0 after reporting. */
int wx__pulses_apply_source(wx_sctx *c, wx__pulse_list *l, const char *path,
                            wx_source *s);
/* Turns the spans into f's day pulses (f->pulses, malloc'd, ascending);
 * overlapping pulses are an error, a pulse outside the run is warned of.
 * 0 after reporting. */
int wx__pulses_apply_flow(wx_sctx *c, wx__pulse_list *l, const char *path,
                          wx_flow *f);
/* Turns the spans into t's day pulses (t->pulses, malloc'd), and warns of
 * each day on which t does not post: its pulse would change nothing.  0
 * after reporting. */
int wx__pulses_apply_touchpoint(wx_sctx *c, wx__pulse_list *l, const char *path,
                                wx_touchpoint *t);

#endif
