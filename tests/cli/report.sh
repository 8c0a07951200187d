#!/bin/sh
# `wxflow report` in a real browser: headless Chromium loads report.html
# with no console error, its DOM has the KPI table and one <svg> per chart,
# a screenshot is drawn; deck.pdf has the expected 16:9 pages (rendered by
# pdftoppm) with every font embedded.  A scenario whose title and labels
# carry HTML and gnuplot commands shows them as text and runs none.
# Skips (77) when chromium or poppler-utils are missing; CI has them
# (scripts/install-deps.sh --ci).
# Usage: report.sh WXFLOW SOURCE_DIR
set -u
WX=$1; SRC=$2
for p in chromium pdftoppm pdfinfo pdffonts pdftotext pdfunite gnuplot; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not installed"; exit 77; }
done
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
MARK="$T/pwned"

# The browser's profile and crash files stay in $T.
browse() { # browse HTML OUT_PREFIX
  HOME="$T" timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --user-data-dir="$T/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --window-size=1280,1600 "$@" 2>>"$T/console"
}
console_clean() {
  if grep -E 'Uncaught|:CONSOLE|Refused to|Content Security Policy' "$T/console"; then
    fail "console errors in the browser (above)"
  fi
}

check_report() { # check_report DIR
  d=$1
  [ -s "$d/report.html" ] || fail "no $d/report.html"
  [ -s "$d/deck.pdf" ] || fail "no $d/deck.pdf"
  ls -a "$d" | grep -q '^\.wx' && fail "temporary files left in $d"
  grep -qi '<script' "$d/report.html" && fail "report.html has a script"
  grep -Eqi 'https?://[^"]*\.(js|css)|<link|src="http' "$d/report.html" &&
    fail "report.html loads something from the network"
  : >"$T/console"
  browse --dump-dom "file://$d/report.html" >"$T/dom.html" ||
    fail "chromium --dump-dom failed"
  browse --screenshot="$d/shot.png" "file://$d/report.html" >/dev/null ||
    fail "chromium --screenshot failed"
  console_clean
  [ "$(od -An -c -j1 -N3 "$d/shot.png" | tr -d ' ')" = PNG ] || fail "no screenshot"
  [ "$(wc -c <"$d/shot.png")" -gt 20000 ] || fail "screenshot looks blank"
  grep -q '<table class="kpis">' "$T/dom.html" || fail "no KPI table in the DOM"
  grep -Eq '<td class="n">[0-9]{1,3}(,[0-9]{3})+</td>' "$T/dom.html" ||
    fail "no thousands separators in the tables"
  grep -qi '<script' "$T/dom.html" && fail "a script element in the DOM"
  grep -Eiq '<[a-z][^>]* on[a-z]+=' "$T/dom.html" && fail "an on* handler in the DOM"
  charts=$(ls "$d/charts/"*.svg | wc -l)
  [ "$charts" -ge 5 ] || fail "only $charts SVG charts drawn"
  svgs=$(grep -o '<svg' "$T/dom.html" | wc -l)
  [ "$svgs" -eq "$charts" ] || fail "$svgs <svg> in the DOM, $charts charts"
}

check_deck() { # check_deck DIR
  d=$1
  kpis=$(($(wc -l <"$d/kpi_summary.csv") - 1))
  pdfs=$(ls "$d/charts/"*.pdf | wc -l)
  want=$((1 + (kpis + 13) / 14 + pdfs))
  pages=$(pdfinfo "$d/deck.pdf" | awk '/^Pages:/ {print $2}')
  [ "$pages" = "$want" ] || fail "deck has $pages pages, expected $want"
  pdftoppm -r 10 -png "$d/deck.pdf" "$T/page" || fail "pdftoppm failed"
  [ "$(ls "$T"/page-*.png | wc -l)" -eq "$want" ] || fail "pdftoppm page count"
  pdfinfo -f 1 -l "$pages" "$d/deck.pdf" | awk '/^Page.*size:/ {
      n++; if ($4 * 9 - $6 * 16 > 1 || $6 * 16 - $4 * 9 > 1) bad++ }
      END { exit (n == '"$pages"' && !bad) ? 0 : 1 }' ||
    fail "a page is not 16:9"
  pdffonts "$d/deck.pdf" | awk 'NR > 2 && $(NF-4) != "yes" { bad++ }
      NR > 2 { n++ } END { exit (n > 0 && !bad) ? 0 : 1 }' ||
    { pdffonts "$d/deck.pdf"; fail "fonts not embedded"; }
  pdffonts "$d/deck.pdf" | grep -q CJK || fail "no CJK font in the deck"
}

