/*
 * The memory guard of a run, and the model facts it words its refusal
 * with.  It runs before anything large is allocated (the sample grid
 * included): the engine's own measured estimate (engine.h) for each
 * thread, the runner's series buffers and the accumulators are compared
 * with the budget, and a refusal names the file and the key that makes the
 * run large.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory_guard.h"
#include "util.h"

/* A cgroup's memory limit in bytes (v2, then v1), or 0 when none. */
static double cgroup_limit(void) {
  static const char *const files[] = {
      "/sys/fs/cgroup/memory.max",
      "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    FILE *fp = fopen(files[i], "r");
    if (!fp) continue;
    char buf[64] = "";
    int ok = fgets(buf, sizeof buf, fp) != NULL;
    fclose(fp);
    char *end;
    double v = ok ? strtod(buf, &end) : 0;
    /* "max" (v2) and 2^63-ish (v1) both mean no limit. */
    if (ok && end != buf && v > 0 && v < 1e18) return v;
  }
  return 0;
}

/* Half of physical memory leaves room for the OS and whatever else runs;
 * a cgroup limit is a hard ceiling on top of that. */
double wx__default_memory_budget(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  double half = pages > 0 && size > 0 ? (double)pages * (double)size / 2 : 0;
  double cg = cgroup_limit();
  if (cg > 0 && (half <= 0 || cg < half)) return cg;
  return half;
}

double wx__memory_need(const wx_memory_plan *p) {
  return p->engine_bytes * p->threads + p->series_bytes + p->accum_bytes;
}

/* "3.3 MiB", "12.6 GiB" into buf (at least 16 bytes). */
static const char *human(char *buf, double b) {
  static const char *const units[] = {"bytes", "KiB", "MiB", "GiB",
                                      "TiB",   "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    u++;
  }
  snprintf(buf, 16, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

/* "at the source's `initial` (sources.signup.initial)" and its position. */
static void name_people(const wx_model *m, const wx_memory_drivers *dr,
                        char *buf, size_t size, wx_pos *pos) {
  const wx_source *s = &m->sources[dr->source];
  uint32_t k = wx__source_key(s);
  const char *path =
      k < m->n_params && m->params[k].path ? m->params[k].path : s->name;
  *pos = k < m->n_params ? m->params[k].pos : s->pos;
  snprintf(buf, size,
           "about %.3g people, %.3g of them from `%s`; use a "
           "coarser model or fewer people (a smaller `%s`)",
           dr->people, dr->source_people, path, path);
}

static void name_units(const wx_model *m, const wx_memory_drivers *dr,
                       char *buf, size_t size, wx_pos *pos) {
  const wx_module *mod = &m->modules[dr->units_module];
  const char *key = mod->units.type == WX_UNITS_GROUPS ? "groups" : "accounts";
  *pos = mod->pos;
  snprintf(buf, size,
           "%.3g staff accounts or groups, %.3g of them in "
           "`modules.%s.%s`; use fewer (a smaller `%s`)",
           dr->units, dr->module_units, mod->name, key, key);
}

/* The live stream whose recommended viewers weigh most (the agent holds
 * two 32-byte timeline points per viewer, agent_memory.c), when they
 * outweigh the people (tens of bytes each); 0 when none does. */
static int name_live(const wx_model *m, const wx_memory_drivers *dr, char *buf,
                     size_t size, wx_pos *pos) {
  uint32_t best = WX_NONE;
  double most = 0;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_live *lv = m->touchpoints[i].live;
    if (lv && lv->views != WX_NONE && m->params[lv->views].value > most)
      most = m->params[lv->views].value, best = lv->views;
  }
  if (best == WX_NONE || !(most * 128 > dr->people * 32)) return 0;
  *pos = m->params[best].pos;
  snprintf(buf, size,
           "%.3g viewers per live stream at `%s` (each held for the "
           "stream's timeline); use fewer (a smaller `%s`)",
           most, m->params[best].path, m->params[best].path);
  return 1;
}

/* The engine dominates: blame its largest driver; else the series grid. */
static void name_cause(const wx_model *m, const wx_memory_plan *p, char *buf,
                       size_t size, wx_pos *pos) {
  wx_memory_drivers dr;
  wx__memory_drivers(m, p->horizon, &dr);
  *pos = (wx_pos){0, 0};
  if (p->engine_bytes * p->threads >= p->series_bytes + p->accum_bytes) {
    if (name_live(m, &dr, buf, size, pos)) return;
    if (dr.units_module != WX_NONE && dr.units * 4 > dr.people)
      name_units(m, &dr, buf, size, pos);
    else if (dr.source != WX_NONE)
      name_people(m, &dr, buf, size, pos);
    else
      snprintf(buf, size, "the model's size");
    return;
  }
  snprintf(buf, size,
           "%.0f samples x %u columns x %u replications; use a "
           "coarser `sample_every`, a shorter `horizon` or fewer "
           "replications",
           p->samples, p->cols, p->replications);
}

int wx__memory_check(const wx_model *m, const wx_memory_plan *p, wx_diags *d) {
  double need = wx__memory_need(p);
  if (p->budget <= 0 || need <= p->budget) return WX_OK;
  char cause[512];
  wx_pos pos;
  name_cause(m, p, cause, sizeof cause, &pos);
  char a[16], b[16], e[16], s[16], x[16];
  return wx__diag(
      d, WX_ETOOBIG, wx_model_path(m), pos.line, pos.col,
      "the run needs about %s (the %s engine %s per thread x %u, series "
      "buffers %s, accumulators %s), over the memory budget of %.0f bytes "
      "(%s); it is made large by %s, fewer threads (-j), or a larger "
      "budget (--memory-budget or WXFLOW_MEMORY_BUDGET)",
      human(a, need), p->engine, human(e, p->engine_bytes), p->threads,
      human(s, p->series_bytes), human(x, p->accum_bytes), p->budget,
      human(b, p->budget), cause);
}
