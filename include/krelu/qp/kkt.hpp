#pragma once
/// \file
/// KKT residuals of a candidate solution of min 1/2 x'Hx + g'x s.t. C x >= d, ||x_b|| <= radius_b,
/// with the sign convention H x + g - C' lambda + sum_b mu_b x_b = 0, lambda >= 0, mu >= 0 (the ball
/// constraint is written 1/2 (||x_b||^2 - radius_b^2) <= 0 with multiplier mu_b).

#include <Eigen/Core>
#include <vector>

#include "krelu/qp/types.hpp"
#include "krelu/traits.hpp"

namespace krelu::qp {

/// The relative residuals described at KktResiduals, computed from scratch (no solver state). The first
/// `equalities` rows may be declared equations C_k x = d_k, whose multipliers have either sign.
template <class DH, class Dg, class DC, class Dd, class Dx, class Dl, class Dm>
KktResiduals kkt_residuals(const Eigen::MatrixBase<DH>& H, const Eigen::MatrixBase<Dg>& g,
                           const Eigen::MatrixBase<DC>& C, const Eigen::MatrixBase<Dd>& d,
                           const std::vector<BallConstraint<typename DH::Scalar>>& balls,
                           const Eigen::MatrixBase<Dx>& x, const Eigen::MatrixBase<Dl>& lambda,
                           const Eigen::MatrixBase<Dm>& mu, Eigen::Index equalities = 0) {
  using Scalar = typename DH::Scalar;
  using Index = Eigen::Index;
  const Index n = H.rows(), m = C.rows();
  KktResiduals out;
  auto rel = [](const Scalar& num, const Scalar& den) -> double {
    if (!(num > Scalar(0))) return 0.0;
    if (!(den > Scalar(0))) return num > Scalar(0) ? 1.0 : 0.0;
    return static_cast<double>(Scalar(num / den));
  };
  Scalar xinf(0);
  for (Index j = 0; j < n; ++j)
    if (abs_of(Scalar(x(j))) > xinf) xinf = abs_of(Scalar(x(j)));
  // sigma is at least max_i sum_j |H_ij| ||x||_inf: x is only known to rounding at the scale of its largest
  // entry (as in primal_feasibility), and that rounding reaches H x. Without this floor a solution with a
  // zero gradient (every term near 0, e.g. min v^2 at v = 0) would be judged on pure noise.
  Scalar sigma(0), worst(0);
  for (Index i = 0; i < n; ++i) {
    Scalar hrow(0);
    for (Index j = 0; j < n; ++j) hrow += abs_of(Scalar(H(i, j)));
    if (hrow * xinf > sigma) sigma = hrow * xinf;
  }
  for (Index i = 0; i < n; ++i) {
    Scalar mu_i(0);  // multiplier of the ball holding variable i
    for (std::size_t b = 0; b < balls.size(); ++b)
      if (i >= balls[b].start && i < balls[b].start + balls[b].length) mu_i = mu(static_cast<Index>(b));
    Scalar r = g(i) + mu_i * x(i);
    Scalar s = abs_of(Scalar(g(i))) + abs_of(Scalar(mu_i * x(i)));
    for (Index j = 0; j < n; ++j) {
      const Scalar t = H(i, j) * x(j);
      r += t;
      s += abs_of(t);
    }
    for (Index k = 0; k < m; ++k) {
      const Scalar t = C(k, i) * lambda(k);
      r -= t;
      s += abs_of(t);
    }
    if (s > sigma) sigma = s;
    if (abs_of(r) > worst) worst = abs_of(r);
  }
  out.stationarity = rel(worst, sigma);

  Scalar dmax(0);
  for (Index k = 0; k < m; ++k)
    if (abs_of(Scalar(d(k))) > dmax) dmax = abs_of(Scalar(d(k)));
  for (Index k = 0; k < m; ++k) {
    Scalar cx(0), c1(0), cinf(0);
    for (Index j = 0; j < n; ++j) {
      cx += C(k, j) * x(j);
      const Scalar a = abs_of(Scalar(C(k, j)));
      c1 += a;
      if (a > cinf) cinf = a;
    }
    const Scalar terms = c1 * xinf;
    const Scalar slack = cx - d(k);
    // a zero row (0 >= d_k) is measured against the largest right-hand side
    const Scalar scale = c1 == Scalar(0) ? dmax : abs_of(Scalar(d(k))) > terms ? abs_of(Scalar(d(k))) : terms;
    out.primal_feasibility = std::max(out.primal_feasibility, rel(Scalar(-slack), scale));
    const Scalar lk = k < equalities ? abs_of(Scalar(lambda(k))) : Scalar(lambda(k));
    if (lk > Scalar(0))
      out.complementarity = std::max(out.complementarity, rel(Scalar(lk * cinf), sigma) * rel(abs_of(slack), scale));
    else
      out.dual_sign = std::max(out.dual_sign, rel(Scalar(-lk * cinf), sigma));
  }
  for (std::size_t b = 0; b < balls.size(); ++b) {
    const Scalar nb = x.segment(balls[b].start, balls[b].length).norm();
    const Scalar radius = balls[b].radius;
    const Scalar mb = mu(static_cast<Index>(b));
    out.primal_feasibility = std::max(out.primal_feasibility, rel(Scalar(nb - radius), radius));
    if (mb > Scalar(0))
      out.complementarity =
          std::max(out.complementarity, rel(Scalar(mb * radius), sigma) * rel(abs_of(Scalar(nb - radius)), radius));
    else
      out.dual_sign = std::max(out.dual_sign, rel(Scalar(-mb * radius), sigma));
  }
  return out;
}

}  // namespace krelu::qp
