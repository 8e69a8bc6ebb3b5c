#pragma once
/// \file
/// Solves one convex subproblem with escalating care: as given (warm-started), then cold, then (for
/// bounded problems whose gap is too large) with a tighter tolerance and without non-binding balls,
/// then, for double, in long double. The trainers call this so that a rare failure of one attempt does
/// not cost the certificate, and so that a lower bound taken from a solution is a true one.

#include <type_traits>
#include <vector>

#include "krelu/qp/convex_qp.hpp"
#include "krelu/train/qp_audit.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// Weak duality for a convex QP at a feasible x with multipliers lambda, mu >= 0 (the sign convention of
/// qp/kkt.hpp): the objective at x exceeds the Lagrangian at x by
///   sum_k lambda_k (C_k x - d_k) + sum_b mu_b (r_b^2 - ||x_b||^2) / 2,
/// and the Lagrangian at a stationary point is a lower bound on the QP's minimum. So this amount,
/// subtracted from the objective at x, leaves a lower bound. A solution accepted by relative KKT
/// residuals can carry a complementarity gap far above its own objective when that objective is tiny
/// against the gradient's terms (weights spanning 1e12 in one set: values 3e-9 with gaps 5e-9 seen),
/// which the relative certificate slack does not cover. Terms of the wrong sign count 0. (The
/// stationarity residual's first-order term is not included: it is at the KKT tolerance.)
template <class Scalar, class DC, class Dd, class Dx, class Dl, class Dm>
Scalar complementarity_gap(const Eigen::MatrixBase<DC>& C, const Eigen::MatrixBase<Dd>& d,
                           const std::vector<qp::BallConstraint<Scalar>>& balls, const Eigen::MatrixBase<Dx>& x,
                           const Eigen::MatrixBase<Dl>& lambda, const Eigen::MatrixBase<Dm>& mu) {
  Scalar gap(0);
  for (Eigen::Index k = 0; k < C.rows(); ++k) {
    const Scalar l = lambda(k);
    if (!(l > Scalar(0))) continue;
    const Scalar slack = C.row(k).dot(x) - d(k);
    if (slack > Scalar(0)) gap += l * slack;
  }
  for (std::size_t b = 0; b < balls.size(); ++b) {
    const Scalar m = mu(static_cast<Eigen::Index>(b));
    if (!(m > Scalar(0))) continue;
    const Scalar r = balls[b].radius, norm = x.segment(balls[b].start, balls[b].length).norm();
    if (norm < r) gap += m * (r - norm) * (r + norm) / Scalar(2);
  }
  return gap;
}

/// Accepts every solution, whatever its complementarity gap.
struct AnyGap {
  template <class Vector, class Scalar>
  bool operator()(const Vector&, const Scalar&) const { return true; }
};

