/*
 * Time series of one replication: a fixed grid of sample times and, per
 * time, one value per column.  The layout (which columns exist) is derived
 * from the model once and shared by every engine and writer.
 *
 * Levels (members) are the state right after every event at or before the
 * sample time; counters (joins, leaves, fired, count, arrivals) are
 * cumulative since t = 0.
 */
#ifndef WX_SERIES_H
#define WX_SERIES_H

#include <stdint.h>

#include "model.h"

typedef struct {
  wx_scope scope;
  uint32_t index;     /* into the model's table for that scope */
  const char *metric; /* static string */
} wx_column;

/* Column offsets: module i metric k is module_base + i * WX_MODULE_METRICS
 * + k; flow i is flow_base + i; outcome i is outcome_base + i; source i is
 * source_base + i. */
enum { WX_M_MEMBERS, WX_M_JOINS, WX_M_LEAVES, WX_MODULE_METRICS };

/* Extra columns of modules with units (model.h wx_units_cfg), after the
 * sources: staff module i has WX_STAFF_METRICS columns from unit_col[i],
 * a group module WX_GROUP_METRICS.  Levels: accounts_active, friends_max,
 * groups_open, groups_full, activity_mean; cost is cumulative (CNY); the
 * rest are counters. */
enum {
  WX_S_ACCOUNTS_ACTIVE,
  WX_S_FRIENDS_MAX,
  WX_S_ACCOUNTS_USED,
  WX_S_DECLINED,
  WX_S_REFUSED_CAP,
  WX_S_REFUSED_DAILY,
  WX_S_RETRIES,
  WX_S_BANS,
  WX_S_BAN_LOSSES,
  WX_S_COST,
  WX_STAFF_METRICS
};
enum {
  WX_G_GROUPS_OPEN,
  WX_G_GROUPS_FULL,
  WX_G_REFUSED_FULL,
  WX_G_RETRIES,
  WX_G_DISSOLVED,
  WX_G_NF_EVENTS,
  WX_G_NF_LEAVES,
  WX_G_WELCOME_KEPT,
  WX_G_ACTIVITY_MEAN,
  WX_G_COST,
  WX_GROUP_METRICS
};
/* Groups with a complaint cascade (units.cx_rate set) have these after
 * their WX_GROUP_METRICS, all counters: complaints (all), the spontaneous
 * ones (each the root of a cascade) and the departures they caused. */
enum {
  WX_G_COMPLAINTS = WX_GROUP_METRICS,
  WX_G_COMPLAINT_ROOTS,
  WX_G_CASCADE_LEAVES,
  WX_GROUP_CASCADE_END
};
extern const char *const wx__staff_metrics[WX_STAFF_METRICS];
extern const char *const wx__group_metrics[WX_GROUP_CASCADE_END];
/* Touchpoint i metric k is touch_base + i * WX_TP_METRICS + k.  Economic
 * outcomes (model.h) get customers and revenue columns: the j-th economic
 * outcome's are customers_base + j and revenue_base + j.  When the model
 * has extras (wx__model_has_extras), total_base + WX_T_* hold the total
 * cost and revenue (scope total, entity "all"), and ads and campaign
 * sources have a "cost" column (campaigns with fission also "shares" and
 * "fission_arrivals"); find those with wx__layout_find.  All cumulative. */
enum {
  WX_TP_POSTS,
  WX_TP_REACHED,
  WX_TP_UNFOLLOWS,
  WX_TP_SHARES,
  WX_TP_FISSION,
  WX_TP_VIEWS,
  WX_TP_COST,
  WX_TP_SELECTED,      /* Moments: friends selected as recipients */
  WX_TP_REFUSED_POSTS, /* enterprise Moments: firings over posts_per_month */
  WX_TP_REFUSED_LIMIT, /* staff Moments: eligible beyond recipients_per_post */
  WX_TP_REFUSED_ONCE,  /* staff Moments: skipped, already reached that day */
  WX_TP_METRICS
};
enum {
  WX_T_COST,
  WX_T_REVENUE,
  WX_T_PURCHASES, /* counts of economic outcomes, repeats included */
  WX_T_CUSTOMERS, /* first-time customers, summed over economic outcomes */
  WX_TOTAL_METRICS
};

