// ConvexQp with long double and 50-digit Boost.Multiprecision scalars: the solutions agree with double's and
// the KKT residuals reach the precision of the type.

#include <catch2/catch.hpp>

#include <random>

#include "qp_test_support.hpp"

#if KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/eigen.hpp>
using Float50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
#define KRELU_QP_SCALARS long double, Float50
#else
#define KRELU_QP_SCALARS long double
#endif

using namespace qptest;
using krelu::qp::ConvexQp;
using krelu::qp::QpStatus;

namespace {

template <class T>
struct Cast {
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using V = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  M H, C;
  V g, d;
  std::vector<krelu::qp::BallConstraint<T>> balls;
  explicit Cast(const Problem& p) : H(p.H.cast<T>()), C(p.C.cast<T>()), g(p.g.cast<T>()), d(p.d.cast<T>()) {
    for (const auto& b : p.balls) balls.push_back({b.start, b.length, T(b.radius)});
  }
};

// Dyadic numbers k/8 with |k| <= 24: products and short sums of them are exact in double, so the problems
// below are the same exact problems in every type (a Hessian A'A is exactly positive semidefinite, with its
// exact rank). Data rounded in double would be positive semidefinite only to double precision, which a wider
// type resolves: a different problem.
double dyadic(std::mt19937_64& rng) { return uniform_int(rng, -24, 24) / 8.0; }
Mat dyadic_matrix(std::mt19937_64& rng, Index r, Index c) {
  Mat M(r, c);
  for (Index j = 0; j < c; ++j)
    for (Index i = 0; i < r; ++i) M(i, j) = dyadic(rng);
  return M;
}

std::vector<Problem> problems(std::mt19937_64& rng, bool with_balls) {
  std::vector<Problem> out;
  for (int rep = 0; rep < 12; ++rep) {
    Problem p;
    if (rep % 2 == 0) {
      // random QP: H = A'A of rank 0..n, g in range(H), homogeneous or general constraints
      const Index n = uniform_int(rng, 1, 5), m = uniform_int(rng, 0, 8), rank = uniform_int(rng, 0, int(n));
      const Mat A = dyadic_matrix(rng, rank, n);
      p.H = A.transpose() * A;
      p.g = p.H * dyadic_matrix(rng, n, 1);
      p.C = dyadic_matrix(rng, m, n);
      const bool homogeneous = rep % 4 == 0;
      const Vec xf = homogeneous ? Vec::Zero(n) : Vec(dyadic_matrix(rng, n, 1));
      p.d = p.C * xf;
      for (Index k = 0; k < m; ++k)
        if (!homogeneous && uniform_int(rng, 0, 1)) p.d(k) -= uniform_int(rng, 1, 8) / 8.0;
      // a small ball through the cone's apex, or a large one around the feasible point
      if (with_balls) p.balls.push_back(Ball{0, n, homogeneous ? uniform_int(rng, 2, 8) / 8.0 : 16.0});
    } else {
      // a pattern problem (two units, six samples in the plane)
      Pattern s = random_pattern(rng, 6, 2, 2);
      s.X = dyadic_matrix(rng, 6, 2);
      for (Index i = 0; i < 6; ++i) {
        s.y(i) = dyadic(rng);
        s.c(i) = uniform_int(rng, 1, 2);
      }
      p = pattern_problem(s);
      if (with_balls) p.balls = {Ball{0, 2, 0.375}, Ball{2, 2, 0.75}};
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("extended precision agrees with double and reaches its own epsilon", "[qp][precision]",
                   KRELU_QP_SCALARS) {
  using T = TestType;
  std::mt19937_64 rng(21);
  const double eps = static_cast<double>(std::numeric_limits<T>::epsilon());
  for (const bool with_balls : {false, true}) {
    for (const Problem& p : problems(rng, with_balls)) {
      ConvexQp<double> reference;
      reference.compute(p.H, p.g, p.C, p.d, p.balls);
      REQUIRE(reference.info() == QpStatus::optimal);
      const Cast<T> q(p);
      ConvexQp<T> qp;
      qp.compute(q.H, q.g, q.C, q.d, q.balls);
      INFO("n = " << p.H.rows() << ", m = " << p.C.rows() << ", balls " << p.balls.size());
      REQUIRE(qp.info() == QpStatus::optimal);
      // KKT residuals at the level of the type's epsilon (default tolerance 1000 eps)
      CHECK(qp.kkt().max() <= 1e4 * eps);
      // the same optimum as in double
      Vec x(p.H.rows());
      for (Index i = 0; i < x.size(); ++i) x(i) = static_cast<double>(qp.solution()(i));
      const double scale = objective_scale(p.H, p.g, x) + objective_scale(p.H, p.g, reference.solution()) + 1e-300;
      CHECK(std::abs(static_cast<double>(qp.objective()) - reference.objective()) <= 1e-9 * scale);
      // and an independent check of the extended-precision point (rounded to double)
      Vec lambda(p.C.rows()), mu(static_cast<Index>(p.balls.size()));
      for (Index k = 0; k < lambda.size(); ++k) lambda(k) = static_cast<double>(qp.multipliers()(k));
      for (Index b = 0; b < mu.size(); ++b) mu(b) = static_cast<double>(qp.ball_multipliers()(b));
      CHECK(independent_kkt(p, x, lambda, mu) <= 1e-8);
      for (const auto& b : q.balls) {
        const T norm = qp.solution().segment(b.start, b.length).norm();
        CHECK(norm <= b.radius * (T(1) + T(1e4) * std::numeric_limits<T>::epsilon()));
      }
    }
  }
}

TEMPLATE_TEST_CASE("extended precision: infeasible and invalid input behave as in double", "[qp][precision]",
                   KRELU_QP_SCALARS) {
  using T = TestType;
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using V = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  ConvexQp<T> qp;
  M H = M::Identity(2, 2), C(2, 2);
  C << T(1), T(0), T(-1), T(0);
  V g = V::Zero(2), d(2);
  d << T(1), T(0);  // x_0 >= 1 and x_0 <= 0
  CHECK(qp.compute(H, g, C, d).info() == QpStatus::infeasible);
  CHECK_THROWS_WITH(qp.compute(H, V::Zero(3), C, d), Catch::Contains("g has 3 entries but H is 2x2"));
}
