/*
 * The cohort engine's replication (cohort.h): counts per state, one exact
 * draw per sample interval.  Its allocation and table entry are in
 * cohort_engine.c.
 *
 * Random streams (rng.h): one per source for its arrivals (tagged by the
 * source's name, so a variant that changes only flows keeps every arrival
 * count: common random numbers), one for the transitions of the people
 * present.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "cohort.h"
#include "rng.h"
#include "util.h"

/* The people present at the step start, by the rows of exp(G tau)
 * (conditional form). */
static void move_present(wx_cohort *e, const wx_crows *rows) {
  gsl_rng *r = e->rng[e->m->n_sources];
  const wx_cspace *s = &e->sp;
  uint32_t st = 1, ns = s->n_states;
  while (st < ns && !e->count[st]) st++;
  while (st < ns) {
    uint32_t nx = st + 1; /* the next occupied state's tree, fetched early */
    while (nx < ns && !e->count[nx]) nx++;
    if (nx < ns) {
      uint32_t g = s->tree_off[nx];
      __builtin_prefetch(rows->prob + g);
      __builtin_prefetch(rows->porder + g);
      __builtin_prefetch(s->node_state + g);
      __builtin_prefetch(s->inc_off + g);
      __builtin_prefetch(s->inc + s->inc_off[g]);
    }
    wx__cohort_spread(e, r, st, e->count[st], rows->prob, rows->porder);
    st = nx;
  }
}

/* Root rows of the step length tau: the cache, else the second slot. */
static void rows_for(wx_cohort *e, double tau, wx_crows *out) {
  wx_ctrans *t = &e->tr;
  const wx_cspace *s = &e->sp;
  if (t->dt < 0) wx__ctrans_cache(t, s, tau);
  if (fabs(tau - t->dt) <= 1e-12 * tau) {
    *out = (wx_crows){t->prob, t->integ, t->icond, t->porder, t->iorder};
    return;
  }
  if (e->pulse) { /* the touchpoints' cache holds one set's rows */
    if (wx__cpulse_rows(e, tau, out)) return;
  } else if (e->touch && wx__ctouch_rows(e, tau, out)) {
    return; /* between posts */
  }
  if (!(fabs(tau - e->alt_dt) <= 1e-12 * tau)) {
    wx__ctrans_rows(t, s, tau, &e->alt);
    e->alt_dt = tau;
  }
  *out = e->alt;
}

/* Arrivals of source k at rate lam over [a, b] within the step [t0, t1]:
 * an arrival at u ends the step at a node of its entry state's tree by
 * the root row of exp(G (t1 - u)), so the arrivals per node are
 * independent Poissons with means lam P(fate) int_a^b exp(G (t1 - u)) du.
 * For a whole step that is a Poisson total of mean lam P(fate) (t1 - t0)
 * spread multinomially by the normalised integral row (rows->icond);
 * for a piece, one Poisson per node from integrals computed here. */
static uint64_t arrive_piece(wx_cohort *e, uint32_t k, double lam, double a,
                             double b, double t0, double t1,
                             const wx_crows *rows) {
  const wx_cspace *s = &e->sp;
  uint32_t i = e->m->sources[k].to, off = s->entry_off[i];
  int whole = a <= t0 && b >= t1;
  uint64_t total = 0;
  for (uint32_t c = 0; c < s->n_fates[i]; c++) {
    double pc = e->tr.fate_p[e->tr.fate_off[i] + c];
    if (!(pc > 0)) continue;
    uint32_t st = s->entry_state[off + c], base = s->tree_off[st];
    uint32_t n = s->tree_off[st + 1] - base;
    if (whole) {
      uint64_t x = wx__cohort_poisson(e->rng[k], lam * pc * (t1 - t0));
      wx__cohort_spread(e, e->rng[k], st, x, rows->icond, rows->iorder);
      total += x;
      continue;
    }
    wx__ctrans_tree(&e->tr, s, st, t1 - a, NULL, e->mean);
    wx__ctrans_tree(&e->tr, s, st, t1 - b, NULL, e->fa);
    for (uint32_t j = 0; j < n; j++) {
      double mu = lam * pc * (e->mean[j] - e->fa[j]);
      e->draw[j] = mu > 0 ? wx__cohort_poisson(e->rng[k], mu) : 0;
      total += e->draw[j];
    }
    wx__cohort_settle(e, st);
  }
  return total;
}

