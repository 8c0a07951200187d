/*
 * Staff accounts and groups in aggregate (cohort_units.h, docs/cohort.md
 * "Units"), following agent_staff.c and agent_groups.c.
 *
 * A flow into a units module leaves the person asking to join (WX_CREQ);
 * a source's arrivals into one are counted as requests.  At the end of
 * every substep (WX_COHORT_UNIT_STEP days, on a grid holding every day
 * boundary) the module settles, in the agent engine's order of events:
 *   1. the module's leaves since the last substep come off the units, by
 *      a multivariate hypergeometric over their members (a leaver is any
 *      member, whatever the unit: the approximation of this file);
 *   2. the requests: accepted with a binomial (staff), placed by the
 *      module's policy (cohort_place.c), the admitted spread over their
 *      origins by a hypergeometric, refused requesters lose the request;
 *      admitted arrivals enter at uniform times over their piece;
 *   3. at whole days, bans (staff; their hazard raised by each account's
 *      marketing posts, cohort_moments.c) and negative feedback (groups),
 *      whose losers are chosen uniformly among the module's members (a
 *      ban's tagged friends among the flagged ones, cohort_moments.c);
 *   4. banned accounts coming back and functional groups dissolving.
 * Admission therefore waits until the substep's end: the only step bias,
 * measured in tests/test_cohort_units.c.  After the posts of an instant
 * (cohort_post.c), steps 1 and 2 run at once (wx__cunits_post): the
 * posts' unfollows and move responses come off the units, their instant
 * responses into the module are settled at the post, as the agent
 * engine admits them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "cohort_units.h"
#include "rng.h"
#include "util.h"

static double param_or(const double *params, uint32_t p, double def) {
  if (p == WX_NONE) return def;
  return params[p] > 0 ? params[p] : 0;
}

static uint64_t clamp_u64(double x) {
  if (!(x < 1.8e19)) return UINT64_MAX;
  return x > 0 ? (uint64_t)x : 0;
}

int wx__cunit_scratch(wx_cunit *u, uint32_t need) {
  if (need <= u->cap_w) return WX_OK;
  uint32_t cap = need * 2 + 8;
  uint64_t *w = realloc(u->w, 2 * (size_t)cap * sizeof *w);
  if (!w) return WX_ENOMEM;
  u->w = w;
  u->x = w + cap;
  u->cap_w = cap;
  return WX_OK;
}

/* The member and request states of module i and where they go. */
static int index_states(wx_cunit *u, const wx_cohort *e, uint16_t *key) {
  const wx_cspace *s = &e->sp;
  uint32_t nm = 0, nr = 0, i = u->mod, w = u->nf + 1;
  for (uint32_t st = 0; st < s->n_states; st++) {
    uint16_t c = s->codes[(size_t)st * s->kw + i];
    nm += c && c != WX_CREQ;
    nr += c == WX_CREQ;
  }
  u->mem_st = calloc(2 * (size_t)nm + 1, sizeof *u->mem_st);
  u->req_st = calloc((size_t)nr * (1 + w) + 1, sizeof *u->req_st);
  if (!u->mem_st || !u->req_st) return WX_ENOMEM;
  u->mem_out = u->mem_st + nm;
  u->req_out = u->req_st + nr;
  for (uint32_t st = 0; st < s->n_states; st++) {
    const uint16_t *c = s->codes + (size_t)st * s->kw;
    if (!c[i]) continue;
    int req = c[i] == WX_CREQ;
    uint32_t *out =
        req ? u->req_out + (size_t)u->n_req * w : u->mem_out + u->n_mem;
    for (uint32_t k = 0; k < (req ? w : 1); k++) {
      wx__cspace_recode(s, e->m, c, i, (uint16_t)k, key);
      out[k] = wx__cspace_find(s, key);
      if (out[k] == WX_NONE) return WX_EINVAL; /* cohort_space.c adds them */
    }
    if (req)
      u->req_st[u->n_req++] = st;
    else
      u->mem_st[u->n_mem++] = st;
  }
  return wx__cunit_scratch(u, nm + nr + 16);
}

