/*
 * Festival pulses of flows (wx_flow.pulses) in the cohort engine
 * (docs/cohort.md, "Flow pulses").
 *
 * The agent engine multiplies a flow's p by the pulse of the day a person
 * joins the flow's module (agent_pulse.c).  Here the fate probabilities of
 * the modules, and with them the rates of the step trees' edges that enter
 * a module, are piecewise constant by calendar day.  Each distinct
 * combination of the pulsed flows' multipliers over a day (a "set"; set 0
 * is the days without any) has its own transition data (a wx_ctrans with
 * its own fate probabilities, edge rates and cached rows), derived once per
 * parameter vector.  The run cuts its steps at the day boundaries where the
 * set changes and swaps the set's data into e->tr, so every step is drawn
 * exactly with the rates of its days: the entries of a step (arrivals,
 * internal moves, posts' responses) all happen on days of one set.
 *
 * The sets come from the structure (which pulse entry holds on a day), not
 * from the multipliers' values, so the check can bound them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"

#define ROWS 6u /* cached step lengths per set, besides the set's own dt */

struct wx_cpulse {
  uint32_t n_sets, cur, n_days, n_pulsed;
  uint32_t *pulsed;  /* the flows with pulses */
  uint32_t *day_set; /* per day [0, n_days) */
  uint32_t *key;     /* per set, per pulsed flow: its pulse entry, WX_NONE */
  uint32_t *same;    /* per set: the first set of the same multipliers */
  double *mult;      /* per set, per flow: the multiplier of p */
  /* per set: its transition data; slot[cur] is stale (e->tr holds it) */
  wx_ctrans *slot;
  wx_crows *rows; /* per set, ROWS */
  double *rdt;
  uint32_t *n_rows, *clock;
};

/* The entry of flow fl's pulses on day d, or WX_NONE (as
 * wx__flow_pulse, which finds the same entry). */
static uint32_t entry_of(const wx_flow *fl, double d) {
  uint32_t lo = 0, hi = fl->n_pulses;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (fl->pulses[mid].day < d)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < fl->n_pulses && fl->pulses[lo].day == d ? lo : WX_NONE;
}

static uint32_t count_pulsed(const wx_model *m) {
  uint32_t n = 0;
  for (uint32_t f = 0; f < m->n_flows; f++) n += m->flows[f].n_pulses > 0;
  return n;
}

/* The days that can differ from set 0: to the last pulse day within the
 * horizon; 0 when that is too many to tabulate (refused). */
static uint32_t horizon_days(const wx_model *m) {
  double last = 0;
  for (uint32_t f = 0; f < m->n_flows; f++) {
    const wx_flow *fl = &m->flows[f];
    if (fl->n_pulses && fl->pulses[fl->n_pulses - 1].day > last)
      last = fl->pulses[fl->n_pulses - 1].day;
  }
  double h = fmin(ceil(m->horizon), last) + 2;
  return h > 0 && h < 1e7 ? (uint32_t)h : 0;
}

/* Fills day_set and key (room for `cap` sets); the number of sets, or
 * cap + 1 when there are more. */
static uint32_t find_sets(const wx_model *m, const uint32_t *pulsed,
                          uint32_t np, uint32_t n_days, uint32_t cap,
                          uint32_t *day_set, uint32_t *key, uint32_t *row) {
  uint32_t n = 1;
  for (uint32_t k = 0; k < np; k++) key[k] = WX_NONE; /* set 0 */
  for (uint32_t d = 0; d < n_days; d++) {
    for (uint32_t k = 0; k < np; k++)
      row[k] = entry_of(&m->flows[pulsed[k]], d);
    uint32_t j = 0;
    while (j < n && memcmp(key + (size_t)j * np, row, np * sizeof *row)) j++;
    if (j == n) {
      if (n == cap) return cap + 1;
      memcpy(key + (size_t)n++ * np, row, np * sizeof *row);
    }
    day_set[d] = j;
  }
  return n;
}

uint32_t wx__cpulse_count(const wx_model *m) {
  uint32_t np = count_pulsed(m), nd = horizon_days(m),
           cap = WX_COHORT_PULSE_SETS;
  if (!np) return 1;
  if (!nd) return cap + 1;
  uint32_t *pulsed = calloc(np, sizeof *pulsed);
  uint32_t *day = calloc(nd, sizeof *day);
  uint32_t *key = calloc((size_t)(cap + 1u) * np, sizeof *key);
  uint32_t n = cap + 1;
  if (pulsed && day && key) {
    for (uint32_t f = 0, k = 0; f < m->n_flows; f++)
      if (m->flows[f].n_pulses) pulsed[k++] = f;
    n = find_sets(m, pulsed, np, nd, cap, day, key, key + (size_t)cap * np);
  }
  free(pulsed);
  free(day);
  free(key);
  return n;
}

