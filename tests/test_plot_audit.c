/* Charts a planner puts in a deck (issue 11): the scripts wxflow hands
 * gnuplot are recorded by a stand-in that then runs the real gnuplot, so
 * that both what is asked for (axis ranges, slanted names, log scales,
 * wrapped titles, shares) and that gnuplot draws it (exit 0) are checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plot.h"
#include "results.h"
#include "scenario_support.h"

#define DATA  WX_SOURCE_DIR "/tests/data"
#define PLOTS WX_SOURCE_DIR "/plots"

typedef struct {
  char dir[64];
  char fake[128];
} scratch;

static void run(const char *cmd) { assert_int_equal(system(cmd), 0); }

/* A scratch directory (optionally a copy of a fixture) with rec-gnuplot:
 * it appends each script and its data file to DIR/recorded, then runs
 * gnuplot on the same arguments. */
static void scratch_init(scratch *s, const char *fixture) {
  snprintf(s->dir, sizeof s->dir, "/tmp/wxaudit-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  char cmd[1024];
  if (fixture) {
    snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", fixture, s->dir);
    run(cmd);
  }
  snprintf(s->fake, sizeof s->fake, "%s/rec-gnuplot.sh", s->dir);
  FILE *f = fopen(s->fake, "w");
  assert_non_null(f);
  fprintf(f,
          "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *script*.gp)\n"
          "  cat \"$a\" >> '%s/recorded'\n"
          "  d=$(sed -n \"s/^datafile = '\\(.*\\)'$/\\1/p\" \"$a\")\n"
          "  [ -n \"$d\" ] && cat \"$d\" >> '%s/recorded';; esac; done\n"
          "exec gnuplot \"$@\"\n",
          s->dir, s->dir);
  fclose(f);
  chmod(s->fake, 0755);
}

static void scratch_free(scratch *s) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
  run(cmd);
}

