/*
 * Measures the memory the agent engine really uses, to back the constants
 * of its estimate (sim/engine/agent/agent_memory.c): one replication of models of
 * growing size, the growth of the peak resident set (getrusage) between
 * two sizes divided by the growth in people (or events, or groups), next
 * to what the estimate says for the same models.  Each run is made in a
 * child process, so that its peak is its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_engine.h"
#include "wxflow/wxflow.h"

static double peak_rss(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss * 1024.0;
}

typedef struct {
  const char *what; /* per what */
  const char *yaml; /* printf format with one %g: the size */
  double small, large;
} probe;

static const probe probes[] = {
    {"person (record only, 1 module)",
     "horizon: 1d\nreplications: 1\nmodules: {oa: {kind: official_account}}\n"
     "sources: {s: {into: oa, initial: %g}}\n",
     2e6, 6e6},
    {"person with 1 pending event (3 modules)",
     "horizon: 10d\nreplications: 1\nmodules:\n  oa: {kind: official_account}\n"
     "  b: {kind: official_account}\n  c: {kind: official_account}\n"
     "sources: {s: {into: oa, initial: %g}}\n"
     "flows: {f: {from: oa, to: b, p: 100%%, delay: 5d}}\n",
     1e6, 3e6},
    {"person with 2 pending events (3 modules)",
     "horizon: 10d\nreplications: 1\nmodules:\n  oa: {kind: official_account}\n"
     "  b: {kind: official_account}\n  c: {kind: official_account}\n"
     "sources: {s: {into: oa, initial: %g}}\n"
     "flows:\n  f: {from: oa, to: b, p: 100%%, delay: 5d}\n"
     "  j: {from: oa, to: c, type: join, p: 100%%, delay: 5d}\n",
     1e6, 3e6},
    {"group open at t = 0 (no members)",
     "horizon: 1d\nreplications: 1\nmodules:\n  oa: {kind: official_account}\n"
     "  g: {kind: group, groups: %g, on_full: drop}\n"
     "sources: {s: {into: oa, initial: 1}}\n",
     2e5, 6e5},
    {"staff account (no friends)",
     "horizon: 1d\nreplications: 1\nmodules:\n  oa: {kind: official_account}\n"
     "  w: {kind: personal_account, accounts: %g}\n"
     "sources: {s: {into: oa, initial: 1}}\n",
     2e4, 6e4},
    {"person who is a group member (2 modules)",
     "horizon: 1d\nreplications: 1\nmodules:\n"
     "  g: {kind: group, groups: 1, group_cap: 10000000}\n"
     "  oa: {kind: official_account}\n"
     "sources: {s: {into: g, initial: %g}}\n",
     1e6, 3e6},
    {"viewer of a live stream (timeline)",
     "horizon: 1d\nreplications: 1\nmodules: {v: {kind: video_account}}\n"
     "sources: {s: {into: v, initial: 1}}\n"
     "touchpoints: {l: {module: v, type: live, schedule: {dates: [0d]}, "
     "session: {duration: 2h, watch: 10min, recommended: %g}}}\n",
     1e6, 3e6},
};

/* Runs one replication of the model of size n; its estimate into *est. */
static int run(const probe *p, double n, double *est) {
  char yaml[1024];
  snprintf(yaml, sizeof yaml, p->yaml, n);
  wx_model *m = NULL;
  wx_diags *d = wx_diags_alloc(4);
  int rc = wx_model_load_buffer("probe.yaml", yaml, strlen(yaml), &m, d);
  wx_layout l;
  if (rc == WX_OK && (rc = wx__layout_init(&l, m, 0)) == WX_OK) {
    *est = wx__engine_agent.memory_estimate(m, &l);
    wx__layout_free(&l);
  }
  wx_eval_options o = {.threads = 1, .memory_budget = 1e15};
  wx_eval *e = NULL;
  if (rc == WX_OK) rc = wx_evaluate(m, &o, &e, d);
  if (rc != WX_OK && wx_diags_count(d))
    fprintf(stderr, "bench_memory: %s\n", wx_diags_get(d, 0)->msg);
  wx_eval_free(e);
  wx_model_free(m);
  wx_diags_free(d);
  return rc;
}

/* Peak RSS of a child that runs the probe at size n; its estimate too. */
static int measure(const probe *p, double n, double *rss, double *est) {
  int fd[2];
  if (pipe(fd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    double v[2] = {0, 0};
    if (run(p, n, &v[1]) == WX_OK) v[0] = peak_rss();
    ssize_t w = write(fd[1], v, sizeof v);
    _exit(w == (ssize_t)sizeof v ? 0 : 1);
  }
  double v[2] = {0, 0};
  ssize_t r = pid > 0 ? read(fd[0], v, sizeof v) : -1;
  if (pid > 0) waitpid(pid, NULL, 0);
  close(fd[0]);
  close(fd[1]);
  *rss = v[0];
  *est = v[1];
  return r == (ssize_t)sizeof v && v[0] > 0 ? 0 : -1;
}

int main(void) {
  printf("bench_memory: peak RSS growth per unit, measured vs estimated\n");
  for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
    const probe *p = &probes[i];
    double e1 = 0, e2 = 0, r1 = 0, r2 = 0;
    if (measure(p, p->small, &r1, &e1) || measure(p, p->large, &r2, &e2))
      return 1;
    double dn = p->large - p->small;
    printf("  per %-40s measured %6.1f bytes  estimate %6.1f bytes\n", p->what,
           (r2 - r1) / dn, (e2 - e1) / dn);
  }
  return 0;
}
