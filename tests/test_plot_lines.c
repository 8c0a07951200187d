/* Caps and targets as lines on the fan charts (levels.csv, plot_levels.c),
 * hostile labels kept inert, and KPI bars that stay readable with ten
 * variants (names on the y axis, apart from each other). */
#include <math.h>
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
#include "report.h"

#define DATA  WX_SOURCE_DIR "/tests/data"
#define PLOTS WX_SOURCE_DIR "/plots"

static char *scratch(const char *fixture) {
  char *dir = strdup("/tmp/wxlines-test-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char cmd[1024];
  if (fixture) {
    snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", fixture, dir);
    assert_int_equal(system(cmd), 0);
  }
  return dir;
}

static void scratch_free(char *dir) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static void put_file(const char *dir, const char *name, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *dir, const char *name) {
  size_t n;
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *s = wx__report_slurp(path, &n);
  if (!s) fail_msg("missing %s", path);
  return s;
}

static void render(const char *dir, unsigned charts) {
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS, .charts = charts};
  opt.formats = WX_PLOT_SVG;
  opt.report = &rep;
  wx_diags *d = wx_diags_alloc(64);
  int rc = wx__plot_render(dir, &opt, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    if (wx_diags_get(d, i)->code != WX_OK)
      fprintf(stderr, "%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(rep.failed, 0);
  wx_diags_free(d);
}

/* The fixture's wecom members reach a p95 of 2361.4: a cap of 3,000 and a
 * target of 2,000 fit the chart; a cap of 100,000 would squash the fan
 * and is named above it instead; a stepped line is labelled with its
 * last step. */
static void caps_and_targets_are_lines_or_notes(void **st) {
  (void)st;
  char *dir = scratch(DATA "/results_fixture");
  put_file(dir, "levels.csv",
           "scope,name,metric,kind,label,day,value\n"
           "module,wecom,members,cap,企业微信 friend cap (1 × 3000),0,3000\n"
           "module,wecom,members,target,wecom_2k,0,2000\n"
           "module,wecom,members,cap,whole company cap,0,100000\n"
           "module,oa,members,cap,stepped cap,0,5000\n"
           "module,oa,members,cap,stepped cap,15,9000\n"
           "module,wecom,joins,cap,other metric,0,1\n");
  render(dir, WX_PLOT_FAN);
  char *svg = slurp(dir, "charts/fan_wecom.svg");
  assert_non_null(strstr(svg, "企业微信 friend cap (1 × 3000): 3,000"));
  assert_non_null(strstr(svg, "wecom_2k: 2,000"));
  assert_non_null(strstr(svg, "whole company cap: 100,000 above"));
  assert_null(strstr(svg, "other metric"));
  /* the axis stays the fan's: no tick anywhere near 100,000 */
  assert_null(strstr(svg, "<text>100000</text>"));
  assert_null(strstr(svg, "<text>50000</text>"));
  assert_non_null(strstr(svg, "<text>3000</text>"));
  free(svg);
  svg = slurp(dir, "charts/fan_oa.svg");
  assert_non_null(strstr(svg, "stepped cap: 9,000"));
  free(svg);
  svg = slurp(dir, "charts/fan_mini.svg");
  assert_null(strstr(svg, "cap:"));
  free(svg);
  scratch_free(dir);
}

/* A label is scenario text: quotes, a gnuplot system() call and markup
 * stay text, in the chart and in the report page that inlines it. */
static void hostile_label_stays_inert(void **st) {
  (void)st;
  char *dir = scratch(DATA "/results_fixture");
  put_file(dir, "levels.csv",
           "scope,name,metric,kind,label,day,value\n"
           "module,wecom,members,cap,\"x'; system('touch PWNED'); "
           "'`touch PWNED2`</text><script>alert(1)</script>&@\",0,3000\n");
  char cwd[1024];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  render(dir, WX_PLOT_FAN);
  assert_int_equal(chdir(cwd), 0);
  char path[1024];
  struct stat sb;
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, i ? "PWNED2" : "PWNED");
    assert_int_not_equal(stat(path, &sb), 0);
    snprintf(path, sizeof path, "%s/charts/%s", dir, i ? "PWNED2" : "PWNED");
    assert_int_not_equal(stat(path, &sb), 0);
  }
  char *svg = slurp(dir, "charts/fan_wecom.svg");
  assert_null(strstr(svg, "<script"));
  assert_non_null(strstr(svg, "system('touch PWNED')"));
  assert_non_null(strstr(svg, "&lt;script>alert(1)&lt;/script>&amp;@: 3,000"));
  wx__rbuf b = {0};
  assert_int_equal(wx__report_svg(&b, svg, "c1", "fan_wecom.svg", NULL), WX_OK);
  assert_null(strstr(b.s, "<script"));
  wx__rb_free(&b);
  free(svg);
  scratch_free(dir);
}

