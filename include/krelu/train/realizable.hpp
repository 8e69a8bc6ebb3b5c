#pragma once
/// \file
/// fit_realizable: zero-loss 1-ReLU training, the linear feasibility problem the paper notes after
/// Theorem 8 ("when there are weights with zero error the training problem for a single ReLU is
/// solvable in polynomial time via linear programming").
///
/// With sign a = +1 (all labels >= 0) a zero-loss ReLU is a w with <w, x_i> = y_i when y_i > 0 and
/// <w, x_i> <= 0 when y_i = 0 (labels <= 0 use a = -1 and -y). We decide that system by the convex
/// problem  min ||X+ w - y+||^2  s.t.  X0 w <= 0  (optimum 0 iff feasible). When the optimum r* is
/// positive, its KKT point is a Farkas certificate: u = 2 (X+ w* - y+) and lambda >= 0 satisfy
/// X+' u + X0' lambda = 0 and u' y+ = -2 ||X+ w* - y+||^2 < 0, which no feasible w allows
/// (u' y+ = u' X+ w = -lambda' X0 w >= 0).

#include <optional>
#include <string>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/qp/convex_qp.hpp"
#include "krelu/train/qp_audit.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/train/pattern_problem.hpp"

namespace krelu {

template <class Scalar = double>
struct RealizableResult {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  bool realizable = false;
  std::optional<Network<Scalar>> network;  ///< a zero-loss ReLU when realizable
  int sign = 1;                            ///< the output sign a used
  /// Why not: "mixed_signs" (a positive and a negative label: no single ReLU has both) or
  /// "infeasible" (the linear system has no solution; see the certificate).
  std::string reason;
  Eigen::Index positive_sample = -1, negative_sample = -1;  ///< for mixed_signs
  /// Farkas certificate for "infeasible", indexed like the samples: u_i on samples with y_i != 0,
  /// lambda_i >= 0 on samples with y_i = 0 (0 elsewhere). sum_i (u_i + lambda_i) x_i = 0, sum u_i |y_i| < 0.
  Vector u, lambda;
  Scalar certificate_residual = Scalar(0);  ///< ||sum_i (u_i + lambda_i) x_i|| / (||u|| + ||lambda||) (~ rounding)
  Scalar certificate_value = Scalar(0);     ///< sum_i u_i |y_i| / ||u|| (< 0 for a valid certificate)
  Scalar residual = Scalar(0);              ///< min ||X+ w - y+||^2 / ||y+||^2 (0 iff realizable)
};

/// Decides whether a single ReLU fits the samples with zero loss, without enumerating patterns.
/// `tolerance` is relative to ||y||^2 (labels are data: exact zero is not expected in floating point).
template <SampleContainer Samples, class Scalar = typename Samples::scalar_type>
RealizableResult<Scalar> fit_realizable(const Samples& samples, Scalar tolerance = Scalar(-1)) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  detail::check_training_samples(samples, "fit_realizable");
  if (tolerance < Scalar(0)) tolerance = Scalar(1e4) * NumericTraits<Scalar>::epsilon();
  const auto s = detail::scaled_copy<Scalar>(samples);
  const Eigen::Index m = s.size(), n = s.dim();
  RealizableResult<Scalar> out;
  out.u = Vector::Zero(m);
  out.lambda = Vector::Zero(m);

  for (Eigen::Index i = 0; i < m; ++i) {
    if (s.y(i) > Scalar(0) && out.positive_sample < 0) out.positive_sample = i;
    if (s.y(i) < Scalar(0) && out.negative_sample < 0) out.negative_sample = i;
  }
  if (out.positive_sample >= 0 && out.negative_sample >= 0) {
    out.reason = "mixed_signs";
    return out;
  }
  out.positive_sample = out.negative_sample = -1;
  out.sign = (s.y.minCoeff() < Scalar(0)) ? -1 : 1;
  const Vector y = s.y * Scalar(out.sign);

  std::vector<Eigen::Index> nonzero, zero;
  for (Eigen::Index i = 0; i < m; ++i) (y(i) != Scalar(0) ? nonzero : zero).push_back(i);
  Matrix Xp(static_cast<Eigen::Index>(nonzero.size()), n), X0(static_cast<Eigen::Index>(zero.size()), n);
  Vector yp(static_cast<Eigen::Index>(nonzero.size()));
  for (std::size_t r = 0; r < nonzero.size(); ++r) {
    Xp.row(static_cast<Eigen::Index>(r)) = s.x.row(nonzero[r]);
    yp(static_cast<Eigen::Index>(r)) = y(nonzero[r]);
  }
  for (std::size_t r = 0; r < zero.size(); ++r) X0.row(static_cast<Eigen::Index>(r)) = s.x.row(zero[r]);

  qp::ConvexQp<Scalar> solver;
  const Matrix H = Scalar(2) * Xp.transpose() * Xp;
  const Vector g = Scalar(-2) * Xp.transpose() * yp;
  solver.compute(H, g, -X0, Vector::Zero(X0.rows()));
  const Vector w = solver.solution();
  const Vector r = Xp * w - yp;
  const Scalar scale = yp.squaredNorm();
  out.residual = scale > Scalar(0) ? r.squaredNorm() / scale : Scalar(0);

  if (solver.info() == qp::QpStatus::optimal) detail::audit_accepted(solver);
  if (solver.info() == qp::QpStatus::optimal && out.residual <= tolerance) {
    out.realizable = true;
    Matrix W = w.transpose() * (s.label_scale / s.input_scale);
    Vector a(1);
    a(0) = Scalar(out.sign);
    out.network.emplace(W, a);
    return out;
  }
  out.reason = solver.info() == qp::QpStatus::optimal ? "infeasible" : "numerical_issue";
  const Vector lambda = solver.multipliers();
  for (std::size_t q = 0; q < nonzero.size(); ++q) out.u(nonzero[q]) = Scalar(2) * r(static_cast<Eigen::Index>(q));
  for (std::size_t q = 0; q < zero.size(); ++q) out.lambda(zero[q]) = lambda(static_cast<Eigen::Index>(q));
  const Vector combo = s.x.transpose() * (out.u + out.lambda);
  const Scalar norm = out.u.norm() + out.lambda.norm();
  out.certificate_residual = norm > Scalar(0) ? combo.norm() / norm : Scalar(0);
  Scalar value(0);
  for (Eigen::Index i = 0; i < m; ++i) value += out.u(i) * y(i);
  out.certificate_value = out.u.norm() > Scalar(0) ? value / out.u.norm() : Scalar(0);
  return out;
}

}  // namespace krelu
