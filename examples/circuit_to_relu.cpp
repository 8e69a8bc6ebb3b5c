// circuit_to_relu: Theorem 11 end to end. Random monotone circuits (Minimum Monotone Circuit
// Satisfiability) become 1-ReLU training instances with inputs in {-1,0,1}^{|C|+1} (ERRATA Thm 11),
// which are trained to their certified global optimum and decoded back into input assignments.
// Checked: the optimum total squared error is exactly OPT gamma^2 (OPT = fewest TRUE inputs,
// gamma = 1/(10|C|)^(l+1)); the decoded assignment satisfies the circuit with OPT TRUE inputs; the
// witness network of the proof has the predicted loss. Exits 1 if any of this fails.
//
//   build/examples/circuit_to_relu [output-dir]     (writes circuit_thm11.svm / .csv there)
#include <krelu/krelu.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

std::string true_inputs(const std::vector<bool>& a) {
  std::string s = "{";
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i]) continue;
    if (s.size() > 1) s += ',';
    s += std::to_string(i);
  }
  s += '}';
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    if (!ok) std::printf("FAILED: %s\n", what);
    failures += !ok;
  };

  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    const int depth = 1 + static_cast<int>(seed % 3);  // depths 2, 3, 1, 2
    const kp::MonotoneCircuit c = kp::random_monotone_circuit(8, depth, 6, rng);
    const std::vector<bool> best = kp::solve_exact(c);  // fewest TRUE inputs that make the output TRUE
    const int opt_true = kp::count_true(best);
    const auto red = kr::reduce(c);

    if (seed == 1) {
      const auto svm = dir / "circuit_thm11.svm", csv = dir / "circuit_thm11.csv";
      krelu::write_samples(svm.string(), red.samples);
      krelu::write_samples(csv.string(), red.samples);
      std::printf("wrote %s and %s\n", svm.string().c_str(), csv.string().c_str());
      std::printf("%4s %6s %4s %3s %4s %4s %4s %10s %11s %11s %11s %8s %12s %12s %7s %6s\n", "seed", "inputs", "|C|",
                  "l", "m", "n", "OPT", "gamma", "witness", "predicted", "exact opt", "status", "total/g^2", "decoded",
                  "nodes", "sec");
    }

    const auto wit = kr::witness(red, best);  // w_j = 1 on TRUE wires, w_gamma = gamma
    const double wit_loss = krelu::loss(wit, red.samples), predicted = kr::predicted_loss(red, best);

    krelu::TrainOptions<double> opt;
    opt.units = 1;
    opt.signs = krelu::Signs::fixed({+1});
    opt.method = krelu::Method::branch_and_bound;
    opt.time_limit_seconds = 60;
    const auto r = krelu::train_exact(red.samples, opt);
    const std::vector<bool> decoded = kr::decode(red, r.network);  // input i TRUE iff w_i >= w_gamma

    const double gamma = red.constant("gamma");
    const double total_over_g2 = r.loss * red.samples.total_weight() / (gamma * gamma);
    std::printf("%4llu %6d %4d %3d %4ld %4ld %4d %10.3e %11.4e %11.4e %11.4e %8s %12.9f %12s %7llu %6.2f\n",
                static_cast<unsigned long long>(seed), c.num_inputs(), c.num_wires(), c.depth(),
                static_cast<long>(red.samples.size()), static_cast<long>(red.samples.dim()), opt_true, gamma, wit_loss,
                predicted, r.loss, krelu::to_string(r.status), total_over_g2, true_inputs(decoded).c_str(),
                static_cast<unsigned long long>(r.nodes), r.seconds);

    check(std::abs(wit_loss - predicted) <= 1e-12 * predicted, "witness loss = OPT gamma^2 / |S|");
    check(r.status == krelu::Status::optimal, "exact training certified optimal");
    check(std::abs(total_over_g2 - opt_true) <= 1e-6 * opt_true, "optimum total error = OPT gamma^2");
    check(c.evaluate(decoded) && kp::count_true(decoded) == opt_true, "decoded assignment is a minimum one");
  }
  std::printf("%s\n", failures == 0 ? "all checks hold" : "SOME CHECKS FAILED");
  return failures == 0 ? 0 : 1;
}
