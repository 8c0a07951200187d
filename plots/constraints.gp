# constraints.gp -- when each cap or quota first bound: a marker on that day,
# a bar for the rest of the horizon, annotated with the refused count.
#
# Data (tab-separated, '#' comments), one row per constraint:
#   index(0-based)  label  bound(0|1)  first_bind_day  refused
# Variables: datafile (required), out, term, title, xlabel, xmax (horizon, days),
#            plotdir
#   gnuplot -e "datafile='constraints.tsv'; xmax=90; out='c.png'" plots/constraints.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day the constraint first bound'
stats datafile using 1 nooutput
nrow = STATS_records
# Room for the longest label (bytes: CJK text counts 3 per character, close
# enough to its double width); before any range is set, which stats obeys.
stats datafile using (strlen(strcol(2))) nooutput
label_room = STATS_max > 20 ? (STATS_max < 66 ? STATS_max + 4 : 70) : 20
if (!exists("xmax")) { stats datafile using 4 nooutput; xmax = (STATS_max > 0) ? STATS_max*1.25 : 1 }

set title title
set xlabel xlabel
unset key
set grid noytics
set ytics scale 0
set xrange [0:xmax]
set yrange [-nrow+0.4:0.6]
set lmargin label_room
h = 0.28
# Annotations of late bindings go left of the marker so they stay inside.
late(d) = d > 0.65 * xmax
# A labels plot whose points are all NaN crashes gnuplot 5.4 (segfault):
# rows without a label get an empty one at x = 0 instead.

plot datafile using ($3 != 0 ? ($4+xmax)/2 : NaN):(-$1):($3 != 0 ? $4 : NaN):(xmax):(-$1-h):(-$1+h)        with boxxyerror fc rgb '#F28E2B' fs transparent solid 0.25 noborder,      '' using ($3 != 0 ? $4 : NaN):(-$1) with points pt 7 ps 2.5 lc rgb '#E15759',      '' using ($3 != 0 && late($4) ? NaN : ($3 != 0 ? $4 : 0)):(-$1):($3 != 0 ? sprintf("  day %.1f · %.0f refused", $4, $5) : "  never bound"):ytic(2)        with labels left textcolor rgb '#222222',      '' using ($3 != 0 && late($4) ? $4 : 0):(-$1):($3 != 0 && late($4) ? sprintf("day %.1f · %.0f refused  ", $4, $5) : "")        with labels right textcolor rgb '#222222'
set output
