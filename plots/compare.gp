# compare.gp -- one metric over time, overlaid for several variants:
# median line and 50% band (p25-p75) per variant.
#
# Data (tab-separated): a header row, then rows of
#   time  p25_1 p50_1 p75_1  p25_2 p50_2 p75_2 ...
# The header of each p50 column is the variant's name (used in the key).
# Variables: datafile (required), out, term, title, xlabel, ylabel,
#            nvariants (default: (columns - 1) / 3), plotdir
#   gnuplot -e "datafile='compare.tsv'; out='cmp.png'" plots/compare.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day'
if (!exists("ylabel")) ylabel = ''
if (!exists("nvariants")) { stats datafile skip 1 using 1 nooutput; nvariants = int((STATS_columns - 1) / 3) }

set title title
set xlabel xlabel
set ylabel ylabel
# Many variants: the key beside the chart, one name a line, off the data.
if (nvariants >= 8) { set key outside right top vertical maxrows 20; set rmargin at screen 0.78 } else { set key top left }
set yrange [0:*]
set xrange [*:*] noextend

plot for [i=1:nvariants] datafile skip 1 using 1:(column(3*i-1)):(column(3*i+1))        with filledcurves fc rgb deck_color(i) fs transparent solid 0.18 noborder notitle,      for [i=1:nvariants] datafile using 1:(column(3*i)) with lines lc rgb deck_color(i) lw 4 title columnheader(3*i)
set output
