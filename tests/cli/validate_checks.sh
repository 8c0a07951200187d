#!/bin/sh
# `validate` makes every check `run` makes before simulating: a scenario
# whose statistics would not fit the memory budget is refused by both, and
# the --replications limit on the command line is the scenario's.
# Usage: validate_checks.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sed 's/^replications:.*//' "$SRC/scenarios/quickstart.yaml" >"$T/q.yaml"
printf 'replications: 1000000\n' >>"$T/q.yaml"
WXFLOW_MEMORY_BUDGET=100000000 "$WX" validate "$T/q.yaml" >"$T/out" 2>"$T/err"
code=$?
[ $code -eq 6 ] || { cat "$T/out" "$T/err"; fail "validate: exit $code, expected 6"; }
grep -q "$T/q.yaml: error:.*budget" "$T/err" || { cat "$T/err"; fail "no message naming the file"; }
WXFLOW_MEMORY_BUDGET=100000000 "$WX" run "$T/q.yaml" -o "$T/r" -q --no-charts \
  2>"$T/err2"
code=$?
[ $code -eq 6 ] || fail "run: exit $code, expected 6"
"$WX" validate "$SRC/scenarios/quickstart.yaml" >/dev/null || fail "a valid scenario"
# One replications limit: the command line refuses what the scenario would.
"$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/x" -r 1000001 -q \
  2>"$T/err3"
[ $? -eq 2 ] || fail "-r 1000001 accepted"
grep -q "up to 1000000" "$T/err3" || { cat "$T/err3"; fail "limit message"; }
echo ok
