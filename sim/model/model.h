/*
 * The compiled model: what a scenario means once units are resolved and
 * names are turned into indices.  It is built by the loader through the
 * wx__model_* functions below, frozen by wx__model_finalize(), and then only
 * read, by any number of engines in any number of threads.
 *
 * Every number the engine uses lives in the parameter vector (params[]) and
 * is referred to by index, so that any of them can be uncertain: a runner
 * draws a fresh vector per replication (wx__params_draw) while the model
 * itself never changes.
 *
 * Time is in days; rates are per day; probabilities are in [0, 1].
 */
#ifndef WX_MODEL_H
#define WX_MODEL_H

#include <stdint.h>
#include <stddef.h>

#include "wxflow/wxflow.h"

#define WX_NONE UINT32_MAX

/* Most replications of one run, in a scenario and on the command line
 * alike (statistics keep cells x replications values). */
#define WX_REPLICATIONS_MAX 1000000

/* Where something was written in the scenario, for messages at run time. */
typedef struct {
  int line;
  int col;
} wx_pos;

typedef enum {
  WX_KIND_OFFICIAL_ACCOUNT,
  WX_KIND_VIDEO_ACCOUNT,
  WX_KIND_PERSONAL_ACCOUNT,
  WX_KIND_WECOM,
  WX_KIND_GROUP,
  WX_KIND_MINI_PROGRAM,
  WX_KIND_OUTSIDE,
  WX_KIND_COUNT
} wx_kind;

/* Delay distributions.  The meaning of p[0], p[1] (parameter indices):
 *   FIXED        value
 *   EXPONENTIAL  mean
 *   UNIFORM      low, high
 *   GAMMA        shape k, mean  (Erlang when k is a whole number)
 *   LOGNORMAL    median, sigma  (sigma of the log)
 *   WEIBULL      shape k, scale lambda
 *   EMPIRICAL    unused: a histogram, uniform within each bin */
typedef enum {
  WX_DIST_FIXED,
  WX_DIST_EXPONENTIAL,
  WX_DIST_UNIFORM,
  WX_DIST_GAMMA,
  WX_DIST_LOGNORMAL,
  WX_DIST_WEIBULL,
  WX_DIST_EMPIRICAL,
  WX_DIST_COUNT
} wx_dist_kind;

typedef struct {
  wx_dist_kind kind;
  uint32_t p[2];
  uint32_t n_bins;
  double *edges;   /* n_bins + 1 ascending bin edges, days */
  double *weights; /* n_bins non-negative weights, not all zero */
} wx_dist;

/* Flow semantics (documented for users in docs/scenario.md):
 *  - MOVE and CHURN flows out of a module are exclusive branches: on joining,
 *    at most one is chosen with its probability (the rest of the mass is
 *    "stay"), and it fires after its own delay.  MOVE ends the membership of
 *    `from` and enters `to`; CHURN just ends it.
 *  - JOIN flows are independent Bernoulli trials drawn on joining; each fires
 *    after its own delay and keeps the membership of `from`.
 *  - Leaving a module cancels every pending flow out of it, JOIN included.
 *  - Entering a module the user already belongs to changes nothing. */
typedef enum { WX_FLOW_MOVE, WX_FLOW_JOIN, WX_FLOW_CHURN } wx_flow_kind;
typedef enum { WX_TARGET_NONE, WX_TARGET_MODULE, WX_TARGET_OUTCOME } wx_target;

typedef struct {
  char *name;
  wx_flow_kind kind;
  uint32_t from;    /* module index */
  wx_target target; /* NONE for churn */
  uint32_t to;      /* module or outcome index */
  uint32_t p;       /* param: probability of ever happening */
  wx_dist delay;
  wx_pos pos;
  /* Touchpoint responses (agent_touch.c) are flows too, so that they reuse
   * the flow columns and the engine's flow events.  tp is 0 for an
   * ordinary flow, else 1 + the touchpoint's index; such flows are not in
   * any module's exclusive/joins lists.  `recommend` marks a response of
   * the touchpoint's recommended viewers (non-members): it creates a new
   * person entering `to`. */
  uint32_t tp;
  int recommend;
  /* Festival pulses (`pulses:`): p multiplied by params[x] (at most 1) for
   * whoever joins `from` on such a day, as the flow is drawn on joining.
   * Ascending days, one entry a day (wx__flow_pulse); NULL without. */
  struct wx_pulse *pulses;
  uint32_t n_pulses;
  wx_pos pulses_pos; /* the `pulses` key */
} wx_flow;

