# Renders loss_landscape.csv (from the loss_landscape program) as a PNG.
#   gnuplot -e "data='loss_landscape.csv'; output='loss_landscape.png'" loss_landscape.gp
if (!exists("data")) data = 'loss_landscape.csv'
if (!exists("output")) output = 'loss_landscape.png'
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
  set terminal pngcairo size 1000,440 font ",10"
} else {
  set terminal png size 1000,440
}
set output output
set datafile separator ","
set grid
set key top left
set multiplot layout 1,2 title "1-ReLU loss of a Thm 8 Set Cover instance (|U| = 16, M = 10, gamma = 1e-4) on the line w(s) = w_{local} + s (w_{witness} - w_{local})\nthrough the local-search result (s = 0) and the witness of a minimum cover (s = 1, the certified global optimum)"
set title "whole line (log scale)"
set logscale y
set xlabel "s"
set ylabel "training loss"
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 3 lc rgb "#d95f02"
set arrow 2 from 1, graph 0 to 1, graph 1 nohead dt 3 lc rgb "#1b9e77"
plot data index 0 using 1:2 with lines lw 2 lc rgb "#333333" title "L(w(s))", \
     '' index 0 using ($1 == 0 ? $1 : NaN):2 with points pt 7 ps 1.4 lc rgb "#d95f02" title "local search stops", \
     '' index 0 using (abs($1 - 1) < 1e-9 ? $1 : NaN):2 with points pt 7 ps 1.4 lc rgb "#1b9e77" title "global optimum"
unset logscale y
unset arrow 1
unset arrow 2
set title "zoom near s = 1: total error / gamma^2 = sets paid for"
set xlabel "(s - 1) / gamma"
set ylabel "total squared error / gamma^2"
set yrange [5.5:8]
set key top right
plot data index 1 using 4:3 with lines lw 2 lc rgb "#333333" title "L(w(s)) |S| / gamma^2", \
     '' index 1 using (abs($4) < 1e-9 ? $4 : NaN):3 with points pt 7 ps 1.4 lc rgb "#1b9e77" title "witness (OPT = 6 sets)"
unset multiplot
