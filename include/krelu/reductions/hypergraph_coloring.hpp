#pragma once
/// \file
/// Lemma 17 (App. D): hypergraph k-colouring -> bounded sum of k ReLUs. The samples are realizable
/// by a sum of k ReLUs in the unit ball iff the hypergraph is k-colourable, and every colouring
/// leaving a gamma fraction of edges monochromatic forces loss > gamma / (100 k^2 t^5 n).

#include <Eigen/Dense>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/problems/hypergraph.hpp"
#include "krelu/reductions/reduction.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"

namespace krelu::reductions {

/// The Lemma 17 instance of a hypergraph h (N vertices, M edges of size <= t) for k colours.
///
/// \code
/// namespace kp = krelu::problems; namespace kr = krelu::reductions;
/// kp::Hypergraph h(4, {{0, 1, 2}, {1, 2, 3}});
/// auto red = kr::reduce(h, 2);                  // bounded sum of 2 ReLUs, radius 1
/// auto net = kr::witness(red, {0, 1, 0, 1});    // the completeness network of a colouring
/// double l = krelu::loss(net, red.samples);     // exactly 0: the colouring is proper
/// auto back = kr::decode(red, net);             // back.coloring == {0, 1, 0, 1}, back.proper
/// \endcode
///
/// Samples (dimension n = N, coordinate i = vertex i):
/// - vertex i: x = e_i, label 1/(t sqrt(t n)), weight deg(i) (vertices of degree 0 get no sample);
/// - edge e: x = (1/sqrt t) sum_{i in e} e_i, label 0, weight 1 per copy of e (copies of the same
///   vertex set are merged into one sample whose weight is their number).
/// Total weight m = sum_i deg(i) + M (ERRATA, Lemma 17: the paper prints "+ |V|"; "+ |E|" is what
/// (17) needs for m <= (t+1) M). All samples lie in the unit ball, labels in [0, 1].
///
/// Constants: k, t, n, M, m; vertex_label = 1/(t sqrt(t n)); edge_scale = 1/sqrt t;
/// decode_threshold = 1/(2 k t sqrt(t n)); epsilon_per_gamma = 1/(100 k^2 t^5 n) (soundness: if
/// every k-colouring leaves a gamma fraction of edges monochromatic, every sum of k ReLUs has loss
/// > gamma * epsilon_per_gamma); epsilon = epsilon_per_gamma / M (gamma = 1/M: if h is not
/// k-colourable, every sum of k ReLUs, bounded or not, has loss > epsilon).
///
/// Throws std::invalid_argument if k < 2 or h has no edge (then there would be no sample).
template <class Scalar = double>
Reduction<Scalar, problems::Hypergraph> reduce(const problems::Hypergraph& h, int k) {
  if (k < 2) throw std::invalid_argument("reduce(Hypergraph, k): k must be >= 2 (Lemma 17), got " + std::to_string(k));
  if (h.edge_count() == 0)
    throw std::invalid_argument("reduce(Hypergraph, k): the hypergraph has no edge; Lemma 17 needs M >= 1");
  const int n = h.vertices(), t = h.max_edge_size(), M = h.edge_count();
  const Scalar sn = Scalar(n), st = Scalar(t), sk = Scalar(k);
  const Scalar vertex_label = Scalar(1) / (st * sqrt_of(st * sn));
  const Scalar edge_scale = Scalar(1) / sqrt_of(st);

  // Merge copies of the same vertex set (in order of first occurrence).
  std::map<std::vector<int>, std::size_t> position;
  std::vector<std::pair<const std::vector<int>*, int>> distinct;  // (edge, copies)
  for (const auto& e : h.edges()) {
    std::vector<int> key = e;
    std::sort(key.begin(), key.end());
    auto [it, inserted] = position.try_emplace(std::move(key), distinct.size());
    if (inserted)
      distinct.emplace_back(&e, 1);
    else
      ++distinct[it->second].second;
  }

  SampleSetBuilder<Scalar, Sparse> builder(n);
  builder.reserve(static_cast<Eigen::Index>(n) + static_cast<Eigen::Index>(distinct.size()),
                  static_cast<Eigen::Index>(n + h.incidences()));
  for (int i = 0; i < n; ++i)
    if (h.degree(i) > 0) builder.add({{i, Scalar(1)}}, vertex_label, Scalar(h.degree(i)));
  for (const auto& [edge, copies] : distinct) {
    std::vector<typename SampleSetBuilder<Scalar, Sparse>::Entry> entries;
    entries.reserve(edge->size());
    for (int v : *edge) entries.emplace_back(v, edge_scale);
    builder.add(entries, Scalar(0), Scalar(copies));
  }

  Reduction<Scalar, problems::Hypergraph> red{h, std::move(builder).build(), {}, {}, k, {}, Scalar(1)};
  red.signs.assign(static_cast<std::size_t>(k), 1);
  red.coordinate_names.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string name(1, 'v');
    name += std::to_string(i);
    red.coordinate_names.push_back(std::move(name));
  }
  const Scalar t5 = st * st * st * st * st;
  red.constants = {{"k", sk},
                   {"t", st},
                   {"n", sn},
                   {"M", Scalar(M)},
                   {"m", Scalar(h.incidences() + M)},
                   {"vertex_label", vertex_label},
                   {"edge_scale", edge_scale},
                   {"decode_threshold", vertex_label / (Scalar(2) * sk)},
                   {"epsilon_per_gamma", Scalar(1) / (Scalar(100) * sk * sk * t5 * sn)},
                   {"epsilon", Scalar(1) / (Scalar(100) * sk * sk * t5 * sn * Scalar(M))}};
  return red;
}

