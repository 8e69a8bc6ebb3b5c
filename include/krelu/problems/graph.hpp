#pragma once
/// \file
/// Simple undirected graphs and the Densest kappa-Subgraph problem (DkS), the source problem of
/// Lemma 14 (App. C.1): given G = (V, E) and kappa, find kappa vertices inducing the most edges,
/// den_kappa(G) = max_{T subset V, |T| = kappa} |E(T)| (Section 1.1, footnote 3).
///
/// \code
/// namespace kp = krelu::problems;
/// std::mt19937_64 rng(1);
/// kp::Graph g = kp::random_regularish_graph(20, 3, rng);   // max degree <= 3
/// auto best = kp::densest_subgraph(g, 6);                   // exact, practical up to ~40 vertices
/// int check = kp::edges_within(g, best.vertices);           // == best.value
/// \endcode

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace krelu::problems {

class Graph;

/// A graph with its isolated vertices deleted, and where each remaining vertex came from.
struct CompactedGraph;

/// A simple undirected graph on vertices 0..N-1 with adjacency in compressed (CSR) form.
///
/// Edges are kept in the order given, each written (min, max). Construction is O(N + M + sum of
/// deg log deg), so graphs with millions of vertices are cheap.
class Graph {
 public:
  using Edge = std::pair<int, int>;

  /// The empty graph (no vertices).
  Graph() : offsets_(1, 0) {}

  /// Throws std::invalid_argument if vertices < 0, an endpoint is outside [0, vertices), an edge
  /// is a self-loop, or an edge appears twice (in either orientation); the message names the edge.
  Graph(int vertices, std::vector<Edge> edges) : n_(vertices), edges_(std::move(edges)) {
    if (n_ < 0) throw std::invalid_argument("Graph: number of vertices must be >= 0, got " + std::to_string(n_));
    if (edges_.size() > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
      throw std::invalid_argument("Graph: at most " + std::to_string(std::numeric_limits<int>::max() / 2) +
                                  " edges are supported");
    std::vector<int> degree(static_cast<std::size_t>(n_), 0);
    for (std::size_t i = 0; i < edges_.size(); ++i) {
      auto& [u, v] = edges_[i];
      if (u < 0 || u >= n_ || v < 0 || v >= n_)
        throw std::invalid_argument("Graph: edge " + std::to_string(i) + " = (" + std::to_string(u) + ", " +
                                    std::to_string(v) + ") has an endpoint outside [0, " + std::to_string(n_) + ")");
      if (u == v)
        throw std::invalid_argument("Graph: edge " + std::to_string(i) + " = (" + std::to_string(u) + ", " +
                                    std::to_string(v) + ") is a self-loop; the graph must be simple");
      if (u > v) std::swap(u, v);
      ++degree[static_cast<std::size_t>(u)];
      ++degree[static_cast<std::size_t>(v)];
    }
    offsets_.assign(static_cast<std::size_t>(n_) + 1, 0);
    for (int v = 0; v < n_; ++v) {
      offsets_[static_cast<std::size_t>(v) + 1] =
          offsets_[static_cast<std::size_t>(v)] + degree[static_cast<std::size_t>(v)];
      max_degree_ = std::max(max_degree_, degree[static_cast<std::size_t>(v)]);
    }
    adjacency_.resize(2 * edges_.size());
    std::vector<int> fill(offsets_.begin(), offsets_.end() - 1);
    for (const auto& [u, v] : edges_) {
      adjacency_[static_cast<std::size_t>(fill[static_cast<std::size_t>(u)]++)] = v;
      adjacency_[static_cast<std::size_t>(fill[static_cast<std::size_t>(v)]++)] = u;
    }
    for (int v = 0; v < n_; ++v) {
      auto first = adjacency_.begin() + offsets_[static_cast<std::size_t>(v)];
      auto last = adjacency_.begin() + offsets_[static_cast<std::size_t>(v) + 1];
      std::sort(first, last);
      auto dup = std::adjacent_find(first, last);
      if (dup != last) throw_duplicate(v, *dup);
    }
  }

  int num_vertices() const { return n_; }
  int num_edges() const { return static_cast<int>(edges_.size()); }
  /// The edges in the order given, each as (min, max).
  const std::vector<Edge>& edges() const { return edges_; }
  /// The neighbours of v in increasing order.
  std::span<const int> neighbors(int v) const {
    check_vertex(v, "neighbors");
    const auto b = static_cast<std::size_t>(offsets_[static_cast<std::size_t>(v)]);
    const auto e = static_cast<std::size_t>(offsets_[static_cast<std::size_t>(v) + 1]);
    return {adjacency_.data() + b, e - b};
  }
  int degree(int v) const {
    check_vertex(v, "degree");
    return offsets_[static_cast<std::size_t>(v) + 1] - offsets_[static_cast<std::size_t>(v)];
  }
  /// d = max_v deg(v) (0 for a graph without edges): Lemma 14's degree bound.
  int max_degree() const { return max_degree_; }
  /// O(log deg(u)).
  bool has_edge(int u, int v) const {
    const auto nb = neighbors(u);
    check_vertex(v, "has_edge");
    return std::binary_search(nb.begin(), nb.end(), v);
  }
  /// Number of vertices of degree 0.
  int num_isolated_vertices() const {
    int count = 0;
    for (int v = 0; v < n_; ++v) count += degree(v) == 0 ? 1 : 0;
    return count;
  }

  /// The graph with every isolated vertex deleted, vertices renumbered in increasing order, and the
  /// map back. Lemma 14 needs this first (ERRATA, step (15): afterwards N <= 2M).
  CompactedGraph without_isolated_vertices() const;

 private:
  void check_vertex(int v, const char* where) const {
    if (v < 0 || v >= n_)
      throw std::invalid_argument(std::string("Graph::") + where + ": vertex " + std::to_string(v) +
                                  " is outside [0, " + std::to_string(n_) + ")");
  }
  [[noreturn]] void throw_duplicate(int u, int v) const {
    const Edge key{std::min(u, v), std::max(u, v)};
    std::size_t first = edges_.size(), second = edges_.size();
    for (std::size_t i = 0; i < edges_.size(); ++i) {
      if (edges_[i] != key) continue;
      if (first == edges_.size()) {
        first = i;
      } else {
        second = i;
        break;
      }
    }
    throw std::invalid_argument("Graph: edge " + std::to_string(second) + " = (" + std::to_string(key.first) + ", " +
                                std::to_string(key.second) + ") duplicates edge " + std::to_string(first) +
                                "; the graph must be simple");
  }

  int n_ = 0;
  std::vector<Edge> edges_;
  std::vector<int> offsets_;
  std::vector<int> adjacency_;
  int max_degree_ = 0;
};

struct CompactedGraph {
  Graph graph;                ///< vertices 0..N'-1, no isolated vertex
  std::vector<int> original;  ///< original[i] = the vertex of the input graph that became vertex i
};

inline CompactedGraph Graph::without_isolated_vertices() const {
  CompactedGraph out;
  std::vector<int> index(static_cast<std::size_t>(n_), -1);
  for (int v = 0; v < n_; ++v)
    if (degree(v) > 0) {
      index[static_cast<std::size_t>(v)] = static_cast<int>(out.original.size());
      out.original.push_back(v);
    }
  std::vector<Edge> renamed;
  renamed.reserve(edges_.size());
  for (const auto& [u, v] : edges_)
    renamed.emplace_back(index[static_cast<std::size_t>(u)], index[static_cast<std::size_t>(v)]);
  out.graph = Graph(static_cast<int>(out.original.size()), std::move(renamed));
  return out;
}

/// An instance of Densest kappa-Subgraph with the threshold ell of Hypotheses 1/2: the question is
/// whether den_kappa(G) >= ell.
struct DensestSubgraphInstance {
  Graph graph;    ///< G
  int kappa = 0;  ///< size of the vertex set sought
  int ell = 0;    ///< number of induced edges asked for
};

namespace detail {

/// Throws unless `vertices` holds distinct vertices of g; returns a membership mask.
inline std::vector<char> vertex_set_mask(const Graph& g, std::span<const int> vertices, const char* where) {
  std::vector<char> in(static_cast<std::size_t>(g.num_vertices()), 0);
  for (std::size_t i = 0; i < vertices.size(); ++i) {
    const int v = vertices[i];
    if (v < 0 || v >= g.num_vertices())
      throw std::invalid_argument(std::string(where) + ": vertex " + std::to_string(v) + " (entry " +
                                  std::to_string(i) + ") is outside [0, " + std::to_string(g.num_vertices()) + ")");
    if (in[static_cast<std::size_t>(v)])
      throw std::invalid_argument(std::string(where) + ": vertex " + std::to_string(v) + " appears twice");
    in[static_cast<std::size_t>(v)] = 1;
  }
  return in;
}

}  // namespace detail

/// |E(T)|: the number of edges with both endpoints in T. Throws std::invalid_argument if T has a
/// vertex outside the graph or a repeated vertex. O(N + sum_{v in T} deg v).
inline int edges_within(const Graph& g, std::span<const int> vertices) {
  const auto in = detail::vertex_set_mask(g, vertices, "edges_within");
  long long twice = 0;
  for (const int v : vertices)
    for (const int u : g.neighbors(v)) twice += in[static_cast<std::size_t>(u)];
  return static_cast<int>(twice / 2);
}

inline int edges_within(const Graph& g, const std::vector<int>& vertices) {
  return edges_within(g, std::span<const int>(vertices));
}

/// A Densest kappa-Subgraph solution: value = |E(vertices)|, vertices sorted increasingly.
struct DensestSubgraphResult {
  int value = 0;
  std::vector<int> vertices;
};

namespace detail {

/// Branch and bound over the vertices of a graph with at most 64 vertices, each set a bitmask.
/// Bound for a node with chosen set S (|S| = s, e edges) and candidate set R, r = kappa - s:
/// a new vertex v brings |N(v) & S| edges to S and at most min(|N(v) & R|, r - 1) edges among the
/// new vertices, each of those counted from both ends, so
/// |E(final)| <= e + floor(top-r sum of (2 |N(v) & S| + min(|N(v) & R|, r - 1)) / 2).
class DensestSubgraphSearch {
 public:
  DensestSubgraphSearch(const Graph& g, int kappa) : n_(g.num_vertices()), kappa_(kappa) {
    order_.resize(static_cast<std::size_t>(n_));
    std::iota(order_.begin(), order_.end(), 0);
    // Dense vertices first: good sets are found early and the bound bites sooner.
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return g.degree(a) > g.degree(b); });
    std::vector<int> position(static_cast<std::size_t>(n_));
    for (int i = 0; i < n_; ++i) position[static_cast<std::size_t>(order_[static_cast<std::size_t>(i)])] = i;
    nbr_.assign(static_cast<std::size_t>(n_), 0);
    for (const auto& [u, v] : g.edges()) {
      const int pu = position[static_cast<std::size_t>(u)], pv = position[static_cast<std::size_t>(v)];
      nbr_[static_cast<std::size_t>(pu)] |= std::uint64_t{1} << pv;
      nbr_[static_cast<std::size_t>(pv)] |= std::uint64_t{1} << pu;
    }
  }

  DensestSubgraphResult run() {
    greedy_incumbent();
    const std::uint64_t all = n_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n_) - 1;
    search(0, 0, 0, 0, all);
    DensestSubgraphResult out;
    out.value = best_value_;
    for (int i = 0; i < n_; ++i)
      if (best_set_ >> i & 1U) out.vertices.push_back(order_[static_cast<std::size_t>(i)]);
    std::sort(out.vertices.begin(), out.vertices.end());
    return out;
  }

 private:
  static int popcount(std::uint64_t x) { return std::popcount(x); }

  // Peel a vertex of least degree until kappa remain: a feasible first incumbent.
  void greedy_incumbent() {
    std::uint64_t alive = n_ == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n_) - 1;
    while (popcount(alive) > kappa_) {
      int worst = -1, worst_degree = 65;
      for (int i = 0; i < n_; ++i)
        if (alive >> i & 1U) {
          const int deg = popcount(nbr_[static_cast<std::size_t>(i)] & alive);
          if (deg < worst_degree) worst = i, worst_degree = deg;
        }
      alive &= ~(std::uint64_t{1} << worst);
    }
    best_set_ = alive;
    best_value_ = induced(alive);
  }

  int induced(std::uint64_t set) const {
    int twice = 0;
    for (int i = 0; i < n_; ++i)
      if (set >> i & 1U) twice += popcount(nbr_[static_cast<std::size_t>(i)] & set);
    return twice / 2;
  }

  // i: next vertex to decide; chosen: S; size = |S|; edges = |E(S)|; candidates: R (vertices >= i not excluded).
  void search(int i, std::uint64_t chosen, int size, int edges, std::uint64_t candidates) {
    const int r = kappa_ - size;
    if (r == 0) {
      if (edges > best_value_) best_value_ = edges, best_set_ = chosen;
      return;
    }
    if (popcount(candidates) < r) return;
    gains_.clear();
    for (std::uint64_t c = candidates; c != 0; c &= c - 1) {
      const auto v = static_cast<std::size_t>(std::countr_zero(c));
      gains_.push_back(2 * popcount(nbr_[v] & chosen) + std::min(popcount(nbr_[v] & candidates), r - 1));
    }
    std::nth_element(gains_.begin(), gains_.begin() + (r - 1), gains_.end(), std::greater<>());
    int top = 0;
    for (int j = 0; j < r; ++j) top += gains_[static_cast<std::size_t>(j)];
    if (edges + top / 2 <= best_value_) return;
    // The next candidate at or after i.
    const std::uint64_t ahead = candidates & (i >= 64 ? 0 : ~std::uint64_t{0} << i);
    if (ahead == 0) return;
    const int v = std::countr_zero(ahead);
    const std::uint64_t bit = std::uint64_t{1} << v;
    const std::uint64_t rest = candidates & ~bit;
    search(v + 1, chosen | bit, size + 1, edges + popcount(nbr_[static_cast<std::size_t>(v)] & chosen), rest);
    search(v + 1, chosen, size, edges, rest);
  }

  int n_;
  int kappa_;
  std::vector<int> order_;
  std::vector<std::uint64_t> nbr_;
  std::vector<int> gains_;
  std::uint64_t best_set_ = 0;
  int best_value_ = -1;
};

}  // namespace detail

