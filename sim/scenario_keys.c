/*
 * The one table of scenario keys.  The loader checks keys against it and
 * the reference (docs/scenario.md) is generated from it; a test keeps the
 * checked-in reference equal to the generated one.
 */
#include <string.h>

#include "scenario.h"

#define REQ WX_KEY_REQUIRED
#define PRI WX_KEY_PRIOR

static const wx_section_info sections[] = {
    {"top", "Top level", "the top of the file"},
    {"module", "Modules", "`modules: {NAME: {...}}`"},
    {"outcome", "Outcomes", "`outcomes: {NAME: {...}}`"},
    {"source", "Sources", "`sources: {NAME: {...}}`"},
    {"step", "Schedule steps", "`sources: {NAME: {schedule: [{...}, ...]}}`"},
    {"flow", "Flows", "`flows: {NAME: {...}}`"},
    {"delay", "Delay (mapping form)", "`flows: {NAME: {delay: {...}}}`"},
    {"target", "Targets", "`targets: {NAME: {...}}`"},
};

static const wx_key_info keys[] = {
    {"top", "wxflow", "integer", "1", "1", "version of the scenario format",
     "`wxflow: 1`", 0},
    {"top", "title", "text", "", "any UTF-8 text", "title shown in reports",
     "`title: Quick start`", 0},
    {"top", "horizon", "duration", "90d", "> 0", "simulated time span",
     "`horizon: 180d`", 0},
    {"top", "sample_every", "duration", "1d", "> 0 and <= horizon",
     "spacing of the output time series", "`sample_every: 12h`", 0},
    {"top", "seed", "count", "1", "0 to 2^64-1",
     "random seed; the same seed gives the same results", "`seed: 42`", 0},
    {"top", "replications", "count", "10", ">= 1",
     "independent runs whose results are summarised", "`replications: 20`",
     0},
    {"top", "modules", "mapping", "", "names [A-Za-z_][A-Za-z0-9_]*",
     "the places people belong to", "`modules: {oa: {kind: official_account}}`",
     REQ},
    {"top", "outcomes", "mapping", "", "names [A-Za-z_][A-Za-z0-9_]*",
     "things that get counted (purchase, app_install and lead exist "
     "implicitly)",
     "`outcomes: {purchase: {label: 购买}}`", 0},
    {"top", "sources", "mapping", "", "", "arrivals from outside",
     "`sources: {organic: {into: oa, rate: 200/d}}`", 0},
    {"top", "flows", "mapping", "", "",
     "movements between modules and to outcomes",
     "`flows: {oa_to_sdr: {from: oa, to: sdr, p: 4%, delay: 3d}}`", 0},
    {"top", "targets", "mapping", "", "names [A-Za-z_][A-Za-z0-9_]*",
     "levels to reach; KPIs report when each is first reached",
     "`targets: {wecom_50k: {module: sdr, value: 50000}}`", 0},

    {"module", "kind", "kind", "", "official_account, video_account, "
     "personal_account, wecom, group, mini_program, outside",
     "what the module is", "`kind: wecom`", REQ},
    {"module", "label", "text", "the kind's label", "any UTF-8 text",
     "display label; modules sharing a kind get `label (name)`",
     "`label: 企业微信 SDR`", 0},
    {"module", "enabled", "boolean", "true", "true, false",
     "false removes the module and every flow and source touching it",
     "`enabled: false`", 0},

    {"outcome", "label", "text", "the name", "any UTF-8 text",
     "display label", "`label: 购买`", 0},

    {"source", "into", "module name", "", "an enabled module",
     "where arrivals enter", "`into: oa`", REQ},
    {"source", "initial", "count", "", ">= 0",
     "people present at t = 0 (exactly one of initial, rate, schedule)",
     "`initial: 5000`", PRI},
    {"source", "rate", "rate", "", ">= 0",
     "Poisson arrivals at a constant rate", "`rate: 200/d`", PRI},
    {"source", "schedule", "sequence of steps", "", "first step from 0d",
     "Poisson arrivals at a piecewise-constant rate",
     "`schedule: [{from: 0d, rate: 100/d}, {from: 30d, rate: 400/d}]`", 0},
    {"source", "enabled", "boolean", "true", "true, false",
     "false removes the source", "`enabled: false`", 0},

    {"step", "from", "duration", "", ">= 0, strictly increasing",
     "time from which the rate holds", "`from: 30d`", REQ},
    {"step", "rate", "rate", "", ">= 0", "arrival rate from then on",
     "`rate: 400/d`", REQ | PRI},

    {"flow", "from", "module name", "", "a module",
     "the module whose members may take this flow", "`from: oa`", REQ},
    {"flow", "to", "module or outcome name", "", "a module or an outcome",
     "where the flow leads; absent for churn", "`to: sdr`", 0},
    {"flow", "type", "move, join or churn", "move if `to` is set, else churn",
     "move, join, churn",
     "move ends membership of `from`; join keeps it; churn just leaves",
     "`type: join`", 0},
    {"flow", "p", "probability", "100%", "0 to 1",
     "probability that the flow ever happens to a member", "`p: 4%`", PRI},
    {"flow", "delay", "delay", "", "see Delay forms",
     "time from joining `from` until the flow happens",
     "`delay: exponential(3d)`", REQ},
    {"flow", "enabled", "boolean", "true", "true, false",
     "false removes the flow", "`enabled: false`", 0},

    {"delay", "dist", "distribution name", "", "fixed, exponential (exp), "
     "uniform, gamma, erlang, lognormal, weibull, empirical",
     "the delay distribution", "`dist: gamma`", REQ},
    {"delay", "value", "duration", "", ">= 0", "fixed: the delay",
     "`value: 2d`", PRI},
    {"delay", "mean", "duration", "", "> 0",
     "exponential, gamma, erlang: the mean", "`mean: 5d`", PRI},
    {"delay", "low", "duration", "", ">= 0, <= high", "uniform: lower end",
     "`low: 1d`", PRI},
    {"delay", "high", "duration", "", ">= low", "uniform: upper end",
     "`high: 3d`", PRI},
    {"delay", "shape", "number", "", "> 0 (erlang: a whole number)",
     "gamma, erlang, weibull: the shape", "`shape: 2`", PRI},
    {"delay", "median", "duration", "", "> 0", "lognormal: the median",
     "`median: 2d`", PRI},
    {"delay", "sigma", "number", "", ">= 0",
     "lognormal: standard deviation of the log", "`sigma: 0.5`", PRI},
    {"delay", "scale", "duration", "", "> 0", "weibull: the scale",
     "`scale: 3d`", PRI},
    {"delay", "bins", "sequence of durations", "", "ascending, >= 2 edges",
     "empirical: bin edges", "`bins: [0d, 1d, 3d, 7d]`", 0},
    {"delay", "weights", "sequence of weights", "",
     ">= 0, not all 0, one per bin", "empirical: weight of each bin",
     "`weights: [30%, 50%, 20%]`", 0},
    {"target", "module", "module name", "", "a module; or give `outcome`",
     "the module whose series is watched", "`module: sdr`", 0},
    {"target", "outcome", "outcome name", "", "an outcome; or give `module`",
     "the outcome whose series is watched", "`outcome: purchase`", 0},
    {"target", "metric", "metric name", "members (module), count (outcome)",
     "a metric of that module or outcome in series.csv",
     "which series of it is watched", "`metric: joins`", 0},
    {"target", "value", "number", "", ">= 0",
     "the level to reach (first sample time at or above it)",
     "`value: 50000`", REQ},
};

