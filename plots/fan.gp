# fan.gp -- fan chart of one series: median line, 50% and 90% bands.
#
# Data (tab-separated, '#' comments): time  p5  p25  p50  p75  p95  mean
# Variables: datafile (required), out, term, title, xlabel, ylabel,
#            label (series name for the key), plotdir (dir of deck_style.gp),
#            nlines, linefile, line_labels, line_y, line_target (arrays):
#              caps and targets as lines, one block of `day  value` steps
#              per line in linefile, labelled at line_y on the right,
#            nnotes, notes (array): lines too far above the fan to draw
#   gnuplot -e "datafile='fan.tsv'; out='fan.png'; label='公众号'" plots/fan.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day'
if (!exists("ylabel")) ylabel = 'Members'
if (!exists("label")) label = 'Median'
if (!exists("color")) color = 1
if (!exists("nlines")) nlines = 0
if (!exists("nnotes")) nnotes = 0

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
if (nlines > 0) set key opaque
set yrange [0:*]
set xrange [*:*] noextend
line_color(i) = line_target[i] ? '#2E7D32' : '#C0392B'
do for [i=1:nlines] {
  set label 100+i line_labels[i] at graph 0.99, first line_y[i] right offset 0,0.8 textcolor rgb line_color(i) front
}
do for [i=1:nnotes] {
  set label 200+i notes[i] at graph 0.99, graph 0.98-0.05*(i-1) right textcolor rgb '#C0392B' front
}

# An empty `for` still reads its file (and warns): two plots.
if (nlines > 0) {
  plot datafile using 1:2:6 with filledcurves fc rgb deck_color(color) fs transparent solid 0.16 noborder title '90% range (p5–p95)', \
       '' using 1:3:5 with filledcurves fc rgb deck_color(color) fs transparent solid 0.35 noborder title '50% range (p25–p75)', \
       '' using 1:4 with lines lc rgb deck_color(color) lw 4 title label.' (median)', \
       for [i=1:nlines] linefile index (i-1) using 1:2 with steps lc rgb line_color(i) lw 3 dt 2+line_target[i] notitle
} else {
  plot datafile using 1:2:6 with filledcurves fc rgb deck_color(color) fs transparent solid 0.16 noborder title '90% range (p5–p95)', \
       '' using 1:3:5 with filledcurves fc rgb deck_color(color) fs transparent solid 0.35 noborder title '50% range (p25–p75)', \
       '' using 1:4 with lines lc rgb deck_color(color) lw 4 title label.' (median)'
}
set output
