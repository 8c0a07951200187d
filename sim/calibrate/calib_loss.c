/* Calibration losses (deviances of daily counts), the optimiser's
 * transforms and the table of NLopt algorithms (docs/calibrate.md). */
#include <math.h>
#include <nlopt.h>
#include <string.h>

#include "calib.h"

/* y log(y / mu), with its limit 0 at y = 0. */
static double ylog(double y, double mu) {
  return y > 0 ? y * log(y / mu) : 0.0;
}

/* Deviances are twice the log-likelihood ratio of the saturated model
 * (mu = y) to the fitted one, so a perfect fit scores 0 and differences of
 * the loss read as likelihood-ratio statistics. */
double wx__calib_dev1(wx_loss_kind k, double dispersion, double y, double mu) {
  if (!(mu > WX_CALIB_MU_MIN)) mu = WX_CALIB_MU_MIN;
  switch (k) {
    case WX_LOSS_NEGBIN: {
      double r = dispersion;
      return 2.0 * (ylog(y, mu) - (y + r) * log((y + r) / (mu + r)));
    }
    case WX_LOSS_WLS: {
      double e = y - mu;
      return e * e / (mu > 1.0 ? mu : 1.0);
    }
    case WX_LOSS_POISSON:
    default: return 2.0 * (ylog(y, mu) - (y - mu));
  }
}

double wx__calib_deviance(wx_loss_kind k, double dispersion, const double *y,
                          const double *mu, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(y[i])) s += wx__calib_dev1(k, dispersion, y[i], mu[i]);
  return s;
}

double wx__calib_to_z(wx_calib_tf t, double x) {
  switch (t) {
    case WX_TF_LOG: return log(x);
    case WX_TF_LOGIT: return log(x / (1.0 - x));
    case WX_TF_LINEAR:
    default: return x;
  }
}

double wx__calib_from_z(wx_calib_tf t, double z) {
  switch (t) {
    case WX_TF_LOG: return exp(z);
    case WX_TF_LOGIT: return 1.0 / (1.0 + exp(-z));
    case WX_TF_LINEAR:
    default: return z;
  }
}

/* Derivative-free algorithms of NLopt; the default is measured in
 * bench/bench_calibrate.c and discussed in docs/calibrate.md. */
static const wx_calib_algo algos[] = {
    {"sbplx", 0, NLOPT_LN_SBPLX,
     "Subplex (Rowan): Nelder-Mead on subspaces; robust on the step-like "
     "losses of a simulation (default)"},
    {"bobyqa", 0, NLOPT_LN_BOBYQA,
     "BOBYQA (Powell): quadratic models in a trust region; fewest "
     "evaluations on smooth losses"},
    {"neldermead", 0, NLOPT_LN_NELDERMEAD, "Nelder-Mead simplex"},
    {"cobyla", 0, NLOPT_LN_COBYLA, "COBYLA (Powell): linear models"},
    {"crs2", 1, NLOPT_GN_CRS2_LM,
     "controlled random search (global), then sbplx"},
    {"isres", 1, NLOPT_GN_ISRES, "evolution strategy (global), then sbplx"},
};
#define N_ALGOS (sizeof algos / sizeof algos[0])

const wx_calib_algo *wx__calib_algo_find(const char *name) {
  for (size_t i = 0; name && i < N_ALGOS; i++)
    if (!strcmp(algos[i].name, name)) return &algos[i];
  return NULL;
}

size_t wx__calib_algo_count(void) { return N_ALGOS; }

const wx_calib_algo *wx__calib_algo_at(size_t i) {
  return i < N_ALGOS ? &algos[i] : NULL;
}
