#include <catch2/catch.hpp>
#include <krelu/problems/set_cover.hpp>

#include <algorithm>
#include <bit>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

namespace kp = krelu::problems;

namespace {

/// Union of the chosen subsets equals U, computed with std::set (independent of SetCover::is_cover).
bool covers(int universe, const std::vector<std::vector<int>>& subsets, const std::vector<int>& chosen) {
  std::set<int> seen;
  for (int i : chosen) seen.insert(subsets[static_cast<std::size_t>(i)].begin(), subsets[static_cast<std::size_t>(i)].end());
  return static_cast<int>(seen.size()) == universe;
}

/// Minimum cover size by enumerating every subfamily with std::bitset unions (-1 if none covers).
int brute_force_minimum(const kp::SetCover& sc) {
  const int M = sc.num_subsets();
  REQUIRE(sc.universe_size() <= 256);
  std::vector<std::bitset<256>> sets(static_cast<std::size_t>(M));
  for (int i = 0; i < M; ++i)
    for (int u : sc.subset(i)) sets[static_cast<std::size_t>(i)].set(static_cast<std::size_t>(u));
  int best = -1;
  for (std::uint32_t mask = 0; mask < (1U << M); ++mask) {
    const int size = std::popcount(mask);
    if (best >= 0 && size >= best) continue;
    std::bitset<256> seen;
    for (int i = 0; i < M; ++i)
      if (mask >> i & 1U) seen |= sets[static_cast<std::size_t>(i)];
    if (static_cast<int>(seen.count()) == sc.universe_size()) best = size;
  }
  return best;
}

/// A small random instance, not necessarily coverable.
kp::SetCover small_instance(std::mt19937_64& rng, int max_universe, int max_subsets) {
  const int U = std::uniform_int_distribution<int>(1, max_universe)(rng);
  const int M = std::uniform_int_distribution<int>(1, max_subsets)(rng);
  std::uniform_int_distribution<int> element(0, U - 1);
  std::vector<std::vector<int>> subsets(static_cast<std::size_t>(M));
  for (auto& s : subsets) {
    const int size = std::uniform_int_distribution<int>(0, std::min(U, 5))(rng);
    for (int r = 0; r < size; ++r) s.push_back(element(rng));  // may repeat: merged
  }
  return kp::SetCover(U, subsets);
}

}  // namespace

TEST_CASE("SetCover validates its input") {
  CHECK_THROWS_AS(kp::SetCover(0, {{}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::SetCover(-3, {{0}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::SetCover(3, {}), std::invalid_argument);
  CHECK_THROWS_AS(kp::SetCover(3, {{0, 3}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::SetCover(3, {{0}, {-1}}), std::invalid_argument);
  CHECK_THROWS_WITH(kp::SetCover(3, {{0}, {1, 7}}), Catch::Contains("subset 1") && Catch::Contains("0..2"));
  CHECK_NOTHROW(kp::SetCover(3, {{}, {0, 1, 2}}));  // empty subsets are allowed
}

TEST_CASE("SetCover merges repeated elements and sorts each subset") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const int U = std::uniform_int_distribution<int>(1, 20)(rng);
    std::vector<std::vector<int>> raw(4);
    for (auto& s : raw)
      for (int r = std::uniform_int_distribution<int>(0, 12)(rng); r > 0; --r)
        s.push_back(std::uniform_int_distribution<int>(0, U - 1)(rng));
    const kp::SetCover sc(U, raw);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const std::set<int> expected(raw[i].begin(), raw[i].end());
      CHECK(sc.subset(static_cast<int>(i)) == std::vector<int>(expected.begin(), expected.end()));
    }
  }
  CHECK_THROWS_AS(kp::SetCover(3, {{0}}).subset(1), std::out_of_range);
}

TEST_CASE("is_cover and first_uncovered agree with a set union") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const auto sc = small_instance(rng, 12, 8);
    std::vector<int> chosen;
    for (int i = 0; i < sc.num_subsets(); ++i)
      if (std::bernoulli_distribution(0.5)(rng)) chosen.push_back(i);
    if (!chosen.empty() && std::bernoulli_distribution(0.3)(rng)) chosen.push_back(chosen.front());  // repeats allowed
    const bool expected = covers(sc.universe_size(), sc.subsets(), chosen);
    CHECK(sc.is_cover(chosen) == expected);
    const int u = sc.first_uncovered(chosen);
    if (expected) {
      CHECK(u == -1);
    } else {
      REQUIRE(u >= 0);
      for (int i : chosen) CHECK_FALSE(std::binary_search(sc.subset(i).begin(), sc.subset(i).end(), u));
      // every smaller element is covered
      for (int v = 0; v < u; ++v) {
        bool in_some = false;
        for (int i : chosen) in_some = in_some || std::binary_search(sc.subset(i).begin(), sc.subset(i).end(), v);
        CHECK(in_some);
      }
    }
  }
  const kp::SetCover sc(3, {{0, 1}, {2}});
  CHECK_THROWS_AS(sc.is_cover({0, 2}), std::invalid_argument);
  CHECK_THROWS_AS(sc.is_cover({-1}), std::invalid_argument);
}

TEST_CASE("subsets_containing is the transpose of the incidences") {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 100; ++trial) {
    const auto sc = small_instance(rng, 15, 10);
    const auto containing = sc.subsets_containing();
    REQUIRE(static_cast<int>(containing.size()) == sc.universe_size());
    std::int64_t total = 0;
    for (int u = 0; u < sc.universe_size(); ++u) {
      const auto& list = containing[static_cast<std::size_t>(u)];
      CHECK(std::is_sorted(list.begin(), list.end()));
      for (int i = 0; i < sc.num_subsets(); ++i) {
        const bool in_list = std::find(list.begin(), list.end(), i) != list.end();
        CHECK(in_list == std::binary_search(sc.subset(i).begin(), sc.subset(i).end(), u));
      }
      total += static_cast<std::int64_t>(list.size());
    }
    CHECK(total == sc.incidences());
  }
}

