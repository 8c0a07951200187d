/* What a comparison writes: compare.csv (read by the KPI-bar chart),
 * compare.md (the table for a deck) and manifest.json. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "model.h"
#include "outfile.h"
#include "results.h"
#include "util.h"

/* A number for people: NaN as "–", few digits, no exponent for counts. */
static const char *human(char buf[32], double x) {
  if (!isfinite(x)) return "–";
  double a = fabs(x);
  if (a >= 1000)
    snprintf(buf, 32, "%.0f", x);
  else if (a >= 10)
    snprintf(buf, 32, "%.1f", x);
  else
    snprintf(buf, 32, "%.3g", x);
  return buf;
}

/* A value that rests on fewer replications than ran (payback_day: those
 * that paid back) says how many, the base's as well as the others'. */
static void md_ci(FILE *fp, const wx_ci *c, uint32_t replications) {
  char a[32], b[32], m[32];
  fprintf(fp, " %s [%s, %s]", human(m, c->mean), human(a, c->lo),
          human(b, c->hi));
  if (c->n != replications) fprintf(fp, " (n=%u)", c->n);
  fputs(" |", fp);
}

static void md_header(const wx_comparison *c, FILE *fp) {
  fprintf(fp, "| KPI | %s%s |", c->names[0],
          strcmp(c->names[0], "base") ? " (base)" : "");
  for (size_t v = 1; v < c->n_var; v++)
    fprintf(fp, " %s | Δ %s vs %s |", c->names[v], c->names[v], c->names[0]);
  fputs(" winner |\n|:--|--:|", fp);
  for (size_t v = 1; v < c->n_var; v++) fputs("--:|--:|", fp);
  fputs(":--|\n", fp);
}

static void md_row(const wx_comparison *c, const wx_compare_row *r, FILE *fp) {
  fprintf(fp, "| %s%s%s%s%s |", r->kpi, r->unit[0] ? " (" : "", r->unit,
          r->unit[0] ? ")" : "", r->better == WX_BETTER_LOWER ? " ↓" : "");
  for (size_t v = 0; v < c->n_var; v++) {
    const wx_compare_cell *x = &r->cell[v];
    if (!x->present) {
      fputs(v ? " – | – |" : " – |", fp);
      continue;
    }
    md_ci(fp, &x->value, c->replications);
    if (v == 0) continue;
    if (!r->cell[0].present) {
      fputs(" – |", fp);
      continue;
    }
    char a[32], b[32], m[32];
    fprintf(fp, " %s%s [%s, %s] %s", x->diff.mean > 0 ? "+" : "",
            human(m, x->diff.mean), human(a, x->diff.lo), human(b, x->diff.hi),
            x->significant ? "✓" : "✗");
    /* Censored KPIs pair fewer replications: say how many. */
    if (x->diff.n != c->replications) fprintf(fp, " (n=%u)", x->diff.n);
    fputs(" |", fp);
  }
  if (r->winner < 0)
    fputs(" — |\n", fp);
  else
    fprintf(fp, " %s %s |\n", c->names[r->winner], r->winner_sig ? "✓" : "✗");
}

int wx__comparison_markdown(const wx_comparison *c, FILE *fp) {
  md_header(c, fp);
  for (size_t i = 0; i < c->n_rows; i++) md_row(c, &c->rows[i], fp);
  fprintf(fp,
          "\nMean [95%% CI] over %u replications (seed %llu); every variant "
          "ran with common random numbers.\n"
          "Δ: paired difference to %s [95%% CI, Student t; shares: Wilson "
          "and Newcombe's paired interval]; ✓ significant (the CI excludes "
          "0, has a width and rests on at least %d pairs), ✗ not; (n=K): "
          "only K replications had a value (after a Δ: in both; e.g. "
          "reached the target or paid back).  cac and roi are ratios of "
          "means (total cost / total customers) with delta-method "
          "intervals.\n"
          "Winner: the best mean (↓ marks KPIs where lower is better); ✓ "
          "when its paired difference to %s is significant (for %s itself: "
          "when the runner-up's is); — when no variant differs or the KPI "
          "is neutral.\n",
          c->replications, (unsigned long long)c->seed, c->names[0],
          WX_MIN_PAIRS, c->names[0], c->names[0]);
  return ferror(fp) ? WX_EIO : WX_OK;
}

static void csv_num(FILE *fp, double x) {
  char b[32];
  fputc(',', fp);
  fputs(wx__fmt_num(b, x), fp);
}

