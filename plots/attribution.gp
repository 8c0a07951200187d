# attribution.gp -- one panel per outcome: for each channel, a bar per
# attribution method (removal, Shapley, last/first touch, linear, Markov)
# with its 95% interval.
#
# Data (tab-separated, '#' comments): one block per outcome, blocks
# separated by two blank lines; rows: index  channel  then per method
# value  lo  hi.
# Variables: datafile (required), out, term, title, plotdir, nout,
#            out_titles (array), nmethods, method_names (array)
#   gnuplot -e "datafile='attr.tsv'; out='attribution.png'" plots/attribution.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("nout")) { stats datafile using 3 nooutput; nout = STATS_blocks }
if (!exists("out_titles")) { array out_titles[nout]; do for [k=1:nout] { out_titles[k] = sprintf('outcome %d', k) } }
if (!exists("nmethods")) nmethods = 7
if (!exists("method_names")) { array method_names[nmethods]; do for [m=1:nmethods] { method_names[m] = sprintf('method %d', m) } }

set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 noborder
set boxwidth 0.9
set grid noxtics
_xf = sprintf(",%g", 16*fontscale)
_kf = sprintf(",%g", 14*fontscale)
_tf = sprintf(",%g", 22*fontscale)
set xtics scale 0 font _xf rotate by 20 right
set ytics font _xf
set format y '%.1s%c'
set errorbars lc rgb '#333333'
set xzeroaxis lt -1 lw 1
set key top right font _kf samplen 1.5
set multiplot layout nout, 1 title title font sprintf(",%g", 28*fontscale) margins 0.08, 0.98, 0.12, 0.80 spacing 0.08, 0.16
do for [k=1:nout] {
  set title out_titles[k] font _tf
  if (k > 1) { unset key }
  plot for [m=1:nmethods] datafile index (k-1) using (column(3*m)):(column(3*m+1)):(column(3*m+2)):xtic(2) title method_names[m] lc rgb deck_color(m)
}
unset multiplot
set output
