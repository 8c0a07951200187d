/*
 * Attribution (`wxflow attribute`, docs/attribute.md): which module and
 * touchpoint really brought the sale.
 *
 * Channels are modules and touchpoints of one scenario.  A coalition S of
 * channels is the scenario with every channel outside S removed
 * (`enabled: false`, plus the targets and funnel stages naming a removed
 * module), compiled from the base file's tree (attribute_models.c).  Every
 * coalition runs the same replications with common random numbers: the
 * engine's streams are keyed by entity name, and the uncertain parameters
 * of replication r are those of the base scenario's replication r, mapped
 * by parameter path (attribute_values.c), so that removing a module with
 * a prior does not shift the other priors' draws.
 *
 * From the coalition values v_r(S) of each KPI (outcome.<name> of every
 * economic outcome, and revenue), per replication r:
 *   removal   v_r(N) - v_r(N \ {i}), paired Student-t interval;
 *   shapley   exact over all 2^n coalitions up to max_exact channels, else
 *             over `permutations` random orders (the same orders in every
 *             replication); efficiency sum_i phi_i = v(N) - v(empty)
 *             holds per replication in both cases.
 * From the base scenario's journeys (journeys.h, attribute_paths.c): last,
 * first and linear touch per purchase and the last step (what the
 * engine's attribution columns credit), repeat purchases included, and
 * the first-order Markov removal effect (attribute_markov.c).
 */
#ifndef WX_ATTRIBUTE_H
#define WX_ATTRIBUTE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "journeys.h"
#include "model.h"
#include "wxflow/wxflow.h"

#define WX_ATTR_MAX_CHANNELS 62

typedef struct {
  int is_tp;      /* 0: module, 1: touchpoint */
  uint32_t index; /* in the base model */
  const char *name;
} wx_attr_channel;

typedef struct {
  int seed_set;
  uint64_t seed;
  unsigned replications;       /* 0: the scenario's */
  unsigned threads;            /* 0: every online core */
  double horizon;              /* days; 0: the scenario's */
  double memory_budget;        /* bytes; 0: default */
  const char *const *channels; /* names; NULL: every module and touchpoint */
  size_t n_channels;
  unsigned max_exact;    /* 0: 8 */
  unsigned permutations; /* 0: 100 */
  unsigned journeys_max; /* journeys kept in the sample; 0: 1000 */
  unsigned path_cap;     /* steps kept per person; 0: 64 */
  const atomic_int *stop;
  /* Called after each coalition is evaluated. */
  void (*progress)(void *ctx, unsigned done, unsigned total);
  void *progress_ctx;
} wx_attr_opts;

/* A row of attribution.csv.  Rows with channel WX_NONE are the totals
 * v(N) (method "all") and v(empty) ("none"). */
typedef struct {
  uint32_t channel; /* index into channels; WX_NONE: none (a total) */
  uint32_t outcome; /* index into outcomes */
  const char *method;
  double value, lo, hi, se;
} wx_attr_row;

typedef struct {
  uint32_t rep, seq; /* replication; order of ending within it */
  double key;        /* reservoir key (smallest kept) */
  wx_jstep *s;
  uint32_t n, dropped;
} wx_attr_journey;

typedef struct {
  char *path;   /* channel names joined by " > " (wx__attr_finish) */
  uint8_t *key; /* channel indices */
  uint32_t len;
  double conv, value, null;
} wx_attr_path;

typedef struct wx_attribution {
  wx_model *base; /* the scenario as written (owned): names, indices */
  wx_attr_channel *ch;
  size_t n_ch;
  char **outcomes;    /* outcome names and "revenue" (the last) */
  char **kpis;        /* outcome.<name> and "revenue" */
  uint32_t *oc_index; /* model outcome of outcomes[k] (not revenue) */
  size_t n_out;
  wx_attr_row *rows;
  size_t n_rows, rows_cap;
  uint32_t replications;
  uint64_t seed;
  unsigned coalitions; /* evaluated */
  int exact;
  unsigned permutations;
  wx_attr_journey *jv; /* the journey sample, by (rep, seq) */
  size_t n_j;
  wx_attr_path *paths; /* pooled over replications, most frequent first */
  size_t n_paths;
  size_t paths_cap;
  unsigned keep; /* journeys kept in the sample */
  uint64_t journeys, lost_buys;
  double unattributed; /* purchases before any channel step, all reps */
} wx_attribution;

/* attribute_models.c -------------------------------------------------- */
/* Resolves names (NULL: every module and touchpoint) into a->ch; one
 * diagnostic per unknown name. */
