#pragma once
/// \file
/// train_epsilon_net: the bounded 1-ReLU training problem solved to a proven additive error by
/// evaluating the loss on a net of the unit ball (the algorithm of the remark after Theorem 3, time
/// O(1/epsilon)^n poly(m)).

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "krelu/loss.hpp"
#include "krelu/network.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"

namespace krelu {

/// Options of train_epsilon_net.
struct EpsilonNetOptions {
  /// Refuse (std::invalid_argument) before evaluating anything when the net has more points than this.
  std::uint64_t max_points = 100'000'000;

  void validate() const {
    if (max_points == 0) throw std::invalid_argument("EpsilonNetOptions.max_points must be >= 1");
  }
};

/// What train_epsilon_net found: a 1-ReLU w with ||w|| <= 1 and a proven bound on how far its loss is
/// from the minimum over the unit ball.
template <class Scalar = double>
struct EpsilonNetResult {
  Network<Scalar> network;   ///< one unit, sign +1, ||w|| <= 1
  Scalar loss;               ///< krelu::loss(network, samples)
  Scalar guarantee;          ///< proven: loss - min_{||w|| <= 1} L(w) <= guarantee <= epsilon
  Scalar lower_bound;        ///< loss - guarantee: proven lower bound on the minimum (>= 0)
  Scalar lipschitz;          ///< Lambda: |L(w) - L(w')| <= Lambda ||w - w'|| on the unit ball (see train_epsilon_net)
  Scalar covering_radius;    ///< r: every w in the ball is within r of a net point
  Scalar spacing;            ///< grid spacing h = 2 r / sqrt(n)
  std::uint64_t points = 0;  ///< net points evaluated
  double seconds = 0;
};

namespace detail {

/// Number of points z in Z^n with sum_d (z_d h)^2 <= rho^2, counted coordinate by coordinate (the
/// last coordinate in closed form); stops counting once the total exceeds `limit`. The enumeration
/// below visits exactly these points (same arithmetic).
template <class Scalar>
std::uint64_t count_grid_points(Eigen::Index dims, const Scalar& remaining, const Scalar& h, std::uint64_t limit,
                                std::uint64_t& work) {
  using std::floor;
  const Scalar zmax_real = floor(sqrt_of(remaining) / h);
  if (!(zmax_real < Scalar(1e15))) return limit + 1;
  const auto zmax = static_cast<std::int64_t>(zmax_real);
  if (dims == 1) return static_cast<std::uint64_t>(2 * zmax + 1);
  std::uint64_t total = 0;
  for (std::int64_t z = -zmax; z <= zmax; ++z) {
    if (++work > limit) return limit + 1;
    const Scalar v = Scalar(static_cast<double>(z)) * h;
    Scalar rest = remaining - v * v;
    if (rest < Scalar(0)) rest = Scalar(0);
    total += count_grid_points(dims - 1, rest, h, limit, work);
    if (total > limit) return limit + 1;
  }
  return total;
}

/// Visits every grid point of count_grid_points in lexicographic order, one line of the last coordinate
/// at a time: `visit_line(z, zmax)` receives the first n - 1 coordinates in z and the range
/// -zmax..zmax of the last one.
template <class Scalar, class VisitLine>
void for_each_grid_line(Eigen::Index d, Eigen::Index dims, const Scalar& remaining, const Scalar& h,
                        std::vector<std::int64_t>& z, VisitLine& visit_line) {
  using std::floor;
  const auto zmax = static_cast<std::int64_t>(floor(sqrt_of(remaining) / h));
  if (d + 1 == dims) {
    visit_line(z, zmax);
    return;
  }
  for (std::int64_t v = -zmax; v <= zmax; ++v) {
    z[static_cast<std::size_t>(d)] = v;
    const Scalar x = Scalar(static_cast<double>(v)) * h;
    Scalar rest = remaining - x * x;
    if (rest < Scalar(0)) rest = Scalar(0);
    for_each_grid_line(d + 1, dims, rest, h, z, visit_line);
  }
}

}  // namespace detail

/// Minimises the bounded 1-ReLU loss L(w) = sum_i c_i ([<w, x_i>]_+ - y_i)^2 / sum_i c_i over
/// ||w|| <= 1 (sign +1) to within `epsilon`, by evaluating L on a net of the unit ball (remark after
/// Theorem 3; the samples must lie in the unit ball, as in Theorem 3).
///
/// The net. Let h = 2 r / sqrt(n). For w in the ball, its nearest point g of the grid h Z^n has
/// ||g - w|| <= h sqrt(n) / 2 = r, so ||g|| <= 1 + r; the net is the projection onto the ball of every
/// grid point with ||g|| <= 1 + r, and projection onto a convex set does not increase the distance to
/// w. It has O(1/r)^n points.
///
/// The guarantee. For ||x|| = rho <= 1 and w, w' in the ball, a = [<w, x>]_+ and b = [<w', x>]_+ lie in
/// [0, rho] and |a - b| <= rho ||w - w'||, so (a - y)^2 - (b - y)^2 = (a - b)(a + b - 2y) with
/// |a + b - 2y| <= 2 max(|rho - y|, |y|). Hence L is Lipschitz on the ball with constant
/// \f$ \Lambda = \frac{1}{\sum c} \sum_i c_i \rho_i \, 2\max(|\rho_i - y_i|, |y_i|) \le 2\max_i|y_i| + 2 \f$.
/// With w* a minimiser and w' the net point within r of it, loss = min over the net <= L(w') <= L* + Lambda r.
/// A second bound holds too: the outputs of w' and w* differ by at most rho_max r on every sample, so by
/// Minkowski's inequality in the c-weighted norm sqrt(L(w')) <= sqrt(L*) + rho_max r, i.e.
/// L* >= (sqrt(loss) - rho_max r)_+^2, much tighter when the loss is small. The lower bound is the larger
/// of the two; the guarantee is at most Lambda r + allowance = epsilon. A rounding allowance
/// of 4 (m + 2n + 8) u mean_c (|y_i| + rho_i)^2 (u the unit roundoff) is subtracted from the lower bound for
/// the floating-point evaluation of the losses, and r = (epsilon - allowance) / Lambda.
///
/// \code
/// auto r = krelu::train_epsilon_net(samples, 0.01);   // samples in the unit ball of R^2
/// // r.loss - r.guarantee <= min_{||w|| <= 1} loss(w) <= r.loss, r.guarantee <= 0.01
/// \endcode
///
/// Throws std::invalid_argument if epsilon is not finite and > 0, the set is empty, a sample lies outside
/// the unit ball (norm > 1 + 8 u), or the net would have more than options.max_points points.
template <class Scalar, class Storage>
EpsilonNetResult<Scalar> train_epsilon_net(const SampleSet<Scalar, Storage>& samples,
                                           const std::type_identity_t<Scalar>& epsilon,
                                           const EpsilonNetOptions& options = {}) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const auto started = std::chrono::steady_clock::now();
  options.validate();
  if (!is_finite(epsilon) || !(epsilon > Scalar(0)))
    throw std::invalid_argument("train_epsilon_net: epsilon must be finite and > 0");
  if (samples.empty()) throw std::invalid_argument("train_epsilon_net: the sample set is empty");
  const Eigen::Index m = samples.size(), n = samples.dim();
  const Scalar u = NumericTraits<Scalar>::epsilon();
  const Matrix X = Matrix(samples.inputs());  // n is small (the net has O(1/epsilon)^n points)
  const Vector rho = X.rowwise().norm();
  for (Eigen::Index i = 0; i < m; ++i)
    if (rho(i) > Scalar(1) + Scalar(8) * u)
      throw std::invalid_argument("train_epsilon_net: sample " + std::to_string(i) +
                                  " lies outside the unit ball (the bounded 1-ReLU problem of Theorem 3 needs "
                                  "||x_i|| <= 1)");
  const Vector& y = samples.labels();
  const Vector& c = samples.weights();
  const Scalar total_weight = samples.total_weight();

