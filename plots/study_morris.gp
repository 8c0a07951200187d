# study_morris.gp -- Morris screening: each factor at (mu*, sigma), the
# mean absolute elementary effect (influence) against their spread
# (non-linearity or interaction), with mu*'s 95% interval.  Factors near
# the origin matter little; far right matter; high up interact.
#
# Data (tab-separated, '#' comments), one row per factor:
#   mu_star  sigma  label  mu_star_lo  mu_star_hi
# Variables: datafile (required), out, term, title, plotdir
#   gnuplot -e "datafile='m.tsv'; out='m.png'" plots/study_morris.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
set title title
set xlabel 'mu* (mean |elementary effect|, per whole range)'
set ylabel 'sigma (spread of the effects)'
unset key
set format x '%h'
set format y '%h'
set xrange [0:*]
set yrange [0:*]
set offsets 0, graph 0.15, graph 0.1, 0
plot datafile using 1:2:4:5 with xerrorbars lc rgb deck_color(1) lw 2 pt 7 ps 2, \
     '' using 1:2:3 with labels offset 1.5,0.8 left textcolor rgb '#222222'
set output