int wx__cunits_alloc(wx_cohort *e) {
  const wx_model *m = e->m;
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->n_modules; i++)
    n += m->modules[i].units.type != WX_UNITS_NONE;
  if (!n) return WX_OK;
  struct wx_cunits *x = calloc(1, sizeof *x);
  e->units = x;
  if (!x || !(x->u = calloc(n, sizeof *x->u)) ||
      !(x->of = calloc(m->n_modules, sizeof *x->of)))
    return WX_ENOMEM;
  uint16_t *key = calloc(e->sp.kw + 1u, sizeof *key);
  int rc = key ? WX_OK : WX_ENOMEM;
  for (uint32_t i = 0; i < m->n_modules && rc == WX_OK; i++) {
    if (m->modules[i].units.type == WX_UNITS_NONE) continue;
    wx_cunit *u = x->of[i] = &x->u[x->n++];
    u->mod = i;
    u->cfg = &m->modules[i].units;
    u->staff = u->cfg->type == WX_UNITS_STAFF;
    u->col = e->l->unit_col[i];
    u->nf = e->sp.n_fates[i];
    u->cap = clamp_u64(u->cfg->cap);
    u->daily = u->staff ? clamp_u64(u->cfg->daily_adds) : UINT64_MAX;
    rc = index_states(u, e, key);
    if (rc == WX_OK) rc = wx__cmoments_index(u, e, key);
    if (rc == WX_OK && !(u->rng = wx__rng_alloc())) rc = WX_ENOMEM;
  }
  free(key);
  return rc;
}

void wx__cunits_free(wx_cohort *e) {
  struct wx_cunits *x = e->units;
  if (!x) return;
  for (uint32_t k = 0; x->u && k < x->n; k++) {
    wx_cunit *u = &x->u[k];
    free(u->mem_st);
    free(u->req_st);
    free(u->f);
    free(u->adds);
    free(u->state);
    free(u->used);
    free(u->opened);
    free(u->back);
    free(u->src);
    free(u->w);
    free(u->tag);
    free(u->posts);
    free(u->mem_tag);
    free(u->mem_twin);
    if (u->rng) gsl_rng_free(u->rng);
  }
  free(x->u);
  free(x->of);
  free(x);
  e->units = NULL;
}

/* The share of joins whose churn the welcome keeps: each branch's
 * probability (clamped, normalised as the agent engine's) times 1 - Z. */
static double kept_share(const wx_model *m, uint32_t i, const double *p) {
  const wx_module *mod = &m->modules[i];
  double acc = 0, kept = 0;
  for (uint32_t k = 0; k < mod->n_exclusive; k++) {
    double q = p[m->flows[mod->exclusive[k]].p];
    acc += q > 0 ? (q < 1 ? q : 1) : 0;
  }
  double norm = acc > 1 ? acc : 1;
  for (uint32_t k = 0; k < mod->n_exclusive; k++) {
    uint32_t f = mod->exclusive[k];
    double q = p[m->flows[f].p];
    q = q > 0 ? (q < 1 ? q : 1) : 0;
    kept += q / norm * (1 - wx__cohort_welcome(m, f, p, NULL));
  }
  return kept;
}

static int reset_one(wx_cunit *u, const wx_cohort *e, uint64_t seed) {
  const wx_units_cfg *c = u->cfg;
  const double *p = e->params;
  wx__rng_seed_stream(u->rng, seed, WX_STREAM_UNITS,
                      e->m->modules[u->mod].name);
  u->n = u->cursor = u->n_open = u->n_src = 0;
  u->day = -1;
  u->accept = fmin(param_or(p, c->accept, 1), 1);
  u->ban_rate = param_or(p, c->ban_rate, 0);
  u->per_post = param_or(p, c->ban_per_post, 0);
  u->tag_day = -INFINITY;
  u->nf_rate = param_or(p, c->nf_rate, 0);
  u->nf_leave = fmin(param_or(p, c->nf_leave, 0), 1);
  u->cost_acc = u->cost_t = 0;
  u->seen = 0;
  u->too_many = 0;
  memset(u->cnt, 0, sizeof u->cnt);
  u->kept_p = kept_share(e->m, u->mod, p);
  int open_now = u->staff || c->on_refused != WX_REFUSE_NEW_GROUP;
  uint64_t n = open_now ? clamp_u64(c->units) : 0;
  for (uint64_t i = 0; i < n; i++)
    if (wx__cunit_open(u, 0.0) == WX_NONE) return WX_ENOMEM;
  return WX_OK;
}

