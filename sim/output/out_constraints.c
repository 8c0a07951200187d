/*
 * constraints.csv: when each cap or limit of the staff and group modules
 * first bound and how many actions it refused.
 *
 *   constraint,label,first_bind_day,refused
 *   sdr.friend_cap,企业微信 SDR friend cap,41,1067.3
 *
 * Rows: per staff module `<m>.friend_cap` (refused_cap), `<m>.daily_adds`
 * (refused_daily; only with a daily limit) and `<m>.accept` (declined; only
 * with an acceptance rate), per group module `<m>.group_cap`
 * (refused_full); per Moments touchpoint `<tp>.posts_per_month` (refused
 * posts, enterprise) or `<tp>.recipients_per_post` and `<tp>.once_per_day`
 * (refused recipients by reason, staff).  first_bind_day is the median over replications of the
 * first sample time whose refused counter is > 0, a replication where it
 * never bound counting as +infinity; it is empty when that median is
 * infinite (the constraint bound in fewer than half the replications).
 * refused is the mean over replications of the counter at the horizon
 * (refused attempts: a retrying person is counted at each refusal).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "results.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double cell(const wx_accum *a, uint32_t cellno, uint32_t rep) {
  return a->values[(size_t)cellno * a->cap + rep];
}

/* Median first bind time of column col over the replications (scratch
 * holds them); INFINITY when most never bound. */
static double first_bind(const wx_run_ctx *c, uint32_t col, double *scratch) {
  const wx_layout *l = &c->layout;
  uint32_t n = c->series_acc.n;
  for (uint32_t r = 0; r < n; r++) {
    scratch[r] = INFINITY;
    for (uint32_t k = 0; k < l->n_samples; k++)
      if (cell(&c->series_acc, k * l->n_cols + col, r) > 0) {
        scratch[r] = l->times[k];
        break;
      }
  }
  if (n == 0) return INFINITY;
  qsort(scratch, n, sizeof *scratch, cmp_double);
  if (n % 2) return scratch[n / 2];
  return (scratch[n / 2 - 1] + scratch[n / 2]) / 2; /* inf stays inf */
}

static double mean_last(const wx_run_ctx *c, uint32_t col) {
  const wx_layout *l = &c->layout;
  uint32_t n = c->series_acc.n, last = l->n_samples - 1;
  double acc = 0;
  for (uint32_t r = 0; r < n; r++)
    acc += cell(&c->series_acc, last * l->n_cols + col, r);
  return n ? acc / n : 0;
}

static void row_named(FILE *fp, const wx_run_ctx *c, const char *name,
                      const char *prefix, const char *what, const char *label,
                      uint32_t col, double *scratch) {
  char b[32], text[400];
  double day = first_bind(c, col, scratch);
  fprintf(fp, "%s.%s,", name, what);
  snprintf(text, sizeof text, "%s %s", prefix, label);
  wx__csv_field(fp, text);
  fputc(',', fp);
  if (isfinite(day)) fputs(wx__fmt_num(b, day), fp);
  fprintf(fp, ",%s\n", wx__fmt_num(b, mean_last(c, col)));
}

static void row(FILE *fp, const wx_run_ctx *c, const wx_module *mod,
                const char *what, const char *label, uint32_t col,
                double *scratch) {
  row_named(fp, c, mod->name, mod->label, what, label, col, scratch);
}

/* A touchpoint has no label of its own: its module's, plus its name only
 * when another touchpoint of that type posts to the same module. */
static void touch_prefix(const wx_model *m, uint32_t i, char *out,
                         size_t size) {
  const wx_touchpoint *tp = &m->touchpoints[i];
  int shared = 0;
  for (uint32_t j = 0; j < m->n_touchpoints; j++)
    shared |= j != i && m->touchpoints[j].module == tp->module &&
              m->touchpoints[j].type == tp->type;
  snprintf(out, size, shared ? "%s (%s)" : "%s", m->modules[tp->module].label,
           tp->name);
}

/* Moments quotas: refused posts (enterprise) or refused recipients
 * (staff, by reason). */
static void touch_rows(FILE *fp, const wx_run_ctx *c, uint32_t i,
                       double *scratch) {
  const wx_touchpoint *tp = &c->m->touchpoints[i];
  uint32_t base = c->layout.touch_base + i * WX_TP_METRICS;
  char who[300];
  touch_prefix(c->m, i, who, sizeof who);
  if (tp->type == WX_TP_ENTERPRISE_MOMENTS) {
    row_named(fp, c, tp->name, who, "posts_per_month",
              "enterprise Moments posts per month", base + WX_TP_REFUSED_POSTS,
              scratch);
  } else if (tp->type == WX_TP_STAFF_MOMENTS) {
    row_named(fp, c, tp->name, who, "recipients_per_post",
              "Moments recipients per post", base + WX_TP_REFUSED_LIMIT,
              scratch);
    row_named(fp, c, tp->name, who, "once_per_day",
              "Moments once per customer per day", base + WX_TP_REFUSED_ONCE,
              scratch);
  }
}

static void module_rows(FILE *fp, const wx_run_ctx *c, uint32_t i,
                        double *scratch) {
  const wx_module *mod = &c->m->modules[i];
  uint32_t base = c->layout.unit_col[i];
  if (base == WX_NONE) return;
  if (mod->units.type == WX_UNITS_GROUPS) {
    row(fp, c, mod, "group_cap", "group cap", base + WX_G_REFUSED_FULL,
        scratch);
    return;
  }
  row(fp, c, mod, "friend_cap", "friend cap", base + WX_S_REFUSED_CAP, scratch);
  if (isfinite(mod->units.daily_adds))
    row(fp, c, mod, "daily_adds", "daily add limit", base + WX_S_REFUSED_DAILY,
        scratch);
  if (mod->units.accept != WX_NONE)
    row(fp, c, mod, "accept", "declined requests", base + WX_S_DECLINED,
        scratch);
}

int wx__write_constraints(const wx_run_ctx *c, const char *dir) {
  double *scratch = malloc((c->series_acc.cap + 1) * sizeof *scratch);
  wx_outfile f;
  int rc = scratch ? wx__outfile_open_in(&f, dir, "constraints.csv", c->diags)
                   : WX_ENOMEM;
  if (rc != WX_OK) {
    free(scratch);
    return rc;
  }
  fputs("constraint,label,first_bind_day,refused\n", f.fp);
  for (uint32_t i = 0; i < c->m->n_modules; i++)
    module_rows(f.fp, c, i, scratch);
  for (uint32_t i = 0; i < c->m->n_touchpoints; i++)
    touch_rows(f.fp, c, i, scratch);
  free(scratch);
  return wx__outfile_commit(&f, c->diags);
}
