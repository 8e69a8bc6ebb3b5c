#pragma once
/// \file
/// Set Cover, the source problem of Thm 8 (App. B): a universe U = {0, ..., |U|-1} and a family
/// T_0, ..., T_{M-1} of subsets of U; a cover is a subfamily whose union is U. Includes a seeded
/// random generator, the greedy cover and an exact branch-and-bound solver for small instances.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <queue>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace krelu::problems {

/// A Set Cover instance: subsets of the universe {0, ..., universe_size - 1}, 0-based.
///
/// \code
/// namespace kp = krelu::problems;
/// kp::SetCover sc(4, {{0, 1}, {1, 2}, {2, 3}, {0, 3}});
/// bool ok = sc.is_cover({0, 2});                 // true: {0,1} u {2,3} = U
/// std::vector<int> best = kp::solve_exact(sc);   // a minimum cover, here of size 2
/// \endcode
///
/// Subsets are sets: each one is stored sorted, and an element listed twice in the same subset is
/// merged into one occurrence (so {2, 0, 2} is stored as {0, 2}). Empty subsets are allowed (they
/// never help a cover). An instance need not have a cover; `has_cover()` tells.
class SetCover {
 public:
  /// Throws std::invalid_argument if universe_size < 1, there is no subset, or an element lies
  /// outside [0, universe_size).
  SetCover(int universe_size, std::vector<std::vector<int>> subsets)
      : universe_size_(universe_size), subsets_(std::move(subsets)) {
    if (universe_size_ < 1)
      throw std::invalid_argument("SetCover: universe_size must be >= 1, got " + std::to_string(universe_size_));
    if (subsets_.empty()) throw std::invalid_argument("SetCover: the family of subsets must not be empty (M >= 1)");
    if (subsets_.size() > static_cast<std::size_t>(INT32_MAX))
      throw std::invalid_argument("SetCover: at most 2^31 - 1 subsets are supported");
    for (std::size_t i = 0; i < subsets_.size(); ++i) {
      auto& s = subsets_[i];
      bool strictly_increasing = true;
      for (std::size_t p = 0; p < s.size(); ++p) {
        if (s[p] < 0 || s[p] >= universe_size_)
          throw std::invalid_argument("SetCover: subset " + std::to_string(i) + " contains element " +
                                      std::to_string(s[p]) + ", valid elements are 0.." +
                                      std::to_string(universe_size_ - 1));
        if (p > 0 && s[p] <= s[p - 1]) strictly_increasing = false;
      }
      if (!strictly_increasing) {
        std::sort(s.begin(), s.end());
        s.erase(std::unique(s.begin(), s.end()), s.end());
      }
    }
  }

  /// |U|.
  int universe_size() const { return universe_size_; }
  /// M, the number of subsets.
  int num_subsets() const { return static_cast<int>(subsets_.size()); }
  /// All subsets, each sorted without repetition.
  const std::vector<std::vector<int>>& subsets() const { return subsets_; }
  /// Subset T_i (sorted); throws std::out_of_range for i outside [0, M).
  const std::vector<int>& subset(int i) const {
    check_index(i, "SetCover::subset");
    return subsets_[static_cast<std::size_t>(i)];
  }
  /// Sum of the subset sizes (the number of (element, subset) incidences).
  std::int64_t incidences() const {
    std::int64_t n = 0;
    for (const auto& s : subsets_) n += static_cast<std::int64_t>(s.size());
    return n;
  }

  /// True if the subsets with the given indices cover U. Repeated indices are allowed.
  /// Throws std::invalid_argument for an index outside [0, M).
  bool is_cover(const std::vector<int>& chosen) const { return first_uncovered(chosen) < 0; }

  /// The smallest element not covered by the chosen subsets, or -1 if they cover U.
  /// Throws std::invalid_argument for an index outside [0, M).
  int first_uncovered(const std::vector<int>& chosen) const {
    std::vector<char> covered(static_cast<std::size_t>(universe_size_), 0);
    for (std::size_t p = 0; p < chosen.size(); ++p) {
      const int i = chosen[p];
      if (i < 0 || i >= num_subsets())
        throw std::invalid_argument("SetCover: chosen index " + std::to_string(i) + " (entry " + std::to_string(p) +
                                    ") is not a subset index, valid indices are 0.." +
                                    std::to_string(num_subsets() - 1));
      for (int u : subsets_[static_cast<std::size_t>(i)]) covered[static_cast<std::size_t>(u)] = 1;
    }
    for (int u = 0; u < universe_size_; ++u)
      if (!covered[static_cast<std::size_t>(u)]) return u;
    return -1;
  }

