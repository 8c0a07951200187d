/*
 * Instant flows (delay 0) in the cohort engine (cohort.h, docs/cohort.md).
 *
 * The agent engine queues a flow of delay 0 at the instant of the entry
 * that drew it, behind the events already queued for that instant (FIFO),
 * a module's move before its joins; a flow whose module was left (or left
 * and joined again) since it was queued is stale.  So an entry whose fate
 * holds an instant flow leads at once, through further entries and their
 * fates, to one of several tangible states, each with the counters of the
 * path bumped.  In Markov-chain terms the entered state is vanishing: it
 * is eliminated.  A step-tree edge into it becomes one edge per tangible
 * end, of rate rate(flow) x P(fate) x P(instant path), the path's
 * probability being the product of the fates drawn along it; an entry
 * state that is vanishing gets a root whose start vector is its ends'
 * probabilities (wx__cinst_start), so arrivals, campaigns and fission
 * offspring end up where the agent engine's would, with the same counts.
 *
 * Nobody is ever counted in a vanishing state.  Posts and staff or group
 * admissions place people in states directly: a model where those would
 * reach a vanishing state is refused (wx__cinst_audit).  Cycles of instant
 * flows are refused by the loader (scenario_checks.c); the resolution
 * still stops at LEVELS entries or QMAX queued firings.
 */
#include <stdlib.h>
#include <string.h>

#include "cohort.h"

#define LEVELS   32u /* entries (fate draws) along one instant path */
#define QMAX     64u /* instant firings queued along one path */
/* ends of one resolution: paths may meet at one tree node (fates that
 * differ only in flows made stale), but not without bound */
#define MAX_ENDS (4u * WX_COHORT_MAX_TREE)
_Static_assert(MAX_ENDS == 16384u, "the message of run() gives it");

int wx__cinst_flow(const wx_model *m, uint32_t f) {
  const wx_flow *fl = &m->flows[f];
  return !fl->tp && wx__cohort_zero_delay(m, fl);
}

int wx__cinst_setup(wx_cspace *s, const wx_model *m) {
  s->instant = calloc(s->nf + 1u, 1);
  s->ipath_off = calloc(1, sizeof *s->ipath_off);
  if (!s->instant || !s->ipath_off) return WX_ENOMEM;
  s->cap_ipath = 1;
  for (uint32_t f = 0; f < s->nf; f++) {
    s->instant[f] = (uint8_t)wx__cinst_flow(m, f);
    s->n_instant += s->instant[f];
  }
  return WX_OK;
}

void wx__cinst_free(wx_cspace *s) {
  free(s->instant);
  free(s->ipath_off);
  free(s->ipath_mod);
  free(s->ipath_fate);
  free(s->edge_inst);
}

uint64_t wx__cinst_bytes(const wx_cspace *s) {
  return s->nf + 1u + (uint64_t)s->cap_ipath * sizeof *s->ipath_off +
         (uint64_t)s->cap_ifac * 2 * sizeof *s->ipath_mod +
         (uint64_t)s->cap_inst * sizeof *s->edge_inst;
}

/* Module i's instant flows in fate code c (0: not a member), in the
 * order the agent engine queues them, appended to q; returns the new n. */
static uint32_t instant_of(const wx_cspace *s, const wx_model *m, uint32_t i,
                           uint16_t code, uint32_t *q, uint32_t n) {
  if (!code || code == WX_CREQ) return n;
  const wx_module *mod = &m->modules[i];
  uint32_t x = code - 1u, b = x >> s->nj[i];
  if (b < mod->n_exclusive && s->instant[mod->exclusive[b]])
    q[n++] = mod->exclusive[b];
  for (uint32_t k = 0; k < s->nj[i]; k++)
    if ((x >> k & 1u) && s->instant[mod->joins[k]]) q[n++] = mod->joins[k];
  return n;
}

int wx__cinst_vanishing(const wx_cspace *s, const wx_model *m,
                        const uint16_t *c) {
  uint32_t q[1 + WX_COHORT_MAX_JOINS];
  if (!s->n_instant) return 0;
  for (uint32_t i = 0; i < s->nm; i++)
    if (instant_of(s, m, i, c[i], q, 0)) return 1;
  return 0;
}

/* ------------------------------------------------------------ resolution */

