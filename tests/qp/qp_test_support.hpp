#pragma once
// Test support for the QP solver: random problem generators, an independent KKT check and a brute-force
// reference that enumerates every set of active constraints. Nothing here uses the solver's own code.

#include <Eigen/Dense>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <krelu/qp/convex_qp.hpp>

namespace qptest {

using Index = Eigen::Index;
using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using VecL = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
using MatL = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
using Ball = krelu::qp::BallConstraint<double>;

struct Problem {
  Mat H;
  Vec g;
  Mat C;
  Vec d;
  std::vector<Ball> balls;
};

inline double normal(std::mt19937_64& rng) { return std::normal_distribution<double>(0.0, 1.0)(rng); }
inline int uniform_int(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
inline double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}
inline Mat random_matrix(std::mt19937_64& rng, Index r, Index c) {
  Mat M(r, c);
  for (Index j = 0; j < c; ++j)
    for (Index i = 0; i < r; ++i) M(i, j) = normal(rng);
  return M;
}

/// H = A'A with A of `rank` random rows (rank 0: H = 0); exactly symmetric.
inline Mat random_psd(std::mt19937_64& rng, Index n, Index rank) {
  Mat A = random_matrix(rng, rank, n);
  Mat H = A.transpose() * A;
  return (H + H.transpose()) / 2;
}

/// Largest magnitude of the terms of the objective at x: |g_i x_i| and |x_i H_ij x_j| / 2.
inline double objective_scale(const Mat& H, const Vec& g, const Vec& x) {
  return (g.cwiseProduct(x)).cwiseAbs().sum() + 0.5 * (x.cwiseAbs().transpose() * H.cwiseAbs() * x.cwiseAbs())(0);
}
inline double objective(const Mat& H, const Vec& g, const Vec& x) { return 0.5 * x.dot(H * x) + g.dot(x); }

/// KKT residual computed from scratch, with norm-based scaling (deliberately not the solver's formula):
/// max of stationarity ||Hx + g - C'l + sum mu_b x_b||_inf / (||H||_inf ||x||_inf + ||g||_inf + ||C'||_inf ||l||_inf
/// + max mu ||x||_inf), row violations (d_k - C_k x)_+ / (||C_k||_1 ||x||_inf + |d_k|), negative multipliers
/// relative to the same scale, complementarity l_k |C_k x - d_k| relative to (l scale)(row scale), and the
/// same for the balls.
inline double independent_kkt(const Problem& p, const Vec& x, const Vec& lambda, const Vec& mu) {
  const Index n = p.H.rows(), m = p.C.rows();
  Vec r = p.H * x + p.g - p.C.transpose() * lambda;
  double mumax = 0;
  for (std::size_t b = 0; b < p.balls.size(); ++b) {
    r.segment(p.balls[b].start, p.balls[b].length) += mu(Index(b)) * x.segment(p.balls[b].start, p.balls[b].length);
    mumax = std::max(mumax, std::abs(mu(Index(b))));
  }
  const double xinf = x.size() ? x.cwiseAbs().maxCoeff() : 0.0;
  const double hinf = n ? p.H.cwiseAbs().rowwise().sum().maxCoeff() : 0.0;
  const double ctinf = m ? p.C.transpose().cwiseAbs().rowwise().sum().maxCoeff() : 0.0;
  const double linf = m ? lambda.cwiseAbs().maxCoeff() : 0.0;
  const double ginf = p.g.cwiseAbs().maxCoeff();
  const double sscale = hinf * xinf + ginf + ctinf * linf + mumax * xinf;
  double worst = 0;
  const double tiny = std::numeric_limits<double>::min();
  worst = std::max(worst, r.cwiseAbs().maxCoeff() / std::max(sscale, tiny));
  const double dmax = m ? p.d.cwiseAbs().maxCoeff() : 0.0;
  for (Index k = 0; k < m; ++k) {
    // a zero row (0 >= d_k, e.g. the sum of a row and its opposite) against the largest right-hand side
    const double row_scale =
        p.C.row(k).cwiseAbs().sum() == 0 ? dmax : p.C.row(k).cwiseAbs().sum() * xinf + std::abs(p.d(k));
    const double slack = p.C.row(k).dot(x) - p.d(k);
    if (slack < 0) worst = std::max(worst, -slack / std::max(row_scale, tiny));
    const double lscale = std::max(sscale / std::max(p.C.row(k).cwiseAbs().maxCoeff(), tiny), tiny);
    if (lambda(k) < 0) worst = std::max(worst, -lambda(k) / lscale);
    worst = std::max(worst, std::abs(lambda(k)) / lscale * std::abs(slack) / std::max(row_scale, tiny));
  }
  for (std::size_t b = 0; b < p.balls.size(); ++b) {
    const double nb = x.segment(p.balls[b].start, p.balls[b].length).norm();
    const double rad = p.balls[b].radius;
    if (nb > rad) worst = std::max(worst, (nb - rad) / rad);
    const double mscale = std::max(sscale / rad, tiny);
    if (mu(Index(b)) < 0) worst = std::max(worst, -mu(Index(b)) / mscale);
    worst = std::max(worst, std::abs(mu(Index(b))) / mscale * std::abs(nb - rad) / rad);
  }
  return worst;
}

/// Orthonormal basis of the null space of A (n columns) and a least-squares solution of A x = b, by SVD in
/// long double with relative threshold 1e-10; `consistent` tells whether A x = b has a solution.
struct AffineSet {
  VecL x0;
  MatL N;
  bool consistent = true;
};
inline AffineSet affine_set(const MatL& A, const VecL& b, Index n) {
  AffineSet out;
  if (A.rows() == 0) {
    out.x0 = VecL::Zero(n);
    out.N = MatL::Identity(n, n);
    return out;
  }
  Eigen::JacobiSVD<MatL> svd(A, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const auto& s = svd.singularValues();
  const long double smax = s.size() ? s(0) : 0.0L;
  Index rank = 0;
  for (Index i = 0; i < s.size(); ++i)
    if (s(i) > 1e-10L * smax) ++rank;
  VecL ub = svd.matrixU().transpose() * b;
  VecL y = VecL::Zero(n);
  for (Index i = 0; i < rank; ++i) y(i) = ub(i) / s(i);
  out.x0 = svd.matrixV() * y;
  const long double bscale = b.cwiseAbs().maxCoeff() + A.cwiseAbs().maxCoeff() * out.x0.cwiseAbs().maxCoeff();
  out.consistent = (A * out.x0 - b).cwiseAbs().maxCoeff() <= 1e-9L * std::max(bscale, 1e-300L);
  out.N = svd.matrixV().rightCols(n - rank);
  return out;
}

/// Minimiser of q over {x0 + N z}; false if q is unbounded below there.
inline bool minimise_on(const MatL& H, const VecL& g, const AffineSet& a, VecL& x) {
  const Index q = a.N.cols();
  if (q == 0) {
    x = a.x0;
    return true;
  }
  MatL M = a.N.transpose() * H * a.N;
  M = (M + M.transpose()) / 2;
  VecL r = a.N.transpose() * (H * a.x0 + g);
  Eigen::SelfAdjointEigenSolver<MatL> es(M);
  const long double emax = std::max(es.eigenvalues().cwiseAbs().maxCoeff(), 0.0L);
  const long double hscale = std::max(H.cwiseAbs().maxCoeff(), 1e-300L);
  VecL rz = es.eigenvectors().transpose() * r;
  VecL z = VecL::Zero(q);
  const long double rscale = (H * a.x0).cwiseAbs().maxCoeff() + g.cwiseAbs().maxCoeff() + 1e-300L;
  for (Index i = 0; i < q; ++i) {
    if (es.eigenvalues()(i) > 1e-10L * std::max(emax, hscale)) {
      z(i) = -rz(i) / es.eigenvalues()(i);
    } else if (std::abs(rz(i)) > 1e-9L * rscale) {
      return false;  // zero curvature, nonzero slope
    }
  }
  x = a.x0 + a.N * (es.eigenvectors() * z);
  return true;
}

/// Brute force over all 2^m sets of equality constraints: the smallest objective over the feasible face
/// minimisers (a face minimiser of the optimum's active set is optimal, any feasible point is no better).
/// Returns false if no feasible candidate exists.
inline bool brute_force(const Problem& p, double& best, Vec& best_x) {
  const Index n = p.H.rows(), m = p.C.rows();
  const MatL H = p.H.cast<long double>();
  const VecL g = p.g.cast<long double>();
  bool found = false;
  for (unsigned mask = 0; mask < (1u << m); ++mask) {
    Index s = 0;
    for (Index k = 0; k < m; ++k) s += (mask >> k) & 1u;
    MatL A(s, n);
    VecL b(s);
    Index r = 0;
    for (Index k = 0; k < m; ++k)
      if ((mask >> k) & 1u) {
        A.row(r) = p.C.row(k).cast<long double>();
        b(r) = p.d(k);
        ++r;
      }
    const AffineSet a = affine_set(A, b, n);
    if (!a.consistent) continue;
    VecL xl;
    if (!minimise_on(H, g, a, xl)) continue;
    const Vec x = xl.cast<double>();
    bool feasible = true;
    const double dmax = m ? p.d.cwiseAbs().maxCoeff() : 0.0;
    for (Index k = 0; k < m && feasible; ++k) {
      const double c1 = p.C.row(k).cwiseAbs().sum();
      const double scale = (c1 == 0 ? dmax : c1 * x.cwiseAbs().maxCoeff() + std::abs(p.d(k))) + 1e-300;
      if (p.C.row(k).dot(x) - p.d(k) < -1e-9 * scale) feasible = false;
    }
    if (!feasible) continue;
    const double q = static_cast<double>(0.5L * xl.dot(H * xl) + g.dot(xl));
    if (!found || q < best) {
      best = q;
      best_x = x;
      found = true;
    }
  }
  return found;
}

/// Options for random constraint sets.
enum class Family { homogeneous, general, degenerate_optimum };

/// Appends duplicate, positively scaled, opposite (through the feasible point xf: a slab, an equality pair when
/// the row is tight at xf) or summed (implied) copies of rows.
inline void add_redundant_rows(std::mt19937_64& rng, Problem& p, const Vec& xf, int extra) {
  for (int e = 0; e < extra; ++e) {
    const Index m = p.C.rows();
    if (m == 0) return;
    const int kind = uniform_int(rng, 0, 3);
    const Index a = uniform_int(rng, 0, int(m) - 1), b = uniform_int(rng, 0, int(m) - 1);
    Eigen::RowVectorXd row;
    double rhs = 0;
    if (kind == 0) {
      row = p.C.row(a);
      rhs = p.d(a);
    } else if (kind == 1) {
      const double s = uniform(rng, 0.1, 10.0);
      row = s * p.C.row(a);
      rhs = s * p.d(a);
    } else if (kind == 2) {
      row = -p.C.row(a);
      rhs = -p.C.row(a).dot(xf);
    } else {
      row = p.C.row(a) + p.C.row(b);
      rhs = p.d(a) + p.d(b);
    }
    p.C.conservativeResize(m + 1, Eigen::NoChange);
    p.d.conservativeResize(m + 1);
    p.C.row(m) = row;
    p.d(m) = rhs;
  }
}

/// A random bounded convex QP with n variables and m constraints, H of the given rank.
/// Least-squares type (g in range(H)) unless `general_g`, in which case box rows |x_i| <= 3 are appended
/// (counted in m) so that the problem stays bounded.
inline Problem random_problem(std::mt19937_64& rng, Index n, Index m, Index rank, Family family, bool general_g,
                              int redundant) {
  Problem p;
  p.H = random_psd(rng, n, rank);
  if (general_g) {
    p.g = random_matrix(rng, n, 1);
  } else {
    p.g = p.H * random_matrix(rng, n, 1);  // in range(H): bounded below
  }
  const Index box = general_g ? 2 * n : 0;
  const Index free_rows = std::max<Index>(m - box - redundant, 0);
  p.C = random_matrix(rng, free_rows, n);
  p.d = Vec::Zero(free_rows);
  Vec xf = Vec::Zero(n);  // a feasible point
  if (family == Family::general) {
    xf = random_matrix(rng, n, 1);
    for (Index k = 0; k < free_rows; ++k) {
      const bool tight = uniform_int(rng, 0, 2) == 0;
      p.d(k) = p.C.row(k).dot(xf) - (tight ? 0.0 : std::abs(normal(rng)));
    }
  } else if (family == Family::degenerate_optimum) {
    // x* with many rows through it and multipliers making it optimal: g = C_A' lambda - H x*
    const Vec xs = random_matrix(rng, n, 1);
    xf = xs;
    for (Index k = 0; k < free_rows; ++k) {
      const bool through = uniform_int(rng, 0, 3) != 0;
      p.d(k) = p.C.row(k).dot(xs) - (through ? 0.0 : std::abs(normal(rng)));
    }
    Vec lambda = Vec::Zero(free_rows);
    for (Index k = 0; k < free_rows; ++k)
      if (p.C.row(k).dot(xs) - p.d(k) == 0.0 && uniform_int(rng, 0, 1) == 0) lambda(k) = std::abs(normal(rng));
    p.g = p.C.transpose() * lambda - p.H * xs;
  }
  add_redundant_rows(rng, p, xf, static_cast<int>(std::min<Index>(redundant, m - box)));
  if (box > 0) {
    const Index m0 = p.C.rows();
    p.C.conservativeResize(m0 + box, Eigen::NoChange);
    p.d.conservativeResize(m0 + box);
    for (Index i = 0; i < n; ++i) {
      p.C.row(m0 + 2 * i).setZero();
      p.C(m0 + 2 * i, i) = 1;
      p.d(m0 + 2 * i) = -3;
      p.C.row(m0 + 2 * i + 1).setZero();
      p.C(m0 + 2 * i + 1, i) = -1;
      p.d(m0 + 2 * i + 1) = -3;
    }
  }
  return p;
}

/// A trainer-like problem (DESIGN.md "One sign pattern is one convex problem"): samples x_i in R^dim with
/// labels and weights, k units with signs a and activity pattern P; theta = (w_1..w_k).
struct Pattern {
  Mat X;  // m x dim
  Vec y, c, a;
  std::vector<std::vector<int>> P;  // m x k, 0/1
};
inline Pattern random_pattern(std::mt19937_64& rng, Index m, Index dim, Index k) {
  Pattern s;
  s.X = random_matrix(rng, m, dim);
  s.y = random_matrix(rng, m, 1);
  s.c = Vec(m);
  for (Index i = 0; i < m; ++i) s.c(i) = uniform(rng, 0.5, 2.0);
  s.a = Vec(k);
  for (Index j = 0; j < k; ++j) s.a(j) = uniform_int(rng, 0, 1) ? 1.0 : -1.0;
  s.P.assign(static_cast<std::size_t>(m), std::vector<int>(static_cast<std::size_t>(k), 0));
  for (auto& row : s.P)
    for (auto& v : row) v = uniform_int(rng, 0, 1);
  return s;
}
inline Problem pattern_problem(const Pattern& s) {
  const Index m = s.X.rows(), dim = s.X.cols(), k = s.a.size(), n = dim * k;
  Problem p;
  p.H = Mat::Zero(n, n);
  p.g = Vec::Zero(n);
  p.C = Mat::Zero(m * k, n);
  p.d = Vec::Zero(m * k);
  for (Index i = 0; i < m; ++i) {
    Vec phi = Vec::Zero(n);
    for (Index j = 0; j < k; ++j)
      if (s.P[std::size_t(i)][std::size_t(j)]) phi.segment(j * dim, dim) = s.a(j) * s.X.row(i).transpose();
    p.H += 2 * s.c(i) * phi * phi.transpose();
    p.g -= 2 * s.c(i) * s.y(i) * phi;
    for (Index j = 0; j < k; ++j)
      p.C.row(i * k + j).segment(j * dim, dim) = (2.0 * s.P[std::size_t(i)][std::size_t(j)] - 1.0) * s.X.row(i);
  }
  const Mat symmetric = (p.H + p.H.transpose()) / 2;  // not in place: that would alias
  p.H = symmetric;
  return p;
}

}  // namespace qptest

namespace qptest {

/// Independent reference for ball constraints: a primal log-barrier interior-point method in long double,
/// started from a strictly feasible x0 (C x0 > d, ||x0_b|| < radius_b; every variable must lie in a ball so
/// that the Newton matrices are positive definite). The barrier weight t ends at final_t; the returned point
/// is strictly feasible and its objective exceeds the optimum by at most about t (m + balls).
inline VecL barrier_solve(const Problem& p, const Vec& x0, long double final_t) {
  const Index n = p.H.rows(), m = p.C.rows();
  const MatL H = p.H.cast<long double>(), C = p.C.cast<long double>();
  const VecL g = p.g.cast<long double>(), d = p.d.cast<long double>();
  VecL x = x0.cast<long double>();
  auto slacks_ok = [&](const VecL& z) {
    for (Index k = 0; k < m; ++k)
      if (!(C.row(k).dot(z) - d(k) > 0)) return false;
    for (const auto& b : p.balls)
      if (!(z.segment(b.start, b.length).squaredNorm() < (long double)b.radius * b.radius)) return false;
    return true;
  };
  auto value = [&](const VecL& z, long double t) {
    long double v = 0.5L * z.dot(H * z) + g.dot(z);
    for (Index k = 0; k < m; ++k) v -= t * std::log(C.row(k).dot(z) - d(k));
    for (const auto& b : p.balls)
      v -= t * std::log(0.5L * ((long double)b.radius * b.radius - z.segment(b.start, b.length).squaredNorm()));
    return v;
  };
  long double t = 1.0L;
  for (;;) {
    for (int newton = 0; newton < 200; ++newton) {
      VecL grad = H * x + g;
      MatL K = H;
      for (Index k = 0; k < m; ++k) {
        const long double s = C.row(k).dot(x) - d(k);
        grad -= (t / s) * C.row(k).transpose();
        K += (t / (s * s)) * C.row(k).transpose() * C.row(k);
      }
      for (const auto& b : p.balls) {
        const VecL xb = x.segment(b.start, b.length);
        const long double beta = 0.5L * ((long double)b.radius * b.radius - xb.squaredNorm());
        grad.segment(b.start, b.length) += (t / beta) * xb;
        K.block(b.start, b.start, b.length, b.length) +=
            (t / beta) * MatL::Identity(b.length, b.length) + (t / (beta * beta)) * xb * xb.transpose();
      }
      const VecL step = -K.ldlt().solve(grad);
      const long double decrement = -grad.dot(step);
      if (decrement < 1e-24L * (1.0L + std::abs(value(x, t)))) break;
      long double a = 1.0L;
      const long double v0 = value(x, t);
      while (a > 1e-30L) {
        const VecL trial = x + a * step;
        if (slacks_ok(trial) && value(trial, t) <= v0 - 0.25L * a * decrement) break;
        a *= 0.5L;
      }
      if (!(a > 1e-30L)) break;
      x += a * step;
      (void)n;
    }
    if (t <= final_t) break;
    t = std::max(t * 0.1L, final_t);
  }
  return x;
}

/// Independent reference for ball-only problems: FISTA with adaptive restart (O'Donoghue & Candes) in long
/// double, projecting onto the product of balls (variables outside every ball are free).
inline VecL fista_balls(const Problem& p, int iterations) {
  const Index n = p.H.rows();
  const MatL H = p.H.cast<long double>();
  const VecL g = p.g.cast<long double>();
  Eigen::SelfAdjointEigenSolver<MatL> es(H);
  const long double L = std::max(es.eigenvalues().maxCoeff(), 1e-12L);
  auto project = [&](VecL z) {
    for (const auto& b : p.balls) {
      const long double nb = z.segment(b.start, b.length).norm();
      if (nb > b.radius) z.segment(b.start, b.length) *= (long double)b.radius / nb;
    }
    return z;
  };
  VecL x = VecL::Zero(n), y = x;
  long double theta = 1.0L;
  for (int it = 0; it < iterations; ++it) {
    const VecL next = project(y - (H * y + g) / L);
    const long double theta_next = 0.5L * (1.0L + std::sqrt(1.0L + 4.0L * theta * theta));
    if ((y - next).dot(next - x) > 0) {  // restart when momentum points uphill
      y = next;
      theta = 1.0L;
    } else {
      y = next + ((theta - 1.0L) / theta_next) * (next - x);
      theta = theta_next;
    }
    const long double change = (next - x).cwiseAbs().maxCoeff();
    x = next;
    if (change == 0.0L) break;
  }
  return x;
}

inline long double objective_l(const Problem& p, const VecL& x) {
  return 0.5L * x.dot(p.H.cast<long double>() * x) + p.g.cast<long double>().dot(x);
}

}  // namespace qptest
