#!/bin/sh
# `cmake --install` puts the program, library, header, pkg-config file,
# scenarios and templates in place, and a program builds against them.
# Usage: install.sh WXFLOW SOURCE_DIR   (WXFLOW's directory is the build tree)
set -u
WX=$1; SRC=$2
BUILD=$(dirname "$WX")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$BUILD" --prefix "$T/prefix" >"$T/log" 2>&1 || { cat "$T/log"; fail "install"; }
P="$T/prefix"
[ -x "$P/bin/wxflow" ] || fail "no bin/wxflow"
[ -f "$P/include/wxflow/wxflow.h" ] || fail "no header"
PC=$(find "$P" -name wxflow.pc | head -1)
[ -n "$PC" ] || fail "no wxflow.pc"
ls "$P"/lib*/libwxflow.* >/dev/null 2>&1 || ls "$P"/lib/*/libwxflow.* >/dev/null 2>&1 || fail "no library"
[ -f "$P/share/wxflow/scenarios/quickstart.yaml" ] || fail "no scenarios"
[ -f "$P/share/wxflow/plots/fan.gp" ] || fail "no plot templates"
cat > "$T/use.c" <<'C'
#include <wxflow/wxflow.h>
#include <stdio.h>
int main(void) {
  wx_diags *d = wx_diags_alloc(4);
  wx_model *m = NULL;
  int rc = wx_model_load_buffer("x.yaml", "modules: {oa: {kind: official_account}}\n", 40, &m, d);
  printf("%s %s\n", wx_version(), wx_strerror(rc));
  wx_model_free(m);
  wx_diags_free(d);
  return rc != 0;
}
C
# A sanitizer build installs an instrumented library: link the runtime too.
SAN=""
[ -n "${WX_SANITIZE:-}" ] && SAN="-fsanitize=$WX_SANITIZE"
PKG_CONFIG_PATH=$(dirname "$PC") cc $SAN "$T/use.c" -o "$T/use" \
  $(PKG_CONFIG_PATH=$(dirname "$PC") pkg-config --static --cflags --libs wxflow) \
  >"$T/cc.log" 2>&1 || { cat "$T/cc.log"; fail "cannot build against the installed library"; }
"$T/use" | grep -q "^0\.[0-9]*\.[0-9]* success$" || fail "installed library does not work"
"$P/bin/wxflow" --version | grep -q wxflow || fail "installed program"
# The installed program reads its own data, never the build machine's
# source tree: a template only the installed copy has must be listed.
sed 's/^title:.*/title: installed only/' "$P/share/wxflow/scenarios/quickstart.yaml" \
  >"$P/share/wxflow/scenarios/zz_installed_only.yaml"
env -u WXFLOW_DATADIR "$P/bin/wxflow" init --list >"$T/list" 2>&1 \
  || { cat "$T/list"; fail "installed init --list"; }
grep -q zz_installed_only "$T/list" || { cat "$T/list"; fail "installed program uses the source tree"; }
# WXFLOW_DATADIR wins over both.
mkdir -p "$T/data/scenarios"
cp "$P/share/wxflow/scenarios/quickstart.yaml" "$T/data/scenarios/only_env.yaml"
WXFLOW_DATADIR="$T/data" "$P/bin/wxflow" init --list >"$T/list" 2>&1
grep -q only_env "$T/list" || { cat "$T/list"; fail "WXFLOW_DATADIR ignored"; }
grep -q zz_installed_only "$T/list" && fail "WXFLOW_DATADIR not exclusive"
echo "cli install: ok"
