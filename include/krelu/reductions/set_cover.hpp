#pragma once
/// \file
/// Thm 8 (App. B): Set Cover -> 1-ReLU training. The minimum total squared error of the produced
/// samples is exactly OPT * gamma^2 with gamma = 0.01 / M^2 (ERRATA, Thm 8), and a cover is read
/// off any good enough ReLU as {T_i : w_Ti < -w_gamma}.

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/problems/set_cover.hpp"
#include "krelu/reductions/reduction.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/samples.hpp"

namespace krelu::reductions {

/// Where each variable of Thm 8 sits in the weight vector w in R^{M+2}.
struct SetCoverCoordinates {
  static constexpr Eigen::Index one = 0;    ///< w_1
  static constexpr Eigen::Index gamma = 1;  ///< w_gamma
  /// w_{T_i}
  static constexpr Eigen::Index subset(int i) { return 2 + static_cast<Eigen::Index>(i); }
};

/// The samples of Thm 8, in this order (all weights 1, all inputs in {0,1}^{M+2}):
/// - rows 0..|U|-1, eq. (2), one per element u: x_u = e_1 + sum_{T_i containing u} e_{T_i},
///   label 0 ("u is covered": w_1 = 1 must be cancelled by some w_Ti = -1);
/// - rows |U|..|U|+M-1, eq. (3), one per subset: x_{T_i} = e_gamma + e_{T_i}, label gamma
///   ("T_i is not used": costs gamma^2 when w_Ti = -1);
/// - row |U|+M, eq. (4): e_1, label 1 (pins w_1 = 1);
/// - row |U|+M+1, eq. (5): e_gamma, label gamma (pins w_gamma = gamma).
/// The proof's prose says -1 in the T_i coordinates; formulas (2), (3) and the ERRATA say +1, used here.
///
/// \code
/// namespace kp = krelu::problems; namespace kr = krelu::reductions;
/// kp::SetCover sc(3, {{0, 1}, {1, 2}, {2}});
/// auto red = kr::reduce(sc);                        // 5 + 2 samples in dimension 5
/// auto cover = kp::solve_exact(sc);                 // {0, 1} or {0, 2}
/// auto net = kr::witness(red, cover);
/// double L = krelu::loss(net, red.samples);         // == kr::predicted_loss(red, cover) = gamma^2 * 2 / 7
/// auto back = kr::decode(red, net);                 // == cover
/// \endcode
///
/// Constants: "gamma" = 0.01/M^2, "M", "|U|", "|S|" (number of samples = total weight).
/// Coordinate names: "w_1", "w_gamma", "w_T0", ..., "w_T{M-1}". units = 1, signs = {+1}
/// (labels are >= 0, so a = +1 is without loss of generality, App. B), unbounded (no radius).
/// Runs in O(|U| + M + incidences).
template <class Scalar = double>
Reduction<Scalar, problems::SetCover> reduce(const problems::SetCover& sc) {
  using Entry = typename SampleSetBuilder<Scalar, Sparse>::Entry;
  const int M = sc.num_subsets();
  const int U = sc.universe_size();
  const Eigen::Index n = static_cast<Eigen::Index>(M) + 2;
  const Scalar m_scalar(M);
  const Scalar gamma = Scalar(1) / (Scalar(100) * m_scalar * m_scalar);  // Thm 8: gamma = 0.01 / M^2

  // Transposed incidences in CSR form: subsets containing u, increasing.
  std::vector<std::int64_t> start(static_cast<std::size_t>(U) + 1, 0);
  for (const auto& s : sc.subsets())
    for (int u : s) ++start[static_cast<std::size_t>(u) + 1];
  for (std::size_t u = 0; u < static_cast<std::size_t>(U); ++u) start[u + 1] += start[u];
  std::vector<int> members(static_cast<std::size_t>(start.back()));
  {
    std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
    for (int i = 0; i < M; ++i)
      for (int u : sc.subsets()[static_cast<std::size_t>(i)]) members[static_cast<std::size_t>(fill[static_cast<std::size_t>(u)]++)] = i;
  }

  SampleSetBuilder<Scalar, Sparse> b(n);
  const Eigen::Index samples = static_cast<Eigen::Index>(U) + M + 2;
  b.reserve(samples, static_cast<Eigen::Index>(U + start.back()) + 2 * static_cast<Eigen::Index>(M) + 2);
  std::vector<Entry> row;
  for (int u = 0; u < U; ++u) {  // eq. (2): [w_1 + sum_{T_i containing u} w_Ti]_+ = 0
    row.clear();
    row.emplace_back(SetCoverCoordinates::one, Scalar(1));
    for (auto p = start[static_cast<std::size_t>(u)]; p < start[static_cast<std::size_t>(u) + 1]; ++p)
      row.emplace_back(SetCoverCoordinates::subset(members[static_cast<std::size_t>(p)]), Scalar(1));
    b.add(row, Scalar(0));
  }
  for (int i = 0; i < M; ++i) {  // eq. (3): [w_gamma + w_Ti]_+ = gamma
    row.clear();
    row.emplace_back(SetCoverCoordinates::gamma, Scalar(1));
    row.emplace_back(SetCoverCoordinates::subset(i), Scalar(1));
    b.add(row, gamma);
  }
  b.add(std::vector<Entry>{{SetCoverCoordinates::one, Scalar(1)}}, Scalar(1));  // eq. (4): [w_1]_+ = 1
  b.add(std::vector<Entry>{{SetCoverCoordinates::gamma, Scalar(1)}}, gamma);    // eq. (5): [w_gamma]_+ = gamma

  Reduction<Scalar, problems::SetCover> red{sc, std::move(b).build(), {}, {}, 1, {1}, std::nullopt};
  red.constants["gamma"] = gamma;
  red.constants["M"] = m_scalar;
  red.constants["|U|"] = Scalar(U);
  red.constants["|S|"] = Scalar(samples);
  red.coordinate_names.reserve(static_cast<std::size_t>(n));
  red.coordinate_names.push_back("w_1");
  red.coordinate_names.push_back("w_gamma");
  for (int i = 0; i < M; ++i) red.coordinate_names.push_back("w_T" + std::to_string(i));
  return red;
}

}  // namespace krelu::reductions

