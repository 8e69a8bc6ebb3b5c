// Reproducibility of train_exact: one thread gives the same bits twice; two threads give the same
// optimum within the gap tolerance.
#include "stress_support.hpp"

#include <algorithm>

using namespace krelu_stress;

namespace {

bool same_bits(const krelu::TrainResult<double>& a, const krelu::TrainResult<double>& b) {
  return a.loss == b.loss && a.lower_bound == b.lower_bound && a.status == b.status &&
         a.network.weights() == b.network.weights() && a.network.signs() == b.network.signs() && a.nodes == b.nodes &&
         a.qps == b.qps && a.patterns == b.patterns;
}

/// `threaded`: large enough (samples x units >= 32) that the search really uses its threads.
Instance instance(int trial, std::mt19937_64& rng, bool threaded = false) {
  Instance inst;
  vary_problem(inst, trial, 0.8);
  int m = inst.units == 1 ? 12 : 8;  // branch-and-bound only: a little larger than the enumeration limit
  if (threaded) m = std::max(m, (32 + inst.units - 1) / inst.units);
  Eigen::VectorXd c = (gaussian(m, 1, rng).array().abs() + 0.1).matrix();
  inst.samples = krelu::SampleSet<double>(gaussian(m, 3, rng), gaussian(m, 1, rng), c);
  return inst;
}

}  // namespace

TEST_CASE("one thread: two runs give bitwise identical results") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    const auto inst = instance(trial, rng);
    for (auto method : {krelu::Method::branch_and_bound, krelu::Method::enumerate}) {
      if (method == krelu::Method::enumerate && inst.samples.size() * inst.units > 12) continue;
      auto opt = options_of(inst, method);
      opt.seed = 1234;
      const auto first = krelu::train_exact(inst.samples, opt);
      const auto second = krelu::train_exact(inst.samples, opt);
      CAPTURE(trial, static_cast<int>(method), first.loss, second.loss, krelu::to_string(first.status));
      CHECK(first.status == krelu::Status::optimal);
      CHECK(same_bits(first, second));
    }
  }
}

TEST_CASE("two threads: the same optimum within the gap tolerance") {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 12; ++trial) {
    const auto inst = instance(trial, rng, true);
    REQUIRE(!krelu::detail::is_tiny_search(inst.samples.size(), inst.units));
    auto one = options_of(inst, krelu::Method::branch_and_bound);
    auto two = one;
    two.threads = 2;
    const auto r1 = krelu::train_exact(inst.samples, one);
    const auto r2 = krelu::train_exact(inst.samples, two);
    CAPTURE(trial, r1.loss, r2.loss, r1.lower_bound, r2.lower_bound);
    REQUIRE(r1.status == krelu::Status::optimal);
    REQUIRE(r2.status == krelu::Status::optimal);
    const double scale = krelu::detail::label_scale_loss<double>(inst.samples);
    // each result's loss is a real network's, each bound a proof: they must interleave
    const double allowed =
        krelu::detail::gap_tolerance(one, r1.loss, scale) + krelu::detail::gap_tolerance(two, r2.loss, scale);
    CHECK(r1.loss - r2.lower_bound <= allowed);
    CHECK(r2.loss - r1.lower_bound <= allowed);
    const auto again = krelu::train_exact(inst.samples, two);
    CHECK(again.status == krelu::Status::optimal);
    CHECK(std::abs(again.loss - r2.loss) <= allowed);
  }
}
