#!/bin/sh
# SIGINT/SIGTERM stop a run within about a second in every phase: while
# waiting for a gnuplot that hangs (it is killed; no .wxplot-* left), and
# a second signal exits at once.  A gnuplot that hangs without a signal is
# stopped after WXFLOW_GNUPLOT_TIMEOUT seconds.
# Usage: signals.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
pid=
fail() { echo "FAIL: $*"; exit 1; }
Q="$SRC/scenarios/quickstart.yaml"
mkdir "$T/bin"
printf '#!/bin/sh\nexec sleep 60\n' >"$T/bin/gnuplot"
chmod +x "$T/bin/gnuplot"

# now_ms: a clock in milliseconds (date +%s%N where it works).
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_for PATTERN DIR: until a name in DIR matches.
wait_for() {
  i=0
  until ls -a "$2" 2>/dev/null | grep -q "$1"; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "never saw $1 in $2"
    kill -0 $pid 2>/dev/null || fail "the run ended before $1 appeared"
    sleep 0.05
  done
}

# A Ctrl-C while gnuplot hangs: exit 130 within a second or two.
PATH="$T/bin:$PATH" "$WX" run "$Q" -o "$T/a" -r 1 --horizon 3d -q 2>"$T/err" &
pid=$!
wait_for '^\.wxplot-' "$T/a"
sleep 0.2
t0=$(now_ms); kill -INT $pid; wait $pid; code=$?; t1=$(now_ms)
[ $code -eq 130 ] || { cat "$T/err"; fail "exit $code while gnuplot hung"; }
[ $((t1 - t0)) -lt 2000 ] || fail "took $((t1 - t0)) ms to stop"
ls -a "$T/a" | grep -q '^\.wxplot-' && fail ".wxplot-* left behind"
ls -a "$T/a/charts" | grep -q 'tmp' && fail "temporary chart left"

# A hanging gnuplot without a signal is stopped after the timeout.
WXFLOW_GNUPLOT_TIMEOUT=0.2 PATH="$T/bin:$PATH" "$WX" run "$Q" -o "$T/b" -r 1 \
  --horizon 3d -q 2>"$T/err"
code=$?
[ $code -eq 0 ] || { cat "$T/err"; fail "exit $code after gnuplot timeouts"; }
grep -q 'did not finish within 0.2 s' "$T/err" || { cat "$T/err"; fail "timeout not reported"; }
ls -a "$T/b" | grep -q '^\.wxplot-' && fail ".wxplot-* left after timeouts"

# A second signal exits at once, even while outputs are being written.
"$WX" run "$SRC/tests/data/busy.yaml" -o "$T/c" -r 400 -j 1 -q --no-charts \
  2>/dev/null &
pid=$!
wait_for 'series.csv.tmp' "$T/c"
t0=$(now_ms); kill -TERM $pid; kill -TERM $pid; wait $pid; code=$?; t1=$(now_ms)
[ $code -eq 143 ] || fail "exit $code after two signals"
[ $((t1 - t0)) -lt 1000 ] || fail "two signals took $((t1 - t0)) ms"

# A stop while a long series.csv is written cuts it back to whole
# replications, and --resume then gives the outputs of a run never stopped.
cat >"$T/long.yaml" <<'YAML'
horizon: 10d
sample_every: 1min
seed: 3
modules:
  oa: {kind: official_account}
  sdr: {kind: wecom}
sources:
  s: {into: oa, rate: 50/d}
flows:
  f: {from: oa, to: sdr, p: 50%, delay: exponential(1d)}
YAML
"$WX" run "$T/long.yaml" -o "$T/ref" -r 6 -j 1 -q --no-charts || fail "reference"
per=$(( ($(wc -l <"$T/ref/series.csv") - 1) / 6 ))
"$WX" run "$T/long.yaml" -o "$T/d" -r 6 -j 1 -q --no-charts 2>/dev/null &
pid=$!
i=0
while [ "$(cat "$T"/d/series.csv.tmp.* 2>/dev/null | wc -c)" -lt 12000000 ]; do
  i=$((i + 1)); [ $i -lt 600 ] || fail "no series written"
  kill -0 $pid 2>/dev/null || break
  sleep 0.02
done
kill -INT $pid; wait $pid; code=$?
if [ $code -eq 130 ]; then
  rows=$(( $(wc -l <"$T/d/series.csv") - 1 ))
  [ $((rows % per)) -eq 0 ] || fail "series.csv holds part of a replication"
  "$WX" run --resume "$T/d" -q --no-charts || fail "resume"
fi
cmp -s "$T/ref/series.csv" "$T/d/series.csv" || fail "resumed series.csv differs"
cmp -s "$T/ref/kpi_summary.csv" "$T/d/kpi_summary.csv" || fail "kpi_summary differs"
echo ok
