# study_response.gp -- how a KPI responds to each factor of a study: the
# mean over the replications with its 95% CI as a band, one panel per
# factor (a one-factor design, or each factor of a one-at-a-time design
# around the base); with scatter = 1, every point's mean of a sampling
# design against each factor.
#
# Data (tab-separated, '#' comments): one block per factor, blocks separated
# by two blank lines; rows sorted by x:  x  mean  ci_low  ci_high
# Variables: datafile (required), out, term, title, plotdir, ylabel,
#            npanel (default: blocks in the file), panel_titles (array),
#            panel_log (array, 0|1: a log x axis), scatter (0|1),
#            panel_empty (array, 0|1: the panel has no value to draw)
#   gnuplot -e "datafile='r.tsv'; out='r.png'" plots/study_response.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("ylabel")) ylabel = ''
if (!exists("npanel")) { stats datafile using 1 nooutput; npanel = STATS_blocks }
if (!exists("panel_titles")) { array panel_titles[npanel]; do for [k=1:npanel] { panel_titles[k] = sprintf('factor %d', k) } }
if (!exists("panel_log")) { array panel_log[npanel]; do for [k=1:npanel] { panel_log[k] = 0 } }
if (!exists("panel_empty")) { array panel_empty[npanel]; do for [k=1:npanel] { panel_empty[k] = 0 } }
if (!exists("scatter")) scatter = 0

ncol = (npanel <= 3) ? npanel : ((npanel == 4) ? 2 : 3)
nrow = int((npanel + ncol - 1) / ncol)
unset key
set format y '%h'
set format x '%h'
_tf = sprintf(",%g", (npanel > 2 ? 16 : 20)*fontscale)
set xtics font _tf
set ytics font _tf
set multiplot layout nrow, ncol title title font sprintf(",%g", 30*fontscale) margins 0.08, 0.98, 0.1, 0.78 spacing 0.08, 0.16
do for [k=1:npanel] {
  set title panel_titles[k] font sprintf(",%g", 22*fontscale)
  set ylabel (k - 1) % ncol == 0 ? ylabel : ''
  set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.05
  if (panel_log[k]) { set logscale x } else { unset logscale x }
  if (panel_empty[k]) {
    unset logscale x
    set xrange [0:1]
    set yrange [0:1]
    set label 1 'no value at these points' at graph 0.5, graph 0.5 center
    plot NaN notitle
    unset label 1
    set xrange [*:*]
    set yrange [*:*]
  } else { if (scatter) {
    plot datafile index (k-1) using 1:2 with points lc rgb deck_color(1) pt 7 ps 0.9
  } else {
    plot datafile index (k-1) using 1:3:4 with filledcurves lc rgb deck_color(1) fs transparent solid 0.25 noborder, \
         '' index (k-1) using 1:2 with linespoints lc rgb deck_color(1) lw 3 pt 7
  } }
}
unset multiplot
set output
