#!/bin/sh
# A chart that fails during `wxflow run` (here: a gnuplot that always
# fails) leaves the CSVs, exits 0 and says so in one warning line, with
# gnuplot's text as notes rather than errors.
# Usage: chart_failure.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$T/bin"
printf '#!/bin/sh\necho "line 1: boom" >&2\nexit 1\n' >"$T/bin/gnuplot"
chmod +x "$T/bin/gnuplot"
PATH="$T/bin:$PATH" "$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/r" -r 2 \
  --horizon 3d -q >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 0 ] || { cat "$T/err"; fail "exit $rc, expected 0"; }
[ -s "$T/r/kpi_summary.csv" ] || fail "no CSVs"
[ "$(grep -c 'warning: some charts could not be drawn' "$T/err")" -eq 1 ] \
  || { cat "$T/err"; fail "no single warning line"; }
grep -q ': error:' "$T/err" && { cat "$T/err"; fail "raw errors printed"; }
grep -q 'note:.*boom' "$T/err" || { cat "$T/err"; fail "gnuplot text not kept as a note"; }
echo ok
