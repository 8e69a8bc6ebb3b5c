// The weight-space active-set method for a quadratic plus squared hinges, against the same problem lifted
// to a QP (one variable per hinge) and solved by ConvexQp, and against closed-form minimisers.

#include <catch2/catch.hpp>

#include <random>

#include <krelu/qp/convex_qp.hpp>
#include <krelu/qp/kkt.hpp>
#include <krelu/qp/squared_hinge.hpp>

#include "qp_test_support.hpp"

using namespace qptest;
using krelu::detail::CoreOutcome;

namespace {

constexpr double tolerance = 1000 * std::numeric_limits<double>::epsilon();

struct HingeProblem {
  Mat H;
  Vec g;
  Mat A;
  Vec b, c;
  Mat C;
  Vec d;
};

// The lifted QP in x = (w, v): 1/2 w'Hw + g'w + sum c_i v_i^2, v_i >= a_i'w + b_i, v_i >= 0, C w >= d.
Problem lifted(const HingeProblem& p) {
  const Index n = p.H.rows(), h = p.A.rows(), m = p.C.rows();
  Problem q;
  q.H = Mat::Zero(n + h, n + h);
  q.H.topLeftCorner(n, n) = p.H;
  q.g = Vec::Zero(n + h);
  q.g.head(n) = p.g;
  q.C = Mat::Zero(m + 2 * h, n + h);
  q.d = Vec::Zero(m + 2 * h);
  q.C.topLeftCorner(m, n) = p.C;
  q.d.head(m) = p.d;
  for (Index i = 0; i < h; ++i) {
    q.H(n + i, n + i) = 2 * p.c(i);
    q.C(m + 2 * i, n + i) = 1;
    q.C.row(m + 2 * i).head(n) = -p.A.row(i);
    q.d(m + 2 * i) = p.b(i);
    q.C(m + 2 * i + 1, n + i) = 1;
  }
  return q;
}

// The lifted point and multipliers of a weight-space solution (the certificate the trainer checks).
std::pair<Vec, Vec> lift(const HingeProblem& p, const Vec& w, const Vec& lambda) {
  const Index n = w.size(), h = p.A.rows(), m = p.C.rows();
  Vec x(n + h), multipliers = Vec::Zero(m + 2 * h);
  x.head(n) = w;
  multipliers.head(m) = lambda;
  for (Index i = 0; i < h; ++i) {
    x(n + i) = std::max(0.0, p.A.row(i).dot(w) + p.b(i));
    multipliers(m + 2 * i) = 2 * p.c(i) * x(n + i);
  }
  return {x, multipliers};
}

HingeProblem random_problem(std::mt19937_64& rng, Vec& start) {
  HingeProblem p;
  const Index n = uniform_int(rng, 1, 7), h = uniform_int(rng, 0, 9), m = uniform_int(rng, 0, 8);
  const Index fixed = uniform_int(rng, 0, 4);  // H = 2 X'X: singular when fixed < n
  const Mat X = random_matrix(rng, fixed, n);
  p.H = 2 * X.transpose() * X;
  p.g = -2 * X.transpose() * random_matrix(rng, fixed, 1);
  p.A = random_matrix(rng, h, n);
  p.b.resize(h);
  p.c.resize(h);
  for (Index i = 0; i < h; ++i) {
    p.b(i) = uniform_int(rng, 0, 2) == 0 ? 0.0 : -std::abs(normal(rng));  // homogeneous hinges, as in the trainer
    p.c(i) = uniform(rng, 0.1, 3.0);
  }
  p.C = random_matrix(rng, m, n);
  start = Vec::Zero(n);
  p.d = Vec::Zero(m);
  if (uniform_int(rng, 0, 1) == 1) {  // a random feasible start, some rows active there
    start = random_matrix(rng, n, 1);
    for (Index k = 0; k < m; ++k) p.d(k) = p.C.row(k).dot(start) - (uniform_int(rng, 0, 1) ? 0.0 : std::abs(normal(rng)));
  }
  return p;
}

}  // namespace

