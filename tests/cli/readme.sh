#!/bin/sh
# README.md cannot drift from the program: the Quick start test line is the
# one .ci/run runs word for word; every option it names exists in some
# `wxflow CMD --help`; every scenario it names is shipped; every file of
# "What a run writes" is written; its comparison example runs.
# Usage: readme.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
R="$SRC/README.md"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -s "$R" ] || fail "no README.md"

# Quick start line (b), the one ending in ctest, is in .ci/run as is.
b=$(grep '^sh scripts/install-deps.sh && .*ctest ' "$R")
[ "$(printf '%s\n' "$b" | grep -c .)" -eq 1 ] || fail "README: no single ctest line"
grep -qxF -- "$b" "$SRC/.ci/run" || fail ".ci/run does not run README line (b): $b"
grep -q '^sh scripts/install-deps.sh && .*build/wxflow run scenarios/quickstart.yaml' "$R" \
  || fail "README: no Quick start run line (a)"

# Options.
: >"$T/help"
for cmd in init run validate plot compare attribute sweep sensitivity optimize calibrate merge; do
  "$WX" $cmd --help >>"$T/help" || fail "wxflow $cmd --help"
done
"$WX" --help >>"$T/help" || fail "wxflow --help"
for opt in $(grep -o -- '--[a-z][a-z-]*' "$R" | sort -u); do
  case $opt in --output-on-failure|--build|--test-dir|--target|--install|--ci|--cflags|--libs|--static) continue ;;
    --hostfile|--mca|--signal|--map-by|--ntasks-per-node) continue ;; # mpirun's, scancel's, sbatch's
  esac
  grep -q -- "$opt\\b" "$T/help" || fail "README names $opt, which no --help lists"
done

# Scenarios.
for f in $(grep -o '`[a-z_]*\.yaml`' "$R" | tr -d '`' | sort -u); do
  [ -f "$SRC/scenarios/$f" ] || fail "README names scenarios/$f, which does not exist"
done

# Output files of a run.
"$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/q" -r 2 --horizon 14d -q \
  >"$T/out" 2>&1 || { cat "$T/out"; fail "quick run"; }
sed -n '/^### What a run writes/,/^### /p' "$R" | grep '^| `' \
  | grep -o '`[a-z_]*\.\(csv\|json\)`' | tr -d '`' >"$T/files"
[ "$(wc -l <"$T/files")" -ge 8 ] || fail "README: too few output files listed"
for f in $(cat "$T/files"); do
  [ -f "$T/q/$f" ] || fail "README lists $f, which a run does not write"
done
for f in "$T"/q/*.csv "$T"/q/*.json; do
  grep -q "\`$(basename "$f")\`" "$R" || fail "README does not list $(basename "$f")"
done

# The comparison example, with its base resolved to the shipped scenario.
sed -n '/^compare:/,/^```/p' "$R" | sed '$d' \
  | sed "s|base: b2b.yaml|base: $SRC/scenarios/b2b.yaml|" >"$T/cmp.yaml"
grep -q "variants:" "$T/cmp.yaml" || fail "README: no comparison example"
"$WX" compare "$T/cmp.yaml" -o "$T/c" -r 2 --no-charts -q >"$T/out" 2>&1 \
  || { cat "$T/out"; fail "README comparison example does not run"; }
echo "cli readme: ok"
