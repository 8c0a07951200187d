/* Both engines on one model, cell by cell (tests of the cohort engine
 * against the agent engine): every series cell's mean and variance over
 * `reps` independent replications agree within 4 standard errors (z of
 * the means from both sample variances; z of the variances with the
 * normal fourth moment), and cells without spread agree exactly. */
#ifndef WXT_ENGINES_AGREE_H
#define WXT_ENGINES_AGREE_H

#include "model.h"
#include "series.h"

/* tests-relative path (from WX_SOURCE_DIR), loaded and accepted by the
 * cohort engine's check, or the test fails naming why. */
wx_model *wxt_cohort_load(const char *rel);
/* The column of entity `name`'s metric (the test fails without one). */
uint32_t wxt_col_of(const wx_model *m, const wx_layout *l, const char *name,
                    const char *metric);
/* Sums and sums of squares of every cell over reps replications. */
void wxt_run_engine(const char *engine, const wx_model *m, const wx_layout *l,
                    unsigned reps, double *s1, double *s2);
/* One cell's sums s1, s2 over reps replications against a closed form
 * of mean mu and variance sig2: the mean within 4 standard errors
 * (sqrt(sig2 / reps)) and the sample variance within 4 of its own (normal
 * theory, sig2 sqrt(2 / (reps - 1))); exactly mu when sig2 is 0.  The
 * test fails naming `what` at time t. */
void wxt_moments_agree(const char *what, double t, double s1, double s2,
                       unsigned reps, double mu, double sig2);
/* Every cell agrees (see the top); more than 100 random cells checked. */
void wxt_cells_agree(wx_model *m, unsigned reps);
/* The same on the scenario at rel (wxt_cohort_load), freed after. */
void wxt_file_agrees(const char *rel, unsigned reps);
/* The same with a bias allowance on the means: |difference| beyond bias x
 * the column's largest mean must be within 4 standard errors (variances
 * are compared only without one). */
void wxt_cells_agree_within(wx_model *m, unsigned reps, double bias);
/* The same, variances only of cells whose means are at least 5 in both:
 * the normal theory of the variance's error does not hold for rare
 * counts (a Poisson of mean 0.04 has a kurtosis of 25), which a long run
 * has at its start. */
void wxt_cells_agree_common(wx_model *m, unsigned reps);

#endif
