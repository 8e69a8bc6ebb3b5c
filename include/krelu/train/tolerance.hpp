#pragma once
/// \file
/// The tolerances of the exact trainers, all relative to the instance's own scale.
///
/// Bounds are evaluated in residual form at a convex subproblem's computed minimiser, so their
/// rounding error is relative to the bound itself (plus a second-order term in the scale
/// S = sum c_i y_i^2, since a minimiser's objective error is quadratic in its position error).
/// The default accepts a gap of relative_gap * loss only: no absolute slack that would let a
/// loss of 1e-10 pass as optimal when it is 3 times the optimum.

#include <algorithm>

#include "krelu/qp/types.hpp"
#include "krelu/train/options.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// The convex solver's relative tolerance tau (QpOptions' default, 1000 eps): a computed minimiser is
/// accurate to about tau of its scale, so a computed minimum to about tau^2 S.
template <class Scalar>
Scalar qp_tolerance() {
  return qp::QpOptions<Scalar>{}.tolerance;
}

/// Amount subtracted from a computed subproblem minimum to make it a safe lower bound.
template <class Scalar>
Scalar certificate_slack(const Scalar& value, const Scalar& scale) {
  const Scalar eps = NumericTraits<Scalar>::epsilon(), tau = qp_tolerance<Scalar>();
  // The second-order term: relaxations of near-realizable data were measured up to 60 tau^2 S above the
  // optimum they bound (values 1e-27 to 1e-13 against optima 1e-29 to 1e-16, S = 0.09 to 3e10); 256
  // leaves room, and stays below gap_tolerance's floor of 1024 tau^2 S.
  return Scalar(64) * eps * abs_of(value) + Scalar(256) * tau * tau * scale;
}

/// Smallest ratio min c_i / max c_i of sample weights for which a certificate is given. Below it the
/// light samples fall under the convex solver's relative tolerance, so a computed subproblem minimum
/// need not be a lower bound (measured: weights 1e-20..1e20 gave a wrong "optimal"; 1e-6..1e6 are fine).
template <class Scalar>
Scalar smallest_certified_weight_ratio() {
  return Scalar(1000) * NumericTraits<Scalar>::epsilon();
}

/// Largest loss - lower_bound accepted as optimal (same units as loss and scale).
template <class Scalar>
Scalar gap_tolerance(const TrainOptions<Scalar>& options, const Scalar& loss, const Scalar& scale) {
  const Scalar tau = qp_tolerance<Scalar>();
  return std::max({Scalar(options.absolute_gap) * scale, Scalar(options.relative_gap) * loss,
                   Scalar(1024) * tau * tau * scale});
}

}  // namespace krelu::detail