int wx__cunits_reset(wx_cohort *e, uint64_t seed) {
  int rc = WX_OK;
  for (uint32_t k = 0; k < e->units->n && rc == WX_OK; k++)
    rc = reset_one(&e->units->u[k], e, seed);
  return rc;
}

int wx__cunits_gate(const wx_cohort *e, uint32_t i) {
  return e->units && e->units->of[i];
}

static void new_day(wx_cunit *u, double t) {
  double day = floor(t + 1e-9);
  if (!u->staff || day == u->day) return;
  u->day = day;
  for (uint32_t i = 0; i < u->n; i++) u->adds[i] = 0;
}

static uint64_t accept(wx_cunit *u, uint64_t n) {
  if (!u->staff || u->accept >= 1) return n;
  uint64_t a = wx__cohort_binomial(u->rng, u->accept, n);
  u->cnt[WX_S_DECLINED] += n - a;
  return a;
}

/* n joined: the welcome's keeps among them, drawn apart from their fates
 * (docs/cohort.md). */
static uint64_t joined(wx_cunit *u, uint64_t n) {
  if (u->kept_p > 0)
    u->cnt[WX_G_WELCOME_KEPT] += wx__cohort_binomial(u->rng, u->kept_p, n);
  return n;
}

uint64_t wx__cunits_admit(wx_cohort *e, uint32_t i, uint64_t n, double t) {
  wx_cunit *u = e->units->of[i];
  new_day(u, t);
  return joined(u, wx__cunit_place(u, accept(u, n), t, t));
}

uint64_t wx__cunits_request(wx_cohort *e, uint32_t k, double lam, double a,
                            double b) {
  wx_cunit *u = e->units->of[e->m->sources[k].to];
  uint64_t n = wx__cohort_poisson(e->rng[k], lam * (b - a));
  if (!n) return 0;
  if (u->n_src == u->cap_src) {
    uint32_t cap = u->cap_src ? 2 * u->cap_src : 4;
    wx_creq *q = realloc(u->src, cap * sizeof *q);
    if (!q) {
      u->oom = 1; /* settled as WX_ENOMEM */
      return n;
    }
    u->src = q;
    u->cap_src = cap;
  }
  u->src[u->n_src++] = (wx_creq){n, a, b};
  return n;
}

/* Moves k people of module u->mod, chosen uniformly among the members
 * with the day flag when `tagged`, else among those without, out of it. */
static uint64_t evict_some(wx_cohort *e, wx_cunit *u, uint64_t k, int tagged) {
  if (!k) return 0;
  for (uint32_t j = 0; j < u->n_mem; j++)
    u->w[j] = u->mem_tag[j] == tagged ? e->next[u->mem_st[j]] : 0;
  wx__cunit_spread(u->rng, k, u->w, u->n_mem, u->x);
  uint64_t done = 0;
  for (uint32_t j = 0; j < u->n_mem; j++) {
    e->next[u->mem_st[j]] -= u->x[j];
    e->next[u->mem_out[j]] += u->x[j];
    done += u->x[j];
  }
  return done;
}

/* k members out, kt of them tagged (selected today, cohort_moments.c). */
static void evict(wx_cohort *e, wx_cunit *u, uint64_t k, uint64_t kt) {
  uint64_t done = evict_some(e, u, kt, 1) + evict_some(e, u, k - kt, 0);
  e->ctr[e->sp.nm + u->mod] += done; /* leaves */
  u->seen += done;
}

/* Requests of flow origins (request states) and source pieces: accepted,
 * placed, the admitted spread over the origins. */
static void resolve(wx_cohort *e, wx_cunit *u, double t0, double t1) {
  uint32_t nr = u->n_req, no = nr + u->n_src, w = u->nf + 1;
  uint64_t total = 0;
  for (uint32_t j = 0; j < no; j++) {
    uint64_t n = j < nr ? e->next[u->req_st[j]] : u->src[j - nr].n;
    u->w[j] = accept(u, n);
    total += u->w[j];
  }
  uint64_t in = joined(u, wx__cunit_place(u, total, t0, t1));
  wx__cunit_spread(u->rng, in, u->w, no, u->x);
  uint64_t *by_fate = e->draw + (e->sp.max_tree + 1u);
  const double *fp = e->tr.fate_p + e->tr.fate_off[u->mod];
  uint64_t joined = 0;
  for (uint32_t j = 0; j < nr; j++) {
    uint32_t st = u->req_st[j];
    const uint32_t *out = u->req_out + (size_t)j * w;
    uint64_t n = e->next[st], x = u->x[j];
    if (!n) continue;
    e->next[st] = 0;
    e->next[out[0]] += n - x;
    wx__cohort_multinomial(u->rng, x, fp, u->nf, by_fate);
    for (uint32_t c = 0; c < u->nf; c++) e->next[out[1 + c]] += by_fate[c];
    joined += x;
  }
  e->ctr[u->mod] += joined;
  for (uint32_t q = 0; q < u->n_src; q++)
    if (u->x[nr + q])
      wx__cohort_enter_piece(e, u->rng, u->mod, u->x[nr + q], u->src[q].a,
                             u->src[q].b, t1);
  u->n_src = 0;
}

