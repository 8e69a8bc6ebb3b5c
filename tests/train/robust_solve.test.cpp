#include "krelu/train/robust_solve.hpp"

#include <catch2/catch.hpp>
#include <random>

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

TEST_CASE("complementarity_gap: hand values for rows and balls") {
  // x = (1.5, 1) with C x >= d: x_0 >= 1 (slack 0.5, lambda 2), x_1 >= 1 (slack 0, lambda 7),
  // x_0 + x_1 >= 5 (slack -2.5: violated, counts 0), and a ball ||x|| <= 2 with mu = 1.
  Matrix C(3, 2);
  C << 1, 0, 0, 1, 1, 1;
  const Vector d = Eigen::Vector3d(1, 1, 5);
  const Vector x = Eigen::Vector2d(1.5, 1), lambda = Eigen::Vector3d(2, 7, 3), mu = Vector::Constant(1, 1.0);
  const std::vector<krelu::qp::BallConstraint<double>> none, ball{{0, 2, 2.0}};
  CHECK(krelu::detail::complementarity_gap(C, d, none, x, lambda, Vector(0)) == Approx(1.0));
  // + mu (r^2 - ||x||^2) / 2 = (4 - 3.25) / 2
  CHECK(krelu::detail::complementarity_gap(C, d, ball, x, lambda, mu) == Approx(1.0 + 0.375));
  // negative multipliers count 0
  CHECK(krelu::detail::complementarity_gap(C, d, none, x, Vector(-lambda), Vector(0)) == 0.0);
}

TEST_CASE("the objective less the complementarity gap is a lower bound at any stationary feasible point") {
  // min 1/2 ||x - t||^2 s.t. x >= 0: minimum 1/2 sum_{t_i < 0} t_i^2. At x >= max(t, 0), lambda = x - t >= 0
  // makes (x, lambda) stationary, so the Lagrangian there is the dual value, at most the minimum; x is
  // far from optimal, so the objective alone is far above it.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> extra(0.0, 2.0);
  const std::vector<krelu::qp::BallConstraint<double>> none;
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 1 + trial % 5;
    const Vector t = Vector::NullaryExpr(n, [&] { return normal(rng); });
    const Vector x = t.cwiseMax(0.0) + Vector::NullaryExpr(n, [&] { return extra(rng); });
    const Vector lambda = x - t;
    const double objective = 0.5 * (x - t).squaredNorm();
    const double minimum = 0.5 * t.cwiseMin(0.0).squaredNorm();
    const double gap = krelu::detail::complementarity_gap(Matrix(Matrix::Identity(n, n)), Vector(Vector::Zero(n)),
                                                          none, x, lambda, Vector(0));
    CAPTURE(trial, objective, minimum, gap);
    CHECK(objective - gap <= minimum + 1e-14);
    CHECK(objective > minimum);
  }
}

TEST_CASE("robust_solve: a rejected gap escalates to the next attempt and keeps the smallest gap") {
  // min 1/2 x'x - x_0 s.t. x_0 + x_1 >= 2: the minimum is at (1.5, 0.5) with lambda = 0.5.
  const Matrix H = Matrix::Identity(2, 2);
  const Vector g = Eigen::Vector2d(-1, 0);
  Matrix C(1, 2);
  C << 1, 1;
  const Vector d = Vector::Constant(1, 2.0);
  const std::vector<krelu::qp::BallConstraint<double>> none;
  krelu::qp::ConvexQp<double> solver;
  Vector x;
  double gap = -1;
  std::uint64_t attempts = 0;
  const auto never = [](const Vector&, double) { return false; };
  REQUIRE(krelu::detail::robust_solve(solver, H, g, C, d, none, attempts, x, &gap, never));
  CHECK(attempts == 3);  // warm, cold, long double
  CHECK(x(0) == Approx(1.5));
  CHECK(x(1) == Approx(0.5));
  CHECK(gap >= 0.0);
  CHECK(gap <= 1e-15);
  attempts = 0;
  REQUIRE(krelu::detail::robust_solve(solver, H, g, C, d, none, attempts, x, &gap));
  CHECK(attempts == 1);  // any gap is good enough by default
}
