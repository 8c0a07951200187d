# kpi_bars.gp -- one panel per KPI: a bar per variant (mean) with its 95% CI.
# A "*" marks a difference from the baseline that is significant.
#
# Data (tab-separated, '#' comments): one block per KPI, blocks separated by
# two blank lines; rows: index(0-based)  variant  mean  ci_low  ci_high  significant(0|1)
# Variables: datafile (required), out, term, title, plotdir,
#            nkpi (default: blocks in the file), kpi_titles (array of panel titles),
#            kpi_ymin, kpi_ymax, kpi_log (0|1), kpi_step (0: automatic) (arrays:
#            each panel's axis; the axis passes through 0 so that negative
#            means are drawn, or is logarithmic when one value dwarfs the rest),
#            slant_names (0|1: variant names at an angle, for many variants),
#            horizontal (0|1: bars across, names on the y axis, for 8 or more
#              variants), nvariants, name_font (points), name_space (the
#              fraction of the width the names take), both with horizontal
#   gnuplot -e "datafile='kpi.tsv'; out='kpi.png'" plots/kpi_bars.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("nkpi")) { stats datafile using 3 nooutput; nkpi = STATS_blocks }
if (!exists("kpi_titles")) { array kpi_titles[nkpi]; do for [k=1:nkpi] { kpi_titles[k] = sprintf('KPI %d', k) } }

if (!exists("kpi_ymin")) { array kpi_ymin[nkpi]; array kpi_ymax[nkpi]; array kpi_log[nkpi]; array kpi_step[nkpi]; do for [k=1:nkpi] { kpi_ymin[k] = NaN; kpi_ymax[k] = NaN; kpi_log[k] = 0; kpi_step[k] = 0 } }
if (!exists("slant_names")) slant_names = 0
if (!exists("horizontal")) horizontal = 0
if (!exists("nvariants")) { stats datafile using 1 nooutput; nvariants = int(STATS_max) + 1 }
if (!exists("name_font")) name_font = 14
if (!exists("name_space")) name_space = 0.12

ncol = (nkpi <= 3) ? nkpi : ((nkpi == 4) ? 2 : 3)
nrow = int((nkpi + ncol - 1) / ncol)
unset key
set grid noxtics
_xf = sprintf(",%g", (nkpi > 2 ? 16 : 20)*fontscale)
if (slant_names) { set xtics scale 0 font _xf rotate by 25 right } else { set xtics scale 0 font _xf norotate }
_yf = sprintf(",%g", 16*fontscale)
set ytics font _yf
set boxwidth 0.6
set offsets 0.5, 0.5, 0, 0
# Short numbers on the axis (250k, 1.2M) so that tick labels fit the margin.
si(x) = abs(x) >= 1e6 ? sprintf("%.3gM", x/1e6) : (abs(x) >= 1e4 ? sprintf("%.3gk", x/1e3) : (abs(x) >= 1000 ? sprintf("%.0f", x) : sprintf("%.3g", x)))
_sp = slant_names ? 0.22 : 0.16
_lf = sprintf(",%g", (slant_names ? 14 : 18)*fontscale)
if (horizontal) {
  # Names on the y axis, one slot each, the first variant on top; the
  # caller sizes name_font so that neighbouring names do not touch.
  _lf = sprintf(",%g", name_font*fontscale)
  set grid xtics noytics
  set ytics scale 0 font _lf norotate
  set xtics scale 0.6 font _yf norotate
  set offsets 0, 0, 0, 0
  set multiplot layout nrow, ncol title title font sprintf(",%g", 30*fontscale) margins name_space + 0.01, 0.97, 0.08, 0.80 spacing name_space + 0.04, 0.12
} else {
  set multiplot layout nrow, ncol title title font sprintf(",%g", 30*fontscale) margins 0.08, 0.98, (slant_names ? 0.14 : 0.1), 0.82 spacing 0.09, _sp
}
do for [k=1:nkpi] {
  set title kpi_titles[k] font sprintf(",%g", 24*fontscale)
  if (horizontal) {
    if (kpi_log[k]) { set logscale x; set format x '%.0s%c'; set xtics autofreq } else { unset logscale x; set format x '%h'; set xtics autofreq }
    if (kpi_ymin[k] == kpi_ymin[k] && kpi_ymax[k] == kpi_ymax[k]) { set xrange [kpi_ymin[k]:kpi_ymax[k]] } else { set xrange [*:*] }
    # A panel is narrower than it is tall: half the ticks of upright bars.
    if (!kpi_log[k] && kpi_step[k] > 0) { set xtics 2*kpi_step[k]; if (kpi_step[k] >= 1e4) { set format x '%.0s%c' } }
    _x0 = kpi_log[k] ? kpi_ymin[k] : 0
    set yrange [nvariants-0.5:-0.5]
    set yzeroaxis lt -1 lw 1
    plot datafile index (k-1) using 3:1:(_x0):3:($1-0.3):($1+0.3):(int($1)%10+1):ytic(2) with boxxyerror lc variable fs solid 0.85 noborder, \
         '' index (k-1) using 3:1:4:5 with xerrorbars lc rgb '#333333' lw 2 pt -1, \
         '' index (k-1) using ($3 >= 0 ? $5 : _x0):1:(si($3).($6 != 0 ? " *" : "")) with labels left offset 0.6,0 font _lf textcolor rgb '#222222'
    continue
  }
  if (kpi_log[k]) { set logscale y; set format y '%.0s%c'; set ytics autofreq } else { unset logscale y; set format y '%h' }
  if (kpi_ymin[k] == kpi_ymin[k] && kpi_ymax[k] == kpi_ymax[k]) { set yrange [kpi_ymin[k]:kpi_ymax[k]] } else { set yrange [*:*] }
  if (!kpi_log[k] && kpi_step[k] > 0) { set ytics kpi_step[k]; if (kpi_step[k] >= 1e4) { set format y '%.0s%c' } }
  set xzeroaxis lt -1 lw 1
  # Labels sit above positive bars, and above the zero line for negative
  # ones (below them they would meet the variant names).
  plot datafile index (k-1) using 1:3:(int($1)%10+1):xtic(2) with boxes lc variable fs solid 0.85 noborder,        '' index (k-1) using 1:3:4:5 with yerrorbars lc rgb '#333333' lw 2 pt -1,        '' index (k-1) using 1:($3 >= 0 ? $5 : 0):(si($3).($6 != 0 ? " *" : "")) with labels offset 0,0.8 font _lf textcolor rgb '#222222'
}
unset multiplot
set output
