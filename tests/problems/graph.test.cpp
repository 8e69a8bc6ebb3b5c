#include <catch2/catch.hpp>
#include <krelu/problems/graph.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace kp = krelu::problems;

namespace {

/// An adjacency matrix built straight from the edge list: the reference for the CSR form.
std::vector<std::vector<char>> adjacency_matrix(const kp::Graph& g) {
  std::vector<std::vector<char>> a(static_cast<std::size_t>(g.num_vertices()),
                                   std::vector<char>(static_cast<std::size_t>(g.num_vertices()), 0));
  for (const auto& [u, v] : g.edges())
    a[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)] =
        a[static_cast<std::size_t>(v)][static_cast<std::size_t>(u)] = 1;
  return a;
}

/// den_kappa by enumerating every kappa-subset (Gosper's hack), independent of the library's search.
int brute_force_densest(const kp::Graph& g, int kappa) {
  const int n = g.num_vertices();
  if (kappa == 0) return 0;
  const auto a = adjacency_matrix(g);
  int best = -1;
  std::uint32_t set = (std::uint32_t{1} << kappa) - 1;
  while (set < (std::uint32_t{1} << n)) {
    int edges = 0;
    for (int u = 0; u < n; ++u)
      if (set >> u & 1U)
        for (int v = u + 1; v < n; ++v)
          if ((set >> v & 1U) && a[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)]) ++edges;
    best = std::max(best, edges);
    const std::uint32_t c = set & (~set + 1), r = set + c;
    set = (((r ^ set) >> 2) / c) | r;
  }
  return best;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Graph rejects malformed input with a message naming the edge") {
  CHECK_THAT(message_of([] { kp::Graph(-1, {}); }), Catch::Contains(">= 0"));
  CHECK_THAT(message_of([] { kp::Graph(3, {{0, 1}, {1, 3}}); }), Catch::Contains("edge 1 = (1, 3)"));
  CHECK_THAT(message_of([] { kp::Graph(3, {{0, 1}, {-1, 2}}); }), Catch::Contains("outside [0, 3)"));
  CHECK_THAT(message_of([] { kp::Graph(3, {{0, 1}, {2, 2}}); }), Catch::Contains("self-loop"));
  CHECK_THAT(message_of([] {
               kp::Graph(4, {{0, 1}, {2, 3}, {1, 0}});
             }),
             Catch::Contains("edge 2 = (0, 1) duplicates edge 0"));
  CHECK_THAT(message_of([] { kp::Graph(4, {{2, 3}, {2, 3}}); }), Catch::Contains("duplicates"));
  CHECK_NOTHROW(kp::Graph(0, {}));
  CHECK_NOTHROW(kp::Graph(5, {}));
  const kp::Graph g(3, {{2, 0}});
  CHECK(g.edges().front() == kp::Graph::Edge{0, 2});  // stored as (min, max)
  CHECK_THROWS_AS(g.degree(3), std::invalid_argument);
  CHECK_THROWS_AS(g.neighbors(-1), std::invalid_argument);
}

TEST_CASE("CSR adjacency, degrees and has_edge agree with an adjacency matrix") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 30);
    const int d = 1 + static_cast<int>(rng() % 5);
    const long long cap = std::min<long long>(1LL * n * (n - 1) / 2, 1LL * n * d / 2);
    const int m = static_cast<int>(rng() % static_cast<std::uint64_t>(cap / 2 + 1));
    const kp::Graph g = kp::random_graph(n, m, d, rng);
    REQUIRE(g.num_edges() == m);
    const auto a = adjacency_matrix(g);
    int max_deg = 0, isolated = 0;
    for (int u = 0; u < n; ++u) {
      std::vector<int> expected;
      for (int v = 0; v < n; ++v) {
        if (a[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)]) expected.push_back(v);
        CHECK(g.has_edge(u, v) == static_cast<bool>(a[static_cast<std::size_t>(u)][static_cast<std::size_t>(v)]));
      }
      const auto nb = g.neighbors(u);
      CHECK(std::vector<int>(nb.begin(), nb.end()) == expected);
      CHECK(g.degree(u) == static_cast<int>(expected.size()));
      max_deg = std::max(max_deg, g.degree(u));
      isolated += expected.empty() ? 1 : 0;
    }
    CHECK(g.max_degree() == max_deg);
    CHECK(g.max_degree() <= d);
    CHECK(g.num_isolated_vertices() == isolated);
  }
}

