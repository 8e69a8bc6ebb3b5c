#pragma once
/// \file
/// The negative-coefficient gadget of Lemma 21 (App. E.1) and its composition with a sum-of-k-ReLUs
/// instance (proof of Theorem 4, App. E): samples realizable by a sum of k ReLUs, on which every
/// k-ReLU with a negative output sign has loss >= tau.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/reductions/reduction.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"

namespace krelu::reductions {

/// Which construction of Lemma 21 to build.
enum class GadgetConstruction {
  automatic,  ///< two_point for k = 2, general for k >= 3
  two_point,  ///< k = 2 only: {(u, 1), (-u, 1)} with u = e_1 (App. E.1, first paragraph)
  general     ///< the proof of Lemma 21: 2^k k points in each ball B(u / (2 sqrt k), 0.01 / k)
};

/// Options of sign_gadget.
struct SignGadgetOptions {
  GadgetConstruction construction = GadgetConstruction::automatic;
  /// Compute tau by Lemma 21's formula (an exhaustive minimum over k-subsets of every S_u). When
  /// false, the constant "tau" is absent and general position is not certified.
  bool compute_tau = true;
  /// Refuse (std::invalid_argument) to compute tau over more k-subsets than this: the count is
  /// (2^k - 1) C(2^k k, k), i.e. 84 (k = 2), 14168 (k = 3), 9.5e6 (k = 4), 2.5e10 (k = 5).
  std::uint64_t max_tau_subsets = 20'000'000;

