/* The table of mechanics (agent_hooks.h) and the engine's side of it:
 * choosing the mechanics a model needs, their states, per-hook lists and
 * the dispatch of their events. */
#include <stdlib.h>

#include "agent_core.h"

/* By slot.  The order is the order hooks run in: staff accounts' and
 * groups' levels are written before money adds their cost to the total,
 * and every stream is seeded by name, so the order shifts no draw. */
static const wx_agent_mechanic *const table[WX_MECH_COUNT] = {
    [WX_MECH_UNITS] = &wx__mech_units,
    [WX_MECH_WELCOME] = &wx__mech_welcome,
    [WX_MECH_CASCADE] = &wx__mech_cascade,
    [WX_MECH_TOUCH] = &wx__mech_touch,
    [WX_MECH_FISSION] = &wx__mech_fission,
    [WX_MECH_ECON] = &wx__mech_econ,
    [WX_MECH_LIVE] = &wx__mech_live,
};

/* WX_OK when mc's event codes are a mechanic's and nobody owns them yet
 * (else a table error: two owners, or no handler). */
static int check_events(const wx_agent_hooks *h, const wx_agent_mechanic *mc) {
  for (int k = 0; k < 4 && mc->events[k]; k++) {
    uint32_t i = (uint32_t)mc->events[k] - WX_EV_FIRST_SPECIAL;
    if (mc->events[k] < WX_EV_FIRST_SPECIAL || mc->events[k] >= WX_EV_SOURCE ||
        !mc->on_event || h->by_event[i])
      return WX_EINVAL;
  }
  return WX_OK;
}

/* Appends mechanic mc's hooks to the lists. */
static int add_hooks(wx_agent_hooks *h, const wx_agent_mechanic *mc,
                     uint32_t slot) {
  if (check_events(h, mc) != WX_OK) return WX_EINVAL;
  for (int k = 0; k < 4 && mc->events[k]; k++)
    h->by_event[mc->events[k] - WX_EV_FIRST_SPECIAL] = mc;
  h->used[h->n_used] = mc;
  h->slot[h->n_used++] = slot;
  if (mc->on_person) h->person[h->n_person++] = mc->on_person;
  if (mc->admit) h->admit[h->n_admit++] = mc->admit;
  if (mc->keeps) h->keeps[h->n_keeps++] = mc->keeps;
  if (mc->on_enter) h->enter[h->n_enter++] = mc->on_enter;
  if (mc->on_leave) h->leave[h->n_leave++] = mc->on_leave;
  if (mc->on_outcome) h->outcome[h->n_outcome++] = mc->on_outcome;
  if (mc->on_sample) h->sample[h->n_sample++] = mc->on_sample;
  return WX_OK;
}

/* The per-module bits of mechanic mc. */
static void add_watch(wx_engine *e, const wx_agent_mechanic *mc) {
  uint8_t bits =
      (mc->admit ? WX_HOOK_ADMIT : 0) | (mc->keeps ? WX_HOOK_KEEPS : 0) |
      (mc->on_enter ? WX_HOOK_ENTER : 0) | (mc->on_leave ? WX_HOOK_LEAVE : 0);
  for (uint32_t m = 0; bits && m < e->m->n_modules; m++)
    if (!mc->watches || mc->watches(e, m)) e->hk.mod[m] |= bits;
}

int wx__hooks_alloc(wx_engine *e) {
  wx_agent_hooks *h = &e->hk;
  *h = (wx_agent_hooks){0};
  if (!(h->mod = calloc(e->m->n_modules + 1, 1))) return WX_ENOMEM;
  for (uint32_t s = 0; s < WX_MECH_COUNT; s++) {
    const wx_agent_mechanic *mc = table[s];
    if (mc->applies && !mc->applies(e->m, e->l)) continue;
    int rc = add_hooks(h, mc, s);
    if (rc == WX_OK && mc->alloc) rc = mc->alloc(e, &e->mech[s]);
    if (rc != WX_OK) return rc;
  }
  for (uint32_t k = 0; k < h->n_used; k++) add_watch(e, h->used[k]);
  return WX_OK;
}

int wx__hooks_add(wx_engine *e, const wx_agent_mechanic *mc) {
  if (mc->alloc) return WX_EINVAL;
  uint32_t n = e->hk.n_used;
  if (n >= WX_HOOKS_MAX || (n && e->hk.slot[n - 1] == WX_MECH_COUNT))
    return WX_ETOOBIG; /* the lists have room for one added mechanic */
  int rc = add_hooks(&e->hk, mc, WX_MECH_COUNT);
  if (rc == WX_OK) add_watch(e, mc);
  return rc;
}

void wx__hooks_free(wx_engine *e) {
  for (uint32_t k = 0; k < e->hk.n_used; k++) {
    const wx_agent_mechanic *mc = e->hk.used[k];
    uint32_t s = e->hk.slot[k];
    if (s == WX_MECH_COUNT) continue;
    if (mc->free && e->mech[s]) mc->free(e->mech[s]);
    e->mech[s] = NULL;
  }
  e->hk.n_used = 0;
  free(e->hk.mod);
  e->hk.mod = NULL;
}

int wx__hooks_reset(wx_engine *e, uint64_t seed) {
  int rc = WX_OK;
  for (uint32_t k = 0; rc == WX_OK && k < e->hk.n_used; k++)
    if (e->hk.used[k]->reset) rc = e->hk.used[k]->reset(e, seed);
  return rc;
}

int wx__hooks_start(wx_engine *e) {
  int rc = WX_OK;
  for (uint32_t k = 0; rc == WX_OK && k < e->hk.n_used; k++)
    if (e->hk.used[k]->start) rc = e->hk.used[k]->start(e);
  return rc;
}

int wx__hooks_event(wx_engine *e, const wx_event *ev) {
  uint32_t i = (uint32_t)ev->what - WX_EV_FIRST_SPECIAL;
  const wx_agent_mechanic *mc =
      i < sizeof e->hk.by_event / sizeof *e->hk.by_event ? e->hk.by_event[i]
                                                         : NULL;
  return mc ? mc->on_event(e, ev) : WX_EINVAL;
}

uint64_t wx__hooks_bytes(const wx_engine *e) {
  uint64_t b = 0;
  for (uint32_t k = 0; k < e->hk.n_used; k++)
    if (e->hk.used[k]->bytes) b += e->hk.used[k]->bytes(e);
  return b;
}