  /// True if the whole family covers U (so that a cover exists).
  bool has_cover() const {
    std::vector<int> all(subsets_.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    return is_cover(all);
  }

  /// For each element u, the indices of the subsets containing u, in increasing order
  /// (the transposed incidence structure; O(|U| + incidences)).
  std::vector<std::vector<int>> subsets_containing() const {
    std::vector<std::vector<int>> out(static_cast<std::size_t>(universe_size_));
    for (std::size_t i = 0; i < subsets_.size(); ++i)
      for (int u : subsets_[i]) out[static_cast<std::size_t>(u)].push_back(static_cast<int>(i));
    return out;
  }

 private:
  void check_index(int i, const char* where) const {
    if (i < 0 || i >= num_subsets())
      throw std::out_of_range(std::string(where) + ": index " + std::to_string(i) + " outside 0.." +
                              std::to_string(num_subsets() - 1));
  }

  int universe_size_;
  std::vector<std::vector<int>> subsets_;
};

/// A random instance that always has a cover: each pair (u, T_i) is an incidence independently
/// with probability `density`; afterwards every element in no subset is added to one uniformly
/// random subset. Expected subsets per element: about density * num_subsets.
///
/// Runs in O(|U| + incidences) (geometric skipping over the absent pairs), so |U| = 10^5,
/// M = 10^4 with 10 subsets per element takes milliseconds.
/// Throws std::invalid_argument if universe_size < 1, num_subsets < 1 or density is outside [0, 1].
inline SetCover random_set_cover(int universe_size, int num_subsets, double density, std::mt19937_64& rng) {
  if (universe_size < 1)
    throw std::invalid_argument("random_set_cover: universe_size must be >= 1, got " + std::to_string(universe_size));
  if (num_subsets < 1)
    throw std::invalid_argument("random_set_cover: num_subsets must be >= 1, got " + std::to_string(num_subsets));
  if (!(density >= 0.0 && density <= 1.0))
    throw std::invalid_argument("random_set_cover: density must lie in [0, 1], got " + std::to_string(density));
  std::vector<std::vector<int>> subsets(static_cast<std::size_t>(num_subsets));
  std::uniform_int_distribution<int> any_subset(0, num_subsets - 1);
  const bool some = density > 0.0;
  const bool all = density >= 1.0;
  // Failures before the next success of Bernoulli(density) trials: floor(log(1-U) / log(1-p)),
  // kept in double so that a tiny density cannot overflow an integer.
  const double log_miss = some && !all ? std::log1p(-density) : -1.0;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto gap = [&] { return all ? 0.0 : std::floor(std::log1p(-unit(rng)) / log_miss); };
  for (int u = 0; u < universe_size; ++u) {
    bool in_some = false;
    if (some) {
      // Positions of successes in a row of num_subsets Bernoulli(density) trials.
      for (double i = gap(); i < static_cast<double>(num_subsets); i += 1.0 + gap()) {
        subsets[static_cast<std::size_t>(i)].push_back(u);
        in_some = true;
      }
    }
    if (!in_some) subsets[static_cast<std::size_t>(any_subset(rng))].push_back(u);
  }
  return SetCover(universe_size, std::move(subsets));  // elements were pushed in increasing order
}

/// The greedy cover (repeatedly take the subset covering most uncovered elements, the smaller
/// index on ties): a cover within a factor H(max |T_i|) <= 1 + ln |U| of the minimum [Johnson 1974].
/// O(incidences * log M) with lazy gain updates. Returns indices in the order taken.
/// Throws std::invalid_argument if the instance has no cover.
inline std::vector<int> greedy_cover(const SetCover& sc) {
  const int missing = sc.first_uncovered([&] {
    std::vector<int> all(static_cast<std::size_t>(sc.num_subsets()));
    for (int i = 0; i < sc.num_subsets(); ++i) all[static_cast<std::size_t>(i)] = i;
    return all;
  }());
  if (missing >= 0)
    throw std::invalid_argument("greedy_cover: the instance has no cover (element " + std::to_string(missing) +
                                " is in no subset)");
  std::vector<char> covered(static_cast<std::size_t>(sc.universe_size()), 0);
  int uncovered = sc.universe_size();
  // Max-heap on (gain, -index); gains only decrease, so a popped entry whose gain is still current is the best.
  std::priority_queue<std::pair<int, int>> heap;
  for (int i = 0; i < sc.num_subsets(); ++i)
    if (!sc.subsets()[static_cast<std::size_t>(i)].empty())
      heap.emplace(static_cast<int>(sc.subsets()[static_cast<std::size_t>(i)].size()), -i);
  std::vector<int> chosen;
  while (uncovered > 0) {
    const auto [stored, neg_i] = heap.top();
    heap.pop();
    const auto& s = sc.subsets()[static_cast<std::size_t>(-neg_i)];
    int gain = 0;
    for (int u : s) gain += covered[static_cast<std::size_t>(u)] ? 0 : 1;
    if (gain < stored) {
      if (gain > 0) heap.emplace(gain, neg_i);
      continue;
    }
    chosen.push_back(-neg_i);
    for (int u : s) covered[static_cast<std::size_t>(u)] = 1;
    uncovered -= gain;
  }
  return chosen;
}

}  // namespace krelu::problems