  Scalar lipschitz(0), rounding_scale(0);
  for (Eigen::Index i = 0; i < m; ++i) {
    const Scalar spread = abs_of(rho(i) - y(i)) > abs_of(y(i)) ? abs_of(rho(i) - y(i)) : abs_of(y(i));
    lipschitz += c(i) * rho(i) * Scalar(2) * spread;
    rounding_scale += c(i) * (abs_of(y(i)) + rho(i)) * (abs_of(y(i)) + rho(i));
  }
  lipschitz /= total_weight;
  rounding_scale /= total_weight;
  const Scalar rho_max = rho.size() > 0 ? rho.maxCoeff() : Scalar(0);
  // Each evaluated loss is a sum of m nonnegative terms whose arguments carry O(n u) relative error: off by
  // at most (m + 2n + 8) u mean_c (|y| + rho)^2; the chosen point and the net point near the minimiser both are.
  const Scalar rounding = Scalar(4) * Scalar(static_cast<double>(m + 2 * n + 8)) * u * rounding_scale;

  // All inputs zero (or n = 0): L is constant, w = 0 is optimal.
  if (!(lipschitz > Scalar(0)) || n == 0) {
    Network<Scalar> net = Network<Scalar>::single(Vector::Zero(n));
    const Scalar l = loss(net, samples);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return EpsilonNetResult<Scalar>{std::move(net), l, Scalar(0), l, lipschitz, Scalar(0), Scalar(0), 1, seconds};
  }