TEST_CASE("random_set_cover always has a cover and is reproducible") {
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    std::mt19937_64 rng(seed);
    const int U = std::uniform_int_distribution<int>(1, 60)(rng);
    const int M = std::uniform_int_distribution<int>(1, 30)(rng);
    const double density = std::uniform_real_distribution<double>(0.0, 0.3)(rng);
    std::mt19937_64 a(seed + 1000), b(seed + 1000);
    const auto sc = kp::random_set_cover(U, M, density, a);
    const auto again = kp::random_set_cover(U, M, density, b);
    CHECK(sc.has_cover());
    CHECK(sc.universe_size() == U);
    CHECK(sc.num_subsets() == M);
    CHECK(sc.subsets() == again.subsets());
  }
  std::mt19937_64 rng(1);
  CHECK_THROWS_AS(kp::random_set_cover(0, 3, 0.5, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_set_cover(3, 0, 0.5, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_set_cover(3, 3, 1.5, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_set_cover(3, 3, -0.1, rng), std::invalid_argument);
}

TEST_CASE("random_set_cover has the requested density") {
  std::mt19937_64 rng(2024);
  const int U = 2000, M = 300;
  const double density = 0.02;
  const auto sc = kp::random_set_cover(U, M, density, rng);
  // Incidences: Binomial(U M, p) plus the few elements in no subset (U (1-p)^M, about 4 here).
  const double mean = U * M * density + U * std::pow(1 - density, M);
  const double sd = std::sqrt(U * M * density * (1 - density));
  CHECK(std::abs(static_cast<double>(sc.incidences()) - mean) < 5 * sd);
  // Each subset's size is Binomial(U, p) (+ rare additions): its average over subsets is close.
  std::vector<int> per_element(static_cast<std::size_t>(U), 0);
  for (const auto& s : sc.subsets())
    for (int u : s) ++per_element[static_cast<std::size_t>(u)];
  CHECK(*std::min_element(per_element.begin(), per_element.end()) >= 1);
  // The extremes: density 0 puts each element in exactly one subset, density 1 fills every subset.
  const auto sparse = kp::random_set_cover(50, 7, 0.0, rng);
  CHECK(sparse.incidences() == 50);
  CHECK(sparse.has_cover());
  for (double tiny : {1e-300, 5e-324}) CHECK(kp::random_set_cover(50, 7, tiny, rng).incidences() == 50);
  const auto full = kp::random_set_cover(50, 7, 1.0, rng);
  for (const auto& s : full.subsets()) CHECK(s.size() == 50);
}

TEST_CASE("greedy_cover returns a cover within the harmonic bound") {
  std::mt19937_64 rng(99);
  int tested = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const auto sc = small_instance(rng, 12, 10);
    if (!sc.has_cover()) {
      CHECK_THROWS_AS(kp::greedy_cover(sc), std::invalid_argument);
      continue;
    }
    ++tested;
    const auto g = kp::greedy_cover(sc);
    CHECK(covers(sc.universe_size(), sc.subsets(), g));
    const std::set<int> distinct(g.begin(), g.end());
    CHECK(distinct.size() == g.size());
    const int opt = brute_force_minimum(sc);
    std::size_t largest = 0;
    for (const auto& s : sc.subsets()) largest = std::max(largest, s.size());
    double harmonic = 0;
    for (std::size_t k = 1; k <= largest; ++k) harmonic += 1.0 / static_cast<double>(k);
    CHECK(static_cast<int>(g.size()) >= opt);
    CHECK(static_cast<double>(g.size()) <= harmonic * opt + 1e-9);
  }
  CHECK(tested > 50);
}

TEST_CASE("solve_exact finds a minimum cover (brute force over all subfamilies)") {
  std::mt19937_64 rng(31337);
  int tested = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const auto sc = small_instance(rng, 14, 12);
    const int expected = brute_force_minimum(sc);
    if (expected < 0) {
      CHECK_FALSE(sc.has_cover());
      CHECK_THROWS_AS(kp::solve_exact(sc), std::invalid_argument);
      continue;
    }
    ++tested;
    const auto best = kp::solve_exact(sc);
    CHECK(static_cast<int>(best.size()) == expected);
    CHECK(covers(sc.universe_size(), sc.subsets(), best));
    CHECK(std::is_sorted(best.begin(), best.end()));
  }
  CHECK(tested > 100);
}

TEST_CASE("solve_exact on random coverable instances with a large universe") {
  // Universe above 64 elements exercises the multi-word bitsets; compare with brute force (M <= 16).
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    std::mt19937_64 rng(seed);
    const auto sc = kp::random_set_cover(std::uniform_int_distribution<int>(65, 250)(rng),
                                         std::uniform_int_distribution<int>(8, 16)(rng),
                                         std::uniform_real_distribution<double>(0.1, 0.4)(rng), rng);
    const auto best = kp::solve_exact(sc);
    CHECK(sc.is_cover(best));
    CHECK(static_cast<int>(best.size()) == brute_force_minimum(sc));
  }
}
