#!/bin/sh
# A results directory always describes one run: --force removes what the
# earlier run wrote (series.csv under --no-series, charts under
# --no-charts), temporaries of a killed run are cleaned, and a directory a
# live run holds is refused with exit 5 naming its pid, and so are a
# plot and a report of it.
# Usage: results_dir.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
pid=
fail() { echo "FAIL: $*"; exit 1; }
Q="$SRC/scenarios/quickstart.yaml"
S="$SRC/tests/data/busy.yaml"

# --force --no-series: the earlier series.csv goes.
"$WX" run "$Q" -o "$T/a" -r 2 -q --no-charts || fail "first run"
[ -f "$T/a/series.csv" ] || fail "no series.csv in the first run"
"$WX" run "$Q" -o "$T/a" -r 2 -q --no-charts --no-series --force --seed 9 ||
  fail "forced run"
[ -f "$T/a/series.csv" ] && fail "--force --no-series left the old series.csv"
[ -f "$T/a/manifest.json" ] || fail "no manifest after the forced run"
grep -q '"seed": 9' "$T/a/manifest.json" || fail "manifest of the wrong run"

# --force --no-charts: the earlier charts go.
mkdir -p "$T/a/charts" && : >"$T/a/charts/old.png"
"$WX" run "$Q" -o "$T/a" -r 2 -q --no-charts --force || fail "forced run 2"
[ -e "$T/a/charts" ] && fail "--force --no-charts left the old charts"

# Temporaries of a killed run are removed by the next run into the
# directory; files of the user are kept.
: >"$T/a/series.csv.tmp.Ab12Cd"
mkdir "$T/a/.wxplot-Zz98Yy" && : >"$T/a/.wxplot-Zz98Yy/x.gp"
: >"$T/a/notes.txt"
"$WX" run "$Q" -o "$T/a" -r 2 -q --no-charts --force || fail "forced run 3"
ls -a "$T/a" | grep -q '\.tmp\.\|\.wxplot-' && fail "stale temporaries left"
[ -f "$T/a/notes.txt" ] || fail "--force removed a file it did not write"
[ -e "$T/a/.wxflow.lock" ] && fail "lock file left after the run"

# A live run holds its directory: a second run, even with --force, is
# refused with exit 5 and the holder's pid.
"$WX" run "$S" -o "$T/b" -r 400 -j 1 -q --no-charts 2>/dev/null &
pid=$!
i=0
while [ ! -e "$T/b/.wxflow.lock" ]; do
  i=$((i + 1)); [ $i -lt 400 ] || fail "the first run did not start"
  sleep 0.05
done
"$WX" run "$S" -o "$T/b" -r 2 -q --no-charts --force 2>"$T/err"
code=$?
[ $code -eq 5 ] || fail "a second run into a live directory: exit $code"
grep -q "pid $pid" "$T/err" || fail "the refusal does not name pid $pid: $(cat "$T/err")"
# Nor may charts be drawn into it meanwhile (they read its CSVs and
# write charts/ beside them).
"$WX" plot "$T/b" 2>"$T/err"
code=$?
[ $code -eq 5 ] || fail "plot into a live directory: exit $code"
grep -q "pid $pid" "$T/err" || fail "the plot refusal does not name pid $pid: $(cat "$T/err")"
"$WX" report "$T/b" 2>"$T/err"
code=$?
[ $code -eq 5 ] || fail "report of a live directory: exit $code"
grep -q "pid $pid" "$T/err" || fail "the report refusal does not name pid $pid: $(cat "$T/err")"
[ -e "$T/b/report.html" ] && fail "report written into a live directory"
kill -TERM $pid; wait $pid
[ -f "$T/b/manifest.json" ] || fail "the first run lost its manifest"
"$WX" plot "$T/a" >/dev/null 2>"$T/err" || fail "plot of a finished run: $(cat "$T/err")"
[ -e "$T/a/.wxflow.lock" ] && fail "lock file left after the plot"
[ -s "$T/err" ] && fail "a plot of a plain run warned: $(cat "$T/err")"

# A run stopped before its first replication ended: plot says there is
# nothing to chart (exit 4) instead of letting gnuplot fail on empty tables.
cp -r "$T/a" "$T/none"
sed -e 's/"status": "[a-z]*"/"status": "partial"/' \
    -e 's/"replications_completed": [0-9]*/"replications_completed": 0/' \
    "$T/a/manifest.json" >"$T/none/manifest.json"
"$WX" plot "$T/none" 2>"$T/err"
code=$?
[ $code -eq 4 ] || fail "plot of a run with no replication: exit $code ($(cat "$T/err"))"
grep -q "nothing to chart" "$T/err" || fail "no reason: $(cat "$T/err")"

# A forced comparison drops the variants an earlier one had.
cp "$Q" "$T/base.yaml"
printf 'compare:\n  base: base.yaml\n  variants:\n    old_one: {modules.group.enabled: false}\n' >"$T/c1.yaml"
printf 'compare:\n  base: base.yaml\n  variants:\n    new_one: {modules.group.enabled: false}\n' >"$T/c2.yaml"
"$WX" compare "$T/c1.yaml" -o "$T/cmp" -r 2 --no-charts -q >/dev/null || fail "compare 1"
[ -d "$T/cmp/variants/old_one" ] || fail "no variant directory"
"$WX" compare "$T/c2.yaml" -o "$T/cmp" -r 2 --no-charts -q --force >/dev/null ||
  fail "compare 2"
[ -e "$T/cmp/variants/old_one" ] && fail "--force left the earlier comparison's variant"
[ -d "$T/cmp/variants/new_one" ] || fail "no new variant"

# SIGKILL: --resume says nothing can be recovered and why; --force cleans.
"$WX" run "$S" -o "$T/k" -r 400 -j 1 -q --no-charts 2>/dev/null &
pid=$!
i=0
until ls "$T/k" 2>/dev/null | grep -q 'series.csv.tmp'; do
  i=$((i + 1)); [ $i -lt 400 ] || fail "the run to kill did not start"
  sleep 0.05
done
kill -KILL $pid; wait $pid 2>/dev/null
"$WX" run --resume "$T/k" 2>"$T/err" && fail "resumed a killed run"
grep -q 'killed before it wrote manifest.json' "$T/err" || { cat "$T/err"; fail "no explanation"; }
"$WX" run "$S" -o "$T/k" -r 2 -q --no-charts --force || fail "run after a kill"
ls -a "$T/k" | grep -q '\.tmp\.' && fail "temporaries of the killed run left"
echo ok