static void put(const scratch *s, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", s->dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Draws `charts` with the recording gnuplot; returns what it recorded. */
static char *draw(scratch *s, unsigned charts, const char *title) {
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS, .charts = charts};
  opt.report = &rep;
  opt.gnuplot = s->fake;
  opt.title = title;
  wx_diags *d = wx_diags_alloc(16);
  int rc = wx__plot_render(s->dir, &opt, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    fprintf(stderr, "%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(rep.failed, 0); /* gnuplot exited 0 on every chart */
  assert_true(rep.charts >= 1);
  wx_diags_free(d);
  char path[256];
  snprintf(path, sizeof path, "%s/recorded", s->dir);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* Five variants, an all-negative ROI and a CAC one variant dwarfs: the
 * ROI axis reaches below 0, names are slanted, CAC gets a log scale. */
static void kpi_bars_draw_negatives_many_variants_and_outliers(void **st) {
  (void)st;
  scratch s;
  scratch_init(&s, NULL);
  put(&s, "compare.csv",
      "kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,"
      "significant\n"
      "roi,base,-0.63,-0.7,-0.5,,,,\nroi,retail,-0.17,-0.4,0.1,,,,\n"
      "roi,education,-0.66,-0.9,-0.4,,,,\nroi,ecommerce,-0.29,-0.6,0,,,,\n"
      "roi,b2b,-0.95,-1,-0.9,,,,\n"
      "cac,base,670,600,740,,,,\ncac,retail,232,200,260,,,,\n"
      "cac,education,2814,1000,4000,,,,\ncac,ecommerce,320,300,340,,,,\n"
      "cac,b2b,142000,-300000,800000,,,,\n");
  const char *rec = draw(&s, WX_PLOT_KPI, NULL);
  assert_non_null(strstr(rec, "slant_names = 1"));
  double ymin = 0, ymax = 0;
  const char *p = strstr(rec, "kpi_ymin[1] = ");
  assert_non_null(p);
  ymin = strtod(p + strlen("kpi_ymin[1] = "), NULL);
  p = strstr(rec, "kpi_ymax[1] = ");
  assert_non_null(p);
  ymax = strtod(p + strlen("kpi_ymax[1] = "), NULL);
  assert_true(ymin <= -1 && ymax > 0); /* every bar and label inside */
  assert_non_null(strstr(rec, "kpi_log[1] = 0"));
  assert_non_null(strstr(rec, "kpi_log[2] = 1"));
  assert_non_null(strstr(rec, "cac, log scale"));
  scratch_free(&s);
}

/* Nothing ever bound (wechat_matrix.yaml): gnuplot 5.4 once crashed on
 * the all-empty label column; the chart shows labels, not ids; a long
 * title goes on two lines instead of running off the chart. */
static void constraints_chart_with_nothing_bound(void **st) {
  (void)st;
  scratch s;
  scratch_init(&s, DATA "/results_fixture");
  put(&s, "constraints.csv",
      "constraint,label,first_bind_day,refused\n"
      "sdr.friend_cap,企业微信 friend cap,,0\n");
  const char *rec = draw(&s, WX_PLOT_CONSTRAINTS,
                         "线下零售 Offline retail (WeCom → OA → community)");
  assert_non_null(strstr(rec, "企业微信 friend cap"));
  assert_non_null(
      strstr(rec, "community)'.\"\\n\".'when caps and quotas bind"));
  scratch_free(&s);
}

/* A gnuplot that dies silently is reported with how it ended. */
static void a_crashing_gnuplot_says_how_it_ended(void **st) {
  (void)st;
  scratch s;
  scratch_init(&s, DATA "/results_fixture");
  put(&s, "crash.sh", "#!/bin/sh\nkill -SEGV $$\n");
  char fake[256];
  snprintf(fake, sizeof fake, "%s/crash.sh", s.dir);
  chmod(fake, 0755);
  wx_plot_options opt = {.templates_dir = PLOTS, .charts = WX_PLOT_FUNNEL};
  opt.gnuplot = fake;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__plot_render(s.dir, &opt, d), WX_ERUNTIME);
  int said = 0;
  for (size_t i = 0; i < wx_diags_count(d); i++) {
    const char *m = wx_diags_get(d, i)->msg;
    said |= strstr(m, "killed by signal 11") != NULL &&
            strstr(m, "no message") == NULL;
  }
  assert_true(said);
  wx_diags_free(d);
  scratch_free(&s);
}

/* Buyers who can buy without joining the group are not "x% of group
 * members"; with the only way to buy through the group, they are. */
static int nested(const char *yaml, int stage) {
  wx_model *m = wxt_load_ok(yaml);
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, m->horizon), WX_OK);
  uint32_t oa = l.module_base + WX_M_JOINS;
  uint32_t grp = l.module_base + WX_MODULE_METRICS + WX_M_JOINS;
  uint32_t cust = l.total_base + WX_T_CUSTOMERS;
  int r = stage == 1 ? wx__funnel_nested(m, &l, &oa, 1, &grp, 1)
                     : wx__funnel_nested(m, &l, &grp, 1, &cust, 1);
  wx__layout_free(&l);
  wx_model_free(m);
  return r;
}

static void funnel_shares_only_where_stages_are_nested(void **st) {
  (void)st;
  const char *base =
      "horizon: 10d\nmodules:\n  oa: {kind: official_account}\n"
      "  grp: {kind: group}\nsources:\n  s: {into: oa, initial: 10}\n"
      "outcomes:\n  buy: {value: 100}\nflows:\n"
      "  j: {from: oa, to: grp, p: 50%, delay: 1d}\n"
      "  b: {from: grp, to: buy, p: 50%, delay: 1d}\n";
  char both[1024];
  snprintf(both, sizeof both, "%s  d: {from: oa, to: buy, p: 5%%, delay: 1d}\n",
           base);
  assert_true(nested(base, 1));
  assert_true(nested(base, 2));
  assert_false(nested(both, 2)); /* buyers straight from the OA */
  char src[1024];
  const char *at = strstr(base, "into: oa");
  snprintf(src, sizeof src, "%.*sinto: grp%s", (int)(at - base), base,
           at + strlen("into: oa")); /* people arrive in the group itself */
  assert_false(nested(src, 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kpi_bars_draw_negatives_many_variants_and_outliers),
      cmocka_unit_test(constraints_chart_with_nothing_bound),
      cmocka_unit_test(a_crashing_gnuplot_says_how_it_ended),
      cmocka_unit_test(funnel_shares_only_where_stages_are_nested),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