"$WX" init -o "$T/qs.yaml" >/dev/null || fail "init"
"$WX" run "$T/qs.yaml" -o "$T/qs" -r 3 -q --no-charts --report >"$T/out" ||
  { cat "$T/out"; fail "run --report exit $?"; }
grep -q 'report.html' "$T/out" || fail "run --report printed nothing"
check_report "$T/qs"
grep -q '快速入门' "$T/dom.html" || fail "the Chinese title is not on the page"
check_deck "$T/qs"

# Hostile text: HTML in the title and labels, gnuplot commands in quotes,
# backquotes and macros.  Nothing may run, and the text shows as text.
sed -e "s|^title: .*|title: '<script>alert(1)</script> \"; system(\"touch $MARK.1\") \`touch $MARK.2\` @term'|" \
    -e "s|label: 企业微信 SDR|label: '<img src=x onerror=alert(2)>'' ; system(\"touch $MARK.3\")'|" \
    -e "s|label: 进社群 joined the group|label: '</text><script>alert(3)</script>'|" \
    "$T/qs.yaml" >"$T/evil.yaml"
grep -q 'alert(3)' "$T/evil.yaml" || fail "hostile scenario not made"
"$WX" run "$T/evil.yaml" -o "$T/evil" -r 2 -q --no-charts || fail "run evil"
"$WX" report "$T/evil" >"$T/out" 2>&1 || { cat "$T/out"; fail "report evil"; }
ls "$MARK".* 2>/dev/null && fail "a label ran a command"
check_report "$T/evil"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/dom.html" ||
  fail "the hostile title is not shown as text"
grep -q 'alert(2)' "$T/evil/charts/stacked_members.svg" ||
  fail "the hostile label is not in the charts"
check_deck "$T/evil"
pdftotext -f 1 -l 1 "$T/evil/deck.pdf" - | grep -qF '`touch' ||
  fail "the hostile title is not on the title slide as text"

# A comparison: its table and variants on the page, and a deck.
sed 's/friend_cap: 140/friend_cap: 200/' "$T/qs.yaml" >"$T/more_sdr.yaml"
"$WX" compare "$T/qs.yaml" "$T/more_sdr.yaml" -o "$T/cmp" -r 2 --horizon 14d \
  -q --no-charts --report >"$T/out" || { cat "$T/out"; fail "compare --report"; }
grep -q '<table class="comparison">' "$T/cmp/report.html" || fail "no comparison table"
grep -q '<td>more_sdr</td><td>[^<]*more_sdr.yaml</td><td>fnv1a64:' "$T/cmp/report.html" ||
  fail "variants not listed with their scenario hash"
[ "$(pdfinfo "$T/cmp/deck.pdf" | awk '/^Pages:/ {print $2}')" -ge 3 ] || fail "comparison deck"

# Not a results directory: a clear message, exit 4, nothing written.
mkdir "$T/empty"
"$WX" report "$T/empty" 2>"$T/err"; rc=$?
[ "$rc" -eq 4 ] || fail "exit $rc for an empty directory, expected 4"
grep -q 'not a wxflow results directory' "$T/err" || fail "no message"
[ -z "$(ls -A "$T/empty")" ] || fail "wrote into a non-results directory"
echo ok
