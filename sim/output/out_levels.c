/*
 * levels.csv: the caps and targets a series is measured against, so that
 * charts can draw them as lines over the series' fan.
 *
 *   scope,name,metric,kind,label,day,value
 *   module,sdr,members,cap,企业微信 SDR friend cap (2 × 140),0,280
 *   module,sdr,members,target,sdr_250,0,250
 *
 * A line is the run of rows sharing scope, name, metric, kind and label;
 * each row's value holds from `day` until the next row's day (a step), the
 * last until the horizon.  Rows: per staff module the friend cap of all
 * its accounts on `members` and of one account on `friends_max`; per group
 * module with a fixed number of groups (on_full drop or retry) its
 * capacity on `members` and the groups on `groups_open` (a module that
 * opens new groups has no cap on either); every target on its series.
 * Caps that cannot be stated as a level of one series (the daily add limit
 * bounds a day's joins, a Moments quota a post's recipients) are in
 * constraints.csv only.
 */
#include <stdio.h>

#include "results.h"

static void level_row(FILE *fp, const char *scope, const char *name,
                      const char *metric, const char *kind, const char *label,
                      double value) {
  char b[32];
  fprintf(fp, "%s,%s,%s,%s,", scope, name, metric, kind);
  wx__csv_field(fp, label);
  fprintf(fp, ",0,%s\n", wx__fmt_num(b, value));
}

static void module_levels(FILE *fp, const wx_module *mod) {
  const wx_units_cfg *u = &mod->units;
  char text[600], b1[32], b2[32];
  if (u->type == WX_UNITS_STAFF) {
    snprintf(text, sizeof text, "%s friend cap (%s × %s)", mod->label,
             wx__fmt_num(b1, u->units), wx__fmt_num(b2, u->cap));
    level_row(fp, "module", mod->name, "members", "cap", text,
              u->units * u->cap);
    snprintf(text, sizeof text, "%s friend cap per account", mod->label);
    level_row(fp, "module", mod->name, "friends_max", "cap", text, u->cap);
  } else if (u->type == WX_UNITS_GROUPS &&
             u->on_refused != WX_REFUSE_NEW_GROUP) {
    snprintf(text, sizeof text, "%s group capacity (%s × %s)", mod->label,
             wx__fmt_num(b1, u->units), wx__fmt_num(b2, u->cap));
    level_row(fp, "module", mod->name, "members", "cap", text,
              u->units * u->cap);
    snprintf(text, sizeof text, "%s groups", mod->label);
    level_row(fp, "module", mod->name, "groups_open", "cap", text, u->units);
  }
}

static void target_level(FILE *fp, const wx_model *m, const wx_kpi_target *t) {
  const char *name = t->scope == WX_SCOPE_MODULE ? m->modules[t->index].name
                                                 : m->outcomes[t->index].name;
  level_row(fp, wx__scope_name(t->scope), name, t->metric, "target", t->name,
            t->value);
}

int wx__write_levels(const wx_run_ctx *c, const char *dir) {
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "levels.csv", c->diags);
  if (rc != WX_OK) return rc;
  const wx_model *m = c->m;
  fputs("scope,name,metric,kind,label,day,value\n", f.fp);
  for (uint32_t i = 0; i < m->n_modules; i++)
    module_levels(f.fp, &m->modules[i]);
  for (uint32_t i = 0; i < m->n_targets; i++)
    if (m->targets[i].scope == WX_SCOPE_MODULE ||
        m->targets[i].scope == WX_SCOPE_OUTCOME)
      target_level(f.fp, m, &m->targets[i]);
  return wx__outfile_commit(&f, c->diags);
}