/* Units: staff accounts (personal_account, wecom) or chat groups (group)
 * inside a module, each with a cap on its members (roster_pool.c).  A module
 * uses them when units.type != WX_UNITS_NONE (set by the loader for every
 * module of those kinds; models built in C leave it NONE).  Structural
 * numbers (counts, caps, durations, costs) are plain values; behavioural
 * probabilities and rates are parameters (priors allowed).  WX_NONE marks
 * an absent parameter. */
typedef enum { WX_UNITS_NONE, WX_UNITS_STAFF, WX_UNITS_GROUPS } wx_units_type;
typedef enum { WX_ASSIGN_LEAST_LOADED, WX_ASSIGN_ROUND_ROBIN } wx_assign;
/* on_refused (staff) / on_full (groups). */
typedef enum {
  WX_REFUSE_OVERFLOW,  /* staff: next account with room */
  WX_REFUSE_NEW_GROUP, /* groups: open a new group */
  WX_REFUSE_DROP,
  WX_REFUSE_RETRY
} wx_refuse;
typedef enum { WX_GROUP_COMMUNICATION, WX_GROUP_FUNCTIONAL } wx_group_type;

typedef struct {
  wx_units_type type;
  wx_refuse on_refused;
  double retry_after; /* days, > 0 with RETRY */
  double units;       /* accounts (staff) or initial groups, >= 1 */
  double cap;         /* friend_cap / group_cap */
  double cost;        /* per unit per month (30 d) */
  /* staff */
  double daily_adds; /* per account per calendar day; INFINITY = none */
  uint32_t accept;   /* param: friend-request acceptance */
  wx_assign assign;
  uint32_t ban_rate;     /* param, per day; WX_NONE = no bans */
  uint32_t ban_per_post; /* param, hazard per post that day; WX_NONE */
  /* Aggressive marketing (agent_staff.c): with ban_pressure set, the
   * day's base hazard is ban_rate x exp(adds_gain x adds / daily_adds +
   * posts_gain x posts), adds and posts of that account that day. */
  int ban_pressure;
  uint32_t ban_adds_gain, ban_posts_gain; /* params */
  double replace_after;                   /* days */
  /* groups */
  wx_group_type group_type;
  double lifetime;       /* functional: days; INFINITY = never dissolve */
  double welcome_x;      /* churn thinning in the window, in [0, 1] */
  double welcome_window; /* days; 0 = no welcome effect */
  double act_initial, act_decay; /* activity, decay per day */
  double shills, shill_boost, shill_withdraw;
  /* Lively groups (agent_activity.c): member-driven activity m, raised by
   * posts (act_post each, times a solitaire's x), growing by chatter
   * (act_chat per day, communication groups) and decaying at act_decay;
   * shills start withdrawing when m reaches shill_until (0: at opening).
   * Activity damps leaving (act_hold) and quiet groups convert less
   * (act_convert). */
  double act_chat, act_post, act_hold, act_convert, shill_until;
  uint32_t nf_rate;  /* param, events per group per day; WX_NONE */
  uint32_t nf_leave; /* param, P(a member leaves in an event) */
  /* Complaint cascade (communication groups; agent_cascade.c): a Hawkes
   * process per group.  Spontaneous complaints at cx_rate per member per
   * day; each complaint adds cx_excite exp(-u / cx_memory) to the group's
   * complaint hazard and cx_leave exp(-u / cx_memory) to its departure
   * hazard until it is answered cx_response days later; every hazard
   * times 1 - cx_damping x activity. */
  uint32_t cx_rate;   /* param; WX_NONE = no cascade */
  uint32_t cx_leave;  /* param, departures per day at u = 0 */
  double cx_excite;   /* complaints per day at u = 0 (plain: n < 1) */
  double cx_memory;   /* days, > 0 */
  double cx_response; /* days; INFINITY = never answered */
  double cx_damping;  /* in [0, 1] */
  wx_pos cx_pos;      /* the `complaints` key */
} wx_units_cfg;

