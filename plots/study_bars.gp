# study_bars.gp -- one bar per factor with its 95% interval, the largest at
# the top: a tornado (the paired change of a KPI from the base with the
# factor at its low and at its high end, on one row), Sobol indices (S1
# and ST side by side) or partial rank correlations (one series).
#
# Data (tab-separated, '#' comments), one row per factor, smallest first:
#   row(0-based)  label  v1  lo1  hi1  v2  lo2  hi2   (v2 NaN: one series)
# Variables: datafile (required), out, term, title, plotdir, xlabel,
#            nseries (1|2), series1, series2 (legend), overlap (0|1: both
#            series on one row, as in a tornado)
#   gnuplot -e "datafile='b.tsv'; out='b.png'" plots/study_bars.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = ''
if (!exists("nseries")) nseries = 1
if (!exists("overlap")) overlap = 0
if (!exists("series1")) series1 = ''
if (!exists("series2")) series2 = ''
stats datafile using 1 nooutput
nrow = STATS_records
stats datafile using (strlen(strcol(2))) nooutput
label_room = STATS_max > 20 ? (STATS_max < 50 ? STATS_max + 4 : 54) : 20
set title title
set xlabel xlabel
set key bmargin center horizontal
set bmargin 8
set grid noytics
set ytics scale 0
set yrange [-0.6:nrow-0.4]
set lmargin label_room
set format x '%h'
set yzeroaxis lt -1 lw 1
h = (nseries == 2 && !overlap) ? 0.18 : 0.3
d1 = (nseries == 2 && !overlap) ? 0.2 : 0
plot datafile using ($3/2):($1 + d1):(abs($3)/2):(h):ytic(2) with boxxyerror fs solid 0.85 noborder lc rgb deck_color(1) title series1, \
     '' using 3:($1 + d1):4:5 with xerrorbars lc rgb '#333333' lw 2 pt -1 notitle, \
     '' using (nseries == 2 ? $6/2 : NaN):($1 - d1):(abs($6)/2):(h) with boxxyerror fs solid 0.85 noborder lc rgb deck_color(2) title (nseries == 2 ? series2 : ''), \
     '' using (nseries == 2 ? $6 : NaN):($1 - d1):7:8 with xerrorbars lc rgb '#333333' lw 2 pt -1 notitle
set output
