#include <stdlib.h>

#include "cohort_fixture.h"
#include "util.h"

int cx_setup(cx_run *c, fx_run *r) {
  *c = (cx_run){0};
  c->r = r;
  if (wx__cohort_check(r->m, NULL) != WX_OK) return -1;
  if (wx__series_init(&c->s, &r->l) != WX_OK) return -1;
  c->e = wx__cohort_alloc(r->m, &r->l);
  return c->e ? 0 : -1;
}

void cx_teardown(cx_run *c) {
  wx__cohort_free(c->e);
  wx__series_free(&c->s);
  *c = (cx_run){0};
}

int cx_go(cx_run *c, uint64_t seed, uint64_t rep) {
  return wx__cohort_run(c->e, c->r->params, wx__stream_seed(seed, rep, 0),
                        &c->s, NULL, NULL);
}

double cx_at(const cx_run *c, uint32_t sample, uint32_t col) {
  return c->s.v[(size_t)sample * c->s.n_cols + col];
}