/* Account i's ban hazard over the day ending at tick t (agent_staff.c):
 * the rate (raised by ban_pressure's adds and posts) plus per_post x its
 * marketing posts since the last tick. */
static double hazard(const wx_cohort *e, const wx_cunit *u, uint32_t i,
                     double t) {
  const wx_units_cfg *c = u->cfg;
  double h = u->ban_rate;
  if (c->ban_pressure && u->ban_rate > 0) {
    double adds = u->day == t - 1 ? (double)u->adds[i] : 0;
    double x = e->params[c->ban_posts_gain] * (double)u->posts[i];
    if (u->daily > 0 && u->daily < UINT32_MAX)
      x += e->params[c->ban_adds_gain] * adds / (double)u->daily;
    h = u->ban_rate * exp(x);
  }
  return h + u->per_post * (double)u->posts[i];
}

/* At whole day t: each open account is banned with probability
 * 1 - exp(-hazard x 1 d), its friends leaving the module. */
static void bans(wx_cohort *e, wx_cunit *u, double t) {
  for (uint32_t i = 0; i < u->n; i++) {
    double h = hazard(e, u, i, t);
    u->posts[i] = 0;
    if (u->state[i] != WX_CU_OPEN || !(h > 0)) continue;
    if (!(gsl_rng_uniform(u->rng) < -expm1(-h))) continue;
    u->state[i] = WX_CU_BANNED;
    u->n_open--;
    u->cnt[WX_S_BANS]++;
    u->cnt[WX_S_BAN_LOSSES] += u->f[i];
    evict(e, u, u->f[i], u->tag[i]);
    u->f[i] = u->tag[i] = 0;
    u->back[i] = t + u->cfg->replace_after;
  }
}

static double activity(const wx_cunit *u, uint32_t i, double t) {
  const wx_units_cfg *c = u->cfg;
  double age = t - u->opened[i];
  double a = c->act_initial * exp(-c->act_decay * age);
  if (c->shills > 0 && c->shill_withdraw > 0 && age < c->shill_withdraw)
    a += c->shills * c->shill_boost * (1 - age / c->shill_withdraw);
  return a < 1 ? (a > 0 ? a : 0) : 1;
}

/* At whole day t: Poisson(rate (1 - activity)) events per open group with
 * members, each a Binomial(members, leave) of them leaving. */
static void feedback(wx_cohort *e, wx_cunit *u, double t) {
  if (!(u->nf_rate > 0)) return;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->state[i] != WX_CU_OPEN || !u->f[i]) continue;
    double lam = u->nf_rate * (1 - activity(u, i, t));
    uint64_t ev = wx__cohort_poisson(u->rng, lam);
    for (uint64_t k = 0; k < ev && u->f[i]; k++) {
      uint64_t out = wx__cohort_binomial(u->rng, u->nf_leave, u->f[i]);
      u->cnt[WX_G_NF_EVENTS]++;
      u->cnt[WX_G_NF_LEAVES] += out;
      evict(e, u, out, 0);
      u->f[i] -= out;
    }
  }
}

