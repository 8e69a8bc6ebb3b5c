// The kernels behind ConvexQp: updatable QR, rank-revealing pivoted Cholesky with minimum-norm solves, and
// nonnegative least squares; plus the KKT residual function. Each is checked against an independent
// computation (Eigen's SVD / complete orthogonal decomposition, brute force over supports).

#include <catch2/catch.hpp>

#include <random>

#include <krelu/qp/active_set.hpp>
#include <krelu/qp/kkt.hpp>
#include <krelu/qp/linear_algebra.hpp>

#include "qp_test_support.hpp"

using namespace qptest;

TEST_CASE("ColumnQR stays an orthogonal factorisation under appends and removals", "[qp][linalg]") {
  std::mt19937_64 rng(1);
  krelu::detail::ColumnQR<double> qr;
  for (int rep = 0; rep < 50; ++rep) {
    const Index n = uniform_int(rng, 1, 9);
    qr.reset(n);
    std::vector<Vec> columns;
    for (int op = 0; op < 40; ++op) {
      if (uniform_int(rng, 0, 2) != 0 && Index(columns.size()) < n) {
        Vec a = random_matrix(rng, n, 1);
        if (!columns.empty() && uniform_int(rng, 0, 4) == 0) {
          // a combination of present columns is rejected
          a = 2.0 * columns.front() - 0.5 * columns.back();
          CHECK_FALSE(qr.append(a, 1e-10));
          continue;
        }
        REQUIRE(qr.append(a, 1e-10));
        columns.push_back(a);
      } else if (!columns.empty()) {
        const Index j = uniform_int(rng, 0, int(columns.size()) - 1);
        qr.remove(j);
        columns.erase(columns.begin() + j);
      }
      const Index t = qr.size();
      REQUIRE(t == Index(columns.size()));
      const Mat& Q = qr.Q();
      CHECK((Q.transpose() * Q - Mat::Identity(n, n)).cwiseAbs().maxCoeff() <= 1e-12);
      for (Index c = 0; c < t; ++c) {
        // column c = Q[:, 0..c] R[0..c, c]
        const Vec rebuilt = Q.leftCols(c + 1) * qr.R().col(c).head(c + 1);
        CHECK((rebuilt - columns[std::size_t(c)]).cwiseAbs().maxCoeff() <=
              1e-12 * (1 + columns[std::size_t(c)].norm()));
      }
      // least-squares coefficients agree with an independent solve
      if (t > 0) {
        Mat A(n, t);
        for (Index c = 0; c < t; ++c) A.col(c) = columns[std::size_t(c)];
        const Vec v = random_matrix(rng, n, 1);
        Vec z(n);
        qr.coefficients(v, z);
        const Vec ref = A.colPivHouseholderQr().solve(v);
        CHECK((z.head(t) - ref).cwiseAbs().maxCoeff() <= 1e-9 * (1 + ref.cwiseAbs().maxCoeff()));
      }
    }
  }
}

TEST_CASE("ColumnQR reports the reflection by which an append changed the null-space basis", "[qp][linalg]") {
  std::mt19937_64 rng(11);
  krelu::detail::ColumnQR<double> qr;
  for (int rep = 0; rep < 30; ++rep) {
    const Index n = uniform_int(rng, 1, 9);
    qr.reset(n);
    for (Index t = 0; t < n; ++t) {
      const Mat before = qr.Q().rightCols(n - t);
      REQUIRE(qr.append(random_matrix(rng, n, 1), 1e-10));
      // [q, Z_new] = Z_old P with P = I - beta v v'
      const Vec v = qr.last_reflector();
      REQUIRE(v.size() == n - t);
      const Mat P = Mat::Identity(n - t, n - t) - qr.last_beta() * v * v.transpose();
      CHECK((before * P - qr.Q().rightCols(n - t)).cwiseAbs().maxCoeff() <= 1e-12);
    }
  }
}

