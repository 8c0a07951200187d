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
    {"ban", "Staff account bans",
     "`modules: {NAME: {kind: personal_account, ban: {...}}}`"},
    {"welcome", "Group welcome message",
     "`modules: {NAME: {kind: group, welcome: {...}}}`"},
    {"activity", "Group activity", "`modules: {NAME: {kind: group, activity: "
     "{...}}}`"},
    {"shills", "Group shills (company agents)",
     "`modules: {NAME: {kind: group, activity: {shills: {...}}}}`"},
    {"negative_feedback", "Group negative feedback",
     "`modules: {NAME: {kind: group, negative_feedback: {...}}}`"},
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

    /* Staff accounts: modules of kind personal_account and wecom. */
    {"module", "accounts", "count", "1", ">= 1",
     "staff accounts (personal_account, wecom). The limit of 5 WeCom "
     "accounts per enterprise (source) is on company registrations, not on "
     "employees, so it is not checked here",
     "`accounts: 3`", 0},
    {"module", "friend_cap", "count", "personal_account 5000 (assumption), "
     "wecom 50000 (source)", ">= 1",
     "friends per staff account; requests beyond it are refused (cap)",
     "`friend_cap: 5000`", 0},
    {"module", "daily_adds", "count", "unlimited", ">= 1",
     "friends added per account per calendar day (unpublished; assumption)",
     "`daily_adds: 300`", 0},
    {"module", "accept", "probability", "100%", "0 to 1",
     "friend-request acceptance; declined people do not join",
     "`accept: 60%`", PRI},
    {"module", "assign", "assignment", "least_loaded",
     "least_loaded, round_robin", "which staff account takes a new friend",
     "`assign: round_robin`", 0},
    {"module", "on_refused", "policy", "overflow", "overflow, drop, retry",
     "staff: a request the chosen account cannot take goes to the next "
     "account with room (overflow), is lost (drop), or is retried after "
     "retry_after (retry)",
     "`on_refused: retry`", 0},
    {"module", "retry_after", "duration", "1d", "> 0",
     "with on_refused / on_full retry: delay before trying again",
     "`retry_after: 1d`", 0},
    {"module", "ban", "mapping", "no bans", "see Staff account bans",
     "staff accounts may be banned, losing all their friends",
     "`ban: {rate: 0.05%/d, replace_after: 7d}`", 0},
    {"module", "cost", "money per month", "0", ">= 0",
     "per staff account or per open group per month (30 d); `300/month`, a "
     "bare number is per month, `10/d` per day",
     "`cost: 300/month`", 0},
    /* Groups: modules of kind group. */
    {"module", "group_type", "group type", "communication",
     "communication, functional",
     "functional groups live briefly (lifetime); communication groups live "
     "long and have activity", "`group_type: functional`", 0},
    {"module", "group_kind", "group kind", "wecom", "wecom, ordinary",
     "sets the default group_cap: WeCom customer group 100 (source), "
     "ordinary group 500 (assumption)", "`group_kind: ordinary`", 0},
    {"module", "group_cap", "count", "100 (wecom), 500 (ordinary)", ">= 1",
     "members per group", "`group_cap: 200`", 0},
    {"module", "groups", "count", "1", ">= 1",
     "with on_full drop or retry: the number of groups", "`groups: 3`", 0},
    {"module", "on_full", "policy", "new_group", "new_group, drop, retry",
     "a newcomer finding the newest group full opens a new group, is lost, "
     "or retries after retry_after", "`on_full: drop`", 0},
    {"module", "lifetime", "duration", "never", "> 0",
     "functional groups dissolve this long after opening (all leave)",
     "`lifetime: 7d`", 0},
    {"module", "welcome", "mapping", "none", "see Group welcome message",
     "an automatic welcome lowers early churn", "`welcome: {churn_x: 0.7, "
     "window: 3d}`", 0},
    {"module", "activity", "mapping", "initial 1, no decay",
     "see Group activity", "how lively a group is; damps negative feedback",
     "`activity: {initial: 1, decay: 5%/d}`", 0},
    {"module", "negative_feedback", "mapping", "none",
     "see Group negative feedback",
     "events in which several members leave at once",
     "`negative_feedback: {rate: 0.02/d, leave: 10%}`", 0},

    {"ban", "rate", "rate", "0", ">= 0",
     "ban hazard per account per day (drawn at each whole day)",
     "`rate: 0.05%/d`", PRI},
    {"ban", "per_post", "probability", "0", "0 to 1",
     "added ban hazard per marketing post by the account that day",
     "`per_post: 0.02%`", PRI},
    {"ban", "replace_after", "duration", "7d (assumption)", ">= 0",
     "a new empty account replaces a banned one after this delay",
     "`replace_after: 7d`", 0},

    {"welcome", "churn_x", "probability", "", "0 to 1",
     "churn due within the window happens with this probability (the rest "
     "stay)", "`churn_x: 0.7`", REQ},
    {"welcome", "window", "duration", "", "> 0",
     "how long after joining the welcome acts", "`window: 3d`", REQ},

    {"activity", "initial", "probability", "1", "0 to 1",
     "activity of a new group", "`initial: 1.0`", 0},
    {"activity", "decay", "rate", "0", ">= 0",
     "exponential decay per day without upkeep", "`decay: 5%/d`", 0},
    {"activity", "shills", "mapping", "none", "see Group shills",
     "company agents keep activity up, then withdraw",
     "`shills: {count: 2, boost: 0.5, withdraw: 21d}`", 0},

    {"shills", "count", "count", "", ">= 0", "agents per group",
     "`count: 2`", REQ},
    {"shills", "boost", "number", "", ">= 0", "activity added per agent",
     "`boost: 0.5`", REQ},
    {"shills", "withdraw", "duration", "", "> 0",
     "the agents' effect falls linearly to 0 over this time",
     "`withdraw: 21d`", REQ},

    {"negative_feedback", "rate", "rate", "", ">= 0",
     "events per group per day at activity 0 (times 1 - activity)",
     "`rate: 0.02/d`", REQ | PRI},
    {"negative_feedback", "leave", "probability", "", "0 to 1",
     "each member leaves with this probability in an event",
     "`leave: 10%`", REQ | PRI},

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
