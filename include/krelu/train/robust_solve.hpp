#pragma once
/// \file
/// Solves one convex subproblem with escalating care: as given (warm-started), then cold, then,
/// for double, in long double. The trainers call this so that a rare failure of one attempt does
/// not cost the certificate.

#include <type_traits>
#include <vector>

#include "krelu/qp/convex_qp.hpp"
#include "krelu/train/qp_audit.hpp"

namespace krelu::detail {

/// Returns true and the minimiser in `x` when some attempt is optimal. `attempts` counts the QPs
/// solved. After a long double rescue, `solver` keeps its own (failed) state: callers must use `x`.
template <class Scalar>
bool robust_solve(qp::ConvexQp<Scalar>& solver, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& H,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& g,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& C,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& d,
                  const std::vector<qp::BallConstraint<Scalar>>& balls, std::uint64_t& attempts,
                  Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& x) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 1) solver.clear_warm_start();
    solver.compute(H, g, C, d, balls);
    ++attempts;
    if (solver.info() == qp::QpStatus::optimal) {
      audit_accepted(solver);
      x = solver.solution();
      return true;
    }
  }
  if constexpr (std::is_same_v<Scalar, double>) {
    using L = long double;
    std::vector<qp::BallConstraint<L>> wide_balls;
    for (const auto& b : balls) wide_balls.push_back({b.start, b.length, static_cast<L>(b.radius)});
    qp::ConvexQp<L> wide;
    wide.compute(H.template cast<L>(), g.template cast<L>(), C.template cast<L>(), d.template cast<L>(), wide_balls);
    ++attempts;
    if (wide.info() == qp::QpStatus::optimal) {
      audit_accepted(wide);
      x = wide.solution().template cast<double>();
      return true;
    }
  }
  return false;
}

}  // namespace krelu::detail
