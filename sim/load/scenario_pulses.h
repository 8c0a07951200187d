/* `pulses:` of touchpoints and sources (scenario_pulses.c). */
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

/* Parses the list at n (allow_on: touchpoints may say `on: responses`)
 * into *out, festivals expanded; 0 after reporting. */
int wx__pulses_parse(wx_sctx *c, const wx_node *n, const char *path,
                     int allow_on, wx__pulse_list *out);
void wx__pulses_free(wx__pulse_list *l);
/* Splits the rate steps of Poisson source s at the pulses' edges, each
 * step inside a pulse carrying its multiplier; overlapping pulses are an
 * error.  0 after reporting. */
int wx__pulses_apply_source(wx_sctx *c, wx__pulse_list *l, const char *path,
                            wx_source *s);
/* Turns the spans into t's day pulses (t->pulses, malloc'd), and warns of
 * each day on which t does not post: its pulse would change nothing.  0
 * after reporting. */
int wx__pulses_apply_touchpoint(wx_sctx *c, wx__pulse_list *l, const char *path,
                                wx_touchpoint *t);

#endif