typedef struct {
  char *name;
  char *label; /* UTF-8 display label; never NULL (defaults to name) */
  wx_kind kind;
  wx_pos pos;
  /* Filled by wx__model_finalize: flows out of this module by kind. */
  uint32_t *exclusive; /* MOVE and CHURN flow indices */
  uint32_t n_exclusive;
  uint32_t *joins; /* JOIN flow indices */
  uint32_t n_joins;
  int pulsed;         /* some of those flows have pulses (wx_flow.pulses) */
  wx_units_cfg units; /* staff accounts / groups; type NONE when unused */
} wx_module;

/* INITIAL, POISSON: see below.  ADS: paid Moments ads, Poisson arrivals at
 * budget / cpm * 1000 * ctr * convert per day in [from, until) (or the
 * saturating curve below), cost budget per day meanwhile.  CAMPAIGN: `count` people at once at `at`,
 * one-off `cost`, usually with `fission`. */
/* How ads arrivals respond to spend b per day (wx__ads_rate): with
 * a = 1000 ctr convert / cpm (arrivals per CNY at low spend) and S the
 * saturation spend, LINEAR a b; HILL a S u^k / (1 + u^k); EXP
 * a S (1 - exp(-u)), u = b / S, k the shape; AUDIENCE: N people each
 * shown X ~ Poisson(lambda) of the 1000 b / cpm impressions a day, lambda =
 * 1000 b / (cpm N), at most f of them (the frequency cap): N E[min(X, f)]
 * ctr convert. */
typedef enum {
  WX_ADS_LINEAR,
  WX_ADS_HILL,
  WX_ADS_EXP,
  WX_ADS_AUDIENCE
} wx_ads_curve;

typedef enum {
  WX_SOURCE_INITIAL,
  WX_SOURCE_POISSON,
  WX_SOURCE_ADS,
  WX_SOURCE_CAMPAIGN
} wx_source_kind;

/* Referral fission (agent_fission.c): a reached person shares with
 * params[share]; a share brings offspring ~ Poisson(mean) or NegBin(mean,
 * size) new people into `into`, each after `delay`; they are reached in
 * turn (generations).  Optional params (WX_NONE when absent): half_life
 * (saturation with age since the first firing), cap (saturation with
 * arrivals so far; never exceeded), decline (half-life over scenario
 * time). */
typedef enum { WX_OFFSPRING_POISSON, WX_OFFSPRING_NEGBIN } wx_offspring;

/* What a fission campaign pays (agent_fission.c, agent_pay.c), when `on`:
 * rewards per share (a task done) and per invitee arrived (an invitation
 * completed), and a commission per purchase by a referred person: fixed +
 * of_value x the order value, at most max; of `outcome` (WX_NONE: every
 * economic outcome), only that outcome's first purchase when first_only.
 * Two levels (distribution, 二级分销): a buyer brought by a person the
 * same campaign brought also pays second_fixed + second_of_value x the
 * value (at most max) to that person's referrer.  Every amount is a
 * param, WX_NONE when absent. */
typedef struct {
  int on;
  uint32_t per_share, per_invite;
  uint32_t fixed, of_value, max;
  uint32_t second_fixed, second_of_value;
  uint32_t outcome;
  int first_only;
} wx_referral_pay;

typedef struct {
  int on;
  uint32_t share;
  wx_offspring offspring;
  uint32_t mean, size;
  wx_dist delay;
  uint32_t into;
  uint32_t half_life, cap, decline;
  wx_referral_pay pay;
} wx_fission;

/* A piece of a piecewise-constant arrival rate: from `from` days on (until
 * the next step), arrivals come at params[rate] per day, times
 * params[x1 - 1] on a festival pulse's days (x1 0: no pulse; zero-filled
 * steps have none). */
typedef struct {
  double from;
  uint32_t rate;
  uint32_t x1;
} wx_rate_step;

