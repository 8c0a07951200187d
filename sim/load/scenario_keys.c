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
    {"stage", "Funnel stages", "`funnel: [{...}, ...]`"},
    {"ban", "Staff account bans",
     "`modules: {NAME: {kind: personal_account, ban: {...}}}`"},
    {"welcome", "Group welcome message",
     "`modules: {NAME: {kind: group, welcome: {...}}}`"},
    {"activity", "Group activity",
     "`modules: {NAME: {kind: group, activity: "
     "{...}}}`"},
    {"shills", "Group shills (company agents)",
     "`modules: {NAME: {kind: group, activity: {shills: {...}}}}`"},
    {"negative_feedback", "Group negative feedback",
     "`modules: {NAME: {kind: group, negative_feedback: {...}}}`"},
    {"complaints", "Group complaint cascade",
     "`modules: {NAME: {kind: group, complaints: {...}}}`"},
    {"touchpoint", "Touchpoints", "`touchpoints: {NAME: {...}}`"},
    {"schedule", "Touchpoint schedule",
     "`touchpoints: {NAME: {schedule: "
     "{...}}}`"},
    {"pulse", "Pulses",
     "`touchpoints: {NAME: {pulses: [{...}, ...]}}`, `sources: {NAME: "
     "{pulses: [{...}, ...]}}` and `flows: {NAME: {pulses: [{...}, "
     "...]}}`"},
    {"response", "Responses",
     "`touchpoints: {NAME: {responses: {RESPONSE: "
     "{...}}}}` and `recommend: {responses: {...}}`"},
    {"recommend", "Recommendation",
     "`touchpoints: {NAME: {recommend: "
     "{...}}}`"},
    {"solitaire", "Solitaire", "`touchpoints: {NAME: {solitaire: {...}}}`"},
    {"session", "Live stream session",
     "`touchpoints: {NAME: {type: live, session: {...}}}`"},
    {"replay", "Live stream replay",
     "`touchpoints: {NAME: {type: live, session: {replay: {...}}}}`"},
    {"fission", "Fission",
     "`touchpoints: {NAME: {fission: {...}}}` and "
     "`sources: {NAME: {type: campaign, fission: {...}}}`"},
    {"saturation", "Fission saturation", "`fission: {saturation: {...}}`"},
    {"decline", "Fission decline", "`fission: {decline: {...}}`"},
    {"reward", "Fission rewards",
     "`fission: {reward: {...}}`: money paid to sharers, booked when "
     "earned (the sharer's task done, or an invitee arrived)"},
    {"commission", "Referral commission",
     "`fission: {commission: {...}}`: money paid to the referrer when a "
     "person the campaign brought buys; fixed + of_value x the order "
     "value, at most max, per purchase"},
    {"repeat", "Repeat purchases", "`outcomes: {NAME: {repeat: {...}}}`"},
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
     "independent runs whose results are summarised", "`replications: 20`", 0},
    {"top", "engine", "name", "agent, cohort or auto", "agent",
     "simulation engine (`wxflow run --engine` overrides it); agent keeps "
     "one record per person and handles every key of this reference; "
     "cohort keeps counts per state for millions to billions of people "
     "and refuses, with the key's position, what it cannot model "
     "(docs/cohort.md); auto picks cohort where it is exact and the "
     "population is large, else agent",
     "`engine: agent`", 0},
    {"top", "start", "date", "2026-01-05", "YYYY-MM-DD",
     "calendar date of t = 0 (00:00); weekdays and months follow from it",
     "`start: 2026-03-02`", 0},
    {"top", "touchpoints", "mapping", "", "names [A-Za-z_][A-Za-z0-9_]*",
     "scheduled broadcasts (articles, videos, live streams) to a module's "
     "members",
     "`touchpoints: {weekly: {module: oa, schedule: {every: 7d}}}`", 0},
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
    {"top", "funnel", "sequence of stages", "stages by module kind",
     "`reached`, `customers`, module names, or {stage, label} mappings",
     "the stages of funnel.csv and the funnel chart, in order",
     "`funnel: [reached, oa, sdr, {stage: customers, label: 客户}]`", 0},

    {"module", "kind", "kind", "",
     "official_account, video_account, "
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
    {"module", "friend_cap", "count",
     "personal_account 5000 (assumption), "
     "wecom 50000 (source)",
     ">= 1", "friends per staff account; requests beyond it are refused (cap)",
     "`friend_cap: 5000`", 0},
    {"module", "daily_adds", "count", "unlimited", ">= 1",
     "friends added per account per calendar day (unpublished; assumption)",
     "`daily_adds: 300`", 0},
    {"module", "accept", "probability", "100%", "0 to 1",
     "friend-request acceptance; declined people do not join", "`accept: 60%`",
     PRI},
    {"module", "assign", "assignment", "least_loaded",
     "least_loaded, round_robin", "which staff account takes a new friend",
     "`assign: round_robin`", 0},
    {"module", "on_refused", "policy", "overflow", "overflow, drop, retry",
     "staff: a request the chosen account cannot take goes to the next "
     "account with room (overflow), is lost (drop), or is retried after "
     "retry_after (retry)",
     "`on_refused: retry`", 0},
    {"module", "retry_after", "duration", "1d", ">= 1 minute",
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
     "functional groups are purpose-bound sessions: they close (lifetime), "
     "their activity is their posts' and shills', no members' talk and no "
     "complaint cascades, and a reopened session starts afresh; "
     "communication groups live long, need upkeep (members' talk, posts) "
     "and may have complaint cascades",
     "`group_type: functional`", 0},
    {"module", "group_kind", "group kind", "wecom", "wecom, ordinary",
     "sets the default group_cap: WeCom customer group 100 (source), "
     "ordinary group 500 (assumption)",
     "`group_kind: ordinary`", 0},
    {"module", "group_cap", "count", "100 (wecom), 500 (ordinary)", ">= 1",
     "members per group", "`group_cap: 200`", 0},
    {"module", "groups", "count", "1", ">= 1",
     "with on_full drop or retry: the number of groups", "`groups: 3`", 0},
    {"module", "on_full", "policy", "new_group", "new_group, drop, retry",
     "a newcomer finding the newest group full opens a new group, is lost, "
     "or retries after retry_after",
     "`on_full: drop`", 0},
    {"module", "lifetime", "duration", "never", ">= 1 minute",
     "functional groups dissolve this long after opening (all leave)",
     "`lifetime: 7d`", 0},
    {"module", "welcome", "mapping", "none", "see Group welcome message",
     "an automatic welcome lowers early churn",
     "`welcome: {churn_x: 0.7, "
     "window: 3d}`",
     0},
    {"module", "activity", "mapping", "initial 1, no decay",
     "see Group activity",
     "how lively a group is (posts, shills, members' talk); damps negative "
     "feedback and complaints, may hold members and conversion",
     "`activity: {initial: 1, decay: 5%/d}`", 0},
    {"module", "negative_feedback", "mapping", "none",
     "see Group negative feedback",
     "events in which several members leave at once",
     "`negative_feedback: {rate: 0.02/d, leave: 10%}`", 0},
    {"module", "complaints", "mapping", "none", "see Group complaint cascade",
     "communication groups: complaints that breed complaints and departures "
     "until staff answer them; adds the series complaints, complaint_roots "
     "and cascade_leaves and the KPIs complaints.NAME and "
     "cascade_leaves.NAME",
     "`complaints: {rate: 0.1%/d, excite: 0.5/d, response: 1h}`", 0},

    {"ban", "rate", "rate", "0", ">= 0",
     "ban hazard per account per day (drawn at each whole day)",
     "`rate: 0.05%/d`", PRI},
    {"ban", "per_post", "probability", "0", "0 to 1",
     "added ban hazard per marketing post by the account that day",
     "`per_post: 0.02%`", PRI},
    {"ban", "adds_gain", "number", "0", ">= 0",
     "aggressive adding: the day's rate is multiplied by exp(adds_gain x "
     "adds / daily_adds + posts_gain x posts), adds and posts of that "
     "account that day; needs `rate` and the module's daily_adds",
     "`adds_gain: 2`", PRI},
    {"ban", "posts_gain", "number", "0", ">= 0",
     "aggressive posting: see adds_gain (posts are the account's marketing "
     "posts that day)",
     "`posts_gain: 0.4`", PRI},
    {"ban", "replace_after", "duration", "7d (assumption)", ">= 0",
     "a new empty account replaces a banned one after this delay",
     "`replace_after: 7d`", 0},

    {"welcome", "churn_x", "probability", "", "0 to 1",
     "churn due within the window happens with this probability (the rest "
     "stay)",
     "`churn_x: 0.7`", REQ},
    {"welcome", "window", "duration", "", "> 0",
     "how long after joining the welcome acts", "`window: 3d`", REQ},

    {"activity", "initial", "probability", "1", "0 to 1",
     "activity of a new group", "`initial: 1.0`", 0},
    {"activity", "decay", "rate", "0", ">= 0",
     "exponential decay per day without upkeep (of the start-up activity "
     "and the members' own)",
     "`decay: 5%/d`", 0},
    {"activity", "chat", "rate", "0", ">= 0",
     "communication groups: members' own talk, dm/dt = chat (members / "
     "group_cap) activity (1 - m) - decay m; a group talking more than it "
     "decays keeps going after the shills leave, else it fades",
     "`chat: 20%/d`", 0},
    {"activity", "post", "number", "0", ">= 0",
     "activity each post of a touchpoint on the module adds to every open "
     "group, times the post's solitaire x (a 接龙 chain)",
     "`post: 0.05`", 0},
    {"activity", "hold", "probability", "0", "0 to 1",
     "a churn drawn on joining is cancelled with probability hold x the "
     "activity of the group joined (lively groups keep members)",
     "`hold: 50%`", 0},
    {"activity", "convert", "probability", "0", "0 to 1",
     "a move flow (conversion) drawn on joining is cancelled with "
     "probability convert x (1 - activity): quiet groups convert less",
     "`convert: 40%`", 0},
    {"activity", "shills", "mapping", "none", "see Group shills",
     "company agents keep activity up, then withdraw",
     "`shills: {count: 2, boost: 0.5, withdraw: 21d}`", 0},

    {"shills", "count", "count", "", ">= 0", "agents per group", "`count: 2`",
     REQ},
    {"shills", "boost", "number", "", ">= 0", "activity added per agent",
     "`boost: 0.5`", REQ},
    {"shills", "withdraw", "duration", "", "> 0",
     "the agents' effect falls linearly to 0 over this time", "`withdraw: 21d`",
     REQ},
    {"shills", "until", "probability", "none: from opening", "> 0 to 1",
     "the agents begin to withdraw once the members' own activity reaches "
     "this (they know each other by then); perhaps never",
     "`until: 0.3`", 0},

    {"negative_feedback", "rate", "rate", "", ">= 0",
     "events per group per day at activity 0 (times 1 - activity)",
     "`rate: 0.02/d`", REQ | PRI},
    {"negative_feedback", "leave", "probability", "", "0 to 1",
     "each member leaves with this probability in an event", "`leave: 10%`",
     REQ | PRI},

    {"complaints", "rate", "rate", "", ">= 0",
     "spontaneous complaints per member per day (the cascades' roots)",
     "`rate: 0.1%/d`", REQ | PRI},
    {"complaints", "excite", "rate", "0", ">= 0, n < 1",
     "a complaint adds excite x exp(-u / memory) to the group's complaint "
     "hazard u days after it, until answered; n = excite x memory x (1 - "
     "exp(-response / memory)) further complaints each (n >= 1 is refused: "
     "it never dies out)",
     "`excite: 0.5/d`", 0},
    {"complaints", "leave", "rate", "0", ">= 0",
     "a complaint adds leave x exp(-u / memory) to the group's departure "
     "hazard (a member chosen at random leaves) until answered",
     "`leave: 0.3/d`", PRI},
    {"complaints", "memory", "duration", "1d (assumption)", "> 0",
     "how long a complaint's excitation lasts (time constant)", "`memory: 12h`",
     0},
    {"complaints", "response", "duration or never", "never", "> 0",
     "staff answer each complaint this long after it; its excitation stops "
     "then",
     "`response: 1h`", 0},
    {"complaints", "damping", "probability", "0.5 (assumption)", "0 to 1",
     "every cascade hazard is multiplied by 1 - damping x activity (lively "
     "groups talk complaints down)",
     "`damping: 0.8`", 0},

    {"outcome", "label", "text", "the name", "any UTF-8 text", "display label",
     "`label: 购买`", 0},
    {"outcome", "value", "distribution of plain numbers", "",
     "a delay form, numbers without units",
     "order value (CNY) of each occurrence; adds customers and revenue series",
     "`value: lognormal(median=80, sigma=0.6)`", 0},
    {"outcome", "margin", "probability", "", "0 to 1",
     "gross margin: the share of each order value that is gross profit "
     "(adds a gross_profit series and the margin KPIs: gross_profit, "
     "roi_margin, payback_margin_day); with one outcome's margin every "
     "valued outcome needs one; needs `value`",
     "`margin: 35%`", PRI},
    {"outcome", "cost_of_goods", "money", "", ">= 0",
     "instead of margin: cost of goods per order (gross profit = value - "
     "cost_of_goods)",
     "`cost_of_goods: 45`", PRI},
    {"outcome", "repeat", "mapping", "", "{p, delay}",
     "after each occurrence, another with probability p after delay "
     "(geometric); adds customers and revenue series",
     "`repeat: {p: 30%, delay: exponential(30d)}`", 0},
    {"repeat", "p", "probability", "", "0 to 1",
     "probability of another purchase after each one", "`p: 30%`", REQ | PRI},
    {"repeat", "delay", "delay", "", "see Delay forms",
     "time from a purchase to the next", "`delay: exponential(30d)`", REQ},

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
    {"source", "pulses", "sequence of pulses", "", "see Pulses",
     "rate and schedule sources: arrival rate multiplied by x on those days "
     "(festivals)",
     "`pulses: [{festival: double_11, x: 3}]`", 0},
    {"source", "enabled", "boolean", "true", "true, false",
     "false removes the source", "`enabled: false`", 0},
    {"source", "type", "ads or campaign", "from initial, rate or schedule",
     "ads, campaign",
     "ads: paid Moments ads; campaign: a one-off arrival of `count` people",
     "`type: ads`", 0},
    {"source", "budget", "rate (CNY per day)", "", ">= 0",
     "ads: spend per day while active; cost accrues at this rate",
     "`budget: 2000/d`", PRI},
    {"source", "cpm", "number (CNY)", "", "> 0",
     "ads: cost per 1000 impressions", "`cpm: 40`", PRI},
    {"source", "ctr", "probability", "", "0 to 1",
     "ads: click-through rate of an impression", "`ctr: 1.2%`", PRI},
    {"source", "convert", "probability", "", "0 to 1",
     "ads: share of clicks that arrive in `into`", "`convert: 30%`", PRI},
    {"source", "saturation", "rate (CNY per day)", "none: linear in spend",
     "> 0",
     "ads: diminishing returns; with a = 1000 ctr convert / cpm, arrivals "
     "per day never exceed a x saturation, and a Hill curve of shape 1 gives "
     "half of that at budget = saturation.  Without it arrivals grow "
     "linearly with the budget (an assumption that overstates large "
     "budgets)",
     "`saturation: 5000/d`", PRI},
    {"source", "curve", "hill, exponential or audience",
     "audience with `audience`, else hill", "hill, exponential, audience",
     "ads: the response to budget b, u = b / saturation: hill a saturation "
     "u^shape / (1 + u^shape); exponential a saturation (1 - exp(-u)); "
     "both near a b at low spend (hill: shape 1); audience: `audience` "
     "people each shown Poisson(1000 b / (cpm audience)) impressions a day, "
     "at most `frequency_cap` of them.  The default is an assumption",
     "`curve: exponential`", 0},
    {"source", "audience", "count", "", ">= 0",
     "ads, curve audience: the people the ads can reach (a finite "
     "audience: beyond it spend buys repeats, then nothing)",
     "`audience: 200k`", PRI},
    {"source", "frequency_cap", "count (per person per day)", "1", ">= 0",
     "ads, curve audience: impressions a person is shown a day at most "
     "(the default 1 is an assumption)",
     "`frequency_cap: 3`", PRI},
    {"source", "shape", "number", "1", "> 0",
     "ads, curve hill: the exponent; above 1 an S-curve (a threshold "
     "before returns grow).  The default 1 is an assumption",
     "`shape: 1.5`", PRI},
    {"source", "from", "duration or date", "0d", ">= 0",
     "ads: start of the campaign", "`from: 7d`", 0},
    {"source", "until", "duration or date", "the horizon", "> from",
     "ads: end of the campaign", "`until: 2026-03-01`", 0},
    {"source", "count", "count", "", ">= 0",
     "campaign: people arriving at `at`", "`count: 500`", PRI},
    {"source", "at", "duration or date", "0d", ">= 0",
     "campaign: when its people arrive", "`at: 10d`", 0},
    {"source", "cost", "number (CNY)", "0", ">= 0", "campaign: one-off cost",
     "`cost: 20000`", PRI},
    {"source", "fission", "mapping", "", "see Fission",
     "campaign: its people share and bring more (referral)",
     "`fission: {share: 20%, offspring: poisson(3), generation_delay: 1d}`", 0},

    {"step", "from", "duration or date", "", ">= 0, strictly increasing",
     "time from which the rate holds", "`from: 2026-02-17`", REQ},
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
    {"flow", "pulses", "sequence of pulses", "", "see Pulses",
     "festival pulses: p multiplied by x (at most 1) for members who join "
     "`from` on those days, as the flow is decided on joining; the flow "
     "itself may happen later, after its delay",
     "`pulses: [{festival: double_11, x: 3}]`", 0},
    {"flow", "enabled", "boolean", "true", "true, false",
     "false removes the flow", "`enabled: false`", 0},

    {"delay", "dist", "distribution name", "",
     "fixed, exponential (exp), "
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
    {"touchpoint", "module", "module name", "", "an enabled module",
     "whose members are the audience", "`module: oa`", REQ},
    {"touchpoint", "type", "touchpoint type", "broadcast",
     "broadcast, live, staff_moments, enterprise_moments",
     "what kind of post it is; Moments types need a staff module "
     "(personal_account, wecom): staff_moments = every account posts to up "
     "to recipients_per_post friends not yet reached by a staff post that "
     "day; enterprise_moments = to all friends, posts_per_month quota",
     "`type: staff_moments`", 0},
    {"touchpoint", "schedule", "mapping", "", "see Touchpoint schedule",
     "when it fires; each firing is one post",
     "`schedule: {every: 7d, at: \"20:00\"}`", REQ},
    {"touchpoint", "reach", "probability",
     "per kind (official_account "
     "1.3%)",
     "0 to 1", "P(a member is reached by one post); live: attendance",
     "`reach: 1.3%`", PRI},
    {"touchpoint", "pulses", "sequence of pulses", "", "see Pulses",
     "festival pulses: reach (or, with `on: responses`, each response's p) "
     "multiplied by x on those days; a pulse on a day without a post is "
     "warned of",
     "`pulses: [{date: 2026-02-10, x: 3}]`", 0},
    {"touchpoint", "unfollow", "probability", "0", "0 to 1",
     "fatigue: P(a reached member leaves the module) per post",
     "`unfollow: 0.1%`", PRI},
    {"touchpoint", "responses", "mapping", "", "see Responses",
     "flows taken by reached members; leaving the module cancels them",
     "`responses: {cta: {to: sdr, p: 3%, delay: exponential(1d)}}`", 0},
    {"touchpoint", "fission", "mapping", "", "see Fission",
     "reached members share; new people arrive and share again",
     "`fission: {share: 5%, offspring: poisson(3), generation_delay: 1d}`", 0},
    {"touchpoint", "recommend", "mapping", "", "see Recommendation",
     "reach to non-members per post (video account)",
     "`recommend: {views: 5000, responses: {...}}`", 0},
    {"touchpoint", "solitaire", "mapping", "", "{x: number > 0}",
     "a solitaire (接龙) chain before the session: reach multiplied by x",
     "`solitaire: {x: 1.5}`", 0},
    {"touchpoint", "session", "mapping", "", "see Live stream session",
     "type live only: each firing is a live stream with an audience that "
     "arrives and leaves, a live shop and a replay (without it a live "
     "touchpoint is a post whose reach is attendance)",
     "`session: {duration: 2h, watch: exponential(20min)}`", 0},
    {"touchpoint", "recipients_per_post", "count",
     "wecom: 200 (source); personal_account: no limit", ">= 1",
     "staff_moments only: friends each account may select per post (WeCom: "
     "200); eligible friends beyond it are refused (recipients_limit)",
     "`recipients_per_post: 200`", 0},
    {"touchpoint", "once_per_day", "boolean",
     "wecom: true (source); personal_account: false", "true, false",
     "staff_moments only: a customer is selected by staff posts at most once "
     "a calendar day; the rest are refused (daily_once)",
     "`once_per_day: false`", 0},
    {"touchpoint", "posts_per_month", "count", "4 (source)", ">= 1",
     "enterprise_moments only: enterprise posts per calendar month, shared "
     "by the module's enterprise Moments touchpoints; firings beyond it are "
     "refused (quota_month)",
     "`posts_per_month: 4`", 0},
    {"touchpoint", "cost", "number (CNY)", "0", ">= 0",
     "cost per post "
     "(staff_moments: per account post)",
     "`cost: 500`", PRI},
    {"touchpoint", "enabled", "boolean", "true", "true, false",
     "false removes the touchpoint", "`enabled: false`", 0},
    {"schedule", "every", "duration", "", ">= 1 minute",
     "period of regular firings, the first at `from`", "`every: 7d`", 0},
    {"schedule", "weekdays", "sequence of weekdays", "", "mon ... sun",
     "instead of `every`: fire on these weekdays", "`weekdays: [mon, thu]`", 0},
    {"schedule", "dates", "sequence of dates or durations", "", ">= 0",
     "one-off firings (also outside from/until)", "`dates: [2026-02-10, 30d]`",
     0},
    {"schedule", "from", "duration or date", "0d", ">= 0",
     "first day of regular firings", "`from: 14d`", 0},
    {"schedule", "until", "duration or date", "the horizon", ">= from",
     "last time of regular firings", "`until: 90d`", 0},
    {"schedule", "at", "time of day", "00:00", "hh:mm",
     "time of day of every firing", "`at: \"20:00\"`", 0},
    {"pulse", "date", "date or duration", "", ">= 0; or give `festival`",
     "the first day of the pulse", "`date: 2026-02-10`", 0},
    {"pulse", "festival", "festival name", "", "see Festival calendar",
     "every date of a shipped festival (2026 and 2027) in the run",
     "`festival: spring_festival`", 0},
    {"pulse", "year", "year", "both", "2026, 2027",
     "with festival: that year's date only", "`year: 2026`", 0},
    {"pulse", "days", "count", "1 (a festival: its span)", "1 to 366",
     "days the pulse lasts from its date", "`days: 3`", 0},
    {"pulse", "x", "number", "", ">= 0",
     "multiplier of the reach, the response p, the arrival rate or the "
     "flow's p on those days",
     "`x: 3`", REQ | PRI},
    {"pulse", "on", "reach or responses", "reach", "reach, responses",
     "touchpoints: what the pulse multiplies (responses: each response's p "
     "for members reached that day, at most 1)",
     "`on: responses`", 0},
    {"response", "to", "module or outcome name", "", "a module or an outcome",
     "where the response leads", "`to: sdr`", REQ},
    {"response", "type", "join or move", "join", "join, move",
     "members: join keeps the membership, move ends it", "`type: move`", 0},
    {"response", "p", "probability", "100%", "0 to 1",
     "probability per reached member (or viewer)", "`p: 3%`", PRI},
    {"response", "delay", "delay", "0d", "see Delay forms",
     "time from the post to the response", "`delay: exponential(1h)`", 0},
    {"recommend", "views", "number", "", ">= 0",
     "Poisson mean of non-members reached per post", "`views: 5000`",
     REQ | PRI},
    {"recommend", "responses", "mapping", "", "see Responses",
     "each viewer independently; a viewer taking any becomes a new person",
     "`responses: {follow: {to: video, p: 2%}}`", REQ},
    {"solitaire", "x", "number", "", "> 0", "attendance multiplier", "`x: 1.5`",
     REQ | PRI},
    {"session", "duration", "duration", "", ">= 1 minute",
     "length of each stream from its start (the schedule's firing)",
     "`duration: 2h`", REQ},
    {"session", "arrivals", "uniform or a delay", "uniform",
     "uniform, see Delay forms",
     "when viewers arrive after the start: uniformly over the stream, or "
     "after a drawn delay (one drawn past the end misses the stream)",
     "`arrivals: exponential(20min)`", 0},
    {"session", "watch", "delay", "", "see Delay forms",
     "how long a viewer watches; viewers still there leave at the end",
     "`watch: exponential(25min)`", REQ},
    {"session", "recommended", "number", "0", ">= 0",
     "Poisson mean of viewers the platform recommends per stream (on top "
     "of the members reached, `reach`); pulses multiply it",
     "`recommended: 3000`", PRI},
    {"session", "buy", "rate", "0", ">= 0",
     "live-shop purchase hazard per viewer while watching (at most one "
     "purchase per viewer and stream)",
     "`buy: 2%/h`", PRI},
    {"session", "outcome", "outcome name", "purchase", "an outcome",
     "what a live-shop purchase counts as (its `value` is the order value)",
     "`outcome: purchase`", 0},
    {"session", "follow", "probability", "0", "0 to 1",
     "P(a recommended viewer follows the module) when leaving", "`follow: 3%`",
     PRI},
    {"session", "replay", "mapping", "", "see Live stream replay",
     "the replay, open from the end of each stream", "`replay: {window: 3d}`",
     0},
    {"replay", "window", "duration", "", ">= 1 minute",
     "how long the replay is watched after the stream; replay viewers "
     "arrive uniformly within it",
     "`window: 3d`", REQ},
    {"replay", "reach", "probability", "0", "0 to 1",
     "P(a member at the stream's start watches the replay)", "`reach: 1%`",
     PRI},
    {"replay", "views", "number", "0", ">= 0",
     "Poisson mean of other viewers of the replay", "`views: 500`", PRI},
    {"replay", "buy", "probability", "0", "0 to 1",
     "P(a replay viewer buys), counted as the session's outcome", "`buy: 1%`",
     PRI},
    {"fission", "share", "probability", "", "0 to 1",
     "P(a reached person shares)", "`share: 5%`", REQ | PRI},
    {"fission", "offspring", "poisson(mean) or negbin(mean, size)", "",
     "mean >= 0, size > 0", "new people per share",
     "`offspring: negbin(mean=3, size=0.5)`", REQ},
    {"fission", "generation_delay", "delay", "", "see Delay forms",
     "time from a share to each new person's arrival",
     "`generation_delay: exponential(1d)`", REQ},
    {"fission", "into", "module name",
     "the touchpoint's module or the "
     "campaign's `into`",
     "an enabled module", "where new people arrive", "`into: oa`", 0},
    {"fission", "saturation", "mapping", "", "{half_life} or {cap}",
     "offspring mean shrinks with age (half_life) or with arrivals (cap, "
     "never exceeded)",
     "`saturation: {cap: 200000}`", 0},
    {"fission", "decline", "mapping", "", "{half_life}",
     "offspring mean halves every half_life of scenario time",
     "`decline: {half_life: 365d}`", 0},
    {"fission", "reward", "mapping", "none", "see Fission rewards",
     "money per share and per invitee arrived", "`reward: {per_invite: 5}`", 0},
    {"fission", "commission", "mapping", "none", "see Referral commission",
     "money per purchase by a referred person",
     "`commission: {of_value: 10%, max: 30}`", 0},
    {"reward", "per_share", "money", "0", ">= 0",
     "paid when a reached person shares (the task done)", "`per_share: 1`",
     PRI},
    {"reward", "per_invite", "money", "0", ">= 0",
     "paid when an invited person arrives (the invitation completed)",
     "`per_invite: 5`", PRI},
    {"commission", "fixed", "money", "0", ">= 0",
     "paid per commissioned purchase", "`fixed: 10`", PRI},
    {"commission", "of_value", "probability", "0", "0 to 1",
     "share of the order value paid per commissioned purchase",
     "`of_value: 10%`", PRI},
    {"commission", "max", "money", "no cap", ">= 0",
     "cap on the commission of one purchase, per level", "`max: 30`", PRI},
    {"commission", "second_fixed", "money", "0", ">= 0",
     "second level (二级分销): paid per commissioned purchase by a person "
     "whose sharer the same campaign brought, to that sharer's referrer",
     "`second_fixed: 3`", PRI},
    {"commission", "second_of_value", "probability", "0", "0 to 1",
     "second level: share of the order value (see second_fixed)",
     "`second_of_value: 3%`", PRI},
    {"commission", "outcome", "outcome name", "every outcome with a value",
     "an outcome with a value or repeats",
     "the outcome whose purchases earn it", "`outcome: purchase`", 0},
    {"commission", "purchases", "all or first", "all", "all, first",
     "every purchase of a referred person, or only the first of the outcome "
     "(each outcome's first, without `outcome`)",
     "`purchases: first`", 0},
    {"saturation", "half_life", "duration", "", "> 0",
     "mean x 2^(-age / half_life), age since the first firing",
     "`half_life: 14d`", PRI},
    {"saturation", "cap", "count", "", "> 0",
     "mean x (1 - arrivals / cap); arrivals never exceed cap", "`cap: 200000`",
     PRI},
    {"decline", "half_life", "duration", "", "> 0", "mean x 2^(-t / half_life)",
     "`half_life: 365d`", REQ | PRI},
    {"target", "module", "module name", "", "a module; or give `outcome`",
     "the module whose series is watched", "`module: sdr`", 0},
    {"target", "outcome", "outcome name", "", "an outcome; or give `module`",
     "the outcome whose series is watched", "`outcome: purchase`", 0},
    {"target", "metric", "metric name", "members (module), count (outcome)",
     "a metric of that module or outcome in series.csv",
     "which series of it is watched", "`metric: joins`", 0},
    {"stage", "stage", "stage name", "", "`reached`, `customers` or a module",
     "what the stage counts: people reached by touchpoints, first-time "
     "customers, or joins of a module",
     "`stage: sdr`", REQ},
    {"stage", "label", "text",
     "the module's label, or 触达 reached / 客户 "
     "customers",
     "any UTF-8 text", "the stage's name in the chart", "`label: 加企业微信`",
     0},
    {"target", "value", "number", "", ">= 0",
     "the level to reach (first sample time at or above it)", "`value: 50000`",
     REQ},
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
