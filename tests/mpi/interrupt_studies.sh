#!/bin/sh
# -DWX_MPI=ON: SIGINT to mpirun stops a sweep on every rank cleanly (the
# manifest says "partial", every finished point's row is the reference's),
# SIGINT to rank 0 alone does the same with one process's exit code (130),
# and stops calibrate with it too; a rank that dies in a sweep or a
# calibration ends the job with an error naming it instead of a hang.
# Usage: interrupt_studies.sh WXFLOW SOURCE_DIR MPIEXEC
set -u
WX=$1; SRC=$2; MPIRUN=$3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# 24 points of the busy scenario (about 40 ms per replication): 24
# replications per point keep 2 or 3 ranks busy for about 6 s, well past
# start()'s two (with 8, 2 ranks ended the sweep in about 2 s on an idle
# machine, before the SIGINT came; with 2, in 1.3 s).
cat >"$T/study.yaml" <<YAML
study:
  base: $SRC/tests/data/busy.yaml
  replications: 24
  kpis: [members_end.group]
  design: grid
  factors:
    flows.sdr_group.p: {levels: [10%, 20%, 30%, 40%, 50%, 60%, 70%, 80%]}
    flows.group_leave.p: {levels: [20%, 40%, 60%]}
YAML
SWEEP="sweep $T/study.yaml -j 1 -q --no-charts"
CAL="calibrate $SRC/scenarios/calibration/quickstart_fit.yaml -r 4 -b 4 \
  --max-evals 400 -j 1 -q --no-charts"

# start RANKS ARGS...: mpirun in the background for about two seconds; $tp
# is the timeout's pid and $mp mpirun's.
start() {
  n=$1; shift
  timeout 90 "$MPIRUN" --oversubscribe --allow-run-as-root -np "$n" \
    "$WX" "$@" 2>"$T/err" &
  tp=$!
  sleep 2
  mp=$(pgrep -P $tp)
  [ -n "$mp" ] || fail "$*: ended before it could be interrupted"
}
# rank K: the pid of mpirun's rank K.
rank() {
  for p in $(pgrep -P "$mp"); do
    tr '\0' '\n' <"/proc/$p/environ" | grep -qx "OMPI_COMM_WORLD_RANK=$1" &&
      echo "$p"
  done
}

"$WX" $SWEEP -o "$T/ref" || fail "reference sweep"

start 2 $SWEEP -o "$T/int"
kill -INT "$mp"
wait $tp; code=$?
[ "$code" -ne 124 ] || fail "mpirun hung after SIGINT"
grep -q '"status": "partial"' "$T/int/manifest.json" \
  || { cat "$T/err"; fail "sweep: manifest not partial (exit $code)"; }
ls "$T/int" | grep -q tmp && fail "sweep: temporary file left behind"
done=$(sed -n 's/.*"points_done": \([0-9]*\).*/\1/p' "$T/int/manifest.json")
[ "$done" -gt 0 ] && [ "$done" -lt 24 ] || fail "sweep: $done points kept"
# A finished point's row is the reference's; an unfinished one has no KPI.
kept=$(awk -F, 'NR == FNR { ref[FNR] = $0; next }
  $0 == ref[FNR] { same++; next }
  $4 != "" && $4 != "nan" { bad++ }
  END { print bad ? -1 : same - 1 }' "$T/ref/study.csv" "$T/int/study.csv")
echo "sweep: $done of 24 points kept" >&2
[ "$kept" -eq "$done" ] || fail "sweep: $kept rows equal the reference, $done points done"

# SIGINT to rank 0 alone halts the other ranks' points too (exit 130).
start 3 $SWEEP -o "$T/r0"
kill -INT "$(rank 0)"
wait $tp; code=$?
[ "$code" -eq 130 ] || { cat "$T/err"; fail "sweep, SIGINT to rank 0: exit $code, expected 130"; }
grep -q '"status": "partial"' "$T/r0/manifest.json" || fail "sweep, rank 0: not partial"
bad=$(awk -F, 'NR == FNR { ref[FNR] = $0; next }
  $0 != ref[FNR] && $4 != "" { bad++ } END { print bad + 0 }' \
  "$T/ref/study.csv" "$T/r0/study.csv")
[ "$bad" -eq 0 ] || fail "sweep, rank 0: $bad kept rows differ from the reference"

# SIGINT to rank 0 alone: every rank stops, exit 130, nothing written.
start 3 $CAL -o "$T/cal"
kill -INT "$(rank 0)"
wait $tp; code=$?
[ "$code" -eq 130 ] || { cat "$T/err"; fail "calibrate, SIGINT to rank 0: exit $code, expected 130"; }
[ -e "$T/cal/fit.csv" ] && fail "calibrate: an interrupted fit wrote fit.csv"

# A rank killed mid-sweep and mid-calibration: an error naming rank 1.
for cmd in sweep calibrate; do
  if [ $cmd = sweep ]; then start 2 $SWEEP -o "$T/dead"; else start 2 $CAL -o "$T/dead"; fi
  kill -KILL "$(rank 1)"
  wait $tp; code=$?
  [ "$code" -ne 124 ] || fail "$cmd: mpirun hung after a rank died"
  [ "$code" -ne 0 ] || fail "$cmd: a dead rank went unnoticed"
  grep -q "rank 1" "$T/err" || { cat "$T/err"; fail "$cmd: the dead rank is not named"; }
  rm -rf "$T/dead"
done
echo "ok"