int wx__attr_channels(wx_attribution *a, const wx_model *base,
                      const char *const *names, size_t n, wx_diags *d);
/* Reads the scenario file once for wx__attr_compile. */
typedef struct {
  const char *path;
  char *data;
  size_t len;
} wx_attr_src;
int wx__attr_src_read(wx_attr_src *s, const char *path, wx_diags *d);
void wx__attr_src_free(wx_attr_src *s);
/* The scenario with the channels outside `keep` (bit i = a->ch[i])
 * removed. */
/* 1 when coalition `keep` removes module `name` (a channel of a). */
int wx__attr_removes_module(const wx_attribution *a, uint64_t keep,
                            const char *name);
int wx__attr_compile(const wx_attr_src *s, const wx_attribution *a,
                     uint64_t keep, wx_model **out, wx_diags *d);

/* attribute_values.c -------------------------------------------------- */
/* v[c * n_out * reps + k * reps + r]: KPI a->kpis[k] of replication r of
 * coalition masks[c]. */
int wx__attr_values(const wx_attr_src *src, const wx_model *base,
                    wx_attribution *a, const uint64_t *masks, size_t n_masks,
                    const wx_attr_opts *o, double *v, wx_diags *d);
/* Runs job(ctx, i) for i in [0, n) on `threads` threads; the first
 * failure (by job index) is returned. */
int wx__attr_pool(size_t n, unsigned threads, int (*job)(void *, size_t),
                  void *ctx);

/* attribute_shapley.c ------------------------------------------------- */
/* Removal effects and Shapley values into a->rows. */
int wx__attr_shapley(const wx_attr_src *src, const wx_model *base,
                     wx_attribution *a, const wx_attr_opts *o, wx_diags *d);
int wx__attr_add_row(wx_attribution *a, uint32_t ch, uint32_t out,
                     const char *method, double value, double lo, double hi,
                     double se);
/* Mean and 95% Student-t interval of x[n] (finite values) into a row. */
int wx__attr_add_mean(wx_attribution *a, uint32_t ch, uint32_t out,
                      const char *method, const double *x, size_t n);

/* attribute_paths.c --------------------------------------------------- */
/* One replication's journeys, accumulated (wx_journey_fn is
 * wx__attr_acc_add). */
typedef struct wx_attr_acc wx_attr_acc;
wx_attr_acc *wx__attr_acc_alloc(const wx_attribution *a, const wx_model *m,
                                uint32_t rep, uint64_t seed);
void wx__attr_acc_free(wx_attr_acc *c);
int wx__attr_acc_add(void *acc, const wx_jstep *s, uint32_t n,
                     uint32_t dropped);
/* Credit of `method` (0 last touch, 1 first touch, 2 linear, 3 last
 * step) to channel i for outcome
 * k (a->n_out - 1: revenue) in this replication. */
double wx__attr_acc_credit(const wx_attr_acc *c, int method, size_t i,
                           size_t k);
/* The Markov model of outcome k: attributed conversions (normalised, as
 * journey tools report them) and unnormalised removal (conversions times
 * the removal effect) per channel, into norm[n_ch] and rem[n_ch]. */
int wx__attr_acc_markov(const wx_attr_acc *c, size_t k, double *norm,
                        double *rem);
/* Merges c's paths, sample and counts into a (in replication order). */
int wx__attr_acc_merge(wx_attribution *a, wx_attr_acc *c);
/* Pools the paths, cuts the sample to a->keep and sorts both for
 * output.  WX_OK or WX_ENOMEM. */
int wx__attr_finish(wx_attribution *a);

/* attribute_markov.c -------------------------------------------------- */
/* The first-order chain of journey tools over n channel states.
 * counts[(n + 1) * (n + 3)]: row 0 is the start, row i + 1 channel i;
 * column i + 1 is channel i, n + 1 conversion, n + 2 null (column 0 is
 * unused).  Writes the conversion probability from the start to *p and
 * each channel's removal effect re[i] = 1 - P_without_i / P (0 when P is
 * 0).  WX_OK, WX_ENOMEM or WX_ERUNTIME (a singular chain). */
int wx__markov_removal(const double *counts, size_t n, double *p, double *re);

/* attribute_run.c ----------------------------------------------------- */
int wx__attribute(const char *scenario, const wx_attr_opts *o,
                  wx_attribution **out, wx_diags *d);
void wx__attribution_free(wx_attribution *a);

/* attribute_out.c ----------------------------------------------------- */
/* attribution.csv, journeys.csv, paths.csv, manifest.json into dir. */
int wx__attribution_write(const wx_attribution *a, const char *dir,
                          wx_diags *d);

#endif