/* Source k's arrivals in [t0, t1], piece by piece of its rate. */
/* Beyond this many expected arrivals in one piece (or in all, for a
 * source) a run stops with WX_ETOOBIG: 64-bit counters must not wrap. */
#define MAX_ARRIVALS 1e18

/* Piece j of source src's piecewise-constant rate: [from, until) at lam.
 * Poisson sources have one piece per rate step; ads one, at budget / cpm
 * x 1000 x ctr x convert (agent_econ.c).  Returns the number of pieces. */
static uint32_t rate_piece(const wx_source *src, uint32_t j,
                           const double *params, double *from, double *until,
                           double *lam) {
  if (src->kind == WX_SOURCE_ADS) {
    *from = src->from;
    *until = src->until;
    double cpm = params[src->cpm];
    *lam = cpm > 0 ? params[src->budget] / cpm * 1000 * params[src->ctr] *
                         params[src->convert]
                   : 0;
    return 1;
  }
  if (j < src->n_steps) {
    *from = src->steps[j].from;
    *until = j + 1 < src->n_steps ? src->steps[j + 1].from : INFINITY;
    *lam = wx__step_rate(params, &src->steps[j]);
  }
  return src->n_steps;
}

static int arrivals(wx_cohort *e, uint32_t k, const double *params, double t0,
                    double t1, const wx_crows *rows) {
  const wx_source *src = &e->m->sources[k];
  double from = 0, until = 0, lam = 0;
  for (uint32_t j = 0; j < rate_piece(src, j, params, &from, &until, &lam);
       j++) {
    double a = from > t0 ? from : t0, b = until < t1 ? until : t1;
    if (!(b > a) || !(lam > 0)) continue;
    if (!(lam * (b - a) <= MAX_ARRIVALS) || e->arr[k] > MAX_ARRIVALS)
      return WX_ETOOBIG;
    if (wx__cunits_gate(e, src->to)) { /* joins counted on admission */
      e->arr[k] += wx__cunits_request(e, k, lam, a, b);
      continue;
    }
    uint64_t n = arrive_piece(e, k, lam, a, b, t0, t1, rows);
    e->arr[k] += n;
    e->ctr[src->to] += n; /* joins */
  }
  return WX_OK;
}

/* n people entering module i at time `at` within the step ending at t1:
 * spread over the entry fates, then over each fate's tree by the root row
 * of exp(G (t1 - at)). */
static void arrive_at(wx_cohort *e, uint32_t k, uint64_t n, double at,
                      double t1) {
  const wx_cspace *s = &e->sp;
  uint32_t i = e->m->sources[k].to, nf = s->n_fates[i];
  uint64_t *by_fate = e->draw + (s->max_tree + 1u);
  e->arr[k] += n;
  if (wx__cunits_gate(e, i)) n = wx__cunits_admit(e, i, n, at);
  const double *fp =
      e->pulse ? wx__cpulse_fates(e, i, at) : e->tr.fate_p + e->tr.fate_off[i];
  wx__cohort_multinomial(e->rng[k], n, fp, nf, by_fate);
  for (uint32_t c = 0; c < nf; c++) {
    if (!by_fate[c]) continue;
    uint32_t st = s->entry_state[s->entry_off[i] + c], base = s->tree_off[st];
    uint32_t len = s->tree_off[st + 1] - base;
    wx__ctrans_tree(&e->tr, s, st, t1 - at, e->mean, NULL);
    wx__cohort_multinomial(e->rng[k], by_fate[c], e->mean, len, e->draw);
    wx__cohort_settle(e, st);
  }
  e->ctr[i] += n; /* joins */
}

/* With units, a campaign at the substep's end comes after its requests
 * are settled, its own (instant flows into units) settled at t1 as the
 * agent engine's: on t1's day, not the substep's. */
