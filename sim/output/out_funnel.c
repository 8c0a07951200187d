/* funnel.csv (plot.h): the stages people pass through, each the mean over
 * replications of a count at the horizon with its 95% t CI.  Stages are
 * sums of series columns at the last sample, read back from the series
 * accumulator, so they equal the series and KPI values by construction.
 * The scenario's `funnel:` decides the stages; without it they come from
 * the module kinds, and a stage without modules (or touchpoints, outcomes)
 * of its kind is left out. */
#include <stdlib.h>

#include "kinds.h"
#include "results.h"

enum { WX_FUNNEL_STAGES = 5 };

typedef struct {
  const char *stage, *label;
  uint32_t n;     /* columns summed */
  uint32_t *cols; /* into the layout */
} stage;

static wx_kind_stage stage_of(const wx_module *mod) {
  return wx__kind_info(mod->kind)->stage;
}

static void add_module_joins(stage *s, const wx_model *m, const wx_layout *l,
                             wx_kind_stage ks) {
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (stage_of(&m->modules[i]) == ks)
      s->cols[s->n++] = l->module_base + i * WX_MODULE_METRICS + WX_M_JOINS;
}

static void add_customers(stage *s, const wx_model *m, const wx_layout *l) {
  if (l->n_economic && wx__model_has_extras(m))
    s->cols[s->n++] = l->total_base + WX_T_CUSTOMERS;
  else if (m->n_outcomes)
    s->cols[s->n++] = l->outcome_base;
}

static void add_reached(stage *s, const wx_model *m, const wx_layout *l) {
  for (uint32_t i = 0; i < m->n_touchpoints; i++)
    s->cols[s->n++] = l->touch_base + i * WX_TP_METRICS + WX_TP_REACHED;
}

/* The scenario's own `funnel:` stages, in its order. */
static uint32_t build_declared(stage *st, const wx_model *m,
                               const wx_layout *l) {
  for (uint32_t k = 0; k < m->n_funnel; k++) {
    const wx_funnel_stage *fs = &m->funnel[k];
    st[k].stage = fs->name;
    st[k].label = fs->label;
    if (fs->kind == WX_STAGE_REACHED)
      add_reached(&st[k], m, l);
    else if (fs->kind == WX_STAGE_CUSTOMERS)
      add_customers(&st[k], m, l);
    else
      st[k].cols[st[k].n++] =
          l->module_base + fs->module * WX_MODULE_METRICS + WX_M_JOINS;
  }
  return m->n_funnel;
}

/* Fills st[] (each with room for `room` columns); returns the stages. */
static uint32_t build(stage *st, const wx_model *m, const wx_layout *l) {
  if (m->n_funnel) return build_declared(st, m, l);
  static const char *const names[WX_FUNNEL_STAGES][2] = {
      {"reached", "触达 reached"},
      {"followers", "关注 followers"},
      {"staff_friends", "好友 staff friends"},
      {"group_members", "群成员 group members"},
      {"customers", "客户 customers"}};
  for (int k = 0; k < WX_FUNNEL_STAGES; k++) {
    st[k].stage = names[k][0];
    st[k].label = names[k][1];
  }
  add_reached(&st[0], m, l);
  for (int k = WX_KSTAGE_FOLLOWERS; k <= WX_KSTAGE_GROUP_MEMBERS; k++)
    add_module_joins(&st[k], m, l, (wx_kind_stage)k);
  add_customers(&st[4], m, l);
  uint32_t kept = 0;
  for (int k = 0; k < WX_FUNNEL_STAGES; k++)
    if (st[k].n) st[kept++] = st[k];
  return kept;
}

/* Per replication, each stage's sum at the horizon, into acc. */
static int fill(wx_accum *acc, const stage *st, uint32_t n, const wx_run_ctx *c,
                double *row) {
  const wx_accum *a = &c->series_acc;
  const wx_layout *l = &c->layout;
  size_t last = (size_t)(l->n_samples - 1) * l->n_cols;
  int rc = WX_OK;
  for (uint32_t r = 0; r < a->n && rc == WX_OK; r++) {
    for (uint32_t k = 0; k < n; k++) {
      row[k] = 0;
      for (uint32_t j = 0; j < st[k].n; j++)
        row[k] += a->values[(last + st[k].cols[j]) * a->cap + r];
    }
    rc = wx__accum_add(acc, row);
  }
  return rc;
}

/* share_of_previous: mean over mean of the stage before, only where the
 * stage is nested in it (else empty: not a conversion). */
static void write_rows(FILE *fp, const wx_run_ctx *c, const stage *st,
                       uint32_t n, const wx_accum *acc, double *scratch) {
  char b[32];
  double prev = 0;
  fputs("stage,label,mean,ci_low,ci_high,share_of_previous\n", fp);
  for (uint32_t k = 0; k < n; k++) {
    wx_cell_summary s;
    wx__accum_summary(acc, k, NULL, 0, scratch, &s);
    fprintf(fp, "%s,", st[k].stage);
    wx__csv_field(fp, st[k].label);
    fprintf(fp, ",%s", wx__fmt_stat(b, s.mean));
    fprintf(fp, ",%s", wx__fmt_stat(b, s.ci_low));
    fprintf(fp, ",%s,", wx__fmt_stat(b, s.ci_high));
    if (k && prev > 0 &&
        wx__funnel_nested(c->m, &c->layout, st[k - 1].cols, st[k - 1].n,
                          st[k].cols, st[k].n))
      fputs(wx__fmt_stat(b, s.mean / prev), fp);
    fputc('\n', fp);
    prev = s.mean;
  }
}

static int write_file(const wx_run_ctx *c, const char *dir, const stage *st,
                      uint32_t n) {
  uint32_t reps = c->series_acc.n;
  wx_accum acc = {0};
  double *buf = malloc((reps + n + 2) * sizeof *buf);
  int rc = buf ? wx__accum_init(&acc, n, reps) : WX_ENOMEM;
  if (rc == WX_OK) rc = fill(&acc, st, n, c, buf);
  wx_outfile f;
  if (rc == WX_OK) rc = wx__outfile_open_in(&f, dir, "funnel.csv", c->diags);
  if (rc == WX_OK) {
    write_rows(f.fp, c, st, n, &acc, buf);
    rc = wx__outfile_commit(&f, c->diags);
  }
  wx__accum_free(&acc);
  free(buf);
  return rc;
}

int wx__funnel_written(const wx_run_ctx *c) {
  const wx_model *m = c->m;
  int any = m->n_funnel || m->n_touchpoints || m->n_outcomes;
  for (uint32_t i = 0; i < m->n_modules && !any; i++)
    any = stage_of(&m->modules[i]) != WX_KSTAGE_NONE;
  return any;
}

int wx__write_funnel(const wx_run_ctx *c, const char *dir) {
  const wx_model *m = c->m;
  size_t room = (size_t)m->n_modules + m->n_touchpoints + 1;
  size_t n_st = m->n_funnel > WX_FUNNEL_STAGES ? m->n_funnel : WX_FUNNEL_STAGES;
  uint32_t *cols = malloc(n_st * room * sizeof *cols);
  stage *st = calloc(n_st, sizeof *st);
  if (!cols || !st) {
    free(cols);
    free(st);
    return WX_ENOMEM;
  }
  for (size_t k = 0; k < n_st; k++) st[k].cols = cols + k * room;
  uint32_t n = build(st, m, &c->layout);
  int rc = n ? write_file(c, dir, st, n) : WX_OK;
  free(st);
  free(cols);
  return rc;
}
