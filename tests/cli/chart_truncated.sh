#!/bin/sh
# A chart cut short by a full disk (here: a gnuplot that writes half a PNG
# and exits 0, as gnuplot does after a write error) is not put in place,
# is reported, and the run exits non-zero (4, an output not written).
# Usage: chart_truncated.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$T/bin"
cat >"$T/bin/gnuplot" <<'SH'
#!/bin/sh
out=$(sed -n "s/^out = [\"']\(.*\)[\"']\$/\1/p" "$1")
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$out"
exit 0
SH
chmod +x "$T/bin/gnuplot"
PATH="$T/bin:$PATH" "$WX" run "$SRC/scenarios/quickstart.yaml" -o "$T/r" -r 2 \
  --horizon 3d -q >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 4 ] || { cat "$T/err"; fail "exit $rc, expected 4"; }
grep -q 'cut short' "$T/err" || { cat "$T/err"; fail "not reported"; }
ls "$T/r/charts" | grep -q '\.png$' && fail "a truncated chart was put in place"
ls -a "$T/r/charts" | grep -q 'tmp' && fail "temporary chart left"
[ -s "$T/r/kpi_summary.csv" ] || fail "no CSVs"
echo ok