static int at_end(const wx_cohort *e, const wx_source *src, double t1) {
  return e->units && !(src->at < t1);
}

/* Campaigns (without fission) whose time falls in (t0, t1]: those at t1
 * after the units when `late`. */
static int campaigns(wx_cohort *e, const double *params, double t0, double t1,
                     int late, int *ran) {
  for (uint32_t k = 0; k < e->m->n_sources; k++) {
    const wx_source *src = &e->m->sources[k];
    if (src->kind != WX_SOURCE_CAMPAIGN || !(src->at > t0 && src->at <= t1) ||
        at_end(e, src, t1) != late)
      continue;
    double n = floor(params[src->count] + 0.5);
    if (!(n > 0)) continue;
    if (!(n <= MAX_ARRIVALS)) return WX_ETOOBIG;
    *ran = 1;
    arrive_at(e, k, (uint64_t)n, src->at, t1);
    if (src->fission.on) wx__cfiss_seed(e, k, (uint64_t)n, src->at);
  }
  return WX_OK;
}

static int substep(wx_cohort *e, const double *params, double t0, double t1) {
  wx_crows rows;
  rows_for(e, t1 - t0, &rows);
  memset(e->next, 0, e->sp.n_states * sizeof *e->next);
  move_present(e, &rows);
  int early = 0, late = 0, rc = campaigns(e, params, t0, t1, 0, &early);
  if (rc == WX_OK) rc = wx__cfiss_step(e, t0, t1);
  for (uint32_t k = 0; k < e->m->n_sources && rc == WX_OK; k++)
    if (e->m->sources[k].kind == WX_SOURCE_POISSON ||
        e->m->sources[k].kind == WX_SOURCE_ADS)
      rc = arrivals(e, k, params, t0, t1, &rows);
  if (rc == WX_OK && e->units) rc = wx__cunits_settle(e, t0, t1);
  if (rc == WX_OK && e->units) rc = campaigns(e, params, t0, t1, 1, &late);
  if (rc == WX_OK && late) { /* their requests, on e->next */
    uint64_t *c = e->count;
    e->count = e->next;
    e->next = c;
    rc = wx__cunits_post(e, t1);
    e->next = e->count;
    e->count = c;
  }
  uint64_t *tmp = e->count;
  e->count = e->next;
  e->next = tmp;
  return rc;
}

/* A sample interval's piece between posts; with units, in substeps on the
 * grid of WX_COHORT_UNIT_STEP days, so that requests are settled that
 * often and at every day boundary (daily limits, bans). */
static int step(wx_cohort *e, const double *params, double t0, double t1) {
  if (!e->units) return substep(e, params, t0, t1);
  const double h = WX_COHORT_UNIT_STEP;
  int rc = WX_OK;
  for (double a = t0; rc == WX_OK && a < t1 - 1e-9 * h;) {
    double b = (floor(a / h + 1e-6) + 1) * h;
    if (b > t1 - 1e-9 * h) b = t1;
    rc = substep(e, params, a, b);
    a = b;
  }
  return rc;
}

static int step_failed(const wx_cohort *e, int rc, wx_diags *diags);

/* The sample interval [t0, t1], cut at the posts within it: a post at u
 * acts on the states at u, between the steps [., u] and [u, .]; a post at
 * t1 counts in the sample at t1, as in the agent engine. */
static int interval(wx_cohort *e, const double *params, double t0, double t1,
                    wx_diags *diags) {
  int rc = WX_OK;
  for (double a = t0; rc == WX_OK;) {
    double u = e->touch ? wx__ctouch_next(e, a, t1) : t1;
    u = wx__cpulse_cut(e, a, u); /* a day where a flow pulse starts or ends */
    if (u > a && (rc = step(e, params, a, u)) != WX_OK)
      return step_failed(e, rc, diags);
    wx__cpulse_use(e, u); /* the posts at u are on u's day */
    if (e->touch) rc = wx__ctouch_fire(e, u, diags);
    if (!(u < t1)) break;
    a = u;
  }
  return rc;
}

