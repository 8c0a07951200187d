#!/bin/sh
# A run writes its caps and targets to levels.csv (the quick start: 2 SDR
# accounts x 140 friends, target sdr_250), the fan chart of the SDR draws
# both as labelled lines, and report.html carries them in its inline SVG.
# Usage: chart_levels.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/r" -r 2 --horizon 30d -q \
  >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "run failed"; }
L="$T/r/levels.csv"
[ -s "$L" ] || fail "no levels.csv"
head -1 "$L" | grep -qx 'scope,name,metric,kind,label,day,value' || fail "header"
grep -qx 'module,sdr,members,cap,企业微信 SDR friend cap (2 × 140),0,280' "$L" ||
  { cat "$L"; fail "friend cap x accounts"; }
grep -qx 'module,sdr,friends_max,cap,企业微信 SDR friend cap per account,0,140' "$L" ||
  { cat "$L"; fail "friend cap per account"; }
grep -qx 'module,sdr,members,target,sdr_250,0,250' "$L" || { cat "$L"; fail "target"; }
grep -q '^module,group,' "$L" && fail "a group that opens new groups has no cap"
grep -q '"levels.csv"' "$T/r/manifest.json" || fail "manifest lacks levels.csv"
"$WX" report "$T/r" --no-deck >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "report"; }
S="$T/r/charts/fan_sdr.svg"
[ -s "$S" ] || fail "no fan_sdr.svg"
# 30 days: the SDR stays far below 280, so both lines are notes or lines
# depending on the fan; either way each is named with its value.
grep -q '企业微信 SDR friend cap (2 × 140): 280' "$S" || fail "cap not on the fan"
grep -q 'sdr_250: 250' "$S" || fail "target not on the fan"
grep -q 'friend cap (2 × 140): 280' "$T/r/report.html" || fail "cap not in report.html"
echo ok
