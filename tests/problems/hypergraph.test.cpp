#include <catch2/catch.hpp>
#include <krelu/problems/hypergraph.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace kp = krelu::problems;

namespace {

/// Independent count of monochromatic edges (does not use the class).
int count_mono(const std::vector<std::vector<int>>& edges, const std::vector<int>& col) {
  int mono = 0;
  for (const auto& e : edges) {
    std::set<int> colours;
    for (int v : e) colours.insert(col[static_cast<std::size_t>(v)]);
    if (colours.size() == 1) ++mono;
  }
  return mono;
}

/// Fewest monochromatic edges over all k^N colourings (brute force).
int brute_min_mono(const kp::Hypergraph& h, int k) {
  const int n = h.vertices();
  std::vector<int> col(static_cast<std::size_t>(n), 0);
  int best = h.edge_count();
  while (true) {
    best = std::min(best, count_mono(h.edges(), col));
    int p = 0;
    while (p < n && col[static_cast<std::size_t>(p)] == k - 1) col[static_cast<std::size_t>(p++)] = 0;
    if (p == n) break;
    ++col[static_cast<std::size_t>(p)];
  }
  return best;
}

/// A random hypergraph with mixed edge sizes in [2, max_size], possibly repeated edges.
kp::Hypergraph random_hypergraph(std::mt19937_64& rng, int n, int m, int max_size) {
  std::uniform_int_distribution<int> size_of(2, std::min(max_size, n));
  std::vector<std::vector<int>> edges;
  for (int e = 0; e < m; ++e) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) all[static_cast<std::size_t>(v)] = v;
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(static_cast<std::size_t>(size_of(rng)));
    edges.push_back(all);
  }
  return kp::Hypergraph(n, edges);
}

/// All 3-subsets of 5 vertices: not 2-colourable (a colour class has >= 3 vertices).
kp::Hypergraph complete_3_uniform_5() {
  std::vector<std::vector<int>> edges;
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b)
      for (int c = b + 1; c < 5; ++c) edges.push_back({a, b, c});
  return kp::Hypergraph(5, edges);
}

}  // namespace

