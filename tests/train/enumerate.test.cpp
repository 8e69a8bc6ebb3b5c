// Lemma 22 by enumeration, checked against independent baselines on real instances.
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <krelu/train/exact.hpp>

#include <random>
#include <tuple>

#include "test_instances.hpp"

namespace {

/// Plain (sub)gradient descent from one random start, projected onto the ball when bounded: an
/// independent upper bound on the optimum (it is a real network's loss).
double gradient_descent(const krelu::SampleSet<double>& s, const Eigen::VectorXd& a, std::optional<double> radius,
                        std::mt19937_64& rng, int iterations) {
  const int k = static_cast<int>(a.size()), n = static_cast<int>(s.dim()), m = static_cast<int>(s.size());
  std::normal_distribution<double> g;
  Eigen::MatrixXd W = Eigen::MatrixXd::NullaryExpr(k, n, [&] { return g(rng); });
  const double total = s.total_weight();
  const Eigen::MatrixXd& X = s.inputs();
  double step = 0.5, best = std::numeric_limits<double>::infinity();
  for (int it = 0; it < iterations; ++it) {
    if (radius)
      for (int j = 0; j < k; ++j)
        if (W.row(j).norm() > *radius) W.row(j) *= *radius / W.row(j).norm();
    const Eigen::MatrixXd Z = X * W.transpose();
    const Eigen::VectorXd f = Z.cwiseMax(0.0) * a;
    const Eigen::VectorXd r = f - s.labels();
    best = std::min(best, (s.weights().array() * r.array().square()).sum() / total);
    Eigen::MatrixXd grad = Eigen::MatrixXd::Zero(k, n);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < k; ++j)
        if (Z(i, j) > 0) grad.row(j) += 2.0 * s.weight(i) * r(i) * a(j) * X.row(i) / total;
    W -= step * grad;
    if (it % 100 == 99) step *= 0.7;
  }
  return best;
}

krelu::TrainOptions<double> options(int k, krelu::Signs signs, std::optional<double> radius) {
  krelu::TrainOptions<double> o;
  o.units = k;
  o.signs = std::move(signs);
  o.radius = radius;
  o.method = krelu::Method::enumerate;
  return o;
}

}  // namespace

TEST_CASE("planted noiseless data is fitted to loss <= 1e-12") {
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 6; ++trial) {
    const bool two = trial % 2 == 1;
    Eigen::VectorXd a = Eigen::VectorXd::Ones(two ? 2 : 1);
    if (two) a(1) = -1;
    const auto s = krelu_test::planted(two ? 5 : 10, 3, a, 0.0, rng);
    const auto r = krelu::train_exact(s, options(two ? 2 : 1, krelu::Signs::free(), std::nullopt));
    CAPTURE(trial);
    CHECK(r.status == krelu::Status::optimal);
    CHECK(r.loss <= 1e-12);
    CHECK(r.lower_bound <= r.loss);
    CHECK(krelu::loss(r.network, s) == r.loss);
  }
}

TEST_CASE("exact optimum beats 2000 gradient-descent restarts on 200 tiny random instances") {
  std::mt19937_64 rng(77);
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int k = trial % 3 == 0 ? 2 : 1;
    const int m = k == 2 ? 2 + trial % 4 : 3 + trial % 6;  // k = 2: m <= 5; k = 1: m <= 8
    const int n = 1 + trial % 3;
    const bool bounded = trial % 4 >= 2;
    const bool fixed = trial % 5 == 0;
    const auto s = krelu_test::random_instance(m, n, rng, trial % 2 == 0);
    std::optional<double> radius = bounded ? std::optional<double>(0.8) : std::nullopt;
    krelu::Signs signs = krelu::Signs::free();
    if (fixed) signs = k == 2 ? krelu::Signs::fixed({1, -1}) : krelu::Signs::fixed({-1});
    const auto r = krelu::train_exact(s, options(k, signs, radius));
    CAPTURE(trial, m, n, k, bounded, fixed);
    REQUIRE(r.status == krelu::Status::optimal);
    // the loss is attained by the returned network
    CHECK(krelu::loss(r.network, s) == Approx(r.loss).epsilon(1e-12));
    CHECK(r.lower_bound <= r.loss);
    if (bounded) CHECK(r.network.row_norms().maxCoeff() <= 0.8 * (1 + 1e-12));
    if (fixed) {
      for (int j = 0; j < k; ++j) CHECK(r.network.signs()(j) == signs.values()[static_cast<std::size_t>(j)]);
    }
    // 2000 restarts over the admissible sign vectors
    double best_gd = std::numeric_limits<double>::infinity();
    const auto candidates = signs.candidates(k);
    for (int restart = 0; restart < 2000; ++restart) {
      const auto& av = candidates[static_cast<std::size_t>(restart) % candidates.size()];
      Eigen::VectorXd a(k);
      for (int j = 0; j < k; ++j) a(j) = av[static_cast<std::size_t>(j)];
      best_gd = std::min(best_gd, gradient_descent(s, a, radius, rng, 60));
    }
    CHECK(r.loss <= best_gd + 1e-12 * (1 + best_gd));
    ++checked;
  }
  CHECK(checked == 200);
}