/// den_kappa(G) and a set attaining it, exactly (Section 1.1, footnote 3).
///
/// Isolated vertices are set aside first (they add no edge): when kappa is at least the number N'
/// of non-isolated vertices the answer is every edge, and the set is the N' non-isolated vertices
/// completed with the smallest isolated ones. Otherwise a branch and bound over the non-isolated
/// vertices (bitmasks) returns a set without isolated vertices. Practical for N' <= ~40 (under a
/// second for degree <= 6); N' = 50..60 with kappa = N'/2 takes seconds to minutes. Throws
/// std::invalid_argument if N' > 64 and kappa < N', or if kappa is outside [0, N].
inline DensestSubgraphResult densest_subgraph(const Graph& g, int kappa) {
  if (kappa < 0 || kappa > g.num_vertices())
    throw std::invalid_argument("densest_subgraph: kappa must be in [0, " + std::to_string(g.num_vertices()) +
                                "] (the number of vertices), got " + std::to_string(kappa));
  const CompactedGraph core = g.without_isolated_vertices();
  const int n = core.graph.num_vertices();
  DensestSubgraphResult out;
  if (kappa >= n) {
    out.value = g.num_edges();
    out.vertices = core.original;
    for (int v = 0; v < g.num_vertices() && static_cast<int>(out.vertices.size()) < kappa; ++v)
      if (g.degree(v) == 0) out.vertices.push_back(v);
    std::sort(out.vertices.begin(), out.vertices.end());
    return out;
  }
  if (n > 64)
    throw std::invalid_argument("densest_subgraph: the exact solver handles at most 64 non-isolated vertices, got " +
                                std::to_string(n));
  detail::DensestSubgraphSearch search(core.graph, kappa);
  out = search.run();
  for (int& v : out.vertices) v = core.original[static_cast<std::size_t>(v)];
  std::sort(out.vertices.begin(), out.vertices.end());
  return out;
}