/* One resolution: per level (one per fate drawn so far) the key, the
 * increments, the module epochs and the queue of (flow, epoch). */
typedef struct {
  wx_cspace *s;
  const wx_model *m;
  uint16_t *key, *o;
  uint8_t *inc, *ep;
  uint32_t *qf, *qe;
  uint32_t fm[LEVELS], ff[LEVELS];
  uint32_t n_ends;
  wx_cinst_out out;
  void *ctx;
} res;

static int too_big(wx_cspace *s, uint32_t f, const char *what) {
  s->fail_flow = f;
  s->fail_what = what;
  return WX_ETOOBIG;
}

static int run(res *x, uint32_t lv, uint32_t qh, uint32_t qt, uint32_t nfac);

/* The fates after effect e at level lv: each continues at level lv + 1. */
static int branch(res *x, uint32_t lv, uint32_t qh, uint32_t qt, uint32_t nfac,
                  const wx_ceffect *e, uint32_t f) {
  wx_cspace *s = x->s;
  if (lv + 1 >= LEVELS)
    return too_big(s, f, "a chain of instant flows longer than 32 entries");
  uint32_t nfate = wx__ceffect_fates(s, e), kw = s->kw, nc = s->n_ctr;
  for (uint32_t c = 0; c < nfate; c++) {
    uint16_t *key = x->key + (size_t)(lv + 1) * kw;
    uint8_t *ep = x->ep + (size_t)(lv + 1) * s->nm;
    memcpy(key, x->key + (size_t)lv * kw, kw * sizeof *key);
    memcpy(x->inc + (size_t)(lv + 1) * nc, x->inc + (size_t)lv * nc, nc);
    memcpy(ep, x->ep + (size_t)lv * s->nm, s->nm);
    memcpy(x->qf + (lv + 1) * QMAX, x->qf + lv * QMAX, qt * sizeof *x->qf);
    memcpy(x->qe + (lv + 1) * QMAX, x->qe + lv * QMAX, qt * sizeof *x->qe);
    wx__ceffect_key(s, e, c, key);
    uint32_t nt = qt;
    if (e->enter != WX_NONE) {
      uint32_t q[1 + WX_COHORT_MAX_JOINS];
      uint32_t n = instant_of(s, x->m, e->enter, key[e->enter], q, 0);
      if (nt + n > QMAX)
        return too_big(s, f, "more than 64 instant flows fire at one entry");
      ep[e->enter]++; /* the entry's epoch, as agent_step.c's enter() */
      for (uint32_t k = 0; k < n; k++) {
        x->qf[(lv + 1) * QMAX + nt] = q[k];
        x->qe[(lv + 1) * QMAX + nt++] = ep[e->enter];
      }
      x->fm[nfac] = e->enter;
    } else {
      x->fm[nfac] = e->rep | WX_CEDGE_REPEAT;
    }
    x->ff[nfac] = c;
    int rc = run(x, lv + 1, qh, nt, nfac + 1);
    if (rc != WX_OK) return rc;
  }
  return WX_OK;
}

/* Fires the queue [qh, qt) of level lv in turn. */
static int run(res *x, uint32_t lv, uint32_t qh, uint32_t qt, uint32_t nfac) {
  wx_cspace *s = x->s;
  uint16_t *key = x->key + (size_t)lv * s->kw;
  uint8_t *inc = x->inc + (size_t)lv * s->n_ctr;
  uint8_t *ep = x->ep + (size_t)lv * s->nm;
  while (qh < qt) {
    uint32_t f = x->qf[lv * QMAX + qh], e0 = x->qe[lv * QMAX + qh++];
    const wx_flow *fl = &x->m->flows[f];
    if (ep[fl->from] != e0) continue; /* stale: its module was left */
    wx_ceffect e = wx__cspace_apply(s, x->m, key, f, x->o);
    memcpy(key, x->o, s->kw * sizeof *key);
    for (uint32_t j = 0; j < e.n; j++)
      if (inc[e.ctr[j]]++ == WX_COHORT_DEPTH)
        return too_big(s, f, "a path of more flows than the step tree holds");
    if (fl->kind != WX_FLOW_JOIN) ep[fl->from]++;
    if (e.enter != WX_NONE || e.rep != WX_NONE)
      return branch(x, lv, qh, qt, nfac, &e, f);
  }
  if (++x->n_ends > MAX_ENDS)
    return too_big(s, x->qf[lv * QMAX],
                   "the instant flows of one entry lead more than 16384 ways");
  return x->out(x->ctx, key, inc, x->fm, x->ff, nfac);
}

