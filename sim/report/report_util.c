/* Helpers of the report: a growable buffer, HTML escaping, planner numbers,
 * manifest fields, and inlining gnuplot's SVG safely. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "report.h"
#include "util.h"

static int grow(wx__rbuf *b, size_t need) {
  if (b->oom) return -1;
  if (b->len + need + 1 <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < b->len + need + 1) cap *= 2;
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void wx__rb_put(wx__rbuf *b, const char *s, size_t n) {
  if (grow(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void wx__rb_puts(wx__rbuf *b, const char *s) { wx__rb_put(b, s, strlen(s)); }

void wx__rb_printf(wx__rbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if (grow(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void wx__rb_html(wx__rbuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '&': wx__rb_puts(b, "&amp;"); break;
      case '<': wx__rb_puts(b, "&lt;"); break;
      case '>': wx__rb_puts(b, "&gt;"); break;
      case '"': wx__rb_puts(b, "&quot;"); break;
      case '\'': wx__rb_puts(b, "&#39;"); break;
      default: wx__rb_put(b, s, 1);
    }
  }
}

void wx__rb_free(wx__rbuf *b) {
  free(b->s);
  *b = (wx__rbuf){0};
}

/* Digits of |v| rounded to an integer, with a comma every three. */
static void group_digits(char *out, size_t size, double v) {
  char digits[40];
  snprintf(digits, sizeof digits, "%.0f", fabs(v));
  size_t n = strlen(digits), at = 0;
  if (v < 0 && strcmp(digits, "0")) out[at++] = '-';
  for (size_t i = 0; i < n && at + 2 < size; i++) {
    if (i && (n - i) % 3 == 0) out[at++] = ',';
    out[at++] = digits[i];
  }
  out[at] = '\0';
}

const char *wx__report_num(char buf[48], const char *field) {
  char *end;
  double v = strtod(field, &end);
  if (!*field) return strcpy(buf, "-");
  if (*end) return snprintf(buf, 48, "%s", field), buf;
  if (!isfinite(v)) return strcpy(buf, "-");
  if (fabs(v) >= 999.995) {
    group_digits(buf, 48, v);
    return buf;
  }
  snprintf(buf, 48, "%.2f", v);
  char *dot = strchr(buf, '.');
  if (dot) {
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '0') buf[--n] = '\0';
    if (buf[n - 1] == '.') buf[--n] = '\0';
  }
  if (!strcmp(buf, "-0")) strcpy(buf, "0");
  return buf;
}

/* Appends one code point as UTF-8 (surrogates become U+FFFD). */
static size_t put_utf8(char *out, unsigned cp) {
  if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
  if (cp < 0x80) return out[0] = (char)cp, 1;
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = (char)(0xE0 | cp >> 12);
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

static void json_string(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && *s != '"' && n + 4 < size; s++) {
    if (*s != '\\') {
      out[n++] = *s;
      continue;
    }
    char e = *++s;
    unsigned cp = 0;
    if (e == 'u' && sscanf(s + 1, "%4x", &cp) == 1) {
      s += 4;
      n += put_utf8(out + n, cp);
    } else if (e && e != 'u') {
      out[n++] = e == 'n' || e == 't' || e == 'r' ? ' ' : e;
    } else {
      break;
    }
  }
  out[n] = '\0';
}

void wx__report_json(const char *json, const char *key, char *out,
                     size_t size) {
  char pat[96];
  out[0] = '\0';
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = json ? strstr(json, pat) : NULL;
  if (!p) return;
  p += strlen(pat);
  p += strspn(p, " \t\r\n");
  if (*p++ != ':') return;
  p += strspn(p, " \t\r\n");
  if (*p == '"') {
    json_string(p + 1, out, size);
    return;
  }
  size_t n = strcspn(p, ",}] \t\r\n");
  if (n >= size) n = size - 1;
  memcpy(out, p, n);
  out[n] = '\0';
}