/// A random graph with exactly `edges` edges and maximum degree <= max_degree: edges are added one
/// at a time, each a uniformly random pair of vertices that still have room and are not yet
/// adjacent (G(N, M) conditioned on the degree cap, approximately). If the process paints itself
/// into a corner (possible only when edges is close to N d / 2) it starts again, up to 100 times.
/// Throws std::invalid_argument if vertices < 0, max_degree < 0, or edges is outside
/// [0, min(N (N-1) / 2, floor(N d / 2))]; std::runtime_error if every restart got stuck.
inline Graph random_graph(int vertices, int edges, int max_degree, std::mt19937_64& rng) {
  if (vertices < 0) throw std::invalid_argument("random_graph: vertices must be >= 0, got " + std::to_string(vertices));
  if (max_degree < 0)
    throw std::invalid_argument("random_graph: max_degree must be >= 0, got " + std::to_string(max_degree));
  const long long n = vertices;
  const long long cap = std::min(n * (n - 1) / 2, n * max_degree / 2);
  if (edges < 0 || edges > cap)
    throw std::invalid_argument("random_graph: edges must be in [0, " + std::to_string(cap) +
                                "] for this number of vertices and max_degree, got " + std::to_string(edges));
  const auto N = static_cast<std::size_t>(vertices);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::vector<int> open(N);  // vertices with degree < max_degree
    std::iota(open.begin(), open.end(), 0);
    std::vector<int> where(open.begin(), open.end());
    std::vector<int> degree(N, 0);
    std::vector<std::vector<int>> adjacent(N);
    std::vector<Graph::Edge> list;
    list.reserve(static_cast<std::size_t>(edges));
    auto adjacent_to = [&](int u, int v) {
      const auto& a = adjacent[static_cast<std::size_t>(u)];
      return std::find(a.begin(), a.end(), v) != a.end();
    };
    auto close = [&](int v) {
      const int p = where[static_cast<std::size_t>(v)];
      const int last = open.back();
      open[static_cast<std::size_t>(p)] = last;
      where[static_cast<std::size_t>(last)] = p;
      open.pop_back();
    };
    auto add = [&](int u, int v) {
      adjacent[static_cast<std::size_t>(u)].push_back(v);
      adjacent[static_cast<std::size_t>(v)].push_back(u);
      list.emplace_back(u, v);
      if (++degree[static_cast<std::size_t>(u)] == max_degree) close(u);
      if (++degree[static_cast<std::size_t>(v)] == max_degree) close(v);
    };
    bool stuck = false;
    std::size_t misses = 0;
    while (static_cast<int>(list.size()) < edges && !stuck) {
      if (open.size() < 2) {
        stuck = true;
        break;
      }
      std::uniform_int_distribution<std::size_t> pick(0, open.size() - 1);
      const int u = open[pick(rng)], v = open[pick(rng)];
      if (u != v && !adjacent_to(u, v)) {
        add(u, v);
        misses = 0;
        continue;
      }
      if (++misses < 20 * open.size() + 20) continue;
      // Many misses in a row: list the pairs still available and pick one uniformly.
      std::vector<Graph::Edge> free_pairs;
      for (std::size_t i = 0; i < open.size(); ++i)
        for (std::size_t j = i + 1; j < open.size(); ++j)
          if (!adjacent_to(open[i], open[j])) free_pairs.emplace_back(open[i], open[j]);
      if (free_pairs.empty()) {
        stuck = true;
        break;
      }
      const auto& e = free_pairs[std::uniform_int_distribution<std::size_t>(0, free_pairs.size() - 1)(rng)];
      add(e.first, e.second);
      misses = 0;
    }
    if (!stuck) return Graph(vertices, std::move(list));
  }
  throw std::runtime_error("random_graph: could not place " + std::to_string(edges) +
                           " edges under the degree cap in 100 attempts; ask for fewer");
}