const wx_key_info *wx__keys(size_t *n) {
  *n = sizeof keys / sizeof *keys;
  return keys;
}

const wx_section_info *wx__key_sections(size_t *n) {
  *n = sizeof sections / sizeof *sections;
  return sections;
}

const wx_key_info *wx__key_find(const char *section, const char *key) {
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

static void check_unknown(wx_sctx *c, const wx_node *key, const char *section,
                          const char *where) {
  if (wx__key_find(section, key->str)) return;
  const char *cands[sizeof keys / sizeof *keys];
  size_t n = 0;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (strcmp(keys[i].section, section) == 0) cands[n++] = keys[i].key;
  char hint[160];
  wx__did_you_mean(hint, sizeof hint, key->str, cands, n);
  wx__serr(c, key, "unknown key `%.100s` in %s%s", key->str, where, hint);
}

void wx__check_keys(wx_sctx *c, const wx_node *map, const char *section,
                    const char *where) {
  for (size_t i = 0; i < map->n; i++)
    check_unknown(c, map->keys[i], section, where);
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    if (!(keys[i].flags & REQ) || strcmp(keys[i].section, section) != 0)
      continue;
    if (!wx__node_get(map, keys[i].key))
      wx__serr(c, map, "missing required key `%s` in %s", keys[i].key, where);
  }
}

int wx__check_name(wx_sctx *c, const wx_node *key, const char *what) {
  const char *s = key->str;
  int ok = key->len > 0 && key->len <= 64 &&
           (s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
            (s[0] >= 'a' && s[0] <= 'z'));
  for (size_t i = 1; ok && i < key->len; i++)
    ok = s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
  if (!ok)
    wx__serr(c, key,
             "invalid %s name `%.100s`: use letters, digits and _ (not "
             "starting with a digit), at most 64 characters",
             what, s);
  return ok;
}