char *wx__report_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  wx__rbuf b = {0};
  char chunk[8192];
  size_t n;
  wx__rb_put(&b, "", 0); /* an empty file is "" */
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) wx__rb_put(&b, chunk, n);
  int bad = ferror(f) || b.oom;
  fclose(f);
  if (bad) {
    wx__rb_free(&b);
    return NULL;
  }
  if (len) *len = b.len;
  return b.s;
}

void wx__report_title(const char *dir, const wx_report_options *opt, char *out,
                      size_t size) {
  if (opt && opt->title) {
    snprintf(out, size, "%s", opt->title);
    return;
  }
  char *path = wx__path_join(dir, "manifest.json");
  char *json = path ? wx__report_slurp(path, NULL) : NULL;
  wx__report_json(json, "title", out, size);
  if (!out[0]) snprintf(out, size, "wxflow");
  free(json);
  free(path);
}

static int chart_rank(const char *name) {
  static const char *const order[] = {"kpi_",        "payback", "funnel",
                                      "constraints", "stacked", "fan_",
                                      "compare_"};
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (size_t i = 0; i < sizeof order / sizeof *order; i++)
    if (!strncmp(base, order[i], strlen(order[i]))) return (int)i;
  return (int)(sizeof order / sizeof *order);
}

int wx__report_chart_cmp(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  int d = chart_rank(x) - chart_rank(y);
  return d ? d : strcmp(x, y);
}

/* Whether s starts with `what` (lower case) in any case. */
static int starts_ci(const char *s, const char *what) {
  for (; *what; s++, what++)
    if (tolower((unsigned char)*s) != *what) return 0;
  return 1;
}

/* What a chart must not carry into the page: script, event handlers,
 * embedded HTML, javascript: links.  Returns the offending text or NULL. */
static const char *active_content(const char *svg) {
  static const char *const bad[] = {
      "<script", "<foreignobject", "<iframe", "<object",
      "<embed",  "javascript:",    "<!entity"};
  int in_tag = 0;
  for (const char *p = svg; *p; p++) {
    if (*p == '<') in_tag = 1;
    if (*p == '>') in_tag = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
      if (starts_ci(p, bad[i])) return bad[i];
    /* An attribute on...= after whitespace inside a tag. */
    if (in_tag && isspace((unsigned char)p[0]) && starts_ci(p + 1, "on")) {
      const char *q = p + 3;
      while (isalpha((unsigned char)*q)) q++;
      while (*q == ' ' || *q == '\t') q++;
      if (q > p + 3 && *q == '=') return "an on* event attribute";
    }
  }
  return NULL;
}

/* Length of a match of one of the id references at s, or 0. */
static size_t id_ref(const char *s) {
  static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#",
                                     "url(#"};
  for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
    if (!strncmp(s, refs[i], strlen(refs[i]))) return strlen(refs[i]);
  return 0;
}

int wx__report_svg(wx__rbuf *b, const char *svg, const char *prefix,
                   const char *path, wx_diags *d) {
  const char *start = strstr(svg, "<svg");
  const char *end = start ? strstr(start, "</svg>") : NULL;
  if (!start || !end)
    return wx__diag(d, WX_EINVAL, path, 0, 0, "not an SVG file; left out");
  const char *bad = active_content(start);
  if (bad)
    return wx__diag(d, WX_EINVAL, path, 0, 0,
                    "chart carries active content (%s); left out of the "
                    "report",
                    bad);
  end += strlen("</svg>");
  for (const char *p = start; p < end;) {
    size_t n = id_ref(p);
    if (n) {
      wx__rb_put(b, p, n);
      wx__rb_puts(b, prefix);
      p += n;
      continue;
    }
    const char *q = p + 1;
    while (q < end && *q != 'i' && *q != 'h' && *q != 'u') q++;
    wx__rb_put(b, p, (size_t)(q - p));
    p = q;
  }
  wx__rb_puts(b, "\n");
  return b->oom ? WX_ENOMEM : WX_OK;
}
