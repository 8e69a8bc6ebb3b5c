// ConvexQp on linear constraints: agreement with brute force over all active sets, KKT residuals checked
// independently, singular Hessians, degenerate and redundant constraints, infeasible and unbounded problems,
// argument validation, and larger problems.

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "qp_test_support.hpp"

using namespace qptest;
using krelu::qp::ConvexQp;
using krelu::qp::QpStatus;

namespace {

struct Tally {
  int solved = 0;
  double worst_kkt = 0, worst_gap = 0;
};

// Solves p, checks status, both KKT residuals and the brute-force objective.
void check_against_brute_force(const Problem& p, ConvexQp<double>& qp, Tally& tally) {
  qp.compute(p.H, p.g, p.C, p.d);
  INFO("n = " << p.H.rows() << ", m = " << p.C.rows() << ", rank H = " << Eigen::FullPivLU<Mat>(p.H).rank());
  REQUIRE(qp.info() == QpStatus::optimal);
  const Vec& x = qp.solution();
  const double kkt = independent_kkt(p, x, qp.multipliers(), Vec());
  CHECK(kkt <= 1e-8);
  CHECK(qp.kkt().max() <= 1e-8);
  CHECK(qp.objective() == Approx(objective(p.H, p.g, x)).margin(1e-12 * (1 + objective_scale(p.H, p.g, x))));
  for (Eigen::Index k = 0; k < p.C.rows(); ++k) CHECK(qp.multipliers()(k) >= 0);
  // the multipliers vanish off the active set
  for (Eigen::Index k = 0; k < p.C.rows(); ++k)
    if (qp.multipliers()(k) > 0)
      CHECK(std::find(qp.active_set().begin(), qp.active_set().end(), k) != qp.active_set().end());
  double best = 0;
  Vec best_x;
  REQUIRE(brute_force(p, best, best_x));
  const double scale = std::max({objective_scale(p.H, p.g, x), objective_scale(p.H, p.g, best_x), 1e-300});
  const double gap = std::abs(qp.objective() - best) / scale;
  CHECK(gap <= 1e-9);
  ++tally.solved;
  tally.worst_kkt = std::max(tally.worst_kkt, kkt);
  tally.worst_gap = std::max(tally.worst_gap, gap);
}

}  // namespace

TEST_CASE("random small QPs agree with brute force over all active sets", "[qp]") {
  std::mt19937_64 rng(20240611);
  ConvexQp<double> qp;
  Tally tally;
  for (int rep = 0; rep < 60; ++rep) {
    for (const Family family : {Family::homogeneous, Family::general, Family::degenerate_optimum}) {
      const Index n = uniform_int(rng, 1, 5);
      const Index rank = uniform_int(rng, 0, int(n));  // 0..n: singular in most cases
      const Index m = uniform_int(rng, 0, 8);
      const int redundant = m >= 2 ? uniform_int(rng, 0, 2) : 0;
      const Problem p = random_problem(rng, n, m, rank, family, false, redundant);
      check_against_brute_force(p, qp, tally);
    }
  }
  CHECK(tally.solved == 180);
  INFO("worst KKT " << tally.worst_kkt << ", worst objective gap " << tally.worst_gap);
  SUCCEED();
}

TEST_CASE("general linear terms with singular H are bounded by a box and agree with brute force", "[qp]") {
  std::mt19937_64 rng(77);
  ConvexQp<double> qp;
  Tally tally;
  for (int rep = 0; rep < 100; ++rep) {
    const Index n = uniform_int(rng, 1, 3);
    const Index rank = uniform_int(rng, 0, int(n) - 1);
    const Index m = 2 * n + uniform_int(rng, 0, 2);
    const Problem p = random_problem(rng, n, m, rank, rep % 2 ? Family::general : Family::homogeneous, true, 0);
    check_against_brute_force(p, qp, tally);
  }
  CHECK(tally.solved == 100);
}