static void csv_cell(const wx_comparison *c, const wx_compare_row *r, size_t v,
                     FILE *fp) {
  const wx_compare_cell *x = &r->cell[v];
  fprintf(fp, "%s,%s", r->kpi, c->names[v]);
  csv_num(fp, x->value.mean);
  csv_num(fp, x->value.lo);
  csv_num(fp, x->value.hi);
  if (v == 0 || !r->cell[0].present) {
    fputs(",,,,", fp);
  } else {
    csv_num(fp, x->diff.mean);
    csv_num(fp, x->diff.lo);
    csv_num(fp, x->diff.hi);
    fputs(x->significant ? ",true" : ",false", fp);
  }
  fprintf(fp, ",%u", x->value.n);
  if (v == 0 || !r->cell[0].present) {
    fputs(",,", fp);
  } else {
    csv_num(fp, x->welch.lo);
    csv_num(fp, x->welch.hi);
  }
  fprintf(fp, ",%s,%s,", wx__kpi_better_name(r->better),
          r->winner == (int)v ? "true" : "false");
  if (v && r->cell[0].present) fprintf(fp, "%u", x->diff.n);
  fputc('\n', fp);
}

int wx__comparison_csv(const wx_comparison *c, FILE *fp) {
  fputs(
      "kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,"
      "significant,n,unpaired_ci_low,unpaired_ci_high,better,winner,"
      "diff_n\n",
      fp);
  for (size_t i = 0; i < c->n_rows; i++)
    for (size_t v = 0; v < c->n_var; v++)
      if (c->rows[i].cell[v].present) csv_cell(c, &c->rows[i], v, fp);
  return ferror(fp) ? WX_EIO : WX_OK;
}

static void json_overrides(FILE *fp, const wx_variant_spec *v) {
  fputs("{", fp);
  for (size_t k = 0; k < v->n_ov; k++) {
    fputs(k ? ", " : "", fp);
    wx__json_string(fp, v->ov[k].path);
    fputs(": ", fp);
    wx__json_string(fp, v->ov[k].value);
  }
  fputs("}", fp);
}

static int manifest(const wx_comparison *c, const wx_compare_spec *s,
                    wx_model *const *models, FILE *fp) {
  const char *title = s->title           ? s->title
                      : models[0]->title ? models[0]->title
                                         : "";
  fprintf(fp,
          "{\n  \"wxflow_version\": \"%s\",\n  \"kind\": \"compare\",\n"
          "  \"title\": ",
          wx_version());
  wx__json_string(fp, title);
  fputs(",\n  \"comparison\": ", fp);
  wx__json_string(fp, s->file ? s->file : "");
  fprintf(fp, ",\n  \"comparison_hash\": \"%s%s\",\n",
          s->file ? "fnv1a64:" : "", s->file ? s->hash : "");
  fprintf(fp, "  \"seed\": %llu,\n  \"replications\": %u,\n",
          (unsigned long long)c->seed, c->replications);
  fputs(
      "  \"common_random_numbers\": \"replication r of every variant "
      "uses the streams of (seed, r), tagged by entity name\",\n",
      fp);
  fprintf(fp, "  \"overlays\": %s,\n  \"variants\": [",
          c->same_grid ? "true" : "false");
  for (size_t i = 0; i < s->n; i++) {
    fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
    wx__json_string(fp, s->v[i].name);
    fputs(", \"scenario\": ", fp);
    wx__json_string(fp, s->v[i].scenario);
    fprintf(fp, ", \"scenario_hash\": \"fnv1a64:%s\", \"overrides\": ",
            models[i]->hash);
    json_overrides(fp, &s->v[i]);
    fputs("}", fp);
  }
  fputs("\n  ]\n}\n", fp);
  return ferror(fp) ? WX_EIO : WX_OK;
}

typedef enum { OUT_CSV, OUT_MD, OUT_MANIFEST } out_kind;

static int write_one(const wx_comparison *c, const wx_compare_spec *s,
                     wx_model *const *models, const char *dir, out_kind k,
                     wx_diags *d) {
  static const char *const names[] = {"compare.csv", "compare.md",
                                      "manifest.json"};
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, names[k], d);
  if (rc != WX_OK) return rc;
  if (k == OUT_CSV) rc = wx__comparison_csv(c, f.fp);
  if (k == OUT_MD) rc = wx__comparison_markdown(c, f.fp);
  if (k == OUT_MANIFEST) rc = manifest(c, s, models, f.fp);
  if (rc != WX_OK) {
    wx__outfile_abort(&f);
    return wx__diag(d, rc, dir, 0, 0, "cannot write %s", names[k]);
  }
  return wx__outfile_commit(&f, d);
}

int wx__comparison_write(const wx_comparison *c, const wx_compare_spec *s,
                         wx_model *const *models, const char *dir,
                         wx_diags *d) {
  int rc = WX_OK;
  for (int k = OUT_CSV; k <= OUT_MANIFEST && rc == WX_OK; k++)
    rc = write_one(c, s, models, dir, (out_kind)k, d);
  return rc;
}
