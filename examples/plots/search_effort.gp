# Renders the search_effort program's output as a PNG.
#   gnuplot -e "data='search_effort.csv'; means='search_effort_mean.csv'; output='search_effort.png'" search_effort.gp
if (!exists("data")) data = 'search_effort.csv'
if (!exists("means")) means = 'search_effort_mean.csv'
if (!exists("output")) output = 'search_effort.png'
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
  set terminal pngcairo size 1000,460 font ",10"
} else {
  set terminal png size 1000,460
}
set output output
set datafile separator ","
set key top left
set logscale y
set grid ytics
set xrange [5:19]
set xlabel "M (subsets); |U| = 2M elements, M + |U| + 2 samples"
is(q, v) = (strcol(5) eq q) ? v : NaN
set multiplot layout 1,2 title "Branch-and-bound effort on Thm 8 Set Cover instances (points: 4 seeds per size; lines: geometric mean)\nYES: total error <= (OPT + 1/2) gamma^2?   NO: total error <= (OPT - 1/2) gamma^2?   optimum: certify the minimum"
set title "search nodes"
plot data  using ($1-0.15):(is("yes", $6)) with points pt 7 ps 0.6 lc rgb "#1b9e77" notitle, \
     ''    using ($1+0.15):(is("no", $6)) with points pt 5 ps 0.6 lc rgb "#d95f02" notitle, \
     ''    using 1:(is("optimum", $6)) with points pt 2 ps 0.6 lc rgb "#7570b3" notitle, \
     means using 1:2 with lines lw 2 lc rgb "#1b9e77" title "YES", \
     means using 1:3 with lines lw 2 lc rgb "#d95f02" title "NO", \
     means using 1:4 with lines lw 2 dt 2 lc rgb "#7570b3" title "optimum"
set title "convex subproblems (QPs)"
plot data  using ($1-0.15):(is("yes", $7)) with points pt 7 ps 0.6 lc rgb "#1b9e77" notitle, \
     ''    using ($1+0.15):(is("no", $7)) with points pt 5 ps 0.6 lc rgb "#d95f02" notitle, \
     ''    using 1:(is("optimum", $7)) with points pt 2 ps 0.6 lc rgb "#7570b3" notitle, \
     means using 1:5 with lines lw 2 lc rgb "#1b9e77" title "YES", \
     means using 1:6 with lines lw 2 lc rgb "#d95f02" title "NO", \
     means using 1:7 with lines lw 2 dt 2 lc rgb "#7570b3" title "optimum"
unset multiplot
