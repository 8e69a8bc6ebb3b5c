#pragma once
/// \file
/// Hypergraph k-colouring, the source problem of Lemma 17 (App. D) and of the gap version of
/// Theorem 19: a hypergraph, proper and approximate colourings, exact solvers for small instances,
/// seeded random generators, and the padding of App. D.1 (printed form and a corrected form).

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace krelu::problems {

/// A hypergraph on the vertices {0, ..., N-1} whose hyperedges have at least 2 vertices each.
///
/// \code
/// namespace kp = krelu::problems;
/// kp::Hypergraph h(4, {{0, 1, 2}, {1, 2, 3}, {0, 3}});
/// int t = h.max_edge_size();                          // 3
/// bool ok = h.is_proper({0, 1, 0, 1}, 2);             // true: no edge is monochromatic
/// std::optional<std::vector<int>> c = kp::color_exact(h, 2);   // some proper 2-colouring
/// \endcode
///
/// Why size >= 2: an edge with one vertex is monochromatic under every colouring, so it would
/// only make the instance trivially non-colourable. Within an edge the vertices are kept in the
/// order given (they must be distinct); the same vertex set may appear as several edges (a
/// multi-hypergraph: each copy counts as an edge, e.g. in M and in the monochromatic fraction).
/// Colourings are `std::vector<int>` with one colour in [0, k) per vertex.
class Hypergraph {
 public:
  /// Throws std::invalid_argument if vertices < 0, an edge has fewer than 2 vertices, a vertex
  /// lies outside [0, vertices) or appears twice in the same edge.
  Hypergraph(int vertices, std::vector<std::vector<int>> edges) : vertices_(vertices), edges_(std::move(edges)) {
    if (vertices_ < 0)
      throw std::invalid_argument("Hypergraph: vertices must be >= 0, got " + std::to_string(vertices_));
    if (edges_.size() > static_cast<std::size_t>(INT32_MAX))
      throw std::invalid_argument("Hypergraph: at most 2^31 - 1 edges are supported");
    degrees_.assign(static_cast<std::size_t>(vertices_), 0);
    for (std::size_t e = 0; e < edges_.size(); ++e) {
      const auto& edge = edges_[e];
      if (edge.size() < 2)
        throw std::invalid_argument("Hypergraph: edge " + std::to_string(e) + " has " + std::to_string(edge.size()) +
                                    " vertices; every edge needs at least 2");
      for (std::size_t p = 0; p < edge.size(); ++p) {
        if (edge[p] < 0 || edge[p] >= vertices_)
          throw std::invalid_argument("Hypergraph: edge " + std::to_string(e) + " contains vertex " +
                                      std::to_string(edge[p]) + ", valid vertices are 0.." +
                                      std::to_string(vertices_ - 1));
      }
      std::vector<int> sorted = edge;
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        throw std::invalid_argument("Hypergraph: edge " + std::to_string(e) + " lists a vertex twice");
      for (int v : edge) ++degrees_[static_cast<std::size_t>(v)];
      max_edge_size_ = std::max(max_edge_size_, static_cast<int>(edge.size()));
    }
  }

  /// N, the number of vertices.
  int vertices() const { return vertices_; }
  /// M, the number of edges (copies counted).
  int edge_count() const { return static_cast<int>(edges_.size()); }
  const std::vector<std::vector<int>>& edges() const { return edges_; }
  /// Edge e; throws std::out_of_range for e outside [0, M).
  const std::vector<int>& edge(int e) const {
    if (e < 0 || e >= edge_count())
      throw std::out_of_range("Hypergraph::edge: index " + std::to_string(e) + " outside [0, " +
                              std::to_string(edge_count()) + ")");
    return edges_[static_cast<std::size_t>(e)];
  }
  /// deg(v): the number of edges containing v (footnote 16 of the paper).
  int degree(int v) const {
    check_vertex(v, "Hypergraph::degree");
    return degrees_[static_cast<std::size_t>(v)];
  }
  const std::vector<int>& degrees() const { return degrees_; }
  /// Largest degree (0 without edges).
  int max_degree() const { return degrees_.empty() ? 0 : *std::max_element(degrees_.begin(), degrees_.end()); }
  /// t, the largest edge size (0 without edges).
  int max_edge_size() const { return max_edge_size_; }
  /// Sum of the edge sizes, equal to sum_v deg(v).
  std::int64_t incidences() const {
    std::int64_t s = 0;
    for (int d : degrees_) s += d;
    return s;
  }

  /// Number of edges all of whose vertices have the same colour. Colours may be any integers.
  /// Throws std::invalid_argument if coloring.size() != N.
  int monochromatic_edges(const std::vector<int>& coloring) const {
    check_coloring_size(coloring, "Hypergraph::monochromatic_edges");
    int count = 0;
    for (const auto& e : edges_) {
      const int c = coloring[static_cast<std::size_t>(e.front())];
      bool mono = true;
      for (int v : e)
        if (coloring[static_cast<std::size_t>(v)] != c) {
          mono = false;
          break;
        }
      if (mono) ++count;
    }
    return count;
  }

  /// Fraction of monochromatic edges (0 if there is no edge): the quantity of Theorem 19.
  double monochromatic_fraction(const std::vector<int>& coloring) const {
    const int mono = monochromatic_edges(coloring);
    return edges_.empty() ? 0.0 : static_cast<double>(mono) / static_cast<double>(edges_.size());
  }

  /// True if every colour lies in [0, k) and no edge is monochromatic. Throws
  /// std::invalid_argument if k < 1 or coloring.size() != N.
  bool is_proper(const std::vector<int>& coloring, int k) const {
    if (k < 1) throw std::invalid_argument("Hypergraph::is_proper: k must be >= 1, got " + std::to_string(k));
    check_coloring_size(coloring, "Hypergraph::is_proper");
    for (int c : coloring)
      if (c < 0 || c >= k) return false;
    return monochromatic_edges(coloring) == 0;
  }

 private:
  void check_vertex(int v, const char* where) const {
    if (v < 0 || v >= vertices_)
      throw std::out_of_range(std::string(where) + ": vertex " + std::to_string(v) + " outside [0, " +
                              std::to_string(vertices_) + ")");
  }
  void check_coloring_size(const std::vector<int>& coloring, const char* where) const {
    if (coloring.size() != static_cast<std::size_t>(vertices_))
      throw std::invalid_argument(std::string(where) + ": the colouring has " + std::to_string(coloring.size()) +
                                  " entries but the hypergraph has " + std::to_string(vertices_) + " vertices");
  }

  int vertices_;
  std::vector<std::vector<int>> edges_;
  std::vector<int> degrees_;
  int max_edge_size_ = 0;
};

/// A colouring that minimises the number of monochromatic edges.
struct ColoringOptimum {
  int monochromatic = 0;      ///< the minimum number of monochromatic edges
  double fraction = 0.0;      ///< monochromatic / M (0 if there is no edge)
  std::vector<int> coloring;  ///< a colouring attaining it, colours in [0, k)
};

namespace detail::hyper {

inline void check_k(int k, const char* where) {
  if (k < 1) throw std::invalid_argument(std::string(where) + ": k must be >= 1, got " + std::to_string(k));
}

/// Search state shared by the two exact solvers: vertex order by decreasing degree, and for every
/// edge the number of its vertices coloured with each colour, so that assigning a colour tells in
/// O(deg) whether it completes a monochromatic edge.
class ColoringSearch {
 public:
  ColoringSearch(const Hypergraph& h, int k) : h_(h), k_(k) {
    const auto n = static_cast<std::size_t>(h.vertices());
    incident_.resize(n);
    for (int e = 0; e < h.edge_count(); ++e)
      for (int v : h.edge(e)) incident_[static_cast<std::size_t>(v)].push_back(e);
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return h.degree(a) > h.degree(b); });
    counts_.assign(static_cast<std::size_t>(h.edge_count()) * static_cast<std::size_t>(k), 0);
    coloring_.assign(n, -1);
  }

  /// Number of edges that become monochromatic when v (uncoloured) gets colour c.
  int completed_by(int v, int c) const {
    int completed = 0;
    for (int e : incident_[static_cast<std::size_t>(v)])
      if (count(e, c) + 1 == static_cast<int>(h_.edge(e).size())) ++completed;
    return completed;
  }
  void assign(int v, int c) {
    coloring_[static_cast<std::size_t>(v)] = c;
    for (int e : incident_[static_cast<std::size_t>(v)]) ++count(e, c);
  }
  void unassign(int v) {
    const int c = coloring_[static_cast<std::size_t>(v)];
    for (int e : incident_[static_cast<std::size_t>(v)]) --count(e, c);
    coloring_[static_cast<std::size_t>(v)] = -1;
  }
  /// A lower bound on the monochromatic edges still to come from position `depth` on: every edge
  /// whose only uncoloured vertex is v, grouped by v, costs at least min_c (completed_by(v, c)).
  /// These edge groups are disjoint, so the minima add up.
  int future_lower_bound(std::size_t depth) const {
    int bound = 0;
    for (std::size_t p = depth; p < order_.size(); ++p) {
      const int v = order_[p];
      int best = INT32_MAX;
      for (int c = 0; c < k_ && best > 0; ++c) best = std::min(best, completed_by(v, c));
      bound += best;
    }
    return bound;
  }

  const std::vector<int>& order() const { return order_; }
  const std::vector<int>& coloring() const { return coloring_; }
  int k() const { return k_; }

 private:
  int& count(int e, int c) {
    return counts_[static_cast<std::size_t>(e) * static_cast<std::size_t>(k_) + static_cast<std::size_t>(c)];
  }
  int count(int e, int c) const {
    return counts_[static_cast<std::size_t>(e) * static_cast<std::size_t>(k_) + static_cast<std::size_t>(c)];
  }

  const Hypergraph& h_;
  int k_;
  std::vector<std::vector<int>> incident_;
  std::vector<int> order_;
  std::vector<int> counts_;
  std::vector<int> coloring_;
};

