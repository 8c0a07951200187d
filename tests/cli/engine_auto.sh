#!/bin/sh
# `engine: auto` and `--engine auto`: the cohort engine for a large Markov
# model, the agent engine for a small one, for fitted (non-Erlang) delays
# and for what the cohort engine refuses; the manifest records the choice.
# Usage: engine_auto.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
model() { # model FILE RATE DELAY [ENGINE]
  {
    printf 'wxflow: 1\nhorizon: 10d\nsample_every: 1d\nreplications: 2\n'
    [ -n "${4:-}" ] && printf 'engine: %s\n' "$4"
    printf 'modules:\n  oa: {kind: official_account}\n'
    printf '  shop: {kind: mini_program}\n'
    printf 'outcomes:\n  buy: {value: 100}\n'
    printf 'sources:\n  content: {into: oa, rate: %s/d}\n' "$2"
    printf 'flows:\n  go: {from: oa, to: shop, p: 20%%, delay: "%s"}\n' "$3"
    printf '  pay: {from: shop, to: buy, p: 50%%, delay: exponential(1d)}\n'
  } >"$1"
}
chose() { # chose DIR ENGINE
  grep -q "\"engine\": \"$2\"" "$1/manifest.json" ||
    { grep engine "$1/manifest.json"; fail "$1: engine is not $2"; }
  grep -q '"engine_requested": "auto"' "$1/manifest.json" ||
    fail "$1: the manifest does not say auto chose"
}
model "$T/big.yaml" 1e6 "gamma(shape=2, mean=3d)" auto
model "$T/small.yaml" 100 "gamma(shape=2, mean=3d)" auto
model "$T/fitted.yaml" 2e4 "uniform(1d, 3d)" # 2e5 arrivals: over the threshold
"$WX" run "$T/big.yaml" -o "$T/big" -q || fail "big run"
chose "$T/big" cohort
grep -q ',total,all,revenue,' "$T/big/series.csv" || fail "no revenue series"
"$WX" run "$T/small.yaml" -o "$T/small" -q || fail "small run"
chose "$T/small" agent
"$WX" run "$T/fitted.yaml" --engine auto -o "$T/fitted" -q || fail "fitted"
chose "$T/fitted" agent
"$WX" run "$SRC/scenarios/baby_vote.yaml" --engine auto -r 1 --horizon 5d \
  -o "$T/refused" -q || fail "a refused scenario under auto"
chose "$T/refused" agent
# an explicit engine is recorded as it is, without engine_requested
"$WX" run "$T/fitted.yaml" --engine cohort -o "$T/direct" -q || fail "direct"
grep -q '"engine": "cohort"' "$T/direct/manifest.json" || fail "direct engine"
grep -q engine_requested "$T/direct/manifest.json" && fail "direct: requested"
"$WX" run "$T/fitted.yaml" --engine nonesuch -o "$T/x" -q 2>"$T/err"
grep -q "auto (cohort where" "$T/err" || fail "the engine list lacks auto"
exit 0
