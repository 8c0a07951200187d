#!/bin/sh
# `wxflow optimize` end to end at a small size: the shipped example runs,
# writes its files and charts, never evaluates a plan that breaks a
# constraint, its plan.yaml is accepted by `wxflow run`, an existing
# directory is refused without --force, and a bad file exits 3 with a
# positioned message.
# Usage: optimize.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
EX="$SRC/scenarios/optimize/paths_budget.yaml"
"$WX" optimize "$EX" -r 2 --horizon 30d --max-evals 8 -o "$T/o" >"$T/out" 2>&1 \
  || { cat "$T/out"; fail "optimize"; }
for f in plan.yaml allocation.csv evaluations.csv validation.csv curves.csv \
         frontier.csv manifest.json; do
  [ -s "$T/o/$f" ] || fail "missing $f"
done
if command -v gnuplot >/dev/null 2>&1; then
  [ -s "$T/o/charts/frontier.png" ] || fail "no frontier chart"
  [ -s "$T/o/charts/response_flows.pick_retail.p.png" ] || fail "no response chart"
fi
grep -q '^kpi.customers,' "$T/o/allocation.csv" || fail "allocation lacks the KPI row"
# Every evaluated plan: shares (columns 2-5) sum to at most 1, staff
# (6-8) to at most 15, integers whole, bounds kept.
awk -F, 'NR > 1 {
  s = $2 + $3 + $4 + $5; h = $6 + $7 + $8
  if (s > 1 + 1e-9 || h > 15 || $6 != int($6) || $7 != int($7) || $8 != int($8)) bad++
  for (i = 2; i <= 5; i++) if ($i < 0.05 - 1e-12 || $i > 0.7 + 1e-12) bad++
  n++ }
  END { if (bad || n < 5) { print n, bad; exit 1 } }' "$T/o/evaluations.csv" \
  || fail "an evaluated plan breaks a constraint or too few evaluations"
"$WX" run "$T/o/plan.yaml" -r 2 --horizon 7d -q --no-charts -o "$T/r" \
  >"$T/out" 2>&1 || { cat "$T/out"; fail "run plan.yaml"; }
"$WX" optimize "$EX" -r 2 --horizon 7d --max-evals 2 -o "$T/o" -q >"$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "existing directory not refused"; }
cat >"$T/bad.yaml" <<'YAML'
optimize:
  base: missing.yaml
  objective: {maximize: customers}
  variables:
    flows.x.p: {rnage: [0, 1]}
YAML
"$WX" optimize "$T/bad.yaml" -o "$T/b" >"$T/out" 2>&1
[ $? -eq 3 ] || { cat "$T/out"; fail "bad file: exit code"; }
grep -q "bad.yaml:5:17: .*did you mean .range." "$T/out" || { cat "$T/out"; fail "bad file: message"; }
# A ratio KPI (cac: paired interval of a difference of ratios of means),
# structural integers (a schedule interval, staff accounts), enumerated.
cat >"$T/cac.yaml" <<YAML
optimize:
  base: $SRC/scenarios/quickstart.yaml
  objective: {minimize: cac}
  replications: 2
  variables:
    touchpoints.video_post.schedule.every: {range: [1d, 7d], integer: true}
    modules.sdr.accounts: {range: [1, 4], integer: true}
  curves: 0
  validate: {replications: 6}
YAML
"$WX" optimize "$T/cac.yaml" --horizon 30d --no-charts -o "$T/cac" >"$T/out" 2>&1 \
  || { cat "$T/out"; fail "optimize cac"; }
# 7 x 4 = 28 plans, every one evaluated once
[ "$(($(wc -l <"$T/cac/evaluations.csv") - 1))" -eq 28 ] || fail "cac: not enumerated"
grep -q '^kpi.cac,cac,[0-9.]*,[0-9.]*,-*[0-9.]*,-*[0-9.]*,-*[0-9.]*$' "$T/cac/allocation.csv" \
  || { cat "$T/cac/allocation.csv"; fail "cac: no gain interval"; }
# Reproducible: the same file and seed give the same bytes on 1 or 2 threads
# (at full size; smaller when WX_TEST_SCALE is below 1, as .ci/valgrind
# sets it, where the full search takes minutes).
TA="$SRC/tests/data/optimize/two_ads_opt.yaml"
size=
[ "${WX_TEST_SCALE:-1}" = 1 ] || size="--max-evals 8 -r 4"
# shellcheck disable=SC2086
"$WX" optimize "$TA" -j 1 -q --no-charts $size -o "$T/j1" || fail "two_ads -j 1"
# shellcheck disable=SC2086
"$WX" optimize "$TA" -j 2 -q --no-charts $size -o "$T/j2" || fail "two_ads -j 2"
for f in plan.yaml allocation.csv evaluations.csv validation.csv curves.csv \
         frontier.csv manifest.json; do
  cmp -s "$T/j1/$f" "$T/j2/$f" || fail "$f differs between -j 1 and -j 2"
done
"$WX" optimize --help | grep -q -- "--max-evals" || fail "--help"
echo "cli optimize: ok"
