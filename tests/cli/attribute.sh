#!/bin/sh
# `wxflow attribute` end to end: help, usage and scenario errors, the
# output files and their headers, Shapley efficiency in attribution.csv,
# outputs identical for 1 and 2 threads, the results directory guard, and
# the chart.
# Usage: attribute.sh WXFLOW SOURCE_DIR
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

expect 0 "$WX" attribute --help
grep -q "markov" "$T/out" || fail "--help does not name the methods"
expect 2 "$WX" attribute
expect 2 "$WX" attribute "$Q" --permutations 1
expect 2 "$WX" attribute "$Q" -c nope -o "$T/x" -r 2 --horizon 5d
grep -q "channel \`nope\`" "$T/err" || fail "unknown channel not named"
printf 'horizon: 5d\nmodules:\n  a: {kind: oa}\n' >"$T/bad.yaml"
expect 3 "$WX" attribute "$T/bad.yaml" -o "$T/x"
grep -q "bad.yaml:3:" "$T/err" || { cat "$T/err"; fail "no position for a bad scenario"; }

A="-c oa,group,shop,weekly_article -r 3 --horizon 20d --journeys 50 -q"
expect 0 "$WX" attribute "$Q" $A -o "$T/a1" -j 1 --no-charts
expect 0 "$WX" attribute "$Q" $A -o "$T/a2" -j 2
for f in attribution.csv journeys.csv paths.csv manifest.json; do
  [ -s "$T/a1/$f" ] || fail "$f not written"
  cmp -s "$T/a1/$f" "$T/a2/$f" || fail "$f differs between -j 1 and -j 2"
done
[ "$(head -1 "$T/a1/attribution.csv")" = "channel,outcome,method,value,lo,hi,se" ] \
  || fail "attribution.csv header"
[ "$(head -1 "$T/a1/paths.csv")" = "path,conversions,value,nulls" ] \
  || fail "paths.csv header"
[ "$(head -1 "$T/a1/journeys.csv")" = \
  "replication,person,step,time,kind,name,count,value" ] || fail "journeys.csv header"
n=$(awk -F, 'NR > 1 {print $1 "/" $2}' "$T/a1/journeys.csv" | sort -u | wc -l)
[ "$n" -eq 50 ] || fail "journeys.csv holds $n journeys, not 50"
for m in removal shapley last_step last_touch first_touch linear markov markov_removal; do
  grep -q ",purchase,$m," "$T/a1/attribution.csv" || fail "no $m rows"
done
# Efficiency: the Shapley values add up to v(all) - v(none), per outcome.
awk -F, 'NR > 1 && $3 == "shapley" {s[$2] += $4}
         NR > 1 && $3 == "all" {a[$2] = $4} NR > 1 && $3 == "none" {z[$2] = $4}
         END { for (k in a) { d = s[k] - (a[k] - z[k]); if (d < 0) d = -d
                 if (d > 1e-6 * (a[k] > 1 ? a[k] : 1)) { print k, s[k], a[k], z[k]; exit 1 } }
               if (length(a) < 2) exit 1 }' "$T/a1/attribution.csv" \
  || fail "Shapley values do not add up to the total"
expect 5 "$WX" attribute "$Q" $A -o "$T/a1"
expect 6 "$WX" attribute "$Q" $A -o "$T/m" --memory-budget 100000
[ "$(grep -c 'memory budget' "$T/err")" -eq 1 ] || { cat "$T/err"; fail "memory refusal not said once"; }
expect 0 "$WX" attribute "$Q" $A -o "$T/a1" --force --no-charts
if command -v gnuplot >/dev/null 2>&1; then
  [ -s "$T/a2/charts/attribution.png" ] || fail "no attribution chart"
  rm -rf "$T/a2/charts"
  expect 0 "$WX" plot "$T/a2"
  [ -s "$T/a2/charts/attribution.png" ] || fail "wxflow plot does not re-draw it"
fi
echo "cli attribute: ok"
