/* Charts through gnuplot: every chart in every format from the checked-in
 * fixtures, file signatures, CJK text in SVG, skipping, missing or failing
 * gnuplot, and gnuplot's own check of every template. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "plot.h"

#define DATA  WX_SOURCE_DIR "/tests/data"
#define PLOTS WX_SOURCE_DIR "/plots"

static const char *const results_charts[] = {"fan_oa",   "fan_wecom",
                                             "fan_mini", "stacked_members",
                                             "funnel",   "constraints"};

/* A scratch copy of a fixture directory (the renderer writes into it). */
static char *scratch_copy(const char *fixture) {
  char *dir = strdup("/tmp/wxplot-test-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", fixture, dir);
  assert_int_equal(system(cmd), 0);
  return dir;
}

static void scratch_free(char *dir) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("missing %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static char *chart_path(const char *dir, const char *base, const char *ext) {
  static char path[2048]; /* tests are single-threaded */
  snprintf(path, sizeof path, "%s/charts/%s.%s", dir, base, ext);
  return path;
}

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 |
         p[3];
}

static void check_png(const char *path) {
  size_t n;
  unsigned char *b = (unsigned char *)slurp(path, &n);
  assert_true(n > 24);
  assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
  assert_memory_equal(b + 12, "IHDR", 4);
  assert_int_equal(be32(b + 16), 1920);
  assert_int_equal(be32(b + 20), 1080);
  free(b);
}

static void check_pdf(const char *path) {
  size_t n;
  char *b = slurp(path, &n);
  assert_true(n > 5);
  assert_memory_equal(b, "%PDF-", 5);
  free(b);
}

/* The SVG's text must hold each of the NULL-terminated strings. */
static void check_svg(const char *path, ...) {
  size_t n;
  char *b = slurp(path, &n);
  assert_non_null(strstr(b, "<svg"));
  assert_non_null(strstr(b, "1920"));
  va_list ap;
  va_start(ap, path);
  for (const char *s; (s = va_arg(ap, const char *));)
    if (!strstr(b, s)) fail_msg("%s does not contain \"%s\"", path, s);
  va_end(ap);
  free(b);
}

static void check_svg_lacks(const char *path, const char *text) {
  size_t n;
  char *b = slurp(path, &n);
  if (strstr(b, text)) fail_msg("%s contains \"%s\"", path, text);
  free(b);
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* No temporary directory in dir and no temporary file in dir/charts. */
static void check_no_leftovers(const char *dir) {
  DIR *d = opendir(dir);
  for (struct dirent *e; (e = readdir(d));)
    assert_null(strstr(e->d_name, ".wxplot-"));
  closedir(d);
  char charts[1024];
  snprintf(charts, sizeof charts, "%s/charts", dir);
  d = opendir(charts);
  for (struct dirent *e; d && (e = readdir(d));)
    assert_null(strstr(e->d_name, ".tmp"));
  if (d) closedir(d);
}

static int diags_mention(const wx_diags *d, const char *text) {
  for (size_t i = 0; i < wx_diags_count(d); i++)
    if (strstr(wx_diags_get(d, i)->msg, text)) return 1;
  return 0;
}

static void results_fixture_renders_every_chart_in_every_format(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/results_fixture");
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.formats = WX_PLOT_PNG | WX_PLOT_SVG | WX_PLOT_PDF;
  opt.report = &rep;
  wx_diags *d = wx_diags_alloc(64);
  assert_int_equal(wx__plot_render(dir, &opt, d), WX_OK);
  assert_int_equal(rep.charts, 6);
  assert_int_equal(rep.files, 18);
  /* compare and KPI bars: no compare.csv; the calibration charts do not
   * apply (no fit.csv), so they are neither drawn nor skipped */
  assert_int_equal(rep.skipped, 2);
  assert_int_equal(rep.failed, 0);
  for (size_t i = 0; i < 6; i++) {
    check_png(chart_path(dir, results_charts[i], "png"));
    check_pdf(chart_path(dir, results_charts[i], "pdf"));
    check_svg(chart_path(dir, results_charts[i], "svg"), (char *)NULL);
  }
  check_svg(chart_path(dir, "stacked_members", "svg"), "公众号", "企业微信",
            "小程序, 商城", "私域引流 Q3 计划", (char *)NULL);
  check_svg(chart_path(dir, "fan_oa", "svg"), "公众号", "median", "p25",
            (char *)NULL);
  check_svg(chart_path(dir, "funnel", "svg"), "触达 reached", "社群, 群成员",
            "客户", (char *)NULL);
  check_svg(chart_path(dir, "constraints", "svg"), "企业微信好友上限",
            "3410 refused", "never bound", (char *)NULL);
  assert_true(diags_mention(d, "skipped compare"));
  check_no_leftovers(dir);
  wx_diags_free(d);
  scratch_free(dir);
}

/* Variants with different KPI sets: a KPI only one variant has, and one
 * with no value at all (a target nobody reached), which is left out. */
static void kpi_bars_survive_different_kpi_sets(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/compare_mixed_fixture");
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS, .charts = WX_PLOT_KPI};
  opt.report = &rep;
  wx_diags *d = wx_diags_alloc(64);
  int rc = wx__plot_render(dir, &opt, d);
  for (size_t i = 0; i < wx_diags_count(d); i++)
    fprintf(stderr, "%s\n", wx_diags_get(d, i)->msg);
  assert_int_equal(rc, WX_OK);
  assert_int_equal(rep.failed, 0);
  assert_int_equal(rep.charts, 1);
  check_png(chart_path(dir, "kpi_bars", "png"));
  wx_diags_free(d);
  scratch_free(dir);
}

