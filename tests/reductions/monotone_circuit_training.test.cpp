// End to end, Thm 11: MMCS optimum <-> global 1-ReLU training optimum <-> decoded assignment.
#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/monotone_circuit.hpp>
#include <krelu/train/exact.hpp>

#include <cmath>
#include <random>
#include <vector>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
using Float50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float_50::backend_type,
                                              boost::multiprecision::et_off>;
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

/// A random circuit of depth in [min_depth, max_depth] whose reduction has at most max_samples samples.
kp::MonotoneCircuit small_circuit(int max_samples, int min_depth, int max_depth, std::mt19937_64& rng) {
  for (;;) {
    const int n = std::uniform_int_distribution<int>(1, 5)(rng);
    const int depth = std::uniform_int_distribution<int>(min_depth, max_depth)(rng);
    const int gates = depth + std::uniform_int_distribution<int>(0, 2)(rng);
    auto c = kp::random_monotone_circuit(n, depth, gates, rng, 3);
    int samples = 2 + n;
    for (const auto& g : c.gates()) samples += g.kind == kp::GateKind::or_gate ? 1 : static_cast<int>(g.inputs.size());
    if (samples <= max_samples) return c;
  }
}

/// Trains to global optimality and checks: minimum total error = OPT gamma^2 (ERRATA, Thm 11), and
/// the decoder returns a minimum satisfying assignment from the trained network.
template <class Scalar>
void check_chain(const kp::MonotoneCircuit& c, krelu::Method method, double absolute_gap_in_gamma2 = 0) {
  const auto red = kr::reduce<Scalar>(c);
  krelu::TrainOptions<Scalar> opt;
  opt.units = red.units;
  opt.signs = krelu::Signs::fixed(red.signs);
  opt.method = method;
  const Scalar gamma = red.constant("gamma");
  // absolute_gap_in_gamma2: the gap tolerance as a fraction of one gamma^2 (the sum of the squared
  // labels is 1 + O(gamma^2), so absolute_gap is in units of about 1); 0 keeps the default.
  if (absolute_gap_in_gamma2 > 0) opt.absolute_gap = absolute_gap_in_gamma2 * static_cast<double>(gamma * gamma);
  const auto result = krelu::train_exact(red.samples, opt);
  INFO("train_exact: " << krelu::to_string(result.status) << " " << result.message);
  REQUIRE(result.status == krelu::Status::optimal);
  const auto best = kp::solve_exact(c);
  const Scalar expected_total = gamma * gamma * Scalar(kp::count_true(best));
  const Scalar total = result.loss * red.constant("|S|");
  CHECK(static_cast<double>(krelu::abs_of(total - expected_total) / expected_total) <= 1e-6);
  CHECK(static_cast<double>(result.lower_bound * red.constant("|S|") / expected_total) <= 1 + 1e-6);
  REQUIRE(result.loss <= kr::decode_threshold(red));
  const auto decoded = kr::decode(red, result.network);
  CHECK(c.evaluate(decoded));
  CHECK(kp::count_true(decoded) == kp::count_true(best));
}

}  // namespace

// Depth <= 2 keeps gamma^2 above 1e-12 of the largest label: the trainer's default tolerances resolve it.
TEST_CASE("Thm 11 end to end with enumerate: minimum total error is OPT gamma^2") {
  std::mt19937_64 rng(314);
  for (int trial = 0; trial < 30; ++trial) {
    const auto c = small_circuit(12, 1, 2, rng);
    INFO("trial " << trial << ": |C| = " << c.num_wires() << ", l = " << c.depth());
    check_chain<double>(c, krelu::Method::enumerate);
  }
}

TEST_CASE("Thm 11 end to end with branch_and_bound, depth up to 2") {
  std::mt19937_64 rng(271);
  for (int trial = 0; trial < 20; ++trial) {
    const auto c = small_circuit(18, 1, 2, rng);
    INFO("trial " << trial << ": |C| = " << c.num_wires() << ", l = " << c.depth());
    check_chain<double>(c, krelu::Method::branch_and_bound);
  }
}

#ifdef KRELU_HAVE_BOOST
// Depth 3 puts gamma^2 near 1e-15 of the largest label: beyond what the trainer certifies in double
// or long double (the default gap tolerance exceeds gamma^2, and with a tighter one some convex
// problems fail), so train in 50 digits and ask for a thousandth of gamma^2.
TEST_CASE("Thm 11 end to end at depth 3 in cpp_bin_float_50") {
  std::mt19937_64 rng(141);
  for (int trial = 0; trial < 16; ++trial) {
    const auto c = small_circuit(16, 3, 3, rng);
    INFO("trial " << trial << ": |C| = " << c.num_wires() << ", l = " << c.depth());
    check_chain<Float50>(c, krelu::Method::branch_and_bound, 1e-3);
  }
}
#endif
