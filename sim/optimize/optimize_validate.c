/* The optimiser's curse, guarded (see optimize.h): the best plans of the
 * search on fresh seeds, the chosen one against the base on a third set
 * of seeds, paired. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"
#include "optimize_int.h"

/* Seeds independent of the search's (distinct values of the seed hash). */
static uint64_t fresh_seed(uint64_t seed, unsigned k) {
  return seed * 6364136223846793005ull + 1442695040888963407ull * (2 * k + 1);
}

/* The trace's best `k` distinct plans (by the search objective). */
static size_t candidates(const srch *q, double *out, size_t k) {
  size_t got = 0, n = q->n;
  char *used = calloc(q->tr->n + 1, 1);
  if (!used) return 0;
  while (got < k) {
    size_t best = q->tr->n;
    for (size_t i = 0; i < q->tr->n; i++)
      if (!used[i] && isfinite(q->tr->f[i]) &&
          (best == q->tr->n || q->tr->f[i] < q->tr->f[best]))
        best = i;
    if (best == q->tr->n) break;
    used[best] = 1;
    int dup = 0;
    for (size_t c = 0; c < got && !dup; c++)
      dup = !memcmp(out + c * n, q->tr->x + best * n, n * sizeof *out);
    if (!dup) memcpy(out + got++ * n, q->tr->x + best * n, n * sizeof *out);
  }
  free(used);
  return got;
}

void wx__opt_kpi_ci(const wx_opt_evaluator *ev, const wx_opt_sample *a,
                    wx_ci *out) {
  double shift = 0;
  double *z = malloc((a->n + 1) * sizeof *z);
  if (wx__opt_ratio(ev, &shift) && z)
    wx__ci_ratio(a->num, a->den, a->n, shift, z, out);
  else
    wx__ci_mean(a->kpi, a->n, out);
  free(z);
}

static void gain_ci(const wx_opt_evaluator *ev, const wx_opt_sample *p,
                    const wx_opt_sample *b, wx_ci *out) {
  double shift = 0;
  double *z = malloc((2 * p->n + 1) * sizeof *z);
  wx_ci welch;
  if (wx__opt_ratio(ev, &shift) && z)
    wx__ci_ratio_diff(p->num, p->den, b->num, b->den, p->n, z, out, &welch);
  else
    wx__ci_paired(p->kpi, b->kpi, p->n, out);
  free(z);
}

static unsigned vreps(const srch *q) {
  return q->s->validate_reps ? q->s->validate_reps : 2 * wx__opt_reps(q->ev);
}

/* Candidates on fresh seeds: the chosen plan is the best there. */
int wx__opt_validate(srch *q, wx_opt_result *r) {
  size_t n = q->n, k = q->s->best;
  r->cand_x = calloc(k * n + 1, sizeof *r->cand_x);
  r->cand_mean = calloc(2 * k + 1, sizeof *r->cand_mean);
  if (!r->cand_x || !r->cand_mean) return WX_ENOMEM;
  r->cand_share = r->cand_mean + k;
  r->n_cand = candidates(q, r->cand_x, k);
  double fb = HUGE_VAL;
  int rc = WX_OK;
  for (size_t c = 0; rc == WX_OK && c < r->n_cand; c++) {
    wx_opt_sample smp;
    rc = wx__opt_evaluate(q->ev, r->cand_x + c * n,
                          fresh_seed(wx__opt_seed(q->ev), 0), vreps(q), &smp,
                          q->d);
    if (rc != WX_OK) break;
    r->cand_mean[c] = smp.mean;
    r->cand_share[c] = smp.share;
    double f = wx__opt_score(q, &smp);
    if (c == 0 || f < fb) {
      fb = f;
      memcpy(r->x, r->cand_x + c * n, n * sizeof *r->x);
    }
    wx__opt_sample_free(&smp);
    if (q->o && q->o->progress)
      q->o->progress(q->o->progress_ctx, "validate", (unsigned)c + 1);
  }
  return rc;
}

/* The chosen plan as plan.yaml writes it (12 significant digits), so the
 * confirmed plan is the file's; snapping toward zero keeps it feasible
 * unless a constraint binds to the 12th digit, when it is kept as is. */
void wx__opt_snap(const srch *q, double *x) {
  double *y = malloc(q->n * sizeof *y + 1);
  if (!y) return;
  for (size_t j = 0; j < q->n; j++) {
    char b[40];
    snprintf(b, sizeof b, "%.12g", x[j]);
    y[j] = strtod(b, NULL);
    if (fabs(y[j]) > fabs(x[j])) y[j] = nextafter(y[j], 0);
  }
  if (wx__opt_feasible(q, y)) memcpy(x, y, q->n * sizeof *y);
  free(y);
}

/* The chosen plan and the base on a third set of seeds, paired. */
int wx__opt_confirm(srch *q, wx_opt_result *r) {
  uint64_t seed = fresh_seed(wx__opt_seed(q->ev), 1);
  wx_opt_sample p, b;
  int rc = wx__opt_evaluate(q->ev, r->x, seed, vreps(q), &p, q->d);
  if (rc != WX_OK) return rc;
  rc = wx__opt_evaluate(q->ev, r->base_x, seed, vreps(q), &b, q->d);
  if (rc == WX_OK) {
    wx__opt_kpi_ci(q->ev, &p, &r->plan_ci);
    wx__opt_kpi_ci(q->ev, &b, &r->base_ci);
    gain_ci(q->ev, &p, &b, &r->gain);
    if (q->s->target) {
      wx__ci_wilson(p.hit, p.n, &r->plan_share);
      wx__ci_wilson(b.hit, b.n, &r->base_share);
    }
    /* the interval lies on the good side of 0 (a KPI that does not vary,
     * like the cost of fixed budgets, has a zero-width one) */
    r->improved = r->gain.n >= WX_MIN_PAIRS &&
                  (q->s->sense > 0 ? r->gain.lo > 0 : r->gain.hi < 0);
    wx__opt_sample_free(&b);
  }
  wx__opt_sample_free(&p);
  return rc;
}
