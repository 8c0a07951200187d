#!/bin/sh
# `wxflow calibrate` end to end on the shipped example at a small size: the
# outputs, the calibrated scenario whose priors `wxflow run` propagates,
# the results-directory guard, and bad data reported at the CSV's
# line:col with exit code 3.
# Usage: calibrate.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
EX="$SRC/scenarios/calibration/quickstart_fit.yaml"
SMALL="-r 2 -b 2 --max-evals 20 -j 2"

expect 0 "$WX" calibrate --help
grep -q "Usage: wxflow calibrate FILE" "$T/out" || fail "no usage"
expect 2 "$WX" calibrate
expect 2 "$WX" calibrate "$EX" --algorithm nope -o "$T/x"
# shellcheck disable=SC2086
expect 0 "$WX" calibrate "$EX" -o "$T/c" $SMALL
grep -q "^fit: loss" "$T/out" || fail "no fit line"
grep -q "^held out: .* inside the 90% prediction band" "$T/out" \
  || fail "no held-out coverage"
[ "$(wc -l <"$T/c/fit.csv")" -eq 5 ] || fail "fit.csv: 4 parameters"
head -1 "$T/c/fit.csv" | grep -q "^parameter,name,estimate,lo,hi," \
  || fail "fit.csv header"
[ "$(wc -l <"$T/c/correlations.csv")" -eq 17 ] || fail "correlations.csv"
[ "$(wc -l <"$T/c/loss_trace.csv")" -ge 21 ] || fail "loss_trace.csv"
[ "$(wc -l <"$T/c/calib_fit.csv")" -eq 361 ] || fail "calib_fit.csv rows"
grep -q ',holdout$' "$T/c/calib_fit.csv" || fail "no held-out days"
ls "$T/c" | grep -q '\.tmp' && fail "temporary file left"
if command -v gnuplot >/dev/null 2>&1; then
  for f in calib_fit_module.oa.joins.png calib_fit_module.shop.joins.png \
           loss_trace.png; do
    [ -s "$T/c/charts/$f" ] || fail "chart $f missing"
  done
fi
# Byte-identical whatever the thread count.
# shellcheck disable=SC2086
expect 0 "$WX" calibrate "$EX" -o "$T/c1" $SMALL -j 1 --no-charts -q
for f in fit.csv correlations.csv loss_trace.csv calib_fit.csv calibrated.yaml; do
  cmp -s "$T/c/$f" "$T/c1/$f" || fail "$f differs between -j 2 and -j 1"
done
# `wxflow plot` redraws a calibration's charts.
if command -v gnuplot >/dev/null 2>&1; then
  rm -rf "$T/c/charts"
  expect 0 "$WX" plot "$T/c" --charts calibrate
  [ -s "$T/c/charts/loss_trace.png" ] || fail "plot: no loss_trace.png"
fi
# The calibrated scenario carries priors, and a run draws them.
grep -q 'p: "beta(' "$T/c/calibrated.yaml" || fail "no beta prior"
grep -q 'rate: "lognormal(median=' "$T/c/calibrated.yaml" \
  || fail "no lognormal prior"
expect 0 "$WX" run "$T/c/calibrated.yaml" -o "$T/run" -r 4 --no-charts -q
n=$(awk -F, '$2 == "flows.oa_to_sdr.p" {print $3}' "$T/run/params.csv" \
    | sort -u | wc -l)
[ "$n" -eq 4 ] || fail "flows.oa_to_sdr.p not drawn per replication ($n values)"
# An existing results directory needs --force.
# shellcheck disable=SC2086
expect 5 "$WX" calibrate "$EX" -o "$T/c" $SMALL
# Bad data: at the CSV's line and column, exit 3, nothing written.
mkdir "$T/bad"
cp "$SRC/scenarios/quickstart.yaml" "$T/quickstart.yaml"
sed 's|base: ../quickstart.yaml|base: ../quickstart.yaml|' "$EX" >"$T/bad/fit.yaml"
sed '3s/,[0-9]*$/,-5/' "$SRC/scenarios/calibration/quickstart_observed.csv" \
  >"$T/bad/quickstart_observed.csv"
expect 3 "$WX" calibrate "$T/bad/fit.yaml" -o "$T/b"
grep -q "quickstart_observed.csv:3:29: error: .*>= 0" "$T/err" \
  || { cat "$T/err"; fail "negative count not positioned"; }
sed '4s/module.group.joins/module.group.jions/' \
  "$SRC/scenarios/calibration/quickstart_observed.csv" \
  >"$T/bad/quickstart_observed.csv"
expect 3 "$WX" calibrate "$T/bad/fit.yaml" -o "$T/b"
grep -q "quickstart_observed.csv:4:12: error: unknown metric" "$T/err" \
  || { cat "$T/err"; fail "unknown metric not positioned"; }
[ -e "$T/b" ] && fail "results written for bad data"
echo "cli calibrate: ok"