/* Banned accounts back, empty; functional groups due to dissolve. */
static void timed(wx_cohort *e, wx_cunit *u, double t1) {
  const wx_units_cfg *c = u->cfg;
  double eps = 1e-9;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->staff) {
      if (u->state[i] != WX_CU_BANNED || !(u->back[i] <= t1 + eps)) continue;
      u->state[i] = WX_CU_OPEN;
      u->n_open++;
      u->f[i] = u->adds[i] = u->tag[i] = u->posts[i] = 0;
      u->used[i] = 0;
      u->opened[i] = u->back[i];
      continue;
    }
    if (c->group_type != WX_GROUP_FUNCTIONAL) return;
    while (u->state[i] == WX_CU_OPEN &&
           u->opened[i] + c->lifetime <= t1 + eps) {
      double at = u->opened[i] + c->lifetime;
      u->cnt[WX_G_DISSOLVED]++;
      evict(e, u, u->f[i], 0);
      u->f[i] = 0;
      if (c->on_refused != WX_REFUSE_NEW_GROUP) {
        u->opened[i] = at; /* the next session's group, empty */
        continue;
      }
      wx__cunit_accrue(u, at);
      u->state[i] = WX_CU_CLOSED;
      u->n_open--;
    }
  }
}

int wx__cunits_settle(wx_cohort *e, double t0, double t1) {
  double day = floor(t1 + 1e-9);
  int whole = t1 >= 1 - 1e-9 && fabs(t1 - day) <= 1e-9;
  for (uint32_t k = 0; k < e->units->n; k++) {
    wx_cunit *u = &e->units->u[k];
    uint32_t need = u->n_req + u->n_src;
    if (u->oom || wx__cunit_scratch(u, need > u->n ? need : u->n) != WX_OK ||
        wx__cunit_scratch(u, u->n_mem) != WX_OK)
      return WX_ENOMEM;
    wx__cunit_leaves(e, u, e->next);
    new_day(u, t0);
    resolve(e, u, t0, t1);
    timed(e, u, t1); /* queued before the day's tick in the agent engine */
    if (whole && u->staff) bans(e, u, t1);
    if (whole && !u->staff) feedback(e, u, t1);
    if (u->too_many) return WX_ERUNTIME;
  }
  return WX_OK;
}

int wx__cunits_post(wx_cohort *e, double t) {
  uint64_t *tmp = e->count; /* the units settle e->next */
  e->count = e->next;
  e->next = tmp;
  int rc = WX_OK;
  for (uint32_t k = 0; k < e->units->n && rc == WX_OK; k++) {
    wx_cunit *u = &e->units->u[k];
    uint32_t need = u->n_req + u->n_src;
    if (wx__cunit_scratch(u, need > u->n ? need : u->n) != WX_OK ||
        wx__cunit_scratch(u, u->n_mem) != WX_OK) {
      rc = WX_ENOMEM;
      break;
    }
    wx__cunit_leaves(e, u, e->next);
    new_day(u, t);
    resolve(e, u, t, t);
  }
  e->next = e->count;
  e->count = tmp;
  return rc;
}

static void write_staff(const wx_cunit *u, double t, double *c) {
  uint64_t most = 0;
  for (uint32_t i = 0; i < u->n; i++)
    if (u->f[i] > most) most = u->f[i];
  c[WX_S_ACCOUNTS_ACTIVE] = u->n_open;
  c[WX_S_FRIENDS_MAX] = (double)most;
  c[WX_S_COST] = u->n * u->cfg->cost * t / 30.0;
}

static void write_groups(const wx_cunit *u, double t, double *c) {
  double full = 0, act = 0;
  for (uint32_t i = 0; i < u->n; i++) {
    if (u->state[i] != WX_CU_OPEN) continue;
    full += u->f[i] >= u->cap;
    act += activity(u, i, t);
  }
  c[WX_G_GROUPS_OPEN] = u->n_open;
  c[WX_G_GROUPS_FULL] = full;
  c[WX_G_ACTIVITY_MEAN] = u->n_open ? act / u->n_open : 0;
  c[WX_G_COST] =
      u->cost_acc + u->n_open * u->cfg->cost / 30.0 * (t - u->cost_t);
}

void wx__cunits_write(const wx_cohort *e, double t, double *row) {
  const wx_layout *l = e->l;
  double cost = 0;
  for (uint32_t k = 0; k < e->units->n; k++) {
    const wx_cunit *u = &e->units->u[k];
    double *c = row + u->col;
    uint32_t nc = u->staff ? WX_STAFF_METRICS : WX_GROUP_METRICS;
    for (uint32_t j = 0; j < nc; j++) c[j] = (double)u->cnt[j];
    if (u->staff)
      write_staff(u, t, c);
    else
      write_groups(u, t, c);
    cost += c[u->staff ? WX_S_COST : WX_G_COST];
  }
  if (wx__model_has_extras(e->m)) row[l->total_base + WX_T_COST] += cost;
}
