# frontier.gp -- the efficient frontier: the best objective found at each
# bound of a constraint (e.g. the total budget), re-optimised at each.
#
# Data (tab-separated, '#' comments): bound  mean  ci_low  ci_high
# Variables: datafile (required), out, term, title, xlabel, ylabel, plotdir
#   gnuplot -e "datafile='f.tsv'; out='f.png'" plots/frontier.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Constraint bound'
if (!exists("ylabel")) ylabel = 'Objective'

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05

plot datafile using 1:2:3:4 with yerrorbars lc rgb deck_color(1) lw 2 pt 7 ps 2 title 'optimum (95% interval)', \
     '' using 1:2 with lines lc rgb deck_color(1) lw 3 notitle
set output