TEST_CASE("active set: the reduced Hessian kept up to date across working-set changes is Z'HZ of the final face",
          "[qp][linalg]") {
  // Cold starts at x = 0 (strictly feasible) with the unconstrained minimiser far outside: many rows join the
  // working set and some leave, each changing the reduced Hessian by an update instead of a recomputation.
  std::mt19937_64 rng(12);
  int steps = 0;
  for (int rep = 0; rep < 60; ++rep) {
    const Index n = uniform_int(rng, 2, 8), m = 3 * n;
    const bool singular = rep % 3 == 2;
    const Mat A = random_matrix(rng, singular ? n / 2 + 1 : n, n);
    const Mat H = A.transpose() * A + (singular ? 0.0 : 0.1) * Mat::Identity(n, n);
    const Vec g = 20.0 * random_matrix(rng, n, 1);
    const Mat C = random_matrix(rng, m, n);
    Vec d(m);
    for (Index k = 0; k < m; ++k) d(k) = -uniform(rng, 0.1, 1.0);
    krelu::detail::ActiveSetCore<double> core;
    Vec x = Vec::Zero(n), lambda;
    std::vector<Index> working;
    int iterations = 0;
    const auto outcome = core.solve(H, g, C, d, 1000 * std::numeric_limits<double>::epsilon(), 10000, x, working,
                                    lambda, iterations);
    if (outcome != krelu::detail::CoreOutcome::optimal) continue;  // unbounded (singular H): no final face
    steps += iterations;
    const Index k = n - Index(working.size());
    if (k == 0) continue;
    const Mat Z = core.null_space();
    const Mat M = Z.transpose() * H * Z;
    auto& fac = core.reduced();
    const Index rank = Eigen::ColPivHouseholderQR<Mat>(M).setThreshold(1e-9).rank();
    REQUIRE(fac.rank() == rank);
    // b in the range of M: the factor's minimum-norm solve returns u with M u = b
    const Vec b = M * random_matrix(rng, k, 1);
    Vec u(k), e(k - fac.rank());
    fac.solve(b, u, e);
    CHECK((M * u - b).cwiseAbs().maxCoeff() <= 1e-9 * (1 + b.cwiseAbs().maxCoeff()));
  }
  CHECK(steps > 200);  // the solves did change their working sets many times
}

TEST_CASE("PsdFactor reveals the rank and gives the pseudo-inverse solution", "[qp][linalg]") {
  std::mt19937_64 rng(2);
  krelu::detail::PsdFactor<double> f;
  for (int rep = 0; rep < 200; ++rep) {
    const Index k = uniform_int(rng, 1, 8), rank = uniform_int(rng, 0, int(k));
    const Mat M = random_psd(rng, k, rank);
    const double scale = std::max(M.diagonal().maxCoeff(), 1e-300);
    f.compute(M, 1e-12 * scale, 1e-8 * scale);
    CHECK(f.rank() == rank);
    CHECK_FALSE(f.indefinite());
    const Vec b = random_matrix(rng, k, 1);
    Vec u(k), e(k - f.rank()), v(k);
    f.solve(b, u, e);
    // u = M^+ b (minimum-norm least squares), independently from a complete orthogonal decomposition
    Eigen::CompleteOrthogonalDecomposition<Mat> cod(M);
    cod.setThreshold(1e-10);
    const Vec ref = cod.pseudoInverse() * b;
    CHECK((u - ref).cwiseAbs().maxCoeff() <= 1e-7 * (1 + ref.cwiseAbs().maxCoeff()));
    // consistent right-hand sides have e = 0 and are solved exactly
    const Vec rb = M * random_matrix(rng, k, 1);
    f.solve(rb, u, e);
    if (e.size() > 0) CHECK(e.cwiseAbs().maxCoeff() <= 1e-9 * (1 + rb.cwiseAbs().maxCoeff()));
    CHECK((M * u - rb).cwiseAbs().maxCoeff() <= 1e-9 * (1 + rb.cwiseAbs().maxCoeff()));
    // null directions: M v = 0 and b'v = ||e||^2 for e = N'P'b
    if (f.rank() < k) {
      f.solve(b, u, e);
      f.null_direction(e, v);
      CHECK((M * v).cwiseAbs().maxCoeff() <= 1e-9 * (1 + v.norm()) * scale);
      CHECK(b.dot(v) == Approx(e.squaredNorm()).epsilon(1e-9));
    }
  }
  // an indefinite matrix is reported
  Mat A = Mat::Identity(3, 3);
  A(2, 2) = -1;
  f.compute(A, 1e-12, 1e-8);
  CHECK(f.indefinite());
}

