#!/bin/sh
# A replication that fails at run time (here a cohort-engine limit that
# depends on the parameters) ends the run with exit 1 and its positioned
# reason, whether it ran on the caller's thread or on a worker thread, and
# leaves no results directory behind.
# Usage: run_failure.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S="$SRC/tests/data/cohort_repeat_fast.yaml"
for jobs in 1 2; do
  "$WX" run "$S" -r 4 -j "$jobs" -o "$T/out$jobs" >"$T/stdout" 2>"$T/err"
  got=$?
  [ "$got" -eq 1 ] || { cat "$T/err"; fail "-j $jobs exited $got, expected 1"; }
  grep -q "cohort_repeat_fast.yaml:9:3: error: outcome 'purchase': repeat purchases are too frequent" "$T/err" \
    || { cat "$T/err"; fail "-j $jobs: no positioned reason"; }
  [ ! -e "$T/out$jobs" ] || fail "-j $jobs left a results directory"
done
echo ok
