/* The tables of report.html, each from one CSV file of the results
 * directory, described by a column table rather than code per table. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_read.h"
#include "outfile.h"
#include "report.h"
#include "util.h"

/* A cell: the text of column `a`, or the range "a – b" when b is set;
 * numbers get thousands separators unless `text`. */
typedef struct {
  const char *header, *a, *b;
  int text;
} cell_spec;

typedef struct {
  const char *file, *id, *heading, *intro;
  cell_spec cells[9];
} table_spec;

static const table_spec tables[] = {
    {"kpi_summary.csv",
     "kpis",
     "KPIs",
     "Mean over replications with its 95% confidence interval, and the "
     "spread of single replications (p5, median, p95).",
     {{"KPI", "kpi", NULL, 1},
      {"unit", "unit", NULL, 1},
      {"n", "n", NULL, 0},
      {"mean", "mean", NULL, 0},
      {"95% CI of mean", "ci_low", "ci_high", 0},
      {"p5", "p5", NULL, 0},
      {"median", "p50", NULL, 0},
      {"p95", "p95", NULL, 0}}},
    {"compare.csv",
     "comparison",
     "Comparison",
     "Each variant against the base with common random numbers: mean "
     "[95% CI] and the paired difference to the base [95% CI].",
     {{"KPI", "kpi", NULL, 1},
      {"variant", "variant", NULL, 1},
      {"mean", "mean", NULL, 0},
      {"95% CI", "ci_low", "ci_high", 0},
      {"difference", "diff", NULL, 0},
      {"95% CI of difference", "diff_ci_low", "diff_ci_high", 0},
      {"significant", "significant", NULL, 1},
      {"winner", "winner", NULL, 1}}},
    {"funnel.csv",
     "funnel",
     "Funnel",
     "People at each stage (mean over replications, 95% CI).",
     {{"stage", "label", NULL, 1},
      {"mean", "mean", NULL, 0},
      {"95% CI", "ci_low", "ci_high", 0}}},
    {"constraints.csv",
     "limits",
     "WeChat limits",
     "When each limit first bound (median day over replications; empty "
     "when it bound in fewer than half of them) and how many requests or "
     "recipients it turned away (mean over replications).",
     {{"limit", "label", NULL, 1},
      {"constraint", "constraint", NULL, 1},
      {"first binds (day)", "first_bind_day", NULL, 0},
      {"turned away", "refused", NULL, 0}}},
};

static void put_value(wx__rbuf *b, const char *field, int text) {
  char num[48];
  wx__rb_html(b, text ? field : wx__report_num(num, field));
}

static void put_cell(wx__rbuf *b, const wx_csv *c, size_t row,
                     const cell_spec *s, const long idx[2]) {
  wx__rb_puts(b, s->text ? "<td>" : "<td class=\"n\">");
  const char *a = wx__csv_get(c, row, (size_t)idx[0]);
  const char *z = s->b ? wx__csv_get(c, row, (size_t)idx[1]) : "";
  put_value(b, a, s->text);
  if (s->b && (*a || *z)) {
    wx__rb_puts(b, " – ");
    put_value(b, wx__csv_get(c, row, (size_t)idx[1]), s->text);
  }
  wx__rb_puts(b, "</td>");
}

static size_t n_cells(const table_spec *t) {
  size_t n = 0;
  while (n < sizeof t->cells / sizeof *t->cells && t->cells[n].header) n++;
  return n;
}

/* Looks every column up; WX_EINVAL (reported) when one is missing. */
static int columns(const wx_csv *c, const table_spec *t, long idx[][2],
                   wx_diags *d) {
  int rc = WX_OK;
  for (size_t i = 0; i < n_cells(t); i++) {
    const cell_spec *s = &t->cells[i];
    idx[i][0] = wx__csv_col(c, s->a);
    idx[i][1] = s->b ? wx__csv_col(c, s->b) : 0;
    if (idx[i][0] < 0 || idx[i][1] < 0)
      rc = wx__diag(d, WX_EINVAL, wx__csv_name(c), 1, 0, "column '%s' missing",
                    idx[i][0] < 0 ? s->a : s->b);
  }
  return rc;
}

static void put_table(wx__rbuf *b, const wx_csv *c, const table_spec *t,
                      long idx[][2]) {
  size_t n = n_cells(t);
  wx__rb_printf(b,
                "<section id=\"%s\"><h2>%s</h2>\n<p>%s</p>\n"
                "<table class=\"%s\">\n<tr>",
                t->id, t->heading, t->intro, t->id);
  for (size_t i = 0; i < n; i++)
    wx__rb_printf(b, "<th>%s</th>", t->cells[i].header);
  wx__rb_puts(b, "</tr>\n");
  for (size_t r = 0; r < wx__csv_rows(c); r++) {
    wx__rb_puts(b, "<tr>");
    for (size_t i = 0; i < n; i++) put_cell(b, c, r, &t->cells[i], idx[i]);
    wx__rb_puts(b, "</tr>\n");
  }
  wx__rb_puts(b, "</table></section>\n");
}

int wx__report_tables(wx__rbuf *b, const char *dir, unsigned *found,
                      wx_diags *d) {
  int rc = WX_OK;
  *found = 0;
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
    char *path = wx__path_join(dir, tables[i].file);
    if (!path) return WX_ENOMEM;
    wx_csv *c = NULL;
    int one = WX_OK;
    if (access(path, F_OK) == 0) one = wx__csv_load(path, &c, d);
    long idx[9][2];
    if (c && one == WX_OK) one = columns(c, &tables[i], idx, d);
    if (c && one == WX_OK) {
      put_table(b, c, &tables[i], idx);
      *found |= 1u << i;
    }
    if (rc == WX_OK) rc = one;
    wx__csv_free(c);
    free(path);
  }
  return b->oom ? WX_ENOMEM : rc;
}