TEST_CASE("homogeneous trainer-like problems (one sign pattern) agree with brute force", "[qp]") {
  std::mt19937_64 rng(5);
  ConvexQp<double> qp;
  Tally tally;
  for (int rep = 0; rep < 120; ++rep) {
    const Index k = uniform_int(rng, 1, 2), dim = uniform_int(rng, 1, 3);
    const Index samples = uniform_int(rng, 1, int(8 / k));
    Pattern s = random_pattern(rng, samples, dim, k);
    if (rep % 3 == 0 && samples >= 2) {  // duplicate and parallel samples: duplicate constraint rows
      s.X.row(1) = (rep % 2 ? 2.0 : 1.0) * s.X.row(0);
      s.P[1] = s.P[0];
    }
    const Problem p = pattern_problem(s);
    check_against_brute_force(p, qp, tally);
    // x = 0 is feasible with every constraint active: the objective can only improve on 0
    CHECK(qp.objective() <= 1e-12 * (1 + objective_scale(p.H, p.g, qp.solution())));
  }
  CHECK(tally.solved == 120);
}

TEST_CASE("many constraints through the optimum: known KKT point is recovered", "[qp]") {
  std::mt19937_64 rng(99);
  ConvexQp<double> qp;
  for (int rep = 0; rep < 100; ++rep) {
    const Index n = uniform_int(rng, 2, 6);
    const Index m = uniform_int(rng, n + 1, 3 * n + 2);  // more rows through x* than variables
    const Index rank = uniform_int(rng, 0, int(n));
    Problem p;
    p.H = random_psd(rng, n, rank);
    p.C = random_matrix(rng, m, n);
    const Vec xs = random_matrix(rng, n, 1);
    p.d = p.C * xs;  // every row passes through x*
    Vec lambda = Vec::Zero(m);
    for (Index k = 0; k < m; ++k)
      if (uniform_int(rng, 0, 2) == 0) lambda(k) = std::abs(normal(rng));
    p.g = p.C.transpose() * lambda - p.H * xs;
    qp.compute(p.H, p.g, p.C, p.d);
    REQUIRE(qp.info() == QpStatus::optimal);
    CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), Vec()) <= 1e-8);
    const double scale = objective_scale(p.H, p.g, xs) + objective_scale(p.H, p.g, qp.solution());
    CHECK(std::abs(qp.objective() - objective(p.H, p.g, xs)) <= 1e-9 * scale);
  }
}

// A branch-and-bound relaxation (one-sided bounds v_i >= sum_S <w, x_i> - y_i on 1-d inputs, cost v^2) whose
// minimum 0 is attained with a zero gradient: the solution's gradient and multipliers are all rounding
// noise (1e-17), which the KKT certificate must not mistake for a relative residual of 0.5.
TEST_CASE("a minimiser with a zero gradient on degenerate constraints is certified", "[qp]") {
  Mat H = Mat::Zero(7, 7);
  for (Index i = 3; i < 7; ++i) H(i, i) = 2;
  const Vec g = Vec::Zero(7);
  const Eigen::Vector4d y(1.0, 0.936547, 0.823282, 0.932814);
  Mat C = Mat::Zero(14, 7);
  Vec d = Vec::Zero(14);
  C(0, 0) = C(1, 1) = 1;
  for (Index s = 0; s < 4; ++s) {  // per sample: v_s >= w0 + w1 - w2 - y_s, v_s >= w0 + w1 - y_s, v_s >= 0
    C.row(2 + 3 * s) << 1, 1, -1, 0, 0, 0, 0;
    C.row(3 + 3 * s) << 1, 1, 0, 0, 0, 0, 0;
    C(2 + 3 * s, 3 + s) = C(3 + 3 * s, 3 + s) = C(4 + 3 * s, 3 + s) = 1;
    d(2 + 3 * s) = d(3 + 3 * s) = y(s);
  }
  ConvexQp<double> qp;
  qp.compute(H, g, C, d);
  REQUIRE(qp.info() == QpStatus::optimal);
  CHECK(qp.objective() <= 1e-30);
  CHECK(qp.kkt().max() <= 1e-12);
  CHECK((C * qp.solution() - d).minCoeff() >= -1e-15);
}

