/* The runner's stride (runner.h), on which the MPI runner builds: a share
 * first_rep, first_rep + k, ... gets exactly those replications, in order,
 * with the series, parameters and statistics they have in a full run,
 * whatever the thread count.  Shares of every offset cover a full run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "scenario_support.h"

enum { R = 11, MAXC = 4096 };

/* Every delivered replication: its number, series and parameter. */
typedef struct {
  uint32_t n, rep[R];
  size_t cells;
  double v[R][MAXC];
  double param[R];
  uint64_t events[R];
} record;

static int record_sink(void *ctx, const wx_rep_result *r) {
  record *c = ctx;
  assert_true(c->n < R);
  c->rep[c->n] = r->rep;
  memcpy(c->v[c->n], r->series->v, c->cells * sizeof(double));
  c->param[c->n] = r->params[0];
  c->events[c->n] = r->stats->events;
  c->n++;
  return WX_OK;
}

static void shares_match_the_full_run(void **state) {
  (void)state;
  wx_model *m = wxt_load_ok(
      "horizon: 20d\nsample_every: 5d\nseed: 5\n"
      "modules:\n  oa: {kind: official_account}\n  sdr: {kind: wecom}\n"
      "sources:\n  ads: {into: oa, rate: 15/d}\n"
      "flows:\n"
      "  stay: {from: oa, type: churn, p: 100%, delay: exponential(4d)}\n"
      "  add:  {from: oa, to: sdr, type: join, p: 'beta(2, 18)', delay: 1d}\n");
  wx_layout l;
  assert_int_equal(wx__layout_init(&l, m, 0), WX_OK);
  size_t cells = (size_t)l.n_samples * l.n_cols;
  assert_true(cells <= MAXC);
  record *full = calloc(1, sizeof *full), *part = calloc(1, sizeof *part);
  assert_non_null(full);
  assert_non_null(part);
  full->cells = part->cells = cells;
  wx_runner_opts o = {.seed = 42, .replications = R, .threads = 1};
  assert_int_equal(wx__run_local(m, &l, &o, record_sink, full), WX_OK);
  assert_int_equal(full->n, R);
  const uint32_t strides[] = {2, 3, 5, 20};
  for (size_t s = 0; s < sizeof strides / sizeof *strides; s++)
    for (uint32_t first = 0; first < 3; first++)
      for (uint32_t threads = 1; threads <= 3; threads += 2) {
        part->n = 0;
        wx_runner_opts p = {.seed = 42,
                            .replications = R,
                            .first_rep = first,
                            .stride = strides[s],
                            .threads = threads};
        assert_int_equal(wx__run_local(m, &l, &p, record_sink, part), WX_OK);
        uint32_t want =
            first < R ? (R - first + strides[s] - 1) / strides[s] : 0;
        assert_int_equal(part->n, want);
        for (uint32_t i = 0; i < part->n; i++) {
          uint32_t rep = first + i * strides[s];
          assert_int_equal(part->rep[i], rep);
          assert_memory_equal(part->v[i], full->v[rep], cells * sizeof(double));
          assert_memory_equal(&part->param[i], &full->param[rep],
                              sizeof(double));
          assert_true(part->events[i] == full->events[rep]);
        }
      }
  free(full);
  free(part);
  wx__layout_free(&l);
  wx_model_free(m);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shares_match_the_full_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
