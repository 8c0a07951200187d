#!/bin/sh
# The program end to end: help, version, exit codes, outputs, determinism.
# Usage: run_basics.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
Q="$SRC/scenarios/quickstart.yaml"

expect 0 "$WX" --help
grep -q "Usage: wxflow" "$T/out" || fail "--help shows no usage"
expect 0 "$WX" --version
grep -q "^wxflow [0-9]" "$T/out" || fail "--version"
for cmd in run validate plot; do expect 0 "$WX" $cmd --help; done
expect 2 "$WX"
expect 2 "$WX" frobnicate
expect 2 "$WX" run
expect 2 "$WX" run "$Q" --replications zero
expect 2 "$WX" run "$Q" --jobs 0
expect 4 "$WX" run "$T/does-not-exist.yaml" -o "$T/x"
expect 0 "$WX" validate "$Q"

expect 0 "$WX" run "$Q" -o "$T/a" -r 4 -j 1 -q
for f in manifest.json entities.csv series.csv series_stats.csv kpis.csv \
         kpi_summary.csv summary.json params.csv; do
  [ -s "$T/a/$f" ] || fail "missing $f"
done
ls "$T/a" | grep -q tmp && fail "temporary file left behind"
head -1 "$T/a/series.csv" | grep -qx "replication,time,scope,name,metric,value" \
  || fail "series.csv header"
grep -q '"status": "complete"' "$T/a/manifest.json" || fail "manifest status"

# An existing results directory is not overwritten without --force.
expect 5 "$WX" run "$Q" -o "$T/a" -r 4 -q
expect 0 "$WX" run "$Q" -o "$T/a" -r 4 -j 2 -q --force

# Same seed => byte-identical outputs, whatever the thread count.
expect 0 "$WX" run "$Q" -o "$T/b" -r 4 -j 2 -q
for f in series.csv series_stats.csv kpis.csv kpi_summary.csv params.csv; do
  cmp -s "$T/a/$f" "$T/b/$f" || fail "$f differs between -j 1 and -j 2"
done
# A different seed gives a different run.
expect 0 "$WX" run "$Q" -o "$T/c" -r 4 -q --seed 7
cmp -s "$T/a/series.csv" "$T/c/series.csv" && fail "--seed had no effect"

# The summary table is printed unless --quiet.
expect 0 "$WX" run "$Q" -o "$T/d" -r 2
grep -q "KPI" "$T/out" || fail "no summary table"
[ -s "$T/err" ] && { cat "$T/err"; fail "stderr not empty when not a terminal"; }
echo "cli run_basics: ok"
