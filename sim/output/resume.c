#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "readfile.h"
#include "resume.h"
#include "util.h"

/* The text just after `"key": `, or NULL. */
static const char *field(const char *json, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *p = strstr(json, pat);
  return p ? p + strlen(pat) : NULL;
}

static int field_u64(const char *json, const char *key, uint64_t *out) {
  const char *p = field(json, key);
  if (!p || *p < '0' || *p > '9') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno) return -1;
  *out = v;
  return 0;
}

/* One escaped character at p (just after the backslash) into *out;
 * returns how many bytes it took.  Only the escapes wx__json_string
 * writes: \" \\ \n \u00XX. */
static size_t unescape(const char *p, char *out) {
  if (*p == 'n') {
    *out = '\n';
    return 1;
  }
  if (*p == 'u' && strlen(p) >= 5) {
    char hex[3] = {p[3], p[4], '\0'};
    *out = (char)strtol(hex, NULL, 16);
    return 5;
  }
  *out = *p;
  return *p ? 1 : 0;
}

/* Decodes the JSON string value of `key`; NULL when absent or cut off. */
static char *field_string(const char *json, const char *key) {
  const char *p = field(json, key);
  if (!p || *p++ != '"') return NULL;
  char *out = malloc(strlen(p) + 1);
  if (!out) return NULL;
  size_t n = 0;
  while (*p && *p != '"') {
    if (*p == '\\')
      p += 1 + unescape(p + 1, &out[n++]);
    else
      out[n++] = *p++;
  }
  if (*p != '"') {
    free(out);
    return NULL;
  }
  out[n] = '\0';
  return out;
}

/* `"quantiles": [0.1, 0.9]`: 0 when absent or well formed. */
static int field_quantiles(const char *json, wx_resume_info *info) {
  const char *p = field(json, "quantiles");
  if (!p) return 0;
  if (*p++ != '[') return -1;
  while (*p == ' ') p++;
  while (*p != ']') {
    char *end;
    double v = strtod(p, &end);
    if (end == p || !(v >= 0 && v <= 1) || info->n_quantiles >= 16) return -1;
    info->quantiles[info->n_quantiles++] = v;
    p = end;
    while (*p == ',' || *p == ' ') p++;
  }
  return 0;
}

/* `"horizon_days": 30`: 0 when absent, -1 when malformed. */
static int field_days(const char *json, const char *key, double *out) {
  const char *p = field(json, key);
  *out = 0;
  if (!p) return 0;
  char *end;
  double v = strtod(p, &end);
  if (end == p || !(v > 0) || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static int parse_manifest(const char *json, wx_resume_info *info) {
  uint64_t req, done;
  char *hash = field_string(json, "scenario_hash");
  const char *status = field(json, "status");
  const char *series = field(json, "series_written");
  info->scenario = field_string(json, "scenario");
  int bad = !hash || !status || !info->scenario ||
            strlen(hash) >= sizeof info->hash ||
            field_u64(json, "seed", &info->seed) ||
            field_u64(json, "replications_requested", &req) ||
            field_u64(json, "replications_completed", &done) ||
            req > UINT32_MAX || done > req ||
            field_days(json, "horizon_days", &info->horizon) ||
            field_quantiles(json, info);
  if (!bad && field(json, "engine") &&
      !(info->engine = field_string(json, "engine")))
    bad = 1;
  if (!bad) {
    snprintf(info->hash, sizeof info->hash, "%s", hash);
    info->requested = (uint32_t)req;
    info->completed = (uint32_t)done;
    info->partial = !strncmp(status, "\"partial\"", 9);
    /* Manifests older than the field always wrote series.csv. */
    info->series = !series || !strncmp(series, "true", 4);
    if (field_u64(json, "events", &info->events)) info->events = 0;
    uint64_t from, to;
    if (!field_u64(json, "shard_from", &from) &&
        !field_u64(json, "shard_to", &to) && from < to && to <= req) {
      info->shard_from = (uint32_t)from;
      info->shard_to = (uint32_t)to;
    }
  }
  free(hash);
  return bad ? -1 : 0;
}

int wx__resume_read(const char *dir, wx_resume_info *info, wx_diags *d) {
  *info = (wx_resume_info){0};
  char *path = wx__path_join(dir, "manifest.json");
  if (!path) return WX_ENOMEM;
  char *json = NULL;
  size_t len;
  int rc = wx__read_file(path, WX__MANIFEST_MAX, &json, &len, d);
  if (rc == WX_ENOTFOUND)
    wx__diag(d, rc, path, 0, 0, "is this a results directory?");
  if (rc == WX_OK && parse_manifest(json, info) != 0)
    rc = wx__diag(d, WX_EINVAL, path, 0, 0,
                  "not a wxflow manifest: a field is missing or malformed");
  free(json);
  free(path);
  if (rc != WX_OK) wx__resume_info_free(info);
  return rc;
}

void wx__resume_info_free(wx_resume_info *info) {
  free(info->scenario);
  free(info->engine);
  info->scenario = NULL;
  info->engine = NULL;
}

int wx__resume_check(const wx_resume_info *info, const wx_model *m,
                     const char *dir, wx_diags *d) {
  char want[64];
  snprintf(want, sizeof want, "fnv1a64:%s", m->hash);
  if (info->shard_to)
    return wx__diag(d, WX_EINVAL, dir, 0, 0,
                    "this is a shard (replications %u:%u), which cannot be "
                    "resumed: run it again with --force",
                    info->shard_from, info->shard_to);
  if (!info->partial)
    return wx__diag(d, WX_EINVAL, dir, 0, 0,
                    "the run in this directory is complete (%u of %u "
                    "replications); there is nothing to resume",
                    info->completed, info->requested);
  if (strcmp(want, info->hash) != 0)
    return wx__diag(d, WX_EINVAL, dir, 0, 0,
                    "the scenario has changed since the run started "
                    "(hash %s, the run used %s); resuming would mix two "
                    "scenarios: start a new run with --force instead",
                    want, info->hash);
  if (!info->series && info->completed > 0)
    return wx__diag(d, WX_EINVAL, dir, 0, 0,
                    "the run was made with --no-series, so its finished "
                    "replications cannot be rebuilt; start it again");
  return WX_OK;
}
