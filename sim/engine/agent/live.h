/*
 * Live streams as one mechanic (agent_hooks.h wx__mech_live, agent_live.c)
 * over the touchpoints' audiences (touch.h), and the timeline of each
 * stream's audience (live_line.c).  A stream draws every viewer's arrival
 * and departure at its start; instead of two queued events per viewer, the
 * times go into a sorted timeline per touchpoint that the samples read by
 * binary search: viewers online, the peak so far, viewers and replay
 * viewers arrived.  Only purchases and follows are queued, as events about
 * a person (members, or recommended viewers made people for them).
 */
#ifndef WX_LIVE_H
#define WX_LIVE_H

#include <stdint.h>

#include "touch.h"

/* Kinds of timeline points, in their order at equal times: a viewer who
 * leaves as another arrives does not raise the peak. */
enum { WX_LT_LEAVE, WX_LT_REPLAY, WX_LT_ARRIVE };

/* A point and, once sorted, what the points up to it add to the base. */
typedef struct {
  double t;
  int32_t kind;
  int32_t online, peak; /* peak: the largest `online` up to here */
  uint32_t viewers, replay;
} wx_live_point;

typedef struct {
  wx_live_point *v;
  uint32_t n, cap, max; /* max: most points held (the memory share) */
  /* What the points folded away (before v[0]) added up to. */
  double online, peak, viewers, replay;
} wx_live_line;

/* Values at time t: online, peak, viewers, replay viewers. */
typedef struct {
  double online, peak, viewers, replay;
} wx_live_now;

void wx__live_line_clear(wx_live_line *ln);
void wx__live_line_free(wx_live_line *ln);
/* Folds the points at or before t into the base (they are past). */
void wx__live_line_fold(wx_live_line *ln, double t);
/* A point; WX_ENOMEM, or WX_ETOOBIG past ln->max points. */
int wx__live_line_push(wx_live_line *ln, double t, int kind);
/* Sorts the points and sums them up, after the pushes of a stream. */
void wx__live_line_sort(wx_live_line *ln);
wx_live_now wx__live_line_at(const wx_live_line *ln, double t);

typedef struct {
  uint32_t n;        /* touchpoints with a session */
  uint32_t *tp;      /* per session rank j: the touchpoint */
  uint32_t *rev_col; /* per j: the revenue column of its outcome, or
                        WX_NONE (not economic) */
  wx_live_line *line;
} wx_live_state;

#endif
