#!/bin/sh
# docs/tutorial.md cannot silently rot: every block marked `<!-- test -->`
# in it runs, in order, in a temporary directory, and every command exits
# 0 (the block's last command exits N when marked `<!-- test exit=N -->`).  In ```console blocks
# the commands are the lines starting with `$ `; in ```sh blocks every
# line.  `<!-- test file=NAME -->` writes the block to NAME instead.  `wxflow`
# is the built program; run, compare, sweep and sensitivity use 2
# replications and draw no charts to stay fast (the tutorial's `wxflow plot`
# draws the deck's), and calibrate also 2 refits of at most 20 evaluations.
# Usage: tutorial.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
TUT="$SRC/docs/tutorial.md"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -s "$TUT" ] || fail "no docs/tutorial.md"
# The tutorial's commands run from a clone: scenarios/ is there.
ln -s "$SRC/scenarios" "$T/scenarios"

# Turn the marked blocks into one script: lines "CMD<TAB>exit<TAB>command"
# and "FILE<TAB>name<TAB>line" (without the indentation of the fence).
awk '
  /^ *<!-- test( exit=[0-9]+| file=[^ ]+)? -->$/ {
    mark = 1; code = 0; file = ""
    if (match($0, /exit=[0-9]+/)) code = substr($0, RSTART + 5, RLENGTH - 5)
    if (match($0, /file=[^ ]+/)) file = substr($0, RSTART + 5, RLENGTH - 5)
    next
  }
  mark == 1 && /^ *```/ {
    mark = 2; kind = $0; sub(/^ *```/, "", kind)
    match($0, /^ */); indent = RLENGTH; next
  }
  mark == 1 { mark = 0; next }
  mark == 2 && /^ *```/ {
    for (i = 1; i <= nc; i++) printf "CMD\t%s\t%s\n", (i == nc ? code : 0), cmd[i]
    mark = 0; nc = 0; n++; next
  }
  mark == 2 {
    line = substr($0, indent + 1)
    if (file != "") { printf "FILE\t%s\t%s\n", file, line; next }
    if (kind == "console") {
      if (line !~ /^\$ /) next
      line = substr(line, 3)
    } else if (line ~ /^ *(#|$)/) next
    cmd[++nc] = line
  }
  END { if (n < 5) exit 1 }
' "$TUT" >"$T/steps" || fail "fewer than 5 marked blocks in docs/tutorial.md"

wxflow() {
  case ${1-} in
    run|compare|sweep|sensitivity) "$WX" "$@" -r 2 --no-charts ;;
    calibrate) "$WX" "$@" -r 2 -b 2 --max-evals 20 --no-charts ;;
    # The deck needs pdfunite (poppler-utils, in install-deps' CI list).
    report) command -v pdfunite >/dev/null 2>&1 || set -- "$@" --no-deck
            "$WX" "$@" ;;
    *) "$WX" "$@" ;;
  esac
}
cd "$T" || fail "cd"
ncmd=0
tab=$(printf '\t')
while IFS="$tab" read -r what arg line; do
  if [ "$what" = FILE ]; then
    printf '%s\n' "$line" >>"$arg"
    continue
  fi
  ncmd=$((ncmd + 1))
  eval "$line" >"$T/out" 2>"$T/err" </dev/null
  got=$?
  [ "$got" -eq "$arg" ] || {
    cat "$T/out" "$T/err"; fail "tutorial: \`$line\` exited $got, expected $arg"; }
done <"$T/steps"
[ "$ncmd" -ge 15 ] || fail "only $ncmd tutorial commands ran"
# The tutorial's goal: a comparison chart for the deck.
if command -v gnuplot >/dev/null 2>&1; then
  for f in kpi_bars.svg kpi_bars.pdf compare_r_purchase_count.pdf; do
    [ -s "results/matrices/charts/$f" ] || fail "tutorial chart $f missing"
  done
fi
echo "cli tutorial: ok ($ncmd commands)"
