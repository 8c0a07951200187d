#!/bin/sh
# `run --resume` reuses every option that shapes the outputs, as recorded in
# manifest.json: a run made with --horizon 30d --quantiles 10,90 and cut
# after two replications resumes to files byte-identical to the whole run
# (it used to fail with "series.csv does not match the scenario", and
# series_stats.csv lost its extra quantile columns).
# Usage: resume_options.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
Q="$SRC/scenarios/quickstart.yaml"
COMPARED="entities.csv series.csv series_stats.csv kpis.csv kpi_summary.csv
params.csv summary.json"

"$WX" run "$Q" -o "$T/ref" -r 4 -j 2 -q --no-charts --horizon 30d \
  --quantiles 10,90 2>"$T/err" || { cat "$T/err"; fail "reference run"; }
grep -q '"horizon_days": 30,' "$T/ref/manifest.json" || fail "horizon not recorded"
grep -q '"quantiles": \[0.1, 0.9\]' "$T/ref/manifest.json" || fail "quantiles not recorded"
grep -q '"engine": "agent"' "$T/ref/manifest.json" || fail "engine not recorded"
head -1 "$T/ref/series_stats.csv" | grep -q p10 || fail "no p10 column"

# The state an interrupted run leaves: two replications, "partial".
mkdir "$T/cut"
cp "$T/ref/manifest.json" "$T/ref/entities.csv" "$T/cut/"
awk -F, 'NR == 1 || $1 < 2' "$T/ref/series.csv" >"$T/cut/series.csv"
sed -e 's/"status": "complete"/"status": "partial"/' \
    -e 's/"replications_completed": 4/"replications_completed": 2/' \
    "$T/ref/manifest.json" >"$T/cut/manifest.json"

"$WX" run --resume "$T/cut" -j 1 -q --no-charts 2>"$T/err" \
  || { cat "$T/err"; fail "resume failed"; }
for f in $COMPARED; do
  cmp "$T/ref/$f" "$T/cut/$f" || fail "$f differs after resume"
done
# Options that would change the outputs are the manifest's, not the
# command line's.
"$WX" run --resume "$T/cut" --quantiles 20 -q 2>/dev/null; code=$?
[ $code -eq 2 ] || fail "--resume with --quantiles: $code"
"$WX" run --resume "$T/cut" --horizon 5d -q 2>/dev/null; code=$?
[ $code -eq 2 ] || fail "--resume with --horizon: $code"
echo ok
