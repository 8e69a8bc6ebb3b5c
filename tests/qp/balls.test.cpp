// ConvexQp with Euclidean ball constraints: agreement with independent methods (an interior-point method
// and FISTA in long double, a dense grid in two variables), exact feasibility ||x_b|| <= radius (1 + 1e-12),
// KKT residuals, singular Hessians, and active as well as inactive balls.

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "qp_test_support.hpp"

using namespace qptest;
using krelu::qp::ConvexQp;
using krelu::qp::QpStatus;

namespace {

// Random partition of n variables into 1..3 consecutive blocks, each a ball of random radius.
std::vector<Ball> random_balls(std::mt19937_64& rng, Index n, bool cover_all) {
  std::vector<Ball> balls;
  Index start = 0;
  while (start < n) {
    const Index len = uniform_int(rng, 1, int(n - start));
    if (cover_all || uniform_int(rng, 0, 3) != 0) balls.push_back(Ball{start, len, uniform(rng, 0.2, 2.0)});
    start += len;
  }
  return balls;
}

void check_balls_feasible(const Problem& p, const Vec& x) {
  for (const auto& b : p.balls) CHECK(x.segment(b.start, b.length).norm() <= b.radius * (1 + 1e-12));
}

struct Counts {
  int active = 0, inactive = 0;
  void add(const Problem& p, const ConvexQp<double>& qp) {
    for (std::size_t b = 0; b < p.balls.size(); ++b) (qp.ball_multipliers()(Index(b)) > 0 ? active : inactive) += 1;
  }
};

}  // namespace

TEST_CASE("balls only: agreement with FISTA in long double, singular H", "[qp][balls]") {
  std::mt19937_64 rng(404);
  ConvexQp<double> qp;
  Counts counts;
  for (int rep = 0; rep < 120; ++rep) {
    Problem p;
    const Index n = uniform_int(rng, 1, 6);
    p.H = random_psd(rng, n, uniform_int(rng, 0, int(n)));
    p.g = random_matrix(rng, n, 1) * uniform(rng, 0.05, 3.0);
    p.C = Mat(0, n);
    p.d = Vec(0);
    p.balls = random_balls(rng, n, true);
    qp.compute(p.H, p.g, p.C, p.d, p.balls);
    REQUIRE(qp.info() == QpStatus::optimal);
    const Vec& x = qp.solution();
    check_balls_feasible(p, x);
    CHECK(independent_kkt(p, x, qp.multipliers(), qp.ball_multipliers()) <= 1e-8);
    CHECK(qp.kkt().max() <= 1e-8);
    const VecL ref = fista_balls(p, 200000);
    const double scale = objective_scale(p.H, p.g, x) + 1e-300;
    // the reference is feasible, so it cannot beat the optimum; and it converges to it
    CHECK(qp.objective() <= static_cast<double>(objective_l(p, ref)) + 1e-12 * scale);
    CHECK(std::abs(qp.objective() - static_cast<double>(objective_l(p, ref))) <= 1e-9 * scale);
    counts.add(p, qp);
  }
  CHECK(counts.active > 30);
  CHECK(counts.inactive > 30);
}

TEST_CASE("balls with homogeneous trainer constraints: agreement with an interior-point method", "[qp][balls]") {
  std::mt19937_64 rng(2024);
  ConvexQp<double> qp;
  Counts counts;
  for (int rep = 0; rep < 80; ++rep) {
    const Index k = uniform_int(rng, 1, 3), dim = uniform_int(rng, 1, 3);
    const Index samples = uniform_int(rng, 1, 6);
    Pattern s = random_pattern(rng, samples, dim, k);
    // a pattern realised by a random network w0 with a strictly feasible cone: P_ij = [<w0_j, x_i> > 0]
    const Mat W0 = random_matrix(rng, k, dim);
    for (Index i = 0; i < samples; ++i)
      for (Index j = 0; j < k; ++j) s.P[std::size_t(i)][std::size_t(j)] = W0.row(j).dot(s.X.row(i)) > 0 ? 1 : 0;
    if (rep % 4 == 0) s.a(k - 1) = -s.a(0);  // opposite signs: H has coupled null directions
    Problem p = pattern_problem(s);
    const double radius = uniform(rng, 0.1, 3.0);
    for (Index j = 0; j < k; ++j) p.balls.push_back(Ball{j * dim, dim, radius * uniform(rng, 0.5, 1.5)});
    qp.compute(p.H, p.g, p.C, p.d, p.balls);
    REQUIRE(qp.info() == QpStatus::optimal);
    const Vec& x = qp.solution();
    check_balls_feasible(p, x);
    CHECK(independent_kkt(p, x, qp.multipliers(), qp.ball_multipliers()) <= 1e-8);
    CHECK(qp.kkt().max() <= 1e-8);
    // strictly feasible start for the interior-point method: w0 scaled into every ball
    Vec x0(k * dim);
    for (Index j = 0; j < k; ++j)
      x0.segment(j * dim, dim) = W0.row(j).transpose() * (0.5 * p.balls[std::size_t(j)].radius / W0.row(j).norm());
    const double scale = objective_scale(p.H, p.g, x) + objective_scale(p.H, p.g, x0) + 1e-300;
    const long double t = 1e-13L * scale / double(p.C.rows() + k);
    const VecL ref = barrier_solve(p, x0, t);
    const double qref = static_cast<double>(objective_l(p, ref));
    CHECK(qp.objective() <= qref + 1e-12 * scale);
    CHECK(qref - qp.objective() <= 1e-9 * scale);
    counts.add(p, qp);
  }
  CHECK(counts.active > 20);
  CHECK(counts.inactive > 20);
}