static int alloc_sets(wx_cohort *e, struct wx_cpulse *x) {
  uint32_t ns = x->n_sets, nf = e->m->n_flows;
  x->mult = calloc((size_t)ns * nf + 1u, sizeof *x->mult);
  x->slot = calloc(ns, sizeof *x->slot);
  x->rows = calloc((size_t)ns * ROWS, sizeof *x->rows);
  x->rdt = calloc((size_t)ns * ROWS, sizeof *x->rdt);
  x->n_rows = calloc(ns, sizeof *x->n_rows);
  x->clock = calloc(ns, sizeof *x->clock);
  x->same = calloc(ns, sizeof *x->same);
  if (!x->mult || !x->slot || !x->rows || !x->rdt || !x->n_rows || !x->clock ||
      !x->same)
    return WX_ENOMEM;
  for (size_t k = 0; k < (size_t)ns * nf; k++) x->mult[k] = 1;
  for (uint32_t j = 1; j < ns; j++) {
    int rc = wx__ctrans_alloc(&x->slot[j], &e->sp, e->m);
    x->slot[j].fmult = x->mult + (size_t)j * nf;
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

int wx__cpulse_alloc(wx_cohort *e) {
  const wx_model *m = e->m;
  uint32_t np = count_pulsed(m), cap = WX_COHORT_PULSE_SETS;
  if (!np) return WX_OK;
  struct wx_cpulse *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  e->pulse = x;
  x->n_pulsed = np;
  x->n_days = horizon_days(m);
  if (!x->n_days) return WX_ETOOBIG; /* the check refuses it first */
  x->pulsed = calloc(np, sizeof *x->pulsed);
  x->day_set = calloc(x->n_days, sizeof *x->day_set);
  x->key = calloc((size_t)(cap + 1u) * np, sizeof *x->key);
  if (!x->pulsed || !x->day_set || !x->key) return WX_ENOMEM;
  for (uint32_t f = 0, k = 0; f < m->n_flows; f++)
    if (m->flows[f].n_pulses) x->pulsed[k++] = f;
  x->n_sets = find_sets(m, x->pulsed, np, x->n_days, cap, x->day_set, x->key,
                        x->key + (size_t)cap * np);
  if (x->n_sets > cap) return WX_ETOOBIG; /* the check refuses it first */
  return alloc_sets(e, x);
}

static void free_rows(struct wx_cpulse *x) {
  for (uint32_t j = 0; j < x->n_sets; j++)
    for (uint32_t k = 0; k < x->n_rows[j]; k++) {
      free(x->rows[j * ROWS + k].prob);
      free(x->rows[j * ROWS + k].porder);
    }
}

void wx__cpulse_free(wx_cohort *e) {
  struct wx_cpulse *x = e->pulse;
  if (!x) return;
  if (x->slot)
    for (uint32_t j = 0; j < x->n_sets; j++)
      if (j != x->cur) wx__ctrans_free(&x->slot[j]);
  if (x->rows && x->n_rows) free_rows(x);
  free(x->pulsed);
  free(x->day_set);
  free(x->key);
  free(x->mult);
  free(x->slot);
  free(x->rows);
  free(x->rdt);
  free(x->n_rows);
  free(x->clock);
  free(x->same);
  free(x);
  e->pulse = NULL;
}

uint64_t wx__cpulse_bytes(const wx_cspace *s, const wx_model *m) {
  uint32_t ns = count_pulsed(m) ? wx__cpulse_count(m) : 1;
  if (ns > WX_COHORT_PULSE_SETS) ns = WX_COHORT_PULSE_SETS;
  if (ns < 2) return 0;
  uint64_t nn = s->n_nodes + 1u, mt = s->max_tree + 1u;
  uint64_t trans = (s->nf + s->nm + 2u + (uint64_t)s->n_states) * 8 +
                   (uint64_t)s->n_edges * 8 + nn * 8 * 5 + mt * 8 * 5;
  return (ns - 1u) * trans + ns * (ROWS * nn * 32 + m->n_flows * 8u) +
         (uint64_t)horizon_days(m) * 4;
}

void wx__cpulse_base(wx_cohort *e) {
  struct wx_cpulse *x = e->pulse;
  if (!x || !x->cur) return;
  x->slot[x->cur] = e->tr;
  e->tr = x->slot[0];
  x->cur = 0;
  e->alt_dt = -1;
}

/* The first set before j with set j's multipliers (j itself if none):
 * days of equal multipliers share data and are not cut apart, so pulses
 * of x 1 draw exactly what no pulses draw. */
static uint32_t same_as(const struct wx_cpulse *x, uint32_t j, uint32_t nf) {
  const double *mu = x->mult + (size_t)j * nf;
  for (uint32_t i = 0; i < j; i++) {
    const double *mi = x->mult + (size_t)i * nf;
    uint32_t k = 0;
    while (k < x->n_pulsed && mi[x->pulsed[k]] == mu[x->pulsed[k]]) k++;
    if (k == x->n_pulsed) return i;
  }
  return j;
}

/* Set j's multipliers (params[x] of its pulse entries) and rates, from
 * the base set's data already in e->tr (cur = 0). */
int wx__cpulse_derive(wx_cohort *e, const double *params) {
  struct wx_cpulse *x = e->pulse;
  if (!x) return WX_OK;
  uint32_t nf = e->m->n_flows, bad = WX_NONE;
  for (uint32_t j = 1; j < x->n_sets; j++) {
    double *mu = x->mult + (size_t)j * nf;
    for (uint32_t k = 0; k < x->n_pulsed; k++) {
      uint32_t f = x->pulsed[k], en = x->key[(size_t)j * x->n_pulsed + k];
      mu[f] = en == WX_NONE ? 1 : params[e->m->flows[f].pulses[en].x];
    }
    if ((x->same[j] = same_as(x, j, nf)) != j) continue;
    int rc = wx__ctrans_set(&x->slot[j], &e->sp, e->m, params, &bad);
    if (rc != WX_OK) return rc; /* the base set's derive reported it */
  }
  for (size_t k = 0; k < (size_t)x->n_sets * ROWS; k++) x->rdt[k] = -1;
  return WX_OK;
}

static uint32_t set_of(const struct wx_cpulse *x, double t) {
  double d = floor(t);
  return d >= 0 && d < x->n_days ? x->same[x->day_set[(uint32_t)d]] : 0;
}

void wx__cpulse_use(wx_cohort *e, double t) {
  struct wx_cpulse *x = e->pulse;
  if (!x) return;
  uint32_t j = set_of(x, t);
  if (j == x->cur) return;
  x->slot[x->cur] = e->tr;
  e->tr = x->slot[j];
  x->cur = j;
  e->alt_dt = -1; /* the run's second slot held the old set's rows */
}

double wx__cpulse_cut(wx_cohort *e, double a, double b) {
  struct wx_cpulse *x = e->pulse;
  if (!x) return b;
  wx__cpulse_use(e, a);
  uint32_t j = set_of(x, a);
  for (double d = floor(a) + 1; d < b; d++)
    if (set_of(x, d) != j) return d;
  return b;
}

const double *wx__cpulse_fates(const wx_cohort *e, uint32_t i, double t) {
  const struct wx_cpulse *x = e->pulse;
  uint32_t j = x ? set_of(x, t) : 0;
  const wx_ctrans *tr = !x || j == x->cur ? &e->tr : &x->slot[j];
  return tr->fate_p + tr->fate_off[i];
}

static int new_rows(wx_crows *r, size_t nn) {
  r->prob = calloc(3 * nn, sizeof *r->prob);
  r->porder = calloc(2 * nn, sizeof *r->porder);
  if (!r->prob || !r->porder) {
    free(r->prob);
    free(r->porder);
    *r = (wx_crows){0};
    return 0;
  }
  r->integ = r->prob + nn;
  r->icond = r->integ + nn;
  r->iorder = r->porder + nn;
  return 1;
}

int wx__cpulse_rows(wx_cohort *e, double tau, wx_crows *out) {
  struct wx_cpulse *x = e->pulse;
  if (!x) return 0;
  uint32_t j = x->cur, k = x->n_rows[j];
  wx_crows *rows = x->rows + (size_t)j * ROWS;
  double *rdt = x->rdt + (size_t)j * ROWS;
  for (uint32_t i = 0; i < k; i++)
    if (fabs(tau - rdt[i]) <= 1e-12 * tau) {
      *out = rows[i];
      return 1;
    }
  if (k < ROWS && new_rows(&rows[k], e->sp.n_nodes + 1u))
    x->n_rows[j]++;
  else if (k)
    k = x->clock[j]++ % k;
  else
    return 0; /* out of memory: the run's own second slot serves */
  wx__ctrans_rows(&e->tr, &e->sp, tau, &rows[k]);
  rdt[k] = tau;
  *out = rows[k];
  return 1;
}
