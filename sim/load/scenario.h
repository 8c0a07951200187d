/*
 * The scenario compiler: a wx_node tree -> a validated wx_model.  Split by
 * section (scenario_modules.c, scenario_sources.c, scenario_flows.c, ...);
 * they share the compile context and value helpers declared here.
 *
 * Every helper reports a problem into the context and carries on, so that
 * one run reports every error in the file (up to the diags limit).
 */
#ifndef WX_SCENARIO_H
#define WX_SCENARIO_H

#include <stdio.h>

#include "model.h"
#include "yaml_tree.h"

/* ------------------------------------------------------------ key table */

enum { WX_KEY_REQUIRED = 1, WX_KEY_PRIOR = 2 };

/* One documented key.  This table drives unknown-key detection and the
 * generated reference (docs/scenario.md), so the two cannot drift. */
typedef struct {
  const char *section; /* "top", "module", "outcome", "source", "step",
                          "flow", "delay" */
  const char *key;
  const char *type;    /* duration, rate, probability, count, ... */
  const char *def;     /* default as written, or "" when none */
  const char *range;   /* allowed values */
  const char *meaning; /* one line */
  const char *example;
  unsigned flags;
} wx_key_info;

typedef struct {
  const char *id;    /* as in wx_key_info.section */
  const char *title; /* heading in the reference */
  const char *where; /* where the keys are written, for the reference */
} wx_section_info;

const wx_key_info *wx__keys(size_t *n);
const wx_section_info *wx__key_sections(size_t *n);
const wx_key_info *wx__key_find(const char *section, const char *key);

/* Writes the scenario reference as Markdown (the text of
 * docs/scenario.md).  Returns WX_OK or WX_EIO. */
int wx__scenario_reference_md(FILE *out);

/* ------------------------------------------------------------- context */

typedef struct {
  const char *file;
  wx_diags *d;
  wx_model *m;
  unsigned errors;
  int nomem;
  const wx_node *modules_map; /* the `modules` mapping, disabled ones too */
  char **disabled;            /* names of modules with enabled: false */
  size_t n_disabled;
  int money; /* delay forms read money (wx__value_compile) */
} wx_sctx;

