/*
 * Delay distributions (wx_dist in model.h): draws and means.  Parameters
 * come from the replication's parameter vector through d->p[].
 *
 *   FIXED        value                 no random number used
 *   EXPONENTIAL  mean                  gsl_ran_exponential
 *   UNIFORM      low, high             gsl_ran_flat
 *   GAMMA        shape k, mean         gsl_ran_gamma(k, mean / k)
 *   LOGNORMAL    median, sigma         gsl_ran_lognormal(log median, sigma)
 *   WEIBULL      shape k, scale        gsl_ran_weibull(scale, k)
 *   EMPIRICAL    d->edges, d->weights  histogram, uniform within a bin
 */
#ifndef WX_DIST_H
#define WX_DIST_H

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_rng.h>

#include "model.h"

/* One draw, in days.  An EMPIRICAL draw builds nothing: it walks the
 * weights (one uniform, like gsl_histogram_pdf_sample).  Engines, which
 * draw often, precompute the histogram with wx__dist_pdf_new and call
 * wx__dist_draw_pdf instead. */
double wx__dist_draw(const wx_dist *d, const double *params, gsl_rng *r);
/* The theoretical mean, in days. */
double wx__dist_mean(const wx_dist *d, const double *params);

/* The sampling table of an EMPIRICAL distribution; NULL when out of memory
 * or when d is of another kind.  Free with gsl_histogram_pdf_free. */
gsl_histogram_pdf *wx__dist_pdf_new(const wx_dist *d);
/* Like wx__dist_draw, but an EMPIRICAL draw uses `pdf` (from
 * wx__dist_pdf_new(d)) when it is not NULL. */
double wx__dist_draw_pdf(const wx_dist *d, const double *params,
                         const gsl_histogram_pdf *pdf, gsl_rng *r);

/* Counts drawn per event (views of a post, offspring of a share, events of
 * a group) are Poisson with a mean of at most WX_COUNT_MEAN_MAX (the
 * loader refuses more; prior draws are clamped).  Above
 * WX_POISSON_NORMAL_MIN the draw is the normal approximation rounded to a
 * whole number: gsl_ran_poisson's time grows without bound with the mean
 * (1e10 does not return), and there the relative error of the normal
 * approximation (skewness 1/sqrt(mean) < 3e-4) is far below what any
 * output can show. */
#define WX_COUNT_MEAN_MAX     1e9
#define WX_POISSON_NORMAL_MIN 1e7
unsigned wx__poisson(gsl_rng *r, double mean);

#endif
