#pragma once
/// \file
/// Lemma 14 (App. C.1): Densest kappa-Subgraph -> bounded 1-ReLU training, the reduction behind
/// the 2^{Omega(1/epsilon^2)} running-time lower bound of Theorem 3.
///
/// Given G (N vertices after deleting isolated ones, M edges, maximum degree d) and kappa, ell, the
/// samples live in R^{N+1}: one coordinate w_v per vertex and a last coordinate w_*. With
/// delta = 1/(2 sqrt kappa), gamma = 1/(1000 d), zeta = 1/(10^10 d^2) the paper takes
/// 10^20 d^3 N M copies in total, split as
///   - constant constraint  (e_*, 1/sqrt 2)                               weight 1 - zeta,
///   - cardinality, each v  (1/2 (e_v - delta e_*), 1)                     weight (1 - gamma) zeta / N,
///   - edge, each {u, v}    (1/2 (e_u + e_v - 3.5 delta e_*), 1)            weight gamma zeta / M.
/// Here every weight is the paper's number of copies divided by 10^20 d^3 N M (constant
/// "copies_per_unit_weight"), so the weights sum to 1 and loss() = total_loss() = L* + L^card + L^edge
/// exactly as the proof writes it. Multiplying back gives the paper's integers:
/// 10^20 d^3 N M - 10^10 d N M, 10^10 d M - 10^7 M and 10^7 N copies.
///
/// \code
/// namespace kp = krelu::problems; namespace kr = krelu::reductions;
/// std::mt19937_64 rng(3);
/// auto planted = kp::planted_dense_subgraph(60, 3, 12, 16, 50, rng);
/// auto red  = kr::reduce<long double>(planted.graph, 12, 16);      // kappa = 12, ell = 16
/// auto net  = kr::witness(red, planted.planted);                     // ||w|| = 1
/// long double L = krelu::loss(net, red.samples);                     // == kr::predicted_loss(red, planted.planted)
/// bool yes = L <= red.constant("OPT");                               // completeness
/// auto back = kr::decode(red, net);                                  // == planted.planted
/// \endcode
///
/// Errata applied (see the comments at each place): the edge sample is built from e_u, e_v, e_*
/// (the paper prints w_u + w_v - 3.5 delta w_*); isolated vertices are deleted first (step (15)
/// needs N <= ~5M); kappa >= 2 (for kappa = 1 an edge sample has norm 1.125 > 1); zeta is
/// 1/(10^10 d^2) throughout (the end of the proof says "zeta = 0.99", meaning 1 - zeta >= 0.99).
/// epsilon > 0 only for large N: in the best case kappa = N, ell = M, from N ~ 5 * 10^5 (d = 2),
/// ~1.13 * 10^6 (d = 3); for smaller graphs epsilon < 0 and the instance separates nothing.
///
/// Precision: at the witness the loss is ~zeta ~ 10^-11 while epsilon is ~10^-9 of that, and the
/// mean weighted y^2 (the scale a trainer expanding the square works with) is ~1/2, so epsilon is
/// ~10^-19 of it: use `long double` or `boost::multiprecision::number<cpp_bin_float<50>, et_off>`
/// when the gap matters.

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/problems/graph.hpp"
#include "krelu/reductions/reduction.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"

namespace krelu::reductions {

/// The constants of the proof of Lemma 14 as functions of (N, M, d, kappa, ell).
template <class Scalar = double>
struct DensestSubgraphConstants {
  Scalar N, M, d, kappa, ell;
  Scalar delta;    ///< 1 / (2 sqrt kappa)
  Scalar gamma;    ///< 1 / (1000 d)
  Scalar zeta;     ///< 1 / (10^10 d^2) (ERRATA: not 0.99)
  Scalar OPT;      ///< completeness bound on the loss
  Scalar epsilon;  ///< soundness gap: loss > OPT + epsilon for every w in the ball if den_{1000 kappa}(G) < ell/1000
                   ///< (ell >= kappa/3)
  Scalar copies_per_unit_weight;  ///< 10^20 d^3 N M: the paper's number of copies per unit of weight

