# deck_style.gp -- the shared look of every wxflow chart (16:9 slides).
# Loaded by each chart template; edit here to restyle all charts at once.
#
# Inputs (gnuplot variables, all optional):
#   term      'png' (default) | 'svg' | 'pdf' | 'unknown' (syntax check only)
#   out       output file name; when unset, output goes to stdout
#   font      font family (default "Noto Sans CJK SC", so CJK labels render)
#   fontscale multiplies every font size (default 1)
if (!exists("term")) term = 'png'
if (!exists("font")) font = 'Noto Sans CJK SC'
if (!exists("fontscale")) fontscale = 1.0

set encoding utf8
# Labels are user text: no enhanced-text markup, so "new_users" stays as is.
if (term eq 'png') {
  set terminal pngcairo size 1920,1080 noenhanced font sprintf("%s,%g", font, 22*fontscale) background rgb '#ffffff' linewidth 1.5
} else {
  if (term eq 'svg') {
    set terminal svg size 1920,1080 fixed noenhanced font sprintf("%s,%g", font, 24*fontscale) background rgb '#ffffff' linewidth 1.5
  } else {
    if (term eq 'pdf') {
      set terminal pdfcairo size 16in,9in noenhanced font sprintf("%s,%g", font, 18*fontscale) background rgb '#ffffff' linewidth 2
    } else {
      set terminal unknown
    }
  }
}
if (exists("out") && term ne 'unknown') set output out

# A qualitative palette that survives projectors and greyscale printing.
array deck_colors[10] = ['#4E79A7', '#F28E2B', '#59A14F', '#E15759', '#76B7B2', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#BAB0AC']
do for [i=1:10] {
  set linetype i lc rgb deck_colors[i] lw 3 pt 7 ps 1.4 dt solid
}
set linetype cycle 10
deck_color(i) = deck_colors[(int(i) - 1) % 10 + 1]

set border 3 lc rgb '#666666' lw 1
set tics nomirror out scale 0.6 textcolor rgb '#333333'
set grid ytics lc rgb '#e3e3e3' lw 1 dt solid
set grid xtics lc rgb '#eeeeee' lw 1 dt solid
set key noopaque nobox textcolor rgb '#222222' spacing 1.3 samplen 2.5
set title font sprintf(",%g", 30*fontscale) textcolor rgb '#111111'
set xlabel textcolor rgb '#333333'
set ylabel textcolor rgb '#333333'
set format y '%.10g'
set style fill solid 0.85 noborder
set datafile separator "\t"
set datafile commentschars '#'
set lmargin 14
set rmargin 6
set tmargin 5
set bmargin 5
