# funnel.gp -- conversion funnel: one centred bar per stage, CI whiskers,
# value and step conversion annotated.
#
# Data (tab-separated, '#' comments), one row per stage in funnel order:
#   index(0-based)  label  mean  ci_low  ci_high  pct_of_previous
# A stage not nested in the one before (people who came another way;
# wxflow writes pct_of_previous 1000 for it) shows its count only: a share
# of people who did not pass through the previous stage is no conversion.
# Variables: datafile (required), out, term, title, xlabel, plotdir
#   gnuplot -e "datafile='funnel.tsv'; out='funnel.png'" plots/funnel.gp
if (!exists("plotdir")) { plotdir = ''; _s = ARG0; while (strstrt(_s, '/') > 0) { _i = strstrt(_s, '/'); plotdir = plotdir._s[1:_i]; _s = _s[_i+1:] } }
reset
load plotdir.'deck_style.gp'
if (!exists("datafile")) datafile = '/dev/null'
if (!exists("title")) title = ''
if (!exists("xlabel")) xlabel = 'People (mean over replications; whisker: 95% CI)'

stats datafile using 5 nooutput
fmax = (STATS_max > 0) ? STATS_max : 1
nstage = STATS_records
# Room for the longest label (bytes: CJK text counts 3 per character, close
# enough to its double width); before any range is set, which stats obeys.
stats datafile using (strlen(strcol(2))) nooutput
label_room = STATS_max > 14 ? (STATS_max < 50 ? STATS_max * 1.4 + 4 : 74) : 22
set title title
set xlabel xlabel
unset key
unset grid
set border 0
unset xtics
_f = sprintf(",%g", 24*fontscale)
set ytics scale 0 font _f
set xrange [-0.55*fmax:0.95*fmax]
set yrange [-nstage+0.4:0.6]
set lmargin label_room
h = 0.36

plot datafile using (0):(-$1):(-$3/2):($3/2):(-$1-h):(-$1+h):(int($1)%10+1):ytic(2)        with boxxyerror lc variable fs solid 0.9 noborder,      '' using ($3/2):(-$1):($4/2):($5/2) with xerrorbars lc rgb '#333333' lw 2 pt -1,      '' using (0.55*fmax):(-$1):($1 > 0 && $6 <= 100 ? sprintf("%.0f   %.1f%% of previous", $3, $6) : sprintf("%.0f", $3))        with labels left textcolor rgb '#222222'
set output
