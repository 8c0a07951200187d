#!/bin/sh
# The program's memory guard (exit 6 with the remedies) and the funnel
# chart a run draws from funnel.csv.
# Usage: run_outputs.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
Q="$SRC/scenarios/quickstart.yaml"

WXFLOW_MEMORY_BUDGET=1000 "$WX" run "$Q" -o "$T/big" -r 4 -q >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 6 ] || { cat "$T/err"; fail "over budget exited $got, expected 6"; }
grep -q "sample_every" "$T/err" || fail "no remedy in: $(cat "$T/err")"
grep -q "1000 bytes" "$T/err" || fail "no budget in: $(cat "$T/err")"

"$WX" run "$Q" -o "$T/a" -r 4 -q >"$T/out" 2>"$T/err" || {
  cat "$T/err"; fail "run failed"; }
[ -s "$T/a/funnel.csv" ] || fail "no funnel.csv"
head -1 "$T/a/funnel.csv" | grep -qx "stage,label,mean,ci_low,ci_high,share_of_previous" \
  || fail "funnel.csv header"
grep -q '"funnel.csv"' "$T/a/manifest.json" || fail "manifest lacks funnel.csv"
if command -v gnuplot >/dev/null 2>&1; then
  [ -s "$T/a/charts/funnel.png" ] || fail "no charts/funnel.png"
fi
# A population that outgrows the budget while running stops with exit 6 and
# a clear message, instead of being killed for lack of memory.
cat >"$T/big.yaml" <<'YAML'
horizon: 1d
replications: 1
modules:
  oa: {kind: official_account}
sources:
  everyone: {into: oa, initial: 400000}
YAML
WXFLOW_MEMORY_BUDGET=4000000 "$WX" run "$T/big.yaml" -o "$T/big" -q --no-charts \
  >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 6 ] || { cat "$T/err"; fail "outgrown population exited $got, expected 6"; }
grep -q "outgrew the memory budget" "$T/err" || fail "no message in: $(cat "$T/err")"
echo ok
