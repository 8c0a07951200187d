/* The loader's part for staff accounts and groups (model.h wx_units_cfg):
 * scenario_roster.c (shared), scenario_staff.c, scenario_groups.c. */
#ifndef WX_SCENARIO_UNITS_H
#define WX_SCENARIO_UNITS_H

#include "scenario.h"

/* Compiles the units keys of module `index` (just added from `mod`). */
void wx__units_compile(wx_sctx *c, const wx_node *mod, const char *name,
                       uint32_t index);
void wx__units_defaults(wx_units_cfg *u, wx_kind k);
/* Reports keys that do not apply to a module with units of `type`. */
int wx__units_kind_keys(wx_sctx *c, const wx_node *mod, const char *name,
                        wx_units_type type);
/* retry_after and cost. */
int wx__units_shared(wx_sctx *c, const wx_node *mod, const char *path,
                     wx_units_cfg *u);
/* One of names[count]; 0 after reporting. */
int wx__units_choice(wx_sctx *c, const wx_node *n, const char *path,
                     const char *const *names, size_t count, int *out);
/* An optional count >= 1 at mod.key; 0 after reporting. */
/* map.key (optional) as one of names; 1 when absent or valid. */
int wx__units_pick(wx_sctx *c, const wx_node *map, const char *key,
                   const char *path, const char *const *names, size_t count,
                   int *out);
/* map.key (optional) as a parameter, priors allowed; *out is left alone
 * when absent.  1 when absent or valid, 0 after reporting. */
int wx__units_param(wx_sctx *c, const wx_node *map, const char *key, wx_qty q,
                    const char *path, uint32_t *out);
int wx__units_count(wx_sctx *c, const wx_node *mod, const char *key,
                    const char *path, double *out);
/* An optional duration at map.key (> 0 when `positive`). */
int wx__units_duration(wx_sctx *c, const wx_node *map, const char *key,
                       const char *path, int positive, double *out);
/* The mapping at mod.key, its keys checked against section `key`; NULL
 * when absent or not a mapping (reported). */
const wx_node *wx__units_submap(wx_sctx *c, const wx_node *mod, const char *key,
                                const char *path, const char *example);
int wx__staff_compile(wx_sctx *c, const wx_node *mod, const char *path,
                      wx_units_cfg *u);
int wx__groups_compile(wx_sctx *c, const wx_node *mod, const char *path,
                       wx_units_cfg *u);

#endif
