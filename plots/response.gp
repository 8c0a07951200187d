# response.gp -- the objective KPI as one decision variable moves over its
# range, the others at the optimum: mean line, 95% interval band, the
# optimum marked; plans that break a constraint are drawn hollow.
#
# Data (tab-separated, '#' comments): value  mean  ci_low  ci_high  feasible(0|1)
# Variables: datafile (required), out, term, title, xlabel, ylabel,
#            optimum (the optimal value of the variable; NaN: none), plotdir
#   gnuplot -e "datafile='r.tsv'; out='r.png'; optimum=3000" plots/response.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Variable'
if (!exists("ylabel")) ylabel = 'Objective'
if (!exists("optimum")) optimum = NaN

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
set xrange [*:*] noextend
if (optimum == optimum) { set arrow 1 from optimum, graph 0 to optimum, graph 1 nohead lc rgb '#E15759' lw 2 dt 2 }

plot datafile using 1:3:4 with filledcurves fc rgb deck_color(1) fs transparent solid 0.2 noborder title '95% interval', \
     '' using 1:2 with lines lc rgb deck_color(1) lw 4 title 'mean', \
     '' using 1:($5 != 0 ? $2 : NaN) with points pt 7 ps 2 lc rgb deck_color(1) title 'within the constraints', \
     '' using 1:($5 == 0 ? $2 : NaN) with points pt 6 ps 2 lw 2 lc rgb '#999999' title 'breaks a constraint', \
     NaN with lines lc rgb '#E15759' lw 2 dt 2 title 'optimum'
set output
