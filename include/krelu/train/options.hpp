#pragma once
/// \file
/// TrainOptions: what `train_exact` should solve (units, signs, bound on the weights) and with
/// which budget; validate() rejects nonsense before any work starts.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stop_token>
#include <stdexcept>
#include <string>
#include <vector>

namespace krelu {

/// The output signs a in {-1, +1}^k the training may use.
class Signs {
 public:
  enum class Kind { free, all_plus, fixed };

  /// Any a in {-1, +1}^k (the k-ReLU training problem of Definition 2).
  static Signs free() { return Signs(Kind::free, {}); }
  /// a = (+1, ..., +1): the sum of k ReLUs (Lemma 17).
  static Signs all_plus() { return Signs(Kind::all_plus, {}); }
  /// A given sign vector ("a fixed in advance"); entries must be +1 or -1.
  static Signs fixed(std::vector<int> signs) { return Signs(Kind::fixed, std::move(signs)); }

  Kind kind() const { return kind_; }
  /// The fixed vector (empty unless kind() == fixed).
  const std::vector<int>& values() const { return values_; }

  /// Checks the signs against the number of units k.
  void validate(int units) const {
    if (kind_ != Kind::fixed) return;
    if (static_cast<int>(values_.size()) != units)
      throw std::invalid_argument("TrainOptions.signs: fixed signs have " + std::to_string(values_.size()) +
                                  " entries but units = " + std::to_string(units));
    for (std::size_t j = 0; j < values_.size(); ++j)
      if (values_[j] != 1 && values_[j] != -1)
        throw std::invalid_argument("TrainOptions.signs: entry " + std::to_string(j) + " is " +
                                    std::to_string(values_[j]) + ", must be +1 or -1");
  }

  /// Every sign vector the training has to consider for k units, in a fixed order.
  std::vector<std::vector<int>> candidates(int units) const {
    validate(units);
    if (kind_ == Kind::fixed) return {values_};
    if (kind_ == Kind::all_plus) return {std::vector<int>(static_cast<std::size_t>(units), 1)};
    std::vector<std::vector<int>> all;
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << units); ++bits) {
      std::vector<int> a(static_cast<std::size_t>(units));
      for (int j = 0; j < units; ++j) a[static_cast<std::size_t>(j)] = (bits >> j & 1U) ? -1 : 1;
      all.push_back(std::move(a));
    }
    return all;
  }

 private:
  Signs(Kind kind, std::vector<int> values) : kind_(kind), values_(std::move(values)) {}
  Kind kind_;
  std::vector<int> values_;
};

/// How train_exact searches.
enum class Method {
  enumerate,        ///< Lemma 22 literally: every sign vector, every activation pattern, one QP each.
  branch_and_bound  ///< Branch-and-bound over activation patterns (fast, same certificate).
};

/// What a progress callback sees (values in double whatever the Scalar).
struct Progress {
  std::uint64_t nodes = 0;       ///< search nodes (or patterns, for enumerate) processed
  std::uint64_t open_nodes = 0;  ///< nodes still to process (0 for enumerate)
  std::uint64_t qps = 0;         ///< convex problems solved
  double incumbent = std::numeric_limits<double>::infinity();  ///< best loss found
  double lower_bound = 0;        ///< proven lower bound on the optimum loss
  double gap = std::numeric_limits<double>::infinity();        ///< incumbent - lower_bound
  double elapsed_seconds = 0;
  double fraction_done = 0;      ///< in [0, 1] when the total amount of work is known
};

/// The parts of Method::branch_and_bound that can be switched off, to measure what each one pays
/// (benchmarks/branch_and_bound.cpp). None changes the result: only how fast it is found. The defaults
/// are the combination that was fastest there.
struct SearchTechniques {
  bool symmetry_breaking = true;       ///< order units of equal sign (one copy of each optimum)
  /// Convex bounds for samples not fully fixed whose unfixed units share a sign: exact where the
  /// loss is convex in the weights, a one-sided bound max(0, .)^2 elsewhere.
  bool convex_epigraph = true;
  /// Bounded problem: the ReLU triangle hull of unfixed samples in the bound. It cuts the node count
  /// 5-30x but makes each relaxation much larger (k variables and 3k constraints per sample), and on
  /// the benchmark's instances it is 3x-600x slower overall, so it is off by default.
  bool triangle_relaxation = false;
  bool polish = true;                  ///< exact minimiser of the induced pattern as an upper bound
  bool worst_sample_branching = true;  ///< branch on the group that hurts most (else the first unfixed one)
  /// Mixed sign classes: branch on a group's units of one sign first (the side its labels favour), so
  /// its samples get the one-sided bound before the other units are fixed.
  bool side_branching = true;
  /// Common sign class s: also bound untouched samples with s y > 0 by max(0, sum_j [z_j]_+ - |y|)^2
  /// (overshoot), those the relaxation's minimiser overshoots most, within a budget: at most 2 n k of
  /// them, and none once the node models 4 n k samples by one-sided bounds. It cuts nodes 1.5-7x; each
  /// such sample adds a variable to every relaxation below, hence the budget.
  bool overshoot_bound = true;
  /// Branching leaves a unit whose weights vanish at the relaxation's minimiser unfixed (while another
  /// unit of the group can be fixed): w_j = 0 satisfies both of its cells for every sample, so fixing
  /// it only copies the node. On planted (100, 3, 2) the bound after 120 s rose from 6.5e-3 to 7.3e-3.
  bool defer_dead_units = true;
  /// Relaxations whose one-sided bounds are all single squared hinges (e.g. every k = 1 search) are
  /// solved in the weights alone, without an auxiliary variable per sample, and lifted back for the
  /// certificate; the QP solver takes over whenever that solution is not certified.
  bool weight_space_relaxation = true;
};