TEST_CASE("1-ReLU optimum matches a fine grid search for n = 1 and n = 2") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 1 + trial % 2;
    const bool bounded = trial % 4 >= 2;
    const auto s = krelu_test::random_instance(6, n, rng, true);
    const auto r = krelu::train_exact(s, options(1, krelu::Signs::fixed({1}), bounded ? std::optional<double>(1.0) : std::nullopt));
    REQUIRE(r.status == krelu::Status::optimal);
    // the box holds the exact minimiser; the grid's error is at most Lipschitz * half a cell diagonal
    const double range = bounded ? 1.0 : 1.5 * r.network.weights().norm() + 0.5;
    const int steps = n == 1 ? 200000 : 1500;
    double lipschitz = 0;
    for (int i = 0; i < 6; ++i)
      lipschitz += 2 * s.weight(i) * s.row(i).norm() * (std::abs(s.label(i)) + s.row(i).norm() * range * std::sqrt(n));
    lipschitz /= s.total_weight();
    const double grid_error = lipschitz * (2 * range / steps) * std::sqrt(n) / 2;
    double best = std::numeric_limits<double>::infinity();
    Eigen::MatrixXd W(1, n);
    for (int p = 0; p <= steps; ++p)
      for (int q = 0; q <= (n == 2 ? steps : 0); ++q) {
        W(0, 0) = -range + 2 * range * p / steps;
        if (n == 2) W(0, 1) = -range + 2 * range * q / steps;
        if (bounded && W.norm() > 1.0) continue;
        best = std::min(best, krelu::loss(krelu::Network<double>(W, Eigen::VectorXd::Ones(1)), s));
      }
    CAPTURE(trial, n, bounded, r.loss, best, grid_error);
    CHECK(r.loss <= best + 1e-12);
    CHECK(best - r.loss <= grid_error);
  }
}

TEST_CASE("enumeration refuses more patterns than the cap before starting") {
  std::mt19937_64 rng(1);
  const auto s = krelu_test::random_instance(30, 2, rng, false);
  auto o = options(1, krelu::Signs::free(), std::nullopt);
  const auto r = krelu::train_exact(s, o);
  CHECK(r.status == krelu::Status::pattern_limit);
  CHECK(r.qps == 0);
  CHECK_THAT(r.message, Catch::Contains("pattern_limit"));
  CHECK(r.lower_bound == 0.0);
  CHECK(krelu::loss(r.network, s) == r.loss);
}

TEST_CASE("time limit and cancellation return the best network so far") {
  std::mt19937_64 rng(3);
  const auto s = krelu_test::random_instance(9, 2, rng, false);
  auto o = options(2, krelu::Signs::free(), std::nullopt);
  o.time_limit_seconds = 0.02;
  const auto r = krelu::train_exact(s, o);
  CHECK(r.status == krelu::Status::time_limit);
  CHECK(r.patterns < (std::uint64_t{4} << 18));
  CHECK(krelu::loss(r.network, s) == Approx(r.loss).epsilon(1e-12));
  CHECK(r.loss <= krelu::detail::label_scale_loss<double>(s));
  auto c = options(2, krelu::Signs::free(), std::nullopt);
  int calls = 0;
  c.cancel = [&] { return ++calls > 3; };
  const auto rc = krelu::train_exact(s, c);
  CHECK(rc.status == krelu::Status::cancelled);
  CHECK(rc.patterns <= 5 * 1024);
}

TEST_CASE("options validation names the field") {
  std::mt19937_64 rng(3);
  const auto s = krelu_test::random_instance(4, 2, rng, false);
  auto o = options(0, krelu::Signs::free(), std::nullopt);
  CHECK_THROWS_WITH(krelu::train_exact(s, o), Catch::Contains("units"));
  o = options(2, krelu::Signs::fixed({1, 0}), std::nullopt);
  CHECK_THROWS_WITH(krelu::train_exact(s, o), Catch::Contains("+1 or -1"));
  o = options(2, krelu::Signs::fixed({1}), std::nullopt);
  CHECK_THROWS_WITH(krelu::train_exact(s, o), Catch::Contains("units = 2"));
  o = options(1, krelu::Signs::free(), -1.0);
  CHECK_THROWS_WITH(krelu::train_exact(s, o), Catch::Contains("radius"));
  o = options(1, krelu::Signs::free(), std::nullopt);
  o.time_limit_seconds = 0;
  CHECK_THROWS_WITH(krelu::train_exact(s, o), Catch::Contains("time_limit_seconds"));
}

