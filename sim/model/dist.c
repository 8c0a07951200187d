#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "dist.h"

/* Inverse of the histogram's distribution function at u in [0, 1):
 * choose the bin by cumulative weight, then a point uniform inside it. */
static double empirical_at(const wx_dist *d, double u) {
  double total = 0;
  for (uint32_t i = 0; i < d->n_bins; i++) total += d->weights[i];
  double target = u * total, acc = 0;
  for (uint32_t i = 0; i < d->n_bins; i++) {
    double w = d->weights[i];
    if (w > 0 && target < acc + w) {
      double frac = (target - acc) / w;
      return d->edges[i] + frac * (d->edges[i + 1] - d->edges[i]);
    }
    acc += w;
  }
  return d->edges[d->n_bins]; /* only reached by rounding at u ~ 1 */
}

double wx__dist_draw_pdf(const wx_dist *d, const double *params,
                         const gsl_histogram_pdf *pdf, gsl_rng *r) {
  double a = d->kind == WX_DIST_EMPIRICAL ? 0 : params[d->p[0]];
  switch (d->kind) {
    case WX_DIST_FIXED: return a;
    case WX_DIST_EXPONENTIAL: return gsl_ran_exponential(r, a);
    case WX_DIST_UNIFORM: return gsl_ran_flat(r, a, params[d->p[1]]);
    case WX_DIST_GAMMA: return gsl_ran_gamma(r, a, params[d->p[1]] / a);
    case WX_DIST_LOGNORMAL:
      return gsl_ran_lognormal(r, log(a), params[d->p[1]]);
    case WX_DIST_WEIBULL: return gsl_ran_weibull(r, params[d->p[1]], a);
    case WX_DIST_EMPIRICAL:
      if (pdf) return gsl_histogram_pdf_sample(pdf, gsl_rng_uniform(r));
      return empirical_at(d, gsl_rng_uniform(r));
    default: return 0;
  }
}

unsigned wx__poisson(gsl_rng *r, double mean) {
  if (!(mean > 0)) return 0;
  if (mean > WX_COUNT_MEAN_MAX) mean = WX_COUNT_MEAN_MAX;
  if (mean < WX_POISSON_NORMAL_MIN) return gsl_ran_poisson(r, mean);
  double x = floor(mean + gsl_ran_gaussian_ziggurat(r, sqrt(mean)) + 0.5);
  return x > 0 ? (unsigned)x : 0;
}

double wx__dist_draw(const wx_dist *d, const double *params, gsl_rng *r) {
  return wx__dist_draw_pdf(d, params, NULL, r);
}

static double empirical_mean(const wx_dist *d) {
  double total = 0, sum = 0;
  for (uint32_t i = 0; i < d->n_bins; i++) {
    total += d->weights[i];
    sum += d->weights[i] * 0.5 * (d->edges[i] + d->edges[i + 1]);
  }
  return total > 0 ? sum / total : 0;
}

double wx__dist_mean(const wx_dist *d, const double *params) {
  if (d->kind == WX_DIST_EMPIRICAL) return empirical_mean(d);
  double a = params[d->p[0]];
  switch (d->kind) {
    case WX_DIST_FIXED:
    case WX_DIST_EXPONENTIAL: return a;
    case WX_DIST_UNIFORM: return 0.5 * (a + params[d->p[1]]);
    case WX_DIST_GAMMA: return params[d->p[1]];
    case WX_DIST_LOGNORMAL: {
      double s = params[d->p[1]];
      return a * exp(0.5 * s * s);
    }
    case WX_DIST_WEIBULL: return params[d->p[1]] * gsl_sf_gamma(1 + 1 / a);
    default: return 0;
  }
}

gsl_histogram_pdf *wx__dist_pdf_new(const wx_dist *d) {
  if (d->kind != WX_DIST_EMPIRICAL || d->n_bins == 0) return NULL;
  gsl_histogram *h = gsl_histogram_alloc(d->n_bins);
  gsl_histogram_pdf *pdf = gsl_histogram_pdf_alloc(d->n_bins);
  int ok =
      h && pdf && gsl_histogram_set_ranges(h, d->edges, d->n_bins + 1) == 0;
  for (uint32_t i = 0; ok && i < d->n_bins; i++) h->bin[i] = d->weights[i];
  ok = ok && gsl_histogram_pdf_init(pdf, h) == 0;
  if (h) gsl_histogram_free(h);
  if (!ok && pdf) gsl_histogram_pdf_free(pdf);
  return ok ? pdf : NULL;
}