TEST_CASE("infeasible constraints are reported as infeasible", "[qp]") {
  std::mt19937_64 rng(3);
  ConvexQp<double> qp;
  for (int rep = 0; rep < 50; ++rep) {
    const Index n = uniform_int(rng, 1, 5), m = uniform_int(rng, 1, 6);
    Problem p = random_problem(rng, n, m, uniform_int(rng, 0, int(n)), Family::general, false, 0);
    // add the contradiction C_a x <= d_a - 1 (with C_a x >= d_a)
    const Index a = uniform_int(rng, 0, int(p.C.rows()) - 1);
    const Index m0 = p.C.rows();
    p.C.conservativeResize(m0 + 1, Eigen::NoChange);
    p.d.conservativeResize(m0 + 1);
    p.C.row(m0) = -p.C.row(a);
    p.d(m0) = -p.d(a) + 1.0;
    qp.compute(p.H, p.g, p.C, p.d);
    CHECK(qp.info() == QpStatus::infeasible);
  }
  // a zero row with a positive right-hand side
  Mat H = Mat::Identity(2, 2), C = Mat::Zero(1, 2);
  Vec g = Vec::Zero(2), d = Vec::Ones(1);
  CHECK(qp.compute(H, g, C, d).info() == QpStatus::infeasible);
  // a ball that misses the half-space x_0 >= 2
  C = Mat::Zero(1, 2);
  C(0, 0) = 1;
  d(0) = 2;
  CHECK(qp.compute(H, g, C, d, {Ball{0, 2, 1.0}}).info() == QpStatus::infeasible);
  // ... and a feasible neighbour, for contrast
  d(0) = 0.5;
  CHECK(qp.compute(H, g, C, d, {Ball{0, 2, 1.0}}).info() == QpStatus::optimal);
}

TEST_CASE("unbounded problems are reported as unbounded", "[qp]") {
  ConvexQp<double> qp;
  std::mt19937_64 rng(8);
  for (int rep = 0; rep < 30; ++rep) {
    const Index n = uniform_int(rng, 2, 5);
    Problem p;
    p.H = random_psd(rng, n, n - 1);  // one null direction v
    Eigen::FullPivLU<Mat> lu(p.H);
    Vec v = lu.kernel().col(0);
    v.normalize();
    p.g = p.H * random_matrix(rng, n, 1) - v;  // slope -1 along v
    // constraints that v does not cross: rows with C_k v >= 0
    const Index m = uniform_int(rng, 0, 4);
    p.C = random_matrix(rng, m, n);
    for (Index k = 0; k < m; ++k)
      if (p.C.row(k).dot(v) < 0) p.C.row(k) = -p.C.row(k);
    p.d = Vec::Zero(m);
    qp.compute(p.H, p.g, p.C, p.d);
    CHECK(qp.info() == QpStatus::unbounded);
    // one blocking row makes it bounded
    p.C.conservativeResize(m + 1, Eigen::NoChange);
    p.d.conservativeResize(m + 1);
    p.C.row(m) = -v.transpose();
    p.d(m) = -1;
    qp.compute(p.H, p.g, p.C, p.d);
    CHECK(qp.info() == QpStatus::optimal);
    CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), Vec()) <= 1e-8);
  }
}

TEST_CASE("invalid arguments throw std::invalid_argument naming the argument", "[qp]") {
  ConvexQp<double> qp;
  const Mat H = Mat::Identity(4, 4);
  const Vec g = Vec::Zero(4);
  const Mat C = Mat::Ones(3, 4);
  const Vec d = Vec::Zero(3);
  using Catch::Contains;
  CHECK_THROWS_WITH(qp.compute(H, g, Mat::Ones(3, 5), d), Contains("C has 5 columns but H is 4x4"));
  CHECK_THROWS_WITH(qp.compute(H, Vec::Zero(3), C, d), Contains("g has 3 entries but H is 4x4"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, Vec::Zero(2)), Contains("d has 2 entries but C has 3 rows"));
  CHECK_THROWS_WITH(qp.compute(Mat::Identity(4, 3), g, C, d), Contains("H is 4x3"));
  CHECK_THROWS_WITH(qp.compute(Mat(0, 0), Vec(0), Mat(0, 0), Vec(0)), Contains("H is empty"));
  Mat Hn = H;
  Hn(1, 2) = std::nan("");
  CHECK_THROWS_WITH(qp.compute(Hn, g, C, d), Contains("H(1,2) is not finite"));
  Vec gn = g;
  gn(3) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(qp.compute(H, gn, C, d), Contains("g(3) is not finite"));
  Mat Cn = C;
  Cn(2, 0) = std::nan("");
  CHECK_THROWS_WITH(qp.compute(H, g, Cn, d), Contains("C(2,0) is not finite"));
  Vec dn = d;
  dn(1) = -std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(qp.compute(H, g, C, dn), Contains("d(1) is not finite"));
  Mat Ha = H;
  Ha(0, 1) = 0.5;
  CHECK_THROWS_WITH(qp.compute(Ha, g, C, d), Contains("H is not symmetric"));
  Mat Hneg = H;
  Hneg(2, 2) = -1;
  CHECK_THROWS_WITH(qp.compute(Hneg, g, C, d), Contains("not positive semidefinite"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{2, 3, 1.0}}), Contains("balls[0] covers variables [2, 5)"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{-1, 2, 1.0}}), Contains("balls[0] covers variables [-1, 1)"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{0, 0, 1.0}}), Contains("balls[0].length must be >= 1"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{0, 2, 1.0}, Ball{1, 2, 1.0}}),
                    Contains("balls[0] and balls[1] overlap"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{0, 2, 0.0}}), Contains("balls[0].radius must be finite and > 0"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{0, 2, -2.0}}), Contains("balls[0].radius"));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d, {Ball{0, 2, std::nan("")}}), Contains("balls[0].radius"));
  qp.warm_start({0, 7});
  CHECK_THROWS_WITH(qp.compute(H, g, C, d), Contains("warm-start constraint 7 is out of range: C has 3 rows"));
  qp.clear_warm_start();
  qp.warm_start_point(Vec::Zero(3));
  CHECK_THROWS_WITH(qp.compute(H, g, C, d), Contains("warm-start point has 3 entries but H is 4x4"));
  qp.clear_warm_start();
  CHECK_THROWS_WITH(qp.warm_start({-1}), Contains("constraint index -1 is negative"));
  Vec bad = Vec::Zero(4);
  bad(0) = std::nan("");
  CHECK_THROWS_WITH(qp.warm_start_point(bad), Contains("entry 0 is not finite"));
  krelu::qp::QpOptions<double> options;
  options.max_iterations = -1;
  CHECK_THROWS_WITH(ConvexQp<double>(options), Contains("QpOptions.max_iterations"));
  options.max_iterations = 0;
  options.tolerance = 0;
  CHECK_THROWS_WITH(ConvexQp<double>(options), Contains("QpOptions.tolerance"));
  // after all that, the solver still works
  CHECK(qp.compute(H, g, C, d).info() == QpStatus::optimal);
}

