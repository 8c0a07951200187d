#!/bin/sh
# The man page cannot drift from the program: it names every command that
# `wxflow --help` lists and every long option that `wxflow CMD --help`
# prints, and it renders without warnings.
# Usage: manpage.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
MAN="$SRC/docs/wxflow.1"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -s "$MAN" ] || fail "no docs/wxflow.1"
# The page's text without roff escapes: \- is -, \fB...\fP are fonts.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" >"$T/page"

"$WX" --help >"$T/help" || fail "wxflow --help"
sed -n '/^Commands:/,/^$/p' "$T/help" | awk 'NR > 1 && NF {print $1}' >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 4 ] || fail "too few commands in --help"
for cmd in $(cat "$T/cmds"); do
  grep -q "^\.B wxflow $cmd" "$T/page" || fail "man page SYNOPSIS lacks $cmd"
  grep -q "^\.BI* \"*$cmd " "$T/page" || fail "man page COMMANDS lacks $cmd"
  grep -q "^\.SS $cmd\$" "$T/page" || fail "man page OPTIONS lacks a $cmd section"
  "$WX" "$cmd" --help >"$T/cmdhelp" || fail "wxflow $cmd --help"
  for opt in $(grep -o -- '--[a-z][a-z-]*' "$T/cmdhelp" | sort -u); do
    # The option must be documented in that command's OPTIONS section.
    sed -n "/^\.SS $cmd\$/,/^\.S[SH] /p" "$T/page" | grep -q -- "$opt\\b" \
      || [ "$opt" = "--help" ] || fail "man page: $cmd option $opt not documented"
  done
done
for opt in --help --version; do grep -q -- "$opt" "$T/page" || fail "$opt"; done
# Exit codes listed by --help are in EXIT STATUS.
for code in 0 1 2 3 4 5 6 130 143; do
  sed -n '/^\.SH EXIT STATUS/,/^\.SH FILES/p' "$T/page" | grep -q "$code" \
    || fail "exit code $code not documented"
done
if command -v groff >/dev/null 2>&1; then
  groff -man -ww -z -K utf8 -Tutf8 "$MAN" 2>"$T/warn" || fail "groff failed"
  [ -s "$T/warn" ] && { cat "$T/warn"; fail "man page has roff warnings"; }
fi
echo "cli manpage: ok"
