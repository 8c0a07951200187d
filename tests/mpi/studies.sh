#!/bin/sh
# -DWX_MPI=ON: `sweep`, `sensitivity` (study points over the ranks) and
# `attribute` (coalitions over the ranks),
# `calibrate` and `optimize` (each evaluation's replications over the
# ranks, rank 0's result shared) under mpirun write files byte-identical
# to one process at -j 1, with 1, 2 and 3 ranks and 1 or 2 threads each.
# Usage: studies.sh WXFLOW SOURCE_DIR MPIEXEC
set -u
WX=$1; SRC=$2; MPIRUN=$3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mpi() { # mpi RANKS wxflow-args...
  n=$1; shift
  timeout 120 "$MPIRUN" --oversubscribe --allow-run-as-root -np "$n" "$WX" "$@"
}
same() { # same REF DIR: every file of REF (not the charts) equal in DIR
  for f in "$1"/*; do
    [ -f "$f" ] || continue
    cmp -s "$f" "$2/${f##*/}" || fail "$2: ${f##*/} differs from $1"
  done
}
# check NAME ARGS...: the reference at -j 1, then 1, 2 and 3 ranks (the
# thread count alternating), each into its own directory.
check() {
  name=$1; shift
  "$WX" "$@" -o "$T/$name-ref" -j 1 -q --no-charts || fail "$name: reference"
  for n in 1 2 3; do
    j=$((n % 2 + 1))
    mpi $n "$@" -o "$T/$name-$n" -j $j -q --no-charts \
      || fail "$name: $n ranks, $j threads: exit $?"
    same "$T/$name-ref" "$T/$name-$n"
  done
}
ST="$SRC/scenarios/studies"
# 16 points (a grid, structural and parameter factors), 2 replications.
check sweep sweep "$ST/quickstart_sweep.yaml" -r 2 --horizon 30d
# A tornado of 7 factors: 15 points, fewer than some ranks x threads.
check tornado sensitivity "$ST/quickstart_sensitivity.yaml" -r 3 --horizon 30d
check calibrate calibrate "$SRC/scenarios/calibration/quickstart_fit.yaml" \
  -r 3 -b 2 --max-evals 12
check optimize optimize "$SRC/scenarios/optimize/paths_budget.yaml" \
  -r 3 --horizon 14d --max-evals 6
# 16 coalitions of 4 channels over the ranks, journeys on every rank.
check attribute attribute "$SRC/scenarios/quickstart.yaml" \
  -c oa,group,shop,weekly_article -r 3 --horizon 20d --journeys 50

# Only rank 0 prints and writes: one "results in" line, no charts twice.
mpi 3 sweep "$ST/quickstart_sweep.yaml" -r 2 --horizon 14d --no-charts \
  -o "$T/out" >"$T/stdout" 2>&1 || fail "printing sweep"
grep -q "points finished per rank: 6 5 5" "$T/stdout" \
  || { cat "$T/stdout"; fail "the points were not spread over 3 ranks"; }
[ "$(grep -c '^results in' "$T/stdout")" -eq 1 ] \
  || { cat "$T/stdout"; fail "output printed by more than one rank"; }

# An existing directory is refused under 2 ranks with one process's exit
# code (5) and message, and is left as it was.
mpi 2 sweep "$ST/quickstart_sweep.yaml" -r 2 --horizon 14d -q --no-charts \
  -o "$T/out" 2>"$T/err"; code=$?
[ "$code" -eq 5 ] || { cat "$T/err"; fail "existing directory: exit $code, expected 5"; }
grep -q "not empty" "$T/err" || { cat "$T/err"; fail "existing directory: no message"; }
# A refused study (every point over the memory budget) ends every rank with
# one process's exit code (6) and rank 0's message, and leaves no directory.
mpi 3 sweep "$ST/quickstart_sweep.yaml" -r 2 --horizon 14d -q --no-charts \
  -o "$T/big" --memory-budget 100000 2>"$T/err"; code=$?
[ "$code" -eq 6 ] || { cat "$T/err"; fail "refused sweep: exit $code, expected 6"; }
grep -q "over the memory budget" "$T/err" || { cat "$T/err"; fail "refused sweep: no message"; }
[ -e "$T/big" ] && fail "refused sweep left $T/big"
echo "ok"
