/*
 * The agent engine's memory estimate (engine.h memory_estimate): peak
 * bytes of one replication, from the expected number of people at nominal
 * values.  The constants are measured, not guessed: bench/bench_memory.c
 * runs one replication of models of 1e6 and 3e6 people (initial, arriving
 * and with pending events) and of 1e5 and 3e5 groups, and prints the
 * growth of the peak resident set per person, per pending event and per
 * unit next to these constants.  Measured on x86-64 glibc, gcc -O2
 * (December 2026; see docs/architecture.md "Memory"):
 *   person record, 1 module (6 bytes)       7.4 bytes  -> 1.25 x record
 *   pending event (24 bytes + chunk share)  25 bytes   -> 26
 *   group with members (lists, state)       96 bytes   -> 112
 * The person table grows by half (people.c), so up to 1.5 x its records
 * are reserved but only touched pages count; 1.25 covers the growth step
 * in flight.  Estimates err high: every arrival over the horizon is
 * counted as alive at once, and every person as holding the most events a
 * member of any module can.
 */
#include "engine_agent.h"
#include "memory.h"

#define RECORD_FACTOR 1.25     /* bytes per record byte */
#define BYTES_PER_EVENT 26.0   /* a pending event */
#define BYTES_PER_UNIT 112.0   /* a staff account or a group */
#define BYTES_PER_FRIEND 4.0   /* a member in a unit's list */
#define FIXED_BYTES 262144.0   /* tables, streams, queue buckets */

/* uint16 words of a person record (people.h, unit_pool.h). */
static double record_words(const wx_model *m) {
  double words = 2 + m->n_modules;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (m->modules[i].units.type != WX_UNITS_NONE) words += 4;
  return words;
}

/* The most events one person can have pending: one exclusive fate and
 * each join flow of the module, plus a retry. */
static double events_per_person(const wx_model *m) {
  double most = 1;
  for (uint32_t i = 0; i < m->n_modules; i++) {
    const wx_module *mod = &m->modules[i];
    double n = (mod->n_exclusive ? 1 : 0) + mod->n_joins +
               (mod->units.type != WX_UNITS_NONE);
    if (n > most) most = n;
  }
  return most;
}

double wx__agent_memory_estimate(const wx_model *m, const wx_layout *l) {
  wx_memory_drivers dr;
  wx__memory_drivers(m, l->horizon, &dr);
  double people = dr.people;
  double bytes = people * (record_words(m) * 2 * RECORD_FACTOR +
                           events_per_person(m) * BYTES_PER_EVENT);
  /* Units: each account or group, and each member in one list. */
  bytes += dr.units * BYTES_PER_UNIT;
  for (uint32_t i = 0; i < m->n_modules; i++)
    if (m->modules[i].units.type != WX_UNITS_NONE)
      bytes += people * BYTES_PER_FRIEND;
  return bytes + (double)l->n_cols * sizeof(double) + FIXED_BYTES;
}
