#!/bin/sh
# The payback chart marks the first day the mean cumulative revenue covers
# the mean cumulative cost: revenue 100 t against cost 1000 + 50 t pays
# back on day 20 exactly; a cost it never covers says so.  Needs only
# gnuplot (report --no-deck).
# Usage: report_payback.sh WXFLOW SOURCE_DIR
set -u
WX=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
make_dir() { # make_dir DIR COST0
  mkdir -p "$1"
  printf 'kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95,better\n' >"$1/kpi_summary.csv"
  printf 'revenue,CNY,2,4000,0,4000,4000,4000,4000,4000,higher\n' >>"$1/kpi_summary.csv"
  printf 'cost,CNY,2,3000,0,3000,3000,3000,3000,3000,lower\n' >>"$1/kpi_summary.csv"
  awk -v c0="$2" 'BEGIN {
    print "time,scope,name,metric,n,mean,sd,p5,p25,p50,p75,p95"
    for (t = 0; t <= 40; t++) {
      r = 100 * t; c = c0 + 50 * t
      printf "%d,total,all,revenue,2,%g,0,%g,%g,%g,%g,%g\n", t, r, r * 0.9, r, r, r, r * 1.1
      printf "%d,total,all,cost,2,%g,0,%g,%g,%g,%g,%g\n", t, c, c, c, c, c, c
    }
  }' >"$1/series_stats.csv"
}
make_dir "$T/pays" 1000
"$WX" report "$T/pays" --no-deck >"$T/out" 2>&1 || { cat "$T/out"; fail "report"; }
[ -s "$T/pays/charts/payback.svg" ] || { cat "$T/out"; fail "no payback chart"; }
grep -q 'payback: day 20<' "$T/pays/charts/payback.svg" || fail "payback not marked on day 20"
grep -q 'payback: day 20<' "$T/pays/report.html" || fail "payback chart not in the report"
[ -e "$T/pays/deck.pdf" ] && fail "--no-deck wrote a deck"
make_dir "$T/never" 1000000
"$WX" report "$T/never" --no-deck >"$T/out" 2>&1 || { cat "$T/out"; fail "report"; }
grep -q 'no payback within the horizon' "$T/never/charts/payback.svg" || fail "no 'no payback' note"
grep -q 'payback: day' "$T/never/charts/payback.svg" && fail "a payback day where there is none"
# A malformed CSV: its file and line, exit 4, and the page still written
# with what could be read.
printf 'stage,label,mean,ci_low,ci_high\nreached,x,1,2,3\nbad,"open,1\n' >"$T/pays/funnel.csv"
rm "$T/pays/report.html"
"$WX" report "$T/pays" --no-deck >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 4 ] || { cat "$T/err"; fail "exit $rc for a malformed funnel.csv, expected 4"; }
grep -q 'funnel.csv:[0-9]*:[0-9]*: error: unterminated quoted field' "$T/err" ||
  { cat "$T/err"; fail "no file:line:col message"; }
grep -q '<table class="kpis">' "$T/pays/report.html" || fail "page not written"
grep -q '<table class="funnel">' "$T/pays/report.html" && fail "a malformed funnel shown"
echo ok
