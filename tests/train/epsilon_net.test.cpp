#include <krelu/train/epsilon_net.hpp>
#include <krelu/train/exact.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

namespace {

/// m samples in the unit ball of R^n (random direction, radius uniform in [0.2, 1]), labels from a
/// planted ReLU with ||w|| <= 1 plus Gaussian noise of the given level, weights in [0.5, 2].
krelu::SampleSet<double> ball_instance(int m, int n, double noise, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> radius(0.2, 1.0), weight(0.5, 2.0);
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(m, n, [&] { return g(rng); });
  for (int i = 0; i < m; ++i) X.row(i) *= radius(rng) / X.row(i).norm();
  Eigen::VectorXd w = Eigen::VectorXd::NullaryExpr(n, [&] { return g(rng); });
  w *= std::uniform_real_distribution<double>(0.3, 1.0)(rng) / w.norm();
  Eigen::VectorXd y(m), c(m);
  for (int i = 0; i < m; ++i) {
    y(i) = std::max(0.0, X.row(i).dot(w)) + noise * g(rng);
    c(i) = weight(rng);
  }
  return krelu::SampleSet<double>(X, y, c);
}

double loss_at(const krelu::SampleSet<double>& s, const Eigen::VectorXd& w) {
  double total = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const double r = std::max(0.0, s.inputs().row(i).dot(w)) - s.label(i);
    total += s.weight(i) * r * r;
  }
  return total / s.weights().sum();
}

/// Exact minimum of the bounded 1-ReLU loss in one dimension: for w >= 0 only samples with x > 0
/// are active and the loss is a quadratic in w, minimised at the clamped ratio; likewise for w <= 0.
double exact_minimum_1d(const krelu::SampleSet<double>& s) {
  double best = std::numeric_limits<double>::infinity();
  for (double side : {1.0, -1.0}) {
    double sxy = 0, sxx = 0;
    for (Eigen::Index i = 0; i < s.size(); ++i) {
      const double x = s.inputs()(i, 0);
      if (side * x > 0) {
        sxy += s.weight(i) * x * s.label(i);
        sxx += s.weight(i) * x * x;
      }
    }
    double w = sxx > 0 ? sxy / sxx : 0;
    w = side > 0 ? std::clamp(w, 0.0, 1.0) : std::clamp(w, -1.0, 0.0);
    best = std::min(best, loss_at(s, Eigen::VectorXd::Constant(1, w)));
  }
  return best;
}

/// Minimum over a square grid of the given spacing restricted to the disc: an upper bound on the
/// true minimum, and within lipschitz * spacing / sqrt(2) of it.
double fine_grid_minimum_2d(const krelu::SampleSet<double>& s, double spacing) {
  const int steps = static_cast<int>(std::floor(1.0 / spacing));
  double best = std::numeric_limits<double>::infinity();
  Eigen::Vector2d w;
  for (int a = -steps; a <= steps; ++a)
    for (int b = -steps; b <= steps; ++b) {
      w << a * spacing, b * spacing;
      if (w.squaredNorm() > 1.0) continue;
      best = std::min(best, loss_at(s, w));
    }
  return best;
}

double max_abs_label(const krelu::SampleSet<double>& s) { return s.labels().cwiseAbs().maxCoeff(); }

}  // namespace

TEST_CASE("epsilon net in one dimension: guarantee against the exact minimum", "[epsilon_net]") {
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const double noise = seed % 4 == 0 ? 0.0 : 0.05 * static_cast<double>(seed % 5);
    const auto s = ball_instance(12, 1, noise, seed);
    const double exact = exact_minimum_1d(s);
    for (double epsilon : {0.2, 0.02, 0.002}) {
      const auto r = krelu::train_epsilon_net(s, epsilon);
      INFO("seed " << seed << " epsilon " << epsilon << " loss " << r.loss << " exact " << exact);
      CHECK(r.loss == krelu::loss(r.network, s));
      CHECK(r.guarantee <= epsilon);
      CHECK(r.guarantee >= 0);
      CHECK(r.lower_bound == Approx(r.loss - r.guarantee).margin(1e-15));
      CHECK(r.loss - exact <= r.guarantee);   // the promise
      CHECK(r.lower_bound <= exact + 1e-15);  // the lower bound is valid
      CHECK(r.loss >= exact - 1e-15);         // nothing in the ball beats the minimum
      CHECK(r.network.row_norms()(0) <= 1 + 1e-15);
      CHECK(r.network.signs()(0) == 1.0);
      CHECK(r.lipschitz <= 2 * max_abs_label(s) + 2);  // the constant of the remark
      // In one dimension the grid is {z h : |z h| <= 1 + r}: count it independently.
      CHECK(r.points == static_cast<std::uint64_t>(2 * std::floor((1 + r.covering_radius) / r.spacing) + 1));
    }
  }
}

