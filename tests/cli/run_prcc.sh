#!/bin/sh
# prcc.csv of a run with priors (tests/data/prcc.yaml: the draw of
# ads.rate drives members_end.oa, that of referrals.rate does not): the
# driver's PRCC is near 1 and significant, the other's interval holds 0;
# the file is byte-identical for -j 1 and -j 3; too few replications or no
# priors leave only the header, and the manifest says why.
# Usage: run_prcc.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S="$SRC/tests/data/prcc.yaml"
HEADER="kpi,param,prcc,p,ci_low,ci_high,n"

for j in 1 3; do
  "$WX" run "$S" -o "$T/j$j" -j $j -q --no-charts >"$T/out" 2>&1 \
    || { cat "$T/out"; fail "run -j $j"; }
done
cmp -s "$T/j1/prcc.csv" "$T/j3/prcc.csv" || fail "prcc.csv differs for -j 1 and -j 3"
[ "$(head -1 "$T/j1/prcc.csv")" = "$HEADER" ] || fail "prcc.csv header"
row() { grep "^members_end.oa,sources.$1.rate," "$T/j1/prcc.csv"; }
[ "$(row ads | wc -l)" -eq 1 ] && [ "$(row referrals | wc -l)" -eq 1 ] \
  || fail "no members_end.oa rows: $(cat "$T/j1/prcc.csv")"
# members_end.oa is Poisson with mean 10 d x rate, rate ~ U(50, 150)/d: its
# correlation with the rate is 289 / sqrt(289^2 + 1000) = 0.994, and with
# the independent referrals rate 0.
row ads | awk -F, '{ exit !($3 > 0.95 && $4 < 0.01 && $5 <= $3 && $3 <= $6 && $7 == 60) }' \
  || fail "driver: $(row ads)"
row referrals | awk -F, '{ exit !($5 <= 0 && 0 <= $6 && $4 > 0.01 && $7 == 60) }' \
  || fail "not a driver: $(row referrals)"
# A constant KPI (no staff are ever needed here) has no rank correlation.
grep -q "^accounts_used.sdr,sources.ads.rate,,,,,60$" "$T/j1/prcc.csv" \
  || fail "constant KPI: $(grep '^accounts_used.sdr' "$T/j1/prcc.csv")"
grep -q '"prcc": "2 uncertain parameters' "$T/j1/manifest.json" || fail "manifest prcc"

# k = 2 priors need more than 4 replications; the quickstart has none.
"$WX" run "$S" -o "$T/few" -r 4 -q --no-charts >"$T/out" 2>&1 || fail "run -r 4"
[ "$(cat "$T/few/prcc.csv")" = "$HEADER" ] || fail "-r 4 wrote rows"
grep -q '"prcc": "not estimated: 2 uncertain parameters need more than 4 replications, the run has 4"' \
  "$T/few/manifest.json" || fail "manifest: $(grep prcc "$T/few/manifest.json")"
"$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/q" -r 6 --horizon 7d -q \
  --no-charts >"$T/out" 2>&1 || fail "quickstart run"
[ "$(cat "$T/q/prcc.csv")" = "$HEADER" ] || fail "quickstart wrote rows"
grep -q '"prcc": "not estimated: the scenario has no uncertain' "$T/q/manifest.json" \
  || fail "manifest without priors"
echo "cli run_prcc: ok"
