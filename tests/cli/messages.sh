#!/bin/sh
# One-line messages for bad command lines: zero replications or jobs,
# unknown options, unknown chart formats (with the valid ones), and
# `wxflow plot` on a directory that holds no results (exit 4, nothing made).
# Usage: messages.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE cmd...
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; got=$?
  [ "$got" -eq "$want" ] || { cat "$T/out" "$T/err"; fail "$* exited $got, expected $want"; }
}
one_line() { # one_line TEXT: stderr is exactly one line containing TEXT
  [ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "expected one line"; }
  grep -qF -- "$1" "$T/err" || { cat "$T/err"; fail "expected '$1'"; }
}
S="$SRC/scenarios/quickstart.yaml"

expect 2 "$WX" run "$S" -r 0
one_line "--replications must be at least 1"
expect 2 "$WX" run "$S" -j 0
one_line "--jobs must be at least 1"
expect 2 "$WX" compare "$S" "$S" -r 0
one_line "--replications must be at least 1"
expect 2 "$WX" compare "$S" "$S" --jobs 0
one_line "--jobs must be at least 1"
expect 2 "$WX" run --x "$S"
one_line "wxflow run: unknown option '--x'; see 'wxflow run --help'"
expect 2 "$WX" compare "$S" --bogus
one_line "wxflow compare: unknown option '--bogus'; see 'wxflow compare --help'"
expect 2 "$WX" run "$S" -o
one_line "needs a value"

expect 2 "$WX" run "$S" --format jpg
one_line "unknown 'jpg'; choose from png, svg, pdf"
expect 2 "$WX" plot "$T" -F jpg
one_line "png, svg, pdf"

mkdir "$T/notres"
echo hello >"$T/notres/readme.txt"
expect 4 "$WX" plot "$T/notres"
one_line "$T/notres is not a wxflow results directory"
[ -e "$T/notres/charts" ] && fail "plot made charts/ in a non-results directory"
echo ok
