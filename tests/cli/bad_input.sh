#!/bin/sh
# Bad input and unwritable output from the command line: every scenario
# error as file:line:col, the documented exit codes, and no half-written
# file when the results cannot be written (unwritable directory, disk full).
# Usage: bad_input.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
Q="$SRC/scenarios/quickstart.yaml"

# Every error of a file at once, each as file:line:col: error: ...
cat >"$T/bad.yaml" <<'YAML'
horizn: 30d
modules:
  oa: {kind: official_acount}
  sdr: {kind: wecom}
flows:
  f: {from: oa, to: sdrr, p: 130%, delay: 3x}
YAML
for cmd in "validate" "run -o $T/badrun"; do
  expect 3 "$WX" $cmd "$T/bad.yaml"
  grep -q "^$T/bad.yaml:1:1: error: .*did you mean \`horizon\`" "$T/err" || fail "$cmd: horizn"
  grep -q "^$T/bad.yaml:3:14: error: .*did you mean \`official_account\`" "$T/err" || fail "$cmd: kind"
  grep -q "^$T/bad.yaml:6:21: error: .*did you mean \`sdr\`" "$T/err" || fail "$cmd: reference"
  grep -q "^$T/bad.yaml:6:30: error: .*between 0 and 1" "$T/err" || fail "$cmd: probability"
  grep -q "^$T/bad.yaml:6:43: error: .*expected a duration" "$T/err" || fail "$cmd: duration"
done
[ -e "$T/badrun" ] && fail "a failed run created its results directory"

# Malformed YAML, empty, not UTF-8, alias bomb: invalid scenario (3).
printf 'modules: [oa\n' >"$T/syntax.yaml"
expect 3 "$WX" validate "$T/syntax.yaml"
grep -q "^$T/syntax.yaml:2:1: error:" "$T/err" || fail "syntax error position"
: >"$T/empty.yaml"
expect 3 "$WX" validate "$T/empty.yaml"
grep -q "empty" "$T/err" || fail "empty file message"
printf 'title: caf\351\nmodules: {oa: {kind: group}}\n' >"$T/latin1.yaml"
expect 3 "$WX" validate "$T/latin1.yaml"
grep -q ":1:11: error: .*UTF-8" "$T/err" || fail "non-UTF-8 message"
cat >"$T/bomb.yaml" <<'YAML'
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
modules: {oa: {kind: group}}
YAML
expect 3 "$WX" validate "$T/bomb.yaml"
grep -q "alias bomb" "$T/err" || { cat "$T/err"; fail "alias bomb message"; }

# Unreadable scenario (4): missing, or a directory.
expect 4 "$WX" validate "$T/missing.yaml"
expect 4 "$WX" run "$T" -o "$T/r0"
grep -q "cannot read" "$T/err" || fail "unreadable message"

# A population too large for memory is refused before the run (6).
printf 'horizon: 3650d\nmodules: {oa: {kind: group}}\nsources:\n  s: {into: oa, rate: 1e15/d}\n' >"$T/huge.yaml"
expect 6 "$WX" run "$T/huge.yaml" -o "$T/huge" -q
grep -q "memory" "$T/err" || fail "too-large message"
[ -e "$T/huge" ] && fail "a refused run created its results directory"

# A results directory that cannot be created (its parent is a file) (4).
: >"$T/plain"
expect 4 "$WX" run "$Q" -o "$T/plain/sub" -r 2 -q --no-charts
grep -q "cannot create directory" "$T/err" || fail "unwritable directory message"
# An existing directory without write permission (only meaningful when not
# root, as root may write anywhere).
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$T/ro" && chmod 555 "$T/ro"
  expect 4 "$WX" run "$Q" -o "$T/ro" -r 2 -q --no-charts
  grep -q "cannot create" "$T/err" || fail "read-only directory message"
  [ -z "$(ls "$T/ro")" ] || fail "files left in a read-only directory"
fi

# Disk full, simulated with a file size limit of 100 blocks: writes fail
# with EFBIG (SIGXFSZ ignored).  The message names the file, and no
# half-written or temporary file is left.
( trap '' XFSZ; ulimit -f 100
  exec "$WX" run "$Q" -o "$T/full" -r 4 -q --no-charts ) >"$T/out" 2>"$T/err"
code=$?
[ $code -eq 4 ] || { cat "$T/err"; fail "disk full exited $code, expected 4"; }
grep -q "series.csv: error: cannot write: File too large" "$T/err" \
  || { cat "$T/err"; fail "disk full message"; }
ls "$T/full" | grep -q tmp && fail "temporary file left after disk full"
for f in series.csv manifest.json summary.json; do
  [ -e "$T/full/$f" ] && fail "$f written although the disk was full"
done
# What was written is whole: entities.csv matches a normal run's.
expect 0 "$WX" run "$Q" -o "$T/ok" -r 4 -q --no-charts
if [ -e "$T/full/entities.csv" ]; then
  cmp -s "$T/full/entities.csv" "$T/ok/entities.csv" || fail "entities.csv half-written"
fi

# A forced rerun that fails half-way leaves no manifest of the earlier run
# over its own new files (issue 12): the directory claims no complete run.
( trap '' XFSZ; ulimit -f 100
  exec "$WX" run "$Q" -o "$T/ok" -r 4 -q --no-charts --force --seed 9 ) \
  >/dev/null 2>&1
[ -e "$T/ok/manifest.json" ] && fail "a failed forced rerun left a manifest"
ls -a "$T/ok" | grep -q tmp && fail "temporary file left by the failed rerun"
# ... nor a series.csv of the earlier run (seed 7) beside the new files.
expect 0 "$WX" run "$Q" -o "$T/ok2" -r 4 -q --no-charts
if [ -e "$T/ok/series.csv" ]; then
  cmp -s "$T/ok/series.csv" "$T/ok2/series.csv" && fail "old series.csv left"
fi

echo "cli bad_input: ok"