int wx__cinst_resolve(wx_cspace *s, const wx_model *m, const uint16_t *key,
                      const uint8_t *inc, wx_cinst_out out, void *ctx) {
  res x = {.s = s, .m = m, .out = out, .ctx = ctx};
  size_t kw = s->kw + 1u, nc = s->n_ctr + 1u, nm = s->nm + 1u;
  x.key = calloc(LEVELS * kw + kw, sizeof *x.key);
  x.inc = calloc(LEVELS, nc);
  x.ep = calloc(LEVELS, nm);
  x.qf = calloc(2 * LEVELS * QMAX, sizeof *x.qf);
  int rc = x.key && x.inc && x.ep && x.qf ? WX_OK : WX_ENOMEM;
  uint32_t qt = 0;
  if (rc == WX_OK) {
    x.o = x.key + LEVELS * kw;
    x.qe = x.qf + LEVELS * QMAX;
    memcpy(x.key, key, s->kw * sizeof *key);
    memcpy(x.inc, inc, s->n_ctr);
    for (uint32_t i = 0; i < s->nm && qt <= QMAX - 1u - WX_COHORT_MAX_JOINS;
         i++)
      qt = instant_of(s, m, i, key[i], x.qf, qt); /* epochs 0 */
    rc = run(&x, 0, 0, qt, 0);
  }
  free(x.key);
  free(x.inc);
  free(x.ep);
  free(x.qf);
  return rc;
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return WX_OK;
  uint32_t nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, (size_t)nc * elem);
  if (!q) return WX_ENOMEM;
  *p = q;
  *cap = nc;
  return WX_OK;
}

uint32_t wx__cinst_path(wx_cspace *s, const uint32_t *fm, const uint32_t *ff,
                        uint32_t nfac, int *rc) {
  if (!nfac) return 0;
  uint32_t cap = s->cap_ifac;
  void *a = s->ipath_mod, *b = s->ipath_fate, *o = s->ipath_off;
  int r = grow(&a, &cap, s->n_ifac + nfac, sizeof *s->ipath_mod);
  s->ipath_mod = a;
  if (r == WX_OK)
    r = grow(&b, &s->cap_ifac, s->n_ifac + nfac, sizeof(uint32_t));
  s->ipath_fate = b;
  if (r == WX_OK) r = grow(&o, &s->cap_ipath, s->n_ipath + 2, sizeof(uint32_t));
  s->ipath_off = o;
  if (r != WX_OK) {
    *rc = WX_ENOMEM;
    return 0;
  }
  memcpy(s->ipath_mod + s->n_ifac, fm, nfac * sizeof *fm);
  memcpy(s->ipath_fate + s->n_ifac, ff, nfac * sizeof *ff);
  s->n_ifac += nfac;
  s->ipath_off[++s->n_ipath] = s->n_ifac;
  return s->n_ipath;
}

/* The first instant flow out of module i, or WX_NONE. */
static uint32_t instant_out(const wx_cspace *s, const wx_model *m, uint32_t i) {
  for (uint32_t f = 0; f < s->nf; f++)
    if (s->instant[f] && m->flows[f].from == i) return f;
  return WX_NONE;
}

/* A post's instant response into a module with instant flows out. */
static uint32_t after_post(const wx_cspace *s, const wx_model *m) {
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    for (uint32_t k = 0; k < tp->n_responses + tp->n_rec; k++) {
      uint32_t r =
          k < tp->n_responses ? tp->responses[k] : tp->rec[k - tp->n_responses];
      const wx_flow *fl = &m->flows[r];
      uint32_t f =
          wx__cohort_zero_delay(m, fl) && fl->target == WX_TARGET_MODULE
              ? instant_out(s, m, fl->to)
              : WX_NONE;
      if (f != WX_NONE) return f;
    }
  }
  return WX_NONE;
}

/* The model's rules first (their messages say which), then every state:
 * only entry states may be vanishing. */
