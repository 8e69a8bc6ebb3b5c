#pragma once
/// \file
/// A lower bound on the minimum of a ball-constrained convex QP that the solver could not settle, by
/// Lagrangian duality on the balls. For any mu >= 0 the problem
///   min over C x >= d of  1/2 x'Hx + g'x + sum_b mu_b (||x_b||^2 - r_b^2) / 2
/// has a minimum no larger than the QP's (the added terms are <= 0 wherever the balls hold), and it has
/// linear constraints only, which the active-set core solves without the ball iteration that failed.
/// Its computed minimum, less its complementarity gap, is a lower bound in the same sense as a solved
/// subproblem's (robust_solve.hpp). The bound is concave in mu with gradient (||x_b(mu)||^2 - r_b^2) / 2
/// (x(mu) the minimiser), and its maximum is the QP's minimum (strong duality: the balls have interior
/// points); Newton steps on ||x_b(mu)|| = r_b raise it, plain ones first, then safeguarded ones shortened
/// while the bound does not rise.

#include <Eigen/LU>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "krelu/qp/convex_qp.hpp"
#include "krelu/qp/linear_algebra.hpp"
#include "krelu/train/robust_solve.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// What ball_dual_bound found.
template <class Scalar>
struct BallDualBound {
  bool found = false;                                 ///< some mu gave a bound
  Scalar bound = -NumericTraits<Scalar>::infinity();  ///< on min (objective + the caller's constant)
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> x;         ///< x(mu) at the best bound (may leave the balls)
};