/* Initial populations at t = 0, spread over their entry fates. */
static int initial(wx_cohort *e, const double *params) {
  const wx_cspace *s = &e->sp;
  for (uint32_t k = 0; k < e->m->n_sources; k++) {
    const wx_source *src = &e->m->sources[k];
    int at0 = src->kind == WX_SOURCE_CAMPAIGN && src->at <= 0;
    if (src->kind != WX_SOURCE_INITIAL && !at0) continue;
    double n = floor(params[src->count] + 0.5);
    if (!(n > 0)) continue;
    if (n >= 9.2e18) return WX_ETOOBIG;
    uint32_t i = src->to;
    uint64_t in = (uint64_t)n;
    if (wx__cunits_gate(e, i)) in = wx__cunits_admit(e, i, in, 0);
    wx__cohort_multinomial(e->rng[k], in, e->tr.fate_p + e->tr.fate_off[i],
                           s->n_fates[i], e->draw);
    for (uint32_t c = 0; c < s->n_fates[i]; c++) /* instant flows fire */
      wx__cinst_place(e, e->rng[k], s->entry_state[s->entry_off[i] + c],
                      e->draw[c], e->count);
    e->arr[k] += (uint64_t)n;
    e->ctr[i] += in;
    if (at0 && src->fission.on) wx__cfiss_seed(e, k, (uint64_t)n, 0);
  }
  /* requests their instant flows made, after every entry as the agent
   * engine queues them */
  return e->units && s->n_instant ? wx__cunits_post(e, 0) : WX_OK;
}

/* Ads cost accrues at budget per active day, a campaign's is one-off at
 * its time (agent_econ.c): the only costs of the models the cohort engine
 * accepts. */
static void write_costs(const wx_cohort *e, const double *params, double t,
                        double *row) {
  const wx_model *m = e->m;
  const wx_layout *l = e->l;
  if (!wx__model_has_extras(m)) return;
  double total = 0;
  for (uint32_t j = 0; j < m->n_sources; j++) {
    const wx_source *src = &m->sources[j];
    double c;
    if (src->kind == WX_SOURCE_ADS) {
      double end = t < src->until ? t : src->until;
      c = end > src->from ? params[src->budget] * (end - src->from) : 0;
    } else if (src->kind == WX_SOURCE_CAMPAIGN) {
      c = src->cost != WX_NONE && src->at <= t ? params[src->cost] : 0;
    } else {
      continue;
    }
    uint32_t col = wx__layout_find(l, WX_SCOPE_SOURCE, j, "cost");
    if (col != WX_NONE) row[col] = c;
    total += c;
  }
  row[l->total_base + WX_T_COST] = total + wx__cfiss_rewards(e, row);
}

static void write_sample(wx_cohort *e, wx_series *out, uint32_t k) {
  const wx_cspace *s = &e->sp;
  const wx_layout *l = e->l;
  double *row = out->v + (size_t)k * out->n_cols;
  memset(row, 0, out->n_cols * sizeof *row);
  uint64_t live = 0;
  for (uint32_t st = 1; st < s->n_states; st++) {
    uint64_t x = e->count[st];
    if (!x) continue;
    live += x;
    const uint16_t *c = s->codes + (size_t)st * s->kw;
    for (uint32_t i = 0; i < s->nm; i++)
      if (c[i] && c[i] != WX_CREQ)
        row[l->module_base + i * WX_MODULE_METRICS] += (double)x;
  }
  for (uint32_t i = 0; i < s->nm; i++) {
    double *mc = row + l->module_base + i * WX_MODULE_METRICS;
    mc[WX_M_JOINS] = (double)e->ctr[i];
    mc[WX_M_LEAVES] = (double)e->ctr[s->nm + i];
  }
  for (uint32_t f = 0; f < s->nf; f++)
    row[l->flow_base + f] = (double)e->ctr[2 * s->nm + f];
  for (uint32_t o = 0; o < s->no; o++)
    row[l->outcome_base + o] = (double)e->ctr[2 * s->nm + s->nf + o];
  wx__cecon_update(&e->econ, e->m, s, e->params, e->ctr);
  wx__cecon_write(&e->econ, e->m, s, l, e->ctr, row);
  wx__cfiss_write(e, row);
  for (uint32_t j = 0; j < e->m->n_sources; j++)
    row[l->source_base + j] = (double)e->arr[j];
  if (live > e->st.peak_live) e->st.peak_live = live;
  write_costs(e, e->params, l->times[k], row);
  wx__ctouch_write(e, row);
  if (e->units) wx__cunits_write(e, l->times[k], row);
}

