/*
 * Staff Moments posts and per-post bans in the cohort engine
 * (agent_moments.c and agent_staff.c for the semantics, docs/cohort.md
 * "Staff Moments").
 *
 * At a firing every open account u posts once (a post for its ban hazard,
 * `posts` and `cost`).  Its candidates are its f_u friends less the tag_u
 * of them a once_per_day staff post already selected on this calendar day;
 * it selects s_u = min(f_u - tag_u, recipients_per_post).  Which people
 * those are is not kept (units keep counts): the S = sum s_u selected are
 * spread over the module's eligible member states by a multivariate
 * hypergeometric (a selected friend is any eligible member, whatever the
 * account: the units' approximation, cohort_units.c), and each is reached
 * with p, K ~ Binomial(selected of the state, p), the K then acting as any
 * post's reached (cohort_post.c).
 *
 * Once per day: where a calendar day can hold two once_per_day staff posts
 * on the module (cohort_touch.c), a member's state carries a day flag.  The
 * selected move to their flagged twins whether they view or not; flagged
 * and unflagged people evolve by the same law, so the steps move them
 * exactly; leaving the module clears the flag.  The flags of a past day
 * are cleared at the module's first such post of a new day (nothing reads
 * them in between), together with the accounts' tags.  A tagged friend who
 * leaves comes off the tags: the fall in flagged members since the last
 * look is the tagged part of the module's leavers (wx__cunit_leaves).
 */
#include <math.h>
#include <stdlib.h>

#include "cohort_units.h"
#include "util.h"

int wx__cmoments_index(wx_cunit *u, const wx_cohort *e, uint16_t *key) {
  const wx_cspace *s = &e->sp;
  u->mem_tag = calloc(u->n_mem + 1u, sizeof *u->mem_tag);
  u->mem_twin = calloc(u->n_mem + 1u, sizeof *u->mem_twin);
  if (!u->mem_tag || !u->mem_twin) return WX_ENOMEM;
  uint32_t slot = s->n_day ? s->day_slot[u->mod] : WX_NONE;
  u->flagged = slot != WX_NONE;
  for (uint32_t j = 0; j < u->n_mem; j++) {
    const uint16_t *c = s->codes + (size_t)u->mem_st[j] * s->kw;
    u->mem_twin[j] = WX_NONE;
    if (!u->flagged) continue;
    u->mem_tag[j] = c[slot] != 0;
    for (uint32_t k = 0; k < s->kw; k++) key[k] = c[k];
    key[slot] = !c[slot];
    u->mem_twin[j] = wx__cspace_find(s, key);
    /* cohort_touch.c adds both of every member state */
    if (u->mem_twin[j] == WX_NONE) return WX_EINVAL;
  }
  return WX_OK;
}

/* Moves k of the module's leavers (chosen in proportion to w) off the
 * units, and off the tags too when `tagged`. */
static void take(wx_cunit *u, uint64_t k, const uint64_t *w, int tagged) {
  if (!k) return;
  wx__cunit_spread(u->rng, k, w, u->n, u->x);
  for (uint32_t i = 0; i < u->n; i++) {
    u->f[i] -= u->x[i];
    if (tagged) u->tag[i] -= u->x[i];
  }
}

void wx__cunit_leaves(wx_cohort *e, wx_cunit *u, const uint64_t *cnt) {
  uint64_t now = e->ctr[e->sp.nm + u->mod], d = now - u->seen;
  u->seen = now;
  if (!d) return;
  if (!u->flagged) {
    take(u, d, u->f, 0);
    return;
  }
  uint64_t tagged = 0, left = 0;
  for (uint32_t i = 0; i < u->n; i++) tagged += u->tag[i];
  for (uint32_t j = 0; j < u->n_mem; j++)
    if (u->mem_tag[j]) left += cnt[u->mem_st[j]];
  uint64_t dt = tagged > left ? tagged - left : 0;
  if (dt > d) dt = d;
  take(u, dt, u->tag, 1);
  for (uint32_t i = 0; i < u->n; i++) u->w[i] = u->f[i] - u->tag[i];
  take(u, d - dt, u->w, 0);
}