/// Options of train_exact. Defaults solve the 1-ReLU training problem with free signs.
template <class Scalar = double>
struct TrainOptions {
  int units = 1;                          ///< k >= 1
  Signs signs = Signs::free();            ///< free, all_plus or fixed
  std::optional<Scalar> radius;           ///< if set: the bounded problem, ||w_j|| <= radius
  Method method = Method::branch_and_bound;  ///< the search (enumerate: Lemma 22 literally, the reference)
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  std::uint64_t pattern_limit = std::uint64_t{1} << 24;  ///< enumerate refuses larger counts before starting
  std::uint64_t node_limit = std::numeric_limits<std::uint64_t>::max();  ///< branch_and_bound node budget
  /// Optimal when loss - lower_bound <= max(absolute_gap * S, relative_gap * loss, 1024 tau^2 S), with
  /// S = sum c_i y_i^2 / sum c_i (the zero network's loss) and tau = 1000 eps the convex solver's
  /// tolerance (5e-23 S in double: the floor at which computed minima stop resolving the loss): every
  /// tolerance follows the instance's own scale. absolute_gap = 0 by default, so tiny optima (1e-10
  /// and below, as in the reductions) are certified relative to themselves.
  double relative_gap = 1e-9;
  double absolute_gap = 0;
  int threads = 0;                        ///< 0: hardware concurrency (tiny searches use one)
  std::uint64_t seed = 0;                 ///< for any randomised step (local search starts)
  SearchTechniques techniques;            ///< branch_and_bound: what the search uses
  /// branch_and_bound: local-search starts for the first incumbent (0: none; skipped on tiny instances,
  /// samples x units < 32, where the search is faster than the restarts)
  int incumbent_restarts = 8;
  /// Called at most every progress_interval_seconds. The callbacks run on any of the search's threads,
  /// one at a time; an exception they throw ends the search and reaches train_exact's caller.
  std::function<void(const Progress&)> progress;
  double progress_interval_seconds = 0.25;
  std::function<bool()> cancel;           ///< polled during the search; returning true stops it
  std::stop_token stop_token;             ///< a stop request ends the search like `cancel`
  /// branch_and_bound: memory the open nodes may hold. Beyond it the search goes depth-first (memory
  /// proportional to the depth) until the open list shrinks; the result and certificate are unchanged.
  std::size_t memory_limit_bytes = std::size_t{1} << 30;

  /// Throws std::invalid_argument naming the field and its valid range.
  void validate() const {
    if (units < 1) throw std::invalid_argument("TrainOptions.units must be >= 1, got " + std::to_string(units));
    if (units > 30) throw std::invalid_argument("TrainOptions.units must be <= 30, got " + std::to_string(units));
    signs.validate(units);
    if (radius) {
      using std::isfinite;
      if (!(*radius > Scalar(0)) || !static_cast<bool>(isfinite(*radius)))
        throw std::invalid_argument("TrainOptions.radius must be finite and > 0 when set");
    }
    if (!(time_limit_seconds > 0)) throw std::invalid_argument("TrainOptions.time_limit_seconds must be > 0");
    if (pattern_limit == 0) throw std::invalid_argument("TrainOptions.pattern_limit must be >= 1");
    if (node_limit == 0) throw std::invalid_argument("TrainOptions.node_limit must be >= 1");
    if (!(relative_gap >= 0) || !(absolute_gap >= 0) || !std::isfinite(relative_gap) || !std::isfinite(absolute_gap))
      throw std::invalid_argument("TrainOptions.relative_gap and absolute_gap must be finite and >= 0");
    if (incumbent_restarts < 0) throw std::invalid_argument("TrainOptions.incumbent_restarts must be >= 0");
    if (memory_limit_bytes == 0) throw std::invalid_argument("TrainOptions.memory_limit_bytes must be >= 1");
    if (threads < 0) throw std::invalid_argument("TrainOptions.threads must be >= 0 (0 = all cores)");
    if (!(progress_interval_seconds >= 0))
      throw std::invalid_argument("TrainOptions.progress_interval_seconds must be >= 0");
  }
};

}  // namespace krelu