int wx__cinst_audit(wx_cspace *s, const wx_model *m) {
  if (!s->n_instant) return WX_OK;
  for (uint32_t i = 0; i < s->nm; i++) {
    uint32_t f = instant_out(s, m, i);
    if (f != WX_NONE && m->modules[i].units.type != WX_UNITS_NONE)
      return too_big(s, f,
                     "an instant flow out of a staff or group module "
                     "(admissions place people between steps)");
  }
  uint32_t f = after_post(s, m);
  if (f != WX_NONE)
    return too_big(s, f,
                   "an instant flow out of a module that a touchpoint's "
                   "instant response enters (posts place people between "
                   "steps)");
  uint8_t *entry = calloc(s->n_states + 1u, 1);
  if (!entry) return WX_ENOMEM;
  for (uint32_t k = 0; k < s->n_entry; k++) entry[s->entry_state[k]] = 1;
  int rc = WX_OK;
  for (uint32_t st = 0; st < s->n_states && rc == WX_OK; st++) {
    const uint16_t *c = s->codes + (size_t)st * s->kw;
    if (entry[st] || !wx__cinst_vanishing(s, m, c)) continue;
    uint32_t q[1 + WX_COHORT_MAX_JOINS], g = WX_NONE;
    for (uint32_t i = 0; i < s->nm && g == WX_NONE; i++)
      if (instant_of(s, m, i, c[i], q, 0)) g = q[0];
    rc = too_big(s, g,
                 "an instant flow out of a module that posts or admissions "
                 "place people in");
  }
  free(entry);
  return rc;
}

/* ------------------------------------------------------------- run time */

double wx__cinst_p(const wx_ctrans *t, const wx_cspace *s, uint32_t k) {
  double p = 1;
  for (uint32_t j = s->ipath_off[k]; j < s->ipath_off[k + 1]; j++) {
    uint32_t a = s->ipath_mod[j], c = s->ipath_fate[j];
    if (a & WX_CEDGE_REPEAT) {
      double q = t->rep_p[a & ~WX_CEDGE_REPEAT];
      p *= c ? q : 1 - q;
    } else {
      p *= t->fate_p[t->fate_off[a] + c];
    }
  }
  return p;
}

void wx__cinst_start(const wx_ctrans *t, const wx_cspace *s, uint32_t st,
                     double *v) {
  uint32_t base = s->tree_off[st], any = 0;
  for (uint32_t e = s->edge_off[base]; e < s->edge_off[base + 1]; e++) {
    if (!(s->edges[e].flow & WX_CEDGE_INSTANT)) continue;
    v[s->edges[e].to - base] += t->edge_rate[e];
    any = 1;
  }
  if (!any) v[0] = 1;
}

void wx__cinst_place(wx_cohort *e, const gsl_rng *r, uint32_t st, uint64_t n,
                     uint64_t *dest) {
  const wx_cspace *s = &e->sp;
  uint32_t base = s->tree_off[st], len = s->tree_off[st + 1] - base;
  if (!n) return;
  if (!s->n_instant ||
      !wx__cinst_vanishing(s, e->m, s->codes + (size_t)st * s->kw)) {
    dest[st] += n;
    return;
  }
  double *v = e->mean, left = 0;
  memset(v, 0, len * sizeof *v);
  wx__cinst_start(&e->tr, s, st, v);
  for (uint32_t j = 0; j < len; j++) left += v[j];
  for (uint32_t j = 0; j < len && n; j++) {
    if (!(v[j] > 0)) continue;
    uint64_t x = left > v[j] ? wx__cohort_binomial(r, v[j] / left, n) : n;
    left -= v[j];
    n -= x;
    if (!x) continue;
    uint32_t g = base + j;
    dest[s->node_state[g]] += x;
    for (uint32_t k = s->inc_off[g]; k < s->inc_off[g + 1]; k++)
      e->ctr[s->inc[k] >> 8] += x * (s->inc[k] & 255);
  }
}

void wx__cinst_twice(wx_cspace *s, const wx_model *m) {
  for (uint32_t f = 0; f < s->nf; f++)
    if (s->instant[f] && m->flows[f].target == WX_TARGET_OUTCOME)
      s->twice[m->flows[f].to] = 1;
}
