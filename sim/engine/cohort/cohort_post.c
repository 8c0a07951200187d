/*
 * Touchpoint posts in the cohort engine's replication (cohort.h,
 * cohort_touch.c for the states, agent_touch.c / agent_reach.c /
 * agent_moments.c for the semantics).
 *
 * A post of touchpoint i on module M at t, between two steps: the n people
 * of each state holding M are reached K ~ Binomial(n, p), p = reach x
 * pulse x solitaire (the agent's Binomial over all members followed by a
 * uniform choice is the same thinning, state by state).  Of the K, U ~
 * Binomial(K, unfollow) leave M; the others spread multinomially over
 * the subsets of responses (each taken independently with its p): a
 * delayed response becomes pending, an instant one (delay 0) fires at
 * once, entering its target with that module's fates (into a staff or
 * group module: a request, settled right after the posts of the instant,
 * wx__cunits_post).  Then Poisson(views)
 * recommended viewers spread over the subsets of the viewers' responses;
 * those with any become new people.  Enterprise Moments posts beyond
 * posts_per_month in a calendar month are refused and do nothing else.
 * A staff Moments post selects whom it may reach per account
 * (cohort_moments.c); the reached then act as here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "calendar.h"
#include "cohort.h"
#include "rng.h"
#include "util.h"

#define ROWS 6u    /* cached step lengths between posts */
#define TAIL 1e-12 /* per person and post, as for repeats */

struct wx_ctouch {
  gsl_rng **rng;  /* per touchpoint */
  double *next;   /* per touchpoint: its next firing */
  double *col;    /* per touchpoint: WX_TP_METRICS cumulative counters */
  int32_t *month; /* per module: the enterprise Moments month */
  uint32_t *month_posts;
  uint16_t *keys; /* (WX_COHORT_TP_RESP + 2) levels of a key */
  uint64_t *sub;  /* per response subset */
  double *subp;
  uint64_t *fates; /* per level, max_fates */
  double *rep2;    /* 2 per level: no repeat, repeat */
  uint32_t max_fates, fail_flow;
  wx_crows rows[ROWS];
  double rdt[ROWS];
  uint32_t n_rows, clock;
};

gsl_rng *wx__ctouch_rng(const wx_cohort *e, uint32_t i) {
  return e->touch->rng[i];
}

double *wx__ctouch_col(const wx_cohort *e, uint32_t i) {
  return e->touch->col + (size_t)i * WX_TP_METRICS;
}

int wx__ctouch_alloc(wx_cohort *e) {
  const wx_model *m = e->m;
  if (!m->n_touchpoints) return WX_OK;
  struct wx_ctouch *x = calloc(1, sizeof *x);
  if (!x) return WX_ENOMEM;
  e->touch = x;
  uint32_t ns = 1u << WX_COHORT_TP_RESP, lv = WX_COHORT_TP_RESP + 2u;
  x->max_fates = 2;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (e->sp.n_fates[i] > x->max_fates) x->max_fates = e->sp.n_fates[i];
  x->rng = calloc(m->n_touchpoints, sizeof *x->rng);
  x->next = calloc(m->n_touchpoints, sizeof *x->next);
  x->col = calloc((size_t)m->n_touchpoints * WX_TP_METRICS, sizeof *x->col);
  x->month = calloc(m->n_modules + 1u, sizeof *x->month);
  x->month_posts = calloc(m->n_modules + 1u, sizeof *x->month_posts);
  x->keys = calloc((size_t)e->sp.kw * lv + 1u, sizeof *x->keys);
  x->sub = calloc(ns, sizeof *x->sub);
  x->subp = calloc(ns, sizeof *x->subp);
  x->fates = calloc((size_t)x->max_fates * lv, sizeof *x->fates);
  x->rep2 = calloc(2, sizeof *x->rep2);
  if (!x->rng || !x->next || !x->col || !x->month || !x->month_posts ||
      !x->keys || !x->sub || !x->subp || !x->fates || !x->rep2)
    return WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    if (!(x->rng[i] = wx__rng_alloc())) return WX_ENOMEM;
  return WX_OK;
}