TEST_CASE("balls with general linear constraints: agreement with an interior-point method", "[qp][balls]") {
  std::mt19937_64 rng(555);
  ConvexQp<double> qp;
  Counts counts;
  for (int rep = 0; rep < 80; ++rep) {
    const Index n = uniform_int(rng, 1, 6), m = uniform_int(rng, 0, 6);
    Problem p;
    p.H = random_psd(rng, n, uniform_int(rng, 0, int(n)));
    p.g = random_matrix(rng, n, 1) * uniform(rng, 0.1, 3.0);
    p.balls = random_balls(rng, n, true);
    // strictly feasible point inside every ball, rows with positive slack there
    Vec x0 = random_matrix(rng, n, 1);
    for (const auto& b : p.balls)
      x0.segment(b.start, b.length) *= uniform(rng, 0.1, 0.9) * b.radius / x0.segment(b.start, b.length).norm();
    p.C = random_matrix(rng, m, n);
    p.d = p.C * x0 - (random_matrix(rng, m, 1).cwiseAbs() * 0.3 + Vec::Constant(m, 1e-3));
    qp.compute(p.H, p.g, p.C, p.d, p.balls);
    REQUIRE(qp.info() == QpStatus::optimal);
    const Vec& x = qp.solution();
    check_balls_feasible(p, x);
    CHECK(independent_kkt(p, x, qp.multipliers(), qp.ball_multipliers()) <= 1e-8);
    CHECK(qp.kkt().max() <= 1e-8);
    const double scale = objective_scale(p.H, p.g, x) + objective_scale(p.H, p.g, x0) + 1e-300;
    const long double t = 1e-13L * scale / double(m + Index(p.balls.size()));
    const VecL ref = barrier_solve(p, x0, t);
    const double qref = static_cast<double>(objective_l(p, ref));
    CHECK(qp.objective() <= qref + 1e-12 * scale);
    CHECK(qref - qp.objective() <= 1e-9 * scale);
    counts.add(p, qp);
  }
  CHECK(counts.active > 20);
  CHECK(counts.inactive > 20);
}

TEST_CASE("two variables: no point of a dense grid beats the solution", "[qp][balls]") {
  std::mt19937_64 rng(42);
  ConvexQp<double> qp;
  for (int rep = 0; rep < 20; ++rep) {
    Problem p;
    p.H = random_psd(rng, 2, uniform_int(rng, 0, 2));
    p.g = random_matrix(rng, 2, 1);
    const double radius = uniform(rng, 0.3, 1.5);
    p.balls = {Ball{0, 2, radius}};
    p.C = random_matrix(rng, 2, 2);
    p.d = Vec::Zero(2);  // a cone through the origin
    qp.compute(p.H, p.g, p.C, p.d, p.balls);
    REQUIRE(qp.info() == QpStatus::optimal);
    check_balls_feasible(p, qp.solution());
    double grid_best = std::numeric_limits<double>::infinity();
    const int steps = 600;
    for (int a = -steps; a <= steps; ++a)
      for (int b = -steps; b <= steps; ++b) {
        const double z0 = radius * a / steps, z1 = radius * b / steps;
        if (z0 * z0 + z1 * z1 > radius * radius) continue;
        if (p.C(0, 0) * z0 + p.C(0, 1) * z1 < p.d(0) || p.C(1, 0) * z0 + p.C(1, 1) * z1 < p.d(1)) continue;
        const double q =
            0.5 * (p.H(0, 0) * z0 * z0 + 2 * p.H(0, 1) * z0 * z1 + p.H(1, 1) * z1 * z1) + p.g(0) * z0 + p.g(1) * z1;
        grid_best = std::min(grid_best, q);
      }
    const double scale = objective_scale(p.H, p.g, qp.solution()) + 1e-300;
    CHECK(qp.objective() <= grid_best + 1e-12 * scale);
    // and the grid comes close: the optimum is a limit of feasible grid points
    CHECK(grid_best - qp.objective() <= 0.05 * (scale + std::abs(grid_best)) + 1e-9);
  }
}

TEST_CASE("a block with zero Hessian and zero gradient stays inside its ball", "[qp][balls]") {
  // unit 2 is inactive on every sample: its block of H and g vanish, any w_2 in the cone is optimal
  std::mt19937_64 rng(9);
  ConvexQp<double> qp;
  for (int rep = 0; rep < 30; ++rep) {
    const Index dim = uniform_int(rng, 1, 3);
    Pattern s = random_pattern(rng, 4, dim, 2);
    for (auto& row : s.P) row[1] = 0;
    Problem p = pattern_problem(s);
    p.balls = {Ball{0, dim, 0.5}, Ball{dim, dim, 0.5}};
    qp.warm_start_point(random_matrix(rng, 2 * dim, 1) * 5.0);  // far outside the balls
    qp.compute(p.H, p.g, p.C, p.d, p.balls);
    REQUIRE(qp.info() == QpStatus::optimal);
    check_balls_feasible(p, qp.solution());
    CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), qp.ball_multipliers()) <= 1e-8);
  }
}
