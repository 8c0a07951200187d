/*
 * What a fission campaign pays (model.h wx_referral_pay): `reward:` per
 * share and per invitee arrived, `commission:` per purchase by a referred
 * person.  The engine's side: agent_fission.c (who referred whom) and
 * agent_econ.c (booking the costs).
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

static const wx_node *submap(wx_sctx *c, const wx_node *n, const char *path,
                             const char *section, const char *example) {
  if (n->type == WX_NODE_MAP) {
    wx__check_keys(c, n, section, path);
    return n;
  }
  wx__serr(c, n, "`%s`: expected a mapping such as %s", path, example);
  return NULL;
}

static int reward(wx_sctx *c, const wx_node *n, const char *path,
                  wx_referral_pay *p) {
  const wx_node *r = submap(c, n, path, "reward", "{per_invite: 5}");
  if (!r) return 0;
  int ok = wx__opt_param(c, r, "per_share", WX_Q_MONEY, path, &p->per_share);
  ok &= wx__opt_param(c, r, "per_invite", WX_Q_MONEY, path, &p->per_invite);
  if (ok && p->per_share == WX_NONE && p->per_invite == WX_NONE) {
    wx__serr(c, r, "`%s`: give `per_share`, `per_invite` or both", path);
    return 0;
  }
  return ok;
}

/* commission.outcome: an outcome with an order value or repeats; with
 * of_value, one with an order value. */
static int which_outcome(wx_sctx *c, const wx_node *cm, const char *path,
                         wx_referral_pay *p) {
  const wx_model *m = c->m;
  const wx_node *n = wx__node_get(cm, "outcome");
  const char *name;
  char sub[300];
  wx__subpath(sub, sizeof sub, path, "outcome");
  if (n && !wx__get_scalar(c, n, sub, "an outcome name", &name)) return 0;
  p->outcome = n ? wx__model_find_outcome(m, name) : WX_NONE;
  if (n && p->outcome == WX_NONE) {
    wx__serr(c, n, "`%s`: unknown outcome `%.64s`", sub, name);
    return 0;
  }
  int valued = 0, economic = 0;
  for (uint32_t o = 0; o < m->n_outcomes; o++) {
    if (p->outcome != WX_NONE && o != p->outcome) continue;
    valued |= m->outcomes[o].has_value;
    economic |= wx__outcome_economic(&m->outcomes[o]);
  }
  if (!economic || (p->of_value != WX_NONE && !valued)) {
    wx__serr(c, n ? n : cm,
             "`%s`: a commission is paid on purchases, so it needs %s with "
             "an order `value`%s",
             path, n ? "that outcome" : "an outcome",
             p->of_value != WX_NONE ? " (of_value is a share of it)" : "");
    return 0;
  }
  return 1;
}

static int commission(wx_sctx *c, const wx_node *n, const char *path,
                      wx_referral_pay *p) {
  static const char *const purchases[] = {"all", "first"};
  const wx_node *cm = submap(c, n, path, "commission", "{of_value: 10%}");
  if (!cm) return 0;
  int ok = wx__opt_param(c, cm, "fixed", WX_Q_MONEY, path, &p->fixed);
  ok &= wx__opt_param(c, cm, "of_value", WX_Q_PROB, path, &p->of_value);
  ok &= wx__opt_param(c, cm, "max", WX_Q_MONEY, path, &p->max);
  ok &=
      wx__opt_param(c, cm, "second_fixed", WX_Q_MONEY, path, &p->second_fixed);
  ok &= wx__opt_param(c, cm, "second_of_value", WX_Q_PROB, path,
                      &p->second_of_value);
  if (ok && p->fixed == WX_NONE && p->of_value == WX_NONE) {
    wx__serr(c, cm, "`%s`: give `fixed`, `of_value` or both", path);
    return 0;
  }
  const wx_node *pn = wx__node_get(cm, "purchases");
  if (pn) {
    char sub[300];
    const char *s;
    wx__subpath(sub, sizeof sub, path, "purchases");
    if (!wx__get_scalar(c, pn, sub, "all or first", &s)) return 0;
    p->first_only = !strcmp(s, purchases[1]);
    if (!p->first_only && strcmp(s, purchases[0])) {
      char hint[120];
      wx__did_you_mean(hint, sizeof hint, s, purchases, 2);
      wx__serr(c, pn, "`%s`: expected all or first, got `%.40s`%s", sub, s,
               hint);
      return 0;
    }
  }
  return ok && which_outcome(c, cm, path, p);
}

int wx__pay_compile(wx_sctx *c, const wx_node *fission, const char *path,
                    wx_fission *f) {
  wx_referral_pay *p = &f->pay;
  const wx_node *r = wx__node_get(fission, "reward"),
                *cm = wx__node_get(fission, "commission");
  char sub[300];
  *p = (wx_referral_pay){0};
  p->per_share = p->per_invite = p->fixed = p->of_value = p->max = WX_NONE;
  p->second_fixed = p->second_of_value = WX_NONE;
  p->outcome = WX_NONE;
  int ok = 1;
  wx__subpath(sub, sizeof sub, path, "reward");
  if (r) ok &= reward(c, r, sub, p);
  wx__subpath(sub, sizeof sub, path, "commission");
  if (cm) ok &= commission(c, cm, sub, p);
  p->on = ok && (r || cm);
  return ok;
}