/* The arrival rate of step s under parameter values params. */
static inline double wx__step_rate(const double *params,
                                   const wx_rate_step *s) {
  return params[s->rate] * (s->x1 ? params[s->x1 - 1] : 1.0);
}

typedef struct {
  char *name;
  wx_source_kind kind;
  uint32_t to;         /* module index */
  uint32_t count;      /* INITIAL: param, number of people at t = 0 */
  wx_rate_step *steps; /* POISSON: ascending `from`, steps[0].from == 0 */
  uint32_t n_steps;
  wx_pos pos;
  uint32_t budget, cpm, ctr, convert; /* ADS: params */
  double from, until;                 /* ADS: active window, days */
  wx_ads_curve curve;                 /* ADS: response to spend */
  uint32_t saturation, shape;         /* ADS: params; WX_NONE: absent */
  uint32_t audience, freq_cap;        /* ADS, curve audience: params */
  double at;                          /* CAMPAIGN: time, days */
  uint32_t cost;                      /* CAMPAIGN: param; WX_NONE: free */
  wx_fission fission;                 /* CAMPAIGN (may be off) */
} wx_source;

/* When a touchpoint fires (calendar.c).  Firings are the union of: every
 * `every` days from `from` (every > 0), each day whose weekday bit is set
 * in `weekdays` (bit 0 = Monday) from `from` on, and the one-off `dates`
 * (days since t = 0); all shifted by `at` (time of day, days in [0, 1)),
 * the periodic ones only up to `until`. */
typedef struct {
  double every, from, until, at;
  unsigned weekdays;
  double *dates;
  uint32_t n_dates;
} wx_schedule;

/* Reach (on WX_PULSE_REACH) or each response's probability (on
 * WX_PULSE_RESPONSES) multiplied by params[x] on day [day, day + 1). */
enum { WX_PULSE_REACH, WX_PULSE_RESPONSES };
typedef struct wx_pulse {
  double day;
  uint32_t x;
  int on;
} wx_pulse;

/* Moments types need a staff module (agent_moments.c). */
typedef enum {
  WX_TP_BROADCAST,
  WX_TP_LIVE,
  WX_TP_STAFF_MOMENTS,
  WX_TP_ENTERPRISE_MOMENTS,
  WX_TP_COUNT
} wx_tp_type;

/* A live stream (agent_live.c): each firing of a touchpoint with
 * `session:` opens one of `duration` days.  Its viewers are the members
 * reached (reach x pulse x solitaire) and Poisson(views x pulse)
 * viewers the platform recommends; each arrives at an offset from the
 * start (uniform over the session, or drawn from `arrive`: one drawn past
 * the end misses it), watches for a draw of `watch` (to the end at most),
 * buys once with hazard params[buy] per day while watching (the purchase
 * is outcome `outcome`), and, if recommended, follows the module with
 * params[follow] when leaving.  The replay opens at the end for
 * `replay_window` days: members watch it with params[replay_reach],
 * Poisson(params[replay_views]) others, arriving uniformly, each buying
 * with params[replay_buy].  Durations are structural; the rest are
 * parameters (WX_NONE: absent, i.e. 0). */
typedef struct {
  double duration;
  int arrive_uniform;
  wx_dist arrive, watch;
  uint32_t views, buy, follow, outcome;
  int replay;
  double replay_window;
  uint32_t replay_reach, replay_views, replay_buy;
} wx_live;

/* A scheduled broadcast to the members of `module` (agent_touch.c). */
typedef struct {
  char *name;
  wx_tp_type type;
  uint32_t module;
  wx_schedule sched;
  uint32_t reach, unfollow, solitaire, cost; /* params */
  wx_pulse *pulses;
  uint32_t n_pulses;
  wx_fission fission;
  uint32_t views; /* param; WX_NONE without `recommend` */
  wx_live *live;  /* a live stream session (owned); NULL: a post */
  wx_pos pos;
  /* Filled by wx__model_finalize: response flows of members, and of
   * recommended viewers, in declaration order. */
  uint32_t *responses, n_responses;
  uint32_t *rec, n_rec;
  /* Moments quotas (agent_moments.c); structural, 0 = no limit.
   * staff_moments: friends selected per account per post (default 200,
   * source); enterprise_moments: posts per calendar month, shared by the
   * enterprise Moments touchpoints of the module (default 4, source). */
  double recipients_per_post;
  double posts_per_month;
  /* staff_moments: a customer is selected at most once per calendar day
   * (WeCom, source); personal accounts have no such rule. */
  int once_per_day;
} wx_touchpoint;