TEST_CASE("squared hinges: closed-form minimisers", "[qp][hinge]") {
  krelu::detail::SquaredHingeCore<double> core;
  std::vector<Index> working;
  Vec lambda;
  int iterations = 0;
  SECTION("one variable: (w - 3)^2 + 2 max(0, w - 1)^2 has its minimum at w = 5/3") {
    HingeProblem p{Mat::Constant(1, 1, 2.0), Vec::Constant(1, -6.0), Mat::Ones(1, 1), Vec::Constant(1, -1.0),
                   Vec::Constant(1, 2.0), Mat(0, 1), Vec(0)};
    Vec w = Vec::Zero(1);
    REQUIRE(core.solve(p.H, p.g, p.A, p.b, p.c, p.C, p.d, tolerance, 100, w, working, lambda, iterations) ==
            CoreOutcome::optimal);
    CHECK(w(0) == Approx(5.0 / 3.0).epsilon(1e-14));
  }
  SECTION("a constraint that binds: min (w0 - 2)^2 + w1^2 + max(0, w0 + w1)^2 s.t. w1 >= 1") {
    // on w1 = 1: d/dw0 [(w0 - 2)^2 + (w0 + 1)^2] = 0 at w0 = 1/2; multiplier 2 w1 + 2 (w0 + w1) = 5
    HingeProblem p{2 * Mat::Identity(2, 2), Vec(Eigen::Vector2d(-4, 0)), Mat::Ones(1, 2), Vec::Zero(1),
                   Vec::Ones(1), Mat(Eigen::RowVector2d(0, 1)), Vec::Ones(1)};
    Vec w(Eigen::Vector2d(0, 3));
    REQUIRE(core.solve(p.H, p.g, p.A, p.b, p.c, p.C, p.d, tolerance, 100, w, working, lambda, iterations) ==
            CoreOutcome::optimal);
    CHECK(w(0) == Approx(0.5).epsilon(1e-14));
    CHECK(w(1) == Approx(1.0).epsilon(1e-14));
    CHECK(lambda(0) == Approx(5.0).epsilon(1e-13));
  }
}

TEST_CASE("squared hinges: the lifted solution is a KKT point with ConvexQp's objective", "[qp][hinge]") {
  std::mt19937_64 rng(2027);
  krelu::detail::SquaredHingeCore<double> core;
  int compared = 0, certified = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    Vec start;
    const HingeProblem p = random_problem(rng, start);
    const Problem q = lifted(p);
    krelu::qp::ConvexQp<double> reference;
    reference.compute(q.H, q.g, q.C, q.d);
    if (reference.info() != krelu::qp::QpStatus::optimal) continue;  // (all are: the objective is >= its minimum)
    ++compared;
    Vec w = start, lambda;
    std::vector<Index> working;
    for (Index k = 0; k < p.C.rows(); ++k) working.push_back(k);
    int iterations = 0;
    const CoreOutcome outcome =
        core.solve(p.H, p.g, p.A, p.b, p.c, p.C, p.d, tolerance, 2000, w, working, lambda, iterations);
    CAPTURE(trial, p.H.rows(), p.A.rows(), p.C.rows(), iterations);
    REQUIRE(outcome == CoreOutcome::optimal);
    const auto [x, multipliers] = lift(p, w, lambda);
    const double residual = krelu::qp::kkt_residuals(q.H, q.g, q.C, q.d, {}, x, multipliers, Vec(0)).max();
    // the trainer accepts only certified solutions; minima of 0 reached at w -> 0 along a cone of hinges
    // can end at rounding level where the relative residual is meaningless (then the QP solver takes over)
    if (residual > 1e4 * tolerance) continue;
    ++certified;
    const double objective = 0.5 * x.dot(q.H * x) + q.g.dot(x);
    CHECK(std::abs(objective - reference.objective()) <=
          1e-9 * std::max({1.0, std::abs(objective), std::abs(reference.objective())}));
    if (p.C.rows() > 0)
      CHECK((p.C * w - p.d).minCoeff() >= -1e-12 * (1 + p.d.cwiseAbs().maxCoeff() + w.cwiseAbs().maxCoeff()));
  }
  CHECK(compared == 3000);
  CHECK(certified >= compared * 995 / 1000);
}
