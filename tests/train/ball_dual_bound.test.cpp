#include "krelu/train/ball_dual_bound.hpp"

#include <catch2/catch.hpp>
#include <random>

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

namespace {

/// A ball QP like a pattern's: H = 2 Phi' Phi of low rank (singular when samples are few), homogeneous
/// constraints that each involve one block, one ball per block.
struct BallQp {
  Matrix H, C;
  Vector g, d;
  std::vector<krelu::qp::BallConstraint<double>> balls;
};

BallQp random_ball_qp(std::mt19937_64& rng, int blocks, int block_size, int samples, double radius) {
  std::normal_distribution<double> normal;
  const int n = blocks * block_size;
  BallQp q;
  const Matrix Phi = Matrix::NullaryExpr(samples, n, [&] { return normal(rng); });
  const Vector y = Vector::NullaryExpr(samples, [&] { return 3.0 * normal(rng); });
  q.H = 2.0 * Phi.transpose() * Phi;
  q.g = -2.0 * Phi.transpose() * y;
  q.C = Matrix::Zero(blocks * 2, n);
  for (int b = 0; b < blocks; ++b)
    for (int r = 0; r < 2; ++r)
      q.C.row(2 * b + r).segment(b * block_size, block_size) =
          Vector::NullaryExpr(block_size, [&] { return normal(rng); });
  q.d = Vector::Zero(blocks * 2);
  for (int b = 0; b < blocks; ++b) q.balls.push_back({b * block_size, block_size, radius});
  return q;
}

double objective(const BallQp& q, const Vector& x) { return 0.5 * x.dot(q.H * x) + q.g.dot(x); }

}  // namespace

TEST_CASE("ball_dual_bound: every multiplier gives a bound below the minimum, and the steps reach it") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int compared = 0, reached = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int blocks = 1 + trial % 3, size = 2 + trial % 3, samples = 1 + trial % 5;
    const BallQp q = random_ball_qp(rng, blocks, size, samples, 0.2 + unit(rng));
    krelu::qp::ConvexQp<double> exact;
    exact.compute(q.H, q.g, q.C, q.d, q.balls);
    if (exact.info() != krelu::qp::QpStatus::optimal) continue;
    ++compared;
    const double minimum = exact.objective();
    const double scale = std::abs(minimum) + q.g.norm() * q.balls.front().radius;
    const auto value = [&](const Vector& x) { return objective(q, x); };
    std::uint64_t qps = 0;
    // one step each from arbitrary multipliers: valid, however far from the best
    for (int draw = 0; draw < 5; ++draw) {
      const Vector mu =
          Vector::NullaryExpr(blocks, [&] { return draw == 0 ? 0.0 : std::pow(10.0, 4 * unit(rng) - 3); });
      const auto one = krelu::detail::ball_dual_bound(q.H, q.g, q.C, q.d, q.balls, mu,
                                                      std::numeric_limits<double>::infinity(), value, 1, qps);
      if (one.found) CHECK(one.bound <= minimum + 1e-12 * scale);
    }
    // from zero multipliers, asked to reach the minimum
    const auto best = krelu::detail::ball_dual_bound(q.H, q.g, q.C, q.d, q.balls, Vector(Vector::Zero(blocks)),
                                                     minimum - 1e-9 * scale, value, 400, qps);
    REQUIRE(best.found);
    CHECK(best.bound <= minimum + 1e-12 * scale);
    if (best.bound >= minimum - 1e-9 * scale) ++reached;
  }
  CHECK(compared >= 150);
  CHECK(reached == compared);
}

TEST_CASE("ball_dual_bound: a zero multiplier on a block without curvature is raised, not reported") {
  // H = 0 on the second block and g pulls it outward: with mu = 0 the relaxed problem is unbounded; the
  // bound comes from a positive multiplier. Minimum: x_0 at the ball's edge towards -g_0, likewise x_1.
  Matrix H = Matrix::Zero(4, 4);
  H.topLeftCorner(2, 2) = Eigen::Matrix2d::Identity() * 2.0;
  const Vector g = Eigen::Vector4d(-4, 0, 0, -1);
  const Matrix C(0, 4);
  const Vector d(0);
  const std::vector<krelu::qp::BallConstraint<double>> balls{{0, 2, 1.0}, {2, 2, 0.5}};
  // x_0 = (1, 0) (unconstrained minimiser (2, 0) is outside), x_1 = (0, 0.5): 1 - 4 - 0.5
  const double minimum = -3.5;
  std::uint64_t qps = 0;
  const auto value = [&](const Vector& x) { return 0.5 * x.dot(H * x) + g.dot(x); };
  const auto out =
      krelu::detail::ball_dual_bound(H, g, C, d, balls, Vector(Vector::Zero(2)), minimum - 1e-12, value, 60, qps);
  REQUIRE(out.found);
  CHECK(out.bound <= minimum + 1e-12);
  CHECK(out.bound >= minimum - 1e-12);
  CHECK(out.x.isApprox(Eigen::Vector4d(1, 0, 0, 0.5), 1e-9));
  CHECK(qps > 1);  // the unbounded first attempt counts
}