/* An outcome with `value` or `repeat` is "economic": it also gets
 * customers and revenue series (agent_econ.c). */
typedef struct {
  char *name;
  char *label;
  wx_pos pos;
  int has_value, has_repeat;
  wx_dist value;     /* order value, CNY (a delay form of plain numbers) */
  uint32_t repeat_p; /* param: P(another purchase) after each one */
  wx_dist repeat_delay;
  /* Gross profit of its orders (wx__outcome_profit): value x params[margin],
   * or value - params[cogs] per order; neither when has_margin is 0. */
  int has_margin;
  uint32_t margin, cogs; /* params; WX_NONE: absent */
} wx_outcome;

/* What a series column is about. */
typedef enum {
  WX_SCOPE_MODULE,
  WX_SCOPE_FLOW,
  WX_SCOPE_OUTCOME,
  WX_SCOPE_SOURCE,
  WX_SCOPE_TOUCHPOINT,
  WX_SCOPE_TOTAL, /* one entity, named "all" */
  WX_SCOPE_COUNT
} wx_scope;

/* A planner's target, e.g. 50,000 WeCom friends: the KPIs report when a
 * series first reaches `value` (or that it never did). */
typedef struct {
  char *name;
  wx_scope scope; /* MODULE or OUTCOME */
  uint32_t index;
  char *metric; /* a metric of that scope, e.g. "members" */
  double value;
  wx_pos pos;
} wx_kpi_target;

/* Parameter uncertainty: a distribution drawn once per replication. */
typedef enum {
  WX_PRIOR_NONE,
  WX_PRIOR_BETA,      /* a = alpha, b = beta */
  WX_PRIOR_GAMMA,     /* a = shape, b = scale */
  WX_PRIOR_LOGNORMAL, /* a = mu, b = sigma (of the log) */
  WX_PRIOR_UNIFORM,   /* a = low, b = high */
  WX_PRIOR_NORMAL     /* a = mean, b = sd; clamped to [lo, hi] */
} wx_prior_kind;

typedef struct {
  wx_prior_kind kind;
  double a, b;
  double lo, hi; /* the parameter's valid range, for clamping draws */
} wx_prior;

typedef struct {
  double value; /* the nominal value (the prior's mean if uncertain) */
  wx_prior prior;
  char *path; /* dotted scenario path, e.g. "flows.oa_to_sdr.p" */
  wx_pos pos;
} wx_param;

/* A stage of the planner's funnel (top-level `funnel:`); without one the
 * results writer derives stages from the module kinds. */
typedef enum {
  WX_STAGE_REACHED,  /* people reached by touchpoints */
  WX_STAGE_MODULE,   /* joins of one module */
  WX_STAGE_CUSTOMERS /* first-time customers (or the first outcome) */
} wx_stage_kind;

typedef struct {
  wx_stage_kind kind;
  uint32_t module; /* MODULE: its index */
  char *name;      /* "reached", "customers" or the module name */
  char *label;     /* UTF-8, shown in the chart */
} wx_funnel_stage;

struct wx_model {
  char *path;
  char hash[17];
  char *title;
  double horizon;   /* days, > 0 */
  double sample_dt; /* days, in (0, horizon] */
  uint64_t seed;
  uint32_t replications;
  char *engine; /* the `engine:` key; NULL: the default (agent) */
  wx_pos engine_pos;

  wx_module *modules;
  uint32_t n_modules;
  wx_flow *flows;
  uint32_t n_flows;
  wx_source *sources;
  uint32_t n_sources;
  wx_outcome *outcomes;
  uint32_t n_outcomes;
  wx_param *params;
  uint32_t n_params;
  wx_kpi_target *targets;
  uint32_t n_targets;
  wx_funnel_stage *funnel;
  uint32_t n_funnel;
  wx_touchpoint *touchpoints;
  uint32_t n_touchpoints;
  int32_t start_day; /* calendar date of t = 0, days since 1970-01-01 */
};