TEST_CASE("an iteration budget that is too small is reported", "[qp]") {
  std::mt19937_64 rng(12);
  krelu::qp::QpOptions<double> options;
  options.max_iterations = 1;
  ConvexQp<double> qp(options);
  int limited = 0;
  for (int rep = 0; rep < 20; ++rep) {
    const Problem p = random_problem(rng, 4, 8, 4, Family::general, false, 0);
    qp.compute(p.H, p.g, p.C, p.d);
    if (qp.info() == QpStatus::iteration_limit) {
      ++limited;
      CHECK(qp.iterations() <= 1);
    } else {
      CHECK(qp.info() == QpStatus::optimal);
    }
  }
  CHECK(limited > 0);
}

TEST_CASE("larger problems: KKT residuals and agreement between cold and warm starts", "[qp]") {
  std::mt19937_64 rng(31);
  ConvexQp<double> qp, other;
  for (const auto& [n, m] : {std::pair<Index, Index>{30, 120}, {60, 400}}) {
    for (int rep = 0; rep < 2; ++rep) {
      const Index rank = rep == 0 ? n / 2 : n;
      const Problem p = random_problem(rng, n, m, rank, rep == 0 ? Family::homogeneous : Family::general, false, 3);
      qp.compute(p.H, p.g, p.C, p.d);
      REQUIRE(qp.info() == QpStatus::optimal);
      CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), Vec()) <= 1e-8);
      CHECK(qp.kkt().max() <= 1e-8);
      // a different route to the optimum: start from a random (infeasible) point
      other.warm_start_point(random_matrix(rng, n, 1));
      other.compute(p.H, p.g, p.C, p.d);
      REQUIRE(other.info() == QpStatus::optimal);
      const double scale = objective_scale(p.H, p.g, qp.solution()) + 1e-300;
      CHECK(std::abs(qp.objective() - other.objective()) <= 1e-9 * scale);
    }
  }
}

TEST_CASE("full-size problems (n = 200, m = 2000)", "[qp][.slow]") {
  std::mt19937_64 rng(1);
  ConvexQp<double> qp;
  for (const Family family : {Family::homogeneous, Family::general}) {
    const Problem p = random_problem(rng, 200, 2000, 150, family, false, 10);
    qp.compute(p.H, p.g, p.C, p.d);
    REQUIRE(qp.info() == QpStatus::optimal);
    CHECK(independent_kkt(p, qp.solution(), qp.multipliers(), Vec()) <= 1e-8);
  }
}
