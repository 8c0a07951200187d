/* Drawing parameter vectors from their priors (see params.h). */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "params.h"

double wx__prior_draw(const wx_prior *p, gsl_rng *r) {
  double x;
  switch (p->kind) {
    case WX_PRIOR_BETA: x = gsl_ran_beta(r, p->a, p->b); break;
    case WX_PRIOR_GAMMA: x = gsl_ran_gamma(r, p->a, p->b); break;
    case WX_PRIOR_LOGNORMAL: x = gsl_ran_lognormal(r, p->a, p->b); break;
    case WX_PRIOR_UNIFORM: x = gsl_ran_flat(r, p->a, p->b); break;
    case WX_PRIOR_NORMAL: x = p->a + gsl_ran_gaussian(r, p->b); break;
    default: x = p->a; break;
  }
  if (!(x >= p->lo)) x = p->lo; /* also catches NaN */
  if (x > p->hi) x = p->hi;
  return x;
}

int wx__params_draw(const wx_model *m, gsl_rng *r, double *out) {
  if (!m || !r || !out) return WX_EINVAL;
  for (uint32_t i = 0; i < m->n_params; i++) {
    const wx_param *p = &m->params[i];
    out[i] = p->prior.kind == WX_PRIOR_NONE ? p->value
                                            : wx__prior_draw(&p->prior, r);
  }
  return WX_OK;
}

/* ------------------------------------------------- public accessors */

unsigned wx_model_param_count(const wx_model *m) { return m ? m->n_params : 0; }

int wx_model_param_find(const wx_model *m, const char *dotted_path) {
  for (uint32_t i = 0; m && dotted_path && i < m->n_params; i++)
    if (m->params[i].path && strcmp(m->params[i].path, dotted_path) == 0)
      return (int)i;
  return WX_ENOTFOUND;
}

const char *wx_model_param_path(const wx_model *m, unsigned i) {
  return m && i < m->n_params ? m->params[i].path : NULL;
}

double wx_model_param_value(const wx_model *m, unsigned i) {
  return m && i < m->n_params ? m->params[i].value : NAN;
}
