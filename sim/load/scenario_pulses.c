/*
 * `pulses:` of touchpoints, sources and flows: days on which a reach, a
 * response probability, an arrival rate or a flow's p is multiplied by x.  A pulse names a day
 * (`date`, a date or a duration) or a festival of the shipped calendar
 * (festivals.c), which stands for each of its dates in 2026-2027; `days`
 * widens it (default 1, a festival's own span), `year` keeps one year.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "quantity.h"
#include "festivals.h"
#include "scenario.h"
#include "scenario_pulses.h"

/* A longer "pulse" is a schedule step (and would cost a record a day). */
#define WX_PULSE_DAYS_MAX 366

static int add_span(wx_sctx *c, wx__pulse_list *l, double from, double days,
                    uint32_t x, int on, const wx_node *n) {
  if (from + days <= 0) return 1; /* before the start: nothing to do */
  if (from < 0) days += from, from = 0;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 8;
    wx__pulse_span *s = realloc(l->v, cap * sizeof *s);
    if (!s) return c->nomem = 1, 0;
    l->v = s, l->cap = cap;
  }
  l->v[l->n++] = (wx__pulse_span){from, days, x, on, n};
  return 1;
}

static int unknown_festival(wx_sctx *c, const wx_node *n, const char *path,
                            const char *name) {
  size_t nf;
  const wx_festival *f = wx__festivals(&nf);
  const char *names[32];
  for (size_t i = 0; i < nf && i < 32; i++) names[i] = f[i].name;
  char hint[400];
  wx__did_you_mean_list(hint, sizeof hint, name, names, nf < 32 ? nf : 32,
                        "festivals");
  wx__serr(c, n, "`%s`: unknown festival `%.40s`%s", path, name, hint);
  return 0;
}

/* Every date of the festival (of `year` only, when given) as a span. */
static int festival(wx_sctx *c, const wx_node *p, const wx_node *fn,
                    const char *path, double days, uint32_t x, int on,
                    wx__pulse_list *l) {
  const char *name;
  char sub[320];
  wx__subpath(sub, sizeof sub, path, "festival");
  if (!wx__get_scalar(c, fn, sub, "a festival name", &name)) return 0;
  const wx_festival *f = wx__festival_find(name);
  if (!f) return unknown_festival(c, fn, sub, name);
  double year = 0;
  const wx_node *yn = wx__node_get(p, "year");
  wx__subpath(sub, sizeof sub, path, "year");
  if (yn && !wx__get_qty(c, yn, WX_Q_COUNT, sub, &year)) return 0;
  int first = WX_FESTIVAL_FIRST_YEAR;
  if (yn && (year < first || year >= first + WX_FESTIVAL_YEARS)) {
    wx__serr(c, yn, "`%s`: the festival calendar covers %d to %d, not %g", sub,
             first, first + WX_FESTIVAL_YEARS - 1, year);
    return 0;
  }
  if (!(days > 0)) days = f->days;
  int ok = 1;
  for (int y = first; y < first + WX_FESTIVAL_YEARS && ok; y++)
    if (!yn || y == (int)year)
      ok = add_span(c, l, wx__festival_day(f, y) - c->m->start_day, days, x, on,
                    fn);
  return ok;
}

static int pulse_on(wx_sctx *c, const wx_node *p, const char *path,
                    int allow_on, int *on) {
  const wx_node *n = wx__node_get(p, "on");
  const char *s;
  *on = WX_PULSE_REACH;
  if (!n) return 1;
  char sub[320];
  wx__subpath(sub, sizeof sub, path, "on");
  if (!wx__get_scalar(c, n, sub, "reach or responses", &s)) return 0;
  if (allow_on == 1 && !strcmp(s, "responses")) *on = WX_PULSE_RESPONSES;
  if (allow_on == 1 && (!strcmp(s, "reach") || *on == WX_PULSE_RESPONSES))
    return 1;
  if (allow_on != 1)
    wx__serr(c, n, "`%s`: a %s; `on` is for touchpoints", sub,
             allow_on ? "flow's pulse multiplies its p"
                      : "source's pulse multiplies its arrival rate");
  else
    wx__serr(c, n, "`%s`: expected reach or responses, got `%.40s`", sub, s);
  return 0;
}