static void comparison_fixture_renders_overlay_and_kpi_bars(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/compare_fixture");
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.formats = WX_PLOT_PNG | WX_PLOT_SVG | WX_PLOT_PDF;
  opt.report = &rep;
  assert_int_equal(wx__plot_render(dir, &opt, NULL), WX_OK);
  assert_int_equal(rep.charts, 2);
  assert_int_equal(rep.failed, 0);
  const char *bases[] = {"compare_purchase_count", "kpi_bars"};
  for (int i = 0; i < 2; i++) {
    check_png(chart_path(dir, bases[i], "png"));
    check_pdf(chart_path(dir, bases[i], "pdf"));
    check_svg(chart_path(dir, bases[i], "svg"), "baseline", "more_ads",
              "no_group", "方案对比", (char *)NULL);
  }
  check_svg(chart_path(dir, "compare_purchase_count", "svg"), "下单 purchase",
            (char *)NULL);
  /* The key names each variant's median, not its band columns. */
  check_svg_lacks(chart_path(dir, "compare_purchase_count", "svg"),
                  "baseline p75");
  check_svg(chart_path(dir, "kpi_bars", "svg"), "customers (people)",
            "revenue (CNY)", (char *)NULL);
  check_no_leftovers(dir);
  scratch_free(dir);
}

static void compare_series_option_picks_the_series(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/compare_fixture");
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.charts = WX_PLOT_COMPARE;
  opt.compare_series = "module/wecom/members";
  assert_int_equal(wx__plot_render(dir, &opt, NULL), WX_OK);
  assert_true(exists(chart_path(dir, "compare_wecom_members", "png")));
  assert_false(exists(chart_path(dir, "compare_purchase_count", "png")));
  assert_false(exists(chart_path(dir, "kpi_bars", "png")));
  scratch_free(dir);
}

static void missing_gnuplot_is_not_found_and_writes_nothing(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/results_fixture");
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.gnuplot = "wx-no-such-gnuplot-program";
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__plot_render(dir, &opt, d), WX_ENOTFOUND);
  assert_true(diags_mention(d, "apt-get install gnuplot-nox"));
  char charts[1024];
  snprintf(charts, sizeof charts, "%s/charts", dir);
  assert_false(exists(charts));
  check_no_leftovers(dir);
  wx_diags_free(d);
  scratch_free(dir);
}