TEST_CASE("NNLS agrees with brute force over all supports", "[qp][linalg]") {
  std::mt19937_64 rng(3);
  krelu::detail::Nnls<double> nnls;
  for (int rep = 0; rep < 200; ++rep) {
    const Index n = uniform_int(rng, 1, 5), p = uniform_int(rng, 1, 7);
    Mat E = random_matrix(rng, n, p);
    if (p >= 2 && rep % 3 == 0) E.col(1) = E.col(0) * 2.0;  // dependent columns
    const Vec f = random_matrix(rng, n, 1);
    Vec z(p);
    std::vector<Index> start;
    if (rep % 2) start = {0, p - 1};  // warm-start guesses must not change the answer
    REQUIRE(nnls.solve(E, f, 1e-12, z, start));
    CHECK(z.minCoeff() >= 0);
    const double value = (E * z - f).norm();
    // brute force: least squares on every support, keep the nonnegative solutions
    double best = f.norm();
    for (unsigned mask = 1; mask < (1u << p); ++mask) {
      std::vector<Index> cols;
      for (Index j = 0; j < p; ++j)
        if ((mask >> j) & 1u) cols.push_back(j);
      Mat A(n, Index(cols.size()));
      for (std::size_t c = 0; c < cols.size(); ++c) A.col(Index(c)) = E.col(cols[c]);
      const Vec y = A.completeOrthogonalDecomposition().solve(f);
      if (y.minCoeff() < -1e-12) continue;
      best = std::min(best, (A * y - f).norm());
    }
    CHECK(value <= best + 1e-10 * (1 + f.norm()));
    // KKT of NNLS: w = E'(f - E z) <= 0, and w_j = 0 where z_j > 0
    const Vec w = E.transpose() * (f - E * z);
    CHECK(w.maxCoeff() <= 1e-9 * (1 + f.norm()) * (1 + E.norm()));
  }
}

TEST_CASE("kkt_residuals: zero at a KKT point, each violation measured in relative terms", "[qp][kkt]") {
  // min 1/2 ||x||^2 - (2, 0)'x  s.t.  -x_0 >= -1 (x_0 <= 1): x = (1, 0), lambda = 1
  Mat H = Mat::Identity(2, 2), C(1, 2);
  C << -1, 0;
  Vec g(2), d(1), x(2), lambda(1), mu(0);
  g << -2, 0;
  d << -1;
  x << 1, 0;
  lambda << 1;
  const std::vector<krelu::qp::BallConstraint<double>> none;
  auto r = krelu::qp::kkt_residuals(H, g, C, d, none, x, lambda, mu);
  CHECK(r.max() == 0.0);
  // wrong multiplier: stationarity residual 0.5 against the terms |Hx| + |g| + |C'lambda| = 1 + 2 + 0.5
  lambda << 0.5;
  r = krelu::qp::kkt_residuals(H, g, C, d, none, x, lambda, mu);
  CHECK(r.stationarity == Approx(0.5 / 3.5));
  // infeasible point: x_0 = 1.5 violates by 0.5 against max(|d|, ||C||_1 ||x||_inf) = 1.5
  x << 1.5, 0;
  lambda << 0;
  r = krelu::qp::kkt_residuals(H, g, C, d, none, x, lambda, mu);
  CHECK(r.primal_feasibility == Approx(1.0 / 3.0));
  // negative multiplier
  x << 1, 0;
  lambda << -1;
  r = krelu::qp::kkt_residuals(H, g, C, d, none, x, lambda, mu);
  CHECK(r.dual_sign > 0);
  // ball: min 1/2 ||x - (2, 0)||^2 s.t. ||x|| <= 1: x = (1, 0), mu = 1 (x - (2,0) + mu x = 0)
  const std::vector<krelu::qp::BallConstraint<double>> ball = {{0, 2, 1.0}};
  Mat C0(0, 2);
  Vec d0(0), l0(0), m1(1);
  m1 << 1;
  r = krelu::qp::kkt_residuals(H, g, C0, d0, ball, x, l0, m1);
  CHECK(r.max() <= 1e-16);
  x << 1.1, 0;  // outside by 10%
  r = krelu::qp::kkt_residuals(H, g, C0, d0, ball, x, l0, m1);
  CHECK(r.primal_feasibility == Approx(0.1));
}
