/* The results directory of a calibration (docs/calibrate.md, "Outputs"):
 * every file written under a temporary name and renamed into place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_dir.h"
#include "calib.h"
#include "outfile.h"
#include "results.h"
#include "util.h"

static const char *tf_name(wx_calib_tf t) {
  return t == WX_TF_LOG ? "log" : t == WX_TF_LOGIT ? "logit" : "linear";
}

static int write_fit(const char *dir, const wx_calib_sim *c,
                     const wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "fit.csv", d);
  if (rc != WX_OK) return rc;
  fputs(
      "parameter,name,estimate,lo,hi,level,scale,sd_scale,at_bound,"
      "slice_rise,identified,bound_lo,bound_hi\n",
      f.fp);
  for (size_t i = 0; i < s->k; i++) {
    char b[9][32];
    wx__csv_field(f.fp, s->f[i].path);
    fputc(',', f.fp);
    wx__csv_field(f.fp, s->f[i].name);
    fprintf(f.fp, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
            wx__fmt_stat(b[0], r->x_hat[i]), wx__fmt_stat(b[1], r->lo[i]),
            wx__fmt_stat(b[2], r->hi[i]), wx__fmt_stat(b[3], s->level),
            tf_name(s->tf[i]), wx__fmt_stat(b[4], r->sd_z[i]),
            wx__fmt_stat(b[5], r->at_bound[i]), wx__fmt_stat(b[8], r->rise[i]),
            r->unidentified[i] ? "no" : "yes", wx__fmt_stat(b[6], s->f[i].lo),
            wx__fmt_stat(b[7], s->f[i].hi));
  }
  return wx__outfile_commit(&f, d);
}

static int write_corr(const char *dir, const wx_calib_sim *c,
                      const wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "correlations.csv", d);
  if (rc != WX_OK) return rc;
  fputs("parameter_a,parameter_b,correlation\n", f.fp);
  for (size_t i = 0; i < s->k; i++)
    for (size_t j = 0; j < s->k; j++) {
      char b[32];
      wx__csv_field(f.fp, s->f[i].path);
      fputc(',', f.fp);
      wx__csv_field(f.fp, s->f[j].path);
      fprintf(f.fp, ",%s\n", wx__fmt_stat(b, r->corr[i * s->k + j]));
    }
  return wx__outfile_commit(&f, d);
}

static int write_trace(const char *dir, const wx_calib_sim *c,
                       const wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  wx_outfile f;
  int rc = wx__outfile_open_in(&f, dir, "loss_trace.csv", d);
  if (rc != WX_OK) return rc;
  fputs("eval,loss,best", f.fp);
  for (size_t i = 0; i < s->k; i++) {
    fputc(',', f.fp);
    wx__csv_field(f.fp, s->f[i].path);
  }
  fputc('\n', f.fp);
  double best = HUGE_VAL;
  for (size_t e = 0; e < r->trace.n; e++) {
    char b[32], b2[32];
    double l = r->trace.loss[e];
    if (l < best) best = l;
    fprintf(f.fp, "%zu,%s,%s", e + 1, wx__fmt_num(b, l), wx__fmt_num(b2, best));
    for (size_t i = 0; i < s->k; i++)
      fprintf(f.fp, ",%s", wx__fmt_num(b, r->trace.x[e * s->k + i]));
    fputc('\n', f.fp);
  }
  return wx__outfile_commit(&f, d);
}

/* What the fit chart draws, one row per series and day. */
static int write_series(const char *dir, const wx_calib_sim *c,
                        const wx_calib_result *r, wx_diags *d) {
  const wx_calib_spec *s = c->s;
  double *y = wx__calib_observed(c);
  wx_outfile f;
  int rc = y ? wx__outfile_open_in(&f, dir, "calib_fit.csv", d) : WX_ENOMEM;
  if (rc != WX_OK) {
    free(y);
    return rc;
  }
  fputs("metric,day,observed,p5,p50,p95,part\n", f.fp);
  for (size_t i = 0; i < s->n_series; i++)
    for (size_t day = 1; day <= c->days; day++) {
      size_t j = i * c->days + day - 1;
      char b[4][32];
      wx__csv_field(f.fp, s->s[i].ref);
      fprintf(f.fp, ",%zu,%s,%s,%s,%s,%s\n", day, wx__fmt_num(b[0], y[j]),
              wx__fmt_stat(b[1], r->q5[j]), wx__fmt_stat(b[2], r->q50[j]),
              wx__fmt_stat(b[3], r->q95[j]),
              day <= r->fit_days ? "fit" : "holdout");
    }
  free(y);
  return wx__outfile_commit(&f, d);
}

static int write_scenario(const char *dir, const wx_calib_sim *c,
                          const wx_calib_result *r, wx_diags *d) {
  char *text = NULL;
  int rc = wx__calib_scenario_text(c, r, &text, d);
  char *path = rc == WX_OK ? wx__path_join(dir, "calibrated.yaml") : NULL;
  if (rc == WX_OK && !path) rc = WX_ENOMEM;
  if (rc == WX_OK) rc = wx__write_file_atomic(path, text, d);
  free(path);
  free(text);
  return rc;
}

int wx__calib_write(const wx_calib_sim *c, const wx_calib_result *r,
                    const wx_calib_out_opts *o, wx_diags *d) {
  const char *dir = o->out_dir;
  if (!o->force && wx__dir_in_use(dir))
    return wx__diag(d, WX_EEXISTS, dir, 0, 0,
                    "results directory in use; "
                    "pass --force to replace its files");
  int rc = wx__mkdir_p(dir, d);
  if (rc == WX_OK) rc = write_fit(dir, c, r, d);
  if (rc == WX_OK) rc = write_corr(dir, c, r, d);
  if (rc == WX_OK) rc = write_trace(dir, c, r, d);
  if (rc == WX_OK) rc = write_series(dir, c, r, d);
  if (rc == WX_OK) rc = write_scenario(dir, c, r, d);
  return rc;
}
