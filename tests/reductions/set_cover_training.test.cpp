// End to end, Thm 8: Set Cover optimum <-> global 1-ReLU training optimum <-> decoded cover.
#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/set_cover.hpp>
#include <krelu/train/exact.hpp>

#include <cmath>
#include <random>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

/// A random coverable instance with exactly `samples_wanted` = |U| + M + 2 samples.
kp::SetCover instance_with_samples(int samples_wanted, std::mt19937_64& rng) {
  const int M = std::uniform_int_distribution<int>(2, (samples_wanted - 2) / 2)(rng);
  const int U = samples_wanted - 2 - M;
  return kp::random_set_cover(U, M, std::uniform_real_distribution<double>(0.15, 0.5)(rng), rng);
}

/// Trains to global optimality and checks the chain: min loss = OPT gamma^2 / |S| (ERRATA, Thm 8),
/// and the decoder returns a minimum cover from the trained network.
void check_chain(const kp::SetCover& sc, krelu::Method method) {
  const auto red = kr::reduce(sc);
  krelu::TrainOptions<double> opt;
  opt.units = red.units;
  opt.signs = krelu::Signs::fixed(red.signs);
  opt.method = method;
  const auto result = krelu::train_exact(red.samples, opt);
  INFO("train_exact: " << krelu::to_string(result.status) << " " << result.message);
  REQUIRE(result.status == krelu::Status::optimal);
  const auto best = kp::solve_exact(sc);
  const double gamma = red.constant("gamma");
  const double expected = gamma * gamma * static_cast<double>(best.size()) / red.constant("|S|");
  CHECK(std::abs(result.loss - expected) <= 1e-6 * expected);
  CHECK(result.lower_bound <= expected * (1 + 1e-6));
  CHECK(std::abs(krelu::loss(result.network, red.samples) - result.loss) <= 1e-9 * expected);
  CHECK(std::abs(kr::predicted_loss(red, best) - expected) <= 1e-12 * expected);
  REQUIRE(result.loss <= kr::decode_threshold(red));
  const auto decoded = kr::decode(red, result.network);
  CHECK(sc.is_cover(decoded));
  CHECK(decoded.size() == best.size());
}

}  // namespace

TEST_CASE("Thm 8 end to end with enumerate: training optimum is OPT gamma^2 / |S|") {
  std::mt19937_64 rng(2718);
  for (int trial = 0; trial < 30; ++trial) {
    const auto sc = instance_with_samples(std::uniform_int_distribution<int>(7, 12)(rng), rng);
    INFO("trial " << trial << ": |U| = " << sc.universe_size() << ", M = " << sc.num_subsets());
    check_chain(sc, krelu::Method::enumerate);
  }
}

TEST_CASE("Thm 8 end to end with branch_and_bound on larger instances") {
  std::mt19937_64 rng(1618);
  for (int trial = 0; trial < 20; ++trial) {
    const auto sc = instance_with_samples(std::uniform_int_distribution<int>(12, 20)(rng), rng);
    INFO("trial " << trial << ": |U| = " << sc.universe_size() << ", M = " << sc.num_subsets());
    check_chain(sc, krelu::Method::branch_and_bound);
  }
}