static int one_pulse(wx_sctx *c, const wx_node *p, const char *path,
                     int allow_on, wx__pulse_list *l) {
  if (p->type != WX_NODE_MAP) {
    wx__serr(c, p,
             "`%s`: expected {date: ..., x: ...} or {festival: ..., "
             "x: ...}",
             path);
    return 0;
  }
  wx__check_keys(c, p, "pulse", path);
  const wx_node *d = wx__node_get(p, "date"), *f = wx__node_get(p, "festival");
  const wx_node *x = wx__node_get(p, "x"), *dn = wx__node_get(p, "days");
  if (!d == !f) {
    wx__serr(c, p, "`%s`: give exactly one of `date` and `festival`", path);
    return 0;
  }
  char sub[320];
  double days = 0, day = 0;
  int on, ok = pulse_on(c, p, path, allow_on, &on);
  wx__subpath(sub, sizeof sub, path, "days");
  if (dn && wx__get_qty(c, dn, WX_Q_COUNT, sub, &days) &&
      !(days >= 1 && days <= WX_PULSE_DAYS_MAX)) {
    wx__serr(c, dn, "`%s`: a pulse lasts 1 to %d days, got %g", sub,
             WX_PULSE_DAYS_MAX, days);
    ok = 0;
  }
  wx__subpath(sub, sizeof sub, path, "x");
  uint32_t xi = x ? wx__param(c, x, WX_Q_NONNEG, sub, 1) : WX_NONE;
  if (!x || xi == WX_NONE || !ok) return 0;
  if (f) return festival(c, p, f, path, days, xi, on, l);
  wx__subpath(sub, sizeof sub, path, "date");
  if (!wx__get_time(c, d, sub, &day)) return 0;
  return add_span(c, l, floor(day), days > 0 ? days : 1, xi, on, d);
}

int wx__pulses_parse(wx_sctx *c, const wx_node *n, const char *path,
                     int allow_on, wx__pulse_list *out) {
  *out = (wx__pulse_list){0};
  if (n->type != WX_NODE_SEQ) {
    wx__serr(c, n,
             "`%s`: expected a list such as [{date: 2026-02-10, x: 3}] or "
             "[{festival: double_11, x: 3}]",
             path);
    return 0;
  }
  int ok = 1;
  for (size_t i = 0; i < n->n; i++) {
    char sub[300], idx[24];
    snprintf(idx, sizeof idx, "%zu", i);
    wx__subpath(sub, sizeof sub, path, idx);
    ok &= one_pulse(c, n->vals[i], sub, allow_on, out);
  }
  return ok;
}

void wx__pulses_free(wx__pulse_list *l) {
  free(l->v);
  *l = (wx__pulse_list){0};
}

static int by_from(const void *a, const void *b) {
  const wx__pulse_span *x = a, *y = b;
  return (x->from > y->from) - (x->from < y->from);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts the spans; two that share a day are an error (which multiplier
 * would hold?). */
static int no_overlap(wx_sctx *c, wx__pulse_list *l, const char *path) {
  qsort(l->v, l->n, sizeof *l->v, by_from);
  for (size_t i = 1; i < l->n; i++)
    if (l->v[i].from < l->v[i - 1].from + l->v[i - 1].days) {
      char a[32];
      wx__serr(c, l->v[i].n,
               "`%s`: this pulse overlaps another from day %s; give each "
               "day one multiplier",
               path, wx__fmt_duration(a, l->v[i - 1].from));
      return 0;
    }
  return 1;
}

/* The step of s holding time b, and the span holding it (or NULL). */
static uint32_t step_at(const wx_rate_step *v, uint32_t n, double b) {
  uint32_t i = 0;
  while (i + 1 < n && v[i + 1].from <= b) i++;
  return i;
}

static const wx__pulse_span *span_at(const wx__pulse_list *l, double b) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].from <= b && b < l->v[i].from + l->v[i].days) return &l->v[i];
  return NULL;
}

static void warn_idle(wx_sctx *c, const wx__pulse_list *l, const char *path,
                      const wx_touchpoint *t);