void wx__ctouch_free(wx_cohort *e) {
  struct wx_ctouch *x = e->touch;
  if (!x) return;
  for (uint32_t i = 0; x->rng && i < e->m->n_touchpoints; i++)
    if (x->rng[i]) gsl_rng_free(x->rng[i]);
  for (uint32_t k = 0; k < x->n_rows; k++) {
    free(x->rows[k].prob);
    free(x->rows[k].porder);
  }
  free(x->rng);
  free(x->next);
  free(x->col);
  free(x->month);
  free(x->month_posts);
  free(x->keys);
  free(x->sub);
  free(x->subp);
  free(x->fates);
  free(x->rep2);
  free(x);
  e->touch = NULL;
}

static double next_firing(const wx_cohort *e, uint32_t i, double after) {
  return wx__ctouch_firing(e->m, i, after);
}

void wx__ctouch_reset(wx_cohort *e, uint64_t seed) {
  struct wx_ctouch *x = e->touch;
  if (!x) return;
  const wx_model *m = e->m;
  memset(x->col, 0, (size_t)m->n_touchpoints * WX_TP_METRICS * sizeof *x->col);
  for (uint32_t i = 0; i < m->n_modules; i++) {
    x->month[i] = INT32_MIN;
    x->month_posts[i] = 0;
  }
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    wx__rng_seed_stream(x->rng[i], seed, WX_STREAM_TOUCH,
                        m->touchpoints[i].name);
    x->next[i] = next_firing(e, i, -INFINITY);
  }
}

/* A state holds at most resp_cap[f] pending firings of response f, sized
 * from the nominal parameters (cohort_pend.c); this replication's own
 * parameters must not need more. */
int wx__ctouch_derive(wx_cohort *e, wx_diags *diags) {
  struct wx_ctouch *x = e->touch;
  if (!x) return WX_OK;
  for (uint32_t k = 0; k < x->n_rows; k++) x->rdt[k] = -1;
  for (uint32_t i = 0; i < e->m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &e->m->touchpoints[i];
    double gap = -1;
    for (uint32_t k = 0; k < tp->n_responses; k++) {
      uint32_t f = tp->responses[k];
      if (e->sp.resp_slot[f] == WX_NONE) continue;
      if (gap < 0) gap = wx__ctouch_min_gap(e->m, i);
      double r = e->tr.flow_rate[f];
      if (!(wx__ctouch_pend_bound(e->m, f, e->params, e->sp.resp_cap[f], gap) >
            TAIL))
        continue;
      const wx_flow *fl = &e->m->flows[f];
      return wx__diag(diags, WX_ERUNTIME, e->m->path, fl->pos.line, fl->pos.col,
                      "response '%s': its delay (mean %g d) is too long for "
                      "its touchpoint's posts: a person could be reached "
                      "with more of it pending than the cohort engine holds "
                      "(%u) with probability above 1e-12 per post; use "
                      "engine: agent",
                      fl->name, 1 / r, e->sp.resp_cap[f]);
    }
  }
  return WX_OK;
}

double wx__ctouch_next(const wx_cohort *e, double a, double b) {
  const struct wx_ctouch *x = e->touch;
  double t = b;
  for (uint32_t i = 0; x && i < e->m->n_touchpoints; i++)
    if (x->next[i] > a && x->next[i] < t) t = x->next[i];
  return t;
}

int wx__ctouch_rows(wx_cohort *e, double tau, wx_crows *out) {
  struct wx_ctouch *x = e->touch;
  if (!x) return 0;
  for (uint32_t k = 0; k < x->n_rows; k++)
    if (fabs(tau - x->rdt[k]) <= 1e-12 * tau) {
      *out = x->rows[k];
      return 1;
    }
  uint32_t k = x->n_rows;
  size_t nn = e->sp.n_nodes + 1u;
  if (k < ROWS) {
    wx_crows *r = &x->rows[k];
    r->prob = calloc(3 * nn, sizeof *r->prob);
    r->porder = calloc(2 * nn, sizeof *r->porder);
    if (!r->prob || !r->porder) {
      free(r->prob);
      free(r->porder);
      *r = (wx_crows){0};
      return 0; /* the run's own second slot serves */
    }
    r->integ = r->prob + nn;
    r->icond = r->integ + nn;
    r->iorder = r->porder + nn;
    x->n_rows++;
  } else {
    k = x->clock++ % ROWS;
  }
  wx__ctrans_rows(&e->tr, &e->sp, tau, &x->rows[k]);
  x->rdt[k] = tau;
  *out = x->rows[k];
  return 1;
}