TEST_CASE("epsilon net in two dimensions: guarantee against a much finer grid", "[epsilon_net]") {
  const double fine = 2e-3;
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    const double noise = seed % 3 == 0 ? 0.0 : 0.1;
    const auto s = ball_instance(10, 2, noise, 100 + seed);
    const double reference = fine_grid_minimum_2d(s, fine);  // >= true minimum
    for (double epsilon : {0.3, 0.05}) {
      const auto r = krelu::train_epsilon_net(s, epsilon);
      const double reference_error = r.lipschitz * fine / std::sqrt(2.0);  // true minimum >= reference - this
      INFO("seed " << seed << " epsilon " << epsilon << " loss " << r.loss << " reference " << reference);
      CHECK(r.guarantee <= epsilon);
      CHECK(r.loss - reference <= r.guarantee + 1e-15);
      CHECK(r.lower_bound <= reference + 1e-15);
      CHECK(r.loss >= reference - reference_error);
      CHECK(r.covering_radius == Approx(r.spacing * std::sqrt(2.0) / 2));
      // Independent count of the grid points h z with ||h z|| <= 1 + r.
      const int steps = static_cast<int>(std::ceil((1 + r.covering_radius) / r.spacing)) + 1;
      std::uint64_t count = 0;
      for (int a = -steps; a <= steps; ++a)
        for (int b = -steps; b <= steps; ++b)
          if (std::hypot(a * r.spacing, b * r.spacing) <= 1 + r.covering_radius) ++count;
      CHECK(r.points == count);
    }
  }
}

TEST_CASE("epsilon net: the small-loss (Minkowski) bound is tight on nearly realizable data", "[epsilon_net]") {
  // Noiseless planted data: the minimum is 0, and the guarantee must shrink to the order of r^2,
  // far below the Lipschitz bound Lambda r = epsilon.
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto s = ball_instance(15, 2, 0.0, 500 + seed);
    const auto r = krelu::train_epsilon_net(s, 0.05);
    CHECK(r.lower_bound == 0.0);
    CHECK(r.guarantee == r.loss);
    CHECK(r.loss <= std::pow(r.covering_radius, 2) + 1e-15);  // (sqrt(0) + rho_max r)^2
    CHECK(r.guarantee < 0.05);
  }
}

TEST_CASE("epsilon net: dense and sparse storage, long double", "[epsilon_net]") {
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto dense = ball_instance(10, 2, 0.1, 900 + seed);
    const krelu::SampleSet<double, krelu::Sparse> sparse(dense);
    const auto a = krelu::train_epsilon_net(dense, 0.1);
    const auto b = krelu::train_epsilon_net(sparse, 0.1);
    CHECK(a.network.weights() == b.network.weights());
    CHECK(a.points == b.points);
    const krelu::SampleSet<long double> wide(dense.inputs().cast<long double>(), dense.labels().cast<long double>(),
                                             dense.weights().cast<long double>());
    const auto c = krelu::train_epsilon_net(wide, 0.1L);
    CHECK(c.guarantee <= 0.1L);
    CHECK(static_cast<double>(c.loss) == Approx(a.loss).margin(0.1));
    CHECK(std::abs(static_cast<double>(c.lower_bound) - a.lower_bound) <= 0.1);
  }
}

TEST_CASE("epsilon net refuses bad input and oversized nets", "[epsilon_net]") {
  const auto s = ball_instance(5, 2, 0.1, 1);
  CHECK_THROWS_AS(krelu::train_epsilon_net(s, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(krelu::train_epsilon_net(s, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(krelu::train_epsilon_net(s, std::numeric_limits<double>::infinity()), std::invalid_argument);
  krelu::EpsilonNetOptions small;
  small.max_points = 100;
  CHECK_THROWS_AS(krelu::train_epsilon_net(s, 0.01, small), std::invalid_argument);
  small.max_points = 0;
  CHECK_THROWS_AS(krelu::train_epsilon_net(s, 0.5, small), std::invalid_argument);
  // Ten dimensions at epsilon = 0.01: far more than 1e8 points, refused before any evaluation.
  const auto big = ball_instance(5, 10, 0.1, 2);
  CHECK_THROWS_AS(krelu::train_epsilon_net(big, 0.01), std::invalid_argument);
  Eigen::MatrixXd X(2, 2);
  X << 0.5, 0.5, 1.0, 0.1;  // second sample has norm > 1
  const krelu::SampleSet<double> outside(X, Eigen::Vector2d(1, 0));
  CHECK_THROWS_AS(krelu::train_epsilon_net(outside, 0.1), std::invalid_argument);
  const krelu::SampleSet<double> empty(2);
  CHECK_THROWS_AS(krelu::train_epsilon_net(empty, 0.1), std::invalid_argument);
}

TEST_CASE("epsilon net: zero inputs make every w optimal", "[epsilon_net]") {
  const krelu::SampleSet<double> s(Eigen::MatrixXd::Zero(3, 2), Eigen::Vector3d(1, -2, 0.5));
  const auto r = krelu::train_epsilon_net(s, 0.1);
  CHECK(r.guarantee == 0.0);
  CHECK(r.loss == Approx((1 + 4 + 0.25) / 3));
}

TEST_CASE("epsilon net guarantee against train_exact (bounded 1-ReLU, sign +1)", "[epsilon_net]") {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const int n = 1 + static_cast<int>(seed % 3);  // n = 1, 2, 3
    const auto s = ball_instance(8, n, seed % 2 == 0 ? 0.2 : 0.02, 2000 + seed);
    krelu::TrainOptions<double> opt;
    opt.signs = krelu::Signs::all_plus();
    opt.radius = 1.0;
    opt.method = krelu::Method::enumerate;
    const auto exact = krelu::train_exact(s, opt);
    REQUIRE(exact.status == krelu::Status::optimal);
    const double epsilon = n == 3 ? 0.2 : 0.05;
    const auto r = krelu::train_epsilon_net(s, epsilon);
    INFO("seed " << seed << " n " << n << " net " << r.loss << " exact " << exact.loss);
    CHECK(r.loss - exact.loss <= r.guarantee + 1e-9);
    CHECK(r.lower_bound <= exact.loss + 1e-9);
    CHECK(r.loss >= exact.lower_bound - 1e-9);
  }
}
