# kpi_bars.gp -- one panel per KPI: a bar per variant (mean) with its 95% CI.
# A "*" marks a difference from the baseline that is significant.
#
# Data (tab-separated, '#' comments): one block per KPI, blocks separated by
# two blank lines; rows: index(0-based)  variant  mean  ci_low  ci_high  significant(0|1)
# Variables: datafile (required), out, term, title, plotdir,
#            nkpi (default: blocks in the file), kpi_titles (array of panel titles)
#   gnuplot -e "datafile='kpi.tsv'; out='kpi.png'" plots/kpi_bars.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("nkpi")) { stats datafile using 3 nooutput; nkpi = STATS_blocks }
if (!exists("kpi_titles")) { array kpi_titles[nkpi]; do for [k=1:nkpi] { kpi_titles[k] = sprintf('KPI %d', k) } }

ncol = (nkpi <= 3) ? nkpi : ((nkpi == 4) ? 2 : 3)
nrow = int((nkpi + ncol - 1) / ncol)
unset key
set grid noxtics
_xf = sprintf(",%g", (nkpi > 2 ? 16 : 20)*fontscale)
set xtics scale 0 font _xf
set boxwidth 0.6
set offsets 0.5, 0.5, 0, 0
set lmargin 12
set rmargin 3
set tmargin 4
set bmargin 4
set multiplot layout nrow, ncol title title font sprintf(",%g", 30*fontscale) margins 0.06, 0.98, 0.1, 0.82 spacing 0.08, 0.16
do for [k=1:nkpi] {
  set title kpi_titles[k] font sprintf(",%g", 24*fontscale)
  set yrange [*:*]  # stats on one column filters by the y range
  undefine STATS_max
  stats datafile index (k-1) using 5 nooutput
  # A panel without one finite value leaves STATS_max unset: draw it empty.
  _ymax = exists("STATS_max") ? STATS_max : 0
  set yrange [0:(_ymax > 0 ? _ymax*1.18 : 1)]
  plot datafile index (k-1) using 1:3:(int($1)%10+1):xtic(2) with boxes lc variable fs solid 0.85 noborder,        '' index (k-1) using 1:3:4:5 with yerrorbars lc rgb '#333333' lw 2 pt -1,        '' index (k-1) using 1:5:(sprintf(abs($3) >= 1000 ? "%.0f%s" : "%.4g%s", $3, $6 != 0 ? " *" : "")) with labels offset 0,1 textcolor rgb '#222222'
}
unset multiplot
set output