void wx__ctouch_write(const wx_cohort *e, double *row) {
  const struct wx_ctouch *x = e->touch;
  if (!x) return;
  const wx_layout *l = e->l;
  double cost = 0;
  for (uint32_t i = 0; i < e->m->n_touchpoints; i++) {
    const double *c = x->col + (size_t)i * WX_TP_METRICS;
    memcpy(row + l->touch_base + i * WX_TP_METRICS, c,
           WX_TP_METRICS * sizeof *c);
    cost += c[WX_TP_COST];
    uint32_t k = e->m->n_sources + i;
    row[l->touch_base + i * WX_TP_METRICS + WX_TP_SHARES] =
        (double)e->fiss.shares[k];
    row[l->touch_base + i * WX_TP_METRICS + WX_TP_FISSION] =
        (double)e->fiss.arrivals[k];
  }
  row[l->total_base + WX_T_COST] += cost;
}

/* ------------------------------------------------------------ the posts */

/* x people in state key take the instant responses inst[0..n) in turn,
 * spread over the fates of the modules they enter, and land in e->next;
 * level lv of the scratch. */
static int walk(wx_cohort *e, gsl_rng *r, uint16_t *key, const uint32_t *inst,
                uint32_t n, uint64_t x, uint32_t lv, int gone) {
  wx_cspace *s = &e->sp;
  int rc = WX_OK;
  if (!n) {
    uint32_t st = wx__cspace_state(s, key, 0, &rc);
    if (st == WX_NONE) return WX_ERUNTIME; /* built from the same rules */
    e->next[st] += x;
    return WX_OK;
  }
  if (wx__ctouch_stale(e->m, inst[0], &gone))
    return walk(e, r, key, inst + 1, n - 1, x, lv, gone);
  uint16_t *o = key + s->kw;
  wx_ceffect ef = wx__ctouch_apply(s, e->m, key, inst[0], o);
  for (uint32_t j = 0; j < ef.n; j++) e->ctr[ef.ctr[j]] += x;
  uint32_t nfate = wx__ceffect_fates(s, &ef);
  uint64_t *by = e->touch->fates + (size_t)lv * e->touch->max_fates;
  if (nfate == 1) {
    by[0] = x;
  } else if (ef.enter != WX_NONE) {
    wx__cohort_multinomial(r, x, e->tr.fate_p + e->tr.fate_off[ef.enter], nfate,
                           by);
  } else {
    by[1] = wx__cohort_binomial(r, e->tr.rep_p[ef.rep], x);
    by[0] = x - by[1];
  }
  for (uint32_t c = 0; c < nfate && rc == WX_OK; c++) {
    if (!by[c]) continue;
    wx__ceffect_key(s, &ef, c, o);
    rc = walk(e, r, o, inst + 1, n - 1, by[c], lv + 1, gone);
  }
  return rc;
}

/* P(subset) of responses fl[0..nr), each taken with its own p times x
 * (the day's response pulses, as agent_reach.c applies them). */
static void subset_p(const wx_cohort *e, const uint32_t *fl, uint32_t nr,
                     double x, double *p) {
  for (uint32_t sub = 0; sub < (1u << nr); sub++) {
    double q = 1;
    for (uint32_t k = 0; k < nr; k++) {
      double pk = wx__clamp01(wx__clamp01(e->params[e->m->flows[fl[k]].p]) * x);
      q *= sub >> k & 1u ? pk : 1 - pk;
    }
    p[sub] = q;
  }
}

