/* A full valid scenario compiles to the expected model. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model.h"
#include "scenario.h"
#include "scenario_support.h"
#include "util.h"

static const char *full =
    "wxflow: 1\n"
    "title: Quick start 快速入门\n"
    "horizon: 60d\n"
    "sample_every: 12h\n"
    "seed: 42\n"
    "replications: 20\n"
    "modules:\n"
    "  oa: {kind: official_account}\n"
    "  sdr:  {kind: wecom, label: 企业微信 SDR}\n"
    "  shop: {kind: mini_program}\n"
    "  w2: {kind: wecom}\n"
    "  old: {kind: group, enabled: false}\n"
    "outcomes:\n"
    "  purchase: {label: 购买}\n"
    "sources:\n"
    "  seed_fans: {into: oa, initial: 5_000}\n"
    "  organic:   {into: oa, rate: 10/h}\n"
    "  launch:\n"
    "    into: oa\n"
    "    schedule:\n"
    "      - {from: 0d,  rate: 100/d}\n"
    "      - {from: 30d, rate: 400/d}\n"
    "  to_old: {into: old, rate: 5/d}\n"
    "flows:\n"
    "  oa_to_sdr:\n"
    "    from: oa\n"
    "    to: sdr\n"
    "    type: join\n"
    "    p: 4%\n"
    "    delay: exponential(3d)\n"
    "  oa_churn: {from: oa, type: churn, p: 30%, delay: {dist: exponential, "
    "mean: 20d}}\n"
    "  sdr_buy:  {from: sdr, to: purchase, type: join, p: 10%, delay: "
    "\"gamma(shape=2, mean=5d)\"}\n"
    "  sdr_shop:\n"
    "    from: sdr\n"
    "    to: shop\n"
    "    p: 0.5\n"
    "    delay: uniform(1d, 3d)\n"
    "  shop_app: {from: shop, to: app_install, type: join, delay: 12h}\n"
    "  w2_lead: {from: w2, to: lead, type: join, delay: {dist: empirical, "
    "bins: [0d, 1d, 3d], weights: [30%, 70%]}}\n"
    "  w2_ln: {from: w2, to: shop, delay: 'lognormal(median=2d, sigma=0.5)'}\n"
    "  oa_old: {from: oa, to: old, delay: 1d}\n"
    "  sdr_wb: {from: sdr, type: churn, p: 1%, delay: "
    "{dist: weibull, shape: 1.5, scale: 3d}}\n"
    "  shop_er: {from: shop, type: churn, p: 1%, delay: \"erlang(2, 4d)\"}\n";

static double pv(const wx_model *m, uint32_t i) {
  assert_true(i < m->n_params);
  return m->params[i].value;
}

static const wx_flow *flow(const wx_model *m, const char *name) {
  for (uint32_t i = 0; i < m->n_flows; i++)
    if (strcmp(m->flows[i].name, name) == 0) return &m->flows[i];
  fail_msg("no flow %s", name);
  return NULL;
}

static void top_settings_are_converted(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  assert_float_equal(wx_model_horizon(m), 60, 0);
  assert_float_equal(wx_model_sample_dt(m), 0.5, 0);
  assert_int_equal(wx_model_seed(m), 42);
  assert_int_equal(wx_model_replications(m), 20);
  assert_string_equal(m->title, "Quick start 快速入门");
  assert_string_equal(wx_model_path(m), "t.yaml");
  char hex[17];
  wx__hex64(wx__fnv1a64(full, strlen(full)), hex);
  assert_string_equal(wx_model_hash(m), hex);
  wx_model_free(m);
}

static void modules_get_indices_and_default_labels(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  assert_int_equal(m->n_modules, 4); /* `old` is disabled */
  assert_string_equal(m->modules[0].name, "oa");
  assert_string_equal(m->modules[0].label, "公众号");
  assert_int_equal(m->modules[0].kind, WX_KIND_OFFICIAL_ACCOUNT);
  assert_string_equal(m->modules[1].label, "企业微信 SDR");
  assert_string_equal(m->modules[3].name, "w2");
  assert_string_equal(m->modules[3].label, "企业微信 (w2)");
  assert_int_equal(m->modules[0].pos.line, 8);
  assert_int_equal(m->modules[0].pos.col, 3);
  assert_int_equal(wx__model_find_module(m, "old"), WX_NONE);
  wx_model_free(m);
}