/* A stand-in gnuplot that writes half an output, complains and fails. */
static void failing_gnuplot_leaves_no_partial_charts(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/results_fixture");
  char fake[1024];
  snprintf(fake, sizeof fake, "%s/fake-gnuplot.sh", dir);
  FILE *f = fopen(fake, "w");
  fputs(
      "#!/bin/sh\nout=$(sed -n \"s/^out = '\\(.*\\)'$/\\1/p\" \"$1\")\n"
      "printf 'half' > \"$out\"\necho 'boom: bad template' >&2\nexit 3\n",
      f);
  fclose(f);
  chmod(fake, 0755);
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.gnuplot = fake;
  opt.charts = WX_PLOT_STACKED | WX_PLOT_FUNNEL;
  opt.report = &rep;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__plot_render(dir, &opt, d), WX_ERUNTIME);
  assert_int_equal(rep.failed, 2);
  assert_int_equal(rep.files, 0);
  assert_true(diags_mention(d, "boom: bad template"));
  assert_false(exists(chart_path(dir, "stacked_members", "png")));
  assert_false(exists(chart_path(dir, "funnel", "png")));
  check_no_leftovers(dir);
  wx_diags_free(d);
  scratch_free(dir);
}

static void missing_inputs_are_skipped_not_errors(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/results_fixture");
  char path[1024];
  snprintf(path, sizeof path, "%s/funnel.csv", dir);
  assert_int_equal(unlink(path), 0);
  snprintf(path, sizeof path, "%s/constraints.csv", dir);
  assert_int_equal(unlink(path), 0);
  wx_plot_report rep;
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.charts = WX_PLOT_FUNNEL | WX_PLOT_CONSTRAINTS | WX_PLOT_STACKED;
  opt.report = &rep;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__plot_render(dir, &opt, d), WX_OK);
  assert_int_equal(rep.skipped, 2);
  assert_int_equal(rep.charts, 1);
  assert_true(diags_mention(d, "skipped funnel"));
  assert_int_equal(wx_diags_get(d, 0)->code, WX_OK);
  assert_false(exists(chart_path(dir, "funnel", "png")));
  check_png(chart_path(dir, "stacked_members", "png")); /* PNG by default */
  assert_false(exists(chart_path(dir, "stacked_members", "svg")));
  wx_diags_free(d);
  scratch_free(dir);
}

static void malformed_input_is_an_error_with_its_line(void **st) {
  (void)st;
  char *dir = scratch_copy(DATA "/results_fixture");
  char path[1024];
  snprintf(path, sizeof path, "%s/funnel.csv", dir);
  FILE *f = fopen(path, "w");
  fputs(
      "stage,label,mean,ci_low,ci_high\nreached,触达,100,90,110\n"
      "customers,客户,5\n",
      f);
  fclose(f);
  wx_plot_options opt = {.templates_dir = PLOTS};
  opt.charts = WX_PLOT_FUNNEL;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__plot_render(dir, &opt, d), WX_EINVAL);
  assert_int_equal(wx_diags_get(d, 0)->line, 3);
  assert_false(exists(chart_path(dir, "funnel", "png")));
  check_no_leftovers(dir);
  wx_diags_free(d);
  scratch_free(dir);
}

/* gnuplot runs each template on its example data to a null terminal. */
static void every_template_passes_gnuplot_check(void **st) {
  (void)st;
  DIR *d = opendir(PLOTS);
  assert_non_null(d);
  int checked = 0;
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n < 4 || strcmp(e->d_name + n - 3, ".gp") ||
        !strcmp(e->d_name, "deck_style.gp"))
      continue;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "gnuplot -e \"term='unknown'; datafile='%s/examples/%.*s.tsv'\" "
             "'%s/%s' 2>/dev/null",
             PLOTS, (int)(n - 3), e->d_name, PLOTS, e->d_name);
    int status = system(cmd);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      fail_msg("gnuplot rejected %s", e->d_name);
    checked++;
  }
  closedir(d);
  /* Every template found is checked; at least a run's six charts exist. */
  assert_true(checked >= 6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(results_fixture_renders_every_chart_in_every_format),
      cmocka_unit_test(comparison_fixture_renders_overlay_and_kpi_bars),
      cmocka_unit_test(kpi_bars_survive_different_kpi_sets),
      cmocka_unit_test(compare_series_option_picks_the_series),
      cmocka_unit_test(missing_gnuplot_is_not_found_and_writes_nothing),
      cmocka_unit_test(failing_gnuplot_leaves_no_partial_charts),
      cmocka_unit_test(missing_inputs_are_skipped_not_errors),
      cmocka_unit_test(malformed_input_is_an_error_with_its_line),
      cmocka_unit_test(every_template_passes_gnuplot_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
