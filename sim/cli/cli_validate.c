#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "calib.h"
#include "compare.h"
#include "optimize.h"
#include "run_checks.h"
#include "study.h"
#include "yaml_tree.h"

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow validate FILE...\n"
      "\n"
      "Checks each scenario, comparison, study, calibration or optimisation\n"
      "FILE without running it and reports every problem as\n"
      "file:line:col: error: message (for a comparison file: the file, its "
      "base\n"
      "scenario and every variant's overrides; for a study, calibration or\n"
      "optimisation file: the file and its base scenario), including\n"
      "what `wxflow run` would refuse before simulating (the engine's checks,\n"
      "memory).  Exit code 0 when all are valid, 3 when any is not, 4 when a\n"
      "file cannot be read, 6 when one is too large for memory.\n"
      "\n"
      "Options:\n"
      "  -q, --quiet   print nothing for valid files\n"
      "  -h, --help    show this help\n");
}

/* A comparison file: its own keys, then every variant compiled (the base
 * scenario with each variant's overrides). */
static int validate_comparison(const char *path, wx_diags *d, size_t *n) {
  wx_compare_spec *s = NULL;
  int rc = wx__compare_spec_load(path, &s, d);
  wx_model **models = rc == WX_OK ? calloc(s->n, sizeof *models) : NULL;
  if (rc == WX_OK) rc = models ? wx__compare_models(s, models, d) : WX_ENOMEM;
  for (size_t i = 0; models && i < s->n; i++) wx_model_free(models[i]);
  free(models);
  *n = s ? s->n : 0;
  wx__compare_spec_free(s);
  return rc;
}

/* A scenario: "ok" means `wxflow run` will start (the checks it makes
 * first). */
static int validate_scenario(const char *path, wx_diags *d) {
  wx_model *m = NULL;
  int rc = wx_model_load(path, &m, d);
  if (rc == WX_OK) rc = wx__run_checks(m, wx_cli_memory_budget(0), d);
  wx_model_free(m);
  return rc;
}

/* A study, calibration or optimisation file: its own keys, then its base
 * scenario as a scenario.  (Factor paths and KPI names are checked against
 * the compiled base when the command runs, before any point.) */
#define VALIDATE_SPEC(type, load, free_fn)                          \
  static int validate_##type(const char *path, wx_diags *d) {       \
    wx_##type##_spec *s = NULL;                                     \
    int rc = load(path, &s, d);                                     \
    if (rc == WX_OK && s->base) rc = validate_scenario(s->base, d); \
    free_fn(s);                                                     \
    return rc;                                                      \
  }
VALIDATE_SPEC(study, wx__study_spec_load, wx__study_spec_free)
VALIDATE_SPEC(calib, wx__calib_spec_load, wx__calib_spec_free)
VALIDATE_SPEC(opt, wx__opt_spec_load, wx__opt_spec_free)

static int validate_one(const char *path, wx_diags *d, int quiet) {
  size_t n = 0;
  int rc;
  if (wx__compare_file_is(path))
    rc = validate_comparison(path, d, &n);
  else if (wx__file_top_key(path, "study"))
    rc = validate_study(path, d);
  else if (wx__file_top_key(path, "calibrate"))
    rc = validate_calib(path, d);
  else if (wx__file_top_key(path, "optimize"))
    rc = validate_opt(path, d);
  else
    rc = validate_scenario(path, d);
  wx_cli_print_diags(d);
  if (rc == WX_OK && !quiet) {
    if (n)
      printf("%s: ok (a comparison of %zu variants)\n", path, n);
    else
      printf("%s: ok\n", path);
  }
  return rc;
}

int wx_cli_validate(int argc, char **argv) {
  static const struct option longs[] = {{"quiet", no_argument, 0, 'q'},
                                        {"help", no_argument, 0, 'h'},
                                        {0, 0, 0, 0}};
  int quiet = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":qh", longs, NULL)) != -1) {
    if (c == 'q')
      quiet = 1;
    else if (c == 'h') {
      usage(stdout);
      return WX_EXIT_OK;
    } else {
      return wx_cli_bad_option("validate", c, argc, argv);
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "wxflow validate: expected a scenario FILE\n");
    return WX_EXIT_USAGE;
  }
  int worst = WX_EXIT_OK;
  wx_diags *d = wx_diags_alloc(100);
  for (int i = optind; i < argc; i++) {
    wx_diags_clear(d);
    int rc = d ? validate_one(argv[i], d, quiet) : WX_ENOMEM;
    int code = wx_cli_exit_code(rc);
    if (code > worst) worst = code;
  }
  wx_diags_free(d);
  return worst;
}