static void outcomes_include_implicit_ones_in_order_of_use(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  assert_int_equal(m->n_outcomes, 3);
  assert_string_equal(m->outcomes[0].name, "purchase");
  assert_string_equal(m->outcomes[0].label, "购买");
  assert_string_equal(m->outcomes[1].name, "app_install");
  assert_string_equal(m->outcomes[2].name, "lead");
  wx_model_free(m);
}

static void sources_become_initial_or_poisson_steps(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  assert_int_equal(m->n_sources, 3); /* to_old dropped with `old` */
  const wx_source *s = &m->sources[0];
  assert_int_equal(s->kind, WX_SOURCE_INITIAL);
  assert_float_equal(pv(m, s->count), 5000, 0);
  s = &m->sources[1];
  assert_int_equal(s->kind, WX_SOURCE_POISSON);
  assert_int_equal(s->n_steps, 1);
  assert_float_equal(pv(m, s->steps[0].rate), 240, 1e-9);
  s = &m->sources[2];
  assert_int_equal(s->n_steps, 2);
  assert_float_equal(s->steps[1].from, 30, 0);
  assert_float_equal(pv(m, s->steps[1].rate), 400, 0);
  assert_string_equal(m->params[s->steps[1].rate].path,
                      "sources.launch.schedule.1.rate");
  wx_model_free(m);
}

static void flows_get_kinds_targets_and_parameters(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  assert_int_equal(m->n_flows, 9); /* oa_old dropped with `old` */
  const wx_flow *f = flow(m, "oa_to_sdr");
  assert_int_equal(f->kind, WX_FLOW_JOIN);
  assert_int_equal(f->from, 0);
  assert_int_equal(f->target, WX_TARGET_MODULE);
  assert_int_equal(f->to, 1);
  assert_float_equal(pv(m, f->p), 0.04, 1e-15);
  assert_string_equal(m->params[f->p].path, "flows.oa_to_sdr.p");
  assert_int_equal(f->delay.kind, WX_DIST_EXPONENTIAL);
  assert_float_equal(pv(m, f->delay.p[0]), 3, 0);
  f = flow(m, "oa_churn");
  assert_int_equal(f->kind, WX_FLOW_CHURN);
  assert_int_equal(f->target, WX_TARGET_NONE);
  assert_float_equal(pv(m, f->delay.p[0]), 20, 0);
  f = flow(m, "sdr_buy");
  assert_int_equal(f->target, WX_TARGET_OUTCOME);
  assert_int_equal(f->to, 0);
  assert_int_equal(f->delay.kind, WX_DIST_GAMMA);
  assert_float_equal(pv(m, f->delay.p[0]), 2, 0);
  assert_float_equal(pv(m, f->delay.p[1]), 5, 0);
  f = flow(m, "sdr_shop");
  assert_int_equal(f->kind, WX_FLOW_MOVE);
  assert_int_equal(f->delay.kind, WX_DIST_UNIFORM);
  assert_float_equal(pv(m, f->delay.p[1]), 3, 0);
  f = flow(m, "shop_app");
  assert_float_equal(pv(m, f->p), 1.0, 0);
  assert_int_equal(f->delay.kind, WX_DIST_FIXED);
  assert_float_equal(pv(m, f->delay.p[0]), 0.5, 0);
  wx_model_free(m);
}