/// A random "almost d-regular" graph: the configuration model (d half-edges per vertex, paired
/// uniformly at random) with self-loops and repeated edges dropped, so every degree is <= d and
/// all but O(d^2) vertices have degree exactly d. O(N d); the generator for large instances.
inline Graph random_regularish_graph(int vertices, int degree, std::mt19937_64& rng) {
  if (vertices < 0)
    throw std::invalid_argument("random_regularish_graph: vertices must be >= 0, got " + std::to_string(vertices));
  if (degree < 0)
    throw std::invalid_argument("random_regularish_graph: degree must be >= 0, got " + std::to_string(degree));
  if (static_cast<long long>(vertices) * degree > std::numeric_limits<int>::max())
    throw std::invalid_argument("random_regularish_graph: vertices * degree must fit in an int");
  // configuration model: each vertex contributes `degree` half-edges, paired at random
  std::vector<int> half_edges(static_cast<std::size_t>(vertices) * static_cast<std::size_t>(degree));
  for (std::size_t i = 0; i < half_edges.size(); ++i) half_edges[i] = static_cast<int>(i / static_cast<std::size_t>(degree));
  std::shuffle(half_edges.begin(), half_edges.end(), rng);
  std::vector<Graph::Edge> list;
  list.reserve(half_edges.size() / 2);
  for (std::size_t i = 0; i + 1 < half_edges.size(); i += 2)
    if (half_edges[i] != half_edges[i + 1]) list.emplace_back(std::min(half_edges[i], half_edges[i + 1]), std::max(half_edges[i], half_edges[i + 1]));
  // Drop repeated pairs (keep the first occurrence, in order).
  std::vector<std::size_t> idx(list.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return list[a] != list[b] ? list[a] < list[b] : a < b; });
  std::vector<char> keep(list.size(), 1);
  for (std::size_t k = 1; k < idx.size(); ++k)
    if (list[idx[k]] == list[idx[k - 1]]) keep[idx[k]] = 0;
  std::size_t w = 0;
  for (std::size_t k = 0; k < list.size(); ++k)
    if (keep[k]) list[w++] = list[k];
  list.resize(w);
  return Graph(vertices, std::move(list));
}