TEST_CASE("Hypergraph validates its input") {
  CHECK_THROWS_AS(kp::Hypergraph(-1, {}), std::invalid_argument);
  CHECK_THROWS_AS(kp::Hypergraph(3, {{0}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::Hypergraph(3, {{0, 3}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::Hypergraph(3, {{0, -1}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::Hypergraph(3, {{0, 1, 0}}), std::invalid_argument);
  CHECK_NOTHROW(kp::Hypergraph(0, {}));
  const kp::Hypergraph h(4, {{0, 1, 2}, {2, 3}, {2, 3}});
  CHECK_THROWS_AS(h.is_proper({0, 1, 0}, 2), std::invalid_argument);
  CHECK_THROWS_AS(h.is_proper({0, 1, 0, 1}, 0), std::invalid_argument);
  CHECK_THROWS_AS(h.edge(3), std::out_of_range);
  CHECK_THROWS_AS(h.degree(4), std::out_of_range);
  CHECK_THROWS_AS(kp::color_exact(h, 0), std::invalid_argument);
  CHECK_THROWS_AS(kp::pad_coloring(h, 1), std::invalid_argument);
  CHECK_THROWS_AS(kp::pad_coloring_printed(h, 1), std::invalid_argument);
}

TEST_CASE("Hypergraph degrees, t and colourings agree with direct counts") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + trial % 9, m = trial % 13;
    const auto h = random_hypergraph(rng, n, m, 5);
    std::vector<int> deg(static_cast<std::size_t>(n), 0);
    int t = 0;
    long long inc = 0;
    for (const auto& e : h.edges()) {
      t = std::max(t, static_cast<int>(e.size()));
      inc += static_cast<long long>(e.size());
      for (int v : e) ++deg[static_cast<std::size_t>(v)];
    }
    CHECK(h.degrees() == deg);
    CHECK(h.max_edge_size() == t);
    CHECK(h.incidences() == inc);
    CHECK(h.edge_count() == m);
    std::uniform_int_distribution<int> colour(0, 2);
    std::vector<int> col(static_cast<std::size_t>(n));
    for (auto& c : col) c = colour(rng);
    const int mono = count_mono(h.edges(), col);
    CHECK(h.monochromatic_edges(col) == mono);
    CHECK(h.monochromatic_fraction(col) == Approx(m == 0 ? 0.0 : double(mono) / m));
    CHECK(h.is_proper(col, 3) == (mono == 0));
    CHECK(h.is_proper(col, 1 + *std::max_element(col.begin(), col.end())) == (mono == 0));
    if (*std::max_element(col.begin(), col.end()) == 2) CHECK_FALSE(h.is_proper(col, 2));  // colour 2 out of range
  }
}

TEST_CASE("color_exact agrees with brute force on random small hypergraphs") {
  std::mt19937_64 rng(2024);
  int colourable = 0, not_colourable = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int k = 2 + trial % 2;
    const int n = 3 + trial % 6;
    const int m = static_cast<int>(std::uniform_int_distribution<int>(1, 4 * n)(rng));
    const auto h = random_hypergraph(rng, n, m, 3);
    const bool expected = brute_min_mono(h, k) == 0;
    const auto c = kp::color_exact(h, k);
    REQUIRE(c.has_value() == expected);
    if (c) {
      CHECK(h.is_proper(*c, k));
      ++colourable;
    } else {
      ++not_colourable;
    }
  }
  CHECK(colourable > 30);  // both answers occur often enough for the test to mean something
  CHECK(not_colourable > 30);
}

TEST_CASE("min_monochromatic_coloring agrees with brute force") {
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 200; ++trial) {
    const int k = 2 + trial % 3;
    const int n = 3 + trial % 5;
    const int m = static_cast<int>(std::uniform_int_distribution<int>(0, 5 * n)(rng));
    const auto h = random_hypergraph(rng, n, m, 4);
    const auto best = kp::min_monochromatic_coloring(h, k);
    const int expected = brute_min_mono(h, k);
    REQUIRE(best.monochromatic == expected);
    REQUIRE(best.coloring.size() == static_cast<std::size_t>(n));
    for (int c : best.coloring) CHECK((c >= 0 && c < k));
    CHECK(count_mono(h.edges(), best.coloring) == expected);
    CHECK(best.fraction == Approx(m == 0 ? 0.0 : double(expected) / m));
    CHECK(kp::min_monochromatic_fraction(h, k) == best.fraction);
    CHECK(kp::solve_exact(h, k).monochromatic == expected);
    CHECK(kp::color_exact(h, k).has_value() == (expected == 0));
  }
}

TEST_CASE("planted generator: proper planted colouring, distinct edges, sizes, seeds") {
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const int k = 2 + static_cast<int>(seed % 3);
    const int n = 6 + static_cast<int>(seed % 10);
    const int lo = 2 + static_cast<int>(seed % 2), hi = lo + static_cast<int>(seed % 3);
    const int m = n + static_cast<int>(seed % 4);
    const auto p = kp::planted_colorable_hypergraph(n, m, lo, hi, k, seed);
    const auto& h = p.hypergraph;
    CHECK(h.vertices() == n);
    CHECK(h.edge_count() == m);
    CHECK(h.is_proper(p.coloring, k));
    std::vector<int> sizes(static_cast<std::size_t>(k), 0);
    for (int c : p.coloring) ++sizes[static_cast<std::size_t>(c)];
    CHECK(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()) <= 1);
    std::set<std::vector<int>> distinct;
    for (auto e : h.edges()) {
      CHECK((static_cast<int>(e.size()) >= lo && static_cast<int>(e.size()) <= hi));
      std::sort(e.begin(), e.end());
      distinct.insert(e);
    }
    CHECK(distinct.size() == h.edges().size());
    // Deterministic in the seed, different across seeds.
    const auto again = kp::planted_colorable_hypergraph(n, m, lo, hi, k, seed);
    CHECK(again.hypergraph.edges() == h.edges());
    CHECK(again.coloring == p.coloring);
    const auto other = kp::planted_colorable_hypergraph(n, m, lo, hi, k, seed + 1000);
    CHECK(other.hypergraph.edges() != h.edges());
  }
  // Asking for every non-monochromatic pair of a balanced 2-colouring of 4 vertices: exactly 4.
  CHECK(kp::planted_colorable_hypergraph(4, 4, 2, 2, 2, std::uint64_t{3}).hypergraph.edge_count() == 4);
  CHECK_THROWS_AS(kp::planted_colorable_hypergraph(4, 5, 2, 2, 2, std::uint64_t{3}), std::invalid_argument);
  CHECK_THROWS_AS(kp::planted_colorable_hypergraph(4, 1, 2, 5, 2, std::uint64_t{3}), std::invalid_argument);
  CHECK_THROWS_AS(kp::planted_colorable_hypergraph(4, 1, 2, 2, 1, std::uint64_t{3}), std::invalid_argument);
}

