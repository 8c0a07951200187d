# study_heatmap.gp -- a KPI over a grid of two factors: one cell per point,
# coloured by the KPI's mean over the replications, with its value written.
#
# Data (tab-separated, '#' comments), one row per point:
#   i(0-based level of factor 1)  j(level of factor 2)  mean  x_value  y_value
# Variables: datafile (required), out, term, title, plotdir, xlabel, ylabel,
#            cblabel
#   gnuplot -e "datafile='h.tsv'; out='h.png'" plots/study_heatmap.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = ''
if (!exists("ylabel")) ylabel = ''
if (!exists("cblabel")) cblabel = ''
si(x) = abs(x) >= 1e6 ? sprintf("%.3gM", x/1e6) : (abs(x) >= 1e4 ? sprintf("%.3gk", x/1e3) : sprintf("%.3g", x))
set title title
set xlabel xlabel
set ylabel ylabel
set cblabel cblabel
unset key
unset grid
set border 0
set tics scale 0
set rmargin 14
set palette defined (0 '#F7FBFF', 0.5 '#6BAED6', 1 '#08306B')
set offsets 0.5, 0.5, 0.5, 0.5
plot datafile using 1:2:(0.5):(0.5):3:xtic(sprintf('%g', $4)):ytic(sprintf('%g', $5)) with boxxyerror fs solid 1.0 noborder fc palette, \
     '' using 1:2:(si($3)) with labels textcolor rgb '#222222' font sprintf(",%g", 16*fontscale)
set output