int wx__pulses_apply_source(wx_sctx *c, wx__pulse_list *l, const char *path,
                            wx_source *s) {
  if (!no_overlap(c, l, path)) return 0;
  warn_idle(c, l, path, NULL);
  size_t nb = s->n_steps + 2 * l->n, k = 0;
  double *b = malloc((nb ? nb : 1) * sizeof *b);
  wx_rate_step *v = malloc((nb ? nb : 1) * sizeof *v);
  if (!b || !v) {
    free(b), free(v);
    return c->nomem = 1, 0;
  }
  for (uint32_t i = 0; i < s->n_steps; i++) b[k++] = s->steps[i].from;
  for (size_t i = 0; i < l->n; i++)
    b[k++] = l->v[i].from, b[k++] = l->v[i].from + l->v[i].days;
  qsort(b, k, sizeof *b, cmp_double);
  uint32_t n = 0;
  for (size_t i = 0; i < k; i++) {
    if (n && b[i] == v[n - 1].from) continue;
    const wx__pulse_span *sp = span_at(l, b[i]);
    v[n].from = b[i];
    v[n].rate = s->steps[step_at(s->steps, s->n_steps, b[i])].rate;
    v[n].x1 = sp ? sp->x + 1 : 0;
    n++;
  }
  free(b);
  free(s->steps);
  s->steps = v;
  s->n_steps = n;
  return 1;
}

static void day_text(char out[16], int32_t z) {
  int y;
  unsigned m, d;
  wx__civil_from_days(z, &y, &m, &d);
  snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

/* Whether touchpoint t posts during day d. */
static int posts_on(const wx_sctx *c, const wx_touchpoint *t, double d) {
  return wx__schedule_next(&t->sched, c->m->start_day, d - 1e-6) < d + 1;
}

/* One warning per pulse written in the file: that none of its days is in
 * the run, or (touchpoint t, when not NULL) that t posts on none of its
 * days in the run (a festival's week with a weekly post is fine). */
static void warn_idle(wx_sctx *c, const wx__pulse_list *l, const char *path,
                      const wx_touchpoint *t) {
  for (size_t i = 0; i < l->n; i++) {
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = l->v[j].n == l->v[i].n;
    if (seen) continue;
    size_t in_run = 0, posting = 0;
    double first = 0;
    for (size_t j = i; j < l->n; j++) {
      if (l->v[j].n != l->v[i].n) continue;
      for (double d = l->v[j].from; d < l->v[j].from + l->v[j].days; d++) {
        if (d >= c->m->horizon) break;
        if (!in_run++) first = d;
        posting += (size_t)(t && posts_on(c, t, d));
      }
    }
    char a[16], b[16];
    day_text(a, c->m->start_day);
    day_text(b, c->m->start_day + (int32_t)ceil(c->m->horizon) - 1);
    if (!in_run)
      wx__swarn(c, l->v[i].n,
                "`%s`: this pulse falls outside the run (%s to "
                "%s) and changes nothing",
                path, a, b);
    else if (t && !posting) {
      day_text(a, c->m->start_day + (int32_t)first);
      wx__swarn(c, l->v[i].n,
                "`%s`: touchpoint `%s` does not post on %s%s; "
                "a pulse changes only the days it posts",
                path, t->name, a,
                in_run > 1 ? " nor on the other days of this pulse" : "");
    }
  }
}

/* Days in the order no_overlap leaves them: ascending, one entry a day,
 * as wx__flow_pulse's halving needs. */
int wx__pulses_apply_flow(wx_sctx *c, wx__pulse_list *l, const char *path,
                          wx_flow *f) {
  if (!no_overlap(c, l, path)) return 0;
  warn_idle(c, l, path, NULL);
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) n += (size_t)l->v[i].days;
  if (!(f->pulses = calloc(n + 1, sizeof *f->pulses))) return c->nomem = 1, 0;
  for (size_t i = 0, k = 0; i < l->n; i++)
    for (double d = 0; d < l->v[i].days; d++)
      f->pulses[k++] = (wx_pulse){l->v[i].from + d, l->v[i].x, WX_PULSE_REACH};
  f->n_pulses = (uint32_t)n;
  return 1;
}

int wx__pulses_apply_touchpoint(wx_sctx *c, wx__pulse_list *l, const char *path,
                                wx_touchpoint *t) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) n += (size_t)l->v[i].days;
  if (!(t->pulses = calloc(n + 1, sizeof *t->pulses))) return c->nomem = 1, 0;
  for (size_t i = 0, k = 0; i < l->n; i++)
    for (double d = 0; d < l->v[i].days; d++)
      t->pulses[k++] = (wx_pulse){l->v[i].from + d, l->v[i].x, l->v[i].on};
  t->n_pulses = (uint32_t)n;
  warn_idle(c, l, path, t);
  return 1;
}
