/*
 * The loader's driver: file -> bytes -> tree -> model.  Reads the top-level
 * settings, compiles each section in dependency order (modules, outcomes,
 * sources, flows), runs the whole-model checks and freezes the model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "engine.h"
#include "readfile.h"
#include "scenario.h"
#include "quantity.h"
#include "util.h"

/* `engine: NAME` must name an engine of engines.c; the run resolves it
 * again (wx__engine_resolve), so a model built in code may leave it NULL. */
static void engine_setting(wx_sctx *c, const wx_node *root) {
  const wx_node *n = wx__node_get(root, "engine");
  const char *name = NULL;
  if (!n ||
      !wx__get_scalar(c, n, "engine", "an engine name such as agent", &name))
    return;
  if (!wx__engine_find(name) && !wx__engine_is_auto(name)) {
    char list[256] = "";
    size_t k = 0;
    for (size_t i = 0; i < wx__engine_count() && k < sizeof list; i++)
      k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                            wx__engine_at(i)->name);
    wx__serr(c, n, "`engine`: unknown engine `%.40s`; engines: %s", name, list);
    return;
  }
  c->m->engine_pos = (wx_pos){n->line, n->col};
  if (!(c->m->engine = wx__strdup(name))) c->nomem = 1;
}

/* Longest horizon, and most sample rows per replication: beyond them the
 * run would lay out its series for minutes and gigabytes before failing
 * (a 10-year horizon sampled hourly is 87,660 rows). */
#define WX_HORIZON_MAX 36525.0
#define WX_SAMPLES_MAX 1000000.0

static void check_samples(wx_sctx *c, const wx_node *root) {
  const wx_model *m = c->m;
  const wx_node *h = wx__node_get(root, "horizon"),
                *s = wx__node_get(root, "sample_every");
  if (h && m->horizon > WX_HORIZON_MAX) {
    wx__serr(c, h, "`horizon`: at most %g days (100 years), got %g days",
             WX_HORIZON_MAX, m->horizon);
    return;
  }
  double rows = m->horizon / m->sample_dt + 1;
  if (rows <= WX_SAMPLES_MAX) return;
  wx__serr(c, s ? s : h,
           "`%s`: %.3g sample rows per replication (horizon / "
           "sample_every), more than the %g a run can lay out; sample less "
           "often",
           s ? "sample_every" : "horizon", rows, WX_SAMPLES_MAX);
}

static void top_settings(wx_sctx *c, const wx_node *root) {
  wx_model *m = c->m;
  const wx_node *n;
  double x;
  if ((n = wx__node_get(root, "wxflow")) &&
      (n->type != WX_NODE_SCALAR || strcmp(n->str, "1") != 0))
    wx__serr(c, n, "`wxflow`: this is format version 1; got `%.40s`",
             n->type == WX_NODE_SCALAR ? n->str : wx__node_type_name(n));
  const char *title = NULL;
  if ((n = wx__node_get(root, "title")) &&
      wx__get_scalar(c, n, "title", "a text title", &title) &&
      !(m->title = wx__strdup(title)))
    c->nomem = 1;
  if ((n = wx__node_get(root, "horizon")) &&
      wx__get_qty(c, n, WX_Q_DURATION_POS, "horizon", &x))
    m->horizon = x;
  if ((n = wx__node_get(root, "sample_every")) &&
      wx__get_qty(c, n, WX_Q_DURATION_POS, "sample_every", &x)) {
    m->sample_dt = x;
    char a[32], b[32];
    if (x > m->horizon)
      wx__serr(c, n, "`sample_every` (%s) is longer than the horizon (%s)",
               wx__fmt_duration(a, x), wx__fmt_duration(b, m->horizon));
  }
  check_samples(c, root);
  if ((n = wx__node_get(root, "seed")) &&
      wx__get_qty(c, n, WX_Q_COUNT, "seed", &x)) {
    uint64_t seed;
    char msg[8];
    if (wx__parse_count(n->str, &seed, msg, sizeof msg) == WX_OK)
      m->seed = seed;
  }
  const char *start;
  if ((n = wx__node_get(root, "start")) &&
      wx__get_scalar(c, n, "start", "a date such as 2026-01-05", &start) &&
      wx__date_parse(start, &m->start_day) != 0)
    wx__serr(c, n,
             "`start`: expected a date YYYY-MM-DD such as 2026-01-05, "
             "got \"%.40s\"",
             start);
  if ((n = wx__node_get(root, "replications")) &&
      wx__get_qty(c, n, WX_Q_COUNT, "replications", &x)) {
    if (x < 1 || x > WX_REPLICATIONS_MAX)
      wx__serr(c, n, "`replications` must be between 1 and %d, got %g",
               WX_REPLICATIONS_MAX, x);
    else
      m->replications = (uint32_t)x;
  }
  engine_setting(c, root);
}

