// loss_landscape: the 1-ReLU training loss of a Theorem 8 Set Cover instance along the line
// through the network where gradient-based local search stops (s = 0) and the witness network of a
// minimum cover (s = 1), which is a global minimiser (its loss is OPT gamma^2 / |S|, certified by
// exact training). Local search stops on a plateau (its total error pays for one set more than the
// minimum cover); along the line the loss stays flat and drops to the optimum only within a width
// ~gamma = 0.01/M^2 of the witness: the optimum sits in a narrow valley no gradient step points to.
// Writes CSV rows (s, loss, total error / gamma^2, (s-1)/gamma) in two blocks, the second a zoom.
//
//   loss_landscape output.csv
#include <krelu/krelu.hpp>
#include <krelu/train/local_search.hpp>

#include <cstdio>
#include <random>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: loss_landscape output.csv\n");
    return 2;
  }
  std::mt19937_64 rng(3);
  const auto sc = kp::random_set_cover(16, 10, 0.25, rng);
  const auto red = kr::reduce(sc);
  const auto cover = kp::solve_exact(sc);
  const auto optimum = kr::witness(red, cover);

  krelu::TrainOptions<double> o;
  o.units = 1;
  o.signs = krelu::Signs::fixed({1});
  o.seed = 3;
  const auto local = krelu::local_search(red.samples, o, 20);
  const auto exact = krelu::train_exact(red.samples, o);
  const double S = red.samples.total_weight(), g2 = red.constant("gamma") * red.constant("gamma");
  std::printf("OPT = %zu sets; exact optimum %.6e (%s, total/gamma^2 = %.4f); witness %.6e\n", cover.size(), exact.loss,
              krelu::to_string(exact.status), exact.loss * S / g2, krelu::loss(optimum, red.samples));
  std::printf("local search: %.6e (total/gamma^2 = %.4f, decoded %zu sets)\n", local.loss, local.loss * S / g2,
              kr::decode(red, local.network).size());

  FILE* out = std::fopen(argv[1], "w");
  if (!out) {
    std::fprintf(stderr, "loss_landscape: cannot open %s\n", argv[1]);
    return 1;
  }
  // Two blocks (gnuplot "index" 0 and 1): s in [-0.5, 1.5], and a zoom on [1 - 3 gamma, 1 + gamma]
  // where the path leaves the local-search plateau (a term of eq. (3) changes over a width gamma).
  std::fprintf(out, "# s, loss, total error / gamma^2, (s - 1) / gamma\n");
  const Eigen::VectorXd a = local.network.weights().row(0).transpose();
  const Eigen::VectorXd b = optimum.weights().row(0).transpose();
  const double gamma = red.constant("gamma");
  for (int block = 0; block < 2; ++block) {
    for (int i = 0; i <= 400; ++i) {
      const double s = block == 0 ? -0.5 + 2.0 * i / 400 : 1.0 + gamma * (-3.0 + 4.0 * i / 400);
      const auto net = krelu::Network<double>::single(Eigen::VectorXd(a + s * (b - a)));
      const double l = krelu::loss(net, red.samples);
      std::fprintf(out, "%.9f,%.10e,%.6f,%.4f\n", s, l, l * S / g2, (s - 1) / gamma);
    }
    std::fprintf(out, "\n\n");
  }
  std::fclose(out);
  // The picture is only worth drawing if local search stopped above the certified optimum.
  const bool ok = exact.status == krelu::Status::optimal && local.loss > exact.loss * 1.01;
  return ok ? 0 : 1;
}
