// Warm starts of ConvexQp on the trainer's sequences of problems (Gray-code enumeration of activation
// patterns: each problem differs from the previous one by a rank-1 change of H and one negated constraint
// row): same solution as a cold start, fewer iterations.

#include <catch2/catch.hpp>

#include <random>

#include "qp_test_support.hpp"

using namespace qptest;
using krelu::qp::ConvexQp;
using krelu::qp::QpStatus;

namespace {

// A sequence of pattern problems in which consecutive patterns differ in one (sample, unit) activity.
std::vector<Problem> flip_sequence(std::mt19937_64& rng, Index samples, Index dim, Index units, int length,
                                   double radius) {
  Pattern s = random_pattern(rng, samples, dim, units);
  std::vector<Problem> out;
  for (int step = 0; step < length; ++step) {
    Problem p = pattern_problem(s);
    if (radius > 0)
      for (Index j = 0; j < units; ++j) p.balls.push_back(Ball{j * dim, dim, radius});
    out.push_back(p);
    const int i = uniform_int(rng, 0, int(samples) - 1), j = uniform_int(rng, 0, int(units) - 1);
    s.P[std::size_t(i)][std::size_t(j)] ^= 1;
  }
  return out;
}

double same_optimum_scale(const Problem& p, const Vec& a, const Vec& b) {
  return objective_scale(p.H, p.g, a) + objective_scale(p.H, p.g, b) + 1e-300;
}

}  // namespace

TEST_CASE("warm start from the previous active set: same optimum, fewer iterations", "[qp][warm]") {
  std::mt19937_64 rng(11);
  long cold_total = 0, warm_total = 0;
  int warm_not_worse = 0, problems = 0;
  for (const auto& [samples, dim, units] : {std::tuple<Index, Index, Index>{16, 6, 1}, {8, 3, 2}, {5, 2, 3}}) {
    const auto sequence = flip_sequence(rng, samples, dim, units, 150, 0.0);
    ConvexQp<double> warm;
    std::vector<Eigen::Index> previous;
    for (const Problem& p : sequence) {
      ConvexQp<double> cold;
      cold.compute(p.H, p.g, p.C, p.d);
      warm.warm_start(previous);
      warm.compute(p.H, p.g, p.C, p.d);
      previous = warm.active_set();
      REQUIRE(cold.info() == QpStatus::optimal);
      REQUIRE(warm.info() == QpStatus::optimal);
      CHECK(independent_kkt(p, warm.solution(), warm.multipliers(), Vec()) <= 1e-8);
      CHECK(std::abs(cold.objective() - warm.objective()) <=
            1e-9 * same_optimum_scale(p, cold.solution(), warm.solution()));
      cold_total += cold.iterations();
      warm_total += warm.iterations();
      warm_not_worse += warm.iterations() <= cold.iterations() ? 1 : 0;
      ++problems;
    }
  }
  INFO("iterations: cold " << cold_total << ", warm " << warm_total);
  CHECK(warm_total * 2 < cold_total);
  CHECK(warm_not_worse >= problems * 9 / 10);
}

TEST_CASE("warm start with ball constraints (bounded training)", "[qp][warm][balls]") {
  std::mt19937_64 rng(12);
  long cold_total = 0, warm_total = 0;
  for (const double radius : {0.3, 3.0}) {
    const auto sequence = flip_sequence(rng, 8, 3, 2, 100, radius);
    ConvexQp<double> warm;
    std::vector<Eigen::Index> previous;
    for (const Problem& p : sequence) {
      ConvexQp<double> cold;
      cold.compute(p.H, p.g, p.C, p.d, p.balls);
      warm.warm_start(previous);
      warm.compute(p.H, p.g, p.C, p.d, p.balls);
      previous = warm.active_set();
      REQUIRE(cold.info() == QpStatus::optimal);
      REQUIRE(warm.info() == QpStatus::optimal);
      CHECK(independent_kkt(p, warm.solution(), warm.multipliers(), warm.ball_multipliers()) <= 1e-8);
      CHECK(std::abs(cold.objective() - warm.objective()) <=
            1e-9 * same_optimum_scale(p, cold.solution(), warm.solution()));
      cold_total += cold.iterations();
      warm_total += warm.iterations();
    }
  }
  INFO("iterations: cold " << cold_total << ", warm " << warm_total);
  CHECK(warm_total < cold_total);
}

