/* wxflow init: copies a shipped scenario as a starting point.  The
 * templates are the scenarios/ directory itself (the source tree when run
 * from a build, else the installed copy), so every template is a scenario
 * that the test suite validates and runs. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "readfile.h"

#define TEMPLATE_MAX (1u << 20) /* a scenario is far smaller */

static void usage(FILE *fp) {
  fprintf(
      fp,
      "Usage: wxflow init [TEMPLATE] [OPTIONS]\n"
      "\n"
      "Writes a starting scenario, a commented copy of the shipped scenario\n"
      "TEMPLATE (default: quickstart), to TEMPLATE.yaml in the current "
      "directory\n"
      "or to FILE.  Never overwrites an existing file unless --force.\n"
      "\n"
      "Options:\n"
      "  -o, --output FILE   where to write (default: TEMPLATE.yaml)\n"
      "  -f, --force         overwrite FILE if it exists\n"
      "  -l, --list          list the templates with their titles\n"
      "  -h, --help          show this help\n");
}

/* Reads a whole template; NULL when unreadable or too large. */
static char *read_text(const char *path) {
  char *buf = NULL;
  size_t len;
  wx__read_file(path, TEMPLATE_MAX, &buf, &len, NULL);
  return buf;
}

/* A template is a scenario: it has a top-level `modules:` key (a comparison
 * file such as matrices.yaml has `compare:` instead). */
static int is_scenario(const char *text) {
  for (const char *p = text; p; p = strchr(p, '\n')) {
    if (*p == '\n') p++;
    if (!strncmp(p, "modules:", 8)) return 1;
  }
  return 0;
}

/* The top-level title, copied into out (empty when absent). */
static void title_of(const char *text, char *out, size_t cap) {
  out[0] = '\0';
  for (const char *p = text; p; p = strchr(p, '\n')) {
    if (*p == '\n') p++;
    if (strncmp(p, "title:", 6)) continue;
    p += 6 + strspn(p + 6, " ");
    snprintf(out, cap, "%.*s", (int)strcspn(p, "\n#"), p);
    return;
  }
}

static int yaml_name(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  return n > 5 && !strcmp(e->d_name + n - 5, ".yaml") && e->d_name[0] != '.';
}

static int list_templates(const char *dir) {
  struct dirent **names;
  int n = scandir(dir, &names, yaml_name, alphasort);
  if (n < 0) {
    fprintf(stderr, "wxflow init: cannot read templates in %s\n", dir);
    return WX_EXIT_IO;
  }
  for (int i = 0; i < n; i++) {
    char *path = wx__path_join(dir, names[i]->d_name);
    char *text = path ? read_text(path) : NULL;
    if (text && is_scenario(text)) {
      char title[160];
      title_of(text, title, sizeof title);
      size_t len = strlen(names[i]->d_name) - 5;
      printf("%-20.*s %s\n", (int)len, names[i]->d_name, title);
    }
    free(text);
    free(path);
    free(names[i]);
  }
  free(names);
  return WX_EXIT_OK;
}

/* "retail" or "retail.yaml", letters, digits, '_' and '-' only: a template
 * name, never a path. */
static int valid_name(const char *name) {
  size_t n = strlen(name);
  if (n > 5 && !strcmp(name + n - 5, ".yaml")) n -= 5;
  return n > 0 && n < 64 &&
         strspn(name,
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789_-") == n;
}

/* DIR/NAME.yaml, or NAME.yaml when dir is NULL. */
static char *template_path(const char *dir, const char *name) {
  size_t n = strcspn(name, ".");
  size_t cap = (dir ? strlen(dir) : 0) + n + 8;
  char *path = malloc(cap);
  if (path)
    snprintf(path, cap, "%s%s%.*s.yaml", dir ? dir : "", dir ? "/" : "", (int)n,
             name);
  return path;
}

typedef struct {
  const char *name;
  const char *out;
  int force;
  int list;
} init_args;

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, init_args *a) {
  static const struct option longs[] = {{"output", required_argument, 0, 'o'},
                                        {"force", no_argument, 0, 'f'},
                                        {"list", no_argument, 0, 'l'},
                                        {"help", no_argument, 0, 'h'},
                                        {0, 0, 0, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:flh", longs, NULL)) != -1) {
    switch (c) {
      case 'o': a->out = optarg; break;
      case 'f': a->force = 1; break;
      case 'l': a->list = 1; break;
      case 'h': usage(stdout); return WX_EXIT_OK;
      default: return wx_cli_bad_option("init", c, argc, argv);
    }
  }
  if (optind < argc - 1) {
    fprintf(stderr, "wxflow init: expected at most one TEMPLATE\n");
    return WX_EXIT_USAGE;
  }
  a->name = optind < argc ? argv[optind] : "quickstart";
  if (!valid_name(a->name)) {
    fprintf(stderr,
            "wxflow init: '%s' is not a template name; see "
            "'wxflow init --list'\n",
            a->name);
    return WX_EXIT_USAGE;
  }
  return -1;
}

static int write_scenario(const char *out, const char *text, int force) {
  struct stat st;
  if (!force && stat(out, &st) == 0) {
    fprintf(stderr, "wxflow init: %s exists; use --force to overwrite it\n",
            out);
    return WX_EXIT_EXISTS;
  }
  wx_diags *d = wx_diags_alloc(10);
  int rc = d ? wx__write_file_atomic(out, text, d) : WX_ENOMEM;
  wx_cli_print_diags(d);
  wx_diags_free(d);
  return wx_cli_exit_code(rc);
}

static int init_from(const char *dir, const init_args *a, const char *out) {
  char *path = template_path(dir, a->name);
  char *text = path ? read_text(path) : NULL;
  int code = WX_EXIT_OK;
  if (!text || !is_scenario(text)) {
    fprintf(stderr,
            "wxflow init: no template '%s' in %s; see "
            "'wxflow init --list'\n",
            a->name, dir);
    code = WX_EXIT_USAGE;
  } else {
    code = write_scenario(out, text, a->force);
  }
  if (code == WX_EXIT_OK)
    printf(
        "wrote %s from template %s; next: wxflow validate %s && "
        "wxflow run %s\n",
        out, a->name, out, out);
  free(text);
  free(path);
  return code;
}

int wx_cli_init(int argc, char **argv) {
  init_args a;
  memset(&a, 0, sizeof a);
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  char dir[4096];
  if (wx_cli_data_dir("scenarios", dir, sizeof dir) != 0) {
    fprintf(stderr, "wxflow init: data directory path too long\n");
    return WX_EXIT_USAGE;
  }
  if (a.list) return list_templates(dir);
  char *default_out = a.out ? NULL : template_path(NULL, a.name);
  const char *out = a.out ? a.out : default_out;
  code = out ? init_from(dir, &a, out) : WX_EXIT_NOMEM;
  free(default_out);
  return code;
}
