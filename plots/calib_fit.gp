# calib_fit.gp -- a calibration's fit: observed daily counts (points) over
# the predicted median and 90% band (parameters from the bootstrap refits,
# one replication each); held-out days right of a dashed line.
#
# Data (tab-separated, '#' comments):
#   day  p5  p50  p95  observed_fit  observed_holdout   (NaN: none)
# Variables: datafile (required), out, term, title, xlabel, ylabel, label,
#            split (day where the held-out part starts), plotdir
#   gnuplot -e "datafile='fit.tsv'; out='fit.png'" plots/calib_fit.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day'
if (!exists("ylabel")) ylabel = 'Daily count'
if (!exists("label")) label = 'observed'

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
set yrange [0:*]
set xrange [*:*] noextend
if (exists("split")) set arrow from split, graph 0 to split, graph 1 nohead dt 2 lw 2 lc rgb '#555555'
if (exists("split")) set label 'held out' at split, graph 0.95 offset 1,0 tc rgb '#555555'

plot datafile using 1:2:4 with filledcurves fc rgb deck_color(1) fs transparent solid 0.2 noborder title 'model: 90% band', \
     '' using 1:3 with lines lc rgb deck_color(1) lw 4 title 'model: median', \
     '' using 1:5 with points pt 7 ps 1.2 lc rgb deck_color(2) title label.' (fitted)', \
     '' using 1:6 with points pt 6 ps 1.4 lc rgb deck_color(4) title label.' (held out)'
set output
