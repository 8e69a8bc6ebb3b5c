// coloring_realizable: Lemma 17. A hypergraph becomes samples that a sum of k ReLUs in the unit
// ball fits with loss exactly 0 iff the hypergraph is k-colourable; if it is not, every sum of k
// ReLUs has loss > epsilon = 1/(100 k^2 t^5 n M). Shown on planted k-colourable hypergraphs (the
// witness network of a proper colouring has loss 0, exact training finds 0 and decodes to a proper
// colouring) and on non-colourable ones (a triangle for k = 2, K4 for k = 3: the certified optimum
// lies above epsilon). The source side is solved exactly too (fewest monochromatic edges).
//
//   build/examples/coloring_realizable
//
// Exits 1 if any row disagrees with the lemma.
#include <krelu/krelu.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

std::string join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += std::to_string(x);
  return s;
}

struct Case {
  std::string name;
  kp::Hypergraph h;
  int k;
};

}  // namespace

int main() {
  std::vector<Case> cases;
  cases.push_back(
      {"planted 2-col, 8 v", kp::planted_colorable_hypergraph(8, 8, 2, 3, 2, std::uint64_t{1}).hypergraph, 2});
  cases.push_back(
      {"planted 2-col, 9 v", kp::planted_colorable_hypergraph(9, 10, 3, 3, 2, std::uint64_t{2}).hypergraph, 2});
  cases.push_back({"triangle", kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2});
  cases.push_back({"K5^(3) (3-uniform)", kp::random_uniform_hypergraph(5, 10, 3, std::uint64_t{0}), 2});
  cases.push_back(
      {"planted 3-col, 6 v", kp::planted_colorable_hypergraph(6, 6, 2, 3, 3, std::uint64_t{3}).hypergraph, 3});
  cases.push_back({"K4", kp::Hypergraph(4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}), 3});

  int failures = 0;
  std::printf("%-20s %2s %3s %3s %2s %5s %11s %11s %11s %11s %8s %-10s %-8s %6s %-5s\n", "hypergraph", "k", "n", "M",
              "t", "mono", "witness", "epsilon", "exact opt", "lower bnd", "status", "decoded", "proper", "sec",
              "holds");
  for (const auto& [name, h, k] : cases) {
    const auto best = kp::solve_exact(h, k);  // fewest monochromatic edges over k-colourings
    const bool colourable = best.monochromatic == 0;
    const auto red = kr::reduce(h, k);
    const double eps = red.constant("epsilon");

    // The completeness network exists only for a proper colouring; its loss is exactly 0.
    const double wit = colourable ? krelu::loss(kr::witness(red, best.coloring), red.samples) : -1.0;

    krelu::TrainOptions<double> opt;  // the bounded sum of k ReLUs of Lemma 17
    opt.units = k;
    opt.signs = krelu::Signs::all_plus();
    opt.radius = 1.0;
    opt.method = krelu::Method::branch_and_bound;
    opt.time_limit_seconds = 60;
    const auto r = krelu::train_exact(red.samples, opt);
    const auto dec = kr::decode(red, r.network);

    // Colourable: optimum 0 (to rounding: 1e-20 of the label scale 1/(t^3 n) ~ 1e-2) and a proper
    // decoded colouring. Not colourable: the certified lower bound exceeds epsilon.
    const bool holds = r.status == krelu::Status::optimal &&
                       (colourable ? (wit == 0.0 && r.loss <= 1e-20 && dec.proper) : (r.lower_bound > eps));
    failures += !holds;
    char witness_text[32];
    if (colourable)
      std::snprintf(witness_text, sizeof witness_text, "%11.4e", wit);
    else
      std::snprintf(witness_text, sizeof witness_text, "%11s", "-");
    std::printf("%-20s %2d %3d %3d %2d %5d %s %11.4e %11.4e %11.4e %8s %-10s %-8s %6.2f %-5s\n", name.c_str(), k,
                h.vertices(), h.edge_count(), h.max_edge_size(), best.monochromatic, witness_text, eps, r.loss,
                r.lower_bound, krelu::to_string(r.status), join(dec.coloring).c_str(), dec.proper ? "yes" : "no",
                r.seconds, holds ? "yes" : "NO");
  }
  std::printf("(mono: fewest monochromatic edges of any k-colouring; 0 iff k-colourable)\n%s\n",
              failures == 0 ? "all rows hold" : "SOME ROWS FAILED");
  return failures == 0 ? 0 : 1;
}