  if (!(epsilon > Scalar(2) * rounding))
    throw std::invalid_argument("train_epsilon_net: epsilon is below twice the rounding level of the loss (" +
                                std::to_string(static_cast<double>(rounding)) + ")");
  const Scalar r = (epsilon - rounding) / lipschitz;
  const Scalar h = Scalar(2) * r / sqrt_of(Scalar(static_cast<double>(n)));
  const Scalar outer = (Scalar(1) + r) * (Scalar(1) + Scalar(8) * u);  // keep boundary points despite rounding
  std::uint64_t work = 0;
  const std::uint64_t points = detail::count_grid_points(n, outer * outer, h, options.max_points, work);
  if (points > options.max_points)
    throw std::invalid_argument(
        "train_epsilon_net: the net for epsilon = " + std::to_string(static_cast<double>(epsilon)) + " in dimension " +
        std::to_string(n) + " has more than EpsilonNetOptions.max_points = " + std::to_string(options.max_points) +
        " points; raise max_points or epsilon");

  // Evaluate L(P(h z)) for every grid point z: the pre-activations are X (h z) = (X z_prefix) h + z_last h X_last,
  // and projecting g onto the ball divides them by max(1, ||g||).
  Scalar best_loss = NumericTraits<Scalar>::infinity();
  std::vector<std::int64_t> best_z(static_cast<std::size_t>(n), 0);
  Vector prefix(m), pre(m);
  const auto last = static_cast<std::size_t>(n - 1);
  auto visit_line = [&](std::vector<std::int64_t>& z, std::int64_t zmax) {
    prefix.setZero();
    Scalar prefix_norm2(0);
    for (Eigen::Index d = 0; d + 1 < n; ++d) {
      const Scalar g = Scalar(static_cast<double>(z[static_cast<std::size_t>(d)])) * h;
      if (g != Scalar(0)) prefix += g * X.col(d);
      prefix_norm2 += g * g;
    }
    for (std::int64_t v = -zmax; v <= zmax; ++v) {
      const Scalar g = Scalar(static_cast<double>(v)) * h;
      const Scalar norm2 = prefix_norm2 + g * g;
      const Scalar shrink = norm2 > Scalar(1) ? Scalar(1) / sqrt_of(norm2) : Scalar(1);
      pre = prefix + g * X.col(n - 1);
      Scalar l(0);
      for (Eigen::Index i = 0; i < m; ++i) {
        const Scalar f = pre(i) > Scalar(0) ? pre(i) * shrink : Scalar(0);
        l += c(i) * (f - y(i)) * (f - y(i));
      }
      if (l < best_loss) {
        best_loss = l;
        z[last] = v;
        best_z = z;
      }
    }
  };
  std::vector<std::int64_t> z(static_cast<std::size_t>(n), 0);
  detail::for_each_grid_line(Eigen::Index{0}, n, outer * outer, h, z, visit_line);

  Vector w(n);
  for (Eigen::Index d = 0; d < n; ++d) w(d) = Scalar(static_cast<double>(best_z[static_cast<std::size_t>(d)])) * h;
  const Scalar wn = w.norm();
  if (wn > Scalar(1)) w /= wn;
  Network<Scalar> net = Network<Scalar>::single(w);
  const Scalar l = loss(net, samples);
  const Scalar lipschitz_bound = l - lipschitz * r;
  const Scalar root_gap = sqrt_of(l) - rho_max * r;
  const Scalar minkowski_bound = root_gap > Scalar(0) ? root_gap * root_gap : Scalar(0);
  Scalar lower = lipschitz_bound > minkowski_bound ? lipschitz_bound : minkowski_bound;
  lower -= rounding;
  if (lower < Scalar(0)) lower = Scalar(0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return EpsilonNetResult<Scalar>{std::move(net), l, l - lower, lower, lipschitz, r, h, points, seconds};
}

}  // namespace krelu