/* The x people of codes c (a copy in keys) who took response subset sub. */
static int respond(wx_cohort *e, gsl_rng *r, const uint32_t *fl, uint32_t sub,
                   uint32_t nr, uint64_t x, int rec) {
  struct wx_ctouch *t = e->touch;
  uint32_t inst[WX_COHORT_TP_RESP], ni = 0;
  for (uint32_t k = 0; k < nr; k++) {
    if (!(sub >> k & 1u)) continue;
    uint32_t slot = e->sp.resp_slot[fl[k]];
    if (slot == WX_NONE) {
      inst[ni++] = fl[k];
    } else if (t->keys[slot] < (rec ? 1u : e->sp.resp_cap[fl[k]])) {
      t->keys[slot]++;
    } else {
      t->fail_flow = fl[k];
      return WX_ETOOBIG;
    }
  }
  return walk(e, r, t->keys, inst, ni, x, 0, 0);
}

/* The K reached of state st at t: unfollows, then responses. */
int wx__ctouch_reached(wx_cohort *e, uint32_t i, uint32_t st, uint64_t k,
                       double t_post) {
  struct wx_ctouch *t = e->touch;
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  const wx_cspace *s = &e->sp;
  gsl_rng *r = t->rng[i];
  const uint16_t *c = s->codes + (size_t)st * s->kw;
  uint64_t u = wx__cohort_binomial(r, wx__clamp01(e->params[tp->unfollow]), k);
  int rc = WX_OK;
  if (u) {
    t->col[i * WX_TP_METRICS + WX_TP_UNFOLLOWS] += (double)u;
    memcpy(t->keys, c, s->kw * sizeof *t->keys);
    wx__ctouch_leave(s, e->m, tp->module, t->keys);
    e->ctr[s->nm + tp->module] += u;
    rc = walk(e, r, t->keys, NULL, 0, u, 0, 0);
  }
  uint32_t nr = tp->n_responses, ns = 1u << nr;
  subset_p(e, tp->responses, nr,
           wx__tp_pulse(tp, e->params, t_post, WX_PULSE_RESPONSES), t->subp);
  wx__cohort_multinomial(r, k - u, t->subp, ns, t->sub);
  for (uint32_t sub = 0; sub < ns && rc == WX_OK; sub++) {
    if (!t->sub[sub]) continue;
    memcpy(t->keys, c, s->kw * sizeof *t->keys);
    rc = respond(e, r, tp->responses, sub, nr, t->sub[sub], 0);
  }
  return rc;
}

static void merge(wx_cohort *e) {
  for (uint32_t st = 0; st < e->sp.n_states; st++) {
    e->count[st] += e->next[st];
    e->next[st] = 0;
  }
}

static int viewers(wx_cohort *e, uint32_t i) {
  struct wx_ctouch *t = e->touch;
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  if (tp->views == WX_NONE) return WX_OK;
  uint64_t v = wx__cohort_poisson(t->rng[i], e->params[tp->views]);
  t->col[i * WX_TP_METRICS + WX_TP_VIEWS] += (double)v;
  uint32_t nr = tp->n_rec, ns = 1u << nr;
  if (!v || !nr) return WX_OK;
  subset_p(e, tp->rec, nr, 1, t->subp);
  wx__cohort_multinomial(t->rng[i], v, t->subp, ns, t->sub);
  int rc = WX_OK;
  for (uint32_t sub = 1; sub < ns && rc == WX_OK; sub++) {
    if (!t->sub[sub]) continue;
    memset(t->keys, 0, e->sp.kw * sizeof *t->keys);
    rc = respond(e, t->rng[i], tp->rec, sub, nr, t->sub[sub], 1);
  }
  return rc;
}

/* Enterprise Moments: posts_per_month per module and calendar month. */
static int month_ok(wx_cohort *e, uint32_t i, double t) {
  struct wx_ctouch *x = e->touch;
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  int32_t month = wx__month_index(e->m->start_day, t);
  if (month != x->month[tp->module]) {
    x->month[tp->module] = month;
    x->month_posts[tp->module] = 0;
  }
  if (tp->posts_per_month > 0 &&
      !(x->month_posts[tp->module] < tp->posts_per_month)) {
    x->col[i * WX_TP_METRICS + WX_TP_REFUSED_POSTS] += 1;
    return 0;
  }
  x->month_posts[tp->module]++;
  return 1;
}

static double reach_p(const wx_cohort *e, const wx_touchpoint *tp, double t) {
  return wx__clamp01(e->params[tp->reach] *
                     wx__tp_pulse(tp, e->params, t, WX_PULSE_REACH) *
                     e->params[tp->solitaire]);
}