TEST_CASE("random uniform generator") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const int r = 2 + trial % 3, n = 5 + trial % 6;
    const int m = 2 * n;
    const auto h = kp::random_uniform_hypergraph(n, m, r, rng);
    CHECK(h.edge_count() == m);
    std::set<std::vector<int>> distinct;
    for (auto e : h.edges()) {
      CHECK(static_cast<int>(e.size()) == r);
      std::sort(e.begin(), e.end());
      distinct.insert(e);
    }
    CHECK(distinct.size() == static_cast<std::size_t>(m));
  }
  CHECK(kp::random_uniform_hypergraph(5, 10, 3, std::uint64_t{1}).edge_count() == 10);  // all C(5,3)
  CHECK_THROWS_AS(kp::random_uniform_hypergraph(5, 11, 3, std::uint64_t{1}), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_uniform_hypergraph(5, 1, 6, std::uint64_t{1}), std::invalid_argument);
  CHECK(kp::random_uniform_hypergraph(9, 12, 4, std::uint64_t{8}).edges() ==
        kp::random_uniform_hypergraph(9, 12, 4, std::uint64_t{8}).edges());
}

TEST_CASE("App. D.1 printed padding fails for k >= 3 (ERRATA)") {
  const auto k5 = complete_3_uniform_5();
  REQUIRE_FALSE(kp::color_exact(k5, 2).has_value());
  for (int k = 3; k <= 5; ++k) {
    const auto padded = kp::pad_coloring_printed(k5, k);
    CHECK(padded.vertices() == 5 + k - 2);
    CHECK(padded.max_edge_size() == 3 + k - 2);
    const auto c = kp::color_exact(padded, k);
    REQUIRE(c.has_value());  // the printed padding is k-colourable although K5^(3) is not 2-colourable
    CHECK(padded.is_proper(*c, k));
  }
  // For k = 2 it adds nothing.
  CHECK(kp::pad_coloring_printed(k5, 2).edges() == k5.edges());
  // On random hypergraphs that are not 2-colourable, the printed padding is always k-colourable.
  std::mt19937_64 rng(9);
  int checked = 0;
  for (int trial = 0; trial < 100; ++trial) {
    const auto h = kp::random_uniform_hypergraph(6, 14, 3, rng);
    if (kp::color_exact(h, 2)) continue;
    ++checked;
    CHECK(kp::color_exact(kp::pad_coloring_printed(h, 3), 3).has_value());
    CHECK(kp::color_exact(kp::pad_coloring_printed(h, 4), 4).has_value());
  }
  CHECK(checked > 10);
}

TEST_CASE("corrected padding: h 2-colourable iff padded k-colourable") {
  const auto k5 = complete_3_uniform_5();
  for (int k = 3; k <= 5; ++k) CHECK_FALSE(kp::color_exact(kp::pad_coloring(k5, k), k).has_value());
  CHECK(kp::pad_coloring(k5, 2).edges() == k5.edges());

  std::mt19937_64 rng(31);
  int yes = 0, no = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int k = 3 + trial % 3;
    const int n = 4 + trial % 6;
    const int m = static_cast<int>(std::uniform_int_distribution<int>(1, 3 * n)(rng));
    const auto h = random_hypergraph(rng, n, m, 3);
    const auto padded = kp::pad_coloring(h, k);
    // Structure: k-2 dummies, dummy-original 2-edges, R copies of each dummy pair.
    const int d = k - 2, R = std::max(1, m);
    CHECK(padded.vertices() == n + d);
    CHECK(padded.edge_count() == m + d * n + R * d * (d - 1) / 2);
    const bool two = kp::color_exact(h, 2).has_value();
    const auto c = kp::color_exact(padded, k);
    REQUIRE(c.has_value() == two);
    if (!c) {
      ++no;
      continue;
    }
    ++yes;
    // The proof of correctness, checked: dummies get k-2 distinct colours, originals the other two.
    std::set<int> dummy_colours, original_colours;
    for (int a = 0; a < d; ++a) dummy_colours.insert((*c)[static_cast<std::size_t>(n + a)]);
    for (int v = 0; v < n; ++v) original_colours.insert((*c)[static_cast<std::size_t>(v)]);
    CHECK(static_cast<int>(dummy_colours.size()) == d);
    CHECK(original_colours.size() <= 2);
    for (int col : original_colours) CHECK(dummy_colours.count(col) == 0);
  }
  CHECK(yes > 50);
  CHECK(no > 50);
}

TEST_CASE("corrected padding keeps the monochromatic gap: mono_k(h') <= mono_2(h) <= max(1, Delta) mono_k(h')") {
  std::mt19937_64 rng(4);
  int positive = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int k = 3 + trial % 2;
    const int n = 4 + trial % 3;
    const int m = static_cast<int>(std::uniform_int_distribution<int>(2, 3 * n)(rng));
    const auto h = random_hypergraph(rng, n, m, 3);
    const int mono2 = kp::min_monochromatic_coloring(h, 2).monochromatic;
    const int monok = kp::min_monochromatic_coloring(kp::pad_coloring(h, k), k).monochromatic;
    CHECK(monok <= mono2);
    CHECK(mono2 <= std::max(1, h.max_degree()) * monok);
    if (mono2 > 0) ++positive;
  }
  CHECK(positive > 10);
}