  /// The constants by name, as stored in Reduction::constants.
  std::map<std::string, Scalar> to_map() const {
    return {{"N", N},
            {"M", M},
            {"d", d},
            {"kappa", kappa},
            {"ell", ell},
            {"delta", delta},
            {"gamma", gamma},
            {"zeta", zeta},
            {"OPT", OPT},
            {"epsilon", epsilon},
            {"copies_per_unit_weight", copies_per_unit_weight}};
  }
};

/// Closed forms of the proof of Lemma 14 (App. C.1, bullet list before the samples), usable
/// without building an instance (e.g. at N = 10^7):
///   OPT     = (1-gamma) zeta (1 - kappa delta/(sqrt2 N) + kappa delta^2/(8N))
///             + gamma zeta (1 - ell delta/(2 sqrt2 M) + ell delta^2/(32 M)),
///   epsilon = gamma zeta ell delta/(4 sqrt2 M) - (1-gamma) zeta kappa delta^2/(8N) - gamma zeta ell delta^2/(32 M).
/// N and M count the graph after deleting isolated vertices. Throws std::invalid_argument unless
/// N >= 2, M >= 1, d >= 1, 2 <= kappa <= N and 1 <= ell <= M.
template <class Scalar = double>
DensestSubgraphConstants<Scalar> densest_subgraph_constants(std::int64_t N, std::int64_t M, std::int64_t d,
                                                            std::int64_t kappa, std::int64_t ell) {
  const std::string where = "densest_subgraph_constants: ";
  if (N < 2) throw std::invalid_argument(where + "N (vertices) must be >= 2, got " + std::to_string(N));
  if (M < 1) throw std::invalid_argument(where + "M (edges) must be >= 1, got " + std::to_string(M));
  if (d < 1) throw std::invalid_argument(where + "d (maximum degree) must be >= 1, got " + std::to_string(d));
  // ERRATA (Lemma 14 domain): kappa = 1 puts the edge samples outside the unit ball.
  if (kappa < 2 || kappa > N)
    throw std::invalid_argument(where + "kappa must be in [2, N] = [2, " + std::to_string(N) + "], got " +
                                std::to_string(kappa));
  if (ell < 1 || ell > M)
    throw std::invalid_argument(where + "ell must be in [1, M] = [1, " + std::to_string(M) + "], got " +
                                std::to_string(ell));
  DensestSubgraphConstants<Scalar> c;
  c.N = Scalar(N);
  c.M = Scalar(M);
  c.d = Scalar(d);
  c.kappa = Scalar(kappa);
  c.ell = Scalar(ell);
  const Scalar one(1), sqrt2 = sqrt_of(Scalar(2));
  c.delta = one / (Scalar(2) * sqrt_of(c.kappa));
  c.gamma = one / (Scalar(1000) * c.d);
  c.zeta = one / (Scalar(1e10) * c.d * c.d);  // 1e10 and 1e20 are exact in binary floating point
  const Scalar& delta = c.delta;
  const Scalar& gamma = c.gamma;
  const Scalar& zeta = c.zeta;
  c.OPT = (one - gamma) * zeta * (one - c.kappa * delta / (sqrt2 * c.N) + c.kappa * delta * delta / (Scalar(8) * c.N)) +
          gamma * zeta * (one - c.ell * delta / (Scalar(2) * sqrt2 * c.M) + c.ell * delta * delta / (Scalar(32) * c.M));
  c.epsilon = gamma * zeta * c.ell * delta / (Scalar(4) * sqrt2 * c.M) -
              (one - gamma) * zeta * c.kappa * delta * delta / (Scalar(8) * c.N) -
              gamma * zeta * c.ell * delta * delta / (Scalar(32) * c.M);
  c.copies_per_unit_weight = Scalar(1e20) * c.d * c.d * c.d * c.N * c.M;
  return c;
}

namespace detail {

/// coordinate[v] = index of vertex v's coordinate w_v (vertices with degree > 0 in increasing
/// order), -1 for an isolated vertex (deleted, ERRATA step (15)).
inline std::vector<int> dks_coordinates(const problems::Graph& g) {
  std::vector<int> coordinate(static_cast<std::size_t>(g.num_vertices()), -1);
  int next = 0;
  for (int v = 0; v < g.num_vertices(); ++v)
    if (g.degree(v) > 0) coordinate[static_cast<std::size_t>(v)] = next++;
  return coordinate;
}

/// The inverse map: vertex of each coordinate w_v.
inline std::vector<int> dks_vertices(const problems::Graph& g) {
  std::vector<int> vertex;
  for (int v = 0; v < g.num_vertices(); ++v)
    if (g.degree(v) > 0) vertex.push_back(v);
  return vertex;
}

/// Validates a witness set (kappa distinct, non-isolated vertices of G); returns |E(T)|.
template <class Scalar>
int dks_check_set(const Reduction<Scalar, problems::DensestSubgraphInstance>& red, const std::vector<int>& vertices,
                  const char* where) {
  const problems::Graph& g = red.source.graph;
  const int edges = problems::edges_within(g, vertices);  // validates range and repetitions
  if (static_cast<int>(vertices.size()) != red.source.kappa)
    throw std::invalid_argument(std::string(where) + ": the set has " + std::to_string(vertices.size()) +
                                " vertices, kappa = " + std::to_string(red.source.kappa));
  for (const int v : vertices)
    if (g.degree(v) == 0)
      throw std::invalid_argument(std::string(where) + ": vertex " + std::to_string(v) +
                                  " is isolated and has no coordinate (isolated vertices are deleted before the "
                                  "reduction); swap it for a non-isolated vertex, which loses no edge");
  return edges;
}

template <class Scalar>
void dks_check_network(const Reduction<Scalar, problems::DensestSubgraphInstance>& red, const Network<Scalar>& net,
                       const char* where) {
  if (net.units() != 1)
    throw std::invalid_argument(std::string(where) + ": expected a single ReLU, the network has " +
                                std::to_string(net.units()) + " units");
  if (net.dim() != red.samples.dim())
    throw std::invalid_argument(std::string(where) + ": the network has dimension " + std::to_string(net.dim()) +
                                ", the instance " + std::to_string(red.samples.dim()));
}

}  // namespace detail

/// Builds the Lemma 14 instance for (G, kappa, ell): bounded 1-ReLU (units 1, sign +1, radius 1).
///
/// Isolated vertices are deleted first (ERRATA, Lemma 14 step (15)); N, M, d in the constants are
/// those of the remaining graph, whose vertex v (in increasing order of the original ids) owns
/// coordinate v, and w_* is the last coordinate. m = 1 + N + M samples, 1 + 2N + 3M nonzeros,
/// every sample in the unit ball. O(N + M) time and memory (about 1.5 s for N = 2 * 10^6, d = 3).
/// Throws std::invalid_argument unless G has an edge, 2 <= kappa <= N (non-isolated vertices;
/// for larger kappa den_kappa(G) = M trivially) and 1 <= ell <= M.
template <class Scalar = double>
Reduction<Scalar, problems::DensestSubgraphInstance> reduce(const problems::Graph& graph, int kappa, int ell) {
  const int n_vertices = graph.num_vertices() - graph.num_isolated_vertices();
  const int m_edges = graph.num_edges();
  if (m_edges < 1) throw std::invalid_argument("reduce (densest subgraph): the graph has no edge");
  if (kappa < 2 || kappa > n_vertices)
    throw std::invalid_argument("reduce (densest subgraph): kappa must be in [2, N] = [2, " +
                                std::to_string(n_vertices) + "] (N counts non-isolated vertices), got " +
                                std::to_string(kappa));
  if (ell < 1 || ell > m_edges)
    throw std::invalid_argument("reduce (densest subgraph): ell must be in [1, M] = [1, " + std::to_string(m_edges) +
                                "], got " + std::to_string(ell));
  const auto c = densest_subgraph_constants<Scalar>(n_vertices, m_edges, graph.max_degree(), kappa, ell);

  Reduction<Scalar, problems::DensestSubgraphInstance> red;
  red.source = problems::DensestSubgraphInstance{graph, kappa, ell};
  red.constants = c.to_map();
  red.units = 1;
  red.signs = {1};
  red.radius = Scalar(1);

  const Eigen::Index star = n_vertices;  // the coordinate w_*
  const std::vector<int> coordinate = detail::dks_coordinates(graph);
  red.coordinate_names.reserve(static_cast<std::size_t>(n_vertices) + 1);
  for (int v = 0; v < graph.num_vertices(); ++v)
    if (coordinate[static_cast<std::size_t>(v)] >= 0) red.coordinate_names.push_back("w_" + std::to_string(v));
  red.coordinate_names.emplace_back("w_*");

  const Scalar one(1), half(0.5);
  SampleSetBuilder<Scalar, Sparse> builder(star + 1);
  builder.reserve(1 + static_cast<Eigen::Index>(n_vertices) + m_edges,
                  1 + 2 * static_cast<Eigen::Index>(n_vertices) + 3 * static_cast<Eigen::Index>(m_edges));
  std::vector<typename SampleSetBuilder<Scalar, Sparse>::Entry> x;
  x.reserve(3);

  // Constant constraint for *: [w_*]_+ = 1/sqrt2, (10^20 d^3 N M)(1 - zeta) copies.
  x.assign({{star, one}});
  builder.add(x, sqrt_of(Scalar(2)) / Scalar(2), one - c.zeta);

  // Cardinality constraint for v: 1/2 [w_v - delta w_*]_+ = 1, (10^20 d^3 N M)(1 - gamma) zeta / N copies.
  const Scalar card_weight = (one - c.gamma) * c.zeta / c.N;
  const Scalar card_star = -half * c.delta;
  for (int v = 0; v < n_vertices; ++v) {
    x.assign({{v, half}, {star, card_star}});
    builder.add(x, one, card_weight);
  }

  // Edge constraint for {u, v}: 1/2 [w_u + w_v - 3.5 delta w_*]_+ = 1, (10^20 d^3 N M) gamma zeta / M copies.
  // ERRATA (App. C.1, third bullet): the sample is x = 1/2 (e_u + e_v - 3.5 delta e_*), label 1; the
  // paper prints it with w in place of e.
  const Scalar edge_weight = c.gamma * c.zeta / c.M;
  const Scalar edge_star = -half * Scalar(3.5) * c.delta;
  for (const auto& [u, v] : graph.edges()) {
    x.assign({{coordinate[static_cast<std::size_t>(u)], half},
              {coordinate[static_cast<std::size_t>(v)], half},
              {star, edge_star}});
    builder.add(x, one, edge_weight);
  }
  red.samples = std::move(builder).build();
  return red;
}

/// Same, from an instance.
template <class Scalar = double>
Reduction<Scalar, problems::DensestSubgraphInstance> reduce(const problems::DensestSubgraphInstance& instance) {
  return reduce<Scalar>(instance.graph, instance.kappa, instance.ell);
}

/// The completeness network of Lemma 14 for a kappa-set T (original vertex ids):
/// w_* = 1/sqrt2, w_v = delta sqrt2 for v in T, 0 elsewhere; ||w|| = 1 (up to rounding).
/// Throws std::invalid_argument unless T holds kappa distinct non-isolated vertices.
template <class Scalar>
Network<Scalar> witness(const Reduction<Scalar, problems::DensestSubgraphInstance>& red,
                        const std::vector<int>& vertices) {
  detail::dks_check_set(red, vertices, "witness (densest subgraph)");
  const std::vector<int> coordinate = detail::dks_coordinates(red.source.graph);
  typename Network<Scalar>::Vector w = Network<Scalar>::Vector::Zero(red.samples.dim());
  const Scalar on = red.constant("delta") * sqrt_of(Scalar(2));
  for (const int v : vertices) w(coordinate[static_cast<std::size_t>(v)]) = on;
  w(red.samples.dim() - 1) = sqrt_of(Scalar(2)) / Scalar(2);  // the same expression as the constant sample's label
  return Network<Scalar>::single(w);
}

/// The exact loss of witness(red, T), by the proof's formula with |E(T)| in place of ell:
///   (1-gamma) zeta (1 - kappa delta/(sqrt2 N) + kappa delta^2/(8N))
///   + gamma zeta (1 - |E(T)| delta/(2 sqrt2 M) + |E(T)| delta^2/(32 M))     (L^* = 0).
/// It is <= predicted_loss_bound(red) = OPT exactly when |E(T)| >= ell (the proof's completeness).
template <class Scalar>
Scalar predicted_loss(const Reduction<Scalar, problems::DensestSubgraphInstance>& red,
                      const std::vector<int>& vertices) {
  const int induced = detail::dks_check_set(red, vertices, "predicted_loss (densest subgraph)");
  const Scalar one(1), sqrt2 = sqrt_of(Scalar(2));
  const Scalar &gamma = red.constant("gamma"), &zeta = red.constant("zeta"), &delta = red.constant("delta");
  const Scalar &N = red.constant("N"), &M = red.constant("M"), &kappa = red.constant("kappa");
  const Scalar t(induced);
  return (one - gamma) * zeta * (one - kappa * delta / (sqrt2 * N) + kappa * delta * delta / (Scalar(8) * N)) +
         gamma * zeta * (one - t * delta / (Scalar(2) * sqrt2 * M) + t * delta * delta / (Scalar(32) * M));
}

/// The proof's completeness bound OPT: loss(witness(red, T)) <= OPT whenever |E(T)| >= ell.
template <class Scalar>
Scalar predicted_loss_bound(const Reduction<Scalar, problems::DensestSubgraphInstance>& red) {
  return red.constant("OPT");
}

/// The decoder: the kappa vertices with the largest w_v (ties to the smaller vertex id), as
/// original vertex ids in increasing order. Returns T for witness(red, T).
template <class Scalar>
std::vector<int> decode(const Reduction<Scalar, problems::DensestSubgraphInstance>& red, const Network<Scalar>& net) {
  detail::dks_check_network(red, net, "decode (densest subgraph)");
  const auto& w = net.weights();
  const int n = static_cast<int>(red.samples.dim()) - 1;
  std::vector<int> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  const auto kappa = static_cast<std::size_t>(red.source.kappa);
  std::nth_element(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(kappa) - 1, idx.end(),
                   [&](int a, int b) { return w(0, a) != w(0, b) ? w(0, a) > w(0, b) : a < b; });
  const std::vector<int> vertex = detail::dks_vertices(red.source.graph);
  std::vector<int> out;
  out.reserve(kappa);
  for (std::size_t i = 0; i < kappa; ++i) out.push_back(vertex[static_cast<std::size_t>(idx[i])]);
  std::sort(out.begin(), out.end());
  return out;
}

/// What the soundness proof of Lemma 14 says about one weight vector w in the unit ball.
template <class Scalar = double>
struct DensestSubgraphSoundness {
  Scalar w_star = Scalar(0);  ///< w_*
  std::vector<int> middle;    ///< V_(lambda1, lambda2) = {v : delta w_* < w_v < 2.5 delta w_*}, original ids, sorted
  int middle_edges = 0;       ///< |E(V_(lambda1, lambda2))|
  int above_lambda1 = 0;      ///< |{v : w_v > delta w_*}|; < 36 kappa whenever w_* >= 1/3
  Scalar lower_bound = Scalar(0);  ///< the proof's lower bound on loss(w), valid for every w in the ball
};

/// Runs the soundness argument of Lemma 14 on w without assuming den_{B kappa}(G) small: the proof's
/// chain (12)-(16) with |E_(lambda1, lambda2)| kept as a number gives, for every ||w|| <= 1,
///   loss(w) >= gamma zeta (1 - 1.5 delta w_* |E(V_mid)| / M) + (1-gamma) zeta (1 - 1/(4 sqrt2 delta N)) - 5 zeta^2/N
/// when w_* >= 1/3, and loss(w) >= (1 - zeta)(1/sqrt2 - [w_*]_+)^2 always (used when w_* < 1/3).
/// Since OPT + epsilon = gamma zeta (1 - ell delta/(4 sqrt2 M)) + (1-gamma) zeta (1 - 1/(4 sqrt2 delta N)),
/// loss(w) <= OPT + epsilon forces |E(V_mid)| >= (ell/(4 sqrt2) - 5 zeta M/(gamma delta N)) / (1.5 w_*),
/// so V_mid (fewer than 36 kappa vertices) is the dense set the soundness proof decodes
/// (|E| >= ell/C with C = 1000 as soon as that holds). Needs 1 + 2 gamma d N/((1-gamma) M) <= 25/24
/// (the step before (15); N <= 2M after deleting isolated vertices makes it <= 1.005).
/// Throws std::invalid_argument if ||w|| > 1 beyond rounding or the network is not a single ReLU
/// of the instance's dimension.
template <class Scalar>
DensestSubgraphSoundness<Scalar> soundness_analysis(const Reduction<Scalar, problems::DensestSubgraphInstance>& red,
                                                    const Network<Scalar>& net) {
  detail::dks_check_network(red, net, "soundness_analysis (densest subgraph)");
  const auto& w = net.weights();
  const Scalar one(1), sqrt2 = sqrt_of(Scalar(2));
  krelu::detail::CompensatedSum<Scalar> norm2;  // accurate to a few roundings even for millions of entries
  for (Eigen::Index i = 0; i < w.cols(); ++i) norm2.add(w(0, i) * w(0, i));
  if (norm2.value() > one + Scalar(64) * NumericTraits<Scalar>::epsilon())
    throw std::invalid_argument("soundness_analysis (densest subgraph): ||w|| must be <= 1 (the bounded problem)");
  const Scalar &gamma = red.constant("gamma"), &zeta = red.constant("zeta"), &delta = red.constant("delta");
  const Scalar &N = red.constant("N"), &M = red.constant("M"), &d = red.constant("d");
  const Scalar factor = one + Scalar(2) * gamma * d * N / ((one - gamma) * M);
  if (factor > Scalar(25) / Scalar(24))
    throw std::logic_error("soundness_analysis (densest subgraph): N > ~12 M, the proof's step (15) fails");

  const int n = static_cast<int>(red.samples.dim()) - 1;
  DensestSubgraphSoundness<Scalar> out;
  out.w_star = w(0, n);
  const Scalar lambda1 = delta * out.w_star, lambda2 = Scalar(2.5) * delta * out.w_star;
  const std::vector<int> vertex = detail::dks_vertices(red.source.graph);
  for (int i = 0; i < n; ++i) {
    if (w(0, i) > lambda1) {
      ++out.above_lambda1;
      if (w(0, i) < lambda2) out.middle.push_back(vertex[static_cast<std::size_t>(i)]);
    }
  }
  out.middle_edges = problems::edges_within(red.source.graph, out.middle);
  // L >= L^* = (1 - zeta)(1/sqrt2 - [w_*]_+)^2 for every w.
  const Scalar pos = out.w_star > Scalar(0) ? out.w_star : Scalar(0);
  const Scalar gap = one / sqrt2 - pos;
  out.lower_bound = (one - zeta) * gap * gap;
  if (out.w_star >= one / Scalar(3)) {
    // (12)-(16) with |E_(lambda1, lambda2)| kept, then D(w_*) < D(1/sqrt2) + 5 zeta^2/N
    // (ERRATA: that step needs 1 - zeta >= 0.99, not zeta = 0.99).
    const Scalar chain = gamma * zeta * (one - Scalar(1.5) * delta * out.w_star * Scalar(out.middle_edges) / M) +
                         (one - gamma) * zeta * (one - one / (Scalar(4) * sqrt2 * delta * N)) -
                         Scalar(5) * zeta * zeta / N;
    if (chain > out.lower_bound) out.lower_bound = chain;
  }
  return out;
}

}  // namespace krelu::reductions
