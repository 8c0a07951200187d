#!/bin/sh
# `wxflow compare` end to end: a comparison file, the Markdown table on
# stdout, compare.csv/compare.md, variant directories, charts at 1920x1080,
# errors with positions, several scenario files, and `wxflow plot` on a
# comparison directory.
# Usage: compare_basics.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
png_size() { # width x height of a PNG, from its IHDR chunk
  od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}'
}
cp "$SRC/scenarios/quickstart.yaml" "$T/base.yaml"
cat >"$T/cmp.yaml" <<'YAML'
compare:
  title: 路径对比
  base: base.yaml
  replications: 6
  seed: 7
  kpis: [outcome.purchase, members_end.sdr]
  variants:
    no_group:
      modules.group.enabled: false
    double_cta:
      flows.oa_to_sdr.p: 8%
YAML

expect 0 "$WX" compare --help
expect 2 "$WX" compare
expect 0 "$WX" compare "$T/cmp.yaml" -o "$T/c" -j 2
head -1 "$T/out" | grep -q "^| KPI | base | no_group | Δ no_group vs base |" \
  || fail "no Markdown table header on stdout"
grep -q "^| outcome.purchase" "$T/out" || fail "no outcome.purchase row"
grep -q "members_peak" "$T/out" && fail "kpis: filter ignored"
for f in compare.csv compare.md manifest.json variants/base/kpis.csv \
         variants/no_group/manifest.json variants/double_cta/series_stats.csv; do
  [ -s "$T/c/$f" ] || fail "missing $f"
done
head -1 "$T/c/compare.csv" | grep -q \
  "^kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,significant" \
  || fail "compare.csv header"
grep -q "^outcome.purchase,double_cta,.*,true,6," "$T/c/compare.csv" \
  || fail "doubling the CTA is not a significant gain"
for png in kpi_bars compare_purchase_count; do
  f="$T/c/charts/$png.png"
  [ -s "$f" ] || fail "missing chart $png"
  [ "$(png_size "$f")" = "1920x1080" ] || fail "$png is $(png_size "$f")"
done
[ -s "$T/c/variants/base/charts/fan_oa.png" ] || fail "no variant charts"

# Same seed: the same table, whatever the thread count.
expect 0 "$WX" compare "$T/cmp.yaml" -o "$T/d" -j 1 -q --no-charts
cmp -s "$T/c/compare.csv" "$T/d/compare.csv" || fail "compare.csv depends on -j"
[ -d "$T/d/charts" ] && fail "--no-charts drew charts"
expect 5 "$WX" compare "$T/cmp.yaml" -o "$T/d" -q

# `wxflow plot` re-draws a comparison directory and its variants.
rm -rf "$T/c/charts" "$T/c/variants/base/charts"
expect 0 "$WX" plot "$T/c"
[ -s "$T/c/charts/kpi_bars.png" ] || fail "plot did not redraw kpi_bars"
[ -s "$T/c/variants/base/charts/fan_oa.png" ] || fail "plot skipped variants"

# An override that names nothing: an error at its line and column.
sed 's/flows.oa_to_sdr.p: 8%/flows.oa_to_sdrr.p: 8%/' "$T/cmp.yaml" >"$T/bad.yaml"
expect 3 "$WX" compare "$T/bad.yaml" -o "$T/e" -q
grep -q "bad.yaml:11:7: error: .*oa_to_sdrr" "$T/err" || { cat "$T/err"; fail "override error position"; }

# Several scenario files: the first is the base, names are file stems.
sed 's/p: 4%/p: 6%/' "$T/base.yaml" >"$T/more_cta.yaml"
expect 0 "$WX" compare "$T/base.yaml" "$T/more_cta.yaml" -o "$T/f" -r 3 -q --no-charts
grep -q "^outcome.purchase,more_cta," "$T/f/compare.csv" || fail "file variants"
echo "cli compare_basics: ok"