TEST_CASE("warm start from a point, feasible or not, reaches the same optimum", "[qp][warm]") {
  std::mt19937_64 rng(13);
  ConvexQp<double> qp, cold;
  for (int rep = 0; rep < 60; ++rep) {
    const Index n = uniform_int(rng, 1, 6), m = uniform_int(rng, 1, 10);
    const Family family = rep % 2 ? Family::general : Family::homogeneous;
    const Problem p = random_problem(rng, n, m, uniform_int(rng, 0, int(n)), family, false, rep % 3);
    cold.compute(p.H, p.g, p.C, p.d);
    REQUIRE(cold.info() == QpStatus::optimal);
    // from the optimum itself, from a perturbed (usually infeasible) point, and from far away
    for (const double noise : {0.0, 0.1, 10.0}) {
      qp.warm_start_point(cold.solution() + noise * random_matrix(rng, n, 1));
      qp.compute(p.H, p.g, p.C, p.d);
      REQUIRE(qp.info() == QpStatus::optimal);
      CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), Vec()) <= 1e-8);
      CHECK(std::abs(qp.objective() - cold.objective()) <=
            1e-9 * same_optimum_scale(p, qp.solution(), cold.solution()));
    }
    // both hints at once
    qp.warm_start(cold.active_set());
    qp.warm_start_point(cold.solution());
    qp.compute(p.H, p.g, p.C, p.d);
    REQUIRE(qp.info() == QpStatus::optimal);
    CHECK(qp.iterations() <= cold.iterations());
    CHECK(std::abs(qp.objective() - cold.objective()) <= 1e-9 * same_optimum_scale(p, qp.solution(), cold.solution()));
  }
}

TEST_CASE("hints are used once, clear_warm_start forgets them, warm_start_from_previous reuses results", "[qp][warm]") {
  std::mt19937_64 rng(14);
  const auto sequence = flip_sequence(rng, 12, 4, 1, 40, 0.0);
  ConvexQp<double> reference;
  krelu::qp::QpOptions<double> options;
  options.warm_start_from_previous = true;
  ConvexQp<double> automatic(options);
  long cold_total = 0, automatic_total = 0;
  for (const Problem& p : sequence) {
    reference.compute(p.H, p.g, p.C, p.d);
    automatic.compute(p.H, p.g, p.C, p.d);
    REQUIRE(automatic.info() == QpStatus::optimal);
    CHECK(std::abs(reference.objective() - automatic.objective()) <=
          1e-9 * same_optimum_scale(p, reference.solution(), automatic.solution()));
    cold_total += reference.iterations();
    automatic_total += automatic.iterations();
  }
  CHECK(automatic_total < cold_total);

  // a pending hint is consumed by the next compute(); clearing it restores the cold behaviour
  const Problem& p = sequence.back();
  ConvexQp<double> qp;
  qp.compute(p.H, p.g, p.C, p.d);
  const int cold_iterations = qp.iterations();
  const auto active = qp.active_set();
  qp.warm_start(active);
  qp.compute(p.H, p.g, p.C, p.d);
  const int warm_iterations = qp.iterations();
  CHECK(warm_iterations <= cold_iterations);
  qp.compute(p.H, p.g, p.C, p.d);  // no hint any more
  CHECK(qp.iterations() == cold_iterations);
  qp.warm_start(active);
  qp.clear_warm_start();
  qp.compute(p.H, p.g, p.C, p.d);
  CHECK(qp.iterations() == cold_iterations);
}
