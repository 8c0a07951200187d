#!/bin/sh
# --quantiles adds percentiles to series_stats.csv without dropping the
# five the fan and stacked charts read: no chart error, columns sorted.
# Usage: quantiles.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/r" -r 3 --horizon 7d -q \
  --quantiles 90,10,50 >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "run failed"; }
head -1 "$T/r/series_stats.csv" | grep -q \
  "^time,scope,name,metric,n,mean,sd,p5,p10,p25,p50,p75,p90,p95$" \
  || { head -1 "$T/r/series_stats.csv"; fail "series_stats.csv columns"; }
if command -v gnuplot >/dev/null 2>&1; then
  [ -s "$T/err" ] && { cat "$T/err"; fail "charts complained"; }
  ls "$T/r/charts/"fan_* >/dev/null 2>&1 || fail "no fan chart"
fi
echo ok
