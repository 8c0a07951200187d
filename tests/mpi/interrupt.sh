#!/bin/sh
# -DWX_MPI=ON: SIGINT to mpirun stops every rank cleanly (manifest
# "partial", the finished replications are the reference's first ones,
# --resume finishes them byte-identically), and a rank that dies ends the
# job with an error naming it instead of a hang.
# Usage: interrupt.sh WXFLOW SOURCE_DIR MPIEXEC
set -u
WX=$1; SRC=$2; MPIRUN=$3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S="$SRC/tests/data/busy.yaml"
REPS=60
# Long replications (~0.1 s each): mpirun passes a SIGINT on only after a
# second, and the run must still be going then.
H="--horizon 200d"
# On SIGINT mpirun waits odls_base_sigkill_timeout seconds (1), sends
# every rank SIGTERM, and SIGKILL as long again later: rank 0 has that
# long to write the partial results.

tmp_bytes() { cat "$1"/series.csv.tmp.* 2>/dev/null | wc -c; }

# start RANKS DIR: mpirun in the background; $tp is the timeout's pid and
# $mp mpirun's.
start() {
  timeout 90 "$MPIRUN" --oversubscribe --allow-run-as-root -np "$1" \
    "$WX" run "$S" -o "$2" -r $REPS $H -j 1 -q --no-charts 2>"$T/err" &
  tp=$!
  i=0
  while [ "$(tmp_bytes "$2")" -lt 200000 ]; do
    kill -0 $tp 2>/dev/null || break
    i=$((i + 1)); [ $i -lt 600 ] || { kill -KILL $tp; fail "no progress"; }
    sleep 0.05
  done
  mp=$(pgrep -P $tp)
}

"$WX" run "$S" -o "$T/ref" -r $REPS $H -j 2 -q --no-charts || fail "reference run"

d="$T/int"
start 2 "$d"
kill -INT "$mp"
wait $tp; code=$?
[ "$code" -ne 124 ] || fail "mpirun hung after SIGINT"
grep -q '"status": "partial"' "$d/manifest.json" || { cat "$T/err"; fail "manifest not partial (exit $code)"; }
ls "$d" | grep -q tmp && fail "temporary file left behind"
done=$(sed -n 's/.*"replications_completed": \([0-9]*\).*/\1/p' "$d/manifest.json")
[ "$done" -gt 0 ] && [ "$done" -lt $REPS ] || fail "$done replications kept"
lines=$(wc -l <"$d/series.csv")
head -n "$lines" "$T/ref/series.csv" | cmp -s - "$d/series.csv" \
  || fail "kept series differ from the reference"
timeout 90 "$MPIRUN" --oversubscribe --allow-run-as-root -np 2 \
  "$WX" run --resume "$d" -j 1 -q --no-charts 2>"$T/err" \
  || { cat "$T/err"; fail "resume under 2 ranks failed"; }
for f in series.csv series_stats.csv kpis.csv kpi_summary.csv params.csv \
         summary.json; do
  cmp -s "$T/ref/$f" "$d/$f" || fail "$f differs after resume"
done

# SIGINT to rank 0 alone stops every rank at once (STOP messages), and
# mpirun passes on its exit code.
start 3 "$T/r0"
for p in $(pgrep -P "$mp"); do
  tr '\0' '\n' <"/proc/$p/environ" | grep -qx 'OMPI_COMM_WORLD_RANK=0' &&
    kill -INT "$p"
done
wait $tp; code=$?
[ "$code" -eq 130 ] || { cat "$T/err"; fail "SIGINT to rank 0: exit $code, expected 130"; }
grep -q '"status": "partial"' "$T/r0/manifest.json" || fail "rank 0: not partial"
lines=$(wc -l <"$T/r0/series.csv")
head -n "$lines" "$T/ref/series.csv" | cmp -s - "$T/r0/series.csv" \
  || fail "rank 0: kept series differ from the reference"

# A rank killed mid-run: an error naming rank 1, well before the timeout.
start 2 "$T/dead"
for p in $(pgrep -P "$mp"); do
  tr '\0' '\n' <"/proc/$p/environ" | grep -qx 'OMPI_COMM_WORLD_RANK=1' &&
    kill -KILL "$p"
done
wait $tp; code=$?
[ "$code" -ne 124 ] || fail "mpirun hung after a rank died"
[ "$code" -ne 0 ] || fail "a dead rank went unnoticed"
grep -q "rank 1" "$T/err" || { cat "$T/err"; fail "the dead rank is not named"; }
echo "ok"
