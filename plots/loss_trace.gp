# loss_trace.gp -- a calibration's loss at every evaluation of the point fit
# (points) and the best so far (line).
#
# Data (tab-separated, '#' comments): eval  loss  best
# Variables: datafile (required), out, term, title, xlabel, ylabel, plotdir
#   gnuplot -e "datafile='trace.tsv'; out='trace.png'" plots/loss_trace.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Evaluation'
if (!exists("ylabel")) ylabel = 'Loss (deviance)'

set title title
set xlabel xlabel
set ylabel ylabel
set key top right
stats datafile using 2 nooutput
if (STATS_min > 0) set logscale y

plot datafile using 1:2 with points pt 7 ps 0.8 lc rgb deck_color(10) title 'loss', \
     '' using 1:3 with steps lc rgb deck_color(1) lw 4 title 'best so far'
set output