/* A post to every member of the module, reached with p. */
static int to_members(wx_cohort *e, uint32_t i, double t, double p) {
  struct wx_ctouch *x = e->touch;
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  const wx_cspace *s = &e->sp;
  double *col = x->col + (size_t)i * WX_TP_METRICS;
  int ent = tp->type == WX_TP_ENTERPRISE_MOMENTS, rc = WX_OK;
  col[WX_TP_POSTS] += 1;
  col[WX_TP_COST] += e->params[tp->cost];
  for (uint32_t st = 1; st < s->n_states && rc == WX_OK; st++) {
    uint16_t code = s->codes[(size_t)st * s->kw + tp->module];
    if (!e->count[st] || !code || code == WX_CREQ) continue; /* not members */
    if (ent) col[WX_TP_SELECTED] += (double)e->count[st];
    uint64_t k = wx__cohort_binomial(x->rng[i], p, e->count[st]);
    if (!k) continue;
    col[WX_TP_REACHED] += (double)k;
    e->count[st] -= k;
    rc = wx__ctouch_reached(e, i, st, k, t);
  }
  return rc;
}

/* A staff Moments post goes out once per open account (cohort_moments.c);
 * an enterprise one counts for every open account's per-post bans. */
static int post(wx_cohort *e, uint32_t i, double t) {
  struct wx_ctouch *x = e->touch;
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  double *col = x->col + (size_t)i * WX_TP_METRICS;
  int ent = tp->type == WX_TP_ENTERPRISE_MOMENTS;
  if (ent && !month_ok(e, i, t)) return WX_OK;
  if (ent) wx__cunits_posted(e, tp->module);
  uint32_t origin = e->m->n_sources + i;
  if (isnan(e->fiss.first[origin])) e->fiss.first[origin] = t;
  double p = reach_p(e, tp, t),
         kept = col[WX_TP_REACHED] - col[WX_TP_UNFOLLOWS];
  int rc = tp->type == WX_TP_STAFF_MOMENTS ? wx__cmoments_staff(e, i, t, p)
                                           : to_members(e, i, t, p);
  merge(e);
  /* the reached who stay share (agent_reach.c): one seed for all */
  kept = col[WX_TP_REACHED] - col[WX_TP_UNFOLLOWS] - kept;
  if (rc == WX_OK && tp->fission.on && kept > 0)
    wx__cfiss_seed(e, origin, (uint64_t)kept, t);
  if (rc == WX_OK) rc = viewers(e, i);
  merge(e);
  return rc;
}

int wx__ctouch_fire(wx_cohort *e, double t, wx_diags *diags) {
  struct wx_ctouch *x = e->touch;
  if (!x) return WX_OK;
  memset(e->next, 0, e->sp.n_states * sizeof *e->next);
  int posted = 0;
  for (uint32_t i = 0; i < e->m->n_touchpoints; i++) {
    if (!(x->next[i] <= t)) continue;
    posted = 1;
    int rc = post(e, i, x->next[i]);
    x->next[i] = next_firing(e, i, x->next[i]);
    if (rc == WX_ETOOBIG) {
      const wx_flow *fl = &e->m->flows[x->fail_flow];
      return wx__diag(diags, WX_ERUNTIME, e->m->path, fl->pos.line, fl->pos.col,
                      "response '%s': a person was reached with %u of it "
                      "still pending, more than the cohort engine holds; "
                      "use engine: agent",
                      fl->name, e->sp.resp_cap[x->fail_flow]);
    }
    if (rc != WX_OK)
      return wx__diag(diags, rc, e->m->path, 0, 0,
                      "touchpoint '%s': a post led to a state outside the "
                      "cohort engine's space",
                      e->m->touchpoints[i].name);
  }
  /* the posts' leaves and instant requests meet the units at once, as
   * the agent engine admits a response at the post */
  if (posted && e->units && wx__cunits_post(e, t) != WX_OK)
    return wx__diag(diags, WX_ENOMEM, e->m->path, 0, 0,
                    "out of memory in the cohort engine's units");
  return WX_OK;
}