static void reset(wx_cohort *e, uint64_t seed) {
  const wx_model *m = e->m;
  memset(e->count, 0, e->sp.n_states * sizeof *e->count);
  memset(e->ctr, 0, e->sp.n_ctr * sizeof *e->ctr);
  memset(e->arr, 0, m->n_sources * sizeof *e->arr);
  memset(&e->st, 0, sizeof e->st);
  for (uint32_t k = 0; k < m->n_sources; k++)
    wx__rng_seed_stream(e->rng[k], seed, WX_STREAM_SOURCE, m->sources[k].name);
  wx__rng_seed_stream(e->rng[m->n_sources], seed, WX_STREAM_MODULE,
                      "\001cohort transitions");
  wx__cecon_reset(&e->econ, m, seed);
  wx__cfiss_reset(&e->fiss, m);
  wx__ctouch_reset(e, seed);
}

static void finish_stats(wx_cohort *e) {
  uint64_t ev = 0;
  for (uint32_t f = 0; f < e->sp.nf; f++) ev += e->ctr[2 * e->sp.nm + f];
  for (uint32_t k = 0; k < e->m->n_sources; k++) e->st.arrivals += e->arr[k];
  e->st.events = ev + e->st.arrivals;
  e->st.peak_bytes = wx__cohort_bytes(&e->sp, e->m, e->l);
}

/* Uniformization costs Lambda dt products per step length: a flow a
 * million times faster than the sample interval would take minutes. */
#define MAX_STIFFNESS 1e6

static int check_stiffness(const wx_cohort *e, wx_diags *diags) {
  const wx_layout *l = e->l;
  double dt = 0, rmax = 0;
  uint32_t fast = WX_NONE;
  for (uint32_t k = 1; k < l->n_samples; k++)
    if (l->times[k] - l->times[k - 1] > dt) dt = l->times[k] - l->times[k - 1];
  for (uint32_t f = 0; f < e->sp.nf; f++)
    if (e->tr.flow_rate[f] > rmax) {
      rmax = e->tr.flow_rate[f];
      fast = f;
    }
  double worst = 0;
  for (uint32_t st = 0; st < e->sp.n_states; st++)
    if (e->tr.tree_max[st] > worst) worst = e->tr.tree_max[st];
  if (!(worst * dt <= MAX_STIFFNESS) && fast != WX_NONE) {
    const wx_flow *fl = &e->m->flows[fast];
    return wx__diag(diags, WX_ERUNTIME, e->m->path, fl->pos.line, fl->pos.col,
                    "flow '%s': a delay (stage) mean of %g d is over %.0e "
                    "times "
                    "shorter than the sample interval (%g d): the cohort "
                    "engine's exponentials would take too long; sample "
                    "more often or use engine: agent",
                    fl->name, 1 / rmax, MAX_STIFFNESS, dt);
  }
  return WX_OK;
}

/* A step tree holds at most WX_COHORT_REP_DEPTH repeats of one person:
 * more needs that many repeats to follow each other (p^(D - 1)) and at
 * least D times the delay's stages of stage events, at most a Poisson of
 * mean rate x dt: the product must stay below REP_TAIL for the truncation
 * to be invisible. */
#define REP_TAIL 1e-12

