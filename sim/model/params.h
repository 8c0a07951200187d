/*
 * Per-replication parameter vectors: each uncertain parameter is drawn
 * from its prior (clamped to its valid range); certain ones keep their
 * nominal value.  The model is never changed.
 */
#ifndef WX_PARAMS_H
#define WX_PARAMS_H

#include <gsl/gsl_rng.h>

#include "model.h"

/* Fills out[m->n_params].  Returns WX_OK (or WX_EINVAL for NULL input). */
int wx__params_draw(const wx_model *m, gsl_rng *r, double *out);

/* One draw from a prior, clamped to [prior->lo, prior->hi]. */
double wx__prior_draw(const wx_prior *prior, gsl_rng *r);

#endif