/// Depth-first search for a proper colouring; colours are tried in order and a vertex may open at
/// most one new colour (colour symmetry).
inline bool color_dfs(ColoringSearch& s, std::size_t depth, int used) {
  if (depth == s.order().size()) return true;
  const int v = s.order()[depth];
  const int limit = std::min(s.k(), used + 1);
  for (int c = 0; c < limit; ++c) {
    if (s.completed_by(v, c) > 0) continue;
    s.assign(v, c);
    if (color_dfs(s, depth + 1, std::max(used, c + 1))) return true;
    s.unassign(v);
  }
  return false;
}

/// Branch-and-bound for the fewest monochromatic edges.
inline void min_mono_dfs(ColoringSearch& s, std::size_t depth, int used, int cost, ColoringOptimum& best) {
  if (cost >= best.monochromatic) return;
  if (depth == s.order().size()) {
    best.monochromatic = cost;
    best.coloring = s.coloring();
    return;
  }
  if (cost + s.future_lower_bound(depth) >= best.monochromatic) return;
  const int v = s.order()[depth];
  const int limit = std::min(s.k(), used + 1);
  for (int c = 0; c < limit; ++c) {
    const int added = s.completed_by(v, c);
    if (cost + added >= best.monochromatic) continue;
    s.assign(v, c);
    min_mono_dfs(s, depth + 1, std::max(used, c + 1), cost + added, best);
    s.unassign(v);
  }
}