static int check_repeats(const wx_cohort *e, wx_diags *diags) {
  const wx_cspace *s = &e->sp;
  const wx_layout *l = e->l;
  double dt = 0;
  for (uint32_t k = 1; k < l->n_samples; k++)
    if (l->times[k] - l->times[k - 1] > dt) dt = l->times[k] - l->times[k - 1];
  for (uint32_t o = 0; o < s->no; o++) {
    if (s->rep_slot[o] == WX_NONE) continue;
    double mu = e->tr.flow_rate[s->nf + o] * dt;
    unsigned need = WX_COHORT_REP_DEPTH * s->rep_stages[o];
    double more = pow(e->tr.rep_p[o], WX_COHORT_REP_DEPTH - 1.0);
    if (mu > 0 && more * gsl_cdf_poisson_Q(need - 1, mu) > REP_TAIL) {
      const wx_outcome *oc = &e->m->outcomes[o];
      return wx__diag(diags, WX_ERUNTIME, e->m->path, oc->pos.line, oc->pos.col,
                      "outcome '%s': repeat purchases are too frequent for "
                      "the sample interval (%g d): the cohort engine holds "
                      "at most %u repeats of one person per step; sample "
                      "more often or use engine: agent",
                      oc->name, dt, WX_COHORT_REP_DEPTH);
    }
  }
  return WX_OK;
}

/* Rates and rows from params, unless they are the last run's. */
static int derive(wx_cohort *e, const double *params, wx_diags *diags) {
  size_t np = e->m->n_params * sizeof *params;
  if (e->have_last && (!np || !memcmp(e->last_params, params, np)))
    return WX_OK;
  e->have_last = 0;
  e->alt_dt = -1;
  uint32_t bad = WX_NONE;
  if (wx__ctrans_set(&e->tr, &e->sp, e->m, params, &bad) != WX_OK) {
    const wx_flow *fl = &e->m->flows[bad];
    return wx__diag(diags, WX_ERUNTIME, e->m->path, fl->pos.line, fl->pos.col,
                    "flow '%s': the cohort engine needs a positive delay "
                    "mean, got %g",
                    fl->name,
                    params[fl->delay.p[fl->delay.kind == WX_DIST_GAMMA]]);
  }
  int rc = check_stiffness(e, diags);
  if (rc == WX_OK) rc = check_repeats(e, diags);
  if (rc == WX_OK) rc = wx__ctouch_derive(e, diags);
  if (rc == WX_OK) rc = wx__cpulse_derive(e, params);
  if (rc != WX_OK) return rc;
  if (np) memcpy(e->last_params, params, np);
  e->have_last = 1;
  return WX_OK;
}

static int step_failed(const wx_cohort *e, int rc, wx_diags *diags) {
  if (rc == WX_ENOMEM)
    return wx__diag(diags, rc, e->m->path, 0, 0,
                    "out of memory in the cohort engine's units");
  if (rc == WX_ERUNTIME) /* cohort_units.c */
    return wx__diag(diags, rc, e->m->path, 0, 0,
                    "more than %u groups in one module: the cohort engine "
                    "keeps each group's count; use engine: agent",
                    WX_COHORT_MAX_GROUPS);
  return wx__diag(diags, rc, e->m->path, 0, 0,
                  "more than %.0e expected arrivals: 64-bit counts "
                  "would overflow",
                  MAX_ARRIVALS);
}

int wx__cohort_run(void *ve, const double *params, uint64_t seed,
                   wx_series *out, const atomic_int *stop, wx_diags *diags) {
  wx_cohort *e = ve;
  const wx_layout *l = e->l;
  if (out->n_cols != l->n_cols || out->n_samples != l->n_samples ||
      !l->n_samples)
    return WX_EINVAL;
  reset(e, seed);
  e->params = params;
  wx__cpulse_base(e);
  int rc = derive(e, params, diags);
  wx__cpulse_use(e, 0);
  if (rc == WX_OK && e->units) rc = wx__cunits_reset(e, seed);
  if (rc == WX_OK) rc = initial(e, params);
  if (rc == WX_OK) rc = wx__ctouch_fire(e, 0, diags); /* posts at t = 0 */
  if (rc != WX_OK) return rc;
  write_sample(e, out, 0);
  for (uint32_t k = 1; k < l->n_samples; k++) {
    if (stop && atomic_load(stop)) return WX_EINTERRUPTED;
    rc = interval(e, params, l->times[k - 1], l->times[k], diags);
    if (rc != WX_OK) return rc;
    write_sample(e, out, k);
  }
  finish_stats(e);
  return WX_OK;
}