  void validate() const {
    if (max_tau_subsets == 0) throw std::invalid_argument("SignGadgetOptions.max_tau_subsets must be >= 1");
  }
};

/// The "source" of a gadget: its parameters (the gadget has no combinatorial input).
struct SignGadget {
  int k = 2;
  std::uint64_t seed = 0;
  bool two_point = true;  ///< true for the k = 2 two-point gadget, false for the general construction
};

namespace detail::gadget {

/// Points are rounded to multiples of 2^-30, so every coordinate, every label
/// f(x) = sum_j [x_j]_+ and every sum computed by the witness networks (which scale the points by
/// 1 or 1/2) is exact in double and wider types: the witness loss is exactly 0.
inline double round_to_grid(double x) {
  const double scale = 1073741824.0;  // 2^30
  return std::nearbyint(x * scale) / scale;
}

/// prefix followed by text (built by appending: GCC 12 warns falsely about "c" + std::string).
inline std::string prefixed(const char* prefix, const std::string& text) {
  std::string out(prefix);
  out.append(text);
  return out;
}

inline std::uint64_t binomial_u64(std::uint64_t n, std::uint64_t r) {
  if (r > n) return 0;
  long double b = 1;
  for (std::uint64_t i = 1; i <= r; ++i) b = b * static_cast<long double>(n - r + i) / static_cast<long double>(i);
  return b > 1.8e19L ? UINT64_MAX : static_cast<std::uint64_t>(b + 0.5L);
}

/// The next k-subset of {0, ..., count-1} in lexicographic order; false after the last.
inline bool next_combination(std::vector<int>& idx, int count) {
  const auto k = static_cast<int>(idx.size());
  int p = k - 1;
  while (p >= 0 && idx[static_cast<std::size_t>(p)] == count - k + p) --p;
  if (p < 0) return false;
  ++idx[static_cast<std::size_t>(p)];
  for (int q = p + 1; q < k; ++q) idx[static_cast<std::size_t>(q)] = idx[static_cast<std::size_t>(q - 1)] + 1;
  return true;
}

/// sigma_min(A)^2 for a square A, with sigma_min first lowered by 10 k eps ||A||_F, a margin well
/// above the backward error of the SVD (Weyl's inequality turns it into a bound on sigma_min), so
/// the result is a lower bound of the exact value.
inline double certified_sigma_min_squared(const Eigen::MatrixXd& A) {
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(A);
  const double eps = std::numeric_limits<double>::epsilon();
  const double sigma = svd.singularValues()(A.rows() - 1) - 10.0 * static_cast<double>(A.rows()) * eps * A.norm();
  return sigma > 0 ? sigma * sigma : 0.0;
}

/// Reference for min_subset_sigma_squared: one SVD per k-subset.
inline double min_subset_sigma_squared_naive(const Eigen::MatrixXd& points) {
  const auto count = static_cast<int>(points.rows());
  const auto k = static_cast<int>(points.cols());
  if (count < k) throw std::invalid_argument("min_subset_sigma_squared: fewer points than dimensions");
  std::vector<int> idx(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) idx[static_cast<std::size_t>(i)] = i;
  Eigen::MatrixXd A(k, k);
  double best = 1.0;
  do {
    for (int r = 0; r < k; ++r) A.row(r) = points.row(idx[static_cast<std::size_t>(r)]);
    best = std::min(best, certified_sigma_min_squared(A));
  } while (next_combination(idx, count));
  return best;
}

/// min{1, min over k-subsets S' of the rows of `points` of sigma_min(S')^2}: Lemma 21's
/// inf_{||w|| = 1} sum_{x in S'} (w . x)^2 = lambda_min(sum_{x in S'} x x^T) (ERRATA, Lemma 21:
/// the smallest singular value squared). A lower bound of the exact value (SVD error margins are
/// subtracted, see certified_sigma_min_squared).
///
/// Speed-up over one SVD per subset: for each (k-1)-subset with Gram matrix B (eigenvalues
/// 0 = l_1 < l_2 <= ..., null vector nu) and each later point x, the secular equation of the
/// rank-one update B + x x^T gives lambda_min >= min{ l_2 / 2, (nu . x)^2 / (1 + 2 ||x||^2 / l_2) };
/// only subsets whose bound (made safe against rounding) does not exceed the incumbent get an SVD.
inline double min_subset_sigma_squared(const Eigen::MatrixXd& points) {
  const auto count = static_cast<int>(points.rows());
  const auto k = static_cast<int>(points.cols());
  if (k < 2 || count < k)
    throw std::invalid_argument("min_subset_sigma_squared: need dimension k >= 2 and at least k points");
  const double eps = std::numeric_limits<double>::epsilon();
  double best = 1.0;
  std::vector<int> idx(static_cast<std::size_t>(k - 1));
  for (int i = 0; i < k - 1; ++i) idx[static_cast<std::size_t>(i)] = i;
  Eigen::MatrixXd Q(k - 1, k), A(k, k);
  do {
    const int last = idx.back();
    if (last >= count - 1) continue;  // no point after it
    for (int r = 0; r < k - 1; ++r) Q.row(r) = points.row(idx[static_cast<std::size_t>(r)]);
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(Q, Eigen::ComputeFullV);
    const double qnorm = Q.norm();
    const double slack = 10.0 * static_cast<double>(k) * eps * qnorm;
    const double s_small = svd.singularValues()(k - 2) - slack;
    const double lambda2 = s_small > 0 ? s_small * s_small : 0.0;
    const Eigen::VectorXd nu = svd.matrixV().col(k - 1);
    const double angle = s_small > 0 ? 10.0 * slack / s_small : 1.0;  // Wedin: sin(theta) <= ||E|| / s_{k-1}
    for (int j = last + 1; j < count; ++j) {
      const auto x = points.row(j);
      const double xnorm2 = x.squaredNorm();
      double bound = 0.0;
      if (lambda2 > 0) {
        const double z = std::abs(x.dot(nu)) - angle * std::sqrt(xnorm2);
        const double z2 = z > 0 ? z * z : 0.0;
        bound = std::min(lambda2 / 2.0, z2 / (1.0 + 2.0 * xnorm2 / lambda2)) * (1.0 - 1e-9);
      }
      if (bound > best) continue;
      A.topRows(k - 1) = Q;
      A.row(k - 1) = x;
      best = std::min(best, certified_sigma_min_squared(A));
    }
  } while (next_combination(idx, count));
  return best;
}

/// `count` points of B(center, radius) on the 2^-30 grid, drawn uniformly from the concentric
/// ball of radius 0.9 radius (so rounding cannot leave the ball).
inline Eigen::MatrixXd draw_ball_points(const Eigen::VectorXd& center, double radius, int count, std::mt19937_64& rng) {
  const auto k = center.size();
  std::normal_distribution<double> gauss;
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  Eigen::MatrixXd pts(count, k);
  for (int p = 0; p < count; ++p) {
    Eigen::VectorXd d(k);
    double norm = 0;
    do {
      for (Eigen::Index j = 0; j < k; ++j) d(j) = gauss(rng);
      norm = d.norm();
    } while (!(norm > 1e-12));
    const double r = 0.9 * radius * std::pow(unif(rng), 1.0 / static_cast<double>(k));
    for (Eigen::Index j = 0; j < k; ++j) pts(p, j) = round_to_grid(center(j) + r * d(j) / norm);
  }
  return pts;
}

}  // namespace detail::gadget

/// The gadget of Lemma 21 for k units, deterministic from the seed.
///
/// \code
/// namespace kr = krelu::reductions;
/// auto g = kr::sign_gadget(3, /*seed*/ 1);      // 7 orthants x 24 points in R^3
/// double tau = g.constant("tau");               // any k-ReLU with a sign -1 has loss >= tau
/// auto net = kr::witness(g);                    // w^j = e_j, signs +1: loss exactly 0
/// \endcode
///
/// - two_point (k = 2; the seed is not used): samples (e_1, 1) and (-e_1, 1), realized by
///   w^1 = e_1, w^2 = -e_1. With a sign -1, one unit's pre-activation is <= 0 on e_1 or on -e_1,
///   so the output there is <= 0 and the residual >= 1 (App. E.1): tau = 1/2 (the exact minima
///   are 1/2 for a = (1, -1) and 1 for a = (-1, -1)).
/// - general: for every u in {-1, 1}^k other than -1_k (in the order of the bits of 1 .. 2^k - 1,
///   bit j set meaning u_j = +1), S_u = 2^k k random points of the ball B(u / (2 sqrt k), 0.01 / k);
///   labels f(x) = sum_j [x_j]_+. tau = 0.1 / (k |S|) min{1, min_{u, S' in S_u, |S'| = k}
///   sigma_min(S')^2} (Lemma 21; ERRATA: distance >= 1 between the 0/1 vectors sgn(u), absorbed by
///   the 0.1 / k, and sigma_min is the smallest singular value). tau > 0 certifies that every S_u is
///   in general position (a degenerate S_u is redrawn).
/// Every sample lies in the unit ball, labels in [0, k]; the Reduction has units = k, free signs
/// (the soundness is over all signs), radius 1, constants k, points, tau (and for general:
/// ball_radius, points_per_orthant, min_sigma_squared).
/// Throws std::invalid_argument if k < 2, two_point is asked for k != 2, k > 16, or computing tau
/// needs more than options.max_tau_subsets subsets.
template <class Scalar = double>
Reduction<Scalar, SignGadget> sign_gadget(int k, std::uint64_t seed, const SignGadgetOptions& options = {}) {
  options.validate();
  if (k < 2) throw std::invalid_argument("sign_gadget: k must be >= 2, got " + std::to_string(k));
  if (k > 16) throw std::invalid_argument("sign_gadget: k must be <= 16 (the gadget has (2^k - 1) 2^k k points)");
  const bool two_point = options.construction == GadgetConstruction::two_point ||
                         (options.construction == GadgetConstruction::automatic && k == 2);
  if (two_point && k != 2)
    throw std::invalid_argument("sign_gadget: the two-point construction exists only for k = 2, got k = " +
                                std::to_string(k));

  Reduction<Scalar, SignGadget> red{
      SignGadget{k, seed, two_point}, SampleSet<Scalar, Sparse>(k), {}, {}, k, {}, Scalar(1)};
  for (int j = 0; j < k; ++j) red.coordinate_names.push_back(detail::gadget::prefixed("g", std::to_string(j)));
  red.constants["k"] = Scalar(k);

  SampleSetBuilder<Scalar, Sparse> builder(k);
  if (two_point) {
    builder.add({{0, Scalar(1)}}, Scalar(1));
    builder.add({{0, Scalar(-1)}}, Scalar(1));
    red.samples = std::move(builder).build();
    red.constants["points"] = Scalar(2);
    red.constants["tau"] = Scalar(1) / Scalar(2);
    return red;
  }

  const int orthants = (1 << k) - 1;
  const int per_orthant = (1 << k) * k;
  const double radius = 0.01 / k;
  const std::uint64_t subsets =
      detail::gadget::binomial_u64(static_cast<std::uint64_t>(per_orthant), static_cast<std::uint64_t>(k));
  if (options.compute_tau &&
      (subsets == UINT64_MAX || subsets > options.max_tau_subsets / static_cast<std::uint64_t>(orthants)))
    throw std::invalid_argument(
        "sign_gadget: tau by Lemma 21's formula needs " + std::to_string(orthants) + " x " + std::to_string(subsets) +
        " k-subsets, more than SignGadgetOptions.max_tau_subsets = " + std::to_string(options.max_tau_subsets) +
        " (raise it, or set compute_tau = false to build the samples only)");

  std::mt19937_64 rng(seed);
  const double total = static_cast<double>(orthants) * per_orthant;
  double min_sigma2 = 1.0;
  builder.reserve(static_cast<Eigen::Index>(total), static_cast<Eigen::Index>(total) * k);
  for (int bits = 1; bits <= orthants; ++bits) {
    Eigen::VectorXd center(k);
    for (int j = 0; j < k; ++j) center(j) = ((bits >> j) & 1 ? 1.0 : -1.0) / (2.0 * std::sqrt(double(k)));
    Eigen::MatrixXd pts;
    while (true) {
      pts = detail::gadget::draw_ball_points(center, radius, per_orthant, rng);
      if (!options.compute_tau) break;
      const double s2 = detail::gadget::min_subset_sigma_squared(pts);
      if (s2 > 0) {
        min_sigma2 = std::min(min_sigma2, s2);
        break;
      }
    }
    for (int p = 0; p < per_orthant; ++p) {
      std::vector<typename SampleSetBuilder<Scalar, Sparse>::Entry> entries;
      Scalar label(0);
      for (int j = 0; j < k; ++j) {
        const Scalar x = Scalar(pts(p, j));
        if (x != Scalar(0)) entries.emplace_back(j, x);
        if (x > Scalar(0)) label += x;
      }
      builder.add(entries, label);
    }
  }
  red.samples = std::move(builder).build();
  red.constants["points"] = Scalar(total);
  red.constants["points_per_orthant"] = Scalar(per_orthant);
  red.constants["ball_radius"] = Scalar(radius);
  if (options.compute_tau) {
    red.constants["min_sigma_squared"] = Scalar(min_sigma2);
    red.constants["tau"] = Scalar(1) / (Scalar(10) * Scalar(k) * Scalar(total)) * Scalar(std::min(1.0, min_sigma2));
  }
  return red;
}

/// The completeness network of Lemma 21: w^j = e_j (general) or w^1 = e_1, w^2 = -e_1 (two-point),
/// all signs +1; loss exactly 0, rows of norm 1.
template <class Scalar>
Network<Scalar> witness(const Reduction<Scalar, SignGadget>& gadget) {
  const int k = gadget.source.k;
  typename Network<Scalar>::Matrix W = Network<Scalar>::Matrix::Identity(k, k);
  if (gadget.source.two_point) {
    W.setZero();
    W(0, 0) = Scalar(1);
    W(1, 0) = Scalar(-1);
  }
  return Network<Scalar>(W, Network<Scalar>::Vector::Ones(k));
}

/// The loss of witness(gadget): 0.
template <class Scalar>
Scalar predicted_loss(const Reduction<Scalar, SignGadget>&) {
  return Scalar(0);
}

/// The instance of Theorem 4's proof: a sum-of-k-ReLUs instance S (dimension n) joined with a
/// gadget S~ (dimension k).
template <class Scalar, class Inner>
struct GadgetComposition {
  Reduction<Scalar, Inner> inner;        ///< S, e.g. kr::reduce(hypergraph, k)
  Reduction<Scalar, SignGadget> gadget;  ///< S~ from sign_gadget(k, seed)
};

/// Theorem 4's composition (App. E): samples (x o 0_k, y / 2) for (x, y) in S with m~ times their
/// weight, and (0_n o x~, y~ / 2) for (x~, y~) in S~ with m times their weight, where m and m~
/// are the total weights of S and S~ ("m~ copies" and "m copies" in the proof).
///
/// \code
/// auto red = kr::reduce(h, 2);
/// auto composed = kr::compose_with_gadget(red, kr::sign_gadget(2, 0));
/// auto net = kr::witness(composed, coloring);   // 0.5 w o 0.5 w~: loss exactly 0
/// \endcode
///
/// For any k-ReLU with weights (W, W~) (first n and last k coordinates) and signs a,
///   L(composed) = ( L(2W, a; S) + L(2W~, a; S~) ) / 8,
/// which inner_network / gadget_network expose. Hence: a sign -1 costs >= tau / 8 (ERRATA, Thm 4:
/// the paper's 0.5 tau forgets that the labels are halved), and all-plus networks cost
/// >= L_S / 8. Constants: every constant of S as "inner.<name>", of S~ as "gadget.<name>"; "tau",
/// "sign_bound" = tau / 8 (if the gadget has tau); "epsilon" = min(inner.epsilon, tau) / 8 if S
/// has an "epsilon" (a loss that every network with any signs reaches when the source instance
/// is a no-instance). Units k, free signs, radius = the radius of S (witness norms are
/// sqrt((||w||^2 + ||w~||^2) / 4) <= 1 for radius 1).
/// Throws std::invalid_argument if S is not a sum of k ReLUs (signs all +1, units = gadget k).
template <class Scalar, class Inner>
Reduction<Scalar, GadgetComposition<Scalar, Inner>> compose_with_gadget(const Reduction<Scalar, Inner>& red,
                                                                        const Reduction<Scalar, SignGadget>& gadget) {
  const int k = gadget.source.k;
  if (red.units != k)
    throw std::invalid_argument("compose_with_gadget: the instance has " + std::to_string(red.units) +
                                " units but the gadget is for k = " + std::to_string(k));
  if (red.signs != std::vector<int>(static_cast<std::size_t>(k), 1))
    throw std::invalid_argument("compose_with_gadget: the instance must be a sum of k ReLUs (signs all +1)");
  if (red.samples.empty() || gadget.samples.empty())
    throw std::invalid_argument("compose_with_gadget: both sample sets must be non-empty");

  const Eigen::Index n = red.samples.dim();
  const Scalar m = red.samples.total_weight(), m_gadget = gadget.samples.total_weight();
  auto first = embed(red.samples, 0, k);
  first.scale_labels(Scalar(1) / Scalar(2)).scale_weights(m_gadget);
  auto second = embed(gadget.samples, n, 0);
  second.scale_labels(Scalar(1) / Scalar(2)).scale_weights(m);

  Reduction<Scalar, GadgetComposition<Scalar, Inner>> out{
      GadgetComposition<Scalar, Inner>{red, gadget}, concatenate(std::move(first), second), {}, {}, k, {}, red.radius};
  out.coordinate_names = red.coordinate_names;
  if (out.coordinate_names.size() != static_cast<std::size_t>(n)) {
    out.coordinate_names.clear();
    for (Eigen::Index i = 0; i < n; ++i)
      out.coordinate_names.push_back(detail::gadget::prefixed("x", std::to_string(i)));
  }
  for (const auto& name : gadget.coordinate_names) out.coordinate_names.push_back(name);
  for (const auto& [name, value] : red.constants) out.constants[detail::gadget::prefixed("inner.", name)] = value;
  for (const auto& [name, value] : gadget.constants) out.constants[detail::gadget::prefixed("gadget.", name)] = value;
  out.constants["m_inner"] = m;
  out.constants["m_gadget"] = m_gadget;
  if (auto tau = gadget.constants.find("tau"); tau != gadget.constants.end()) {
    out.constants["tau"] = tau->second;
    out.constants["sign_bound"] = tau->second / Scalar(8);
    if (auto eps = red.constants.find("epsilon"); eps != red.constants.end())
      out.constants["epsilon"] = (eps->second < tau->second ? eps->second : tau->second) / Scalar(8);
  }
  return out;
}

namespace detail::gadget {

template <class Scalar, class Inner>
void check_composed_network(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red, const Network<Scalar>& net,
                            const char* where) {
  if (net.units() != red.units || net.dim() != red.samples.dim())
    throw std::invalid_argument(std::string(where) + ": the network has " + std::to_string(net.units()) +
                                " units of dimension " + std::to_string(net.dim()) + ", expected " +
                                std::to_string(red.units) + " units of dimension " + std::to_string(red.samples.dim()));
}

}  // namespace detail::gadget

/// The network (2W, a) that the composed loss evaluates on S (first n coordinates, doubled).
template <class Scalar, class Inner>
Network<Scalar> inner_network(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red,
                              const Network<Scalar>& net) {
  detail::gadget::check_composed_network(red, net, "inner_network");
  const Eigen::Index n = red.source.inner.samples.dim();
  return Network<Scalar>(Scalar(2) * net.weights().leftCols(n), net.signs());
}

/// The network (2W~, a) that the composed loss evaluates on S~ (last k coordinates, doubled).
template <class Scalar, class Inner>
Network<Scalar> gadget_network(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red,
                               const Network<Scalar>& net) {
  detail::gadget::check_composed_network(red, net, "gadget_network");
  return Network<Scalar>(Scalar(2) * net.weights().rightCols(red.units), net.signs());
}

/// Theorem 4's completeness network: rows 0.5 w^j o 0.5 w~^j from witness(inner, solution) and
/// witness(gadget), signs +1.
template <class Scalar, class Inner, class Solution>
Network<Scalar> witness(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red, const Solution& solution) {
  const Network<Scalar> a = witness(red.source.inner, solution);
  const Network<Scalar> b = witness(red.source.gadget);
  typename Network<Scalar>::Matrix W(red.units, a.dim() + b.dim());
  W << a.weights() / Scalar(2), b.weights() / Scalar(2);
  return Network<Scalar>(W, Network<Scalar>::Vector::Ones(red.units));
}

/// predicted_loss(inner, solution) / 8 (the gadget part of the witness costs 0).
template <class Scalar, class Inner, class Solution>
Scalar predicted_loss(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red, const Solution& solution) {
  return predicted_loss(red.source.inner, solution) / Scalar(8);
}

/// The inner decoder applied to inner_network(red, net). By Theorem 4's proof, a network with
/// composed loss < tau / 8 has all signs +1, and its inner network has loss <= 8 x the composed
/// loss on S, so the inner decoder's guarantee applies with that loss.
template <class Scalar, class Inner>
auto decode(const Reduction<Scalar, GadgetComposition<Scalar, Inner>>& red, const Network<Scalar>& net) {
  return decode(red.source.inner, inner_network(red, net));
}

}  // namespace krelu::reductions