inline double binomial(int n, int r) {
  if (r < 0 || r > n) return 0.0;
  double b = 1.0;
  for (int i = 1; i <= r; ++i) b = b * static_cast<double>(n - r + i) / static_cast<double>(i);
  return b;
}

/// r distinct vertices chosen uniformly from [0, n), sorted.
inline std::vector<int> random_subset(int n, int r, std::mt19937_64& rng) {
  std::vector<int> chosen;
  chosen.reserve(static_cast<std::size_t>(r));
  std::set<int> seen;
  std::uniform_int_distribution<int> pick(0, n - 1);
  while (static_cast<int>(chosen.size()) < r) {
    const int v = pick(rng);
    if (seen.insert(v).second) chosen.push_back(v);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace detail::hyper

/// A proper k-colouring of h, or std::nullopt if there is none (exact backtracking).
///
/// Vertices are coloured in order of decreasing degree; a colour is rejected as soon as it would
/// complete a monochromatic edge, and colour permutations are broken by letting each vertex open at
/// most one new colour. Worst case k^N / k! leaves. Measured on random 3-uniform hypergraphs with
/// M = 2.2 N (near the 2-colourability threshold), k = 2: N = 60 in 0.25 s, N = 80 in 7 s,
/// N = 100 in minutes; easy (sparse or planted) instances go much further.
/// Throws std::invalid_argument if k < 1.
inline std::optional<std::vector<int>> color_exact(const Hypergraph& h, int k) {
  detail::hyper::check_k(k, "color_exact");
  detail::hyper::ColoringSearch search(h, k);
  if (!detail::hyper::color_dfs(search, 0, 0)) return std::nullopt;
  return search.coloring();
}

/// A k-colouring with the fewest monochromatic edges (exact branch-and-bound): the gap quantity
/// of Theorem 19 is `.fraction`.
///
/// Same search order and colour symmetry breaking as color_exact; a node is pruned when its
/// monochromatic edges plus a disjoint-edge-group lower bound reach the incumbent (first
/// incumbent: a greedy colouring). Worst case k^N / k! leaves. Measured: random 3-uniform, M = 3N,
/// k = 2, N = 35 in 0.1 s; random graphs, M = 3N, k = 3, N = 24 in 0.02 s; exponential beyond.
/// Throws std::invalid_argument if k < 1.
inline ColoringOptimum min_monochromatic_coloring(const Hypergraph& h, int k) {
  detail::hyper::check_k(k, "min_monochromatic_coloring");
  detail::hyper::ColoringSearch search(h, k);
  // Greedy incumbent: each vertex takes the colour completing the fewest monochromatic edges.
  ColoringOptimum best;
  {
    detail::hyper::ColoringSearch greedy(h, k);
    int cost = 0;
    for (int v : greedy.order()) {
      int best_c = 0, best_added = greedy.completed_by(v, 0);
      for (int c = 1; c < k; ++c) {
        const int added = greedy.completed_by(v, c);
        if (added < best_added) best_c = c, best_added = added;
      }
      greedy.assign(v, best_c);
      cost += best_added;
    }
    best.monochromatic = cost;
    best.coloring = greedy.coloring();
  }
  if (best.monochromatic > 0)
    detail::hyper::min_mono_dfs(search, 0, 0, 0, best);  // only strictly better ones replace it
  best.fraction = h.edge_count() == 0 ? 0.0 : static_cast<double>(best.monochromatic) / h.edge_count();
  return best;
}

/// min over k-colourings of the fraction of monochromatic edges (Theorem 19's gamma is a lower
/// bound on it in the soundness case). See min_monochromatic_coloring for sizes.
inline double min_monochromatic_fraction(const Hypergraph& h, int k) {
  return min_monochromatic_coloring(h, k).fraction;
}

/// The optimum of the source problem for Lemma 17: a k-colouring with the fewest monochromatic
/// edges (0 iff h is k-colourable). Same as min_monochromatic_coloring.
inline ColoringOptimum solve_exact(const Hypergraph& h, int k) { return min_monochromatic_coloring(h, k); }

/// A hypergraph together with the colouring it was generated from.
struct PlantedHypergraph {
  Hypergraph hypergraph;
  std::vector<int> coloring;  ///< proper for `hypergraph`, colours in [0, k)
};

/// A random hypergraph with a planted proper k-colouring: the vertices get balanced colours in a
/// random order (class sizes differ by at most one), then `edges` distinct edges are drawn, each
/// with a size uniform in [min_edge_size, max_edge_size] and a vertex set uniform among those of
/// that size that are not monochromatic. Throws std::invalid_argument if k < 2, vertices < 2,
/// 2 <= min_edge_size <= max_edge_size <= vertices fails, edges < 0, or fewer than `edges`
/// distinct non-monochromatic vertex sets exist.
inline PlantedHypergraph planted_colorable_hypergraph(int vertices, int edges, int min_edge_size, int max_edge_size,
                                                      int k, std::mt19937_64& rng) {
  if (k < 2) throw std::invalid_argument("planted_colorable_hypergraph: k must be >= 2, got " + std::to_string(k));
  if (vertices < 2)
    throw std::invalid_argument("planted_colorable_hypergraph: vertices must be >= 2, got " + std::to_string(vertices));
  if (min_edge_size < 2 || min_edge_size > max_edge_size || max_edge_size > vertices)
    throw std::invalid_argument(
        "planted_colorable_hypergraph: need 2 <= min_edge_size <= max_edge_size <= vertices, got " +
        std::to_string(min_edge_size) + " and " + std::to_string(max_edge_size));
  if (edges < 0) throw std::invalid_argument("planted_colorable_hypergraph: edges must be >= 0");
  std::vector<int> coloring(static_cast<std::size_t>(vertices));
  for (int v = 0; v < vertices; ++v) coloring[static_cast<std::size_t>(v)] = v % k;
  std::shuffle(coloring.begin(), coloring.end(), rng);
  std::vector<int> class_size(static_cast<std::size_t>(k), 0);
  for (int c : coloring) ++class_size[static_cast<std::size_t>(c)];
  double available = 0.0;
  for (int s = min_edge_size; s <= max_edge_size; ++s) {
    available += detail::hyper::binomial(vertices, s);
    for (int size : class_size) available -= detail::hyper::binomial(size, s);
  }
  if (static_cast<double>(edges) > available)
    throw std::invalid_argument("planted_colorable_hypergraph: asked for " + std::to_string(edges) +
                                " distinct edges but only " + std::to_string(static_cast<long long>(available)) +
                                " non-monochromatic vertex sets of the allowed sizes exist");
  std::set<std::vector<int>> seen;
  std::vector<std::vector<int>> list;
  list.reserve(static_cast<std::size_t>(edges));
  std::uniform_int_distribution<int> size_of(min_edge_size, max_edge_size);
  while (static_cast<int>(list.size()) < edges) {
    auto e = detail::hyper::random_subset(vertices, size_of(rng), rng);
    const int c = coloring[static_cast<std::size_t>(e.front())];
    const bool mono =
        std::all_of(e.begin(), e.end(), [&](int v) { return coloring[static_cast<std::size_t>(v)] == c; });
    if (mono || !seen.insert(e).second) continue;
    list.push_back(std::move(e));
  }
  return {Hypergraph(vertices, std::move(list)), std::move(coloring)};
}

/// Same, seeded.
inline PlantedHypergraph planted_colorable_hypergraph(int vertices, int edges, int min_edge_size, int max_edge_size,
                                                      int k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return planted_colorable_hypergraph(vertices, edges, min_edge_size, max_edge_size, k, rng);
}

/// A random r-uniform hypergraph: `edges` distinct r-subsets of the vertices, uniformly (the
/// instances of Theorem 19 are (k+1)-uniform). Throws std::invalid_argument unless
/// 2 <= edge_size <= vertices and 0 <= edges <= C(vertices, edge_size).
inline Hypergraph random_uniform_hypergraph(int vertices, int edges, int edge_size, std::mt19937_64& rng) {
  if (edge_size < 2 || edge_size > vertices)
    throw std::invalid_argument("random_uniform_hypergraph: need 2 <= edge_size <= vertices, got edge_size " +
                                std::to_string(edge_size) + " and vertices " + std::to_string(vertices));
  if (edges < 0 || static_cast<double>(edges) > detail::hyper::binomial(vertices, edge_size))
    throw std::invalid_argument("random_uniform_hypergraph: edges must lie in [0, C(vertices, edge_size)], got " +
                                std::to_string(edges));
  std::set<std::vector<int>> seen;
  std::vector<std::vector<int>> list;
  list.reserve(static_cast<std::size_t>(edges));
  while (static_cast<int>(list.size()) < edges) {
    auto e = detail::hyper::random_subset(vertices, edge_size, rng);
    if (seen.insert(e).second) list.push_back(std::move(e));
  }
  return Hypergraph(vertices, std::move(list));
}

/// Same, seeded.
inline Hypergraph random_uniform_hypergraph(int vertices, int edges, int edge_size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return random_uniform_hypergraph(vertices, edges, edge_size, rng);
}

/// App. D.1 as printed: add k-2 dummy vertices N, ..., N+k-3 to every edge.
///
/// This padding is WRONG for k >= 3 (see ERRATA, App. D.1): colour one dummy with a colour no
/// original vertex uses and every padded edge is non-monochromatic, so the result is always
/// k-colourable (e.g. the complete 3-uniform hypergraph on 5 vertices is not 2-colourable, yet its
/// padding is 3-colourable). Kept only to document that failure; use pad_coloring.
/// Throws std::invalid_argument if k < 2.
inline Hypergraph pad_coloring_printed(const Hypergraph& h, int k) {
  if (k < 2) throw std::invalid_argument("pad_coloring_printed: k must be >= 2, got " + std::to_string(k));
  const int n = h.vertices();
  std::vector<std::vector<int>> edges = h.edges();
  for (auto& e : edges)
    for (int d = 0; d < k - 2; ++d) e.push_back(n + d);
  return Hypergraph(n + k - 2, std::move(edges));
}

/// Number of copies pad_coloring gives each edge between two dummies: max(1, M).
inline int pad_coloring_dummy_pair_copies(const Hypergraph& h) { return std::max(1, h.edge_count()); }

/// A corrected App. D.1 padding from 2-colouring to k-colouring (k >= 2).
///
/// Adds k-2 dummy vertices u_a = N + a and, besides the original edges:
/// - every 2-edge {u_a, v} between a dummy and an original vertex (one copy each);
/// - every 2-edge {u_a, u_b} between two dummies, repeated R = max(1, M) times.
/// In a proper k-colouring the dummies take k-2 distinct colours that no original vertex may use,
/// so the originals are 2-coloured: **h is 2-colourable iff the result is k-colourable** (ERRATA,
/// App. D.1). Mixed edge sizes are allowed by Lemma 17. For k = 2 the result equals h.
///
/// Gap (our argument, not in the paper): write mono_2(h) and mono_k(h') for the fewest
/// monochromatic edges. Then mono_k(h') <= mono_2(h) (dummies take the k-2 extra colours), and
/// mono_2(h) <= max(1, Delta) mono_k(h') where Delta is the largest degree of h: if two dummies
/// share a colour, mono_k(h') >= R >= M >= mono_2(h); otherwise recolour every original vertex that
/// shares a dummy's colour (each costs >= 1 monochromatic dummy edge) with one of the two free
/// colours, which makes at most Delta original edges monochromatic per vertex. With bounded degree
/// the fractions (divided by M' = M + N(k-2) + R C(k-2, 2)) therefore keep a constant gap.
/// Throws std::invalid_argument if k < 2.
inline Hypergraph pad_coloring(const Hypergraph& h, int k) {
  if (k < 2) throw std::invalid_argument("pad_coloring: k must be >= 2, got " + std::to_string(k));
  const int n = h.vertices(), dummies = k - 2;
  std::vector<std::vector<int>> edges = h.edges();
  for (int a = 0; a < dummies; ++a)
    for (int v = 0; v < n; ++v) edges.push_back({n + a, v});
  const int copies = pad_coloring_dummy_pair_copies(h);
  for (int a = 0; a < dummies; ++a)
    for (int b = a + 1; b < dummies; ++b)
      for (int r = 0; r < copies; ++r) edges.push_back({n + a, n + b});
  return Hypergraph(n + dummies, std::move(edges));
}

}  // namespace krelu::problems