void wx__cunits_posted(wx_cohort *e, uint32_t i) {
  wx_cunit *u = e->units ? e->units->of[i] : NULL;
  for (uint32_t j = 0; u && u->staff && j < u->n; j++)
    if (u->state[j] == WX_CU_OPEN) u->posts[j]++;
}

/* A new calendar day: yesterday's flags and tags are cleared. */
static void new_tag_day(wx_cohort *e, wx_cunit *u, double day) {
  if (day == u->tag_day) return;
  u->tag_day = day;
  for (uint32_t j = 0; j < u->n_mem; j++) {
    if (!u->mem_tag[j]) continue;
    e->count[u->mem_twin[j]] += e->count[u->mem_st[j]];
    e->count[u->mem_st[j]] = 0;
  }
  for (uint32_t i = 0; i < u->n; i++) u->tag[i] = 0;
}

/* Every open account posts: returns the selected, counting the refused by
 * reason, the posts and their cost (agent_moments.c select_recipients). */
static uint64_t select_all(wx_cohort *e, wx_cunit *u, uint32_t i, int mark) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  double *col = wx__ctouch_col(e, i), lim = tp->recipients_per_post;
  uint64_t total = 0;
  for (uint32_t a = 0; a < u->n; a++) {
    if (u->state[a] != WX_CU_OPEN) continue;
    u->posts[a]++;
    col[WX_TP_POSTS] += 1;
    col[WX_TP_COST] += e->params[tp->cost];
    uint64_t el = mark ? u->f[a] - u->tag[a] : u->f[a], s = el;
    if (lim > 0 && (double)s > lim) s = (uint64_t)lim;
    col[WX_TP_REFUSED_ONCE] += (double)(u->f[a] - el);
    col[WX_TP_REFUSED_LIMIT] += (double)(el - s);
    col[WX_TP_SELECTED] += (double)s;
    if (mark) u->tag[a] += s;
    total += s;
  }
  return total;
}

int wx__cmoments_staff(wx_cohort *e, uint32_t i, double t, double p) {
  const wx_touchpoint *tp = &e->m->touchpoints[i];
  wx_cunit *u = e->units ? e->units->of[tp->module] : NULL;
  if (!u || !u->staff) return WX_OK;
  uint32_t need = u->n > u->n_mem ? u->n : u->n_mem;
  if (wx__cunit_scratch(u, need) != WX_OK) return WX_ENOMEM;
  wx__cunit_leaves(e, u, e->count); /* earlier posts of this instant */
  int mark = tp->once_per_day && u->flagged;
  if (mark) new_tag_day(e, u, floor(t));
  uint64_t sel = select_all(e, u, i, mark);
  for (uint32_t j = 0; j < u->n_mem; j++)
    u->w[j] = mark && u->mem_tag[j] ? 0 : e->count[u->mem_st[j]];
  gsl_rng *r = wx__ctouch_rng(e, i);
  wx__cunit_spread(r, sel, u->w, u->n_mem, u->x);
  double *col = wx__ctouch_col(e, i);
  int rc = WX_OK;
  for (uint32_t j = 0; j < u->n_mem && rc == WX_OK; j++) {
    uint64_t x = u->x[j], k = x ? wx__cohort_binomial(r, p, x) : 0;
    uint32_t st = u->mem_st[j], to = mark ? u->mem_twin[j] : st;
    if (!x) continue;
    col[WX_TP_REACHED] += (double)k;
    e->count[st] -= mark ? x : k;
    if (mark) e->next[to] += x - k; /* selected: today's allowance used */
    if (k) rc = wx__ctouch_reached(e, i, to, k, t);
  }
  return rc;
}
