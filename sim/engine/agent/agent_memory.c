/*
 * The agent engine's memory estimate (engine.h memory_estimate): peak
 * bytes of one replication, from the expected number of people at nominal
 * values.  The constants are measured, not guessed: bench/bench_memory.c
 * runs one replication of each probe model at two sizes, each in a child
 * process, and prints the growth of the peak resident set (getrusage) per
 * person, per pending event and per unit next to this estimate.  Measured
 * on x86-64 Linux, glibc, gcc -O2 Release (2026-12-01, this machine):
 *   person record, 1 module (a 6-byte record)     6.0 bytes
 *   + 1 pending event (3 modules, 10-byte record) 50.5 bytes -> 40.5 per
 *   + 2 pending events                            91.0 bytes    event
 *   group open at t = 0, no members               50.1 bytes
 *   staff account, no friends                     29.5 bytes
 *   person in a group (8-byte record, list, place) 23.6 bytes
 *   viewer of a live stream (two timeline points) 126.7 bytes
 * A unit's activity state (agent_activity.c, 24 bytes) came after the
 * unit figures above: with it a group measured 73.6 and an account 55.7
 * bytes (before the member places moved out of the record); a group with
 * a complaint cascade holds 40 more once it has members (not probed;
 * counted as 80, the array doubles), and a fission that pays commissions
 * keeps each person's 4-byte referrer (counted as 6, the array grows by
 * half).
 * An event costs its 16 bytes in a time bucket and 24 more when the bucket
 * is heapified (queue.c: the chunk it waited in and the heap both hold
 * it); units keep 58 bytes of arrays that grow by doubling; a member's
 * place (unit, position) is a 12-byte entry of a hash table kept between
 * 3/8 and 3/4 full (roster_pool.c).  The person table grows by
 * half (people.c), but untouched reserve costs no resident memory.
 * Estimates err high: every arrival over the horizon is counted as alive
 * at once, each holding the most events a member of any module can.
 */
#include "agent_engine.h"
#include "agent_mechanics.h"
#include "model_size.h"

#define RECORD_FACTOR    1.05     /* bytes per record byte (measured 1.00) */
#define BYTES_PER_EVENT  49.0     /* a pending event (measured 40.5) */
#define BYTES_PER_UNIT   75.0     /* a staff account or a group (55.7, 73.6) */
#define BYTES_PER_FRIEND 4.0      /* a member in a unit's list */
#define BYTES_PER_PLACE  24.0     /* a member's place, half full (12 B) */
#define FIXED_BYTES      262144.0 /* tables, streams, queue buckets */
#define BYTES_REFERRER   6.0  /* a 4-byte referrer, the array grows by half */
#define BYTES_CASCADE    80.0 /* a group's 40-byte cascade state, doubling */

/* uint16 words of a person record (people.h). */
static double record_words(const wx_model *m) { return 2 + m->n_modules; }

/* The most events one person can have pending: one exclusive fate and
 * each join flow of the module. */
static double events_per_person(const wx_model *m) {
  double most = 0;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_module *mod = &m->modules[i];
    double n = (mod->n_exclusive ? 1 : 0) + mod->n_joins;
    if (n > most) most = n;
  }
  return most;
}

/* A live stream's timeline (live.h): two 32-byte points per viewer and one
 * per replay viewer, at most twice that held (the array doubles); every
 * person counted as a member.  bench_memory's live probe (1e6 and 3e6
 * recommended viewers of one stream) measured 126.7 bytes per viewer
 * against these 128. */
static double live_bytes(const wx_model *m, double people) {
  double bytes = 0;
  for (uint32_t i = 0; i < m->n_touchpoints; i++) {
    const wx_touchpoint *tp = &m->touchpoints[i];
    const wx_live *lv = tp->live;
    if (!lv) continue;
#define PV(k) ((k) == WX_NONE ? 0 : m->params[k].value)
    double viewers = people * PV(tp->reach) + PV(lv->views);
    double replay = people * PV(lv->replay_reach) + PV(lv->replay_views);
#undef PV
    bytes += 2 * 32.0 * (2 * viewers + replay);
  }
  return bytes;
}

/* A group of a module with complaint cascades (agent_cascade.c) keeps its
 * state from its first member: the groups open at t = 0, or as many as
 * the people fill at the group cap when groups open on demand. */
static double cascade_bytes(const wx_model *m, double people) {
  double bytes = 0;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_module *mod = &m->modules[i];
    if (mod->units.cx_rate == WX_NONE || mod->units.type != WX_UNITS_GROUPS)
      continue;
    double groups = mod->units.units;
    if (mod->units.cap > 0 && people / mod->units.cap > groups)
      groups = people / mod->units.cap;
    bytes += (groups + 1) * BYTES_CASCADE;
  }
  return bytes;
}

double wx__agent_memory_estimate(const wx_model *m, const wx_layout *l) {
  wx_memory_drivers dr;
  wx__memory_drivers(m, l->horizon, &dr);
  double people = dr.people;
  double bytes = people * (record_words(m) * 2 * RECORD_FACTOR +
                           events_per_person(m) * BYTES_PER_EVENT);
  /* Units open at t = 0 (memory_guard.c), and each member in one list. */
  bytes += dr.units * BYTES_PER_UNIT;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (m->modules[i].units.type != WX_UNITS_NONE)
      bytes += people * (BYTES_PER_FRIEND + BYTES_PER_PLACE);
  bytes += live_bytes(m, people);
  if (wx__fission_commissions(m)) bytes += people * BYTES_REFERRER;
  bytes += cascade_bytes(m, people);
  return bytes + (double)l->n_cols * sizeof(double) + FIXED_BYTES;
}