/// Returns true and the minimiser in `x` when some attempt is optimal. `attempts` counts the QPs
/// solved. After a long double rescue, `solver` keeps its own (failed) state: callers must use `x`.
/// `gap`, if given, receives the solution's complementarity_gap. An optimal attempt whose gap
/// `good_enough(x, gap)` rejects is followed by the next attempt (cold; with the tolerance 16 eps;
/// without the balls that do not bind; in long double); the smallest gap seen wins.
template <class Scalar, class GoodEnough = AnyGap>
bool robust_solve(qp::ConvexQp<Scalar>& solver, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& H,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& g,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& C,
                  const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& d,
                  const std::vector<qp::BallConstraint<Scalar>>& balls, std::uint64_t& attempts,
                  Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& x, Scalar* gap = nullptr,
                  GoodEnough good_enough = GoodEnough{}) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  bool found = false, settled = false;  // settled: found, and good enough (asked once per new x)
  Scalar best_gap = NumericTraits<Scalar>::infinity();
  // Keeps an optimal attempt if its gap is the smallest so far; true when no further attempt is needed.
  const auto take = [&](const Vector& candidate, const Scalar& candidate_gap) {
    if (!found || candidate_gap < best_gap) {
      x = candidate;
      best_gap = candidate_gap;
      found = true;
      settled = gap == nullptr || good_enough(x, best_gap);
    }
    return settled;
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 1) solver.clear_warm_start();
    solver.compute(H, g, C, d, balls);
    ++attempts;
    if (solver.info() == qp::QpStatus::optimal) {
      audit_accepted(solver);
      const Scalar candidate_gap =
          gap ? complementarity_gap(C, d, balls, solver.solution(), solver.multipliers(), solver.ball_multipliers())
              : Scalar(0);
      if (take(solver.solution(), candidate_gap)) break;
    }
  }
  // The ball solver adds a small multiplier to every ball (it makes the inner minimiser unique), so a
  // ball left a little inside its sphere carries a gap mu_b (r_b^2 - ||x_b||^2) / 2. If it binds, a
  // tighter tolerance takes it closer to the sphere.
  if (found && !settled && !balls.empty()) {
    qp::QpOptions<Scalar> tight;
    tight.tolerance = Scalar(16) * NumericTraits<Scalar>::epsilon();
    qp::ConvexQp<Scalar> careful(tight);
    careful.warm_start_point(x);
    careful.compute(H, g, C, d, balls);
    ++attempts;
    if (careful.info() == qp::QpStatus::optimal) {
      audit_accepted(careful);
      take(careful.solution(), complementarity_gap(C, d, balls, careful.solution(), careful.multipliers(),
                                                   careful.ball_multipliers()));
    }
  }
  // If it does not bind, x minimises a slightly regularised objective; without those balls the
  // minimiser, if it stays inside them, is exact.
  if (found && !settled && !balls.empty()) {
    std::vector<qp::BallConstraint<Scalar>> binding;
    std::vector<Eigen::Index> kept;
    bool dropped = false;
    for (std::size_t b = 0; b < balls.size(); ++b) {
      // (a ball that binds after all sends the minimiser outside: that attempt is then discarded)
      if (x.segment(balls[b].start, balls[b].length).norm() >= balls[b].radius) {
        binding.push_back(balls[b]);
        kept.push_back(static_cast<Eigen::Index>(b));
      } else {
        dropped = true;
      }
    }
    if (dropped) {
      qp::ConvexQp<Scalar> free_of_balls;
      free_of_balls.warm_start_point(x);
      free_of_balls.compute(H, g, C, d, binding);
      ++attempts;
      bool inside = free_of_balls.info() == qp::QpStatus::optimal;
      for (const auto& b : balls)
        if (inside) inside = free_of_balls.solution().segment(b.start, b.length).norm() <= b.radius;
      if (inside) {
        audit_accepted(free_of_balls);
        Vector mu = Vector::Zero(static_cast<Eigen::Index>(balls.size()));
        for (std::size_t q = 0; q < kept.size(); ++q) mu(kept[q]) = free_of_balls.ball_multipliers()(static_cast<Eigen::Index>(q));
        take(free_of_balls.solution(),
             complementarity_gap(C, d, balls, free_of_balls.solution(), free_of_balls.multipliers(), mu));
      }
    }
  }
  if constexpr (std::is_same_v<Scalar, double>) {
    if (!settled) {
      using L = long double;
      std::vector<qp::BallConstraint<L>> wide_balls;
      for (const auto& b : balls) wide_balls.push_back({b.start, b.length, static_cast<L>(b.radius)});
      qp::ConvexQp<L> wide;
      const Eigen::Matrix<L, Eigen::Dynamic, Eigen::Dynamic> wide_C = C.template cast<L>();
      const Eigen::Matrix<L, Eigen::Dynamic, 1> wide_d = d.template cast<L>();
      wide.compute(H.template cast<L>(), g.template cast<L>(), wide_C, wide_d, wide_balls);
      ++attempts;
      if (wide.info() == qp::QpStatus::optimal) {
        audit_accepted(wide);
        const Vector candidate = wide.solution().template cast<double>();
        // the gap of the rounded point, in long double, rounded up
        const L wide_gap = gap ? complementarity_gap(wide_C, wide_d, wide_balls, candidate.template cast<L>(),
                                                     wide.multipliers(), wide.ball_multipliers())
                               : L(0);
        take(candidate, static_cast<double>(wide_gap) * (1 + NumericTraits<double>::epsilon()));
      }
    }
  }
  if (found && gap) *gap = best_gap;
  return found;
}

}  // namespace krelu::detail