TEST_CASE("dense and sparse storage give the same optimum") {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 10; ++trial) {
    const auto s = krelu_test::random_instance(5, 2, rng, true);
    krelu::SampleSet<double, krelu::Sparse> sp(s);
    const auto o = options(2, krelu::Signs::free(), std::nullopt);
    CHECK(krelu::train_exact(sp, o).loss == Approx(krelu::train_exact(s, o).loss).epsilon(1e-10));
  }
}

namespace {

/// The pattern problem of Theorem 8's reduction for one pattern of its single unit, in scaled units.
struct SetCoverPatterns {
  krelu::detail::ScaledSamples<double> scaled;
  int sign;
  SetCoverPatterns(int universe, int subsets, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    const auto red = krelu::reductions::reduce(krelu::problems::random_set_cover(universe, subsets, 0.3, rng));
    scaled = krelu::detail::scaled_copy<double>(red.samples);
    sign = red.signs.front();
  }
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> pattern(std::uint64_t bits) const {
    Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> P(scaled.size(), 1);
    for (Eigen::Index i = 0; i < scaled.size(); ++i) P(i, 0) = (bits >> i) & 1U;
    return P;
  }
};

}  // namespace

// With 0/1 inputs, homogeneous cell constraints (all active at w = 0) and a descent of 1e-4 of the
// gradient's size, the active set used to cycle on a few patterns of these instances (iteration limit).
TEST_CASE("degenerate pattern problems of Set Cover reductions are solved cold, without cycling") {
  for (const auto [universe, subsets, seed] : {std::tuple{7, 5, 5}, std::tuple{8, 6, 3}}) {
    const SetCoverPatterns sc(universe, subsets, static_cast<std::uint64_t>(seed));
    krelu::detail::PatternProblem<double> problem(sc.scaled, 1);
    krelu::qp::ConvexQp<double> qp;
    std::uint64_t not_optimal = 0;
    const std::uint64_t count = std::uint64_t{1} << sc.scaled.size();
    for (std::uint64_t bits = 0; bits < count; ++bits) {
      problem.assemble({sc.sign}, sc.pattern(bits));
      qp.compute(problem.hessian(), problem.gradient(), problem.constraints(), problem.rhs());
      if (qp.info() != krelu::qp::QpStatus::optimal) ++not_optimal;
    }
    INFO("|U| = " << universe << ", M = " << subsets << ", seed " << seed << ", " << count << " patterns");
    CHECK(not_optimal == 0);
  }
  // three patterns that cycled, against the long double solution
  const SetCoverPatterns sc(12, 7, 1);
  krelu::detail::ScaledSamples<long double> wide;
  wide.x = sc.scaled.x.cast<long double>();
  wide.y = sc.scaled.y.cast<long double>();
  wide.c = sc.scaled.c.cast<long double>();
  wide.zero_row = sc.scaled.zero_row;
  krelu::detail::PatternProblem<double> problem(sc.scaled, 1);
  krelu::detail::PatternProblem<long double> wide_problem(wide, 1);
  for (const std::uint64_t bits : {0x87c5aULL, 0x90543ULL, 0x99548ULL}) {
    problem.assemble({sc.sign}, sc.pattern(bits));
    wide_problem.assemble({sc.sign}, sc.pattern(bits));
    krelu::qp::ConvexQp<double> qp;
    krelu::qp::ConvexQp<long double> wide_qp;
    qp.compute(problem.hessian(), problem.gradient(), problem.constraints(), problem.rhs());
    wide_qp.compute(wide_problem.hessian(), wide_problem.gradient(), wide_problem.constraints(), wide_problem.rhs());
    INFO("pattern 0x" << std::hex << bits);
    REQUIRE(qp.info() == krelu::qp::QpStatus::optimal);
    REQUIRE(wide_qp.info() == krelu::qp::QpStatus::optimal);
    // the optimum lies below 0 (the value at w = 0, where the cycling stopped) by 1e-9 .. 1e-7; double
    // finds it to the accuracy its data allow (the gradient is 1e4 times larger than that descent)
    CHECK(wide_qp.objective() < -1e-9L);
    CHECK(std::abs(qp.objective() - static_cast<double>(wide_qp.objective())) <=
          1e-6 * std::abs(static_cast<double>(wide_qp.objective())));
  }
}
