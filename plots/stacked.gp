# stacked.gp -- stacked area of a quantity (members) by module over time.
#
# Data (tab-separated): a header row "time<TAB>label 1<TAB>label 2 ...", then
#   rows "time<TAB>value 1<TAB>value 2 ..." (means: they add up; medians don't).
# Memberships overlap (one person in the OA and in WeCom is in both layers),
# so the top of the stack counts memberships, not people: `note` says so.
# Variables: datafile (required), out, term, title, xlabel, ylabel, note,
#            nseries (default: columns in the file - 1), plotdir
#   gnuplot -e "datafile='stacked.tsv'; out='stacked.png'" plots/stacked.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'Day'
if (!exists("ylabel")) ylabel = 'Members (mean over replications)'
if (!exists("nseries")) { stats datafile skip 1 using 1 nooutput; nseries = STATS_columns - 1 }
if (!exists("note")) note = 'Memberships overlap: a person in several modules counts once in each, so the stack adds memberships, not people.'

set title title
set xlabel xlabel
set ylabel ylabel
# Many layers: the key goes right of the plot, where it covers no data.
if (nseries > 6) { _kf = sprintf(",%g", (nseries > 12 ? 14 : 17)*fontscale); set key outside right top vertical reverse Left font _kf spacing 0.9 samplen 1.5; set rmargin at screen 0.70 } else { set key top left reverse Left }
_nf = sprintf(",%g", 15*fontscale)
set label 99 note at screen 0.5, screen 0.025 center font _nf textcolor rgb '#555555'
set bmargin 5
set yrange [0:*]
set xrange [*:*] noextend

# Drawn top layer first so each lower layer paints over the one above it;
# the key then lists layers in the order they appear, top to bottom.
plot for [i=nseries:1:-1] datafile using 1:(sum [c=2:i+1] column(c))      with filledcurves x1 fc rgb deck_color(i) fs solid 0.85 noborder title columnheader(i+1),      for [i=nseries:1:-1] '' skip 1 using 1:(sum [c=2:i+1] column(c)) with lines lc rgb '#ffffff' lw 1.5 notitle
set output
