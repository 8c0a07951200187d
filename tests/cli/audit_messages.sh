#!/bin/sh
# Issue 11 (messages and files): validate checks comparison files and run
# points at `wxflow compare`; a duplicate key hides no other error; bare
# probabilities above 1 get "did you mean 5%?"; weekdays in any case, with
# a suggestion; an unknown module with no close name lists the valid ones;
# `plot` on a run directory says nothing about comparison charts.
# Usage: audit_messages.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
has() { grep -qF -- "$1" "$T/err" || { cat "$T/err"; fail "expected '$1'"; }; }

M="$SRC/scenarios/matrices.yaml"
expect 0 "$WX" validate "$M"
grep -qF "matrices.yaml: ok (a comparison of 5 variants)" "$T/out" || fail "validate matrices"
[ -s "$T/err" ] && { cat "$T/err"; fail "validate matrices: stderr"; }
# a broken override in a comparison file is found by validate
mkdir -p "$T/cmp" && cp "$SRC"/scenarios/*.yaml "$T/cmp/"
printf 'compare:\n  base: paths.yaml\n  variants:\n    a: {flows.no_such_flow.p: 5%%}\n' >"$T/cmp/bad.yaml"
expect 3 "$WX" validate "$T/cmp/bad.yaml"
has "bad.yaml:4:"
# a duplicate key in a comparison file hides no other error either
printf 'compare:\n  base: paths.yaml\n  base: paths.yaml\n  colour: red\n' >"$T/cmp/dup.yaml"
expect 3 "$WX" validate "$T/cmp/dup.yaml"
has "dup.yaml:3:3: error: duplicate key \`base\`"
has "dup.yaml:4:3: error: unknown key \`colour\`"
expect 3 "$WX" run "$M" -o "$T/r" -q
has "is a comparison file"
has "wxflow compare"
[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "run on a comparison: one line"; }

cat >"$T/s.yaml" <<'Y'
horizon: 30d
horizon: 40d
modules:
  oa: {kind: official_account}
  shop: {kind: mini_program}
sources:
  fans: {into: oa, initial: 100}
flows:
  a: {from: oa, to: shop, p: 5, delay: exponential(1d)}
  b: {from: oa, to: zzzzqqq, p: 5%, delay: exponential(1d)}
touchpoints:
  art:
    module: oa
    schedule: {weekdays: [Fri, THURSDAY, Frday], at: "20:00"}
    reach: 1.3
Y
expect 3 "$WX" validate "$T/s.yaml"
has "s.yaml:2:1: error: duplicate key \`horizon\`"
has "got \"5\"; did you mean 5%?"
has "got \"1.3\"; did you mean 1.3%?"
has "unknown module or outcome \`zzzzqqq\` (modules and outcomes: oa, shop,"
has "unknown weekday \`Frday\`; did you mean \`friday\`?"
grep -q "weekday \`Fri\`\|weekday \`THURSDAY\`" "$T/err" && fail "weekday case"
[ "$(grep -c error "$T/err")" -eq 5 ] || { cat "$T/err"; fail "expected 5 errors"; }

expect 0 "$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/q" -r 2 -q --no-charts --horizon 20d
expect 0 "$WX" plot "$T/q"
grep -q "compare" "$T/err" && { cat "$T/err"; fail "plot on a run warns about comparison charts"; }
exit 0
