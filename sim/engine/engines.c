/*
 * The one table of engines (engine.h).  To add an engine: implement the
 * functions of wx_engine_type in its own files, export one
 * `const wx_engine_type` and list it below; `engine: NAME` and
 * `--engine NAME` then find it, and the unknown-engine error lists it.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "util.h"

extern const wx_engine_type wx__engine_agent;
extern const wx_engine_type wx__engine_cohort;

static const wx_engine_type *const engines[] = {&wx__engine_agent,
                                                &wx__engine_cohort};

size_t wx__engine_count(void) { return sizeof engines / sizeof *engines; }

const wx_engine_type *wx__engine_at(size_t i) {
  return i < wx__engine_count() ? engines[i] : NULL;
}

const wx_engine_type *wx__engine_find(const char *name) {
  for (size_t i = 0; name && i < wx__engine_count(); i++)
    if (strcmp(engines[i]->name, name) == 0) return engines[i];
  return NULL;
}

/* "agent (one record per person ...), ..." into buf. */
static void list_engines(char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < wx__engine_count() && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s (%s)", i ? ", " : "",
                          engines[i]->name, engines[i]->summary);
  if (n < size)
    snprintf(buf + n, size - n,
             ", auto (cohort where it is exact and at "
             "least %.0e arrivals are expected, else agent)",
             WX_AUTO_COHORT_MIN);
}

const wx_engine_type *wx__engine_resolve(const wx_model *m, const char *name,
                                         wx_diags *d) {
  const char *want = name ? name : m->engine ? m->engine : "agent";
  if (wx__engine_is_auto(want)) return wx__engine_auto_pick(m);
  const wx_engine_type *t = wx__engine_find(want);
  if (t) return t;
  char list[1024];
  list_engines(list, sizeof list);
  if (name)
    wx__diag(d, WX_EINVAL, "", 0, 0, "unknown engine `%.64s`; engines: %s",
             name, list);
  else
    wx__diag(d, WX_ESCENARIO, wx_model_path(m), m->engine_pos.line,
             m->engine_pos.col, "`engine`: unknown engine `%.64s`; engines: %s",
             m->engine, list);
  return NULL;
}