namespace krelu::detail {

/// Distinct subset indices of a cover after checking it is one (the witness needs a cover).
inline std::vector<int> set_cover_checked_cover(const problems::SetCover& sc, const std::vector<int>& cover, const char* where) {
  const int missing = sc.first_uncovered(cover);  // throws for an index outside [0, M)
  if (missing >= 0)
    throw std::invalid_argument(std::string(where) + ": the given subsets are not a cover (element " +
                                std::to_string(missing) + " is not covered)");
  std::vector<int> distinct(cover);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  return distinct;
}

/// Throws unless the network is one ReLU of the given dimension (what Thm 8's decoder reads).
template <class Scalar>
void set_cover_check_network(const Network<Scalar>& net, Eigen::Index dim, const char* where) {
  if (net.units() != 1)
    throw std::invalid_argument(std::string(where) + ": the reduction is about a single ReLU, the network has " +
                                std::to_string(net.units()) + " units");
  if (net.dim() != dim)
    throw std::invalid_argument(std::string(where) + ": the network has dimension " + std::to_string(net.dim()) +
                                ", the reduction's samples have dimension " + std::to_string(dim));
}

}  // namespace krelu::detail

namespace krelu::reductions {

/// The YES-case network of Thm 8 for a cover: w_1 = 1, w_gamma = gamma, w_Ti = -1 for T_i in the
/// cover, 0 elsewhere; a = +1. Repeated indices count once. Its loss is predicted_loss(red, cover).
/// Throws std::invalid_argument for an index outside [0, M) or subsets that do not cover U.
template <class Scalar>
Network<Scalar> witness(const Reduction<Scalar, problems::SetCover>& red, const std::vector<int>& cover) {
  const auto chosen = krelu::detail::set_cover_checked_cover(red.source, cover, "witness (Set Cover)");
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> w =
      Eigen::Matrix<Scalar, Eigen::Dynamic, 1>::Zero(SetCoverCoordinates::subset(red.source.num_subsets()));
  w(SetCoverCoordinates::one) = Scalar(1);
  w(SetCoverCoordinates::gamma) = red.constant("gamma");
  for (int i : chosen) w(SetCoverCoordinates::subset(i)) = Scalar(-1);
  return Network<Scalar>::single(w);
}

/// The witness's loss (average over |S| samples): gamma^2 t / |S| for a cover of t distinct subsets
/// (Thm 8, YES case: exactly the t constraints (3) of the cover are violated, by gamma each).
/// Throws like witness().
template <class Scalar>
Scalar predicted_loss(const Reduction<Scalar, problems::SetCover>& red, const std::vector<int>& cover) {
  const auto chosen = krelu::detail::set_cover_checked_cover(red.source, cover, "predicted_loss (Set Cover)");
  const Scalar& gamma = red.constant("gamma");
  return gamma * gamma * Scalar(static_cast<long long>(chosen.size())) / red.constant("|S|");
}

/// The loss below which decode() is proven to return a cover: total error <= 0.01 / M^2, i.e.
/// loss <= 0.01 / (M^2 |S|). Below it, Thm 8's NO-case argument gives w_1 >= 0.9 (from (4)) and
/// w_gamma <= 0.2/M (from (5)); then an element missed by the decoded family costs >= 0.49 in
/// (2), and each decoded subset costs exactly gamma^2 in (3), so the decoded cover has at most
/// total_loss / gamma^2 subsets. Every witness (total gamma^2 t <= gamma^2 M) lies below it.
template <class Scalar>
Scalar decode_threshold(const Reduction<Scalar, problems::SetCover>& red) {
  const Scalar& m = red.constant("M");
  return Scalar(1) / (Scalar(100) * m * m) / red.constant("|S|");
}

/// Thm 8's decoder: the family {T_i : w_Ti < -w_gamma}, as sorted subset indices. For a network
/// with loss <= decode_threshold(red) it is a cover of at most total_loss / gamma^2 subsets;
/// otherwise it may be anything. Throws std::invalid_argument unless the network is one ReLU of
/// dimension M + 2.
template <class Scalar>
std::vector<int> decode(const Reduction<Scalar, problems::SetCover>& red, const Network<Scalar>& net) {
  const int M = red.source.num_subsets();
  krelu::detail::set_cover_check_network(net, SetCoverCoordinates::subset(M), "decode (Set Cover)");
  const auto w = net.weights().row(0);
  const Scalar threshold = -w(SetCoverCoordinates::gamma);
  std::vector<int> family;
  for (int i = 0; i < M; ++i)
    if (w(SetCoverCoordinates::subset(i)) < threshold) family.push_back(i);
  return family;
}

}  // namespace krelu::reductions
