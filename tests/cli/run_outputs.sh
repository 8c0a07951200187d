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
grep -q "fewer people" "$T/err" || fail "no remedy in: $(cat "$T/err")"
grep -q "quickstart.yaml:[0-9]*:[0-9]*: " "$T/err" || fail "no position in: $(cat "$T/err")"
grep -q "1000 bytes" "$T/err" || fail "no budget in: $(cat "$T/err")"
[ -e "$T/big" ] && fail "a refused run created its results directory"
# --memory-budget wins over the environment, both ways.
WXFLOW_MEMORY_BUDGET=1000 "$WX" run "$Q" -o "$T/big" -r 1 -q --no-charts \
  --memory-budget 100000000 >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "--memory-budget ignored"; }
rm -rf "$T/big"

# A sample grid too fine for memory names sample_every (it exited 6 with no
# message when it ran out of memory while laying out the series); the
# loader now refuses it at the key, before any memory is asked for.
printf 'horizon: 365d\nsample_every: 1s\nmodules: {oa: {kind: official_account}}\nsources:\n  s: {into: oa, rate: 10/d}\n' >"$T/fine.yaml"
"$WX" run "$T/fine.yaml" -o "$T/fine" -q --no-charts --memory-budget 1000000000 >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 3 ] || { cat "$T/err"; fail "fine grid exited $got, expected 3"; }
grep -q "fine.yaml:2:.*sample_every" "$T/err" || fail "fine grid message: $(cat "$T/err")"

# A grid that cannot be indexed at all is refused too (it used to run with
# one sample after a float-to-unsigned overflow).
printf 'sample_every: 1e-300d\nmodules: {oa: {kind: official_account}}\n' >"$T/tiny.yaml"
"$WX" run "$T/tiny.yaml" -o "$T/tiny" -q --no-charts >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 3 ] || { cat "$T/err"; fail "1e-300d grid exited $got, expected 3"; }
grep -q "tiny.yaml:1:15: .*sample_every" "$T/err" || fail "tiny grid message: $(cat "$T/err")"

# So many groups (open from the start) name the module's key, at its place.
printf 'modules:\n  oa: {kind: official_account}\n  g: {kind: group, groups: 1e9, on_full: drop}\nsources:\n  s: {into: oa, rate: 10/d}\n' >"$T/groups.yaml"
"$WX" run "$T/groups.yaml" -o "$T/groups" -q --no-charts --memory-budget 1000000000 >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 6 ] || { cat "$T/err"; fail "1e9 groups exited $got, expected 6"; }
grep -q "groups.yaml:3:3: .*modules.g.groups" "$T/err" || fail "groups message: $(cat "$T/err")"

# Ads whose budget and cpm make arrivals astronomical name the budget.
printf 'modules: {oa: {kind: official_account}}\nsources:\n  ads: {into: oa, type: ads, budget: 1e12/d, cpm: 1, ctr: 1%%, convert: 100%%}\n' >"$T/ads.yaml"
"$WX" run "$T/ads.yaml" -o "$T/ads" -q --no-charts --memory-budget 1000000000 >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 6 ] || { cat "$T/err"; fail "astronomical ads exited $got, expected 6"; }
grep -q "sources.ads.budget" "$T/err" || fail "ads message: $(cat "$T/err")"

"$WX" run "$Q" -o "$T/a" -r 4 -q >"$T/out" 2>"$T/err" || {
  cat "$T/err"; fail "run failed"; }
[ -s "$T/a/funnel.csv" ] || fail "no funnel.csv"
head -1 "$T/a/funnel.csv" | grep -qx "stage,label,mean,ci_low,ci_high,share_of_previous" \
  || fail "funnel.csv header"
grep -q '"funnel.csv"' "$T/a/manifest.json" || fail "manifest lacks funnel.csv"
if command -v gnuplot >/dev/null 2>&1; then
  [ -s "$T/a/charts/funnel.png" ] || fail "no charts/funnel.png"
fi
# An initial population over the budget is refused before the run, at the
# source's `initial` (the advice fits a population, not only arrivals).
cat >"$T/big.yaml" <<'YAML'
horizon: 1d
replications: 1
modules:
  oa: {kind: official_account}
sources:
  everyone: {into: oa, initial: 400000}
YAML
WXFLOW_MEMORY_BUDGET=2000000 "$WX" run "$T/big.yaml" -o "$T/big" -q --no-charts \
  >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 6 ] || { cat "$T/err"; fail "large population exited $got, expected 6"; }
grep -q "big.yaml:6:.*sources.everyone.initial" "$T/err" || fail "no key in: $(cat "$T/err")"
grep -q "fewer people" "$T/err" || fail "no advice in: $(cat "$T/err")"
echo ok