/// A graph with a planted dense kappa-set and where it is.
struct PlantedGraph {
  Graph graph;
  std::vector<int> planted;  ///< the kappa planted vertices, sorted; edges_within(graph, planted) >= planted_edges
};

/// A random graph of maximum degree <= max_degree with a planted dense set: picks kappa random
/// vertices T, adds `planted_edges` random edges inside T, then `other_edges` random edges with at
/// least one endpoint outside T (all under the degree cap). A YES instance of DkS for
/// ell <= planted_edges. Throws std::invalid_argument if kappa is outside [0, vertices] or an edge
/// count exceeds what the cap allows (planted_edges <= min(kappa (kappa-1)/2, floor(kappa d / 2))),
/// std::runtime_error if the random process gets stuck (counts very close to the cap).
inline PlantedGraph planted_dense_subgraph(int vertices, int max_degree, int kappa, int planted_edges, int other_edges,
                                           std::mt19937_64& rng) {
  if (vertices < 0)
    throw std::invalid_argument("planted_dense_subgraph: vertices must be >= 0, got " + std::to_string(vertices));
  if (kappa < 0 || kappa > vertices)
    throw std::invalid_argument("planted_dense_subgraph: kappa must be in [0, " + std::to_string(vertices) + "], got " +
                                std::to_string(kappa));
  if (max_degree < 0)
    throw std::invalid_argument("planted_dense_subgraph: max_degree must be >= 0, got " + std::to_string(max_degree));
  if (other_edges < 0)
    throw std::invalid_argument("planted_dense_subgraph: other_edges must be >= 0, got " + std::to_string(other_edges));
  const long long k = kappa;
  const long long inside_cap = std::min(k * (k - 1) / 2, k * max_degree / 2);
  if (planted_edges < 0 || planted_edges > inside_cap)
    throw std::invalid_argument("planted_dense_subgraph: planted_edges must be in [0, " + std::to_string(inside_cap) +
                                "] for this kappa and max_degree, got " + std::to_string(planted_edges));
  std::vector<int> perm(static_cast<std::size_t>(vertices));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<int> planted(perm.begin(), perm.begin() + kappa);
  // Edges inside T: a degree-capped random graph on kappa vertices, relabelled.
  const Graph inside = random_graph(kappa, planted_edges, max_degree, rng);
  std::vector<Graph::Edge> list;
  std::vector<int> degree(static_cast<std::size_t>(vertices), 0);
  std::vector<std::vector<int>> adjacent(static_cast<std::size_t>(vertices));
  auto add = [&](int u, int v) {
    list.emplace_back(u, v);
    ++degree[static_cast<std::size_t>(u)];
    ++degree[static_cast<std::size_t>(v)];
    adjacent[static_cast<std::size_t>(u)].push_back(v);
    adjacent[static_cast<std::size_t>(v)].push_back(u);
  };
  for (const auto& [a, b] : inside.edges())
    add(planted[static_cast<std::size_t>(a)], planted[static_cast<std::size_t>(b)]);
  std::vector<char> in_t(static_cast<std::size_t>(vertices), 0);
  for (const int v : planted) in_t[static_cast<std::size_t>(v)] = 1;
  long long failures = 0;
  const long long failure_limit = 100LL * other_edges + 1000;
  std::uniform_int_distribution<int> pick(0, std::max(0, vertices - 1));
  for (int added = 0; added < other_edges;) {
    const int u = pick(rng), v = pick(rng);
    const bool ok =
        vertices > 0 && u != v && !(in_t[static_cast<std::size_t>(u)] && in_t[static_cast<std::size_t>(v)]) &&
        degree[static_cast<std::size_t>(u)] < max_degree && degree[static_cast<std::size_t>(v)] < max_degree &&
        std::find(adjacent[static_cast<std::size_t>(u)].begin(), adjacent[static_cast<std::size_t>(u)].end(), v) ==
            adjacent[static_cast<std::size_t>(u)].end();
    if (!ok) {
      if (++failures > failure_limit)
        throw std::runtime_error("planted_dense_subgraph: could not place " + std::to_string(other_edges) +
                                 " other edges under the degree cap; ask for fewer");
      continue;
    }
    add(u, v);
    ++added;
  }
  std::sort(planted.begin(), planted.end());
  return {Graph(vertices, std::move(list)), std::move(planted)};
}

}  // namespace krelu::problems
