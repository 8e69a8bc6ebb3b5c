#pragma once
/// \file
/// Status, options, ball constraints and KKT residuals of the convex QP solver (`ConvexQp`), the
/// solver behind Lemma 22 (App. F.1): one sign pattern of a k-ReLU is one convex problem.

#include <Eigen/Core>
#include <algorithm>
#include <stdexcept>
#include <string>

#include "krelu/traits.hpp"

namespace krelu::qp {

/// How a solve ended. Only `optimal` comes with a solution that satisfies the KKT conditions.
enum class QpStatus {
  optimal,          ///< KKT point: `ConvexQp::kkt().max()` <= 10^4 * `QpOptions::tolerance` (checked)
  iteration_limit,  ///< `QpOptions::max_iterations` reached: not optimal (feasible for C x >= d, not
                    ///< necessarily for the balls)
  numerical_issue,  ///< rounding defeated the method, or H is not positive semidefinite
  infeasible,       ///< no x satisfies C x >= d and the ball constraints
  unbounded         ///< the objective is unbounded below on the feasible set
};

/// KKT residuals of a point (x, lambda, mu), each made relative so that 1e-9 means "correct to nine digits"
/// whatever the scaling of H, g, C, d and x:
/// - `stationarity`: max_i |(Hx + g - C'lambda + sum_b mu_b x_b)_i| divided by the largest magnitude of
///   any single term of that sum, sigma = max_i (sum_j |H_ij x_j| + |g_i| + sum_k |C_ki lambda_k| + mu |x_i|), and
///   at least max_i sum_j |H_ij| ||x||_inf (the rounding of x at its own scale reaches Hx: a zero gradient at the
///   solution is not judged on noise);
/// - `primal_feasibility`: max_k (d_k - C_k x)_+ / max(|d_k|, ||C_k||_1 ||x||_inf) (for a zero row C_k,
///   / max_j |d_j|) and, per ball, (||x_b|| - radius_b)_+ / radius_b;
/// - `complementarity`: max_k (lambda_k ||C_k||_inf / sigma) * |C_k x - d_k| / max(|d_k|, ||C_k||_1 ||x||_inf)
///   and per ball (mu_b radius_b / sigma) * | ||x_b|| - radius_b | / radius_b: each factor is at most ~1,
///   and the product bounds the contribution to the duality gap;
/// - `dual_sign`: max_k (-lambda_k)_+ ||C_k||_inf / sigma and max_b (-mu_b)_+ radius_b / sigma.
/// A quotient with a zero denominator has a zero numerator and counts as 0.
struct KktResiduals {
  double stationarity = 0, primal_feasibility = 0, complementarity = 0, dual_sign = 0;
  /// The largest of the four.
  double max() const { return std::max({stationarity, primal_feasibility, complementarity, dual_sign}); }
};

/// The Euclidean ball ||x[start, start + length)|| <= radius on one block of variables, e.g. one unit's
/// weights w_j in the bounded training problem (||w_j|| <= radius, Lemma 22 with B^n).
template <class Scalar = double>
struct BallConstraint {
  Eigen::Index start = 0;
  Eigen::Index length = 0;
  Scalar radius = Scalar(1);
};

/// Options of ConvexQp.
template <class Scalar = double>
struct QpOptions {
  /// Budget of active-set iterations per compute() (steps plus multiplier tests, over all phases).
  /// 0: automatic, 50 (n + m) + 1000 for n variables and m linear constraints.
  int max_iterations = 0;
  /// Relative tolerance of every decision: active constraint, zero pivot of the reduced Hessian, face
  /// minimiser, negative multiplier, ball on its sphere. The default 1000 eps (2.2e-13 in double) gives KKT
  /// residuals near 1e-15 on well-conditioned problems.
  Scalar tolerance = Scalar(1000) * NumericTraits<Scalar>::epsilon();
  /// If true and no warm start is pending, compute() starts from the previous solution and working set
  /// whenever the problem has the same sizes.
  bool warm_start_from_previous = false;

  /// Throws std::invalid_argument naming the field and its valid range.
  void validate() const {
    if (max_iterations < 0)
      throw std::invalid_argument("QpOptions.max_iterations must be >= 0 (0 = automatic), got " +
                                  std::to_string(max_iterations));
    if (!is_finite(tolerance) || !(tolerance >= NumericTraits<Scalar>::epsilon()) || !(tolerance < Scalar(1)))
      throw std::invalid_argument("QpOptions.tolerance must be in [epsilon, 1), got " +
                                  std::to_string(static_cast<double>(tolerance)));
  }
};

}  // namespace krelu::qp
