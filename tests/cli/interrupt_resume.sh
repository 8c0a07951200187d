#!/bin/sh
# SIGINT/SIGTERM stop a run cleanly (exit 130/143, manifest "partial",
# finished replications kept), and `run --resume DIR` finishes it with
# outputs byte-identical to a run that was never interrupted.
# Usage: interrupt_resume.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
S="$SRC/tests/data/busy.yaml"
REPS=60
COMPARED="entities.csv series.csv series_stats.csv kpis.csv kpi_summary.csv
params.csv summary.json"

# Bytes written so far to the temporary series file of run directory $1.
tmp_bytes() {
  cat "$1"/series.csv.tmp.* 2>/dev/null | wc -c
}

# interrupt SIGNAL DIR: starts a run, signals it once it has written a few
# replications, and leaves its exit code in $T/code.
interrupt() {
  sig=$1; dir=$2
  "$WX" run "$S" -o "$dir" -r $REPS -j 2 -q --no-charts 2>"$T/err" &
  pid=$!
  i=0
  while [ "$(tmp_bytes "$dir")" -lt 200000 ]; do
    kill -0 $pid 2>/dev/null || break
    i=$((i + 1)); [ $i -lt 600 ] || { kill -KILL $pid; fail "no progress"; }
    sleep 0.05
  done
  kill -$sig $pid
  # (A second signal exits at once: tests/cli/signals.sh.)
  wait $pid; echo $? >"$T/code"
}

"$WX" run "$S" -o "$T/ref" -r $REPS -j 2 -q --no-charts || fail "reference run"

for pair in INT:130 TERM:143; do
  sig=${pair%:*}; want=${pair#*:}
  d="$T/run_$sig"
  interrupt $sig "$d"
  code=$(cat "$T/code")
  [ "$code" -eq "$want" ] || { cat "$T/err"; fail "SIG$sig: exit $code, expected $want"; }
  grep -q '"status": "partial"' "$d/manifest.json" || fail "SIG$sig: manifest not partial"
  grep -q '"partial": true' "$d/summary.json" || fail "SIG$sig: summary not partial"
  ls "$d" | grep -q tmp && fail "SIG$sig: temporary file left behind"
  done=$(sed -n 's/.*"replications_completed": \([0-9]*\).*/\1/p' "$d/manifest.json")
  [ "$done" -gt 0 ] && [ "$done" -lt $REPS ] || fail "SIG$sig: $done replications kept"
  # What was kept is exactly the reference's first replications.
  lines=$(wc -l <"$d/series.csv")
  head -n "$lines" "$T/ref/series.csv" | cmp -s - "$d/series.csv" \
    || fail "SIG$sig: kept series differ from the reference"

  "$WX" run --resume "$d" -j 1 -q --no-charts 2>"$T/err" \
    || { cat "$T/err"; fail "SIG$sig: resume failed"; }
  grep -q '"status": "complete"' "$d/manifest.json" || fail "resumed manifest"
  for f in $COMPARED; do
    cmp "$T/ref/$f" "$d/$f" || fail "SIG$sig: $f differs after resume"
  done
done

# A complete run cannot be resumed; nor one made with another scenario.
"$WX" run --resume "$T/ref" -q --no-charts 2>"$T/err"; code=$?
[ $code -eq 2 ] && grep -q "nothing to resume" "$T/err" || fail "resume of a complete run: $code"
d="$T/run_INT"
sed 's/"status": "complete"/"status": "partial"/' "$d/manifest.json" >"$T/m" && mv "$T/m" "$d/manifest.json"
sed 's/3000\/d/3001\/d/' "$S" >"$T/other.yaml"
"$WX" run --resume "$d" "$T/other.yaml" -q --no-charts 2>"$T/err"; code=$?
[ $code -eq 2 ] && grep -q "scenario has changed" "$T/err" || { cat "$T/err"; fail "resume with another scenario: $code"; }
"$WX" run --resume "$T/nowhere" -q 2>"$T/err"; code=$?
[ $code -eq 4 ] || fail "resume of a missing directory: $code"
"$WX" run --resume "$d" --seed 3 -q 2>/dev/null; code=$?
[ $code -eq 2 ] || fail "--resume with --seed: $code"

# A run made with --no-series cannot be resumed.
"$WX" run "$S" -o "$T/ns" -r $REPS -j 1 -q --no-charts --no-series 2>/dev/null &
pid=$!; sleep 0.3; kill -INT $pid; wait $pid; code=$?
if [ $code -eq 130 ]; then
  # Refused when replications finished (nothing to rebuild them from); with
  # none finished yet (a slow machine) there is nothing to rebuild, and the
  # resume simply runs them all.
  kept=$(sed -n 's/.*"replications_completed": \([0-9]*\).*/\1/p' "$T/ns/manifest.json")
  "$WX" run --resume "$T/ns" -q --no-charts 2>"$T/err"; code=$?
  if [ "$kept" -gt 0 ]; then
    [ $code -eq 2 ] && grep -q "no-series" "$T/err" || fail "resume of --no-series: $code"
  else
    [ $code -eq 0 ] || { cat "$T/err"; fail "resume of --no-series with none kept: $code"; }
  fi
fi

# SIGINT stops even one long replication within a second.
sed 's/3000\/d/300000\/d/' "$S" >"$T/long.yaml"
"$WX" run "$T/long.yaml" -o "$T/long" -r 1 -q --no-charts 2>/dev/null &
pid=$!; sleep 0.5
t0=$(date +%s%N); kill -INT $pid; wait $pid; code=$?; t1=$(date +%s%N)
[ $code -eq 130 ] || fail "long replication: exit $code"
ms=$(( (t1 - t0) / 1000000 ))
[ $ms -lt 1000 ] || fail "long replication took ${ms}ms to stop"
grep -q '"replications_completed": 0' "$T/long/manifest.json" || fail "long: manifest"

echo "cli interrupt_resume: ok"