/* ------------------------------------------------------------- building */

/* An empty model with the defaults: horizon 90 d, sample every 1 d,
 * seed 1, 1 replication.  NULL when out of memory. */
wx_model *wx__model_new(void);

/* Each adder copies its strings, returns the new index, or WX_NONE when out
 * of memory.  Names must be unique per table: the loader checks that. */
uint32_t wx__model_add_param(wx_model *m, double value, const char *path,
                             wx_pos pos);
uint32_t wx__model_add_module(wx_model *m, const char *name, const char *label,
                              wx_kind kind, wx_pos pos);
uint32_t wx__model_add_outcome(wx_model *m, const char *name, const char *label,
                               wx_pos pos);
/* `flow` is copied; its name is duplicated; delay edges/weights and
 * pulses are taken over (the model frees them). */
uint32_t wx__model_add_flow(wx_model *m, const wx_flow *flow);
/* `src` is copied; its name is duplicated; steps are copied. */
uint32_t wx__model_add_source(wx_model *m, const wx_source *src);

/* `s` is copied; name and label are duplicated. */
uint32_t wx__model_add_stage(wx_model *m, const wx_funnel_stage *s);

/* `t` is copied; name and metric are duplicated. */
uint32_t wx__model_add_target(wx_model *m, const wx_kpi_target *t);

/* The product of tp's pulses `on` (WX_PULSE_REACH or _RESPONSES) on the
 * day of t, params[] per replication; 1 on a day without.  Both engines. */
double wx__tp_pulse(const wx_touchpoint *tp, const double *params, double t,
                    int on);
/* The multiplier of flow f's p on the day of t (its pulses), params[]
 * per replication; 1 on a day without.  The caller clamps p x it. */
double wx__flow_pulse(const wx_flow *f, const double *params, double t);
/* `tp` is copied; its name is duplicated; dates, pulses and the fission
 * delay's arrays are taken over. */
uint32_t wx__model_add_touchpoint(wx_model *m, const wx_touchpoint *tp);
/* 1 when the model needs the touchpoint/economics machinery: touchpoints,
 * ads or campaign sources, or economic outcomes. */
int wx__model_has_extras(const wx_model *m);
int wx__outcome_economic(const wx_outcome *o);
/* 1 when some outcome has a margin: the layout then has a total
 * gross_profit column. */
int wx__model_has_margin(const wx_model *m);
/* The gross profit of `orders` orders of outcome o worth `revenue` in
 * all, at parameter values pv (linear, so engines may apply it to sums);
 * the revenue itself without a margin. */
double wx__outcome_profit(const wx_outcome *o, const double *pv, double revenue,
                          double orders);

/* Expected ads arrivals per day (wx_ads_curve; ads_curve.c), the one
 * formula the engine and the memory guard share: of plain values (a
 * saturation of 0 or less: linear), or of source s at parameter values
 * pv.  0 when cpm or the budget is not positive. */
typedef struct {
  double budget, cpm, ctr, convert, saturation, shape;
  double audience, freq_cap; /* curve audience */
} wx_ads_values;
double wx__ads_rate_of(wx_ads_curve curve, const wx_ads_values *v);
double wx__ads_rate(const wx_source *s, const double *pv);

/* Lookups by name; WX_NONE when absent. */
uint32_t wx__model_find_module(const wx_model *m, const char *name);
uint32_t wx__model_find_outcome(const wx_model *m, const char *name);

/* Derives the per-module flow lists.  Returns WX_OK or WX_ENOMEM. */
int wx__model_finalize(wx_model *m);

/* ------------------------------------------------------------ parameters */

/* Copies the nominal values into out[n_params]. */
void wx__params_nominal(const wx_model *m, double *out);

const char *wx__kind_name(wx_kind k);
/* Parses a kind name; returns WX_KIND_COUNT when unknown. */
wx_kind wx__kind_parse(const char *name);
const char *wx__dist_name(wx_dist_kind k);

#endif /* WX_MODEL_H */
