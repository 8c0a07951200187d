/*
 * Function-call strings: "exponential(3d)", "gamma(shape=2, mean=5d)",
 * "beta(2, 48)".  No nesting: arguments are plain values with units.
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

static const char *skip_space(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

/* Copies [s, e) trimmed into out; 0 if empty or too long. */
static int copy_trim(const char *s, const char *e, char *out) {
  s = skip_space(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
  size_t n = (size_t)(e - s);
  if (n == 0 || n >= WX_CALL_TEXT) return 0;
  memcpy(out, s, n);
  out[n] = '\0';
  return 1;
}

static int is_ident(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return 0;
  for (; *s; s++)
    if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
      return 0;
  return 1;
}

int wx__is_call(const char *text) { return strchr(text, '(') != NULL; }

static int malformed(const char *text, char *msg, size_t cap) {
  if (!strchr(text, ')')) {
    snprintf(msg, cap,
             "\"%.60s\" is cut short: inside {...} a comma ends the value, "
             "so put quotes around a call with commas, as in "
             "delay: \"gamma(shape=2, mean=5d)\"",
             text);
    return WX_ESCENARIO;
  }
  snprintf(msg, cap,
           "expected a call such as exponential(3d) or "
           "gamma(shape=2, mean=5d), got \"%.60s\"",
           text);
  return WX_ESCENARIO;
}

/* One argument "value" or "key=value" from [s, e). */
static int parse_arg(const char *s, const char *e, wx_call *call) {
  if (call->n == WX_CALL_MAX_ARGS) return 0;
  int i = call->n++;
  call->key[i][0] = '\0';
  const char *eq = memchr(s, '=', (size_t)(e - s));
  if (eq) {
    if (!copy_trim(s, eq, call->key[i]) || !is_ident(call->key[i])) return 0;
    s = eq + 1;
  }
  return copy_trim(s, e, call->val[i]);
}

int wx__call_parse(const char *text, wx_call *call, char *msg, size_t cap) {
  memset(call, 0, sizeof *call);
  const char *open = strchr(text, '(');
  const char *close = strrchr(text, ')');
  if (!open || !close || close < open || *skip_space(close + 1))
    return malformed(text, msg, cap);
  if (!copy_trim(text, open, call->name) || !is_ident(call->name))
    return malformed(text, msg, cap);
  const char *s = open + 1;
  if (*skip_space(s) == ')') return WX_OK;
  for (;;) {
    const char *comma = memchr(s, ',', (size_t)(close - s));
    const char *e = comma ? comma : close;
    if (memchr(s, '(', (size_t)(e - s)) || memchr(s, ')', (size_t)(e - s)) ||
        !parse_arg(s, e, call))
      return malformed(text, msg, cap);
    if (!comma) return WX_OK;
    s = comma + 1;
  }
}

static int find_name(const char *key, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(key, names[i]) == 0) return i;
  return -1;
}

int wx__call_bind(const wx_call *call, const char *const *names, int n,
                  const char **vals, char *msg, size_t cap) {
  for (int i = 0; i < n; i++) vals[i] = NULL;
  int seen_named = 0;
  for (int a = 0; a < call->n; a++) {
    int slot = a;
    if (call->key[a][0]) {
      seen_named = 1;
      slot = find_name(call->key[a], names, n);
      if (slot < 0) {
        char hint[120];
        wx__did_you_mean(hint, sizeof hint, call->key[a], names, (size_t)n);
        snprintf(msg, cap, "%s() has no argument `%s`%s", call->name,
                 call->key[a], hint);
        return WX_ESCENARIO;
      }
    } else if (seen_named) {
      snprintf(msg, cap,
               "%s(): positional arguments must come before named "
               "ones",
               call->name);
      return WX_ESCENARIO;
    }
    if (slot >= n) {
      snprintf(msg, cap, "%s() takes %d argument%s, got %d", call->name, n,
               n == 1 ? "" : "s", call->n);
      return WX_ESCENARIO;
    }
    if (vals[slot]) {
      snprintf(msg, cap, "%s(): `%s` is given twice", call->name, names[slot]);
      return WX_ESCENARIO;
    }
    vals[slot] = call->val[a];
  }
  return WX_OK;
}
