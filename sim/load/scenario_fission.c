/* `fission:` blocks, on touchpoints and campaign sources. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "scenario.h"

/* offspring: poisson(mean) or negbin(mean, size). */
static int offspring(wx_sctx *c, const wx_node *n, const char *path,
                     wx_fission *f) {
  static const char *const args[] = {"mean", "size"};
  const char *s, *vals[2];
  wx_call call;
  char msg[WX_MSG_MAX - 100] = "";
  if (!wx__get_scalar(c, n, path, "poisson(mean) or negbin(mean, size)", &s))
    return 0;
  int ok = wx__is_call(s) && wx__call_parse(s, &call, msg, sizeof msg) == 0;
  int nb = ok && !strcmp(call.name, "negbin");
  if (!ok || (!nb && strcmp(call.name, "poisson"))) {
    wx__serr(c, n,
             "`%s`: expected poisson(mean) or negbin(mean, size), got "
             "\"%.60s\"",
             path, s);
    return 0;
  }
  msg[0] = '\0'; /* bind leaves it alone when it succeeds */
  if (wx__call_bind(&call, args, nb ? 2 : 1, vals, msg, sizeof msg) != 0 ||
      !vals[0] || (nb && !vals[1])) {
    wx__serr(c, n, "`%s`: %s", path,
             *msg ? msg : "give the mean (and for negbin the size)");
    return 0;
  }
  wx_node tmp = *n;
  char sub[320];
  wx__subpath(sub, sizeof sub, path, "mean");
  tmp.str = (char *)vals[0];
  tmp.len = strlen(vals[0]);
  f->offspring = nb ? WX_OFFSPRING_NEGBIN : WX_OFFSPRING_POISSON;
  f->mean = wx__param(c, &tmp, WX_Q_NONNEG, sub, 0);
  if (!wx__check_count_mean(c, n, f->mean, sub, "offspring per share"))
    f->mean = WX_NONE;
  f->size = f->mean;
  if (nb) {
    wx__subpath(sub, sizeof sub, path, "size");
    tmp.str = (char *)vals[1];
    tmp.len = strlen(vals[1]);
    f->size = wx__param(c, &tmp, WX_Q_POSITIVE, sub, 0);
  }
  return f->mean != WX_NONE && f->size != WX_NONE;
}

/* A {half_life: ...} / {cap: ...} block. */
static int shrink(wx_sctx *c, const wx_node *n, const char *path,
                  const char *section, wx_fission *f) {
  char sub[240];
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n, "`%s`: expected a mapping such as {half_life: 14d}", path);
    return 0;
  }
  wx__check_keys(c, n, section, path);
  const wx_node *h = wx__node_get(n, "half_life");
  const wx_node *cap = wx__node_get(n, "cap");
  if (h && cap) {
    wx__serr(c, n, "`%s`: give either `half_life` or `cap`, not both", path);
    return 0;
  }
  if (!h && !cap) {
    wx__serr(c, n, "`%s`: give `half_life` or `cap`", path);
    return 0;
  }
  uint32_t *dst = !strcmp(section, "decline") ? &f->decline
                  : h                         ? &f->half_life
                                              : &f->cap;
  snprintf(sub, sizeof sub, "%s.%s", path, h ? "half_life" : "cap");
  *dst = wx__param(c, h ? h : cap, h ? WX_Q_DURATION_POS : WX_Q_COUNT, sub, 1);
  return *dst != WX_NONE;
}

/* R = share x mean offspring is the mean number of new people each
 * person brings.  At R >= 1 the chain never dies out on its own: without
 * a saturation or a decline the population grows until memory runs out,
 * so that is refused here rather than killed later. */
static int bounded(wx_sctx *c, const wx_node *n, const char *path,
                   const wx_fission *f) {
  if (f->half_life != WX_NONE || f->cap != WX_NONE || f->decline != WX_NONE)
    return 1;
  double r = c->m->params[f->share].value * c->m->params[f->mean].value;
  if (r < 1) return 1;
  wx__serr(c, n,
           "`%s`: each person brings share x offspring = %g new "
           "people on average (R >= 1), so the chain grows without end; add "
           "`saturation: {cap: N}` (a campaign's reach) or `{half_life: ...}`, "
           "or `decline`, or lower share or offspring",
           path, r);
  return 0;
}

int wx__fission_compile(wx_sctx *c, const wx_node *n, const char *path,
                        uint32_t into, wx_fission *f) {
  char sub[240];
  memset(f, 0, sizeof *f);
  f->half_life = f->cap = f->decline = WX_NONE;
  f->into = into;
  if (n->type != WX_NODE_MAP) {
    wx__serr(c, n,
             "`%s`: expected a mapping such as {share: 5%%, "
             "offspring: poisson(3), generation_delay: 1d}",
             path);
    return 0;
  }
  wx__check_keys(c, n, "fission", path);
  const wx_node *sh = wx__node_get(n, "share"),
                *of = wx__node_get(n, "offspring");
  const wx_node *gd = wx__node_get(n, "generation_delay");
  const wx_node *in = wx__node_get(n, "into"), *x;
  if (!sh || !of || !gd) return 0; /* reported by wx__check_keys */
  wx__subpath(sub, sizeof sub, path, "share");
  f->share = wx__param(c, sh, WX_Q_PROB, sub, 1);
  wx__subpath(sub, sizeof sub, path, "offspring");
  int ok = offspring(c, of, sub, f) && f->share != WX_NONE;
  wx__subpath(sub, sizeof sub, path, "generation_delay");
  ok &= wx__delay_compile(c, gd, sub, &f->delay);
  wx__subpath(sub, sizeof sub, path, "into");
  if (in) ok &= wx__module_ref(c, in, sub, &f->into) == 1;
  wx__subpath(sub, sizeof sub, path, "saturation");
  if ((x = wx__node_get(n, "saturation")))
    ok &= shrink(c, x, sub, "saturation", f);
  wx__subpath(sub, sizeof sub, path, "decline");
  if ((x = wx__node_get(n, "decline"))) ok &= shrink(c, x, sub, "decline", f);
  ok &= wx__pay_compile(c, n, path, f);
  if (ok) ok = bounded(c, n, path, f);
  f->on = ok;
  if (!ok) {
    free(f->delay.edges);
    free(f->delay.weights);
    f->delay.edges = f->delay.weights = NULL;
  }
  return ok;
}