static void sections(wx_sctx *c, const wx_node *root) {
  const wx_node *n;
  if ((n = wx__node_get(root, "modules"))) wx__modules_compile(c, n);
  if ((n = wx__node_get(root, "outcomes"))) wx__outcomes_compile(c, n);
  if ((n = wx__node_get(root, "sources"))) wx__sources_compile(c, n);
  if ((n = wx__node_get(root, "flows"))) wx__flows_compile(c, n);
  if ((n = wx__node_get(root, "touchpoints"))) wx__touchpoints_compile(c, n);
  if ((n = wx__node_get(root, "targets"))) wx__targets_compile(c, n);
  if ((n = wx__node_get(root, "funnel"))) wx__funnel_compile(c, n);
  /* Whole-model checks see only the flows that compiled, so they run even
   * when other keys had errors: the planner gets every problem at once. */
  if (c->nomem) return;
  wx__check_exclusive(c);
  wx__check_zero_delay_cycles(c);
  wx__check_repeat_stalls(c);
}

static int compile_root(wx_sctx *c, const wx_node *root) {
  if (root->type != WX_NODE_MAP) {
    wx__serr(c, root,
             "a scenario is a mapping of keys such as horizon, "
             "modules, sources and flows; got %s",
             wx__node_type_name(root));
    return WX_ESCENARIO;
  }
  /* A comparison or study file given where a scenario is expected: say
   * which command reads it instead of listing unknown keys. */
  static const struct {
    const char *key, *what, *cmd, *also;
  } others[] = {
      {"compare", "a comparison file", "compare", ""},
      {"study", "a study file", "sweep", " (or `wxflow sensitivity`)"},
      {"calibrate", "a calibration file", "calibrate", ""},
      {"optimize", "an optimisation file", "optimize", ""}};
  for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
    const wx_node *k = wx__node_key(root, others[i].key);
    if (!k || wx__node_get(root, "modules")) continue;
    wx__serr(c, k,
             "this is %s (top-level `%s`), not a scenario: run it "
             "with `wxflow %s %s`%s",
             others[i].what, others[i].key, others[i].cmd, c->file,
             others[i].also);
    return WX_ESCENARIO;
  }
  wx__check_keys(c, root, "top", "the top level");
  top_settings(c, root);
  sections(c, root);
  if (c->nomem) return WX_ENOMEM;
  if (c->errors) return WX_ESCENARIO;
  /* No memory check here: a run's size depends on its engine, horizon,
   * threads and budget, so the run's guard (memory_guard.c) judges it. */
  return wx__model_finalize(c->m);
}

int wx__scenario_compile(const wx_tree *t, const void *bytes, size_t len,
                         wx_model **out, wx_diags *d) {
  *out = NULL;
  wx_sctx c = {.file = t->name, .d = d, .m = wx__model_new()};
  if (!c.m)
    return wx__diag(d, WX_ENOMEM, t->name, 0, 0,
                    "out of memory while compiling the scenario");
  c.m->replications = 10; /* the scenario language's default */
  wx__hex64(wx__fnv1a64(bytes, len), c.m->hash);
  int rc =
      (c.m->path = wx__strdup(t->name)) ? compile_root(&c, t->root) : WX_ENOMEM;
  for (size_t i = 0; i < c.n_disabled; i++) free(c.disabled[i]);
  free(c.disabled);
  if (rc == WX_ENOMEM)
    wx__diag(d, rc, t->name, 0, 0,
             "out of memory while compiling the scenario");
  if (rc != WX_OK) {
    wx_model_free(c.m);
    return rc;
  }
  *out = c.m;
  return WX_OK;
}

int wx_model_load_buffer(const char *name, const char *data, size_t len,
                         wx_model **out, wx_diags *diags) {
  if (!out) return WX_EINVAL;
  *out = NULL;
  if (!data && len) return WX_EINVAL;
  if (!name) name = "<buffer>";
  wx_tree *t = NULL;
  int rc = wx__tree_parse_all(name, data ? data : "", len, &t, diags);
  if (t) { /* duplicate keys (rc set) hide no other error */
    int compiled = wx__scenario_compile(t, data, len, out, diags);
    if (rc == WX_OK) rc = compiled;
  }
  if (rc != WX_OK) {
    wx_model_free(*out);
    *out = NULL;
  }
  wx__tree_free(t);
  wx__diags_sort(diags);
  return rc;
}

int wx_model_load(const char *path, wx_model **out, wx_diags *diags) {
  if (!out) return WX_EINVAL;
  *out = NULL;
  if (!path) return WX_EINVAL;
  char *data = NULL;
  size_t len = 0;
  int rc = wx__read_file(path, WX__SCENARIO_MAX, &data, &len, diags);
  if (rc != WX_OK) return rc;
  rc = wx_model_load_buffer(path, data, len, out, diags);
  free(data);
  return rc;
}
