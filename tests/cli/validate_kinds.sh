#!/bin/sh
# `wxflow validate` knows every kind of input file (scenario, comparison,
# study, calibration, optimisation): the shipped ones are ok, a broken one
# gets a positioned error, and `wxflow run` on a non-scenario names the
# command that reads it.
# Usage: validate_kinds.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for f in "$SRC"/scenarios/matrices.yaml "$SRC"/scenarios/studies/*.yaml \
         "$SRC"/scenarios/calibration/*.yaml "$SRC"/scenarios/optimize/*.yaml; do
  "$WX" validate "$f" >"$T/out" 2>&1 || { cat "$T/out"; fail "validate $f"; }
  grep -q ": ok" "$T/out" || fail "validate $f said: $(cat "$T/out")"
done
# A study file with a misspelt design type, and one whose base is missing.
cp "$SRC/scenarios/quickstart.yaml" "$T/base.yaml"
printf 'study:\n  base: base.yaml\n  design: gird\n  factors:\n    flows.oa_to_sdr.p: {levels: [1%%, 5%%]}\n' >"$T/bad.yaml"
"$WX" validate "$T/bad.yaml" >"$T/out" 2>&1; rc=$?
[ "$rc" -eq 3 ] || { cat "$T/out"; fail "bad study exited $rc, expected 3"; }
grep -q "bad.yaml:[0-9]*:[0-9]*:" "$T/out" || fail "bad study: no position: $(cat "$T/out")"
printf 'study:\n  base: nowhere.yaml\n  design: oat\n  factors:\n    flows.oa_to_sdr.p: {range: [1%%, 5%%]}\n' >"$T/nobase.yaml"
"$WX" validate "$T/nobase.yaml" >"$T/out" 2>&1 && fail "a study with no base scenario validated"
grep -q "nowhere.yaml" "$T/out" || fail "missing base not named: $(cat "$T/out")"
# run on a study file points at the right command.
"$WX" run "$SRC/scenarios/studies/quickstart_sweep.yaml" -o "$T/r" -q >"$T/out" 2>&1 && fail "run accepted a study file"
grep -q "study file.*wxflow sweep" "$T/out" || fail "run on a study: $(cat "$T/out")"
"$WX" run "$SRC/scenarios/calibration/quickstart_fit.yaml" -o "$T/r" -q >"$T/out" 2>&1 && fail "run accepted a calibration file"
grep -q "wxflow calibrate" "$T/out" || fail "run on a calibration: $(cat "$T/out")"
echo "cli validate_kinds: ok"
