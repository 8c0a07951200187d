#!/bin/sh
# The man page cannot drift from the program: it names every command that
# `wxflow --help` lists and every long option that `wxflow CMD --help`
# prints (and no option that it does not), every output file a run and a
# comparison write, the environment variables the program reads, and it
# renders without warnings.
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
  # And back: every option the man page gives this command exists.
  for opt in $(sed -n "/^\.SS $cmd\$/,/^\.S[SH] /p" "$T/page" \
               | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$opt\\b" "$T/cmdhelp" \
      || fail "man page: $cmd option $opt is not in wxflow $cmd --help"
  done
done
for opt in --help --version; do grep -q -- "$opt" "$T/page" || fail "$opt"; done
# Exit codes listed by --help are in EXIT STATUS.
for code in 0 1 2 3 4 5 6 130 143; do
  sed -n '/^\.SH EXIT STATUS/,/^\.SH FILES/p' "$T/page" | grep -q "$code" \
    || fail "exit code $code not documented"
done
# Output files: everything a short run and comparison write is in FILES.
Q="$SRC/scenarios/quickstart.yaml"
"$WX" run "$Q" -o "$T/r" -r 2 --horizon 7d -q >/dev/null 2>&1 || fail "run"
sed 's/^horizon: .*/horizon: 7d/' "$Q" >"$T/short.yaml"
cp "$T/short.yaml" "$T/other.yaml"
"$WX" compare "$T/short.yaml" "$T/other.yaml" -o "$T/c" -r 2 -q --no-charts \
  >"$T/out" 2>&1 || { cat "$T/out"; fail "compare"; }
sed -n '/^\.SH FILES/,/^\.SH /p' "$T/page" >"$T/files"
for f in $(ls "$T/r" "$T/c" | grep -v ':$' | sort -u); do
  grep -q -- "$f" "$T/files" || fail "man page FILES lacks $f"
done
# Environment variables the program reads.
for v in WXFLOW_DATADIR WXFLOW_MEMORY_BUDGET; do
  sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$T/page" | grep -q "$v" \
    || fail "man page ENVIRONMENT lacks $v"
done
if command -v groff >/dev/null 2>&1; then
  groff -man -ww -z -K utf8 -Tutf8 "$MAN" 2>"$T/warn" || fail "groff failed"
  [ -s "$T/warn" ] && { cat "$T/warn"; fail "man page has roff warnings"; }
fi
echo "cli manpage: ok"