namespace detail::coloring {

template <class Scalar>
void check_coloring(const Reduction<Scalar, problems::Hypergraph>& red, const std::vector<int>& coloring,
                    const char* where) {
  if (coloring.size() != static_cast<std::size_t>(red.source.vertices()))
    throw std::invalid_argument(std::string(where) + ": the colouring has " + std::to_string(coloring.size()) +
                                " entries but the hypergraph has " + std::to_string(red.source.vertices()) +
                                " vertices");
  for (std::size_t i = 0; i < coloring.size(); ++i)
    if (coloring[i] < 0 || coloring[i] >= red.units)
      throw std::invalid_argument(std::string(where) + ": vertex " + std::to_string(i) + " has colour " +
                                  std::to_string(coloring[i]) + ", valid colours are 0.." +
                                  std::to_string(red.units - 1));
}

}  // namespace detail::coloring

/// The completeness network of Lemma 17 for a colouring chi (colours in [0, k)):
/// w^a_i = 1/(t sqrt(t n)) if chi(i) = a and -1/sqrt(n) otherwise, all signs +1 (ERRATA,
/// Lemma 17: the paper prints 1/(t sqrt n), which does not fit the vertex labels). Every row has
/// norm <= 1. A proper colouring gives loss exactly 0; an improper one gives predicted_loss.
/// Throws std::invalid_argument if the colouring has the wrong size or a colour outside [0, k).
template <class Scalar>
Network<Scalar> witness(const Reduction<Scalar, problems::Hypergraph>& red, const std::vector<int>& coloring) {
  detail::coloring::check_coloring(red, coloring, "witness(Hypergraph reduction)");
  const int n = red.source.vertices(), k = red.units;
  const Scalar on = red.constant("vertex_label");
  const Scalar off = -Scalar(1) / sqrt_of(Scalar(n));
  typename Network<Scalar>::Matrix W(k, n);
  for (int a = 0; a < k; ++a)
    for (int i = 0; i < n; ++i) W(a, i) = coloring[static_cast<std::size_t>(i)] == a ? on : off;
  return Network<Scalar>(W, Network<Scalar>::Vector::Ones(k));
}

/// The loss of witness(red, chi): vertex samples are fitted exactly and a non-monochromatic edge
/// gives 0 (its colour sums are < 0 since |e| - 1 < t^{3/2}); a monochromatic edge of size q gives
/// output q / (t^2 sqrt n). Hence L = (1/m) sum_{monochromatic e} q_e^2 / (t^4 n), which is 0 for
/// a proper colouring. Same exceptions as witness.
template <class Scalar>
Scalar predicted_loss(const Reduction<Scalar, problems::Hypergraph>& red, const std::vector<int>& coloring) {
  detail::coloring::check_coloring(red, coloring, "predicted_loss(Hypergraph reduction)");
  const Scalar t = red.constant("t"), n = red.constant("n");
  krelu::detail::CompensatedSum<Scalar> sum;
  for (const auto& e : red.source.edges()) {
    const int c = coloring[static_cast<std::size_t>(e.front())];
    bool mono = true;
    for (int v : e) mono = mono && coloring[static_cast<std::size_t>(v)] == c;
    if (!mono) continue;
    const Scalar q = Scalar(static_cast<int>(e.size()));
    sum.add(q * q / (t * t * t * t * n));
  }
  return sum.value() / red.constant("m");
}