/* Reports an error at node n (may be NULL: no position). */
void wx__serr(wx_sctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A warning (a diagnostic with code WX_OK): the scenario is valid but a
 * planner should look, e.g. a value above a published WeChat limit. */
void wx__swarn(wx_sctx *c, const wx_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The closest candidate to word by edit distance, or NULL when none is
 * close enough to be a likely typo. */
const char *wx__suggest(const char *word, const char *const *cands, size_t n);
/* Writes "; did you mean `x`?" (or "") into buf. */
void wx__did_you_mean(char *buf, size_t cap, const char *word,
                      const char *const *cands, size_t n);
/* The same, or when nothing is close " (<what>: a, b, c)": a name with no
 * likely typo gets the valid names instead. */
void wx__did_you_mean_list(char *buf, size_t cap, const char *word,
                           const char *const *cands, size_t n,
                           const char *what);
/* Reports `path`: unknown module `s` with a suggestion or the modules. */
void wx__unknown_module(wx_sctx *c, const wx_node *n, const char *path,
                        const char *s);

/* Reports unknown keys of a mapping (with a suggestion) and missing
 * required ones.  `where` reads like "module `oa`" or "the top level". */
void wx__check_keys(wx_sctx *c, const wx_node *map, const char *section,
                    const char *where);

/* A valid name: [A-Za-z_][A-Za-z0-9_]*, at most 64 bytes.  Reports and
 * returns 0 otherwise. */
int wx__check_name(wx_sctx *c, const wx_node *key, const char *what);

/* ------------------------------------------------------------- values */

/* What a number means, which decides its parser and its valid range. */
typedef enum {
  WX_Q_DURATION,     /* days, >= 0 */
  WX_Q_DURATION_POS, /* days, > 0 */
  WX_Q_RATE,         /* per day, >= 0 */
  WX_Q_PROB,         /* [0, 1] */
  WX_Q_COUNT,        /* whole, >= 0 */
  WX_Q_POSITIVE,     /* plain number > 0 */
  WX_Q_NONNEG,       /* plain number >= 0 */
  WX_Q_WEIGHT,       /* number or percent >= 0 */
  WX_Q_MONEY,        /* CNY, a plain number >= 0 (no time units) */
  WX_Q_MONEY_POS     /* CNY, > 0 */
} wx_qty;

/* Parses text as q, range included.  WX_OK or WX_ESCENARIO + msg. */
int wx__qty_parse(wx_qty q, const char *text, double *x, char *msg, size_t cap);
/* The valid range of q, used to clamp prior draws. */
void wx__qty_range(wx_qty q, double *lo, double *hi);

/* Scalar getters: report (naming `path`) and return 0 on a problem. */
int wx__get_scalar(wx_sctx *c, const wx_node *n, const char *path,
                   const char *expected, const char **out);
int wx__get_bool(wx_sctx *c, const wx_node *n, const char *path, int *out);
int wx__get_qty(wx_sctx *c, const wx_node *n, wx_qty q, const char *path,
                double *out);
/* `enabled:` of a mapping; 1 when absent. */
int wx__enabled(wx_sctx *c, const wx_node *map, const char *path);

/* The loader's side of the model's adders (model.h): each sets c->nomem
 * itself when it returns WX_NONE, so no caller can forget to. */
uint32_t wx__sc_add_module(wx_sctx *c, const char *name, const char *label,
                           wx_kind kind, wx_pos pos);
uint32_t wx__sc_add_outcome(wx_sctx *c, const char *name, const char *label,
                            wx_pos pos);
uint32_t wx__sc_add_flow(wx_sctx *c, const wx_flow *f);
uint32_t wx__sc_add_source(wx_sctx *c, const wx_source *s);
uint32_t wx__sc_add_stage(wx_sctx *c, const wx_funnel_stage *s);
uint32_t wx__sc_add_target(wx_sctx *c, const wx_kpi_target *t);
uint32_t wx__sc_add_touchpoint(wx_sctx *c, const wx_touchpoint *t);

/* Adds a model parameter from a scalar: a plain value of quantity q, or
 * (when allow_prior) a prior such as beta(2, 48).  Returns its index, or
 * WX_NONE after reporting a problem (or running out of memory). */
uint32_t wx__param(wx_sctx *c, const wx_node *n, wx_qty q, const char *path,
                   int allow_prior);
/* map.key, optional, as a parameter (priors allowed) into *out: WX_NONE
 * when absent (meaning 0, so an absent key costs nothing).  1 when absent
 * or valid, 0 after a positioned error. */
int wx__opt_param(wx_sctx *c, const wx_node *map, const char *key, wx_qty q,
                  const char *path, uint32_t *out);
/* Adds a certain parameter with a default value. */
uint32_t wx__param_default(wx_sctx *c, double value, const char *path,
                           const wx_node *pos);

/* -------------------------------------------------------- function calls */

#define WX_CALL_MAX_ARGS 6
#define WX_CALL_TEXT     96

typedef struct {
  char name[WX_CALL_TEXT];
  int n;
  char key[WX_CALL_MAX_ARGS][WX_CALL_TEXT]; /* "" when positional */
  char val[WX_CALL_MAX_ARGS][WX_CALL_TEXT];
} wx_call;

/* 1 if text looks like a call ("name(...)"), else 0. */
int wx__is_call(const char *text);
/* Parses "name(a, key=b)"; WX_OK or WX_ESCENARIO + msg. */
int wx__call_parse(const char *text, wx_call *call, char *msg, size_t cap);
/* Binds arguments to the parameter names (positional first, then named):
 * vals[i] is the text for names[i] or NULL.  WX_OK or WX_ESCENARIO. */
int wx__call_bind(const wx_call *call, const char *const *names, int n,
                  const char **vals, char *msg, size_t cap);

/* A prior from a call such as gamma(shape=4, mean=200/d) for a parameter
 * of quantity q.  Sets *prior and *mean; WX_OK or WX_ESCENARIO + msg. */
int wx__prior_parse(const wx_call *call, wx_qty q, wx_prior *prior,
                    double *mean, char *msg, size_t cap);
/* 1 if name is a prior distribution (beta, gamma, ...). */
int wx__is_prior_name(const char *name);

/* ------------------------------------------------------------- sections */

/* Compiles `delay` (any form) into *out; returns 0 after reporting. */
int wx__delay_compile(wx_sctx *c, const wx_node *n, const char *path,
                      wx_dist *out);
/* The same forms for an amount of money (order values): durations become
 * plain CNY numbers, and time units are refused. */
int wx__value_compile(wx_sctx *c, const wx_node *n, const char *path,
                      wx_dist *out);
void wx__modules_compile(wx_sctx *c, const wx_node *modules);
void wx__outcomes_compile(wx_sctx *c, const wx_node *outcomes);
void wx__sources_compile(wx_sctx *c, const wx_node *sources);
void wx__flows_compile(wx_sctx *c, const wx_node *flows);
void wx__targets_compile(wx_sctx *c, const wx_node *targets);
void wx__funnel_compile(wx_sctx *c, const wx_node *funnel);
/* 1 if name is a module that was written with enabled: false. */
int wx__module_disabled(const wx_sctx *c, const char *name);
/* Whole-model checks once every section compiled. */
void wx__check_exclusive(wx_sctx *c);
void wx__check_zero_delay_cycles(wx_sctx *c);
void wx__check_repeat_stalls(wx_sctx *c);
/* The shortest period of anything that repeats by itself (touchpoint
 * `every`, staff/group `retry_after`, group `lifetime`): 1 minute.  Less
 * means a unit typo (s for d) and a run that creeps and never ends. */
#define WX_MIN_PERIOD (1.0 / 1440)
/* Refuses (at key `key` of map) a period below WX_MIN_PERIOD; 1 when fine
 * or absent. */
int wx__check_period(wx_sctx *c, const wx_node *map, const char *key,
                     const char *path, double days);
/* Refuses (at n) a Poisson mean above WX_COUNT_MEAN_MAX (dist.h): `per`
 * says of what, as in "views per post".  1 when fine. */
int wx__check_count_mean(wx_sctx *c, const wx_node *n, uint32_t pi,
                         const char *path, const char *per);
/* Whether every draw of d can be ~0 in some replication (priors count). */
int wx__dist_can_stall(const wx_model *m, const wx_dist *d);

/* ------------------------------------------------ WeChat mechanics */

/* A module name: 1 (index in *out), 0 after reporting an unknown name,
 * -1 for a module written with enabled: false. */
int wx__module_ref(wx_sctx *c, const wx_node *n, const char *path,
                   uint32_t *out);
/* A module or outcome name as a flow's `to` (implicit outcomes created on
 * first use); same returns as wx__module_ref. */
int wx__target_ref(wx_sctx *c, const wx_node *n, const char *path,
                   wx_target *target, uint32_t *to);
/* buf = "path.key" (truncated to cap); returns buf. */
const char *wx__subpath(char *buf, size_t cap, const char *path,
                        const char *key);
/* A point in time: a duration (`30d`) or a date (`2026-02-10`, days after
 * `start`, not before it).  0 after reporting. */
int wx__get_time(wx_sctx *c, const wx_node *n, const char *path, double *out);
/* `fission:` into *out (into defaults to `into`); 0 after reporting. */
int wx__fission_compile(wx_sctx *c, const wx_node *n, const char *path,
                        uint32_t into, wx_fission *out);
void wx__touchpoints_compile(wx_sctx *c, const wx_node *tps);
/* `session:` of touchpoint t (a live stream) into t->live; 0 after
 * reporting (scenario_live.c). */
int wx__live_compile(wx_sctx *c, const wx_node *n, const char *path,
                     wx_touchpoint *t);
/* The body of a source with `type:` (ads, campaign); 0 after reporting. */
int wx__typed_source(wx_sctx *c, const wx_node *src, const char *path,
                     wx_source *s);
/* `value:` and `repeat:` of an outcome into *o; 0 after reporting. */
int wx__outcome_economics(wx_sctx *c, const wx_node *on, const char *path,
                          wx_outcome *o);
/* Once outcomes are compiled: with one margin, every valued outcome needs
 * one (gross profit would otherwise count some revenue as profit). */
void wx__check_margins(wx_sctx *c, const wx_node *outcomes);
/* `reward:` and `commission:` of a fission block into f->pay; 0 after
 * reporting (scenario_pay.c). */
int wx__pay_compile(wx_sctx *c, const wx_node *fission, const char *path,
                    wx_fission *f);

/* Compiles a parsed tree.  `bytes` are hashed into m->hash (pass the file
 * contents, or those plus any overrides).  On failure *out is NULL and the
 * return is WX_ESCENARIO, WX_ETOOBIG or WX_ENOMEM. */
int wx__scenario_compile(const wx_tree *t, const void *bytes, size_t len,
                         wx_model **out, wx_diags *d);

#endif
