#!/bin/sh
# -DWX_MPI=ON: `wxflow run` and `compare` under mpirun give CSVs and
# summaries byte-identical to one process at -j 1, with 1, 2 and 3 ranks
# and 1 or 2 threads each, fresh and resumed.
# Usage: identical.sh WXFLOW SOURCE_DIR MPIEXEC
set -u
WX=$1; SRC=$2; MPIRUN=$3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mpi() { # mpi RANKS wxflow-args...
  n=$1; shift
  timeout 60 "$MPIRUN" --oversubscribe --allow-run-as-root -np "$n" "$WX" "$@"
}
same() { # same REF DIR: every CSV and summary.json of REF equal in DIR
  for f in "$1"/*.csv "$1"/summary.json; do
    cmp -s "$f" "$2/${f##*/}" || fail "$2: ${f##*/} differs from $1"
  done
}
S="$SRC/scenarios/quickstart.yaml"

"$WX" run "$S" -o "$T/ref" -r 7 -j 1 -q --no-charts || fail "reference run"
for n in 1 2 3; do
  for j in 1 2; do
    mpi $n run "$S" -o "$T/r$n-$j" -r 7 -j $j -q --no-charts \
      || fail "$n ranks, $j threads: exit $?"
    same "$T/ref" "$T/r$n-$j"
  done
done
# More ranks than replications: the idle ranks only take part.
mpi 3 run "$S" -o "$T/few" -r 2 -j 1 -q --no-charts || fail "3 ranks, 2 reps"
"$WX" run "$S" -o "$T/few1" -r 2 -j 1 -q --no-charts || fail "2 reps"
same "$T/few1" "$T/few"

# Only rank 0 prints: one summary table, one "results in" line.
mpi 3 run "$S" -o "$T/out" -r 3 -j 1 --no-charts >"$T/stdout" 2>&1 \
  || fail "printing run"
[ "$(grep -c '^results in' "$T/stdout")" -eq 1 ] || { cat "$T/stdout"; fail "output printed by more than one rank"; }

# A refused run ends every rank with one process's exit code and message.
mpi 2 run "$S" -o "$T/big" -r 4 --memory-budget 100000 -q --no-charts \
  2>"$T/err"; code=$?
[ "$code" -eq 6 ] || { cat "$T/err"; fail "refused run under 2 ranks: exit $code, expected 6"; }
grep -q "over the memory budget" "$T/err" || fail "refused run: no message"
[ -e "$T/big" ] && fail "refused run left $T/big"

# A resumed run (the manifest made partial by hand after 3 of 7) under 3
# ranks equals the reference.
"$WX" run "$S" -o "$T/part" -r 3 -j 1 -q --no-charts || fail "partial run"
sed -e 's/"status": "complete"/"status": "partial"/' \
    -e 's/"replications_requested": 3/"replications_requested": 7/' \
    "$T/part/manifest.json" >"$T/m" && mv "$T/m" "$T/part/manifest.json"
mpi 3 run --resume "$T/part" -j 2 -q --no-charts || fail "resume under 3 ranks"
same "$T/ref" "$T/part"

# Shards under 2 ranks, merged under 3 (merge runs on rank 0 alone).
mpi 2 run "$S" -o "$T/s1" -r 0:3 -j 1 -q --no-charts || fail "shard 0:3"
mpi 2 run "$S" -o "$T/s2" -r 3:7 -j 2 -q --no-charts || fail "shard 3:7"
mpi 3 merge "$T/s2" "$T/s1" -o "$T/merged" -q --no-charts || fail "merge"
same "$T/ref" "$T/merged"

# compare: every variant's files and compare.csv as in one process.
cp "$S" "$T/base.yaml"
cat >"$T/cmp.yaml" <<'YAML'
compare:
  base: base.yaml
  replications: 5
  seed: 7
  variants:
    double_cta:
      flows.oa_to_sdr.p: 8%
YAML
"$WX" compare "$T/cmp.yaml" -o "$T/c1" -j 1 -q --no-charts || fail "compare"
mpi 2 compare "$T/cmp.yaml" -o "$T/c2" -j 2 -q --no-charts \
  || fail "compare under 2 ranks"
cmp -s "$T/c1/compare.csv" "$T/c2/compare.csv" || fail "compare.csv differs"
for v in base double_cta; do
  same "$T/c1/variants/$v" "$T/c2/variants/$v"
done
echo "ok"
