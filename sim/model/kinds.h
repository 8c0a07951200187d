/*
 * The registry of module kinds: one table row per kind holds its scenario
 * name and its defaults.  Adding a kind touches kinds.c and nothing else in
 * the loader; the engine never switches on a kind's name.
 */
#ifndef WX_KINDS_H
#define WX_KINDS_H

#include "model.h"

/* The stage of the default funnel (out_funnel.c, when a scenario has no
 * `funnel:`) that joins of a module of the kind count toward.  The values
 * are the stages' places in that funnel, after "reached". */
typedef enum {
  WX_KSTAGE_NONE = 0,          /* not a funnel stage (mini program, ...) */
  WX_KSTAGE_FOLLOWERS = 1,     /* 关注: official and video accounts */
  WX_KSTAGE_STAFF_FRIENDS = 2, /* 好友: staff accounts */
  WX_KSTAGE_GROUP_MEMBERS = 3  /* 群成员: groups */
} wx_kind_stage;

typedef struct {
  wx_kind kind;
  const char *name;          /* as written in YAML: "official_account" */
  const char *default_label; /* UTF-8, used when a module has no label */
  const char *summary;       /* one line for docs and `wxflow init` */
  /* Units inside a module of this kind (model.h wx_units_cfg). */
  wx_units_type units;    /* NONE, STAFF (accounts) or GROUPS */
  double unit_cap;        /* default friend_cap / group_cap; 0 = none */
  const char *cap_source; /* where unit_cap comes from (DOMAIN.md) */
  double default_reach;   /* P(a member is reached by one touchpoint
                                post); see kinds.c for sources */
  wx_kind_stage stage;    /* default funnel stage of its joins */
  int staff;              /* a staff member's own account, one-to-one,
                                with staff Moments (touchpoints) */
} wx_kind_info;

/* Members of an ordinary (non-WeCom) WeChat group (assumption). */
#define WX_ORDINARY_GROUP_CAP 500.0
/* Published WeCom limits (source: DOMAIN.md); the kinds table uses the
 * same figures as defaults, and the loader warns above them. */
#define WX_WECOM_FRIEND_CAP   50000.0
#define WX_WECOM_GROUP_CAP    100.0

/* WeCom Moments quotas (source, DOMAIN.md): friends a member may select
 * per post, and enterprise posts per calendar month. */
#define WX_MOMENTS_RECIPIENTS_PER_POST 200.0
#define WX_MOMENTS_POSTS_PER_MONTH     4.0

/* The row for k; NULL when k is out of range. */
const wx_kind_info *wx__kind_info(wx_kind k);

#endif
