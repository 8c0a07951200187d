/* The audience of a live stream (series.h WX_LIVE_*): viewers online
 * through the first stream of each live touchpoint, as a fan over the
 * replications, in minutes from its start.  Over the whole horizon the
 * streams are spikes a sample wide; one stream shows its shape (arrivals,
 * viewing time, the end). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* Rows [*from, *to] around the first stream: from the sample before
 * anyone is online (p95 > 0) to the first after, when all have left. */
static int first_stream(const wx__pseries *s, size_t *from, size_t *to) {
  size_t i = 0;
  while (i < s->n && !(s->q[WX_Q_P95][i] > 0)) i++;
  if (i == s->n) return 0;
  *from = i ? i - 1 : 0;
  while (i < s->n && s->q[WX_Q_P95][i] > 0) i++;
  *to = i < s->n ? i : s->n - 1;
  return 1;
}

static int write_data(wx__plot_ctx *ctx, const wx__pseries *s, size_t from,
                      size_t to, char path[WX_PLOT_PATH]) {
  static const int order[] = {WX_Q_P5,  WX_Q_P25, WX_Q_P50,
                              WX_Q_P75, WX_Q_P95, WX_Q_MEAN};
  FILE *f = wx__plot_datafile(ctx, path);
  if (!f) return WX_EIO;
  fputs("# minutes\tp5\tp25\tp50\tp75\tp95\tmean\n", f);
  for (size_t i = from; i <= to; i++) {
    fprintf(f, "%.10g", (s->t[i] - s->t[from]) * 1440);
    for (int k = 0; k < 6; k++) fprintf(f, "\t%.10g", s->q[order[k]][i]);
    fputc('\n', f);
  }
  return wx__plot_close(ctx, f, path);
}

static int online_one(wx__plot_ctx *ctx, const wx__plot_results *r,
                      const char *name, int color) {
  wx__pseries s;
  char path[WX_PLOT_PATH], base[300], safe[256], title[768];
  size_t from, to;
  int rc = wx__plot_series(ctx, r, "touchpoint", name, "online", &s);
  if (rc != WX_OK) return rc;
  if (s.n == 0) { /* not a live stream; the empty series still holds memory */
    wx__pseries_free(&s);
    return WX_OK;
  }
  if (!first_stream(&s, &from, &to)) {
    wx__pseries_free(&s);
    snprintf(base, sizeof base, "online %s", name);
    wx__plot_skip(ctx, base, "nobody watched a stream");
    return WX_OK;
  }
  rc = write_data(ctx, &s, from, to, path);
  double start = s.t[from];
  wx__pseries_free(&s);
  if (rc != WX_OK) return rc;
  const char *label = wx__plot_label(r, "touchpoint", name);
  char what[600];
  snprintf(what, sizeof what, "%s: viewers online, the stream of day %.4g",
           label, start);
  wx__plot_title(ctx, what, title, sizeof title);
  wx__sbuf v = {0};
  wx__sb_gpvar(&v, "datafile", path);
  wx__sb_gpvar(&v, "title", title);
  wx__sb_gpvar(&v, "xlabel", "Minutes from the sample before the stream");
  wx__sb_gpvar(&v, "ylabel", "Viewers online");
  wx__sb_gpvar(&v, "label", label);
  wx__sb_printf(&v, "color = %d\n", color);
  wx__plot_safe_name(safe, sizeof safe, name);
  snprintf(base, sizeof base, "online_%s", safe);
  rc = v.oom ? WX_ENOMEM : wx__plot_run(ctx, "fan.gp", base, v.s);
  wx__sb_free(&v);
  return rc;
}

int wx__plot_live(wx__plot_ctx *ctx, const wx__plot_results *r) {
  long cs = r->ent ? wx__csv_col(r->ent, "scope") : -1;
  long cn = r->ent ? wx__csv_col(r->ent, "name") : -1;
  if (cs < 0 || cn < 0) return WX_OK;
  int rc = WX_OK;
  for (size_t i = 0, k = 0; i < wx__csv_rows(r->ent); i++) {
    if (strcmp(wx__csv_get(r->ent, i, (size_t)cs), "touchpoint")) continue;
    int one = online_one(ctx, r, wx__csv_get(r->ent, i, (size_t)cn), (int)++k);
    if (rc == WX_OK) rc = one;
  }
  return rc;
}
