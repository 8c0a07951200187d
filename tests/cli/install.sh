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
PCDIR=$(dirname "$PC")
LIBDIR=$(dirname "$PCDIR")
# Three ways C users link: plain pkg-config, pkg-config --static, and
# find_package(wxflow) from another CMake project.
for how in plain static; do
  flag=""; [ "$how" = static ] && flag="--static"
  cc $SAN "$T/use.c" -o "$T/use_$how" \
    $(PKG_CONFIG_PATH="$PCDIR" pkg-config $flag --cflags --libs wxflow) \
    >"$T/cc.log" 2>&1 || { cat "$T/cc.log"; fail "cannot build with pkg-config ($how)"; }
  LD_LIBRARY_PATH="$LIBDIR" "$T/use_$how" | grep -q "^0\.[0-9]*\.[0-9]* success$" \
    || fail "installed library does not work (pkg-config $how)"
done
mkdir -p "$T/consumer"
cp "$T/use.c" "$T/consumer/use.c"
cat > "$T/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(wxflow 0.1 REQUIRED)
add_executable(use use.c)
target_link_libraries(use PRIVATE wxflow::wxflow)
CM
CFLAGS="$SAN" LDFLAGS="$SAN" cmake -S "$T/consumer" -B "$T/consumer/build" \
  -DCMAKE_PREFIX_PATH="$P" >"$T/cm.log" 2>&1 \
  && cmake --build "$T/consumer/build" >>"$T/cm.log" 2>&1 \
  || { cat "$T/cm.log"; fail "find_package(wxflow) consumer does not build"; }
LD_LIBRARY_PATH="$LIBDIR" "$T/consumer/build/use" | grep -q "success$" \
  || fail "find_package(wxflow) consumer does not work"
# A shared library exports exactly the published API.
SO=$(ls "$LIBDIR"/libwxflow.so.* 2>/dev/null | head -1)
if [ -n "$SO" ]; then
  nm -D --defined-only "$SO" | awk '{print $3}' | grep '^wx' | sort >"$T/exported"
  grep -q '^wx__' "$T/exported" && fail "internal wx__ symbols exported: $(grep '^wx__' "$T/exported" | head -3)"
  grep -o '^WX_API [^(]*\bwx_[a-z_0-9]*(' "$SRC/include/wxflow/wxflow.h" \
    | sed 's/.*\b\(wx_[a-z_0-9]*\)(/\1/' | sort >"$T/declared"
  cmp -s "$T/exported" "$T/declared" || { diff "$T/declared" "$T/exported"; fail "exports differ from the header's WX_API"; }
fi
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
