#!/bin/sh
# `run --replications FROM:TO` writes a shard and `wxflow merge` joins
# shards into results byte-identical to one run (every CSV and
# summary.json by sha256, shards given in any order); merges of
# overlapping, incomplete or foreign shards are refused with a message.
# Usage: shards.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
refused() { # refused CODE PATTERN cmd...: exits CODE, says PATTERN
  want=$1; pat=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/err"; fail "$* exited $got, expected $want"; }
  grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "$*: no \"$pat\""; }
}
sums() { (cd "$1" && sha256sum ./*.csv summary.json); }
# Priors (params.csv rows) and a short horizon to stay quick.
S="$SRC/scenarios/b2b.yaml"
run() { "$WX" run "$S" --horizon 20d -q --no-charts "$@"; }

run -o "$T/one" -r 10 -j 2 || fail "one run"
[ "$(wc -l <"$T/one/params.csv")" -gt 1 ] || fail "no parameters drawn"
run -o "$T/a" --replications 0:4 -j 1 || fail "shard 0:4"
run -o "$T/b" --replications 4:7 -j 2 || fail "shard 4:7"
run -o "$T/c" -r 7:10 || fail "shard 7:10"
grep -q '"shard_from": 4' "$T/b/manifest.json" || fail "manifest does not mark the shard"
cut -d, -f1 "$T/b/kpis.csv" | sed 1d | sort -u | tr '\n' ' ' | grep -qx '4 5 6 ' \
  || fail "shard 4:7 does not hold exactly replications 4..6"

"$WX" merge "$T/c" "$T/a" "$T/b" -o "$T/m" -q --no-charts || fail "merge"
sums "$T/one" >"$T/one.sum"
sums "$T/m" >"$T/m.sum"
[ "$(wc -l <"$T/one.sum")" -ge 8 ] || fail "too few files compared"
cmp "$T/one.sum" "$T/m.sum" || { diff "$T/one.sum" "$T/m.sum"; fail "merged results differ from one run"; }
grep -q '"status": "complete"' "$T/m/manifest.json" || fail "merged manifest"
grep -q shard "$T/m/manifest.json" && fail "the merged run is not a shard"

refused 2 "overlap" "$WX" merge "$T/a" "$T/b" "$T/b" "$T/c" -o "$T/x" -q
refused 2 "replications 4:7 are missing" "$WX" merge "$T/a" "$T/c" -o "$T/x" -q
refused 2 "replications 0:4 are missing" "$WX" merge "$T/b" "$T/c" -o "$T/x" -q
run -o "$T/s" --replications 4:7 -s 99 || fail "shard with another seed"
refused 2 "seeds differ" "$WX" merge "$T/a" "$T/s" "$T/c" -o "$T/x" -q
"$WX" run "$S" --horizon 21d -q --no-charts -o "$T/h" -r 4:7 || fail "shard, other horizon"
refused 2 "horizons differ" "$WX" merge "$T/a" "$T/h" "$T/c" -o "$T/x" -q
sed 's/^title: .*/title: another/' "$S" >"$T/other.yaml"
"$WX" run "$T/other.yaml" --horizon 20d -q --no-charts -o "$T/o" -r 4:7 || fail "other scenario"
refused 2 "scenarios differ" "$WX" merge "$T/a" "$T/o" "$T/c" -o "$T/x" -q
refused 2 "not a shard" "$WX" merge "$T/one" -o "$T/x" -q
refused 5 "not empty" "$WX" merge "$T/a" "$T/b" "$T/c" -o "$T/m" -q
"$WX" merge "$T/a" "$T/b" "$T/c" -o "$T/m" -f -q --no-charts || fail "merge --force"
refused 2 "cannot be resumed" "$WX" run --resume "$T/b" -q
refused 2 "FROM < TO" "$WX" run "$S" -r 5:5 -o "$T/x"
refused 2 "expected shard directories" "$WX" merge -o "$T/x"
[ -e "$T/x" ] && fail "a refused merge left $T/x"
"$WX" merge --help | grep -q "Usage: wxflow merge" || fail "merge --help"
echo "ok"
