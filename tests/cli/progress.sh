#!/bin/sh
# Progress goes to stderr only when it is a terminal, and never with -q.
# Usage: progress.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v script >/dev/null || { echo "script(1) missing: skipped"; exit 0; }
Q="$SRC/scenarios/quickstart.yaml"
# Under a pseudo-terminal (script(1)), a bar with an ETA is drawn.
script -qec "'$WX' run '$Q' -o '$T/a' -r 6 -j 1 --no-charts" "$T/tty.log" >/dev/null 2>&1 \
  || fail "run under a terminal failed"
grep -q "ETA" "$T/tty.log" || fail "no progress bar on a terminal"
grep -q "6/6 replications" "$T/tty.log" || fail "progress did not reach 6/6"
# --quiet: nothing but the exit status, even on a terminal.
script -qec "'$WX' run '$Q' -o '$T/b' -r 6 -j 1 --no-charts -q" "$T/quiet.log" >/dev/null 2>&1 \
  || fail "quiet run failed"
grep -q "ETA" "$T/quiet.log" && fail "progress drawn despite --quiet"
# Not a terminal: stderr stays empty.
"$WX" run "$Q" -o "$T/c" -r 6 --no-charts >/dev/null 2>"$T/err" || fail "run failed"
[ -s "$T/err" ] && fail "stderr not empty when not a terminal"
echo "cli progress: ok"