/// What the Lemma 17 soundness decoder reads from a network.
template <class Scalar = double>
struct ColoringDecoding {
  std::vector<int> coloring;         ///< one colour in [0, k) per vertex
  bool proper = false;               ///< no edge is monochromatic under `coloring`
  int monochromatic = 0;             ///< number of monochromatic edges (copies counted)
  std::vector<int> below_threshold;  ///< V \ T: vertices with no unit above decode_threshold
  /// The proof's lower bound on the loss of an all-plus network with these weights:
  /// (1/m) [ sum_{i not in T} deg(i) / (4 t^3 n) + #(monochromatic edges inside T) / (4 k^2 t^4 n) ].
  /// 0 if the network has a negative sign (the bound assumes a sum of ReLUs).
  Scalar loss_lower_bound = Scalar(0);
};

/// The soundness decoder of Lemma 17: T = vertices i with some unit l such that
/// w^l_i > 1/(2 k t sqrt(t n)) (constant decode_threshold); vertex i in T gets the unit with the
/// largest w^l_i (smallest index on ties), which is above the threshold as the proof requires;
/// a vertex outside T (the proof colours it arbitrarily) gets the same rule, argmax_l w^l_i, and is
/// listed in below_threshold. By the proof, if the network is a sum of k ReLUs with loss
/// <= gamma * epsilon_per_gamma then fewer than gamma M edges are monochromatic; in particular
/// loss <= epsilon implies a proper colouring. Output signs are not read (see loss_lower_bound).
/// Throws std::invalid_argument if the network's units or dimension do not match the reduction.
template <class Scalar>
ColoringDecoding<Scalar> decode(const Reduction<Scalar, problems::Hypergraph>& red, const Network<Scalar>& net) {
  const int n = red.source.vertices(), k = red.units;
  if (net.units() != k || net.dim() != n)
    throw std::invalid_argument("decode(Hypergraph reduction): the network has " + std::to_string(net.units()) +
                                " units of dimension " + std::to_string(net.dim()) + ", expected " + std::to_string(k) +
                                " units of dimension " + std::to_string(n));
  const Scalar threshold = red.constant("decode_threshold");
  ColoringDecoding<Scalar> out;
  out.coloring.resize(static_cast<std::size_t>(n));
  std::vector<char> in_t(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    int best = 0;
    for (int l = 1; l < k; ++l)
      if (net.weights()(l, i) > net.weights()(best, i)) best = l;
    out.coloring[static_cast<std::size_t>(i)] = best;
    if (net.weights()(best, i) > threshold)
      in_t[static_cast<std::size_t>(i)] = 1;
    else
      out.below_threshold.push_back(i);
  }
  const auto& h = red.source;
  out.monochromatic = h.monochromatic_edges(out.coloring);
  out.proper = out.monochromatic == 0;

  bool all_plus = true;
  for (Eigen::Index j = 0; j < net.units(); ++j) all_plus = all_plus && net.signs()(j) > Scalar(0);
  if (all_plus) {
    const Scalar t = red.constant("t"), sn = red.constant("n"), sk = Scalar(k);
    Scalar outside_degree(0);
    for (int i : out.below_threshold) outside_degree += Scalar(h.degree(i));
    int mono_inside = 0;
    for (const auto& e : h.edges()) {
      const int c = out.coloring[static_cast<std::size_t>(e.front())];
      bool counted = true;
      for (int v : e)
        counted = counted && in_t[static_cast<std::size_t>(v)] && out.coloring[static_cast<std::size_t>(v)] == c;
      if (counted) ++mono_inside;
    }
    out.loss_lower_bound = (outside_degree / (Scalar(4) * t * t * t * sn) +
                            Scalar(mono_inside) / (Scalar(4) * sk * sk * t * t * t * t * sn)) /
                           red.constant("m");
  }
  return out;
}

}  // namespace krelu::reductions
