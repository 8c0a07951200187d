#!/bin/sh
# A live stream end to end (scenarios/live_stream.yaml): the KPIs of the
# stream, its series, the chart of viewers online, byte-identical series
# for -j 1 and -j 2, the cohort engine's refusal at the touchpoint, and a
# memory refusal that names the stream's `recommended` viewers.
# Usage: live_stream.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S="$SRC/scenarios/live_stream.yaml"

for j in 1 2; do
  "$WX" run "$S" -o "$T/j$j" -r 2 -j $j -q --horizon 7d >"$T/out" 2>&1 \
    || { cat "$T/out"; fail "run -j $j"; }
done
cmp -s "$T/j1/series.csv" "$T/j2/series.csv" || fail "series differ for -j 1, -j 2"
for k in peak_online viewers live_purchases live_revenue replay_viewers; do
  grep -q "^$k.evening_live," "$T/j1/kpi_summary.csv" || fail "no KPI $k"
done
for c in online peak_online viewers live_purchases follows new_people; do
  grep -q ",touchpoint,evening_live,$c," "$T/j1/series.csv" || fail "no series $c"
done
[ -s "$T/j1/charts/online_evening_live.png" ] || fail "no chart of viewers online"

"$WX" run "$S" --engine cohort -o "$T/c" -q --no-charts >"$T/out" 2>&1
[ $? -eq 3 ] || fail "cohort: exit $?"
grep -q "live_stream.yaml:[0-9]*:3: error: touchpoint 'evening_live': live streams" \
  "$T/out" || fail "cohort message: $(cat "$T/out")"

sed 's/recommended: 1500 /recommended: 1e8  /' "$S" >"$T/big.yaml"
"$WX" run "$T/big.yaml" -o "$T/b" -q --no-charts --memory-budget 1000000000 \
  >"$T/out" 2>&1
[ $? -eq 6 ] || fail "memory: exit $?"
grep -q "big.yaml:[0-9]*:20: error: .*touchpoints.evening_live.session.recommended" \
  "$T/out" || fail "memory message: $(cat "$T/out")"
echo "live_stream: ok"
