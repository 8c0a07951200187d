# payback.gp -- cumulative revenue against cumulative cost, the day the
# mean revenue first covers the mean cost marked (or a note that it does
# not within the horizon).
#
# Data (tab-separated, '#' comments), one row per sampled day:
#   time  revenue_mean  revenue_p5  revenue_p95  cost_mean
# Variables: datafile (required), out, term, title, xlabel, ylabel,
#            payback (day, or negative for none), plotdir
#   gnuplot -e "datafile='payback.tsv'; payback=41; out='p.png'" plots/payback.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day'
if (!exists("ylabel")) ylabel = 'Cumulative amount'
if (!exists("payback")) payback = -1

set title title
set xlabel xlabel
set ylabel ylabel
set key top left
set yrange [0:*]
set xrange [*:*] noextend
if (payback >= 0) {
  set arrow 1 from payback, graph 0 to payback, graph 1 nohead lc rgb '#333333' lw 2 dt 2
  set label 1 sprintf('payback: day %g', payback) at payback, graph 0.95 offset 1,0 left textcolor rgb '#111111'
} else {
  set label 1 'no payback within the horizon' at graph 0.5, graph 0.95 center textcolor rgb '#E15759'
}

plot datafile using 1:3:4 with filledcurves fc rgb deck_color(3) fs transparent solid 0.2 noborder title 'revenue, 90% range (p5–p95)', \
     '' using 1:2 with lines lc rgb deck_color(3) lw 4 title 'revenue (mean)', \
     '' using 1:5 with lines lc rgb deck_color(4) lw 4 title 'cost (mean)'
set output