/// A Newton step on F_b(mu) = 1/r_b - 1/||x_b(mu)|| = 0 (the form trust-region methods use: nearly linear
/// in mu) over the balls with mu_b > 0, once no ball with mu_b = 0 is violated, with x(mu) differentiated
/// on the minimiser's working set A: (Hm, C_A'; C_A, 0) (dx; .) = (-x on ball c's block; 0) for d/dmu_c.
/// Safeguarded: see the end. False (mu unchanged) if the step is not defined.
template <class Scalar>
bool newton_step(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Hm,
                 const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& C,
                 const std::vector<Eigen::Index>& active, const std::vector<qp::BallConstraint<Scalar>>& balls,
                 const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& x, Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& mu,
                 bool safeguarded) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = x.size(), a = static_cast<Eigen::Index>(active.size());
  std::vector<Eigen::Index> moving;
  Vector norm(mu.size());
  for (Eigen::Index b = 0; b < mu.size(); ++b) {
    const auto& ball = balls[static_cast<std::size_t>(b)];
    norm(b) = x.segment(ball.start, ball.length).norm();
    if (mu(b) > Scalar(0))
      moving.push_back(b);
    else if (norm(b) > ball.radius)
      return false;  // no curvature of its own yet: the caller's rule raises it
  }
  if (moving.empty()) return false;
  Matrix K = Matrix::Zero(n + a, n + a);
  K.topLeftCorner(n, n) = Hm;
  for (Eigen::Index q = 0; q < a; ++q) {
    K.block(n + q, 0, 1, n) = C.row(active[static_cast<std::size_t>(q)]);
    K.block(0, n + q, n, 1) = C.row(active[static_cast<std::size_t>(q)]).transpose();
  }
  const Eigen::FullPivLU<Matrix> lu(K);
  if (!lu.isInvertible()) return false;
  const Eigen::Index s = static_cast<Eigen::Index>(moving.size());
  Matrix jacobian(s, s);
  Vector F(s);
  for (Eigen::Index q = 0; q < s; ++q) {
    const auto& ball = balls[static_cast<std::size_t>(moving[static_cast<std::size_t>(q)])];
    Vector rhs = Vector::Zero(n + a);
    rhs.segment(ball.start, ball.length) = -x.segment(ball.start, ball.length);
    const Vector dx = lu.solve(rhs);
    for (Eigen::Index p = 0; p < s; ++p) {
      const Eigen::Index b = moving[static_cast<std::size_t>(p)];
      const auto& other = balls[static_cast<std::size_t>(b)];
      jacobian(p, q) = x.segment(other.start, other.length).dot(dx.segment(other.start, other.length)) /
                       (norm(b) * norm(b) * norm(b));
    }
    F(q) = Scalar(1) / ball.radius - Scalar(1) / norm(moving[static_cast<std::size_t>(q)]);
  }
  // Safeguarded: a ball inside its sphere whose step would take mu_b below mu_b / 16 is leaving the active
  // set: its multiplier is cut sixteenfold and the step is solved again for the others with that change.
  std::vector<bool> leaving(static_cast<std::size_t>(s), false);
  Vector step = Vector::Zero(s);
  for (Eigen::Index round = 0; round <= (safeguarded ? s : 0); ++round) {
    std::vector<Eigen::Index> kept;
    Vector rhs = -F;
    for (Eigen::Index q = 0; q < s; ++q) {
      if (!leaving[static_cast<std::size_t>(q)]) {
        kept.push_back(q);
        continue;
      }
      step(q) = -mu(moving[static_cast<std::size_t>(q)]) * Scalar(15) / Scalar(16);
      rhs -= jacobian.col(q) * step(q);
    }
    if (kept.empty()) break;
    const Eigen::Index t = static_cast<Eigen::Index>(kept.size());
    Matrix sub(t, t);
    Vector sub_rhs(t);
    for (Eigen::Index p = 0; p < t; ++p) {
      sub_rhs(p) = rhs(kept[static_cast<std::size_t>(p)]);
      for (Eigen::Index q = 0; q < t; ++q)
        sub(p, q) = jacobian(kept[static_cast<std::size_t>(p)], kept[static_cast<std::size_t>(q)]);
    }
    const Vector sub_step = sub.fullPivLu().solve(sub_rhs);
    if (!sub_step.allFinite()) return false;
    bool changed = false;
    for (Eigen::Index p = 0; p < t; ++p) {
      const Eigen::Index q = kept[static_cast<std::size_t>(p)];
      step(q) = sub_step(p);
      const Scalar m = mu(moving[static_cast<std::size_t>(q)]);
      if (F(q) < Scalar(0) && m + step(q) < m / Scalar(16)) leaving[static_cast<std::size_t>(q)] = changed = true;
    }
    if (!changed) break;
  }
  // Safeguards (the step is linear in mu while x(mu) is not): a violated ball's multiplier grows at least
  // as mu_b ||x_b|| / r_b would make it, and one inside its sphere does not grow.
  for (Eigen::Index q = 0; q < s; ++q) {
    const Eigen::Index b = moving[static_cast<std::size_t>(q)];
    const Scalar next = mu(b) + step(q), ratio = norm(b) / balls[static_cast<std::size_t>(b)].radius;
    if (!safeguarded)
      mu(b) = std::max(Scalar(0), next);
    else
      mu(b) = F(q) > Scalar(0) ? std::max(next, Scalar(mu(b) * std::min(ratio, Scalar(1e3))))
                               : std::clamp(next, Scalar(mu(b) / Scalar(16)), mu(b));
  }
  return true;
}