static const char *const names[10] = {"baseline",
                                      "more_ads",
                                      "no_group",
                                      "double_staff",
                                      "weekly_live",
                                      "moments_twice_a_day_all_month",
                                      "referral_50",
                                      "referral_100",
                                      "私域社群运营加强方案第二期试点版本",
                                      "x"};

static void ten_variants_fixture(const char *dir) {
  char *csv = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&csv, &len);
  fputs(
      "kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,"
      "significant\n",
      f);
  static const char *const kpis[3] = {"customers", "revenue", "roi"};
  static const double base[3] = {600, 120000, 0.5};
  for (int k = 0; k < 3; k++)
    for (int v = 0; v < 10; v++) {
      double m = base[k] * (1 + 0.1 * v);
      fprintf(f, "%s,%s,%g,%g,%g,,,,%s\n", kpis[k], names[v], m, 0.95 * m,
              1.05 * m, v % 2 ? "true" : "");
    }
  fclose(f);
  put_file(dir, "compare.csv", csv);
  put_file(dir, "manifest.json", "{\"title\": \"十个方案\"}\n");
  free(csv);
}

/* The y of the first tick label reading `text` at the left of the chart
 * (gnuplot's SVG: <g transform="translate(x,y)" ... font-size="f" ...>
 * then <text>text</text>), and its x and font size. */
static int name_position(const char *svg, const char *text, double *x,
                         double *y, double *font) {
  char want[256];
  snprintf(want, sizeof want, "<text>%s</text>", text);
  const char *hit = strstr(svg, want);
  if (!hit) return 0;
  const char *g = hit;
  while (g > svg && strncmp(g, "<g transform=\"translate(", 24)) g--;
  if (sscanf(g, "<g transform=\"translate(%lf,%lf)", x, y) != 2) return 0;
  const char *fs = strstr(g, "font-size=\"");
  return fs && fs < hit && sscanf(fs, "font-size=\"%lf", font) == 1;
}

/* With ten variants the names go on the y axis, one a row: each pair of
 * neighbours is at least 1.2 font sizes apart, in order, left of the bars,
 * and a long CJK name is cut to 20 columns on a character boundary. */
static void ten_variants_lie_across_without_overlap(void **st) {
  (void)st;
  char *dir = scratch(NULL);
  ten_variants_fixture(dir);
  render(dir, WX_PLOT_KPI);
  char *svg = slurp(dir, "charts/kpi_bars.svg");
  const char *shown[10];
  for (int v = 0; v < 10; v++) shown[v] = names[v];
  shown[5] = "moments_twice_a_day…";
  shown[8] = "私域社群运营加强方…";
  assert_null(strstr(svg, names[5]));
  double prev_y = -1, x0 = 0;
  for (int v = 0; v < 10; v++) {
    double x, y, font;
    if (!name_position(svg, shown[v], &x, &y, &font))
      fail_msg("no tick label \"%s\"", shown[v]);
    assert_true(font >= 6);
    if (v == 0) x0 = x;
    assert_true(fabs(x - x0) < 1); /* one column of names */
    assert_true(x > 0.3 * 20 * font && x < 1920 / 3.0);
    if (v) {
      if (!(y - prev_y >= 1.2 * font))
        fail_msg("\"%s\" at y %g is %g below its neighbour (font %g)", shown[v],
                 y, y - prev_y, font);
    }
    prev_y = y;
  }
  free(svg);
  scratch_free(dir);
}

/* Three variants keep upright bars (names along the x axis). */
static void few_variants_stay_upright(void **st) {
  (void)st;
  char *dir = scratch(DATA "/compare_fixture");
  render(dir, WX_PLOT_KPI);
  char *svg = slurp(dir, "charts/kpi_bars.svg");
  double x[2], y[2], font;
  assert_true(name_position(svg, "baseline", &x[0], &y[0], &font));
  assert_true(name_position(svg, "more_ads", &x[1], &y[1], &font));
  assert_true(fabs(y[0] - y[1]) < 1 && x[1] > x[0]);
  free(svg);
  scratch_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(caps_and_targets_are_lines_or_notes),
      cmocka_unit_test(hostile_label_stays_inert),
      cmocka_unit_test(ten_variants_lie_across_without_overlap),
      cmocka_unit_test(few_variants_stay_upright),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
