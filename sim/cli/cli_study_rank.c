/* The answer to "which factor matters most", on stdout after a
 * sensitivity run: per KPI, the factors ranked by the method's headline
 * index (the tornado's swing, Morris mu*, Sobol ST, |PRCC|) with their
 * 95% intervals.  indices.csv has every index. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_study.h"

static const char *headline(const char *method) {
  static const char *const map[][2] = {{"tornado", "swing"},
                                       {"morris", "mu_star"},
                                       {"sobol", "ST"},
                                       {"prcc", "prcc"}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (!strcmp(map[i][0], method)) return map[i][1];
  return NULL;
}

/* A number for people: few digits, no exponent for large ones. */
static const char *human(char buf[32], double x) {
  double a = fabs(x);
  if (!isfinite(x))
    snprintf(buf, 32, "n/a");
  else if (a >= 1000)
    snprintf(buf, 32, "%.0f", x);
  else if (a >= 10)
    snprintf(buf, 32, "%.1f", x);
  else
    snprintf(buf, 32, "%.3g", x);
  return buf;
}

static int by_size(const void *a, const void *b) {
  const wx_study_index *x = *(const wx_study_index *const *)a;
  const wx_study_index *y = *(const wx_study_index *const *)b;
  double u = isfinite(x->value) ? fabs(x->value) : -1;
  double v = isfinite(y->value) ? fabs(y->value) : -1;
  return (u < v) - (u > v);
}

static void print_kpi(const wx_study_ctx *c, const wx_study_indices *ix,
                      unsigned kpi, const char *index,
                      const wx_study_index **rows) {
  size_t n = 0;
  for (size_t i = 0; i < ix->n; i++)
    if (ix->rows[i].kpi == kpi && !strcmp(ix->rows[i].index, index))
      rows[n++] = &ix->rows[i];
  qsort(rows, n, sizeof *rows, by_size);
  printf("  %s:", c->kpi[kpi]);
  char v[32], lo[32], hi[32];
  for (size_t i = 0; i < n && i < 5; i++)
    printf("%s %s %s [%s, %s]", i ? " >" : "", c->spec->f[rows[i]->factor].name,
           human(v, rows[i]->value), human(lo, rows[i]->lo),
           human(hi, rows[i]->hi));
  printf("%s\n", n > 5 ? " > ..." : "");
}

void wx_cli_study_ranking(const wx_study_ctx *c, const wx_study_indices *ix) {
  const char *index = c->spec->method ? headline(c->spec->method->name) : NULL;
  const wx_study_index **rows = calloc(ix->n ? ix->n : 1, sizeof *rows);
  if (!index || !rows) {
    free(rows);
    return;
  }
  printf("factors by %s%s (95%% interval), largest first:\n", index,
         strcmp(index, "prcc") ? "" : " (absolute value)");
  size_t shown = c->n_kpi < 8 ? c->n_kpi : 8;
  for (size_t j = 0; j < shown; j++) print_kpi(c, ix, (unsigned)j, index, rows);
  if (shown < c->n_kpi)
    printf("  (%zu more KPIs in indices.csv)\n", c->n_kpi - shown);
  free(rows);
}
