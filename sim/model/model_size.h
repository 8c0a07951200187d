/*
 * How large a model is at its nominal values (model_size.c): what engines
 * size their memory estimates with and the memory guard words its
 * refusals with.
 */
#ifndef WX_MODEL_SIZE_H
#define WX_MODEL_SIZE_H

#include <stdint.h>

#include "model.h"

/* Expected people from source i over `horizon` days at nominal values
 * (fission offspring not included). */
double wx__source_expected(const wx_model *m, uint32_t i, double horizon);

/* 1 when the units of u all exist from t = 0 (staff accounts, groups
 * that do not open on demand). */
int wx__units_open_at_start(const wx_units_cfg *u);

/* What makes a model large, at nominal values. */
typedef struct {
  double people;   /* expected arrivals, every source */
  uint32_t source; /* the largest source, or WX_NONE */
  double source_people;
  double units;          /* staff accounts and groups at t = 0 */
  uint32_t units_module; /* the module with the most, or WX_NONE */
  double module_units;
} wx_memory_drivers;

void wx__memory_drivers(const wx_model *m, double horizon,
                        wx_memory_drivers *out);

/* The parameter whose value sets a source's size. */
uint32_t wx__source_key(const wx_source *s);

#endif