TEST_CASE("without_isolated_vertices keeps every edge and maps vertices back") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 30; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 40);
    const int m = static_cast<int>(rng() % static_cast<std::uint64_t>(n / 2 + 1));  // sparse: many isolated
    const kp::Graph g = kp::random_graph(n, m, 3, rng);
    const auto c = g.without_isolated_vertices();
    CHECK(c.graph.num_vertices() == n - g.num_isolated_vertices());
    CHECK(c.graph.num_isolated_vertices() == 0);
    CHECK(c.graph.num_vertices() <= 2 * c.graph.num_edges());  // Lemma 14 step (15) relies on this
    REQUIRE(static_cast<int>(c.original.size()) == c.graph.num_vertices());
    CHECK(std::is_sorted(c.original.begin(), c.original.end()));
    std::set<kp::Graph::Edge> before(g.edges().begin(), g.edges().end()), after;
    for (const auto& [u, v] : c.graph.edges())
      after.emplace(c.original[static_cast<std::size_t>(u)], c.original[static_cast<std::size_t>(v)]);
    CHECK(before == after);
    for (int i = 0; i < c.graph.num_vertices(); ++i)
      CHECK(c.graph.degree(i) == g.degree(c.original[static_cast<std::size_t>(i)]));
  }
}

TEST_CASE("edges_within counts induced edges and validates the set") {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 30; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 25);
    const kp::Graph g = kp::random_regularish_graph(n, 3, rng);
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const std::vector<int> t(perm.begin(), perm.begin() + static_cast<long>(rng() % static_cast<std::uint64_t>(n + 1)));
    int expected = 0;
    for (const auto& [u, v] : g.edges())
      expected += (std::count(t.begin(), t.end(), u) && std::count(t.begin(), t.end(), v)) ? 1 : 0;
    CHECK(kp::edges_within(g, t) == expected);
  }
  const kp::Graph g(4, {{0, 1}, {1, 2}});
  CHECK_THAT(message_of([&] { kp::edges_within(g, std::vector<int>{0, 4}); }), Catch::Contains("outside [0, 4)"));
  CHECK_THAT(message_of([&] { kp::edges_within(g, std::vector<int>{1, 2, 1}); }), Catch::Contains("appears twice"));
}