/* Live streams (model.h wx_live): every touchpoint with a session gets
 * WX_LIVE_METRICS columns after all others, the j-th such touchpoint's
 * from live_base + j * WX_LIVE_METRICS.  online (viewers watching) and
 * peak_online (its largest value so far) are levels; the rest cumulative:
 * viewers who arrived, live-shop purchases and their revenue, follows by
 * recommended viewers, replay viewers, replay purchases and revenue, and
 * recommended viewers who became people (counted at the stream's start). */
enum {
  WX_LIVE_ONLINE,
  WX_LIVE_PEAK,
  WX_LIVE_VIEWERS,
  WX_LIVE_PURCHASES,
  WX_LIVE_REVENUE,
  WX_LIVE_FOLLOWS,
  WX_LIVE_REPLAY_VIEWERS,
  WX_LIVE_REPLAY_PURCHASES,
  WX_LIVE_REPLAY_REVENUE,
  WX_LIVE_NEW_PEOPLE,
  WX_LIVE_METRICS
};
extern const char *const wx__live_metrics[WX_LIVE_METRICS];

typedef struct {
  uint32_t n_cols;
  wx_column *cols;
  uint32_t module_base, flow_base, outcome_base, source_base;
  uint32_t *unit_col; /* per module: first units column, or WX_NONE */
  uint32_t touch_base, customers_base, revenue_base, total_base;
  uint32_t n_economic;        /* economic outcomes */
  uint32_t live_base, n_live; /* live-stream touchpoints' columns */
  /* Attribution: per module, then per touchpoint, the first of two columns
   * (purchases, revenue) of economic outcomes reached by flows out of that
   * module or responses to that touchpoint; WX_NONE where there are none.
   * Repeat purchases are counted only in the outcome's and total columns. */
  uint32_t *attr_col;
  uint32_t n_samples;
  double *times;    /* n_samples sample times, days */
  double horizon;   /* days: the run's, which may differ from the model's */
  double sample_dt; /* days: the model's, or the horizon when shorter */
  double engine_bytes_max; /* what one engine may hold (the memory guard's
                              share of the budget); 0: no limit */
} wx_layout;

typedef struct {
  uint32_t n_samples, n_cols;
  double *v; /* row-major: v[sample * n_cols + col] */
} wx_series;

/* Builds the layout of m for a run of `horizon` days (0: the model's;
 * sampling is then at most every `horizon` days).  The horizon is a run
 * option carried here, never written into the model.  Returns WX_OK,
 * WX_ENOMEM or WX_EINVAL (horizon not positive and finite). */
int wx__layout_init(wx_layout *l, const wx_model *m, double horizon);
/* The two halves of wx__layout_init, so that the memory guard can size a
 * run before its grid is allocated: shape sets every column and
 * n_samples (times NULL; WX_ETOOBIG when the grid cannot be indexed);
 * times allocates and fills the grid (wx__layout_free frees either). */
int wx__layout_shape(wx_layout *l, const wx_model *m, double horizon);
int wx__layout_times(wx_layout *l);
/* Sample times of a run of `horizon` days (0: the model's) without
 * allocating them: what the memory guard counts before the layout. */
double wx__layout_samples(const wx_model *m, double horizon);
void wx__layout_free(wx_layout *l);

const char *wx__scope_name(wx_scope s);
/* The column of (scope, index, metric), or WX_NONE. */
uint32_t wx__layout_find(const wx_layout *l, wx_scope scope, uint32_t index,
                         const char *metric);

/* Name of the entity a column is about (module, flow, ... name). */
const char *wx__column_entity(const wx_model *m, const wx_column *c);

int wx__series_init(wx_series *s, const wx_layout *l);
void wx__series_free(wx_series *s);

#endif
