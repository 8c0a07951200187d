# fan.gp -- fan chart of one series: median line, 50% and 90% bands.
#
# Data (tab-separated, '#' comments): time  p5  p25  p50  p75  p95  mean
# Variables: datafile (required), out, term, title, xlabel, ylabel,
#            label (series name for the key), plotdir (dir of deck_style.gp)
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

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
set yrange [0:*]
set xrange [*:*] noextend

plot datafile using 1:2:6 with filledcurves fc rgb deck_color(color) fs transparent solid 0.16 noborder title '90% range (p5–p95)', \
     '' using 1:3:5 with filledcurves fc rgb deck_color(color) fs transparent solid 0.35 noborder title '50% range (p25–p75)', \
     '' using 1:4 with lines lc rgb deck_color(color) lw 4 title label.' (median)'
set output