TEST_CASE("generators: degree caps, edge counts, seeds reproduce") {
  SECTION("random_graph") {
    std::mt19937_64 a(1), b(1);
    const kp::Graph g = kp::random_graph(200, 250, 3, a);
    const kp::Graph h = kp::random_graph(200, 250, 3, b);
    CHECK(g.num_edges() == 250);
    CHECK(g.max_degree() <= 3);
    CHECK(g.edges() == h.edges());
    CHECK_THROWS_AS(kp::random_graph(10, 16, 3, a), std::invalid_argument);  // > N d / 2
    CHECK_THROWS_AS(kp::random_graph(4, 7, 5, a), std::invalid_argument);    // > N (N-1) / 2
    CHECK_THROWS_AS(kp::random_graph(4, -1, 5, a), std::invalid_argument);
    const kp::Graph full = kp::random_graph(6, 15, 5, a);  // K6: the only choice
    CHECK(full.num_edges() == 15);
  }
  SECTION("random_regularish_graph") {
    for (const int d : {1, 2, 3, 5}) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(d));
      const int n = 1000;
      const kp::Graph g = kp::random_regularish_graph(n, d, rng);
      CHECK(g.max_degree() <= d);
      // The configuration model loses O(d^2) edges to loops and repeats.
      CHECK(g.num_edges() >= n * d / 2 - 4 * d * d);
      CHECK(g.num_edges() <= n * d / 2);
    }
  }
  SECTION("planted_dense_subgraph") {
    std::mt19937_64 rng(4);
    for (int trial = 0; trial < 20; ++trial) {
      const int n = 20 + static_cast<int>(rng() % 60), kappa = 4 + static_cast<int>(rng() % 10), d = 3;
      const int planted_edges = static_cast<int>(rng() % static_cast<std::uint64_t>(kappa * d / 2 + 1));
      const auto p = kp::planted_dense_subgraph(n, d, kappa, planted_edges, n / 2, rng);
      CHECK(static_cast<int>(p.planted.size()) == kappa);
      CHECK(std::is_sorted(p.planted.begin(), p.planted.end()));
      CHECK(p.graph.max_degree() <= d);
      CHECK(p.graph.num_edges() == planted_edges + n / 2);
      CHECK(kp::edges_within(p.graph, p.planted) == planted_edges);  // other edges leave T
    }
    CHECK_THROWS_AS(kp::planted_dense_subgraph(10, 3, 4, 7, 0, rng), std::invalid_argument);  // K4 has 6 edges
    CHECK_THROWS_AS(kp::planted_dense_subgraph(10, 3, 11, 0, 0, rng), std::invalid_argument);
  }
}

TEST_CASE("densest_subgraph equals brute force on random graphs") {
  std::mt19937_64 rng(2024);
  int checked = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 16);
    const int d = 1 + static_cast<int>(rng() % 5);
    const long long cap = std::min<long long>(1LL * n * (n - 1) / 2, 1LL * n * d / 2);
    const int m = static_cast<int>(rng() % static_cast<std::uint64_t>(cap + 1));
    kp::Graph g;
    try {
      g = kp::random_graph(n, m, d, rng);
    } catch (const std::runtime_error&) {
      continue;  // saturated degree cap: try another
    }
    const int kappa = static_cast<int>(rng() % static_cast<std::uint64_t>(n + 1));
    const auto r = kp::densest_subgraph(g, kappa);
    INFO("n = " << n << ", m = " << m << ", kappa = " << kappa);
    CHECK(r.value == brute_force_densest(g, kappa));
    CHECK(static_cast<int>(r.vertices.size()) == kappa);
    CHECK(std::is_sorted(r.vertices.begin(), r.vertices.end()));
    CHECK(kp::edges_within(g, r.vertices) == r.value);
    // When kappa fits among the non-isolated vertices the set avoids isolated ones.
    if (kappa <= n - g.num_isolated_vertices())
      for (const int v : r.vertices) CHECK(g.degree(v) > 0);
    ++checked;
  }
  CHECK(checked > 100);
  CHECK_THROWS_AS(kp::densest_subgraph(kp::Graph(3, {{0, 1}}), 4), std::invalid_argument);
  CHECK_THROWS_AS(kp::densest_subgraph(kp::Graph(3, {{0, 1}}), -1), std::invalid_argument);
}

TEST_CASE("densest_subgraph finds planted sets at 40 vertices") {
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 10; ++trial) {
    const int kappa = 8 + static_cast<int>(rng() % 8);
    const int planted_edges = kappa * 3 / 2;  // 3-regular inside T
    kp::PlantedGraph p;
    try {
      p = kp::planted_dense_subgraph(40, 3, kappa, planted_edges, 25, rng);
    } catch (const std::runtime_error&) {
      continue;
    }
    const auto r = kp::densest_subgraph(p.graph, kappa);
    // Degree <= 3 means a kappa-set induces at most 3 kappa / 2 edges: T is optimal.
    CHECK(r.value == kp::edges_within(p.graph, p.planted));
    CHECK(kp::edges_within(p.graph, r.vertices) == r.value);
  }
}
