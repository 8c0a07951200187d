#!/bin/sh
# Golden output: the SHA-256 of quickstart's series.csv at seed 1 with 2
# replications, whatever the thread count.  This locks the whole model
# (loader, streams, engine, writers) byte for byte.  Change GOLDEN only
# deliberately, in a commit that says which change of the outputs is
# intended and why; a change nobody meant is a regression.
# Usage: golden.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v sha256sum >/dev/null 2>&1 || { echo "SKIP: no sha256sum"; exit 0; }
GOLDEN=33911c2361298be5d3ed6c56d97fb94aa452b07ed9e764fe6cf881e02c25c7ec
for j in 1 4; do
  "$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/j$j" --seed 1 -r 2 -j $j \
    -q --no-charts >"$T/out" 2>&1 || { cat "$T/out"; fail "run -j $j"; }
  got=$(sha256sum "$T/j$j/series.csv" | cut -d' ' -f1)
  [ "$got" = "$GOLDEN" ] || fail "series.csv with -j $j has SHA-256 $got, expected $GOLDEN"
done
exit 0