static void other_delay_forms_compile(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  const wx_flow *f = flow(m, "w2_lead");
  assert_int_equal(f->delay.kind, WX_DIST_EMPIRICAL);
  assert_int_equal(f->delay.n_bins, 2);
  assert_float_equal(f->delay.edges[2], 3, 0);
  assert_float_equal(f->delay.weights[1], 0.7, 1e-15);
  f = flow(m, "w2_ln");
  assert_int_equal(f->delay.kind, WX_DIST_LOGNORMAL);
  assert_float_equal(pv(m, f->delay.p[0]), 2, 0);
  assert_float_equal(pv(m, f->delay.p[1]), 0.5, 0);
  f = flow(m, "sdr_wb");
  assert_int_equal(f->delay.kind, WX_DIST_WEIBULL);
  assert_float_equal(pv(m, f->delay.p[0]), 1.5, 0);
  f = flow(m, "shop_er");
  assert_int_equal(f->delay.kind, WX_DIST_GAMMA);
  assert_float_equal(pv(m, f->delay.p[0]), 2, 0);
  wx_model_free(m);
}

static void finalize_lists_flows_per_module(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(full);
  const wx_module *sdr = &m->modules[1];
  assert_int_equal(sdr->n_joins, 1);
  assert_int_equal(sdr->n_exclusive, 2); /* sdr_shop, sdr_wb */
  wx_model_free(m);
}

static void defaults_apply_when_keys_are_absent(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok("modules: {a: {kind: group}}\n");
  assert_float_equal(m->horizon, 90, 0);
  assert_float_equal(m->sample_dt, 1, 0);
  assert_int_equal(m->seed, 1);
  assert_int_equal(m->replications, 10);
  assert_string_equal(m->modules[0].label, "社群");
  wx_model_free(m);
}

static void seeds_keep_all_64_bits(void **state) {
  (void)state;
  wx_model *m =
      wxt_load_ok("seed: 18446744073709551615\nmodules: {a: {kind: group}}\n");
  assert_true(m->seed == UINT64_MAX);
  wx_model_free(m);
}

static void files_load_and_unreadable_ones_say_why(void **state) {
  (void)state;
  const char *text = "modules: {a: {kind: group}}\n";
  char *path = wxt_temp_file(text, strlen(text));
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(4);
  assert_int_equal(wx_model_load(path, &m, d), WX_OK);
  assert_string_equal(wx_model_path(m), path);
  wx_model_free(m);
  unlink(path);
  assert_int_equal(wx_model_load(path, &m, d), WX_ENOTFOUND);
  assert_null(m);
  const wx_error *e = wx_diags_get(d, 0);
  assert_non_null(strstr(e->msg, "cannot read"));
  assert_non_null(strstr(e->msg, "No such file"));
  free(path);
  wx_diags_free(d);
}

static void overrides_apply_before_compiling(void **state) {
  (void)state;
  wx_tree *t = NULL;
  wx_diags *d = wx_diags_alloc(8);
  assert_int_equal(wx__tree_parse("t.yaml", full, strlen(full), &t, d), WX_OK);
  assert_int_equal(wx__tree_set_path(t, "flows.oa_to_sdr.p", "8%", d), WX_OK);
  assert_int_equal(wx__tree_set_path(t, "horizon", "30d", d), WX_OK);
  wx_model *m = NULL;
  assert_int_equal(wx__scenario_compile(t, full, strlen(full), &m, d), WX_OK);
  assert_float_equal(pv(m, flow(m, "oa_to_sdr")->p), 0.08, 1e-15);
  assert_float_equal(m->horizon, 30, 0);
  wx_model_free(m);
  wx__tree_free(t);
  wx_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(top_settings_are_converted),
      cmocka_unit_test(modules_get_indices_and_default_labels),
      cmocka_unit_test(outcomes_include_implicit_ones_in_order_of_use),
      cmocka_unit_test(sources_become_initial_or_poisson_steps),
      cmocka_unit_test(flows_get_kinds_targets_and_parameters),
      cmocka_unit_test(other_delay_forms_compile),
      cmocka_unit_test(finalize_lists_flows_per_module),
      cmocka_unit_test(defaults_apply_when_keys_are_absent),
      cmocka_unit_test(seeds_keep_all_64_bits),
      cmocka_unit_test(files_load_and_unreadable_ones_say_why),
      cmocka_unit_test(overrides_apply_before_compiling),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