/// Raises the dual bound from the multipliers `mu` (e.g. a failed solve's) for at most `max_steps`
/// linear QPs, stopping once it reaches `target`. `value_at(x)` must return 1/2 x'Hx + g'x plus the
/// caller's constant, evaluated without cancellation (e.g. a loss in residual form); the bound is in the
/// same units. The balls must be disjoint; `attempts` counts the QPs solved.
template <class Scalar, class ValueAt>
BallDualBound<Scalar> ball_dual_bound(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& H,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& g,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& C,
                                      const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& d,
                                      const std::vector<qp::BallConstraint<Scalar>>& balls,
                                      Eigen::Matrix<Scalar, Eigen::Dynamic, 1> mu, const Scalar& target,
                                      ValueAt value_at, int max_steps, std::uint64_t& attempts) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  BallDualBound<Scalar> out;
  const Eigen::Index nb = static_cast<Eigen::Index>(balls.size());
  if (nb == 0) return out;
  if (mu.size() != nb) mu = Vector::Zero(nb);
  for (Eigen::Index b = 0; b < nb; ++b)
    if (!(mu(b) > Scalar(0)) || !is_finite(mu(b))) mu(b) = Scalar(0);
  const Scalar tol = qp::QpOptions<Scalar>{}.tolerance;
  // A multiplier that makes a ball's block strictly convex whatever H is there: used when a zero one
  // leaves the problem unbounded or its minimiser outside the ball.
  const Scalar hscale = max_abs(H) + Scalar(1e-300);
  const auto floor_of = [&](Eigen::Index b) {
    const Scalar r = balls[static_cast<std::size_t>(b)].radius;
    const Scalar gb =
        g.segment(balls[static_cast<std::size_t>(b)].start, balls[static_cast<std::size_t>(b)].length).norm();
    return std::max(sqrt_of(tol) * hscale, gb / r * sqrt_of(tol));
  };
  // Without a Newton step: mu_b <- mu_b ||x_b|| / r_b (exact where the block's curvature is mu_b's alone),
  // a violated ball at mu_b = 0 gets its floor.
  const auto scaling_step = [&](const Vector& at, Vector& m) {
    for (Eigen::Index b = 0; b < nb; ++b) {
      const auto& ball = balls[static_cast<std::size_t>(b)];
      const Scalar ratio = at.segment(ball.start, ball.length).norm() / ball.radius;
      m(b) = m(b) > Scalar(0) ? m(b) * std::clamp(ratio, Scalar(1e-3), Scalar(1e3))
                              : (ratio > Scalar(1) ? floor_of(b) : Scalar(0));
    }
  };
  qp::ConvexQp<Scalar> solver;
  Matrix Hm;
  Vector x, origin, direction, best_mu;
  // First plain Newton steps, taken as they come (from mu_b = 0 the bound may have to fall before it
  // rises); they usually converge fast but can cycle. Then, from the best multipliers so far, safeguarded
  // steps, each shortened (halved, up to 8 times) while the bound stays below the bound where it started.
  const int plain_steps = max_steps / 5;
  bool newton = false;
  Scalar origin_bound(0), fraction(1);
  for (int step = 0; step < max_steps; ++step) {
    const bool safeguarded = step > plain_steps;
    if (step == plain_steps + 1 && best_mu.size() == nb) {
      mu = best_mu;
      newton = false;
    }
    Hm = H;
    for (Eigen::Index b = 0; b < nb; ++b) {
      const auto& ball = balls[static_cast<std::size_t>(b)];
      Hm.diagonal().segment(ball.start, ball.length).array() += mu(b);
    }
    Scalar gap(0);
    solver.clear_warm_start();
    if (!robust_solve(solver, Hm, g, C, d, {}, attempts, x, &gap)) {
      // unbounded (or unsolved) with these multipliers: more curvature on every ball
      for (Eigen::Index b = 0; b < nb; ++b) mu(b) = std::max(Scalar(16) * mu(b), floor_of(b));
      newton = false;
      continue;
    }
    // the Lagrangian at x, its ball terms as products (no cancellation), less the complementarity gap
    Scalar bound = value_at(x) - gap;
    bool converged = true;
    for (Eigen::Index b = 0; b < nb; ++b) {
      const auto& ball = balls[static_cast<std::size_t>(b)];
      const Scalar norm = x.segment(ball.start, ball.length).norm(), r = ball.radius;
      bound += mu(b) * (norm - r) * (norm + r) / Scalar(2);
      if (mu(b) > Scalar(0) ? abs_of(Scalar(norm - r)) > tol * r : norm > r * (Scalar(1) + tol)) converged = false;
    }
    if (!out.found || bound > out.bound) {
      out.found = true;
      out.bound = bound;
      out.x = x;
      best_mu = mu;
    }
    if (out.bound >= target || converged) break;
    if (safeguarded && newton && bound < origin_bound && (fraction /= Scalar(2)) >= Scalar(1) / Scalar(256)) {
      mu = (origin + fraction * direction).cwiseMax(Scalar(0));
      continue;
    }
    origin = mu;
    newton = solver.info() == qp::QpStatus::optimal && solver.solution() == x &&
             newton_step(Hm, C, solver.active_set(), balls, x, mu, safeguarded);
    if (newton) {
      origin_bound = bound;
      direction = mu - origin;
      fraction = Scalar(1);
    } else {
      scaling_step(x, mu);
    }
  }
  return out;
}

}  // namespace krelu::detail
