#!/bin/sh
# Every shipped scenario validates and runs (a short horizon keeps it fast);
# the four paths share one inflow block; `wxflow init` writes a template that
# validates, refuses to overwrite, and lists the templates.
# Usage: scenarios.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
is_scenario() { grep -q '^modules:' "$1"; }

n=0
for f in "$SRC"/scenarios/*.yaml; do
  is_scenario "$f" || continue
  name=$(basename "$f" .yaml)
  expect 0 "$WX" validate "$f"
  expect 0 "$WX" run "$f" --horizon 14d -r 2 --no-charts -q -o "$T/$name"
  grep -q '"horizon_days": 14,' "$T/$name/manifest.json" \
    || fail "$name: --horizon not applied"
  [ -s "$T/$name/kpi_summary.csv" ] || fail "$name: no KPIs"
  n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n scenarios found"

# Every number in a shipped scenario is cited or marked: each file says so.
for f in "$SRC"/scenarios/*.yaml; do
  [ -e "$f" ] || continue
  grep -q '(source)' "$f" && grep -q '(assumption)' "$f" \
    || fail "$f: no (source)/(assumption) marks"
done

# The four paths are compared on the same inflow: one shared block.
block() { sed -n '/^# --- shared/,/^# --- end/p' "$SRC/scenarios/$1.yaml"; }
block retail >"$T/shared"
[ -s "$T/shared" ] || fail "retail.yaml has no shared block"
for p in education ecommerce b2b; do
  block $p | cmp -s - "$T/shared" || fail "$p.yaml: shared block differs from retail.yaml"
done

# paths.yaml (the base of matrices.yaml) is generated from the four paths.
if python3 -c "import yaml" 2>/dev/null; then
  python3 "$SRC/scripts/make_paths.py" --check || fail "scenarios/paths.yaml is stale"
fi
grep -q "base: paths.yaml" "$SRC/scenarios/matrices.yaml" || fail "matrices.yaml base"
for v in retail education ecommerce b2b; do
  grep -q "^  pick_$v:" "$SRC/scenarios/paths.yaml" || fail "paths.yaml lacks pick_$v"
  grep -q "^    $v:" "$SRC/scenarios/matrices.yaml" || fail "matrices.yaml lacks variant $v"
done

# The comparison of the four paths runs (shortened by compare --horizon).
expect 0 "$WX" compare "$SRC/scenarios/matrices.yaml" --horizon 14d -r 2 \
  --no-charts -q -o "$T/m"
[ -s "$T/m/compare.csv" ] || fail "matrices: no compare.csv"
grep -q '"horizon_days": 14,' "$T/m/variants/retail/manifest.json" \
  || fail "matrices: compare --horizon not applied"
expect 2 "$WX" compare "$SRC/scenarios/matrices.yaml" --horizon 0d -q -o "$T/m0"

# --horizon is checked like any duration.
Q="$SRC/scenarios/quickstart.yaml"
expect 2 "$WX" run "$Q" --horizon 0d -q -o "$T/h"
expect 2 "$WX" run "$Q" --horizon 3dd -q -o "$T/h"
# A horizon shorter than sample_every clamps the sampling.
expect 0 "$WX" run "$Q" --horizon 12h -r 1 --no-charts -q -o "$T/h"
grep -q '"sample_every_days": 0.5' "$T/h/manifest.json" || fail "sample_every not clamped"

# wxflow init
expect 0 "$WX" init --help
expect 0 "$WX" init --list
for name in quickstart retail education ecommerce b2b; do
  grep -q "^$name " "$T/out" || fail "init --list misses $name"
done
grep -q '^matrices ' "$T/out" && fail "init --list shows a comparison file"
cd "$T" || fail "cd"
expect 0 "$WX" init
[ -s quickstart.yaml ] || fail "init wrote no quickstart.yaml"
cmp -s quickstart.yaml "$Q" || fail "init's quickstart differs from the shipped one"
expect 0 "$WX" validate quickstart.yaml
echo "# my edits" >>quickstart.yaml
expect 5 "$WX" init
grep -q "my edits" quickstart.yaml || fail "init overwrote without --force"
expect 0 "$WX" init --force
grep -q "my edits" quickstart.yaml && fail "init --force did not overwrite"
expect 0 "$WX" init b2b -o my.yaml
expect 0 "$WX" validate my.yaml
expect 2 "$WX" init no_such_template
expect 2 "$WX" init ../etc/passwd
expect 2 "$WX" init retail b2b
ls | grep -q tmp && fail "temporary file left behind"
echo "cli scenarios: ok"