namespace krelu::detail {

/// Depth-first branch-and-bound for minimum Set Cover on bitsets of the universe.
/// Branching: the uncovered element with the fewest allowed subsets must be covered by one of
/// them; the j-th branch takes the j-th candidate and forbids the earlier ones (a partition of the
/// covers, so no cover is visited twice). Bound: |chosen| + ceil(|uncovered| / max gain).
class SetCoverSearch {
 public:
  explicit SetCoverSearch(const problems::SetCover& sc)
      : sc_(sc), words_((static_cast<std::size_t>(sc.universe_size()) + 63) / 64), containing_(sc.subsets_containing()),
        forbidden_(static_cast<std::size_t>(sc.num_subsets()), 0) {
    masks_.assign(static_cast<std::size_t>(sc.num_subsets()) * words_, 0);
    for (int i = 0; i < sc.num_subsets(); ++i)
      for (int u : sc.subsets()[static_cast<std::size_t>(i)])
        masks_[static_cast<std::size_t>(i) * words_ + static_cast<std::size_t>(u) / 64] |= std::uint64_t{1} << (u % 64);
  }

  std::vector<int> run() {
    best_ = problems::greedy_cover(sc_);
    std::vector<std::uint64_t> uncovered(words_, ~std::uint64_t{0});
    const int tail = sc_.universe_size() % 64;
    if (tail != 0) uncovered.back() = (std::uint64_t{1} << tail) - 1;
    search(uncovered);
    std::sort(best_.begin(), best_.end());
    return best_;
  }

 private:
  int gain(int i, const std::vector<std::uint64_t>& uncovered) const {
    int g = 0;
    const std::uint64_t* m = &masks_[static_cast<std::size_t>(i) * words_];
    for (std::size_t w = 0; w < words_; ++w) g += std::popcount(m[w] & uncovered[w]);
    return g;
  }

  void search(const std::vector<std::uint64_t>& uncovered) {
    int left = 0;
    for (auto w : uncovered) left += std::popcount(w);
    if (left == 0) {
      if (chosen_.size() < best_.size()) best_ = chosen_;
      return;
    }
    if (chosen_.size() + 1 >= best_.size()) return;
    int max_gain = 0;
    for (int i = 0; i < sc_.num_subsets(); ++i)
      if (!forbidden_[static_cast<std::size_t>(i)]) max_gain = std::max(max_gain, gain(i, uncovered));
    if (max_gain == 0) return;
    const std::size_t bound = chosen_.size() + static_cast<std::size_t>((left + max_gain - 1) / max_gain);
    if (bound >= best_.size()) return;
    // The uncovered element with the fewest allowed subsets.
    int pick = -1;
    std::size_t fewest = SIZE_MAX;
    for (std::size_t w = 0; w < words_; ++w) {
      for (std::uint64_t bits = uncovered[w]; bits != 0; bits &= bits - 1) {
        const int u = static_cast<int>(w * 64) + std::countr_zero(bits);
        std::size_t allowed = 0;
        for (int i : containing_[static_cast<std::size_t>(u)])
          if (!forbidden_[static_cast<std::size_t>(i)]) ++allowed;
        if (allowed < fewest) {
          fewest = allowed;
          pick = u;
        }
      }
    }
    if (fewest == 0) return;  // some element can no longer be covered
    std::vector<std::pair<int, int>> candidates;  // (-gain, index)
    for (int i : containing_[static_cast<std::size_t>(pick)])
      if (!forbidden_[static_cast<std::size_t>(i)]) candidates.emplace_back(-gain(i, uncovered), i);
    std::sort(candidates.begin(), candidates.end());
    std::vector<std::uint64_t> next(words_);
    for (const auto& [neg_gain, i] : candidates) {
      (void)neg_gain;
      const std::uint64_t* m = &masks_[static_cast<std::size_t>(i) * words_];
      for (std::size_t w = 0; w < words_; ++w) next[w] = uncovered[w] & ~m[w];
      chosen_.push_back(i);
      search(next);
      chosen_.pop_back();
      forbidden_[static_cast<std::size_t>(i)] = 1;
    }
    for (const auto& c : candidates) forbidden_[static_cast<std::size_t>(c.second)] = 0;
  }

  const problems::SetCover& sc_;
  std::size_t words_;
  std::vector<std::vector<int>> containing_;
  std::vector<std::uint64_t> masks_;
  std::vector<char> forbidden_;
  std::vector<int> chosen_;
  std::vector<int> best_;
};

}  // namespace krelu::detail

namespace krelu::problems {

/// A minimum cover (sorted subset indices), by exact branch-and-bound.
///
/// Exponential in the worst case. Practical for M up to about 60-80 subsets (measured: random
/// instances with |U| = 100, M = 80 in at most 0.2 s; |U| = 40, M = 60, subsets of 4 in 2 ms),
/// and beyond when the minimum cover is small (the search depth is the cover size); any |U|.
/// Throws std::invalid_argument if the instance has no cover.
inline std::vector<int> solve_exact(const SetCover& sc) { return krelu::detail::SetCoverSearch(sc).run(); }

}  // namespace krelu::problems
