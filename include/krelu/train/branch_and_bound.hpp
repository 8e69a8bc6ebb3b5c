#pragma once
/// \file
/// Method::branch_and_bound: a certified global search over activation patterns.
///
/// A node fixes, for some direction groups of samples (sample_groups.hpp), which units are active.
/// Its lower bound is the convex problem over what is known exactly:
/// - fully fixed samples: their pattern term c_i (sum_j a_j P_ij <w_j, x_i> - y_i)^2 with the cell
///   constraints (also for each single fixed unit of a partly fixed group);
/// - one-sided samples: with L_i the fixed active units' part of f(x_i) and every unfixed unit of one
///   sign s, the term is (sum_U [z_ij]_+ + b_i)^2 with b_i = s (L_i - y_i), and
///   max(0, sum_U [z_ij]_+ + b_i)^2 is a convex lower bound (a nondecreasing convex function of a
///   convex function), exact where b_i >= 0 (e.g. s y_i <= 0 in a common sign class: the loss is
///   convex there). As max(0, sum_U [z]_+ + b) = max(0, max over subsets S of U of sum_S z_j + b), one
///   variable v_i above those pieces with cost c_i v_i^2 models it; added lazily when the
///   relaxation's minimiser makes it positive. Untouched samples with s y_i <= 0 count c_i y_i^2 until
///   then; those with s y_i > 0 (the bound is then their overshoot) join within a budget
///   (add_overshoot_samples), the most overshot first. In mixed sign classes a group is branched one
///   sign at a time (first the sign its labels favour), which makes its samples one-sided;
/// - bounded problem (||w_j|| <= R), optional: other unfixed samples through the ReLU triangle hull of
///   their activities, u_ij in [max(0, z_ij), (z_ij + M_i) / 2] with z_ij = <w_j, x_i> and
///   M_i = R ||x_i|| >= |z_ij|, and the exact term c_i (sum_j a_j u_ij - y_i)^2, added lazily when
///   y_i lies outside what the hull allows at the relaxation's minimiser;
/// - every other sample contributes >= 0 and is dropped.
/// The relaxation's minimiser is a network whose true loss, and the loss of the exact minimiser of
/// the full pattern it induces, are upper bounds. Branching picks the group whose terms the bound
/// underestimates most there. Sign vectors are reduced to k + 1 classes (+1 x p, -1 x (k - p)) and
/// units of equal sign are ordered lexicographically by their activity along the branching order
/// (they are always fixed together), which keeps one copy of every optimum (DESIGN.md, "Making the
/// search fast").
///
/// Work split: every node is self-contained (sign class, fixed activities, branching order), so
/// open nodes can be handed to any worker; threads share one best-first queue and one incumbent, and
/// the calling thread is one of them. An exception on any of them (a callback's) ends the search and
/// is rethrown to the caller.
/// A cluster backend would ship subtrees (nodes) to ranks and broadcast improved incumbents.

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#include "krelu/loss.hpp"
#include "krelu/network.hpp"
#include "krelu/qp/convex_qp.hpp"
#include "krelu/qp/squared_hinge.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/train/enumerate.hpp"
#include "krelu/train/options.hpp"
#include "krelu/train/pattern_problem.hpp"
#include "krelu/train/result.hpp"
#include "krelu/train/robust_solve.hpp"
#include "krelu/train/sample_groups.hpp"
#include "krelu/train/tolerance.hpp"

namespace krelu {
namespace detail {

/// One sign class of the search: its sign vector and, per unit, the next unit with the same sign
/// (-1 if none), for symmetry breaking.
struct SignClass {
  std::vector<int> signs;
  std::vector<int> next_same;
  int common_sign = 0;  ///< +1 or -1 if all units share it, else 0
};

inline std::vector<SignClass> sign_classes(const Signs& signs, int k) {
  std::vector<std::vector<int>> vectors;
  if (signs.kind() == Signs::Kind::free) {
    for (int p = k; p >= 0; --p) {
      std::vector<int> a(static_cast<std::size_t>(k), -1);
      for (int j = 0; j < p; ++j) a[static_cast<std::size_t>(j)] = 1;
      vectors.push_back(std::move(a));
    }
  } else {
    vectors = signs.candidates(k);
  }
  std::vector<SignClass> out;
  for (auto& a : vectors) {
    SignClass c;
    c.next_same.assign(a.size(), -1);
    for (std::size_t j = 0; j < a.size(); ++j)
      for (std::size_t l = j + 1; l < a.size(); ++l)
        if (a[l] == a[j]) {
          c.next_same[j] = static_cast<int>(l);
          break;
        }
    c.common_sign = std::all_of(a.begin(), a.end(), [&](int v) { return v == a.front(); }) ? a.front() : 0;
    c.signs = std::move(a);
    out.push_back(std::move(c));
  }
  return out;
}

/// Searches over fewer than 32 samples x units finish in about 0.1 ms: faster than starting threads
/// (about 50 us) or local-search restarts (0.1 ms each), so they run on one thread without them.
inline bool is_tiny_search(std::int64_t samples, int units) { return samples * units < 32; }

template <class Scalar>
struct SearchNode {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  int sign_class = 0;
  std::vector<std::int8_t> activity;   ///< groups x k, row-major; -1 unfixed
  std::vector<int> fixed_order;        ///< groups in the order they were fixed
  std::vector<std::uint8_t> tied;      ///< per unit: columns of j and next_same[j] equal so far
  std::vector<Eigen::Index> envelope;  ///< samples modelled by their one-sided convex bound (one variable each)
  std::vector<Eigen::Index> triangle;  ///< bounded problem: unfixed samples modelled by the triangle hull
  Vector warm;                         ///< parent's minimiser (theta) for a warm start
  Scalar bound = Scalar(0);            ///< lower bound on total error in this subtree (scaled)
  std::uint64_t sequence = 0;          ///< creation order, for deterministic ties
};

template <class Scalar>
struct NodeOrder {
  bool operator()(const SearchNode<Scalar>& a, const SearchNode<Scalar>& b) const {
    if (a.bound != b.bound) return a.bound > b.bound;                              // smallest bound first
    if (a.fixed_order.size() != b.fixed_order.size()) return a.fixed_order.size() < b.fixed_order.size();  // deeper first
    return a.sequence > b.sequence;
  }
};

/// The search state shared by the worker threads.
template <class Scalar>
class BranchAndBound {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Pattern = typename PatternProblem<Scalar>::Pattern;

  BranchAndBound(const ScaledSamples<Scalar>& s, const TrainOptions<Scalar>& options)
      : s_(s), options_(options), k_(options.units), n_(s.dim()), m_(s.size()),
        groups_(group_by_direction<Scalar>(s.x)), classes_(sign_classes(options.signs, options.units)) {
    label_side_.assign(static_cast<std::size_t>(groups_.count()), 1);
    for (int grp = 0; grp < groups_.count(); ++grp) {
      Scalar sum(0);
      for (Eigen::Index i : groups_.members[static_cast<std::size_t>(grp)]) sum += s.c(i) * s.y(i);
      label_side_[static_cast<std::size_t>(grp)] = sum >= Scalar(0) ? 1 : -1;
    }
    total_weight_ = s.c.sum();
    if (options.radius) {
      scaled_radius_ = *options.radius * s.input_scale / s.label_scale;
      balls_ = unit_balls<Scalar>(n_, k_, *scaled_radius_);
    }
    Scalar scale(0);
    for (Eigen::Index i = 0; i < m_; ++i) scale += s.c(i) * s.y(i) * s.y(i);
    scale_ = scale;
  }

  /// Offers a network (in scaled units) as incumbent.
  void offer(const std::vector<int>& a, const Vector& theta) {
    const Scalar err = true_error(a, theta);
    std::lock_guard<std::mutex> lock(mutex_);
    consider_incumbent(a, theta, err);
  }

  void run(int threads) {
    start_ = std::chrono::steady_clock::now();
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      SearchNode<Scalar> root;
      root.sign_class = static_cast<int>(c);
      root.activity.assign(static_cast<std::size_t>(groups_.count() * k_), -1);
      root.tied.assign(static_cast<std::size_t>(k_), options_.techniques.symmetry_breaking ? 1 : 0);
      root.sequence = sequence_++;
      open_bytes_ += node_bytes(root);
      push_open(std::move(root));
    }
    // The calling thread is one of the workers (one thread fewer to start, and its allocations stay in
    // the main heap: worker threads' heaps are trimmed with madvise, each trim followed by page faults).
    std::vector<std::thread> pool;
    try {
      for (int t = 1; t < threads; ++t) pool.emplace_back([this] { guarded_worker(); });
    } catch (const std::system_error&) {
      // the system refused another thread: the search goes on with those it has
    }
    guarded_worker();
    for (auto& t : pool) t.join();
    // an exception in any worker (a progress or cancel callback's, or std::bad_alloc) reaches the caller
    if (failure_) std::rethrow_exception(failure_);
  }

  // Results (valid after run()).
  bool has_incumbent() const { return best_theta_.size() > 0; }
  const std::vector<int>& best_signs() const { return best_signs_; }
  const Vector& best_theta() const { return best_theta_; }
  Scalar best_error() const { return best_error_; }
  /// Proven lower bound on the minimum total error (scaled).
  Scalar lower_bound() const { return std::min(std::min(floor_, open_minimum()), best_error_); }
  Status status() const { return status_; }
  bool numerical_trouble() const { return numerical_trouble_; }
  std::uint64_t nodes() const { return nodes_; }
  std::uint64_t qps() const { return qps_; }
  std::uint64_t peak_open_nodes() const { return peak_open_nodes_; }
  std::size_t peak_open_bytes() const { return peak_open_bytes_; }

 private:
  Scalar tolerance(const Scalar& incumbent) const {
    return gap_tolerance(options_, incumbent, scale_);
  }
  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

  /// Total error (scaled) of the ReLU network theta with signs a, in residual form.
  Scalar true_error(const std::vector<int>& a, const Vector& theta) const {
    CompensatedSum<Scalar> sum;
    for (Eigen::Index i = 0; i < m_; ++i) {
      Scalar f(0);
      for (int j = 0; j < k_; ++j) {
        const Scalar z = s_.x.row(i).dot(theta.segment(j * n_, n_));
        if (z > Scalar(0)) f += Scalar(a[static_cast<std::size_t>(j)]) * z;
      }
      const Scalar r = f - s_.y(i);
      sum.add(s_.c(i) * r * r);
    }
    return sum.value();
  }

  void consider_incumbent(const std::vector<int>& a, const Vector& theta, const Scalar& err) {
    if (err < best_error_) {
      best_error_ = err;
      best_theta_ = theta;
      best_signs_ = a;
    }
  }

  /// Activity of sample i on unit j at a node (-1 unfixed), from its group's activity.
  int sample_activity(const SearchNode<Scalar>& node, Eigen::Index i, int j) const {
    const int g = groups_.group[static_cast<std::size_t>(i)];
    if (g < 0) return 0;
    const int v = node.activity[static_cast<std::size_t>(g * k_ + j)];
    if (v < 0) return -1;
    return groups_.orientation[static_cast<std::size_t>(i)] > 0 ? v : 1 - v;
  }

  bool group_fixed(const SearchNode<Scalar>& node, int grp) const {
    for (int j = 0; j < k_; ++j)
      if (node.activity[static_cast<std::size_t>(grp * k_ + j)] < 0) return false;
    return true;
  }
  bool group_untouched(const SearchNode<Scalar>& node, int grp) const {
    for (int j = 0; j < k_; ++j)
      if (node.activity[static_cast<std::size_t>(grp * k_ + j)] >= 0) return false;
    return true;
  }
  /// Sample i's group has every unit fixed: its exact pattern term is in the relaxation.
  bool sample_fixed(const SearchNode<Scalar>& node, Eigen::Index i) const {
    const int g = groups_.group[static_cast<std::size_t>(i)];
    return g < 0 || group_fixed(node, g);
  }

  bool is_convex_sample(const SignClass& cls, Eigen::Index i) const {
    return cls.common_sign != 0 && Scalar(cls.common_sign) * s_.y(i) <= Scalar(0);
  }
  /// Untouched convex sample: c_i y_i^2 is a valid bound on its term ((sum_j [z_j]_+ + |y_i|)^2 >= y_i^2).
  bool counts_label(const SearchNode<Scalar>& node, const SignClass& cls, Eigen::Index i) const {
    const int g = groups_.group[static_cast<std::size_t>(i)];
    return g >= 0 && is_convex_sample(cls, i) && group_untouched(node, g);
  }

  /// The one-sided form of a sample that is not fully fixed (file comment): with L the fixed active
  /// units' part of f, and every unfixed unit of sign s, its term is (sum_U [z_j]_+ + b)^2 with
  /// b = s (L - y), bounded below by max(0, sum_U [z_j]_+ + b)^2.
  struct OneSided {
    int side = 0;               ///< s; 0: the unfixed units have both signs (or too many for the bound)
    std::uint32_t unfixed = 0;  ///< bit j: unit j unfixed
    std::uint32_t active = 0;   ///< bit j: unit j fixed active
    bool exact = false;         ///< b >= 0 on the node's cell: the bound is the exact term
  };
  static constexpr int max_one_sided_units = 5;  ///< the bound has 2^|U| pieces
  static constexpr std::size_t polish_memory = std::size_t{1} << 16;  ///< pattern hashes a worker remembers

  OneSided one_sided(const SearchNode<Scalar>& node, const SignClass& cls, Eigen::Index i) const {
    OneSided o;
    int side = 0, count = 0;
    for (int j = 0; j < k_; ++j) {
      const int v = sample_activity(node, i, j);
      const int aj = cls.signs[static_cast<std::size_t>(j)];
      if (v < 0) {
        if (side != 0 && side != aj) return OneSided{};
        side = aj;
        o.unfixed |= 1U << j;
        ++count;
      } else if (v > 0) {
        o.active |= 1U << j;
      }
    }
    if (side == 0 || count > max_one_sided_units) return OneSided{};
    o.side = side;
    o.exact = Scalar(side) * s_.y(i) <= Scalar(0);
    for (int j = 0; j < k_; ++j)
      if (((o.active >> j) & 1U) && cls.signs[static_cast<std::size_t>(j)] != side) o.exact = false;
    return o;
  }

  /// max(0, sum_U [z_j]_+ + b) at theta.
  Scalar one_sided_value(const SignClass& cls, const OneSided& o, Eigen::Index i, const Vector& theta) const {
    Scalar v = -Scalar(o.side) * s_.y(i);
    for (int j = 0; j < k_; ++j) {
      const Scalar z = s_.x.row(i).dot(theta.segment(j * n_, n_));
      if ((o.unfixed >> j) & 1U) v += std::max(Scalar(0), z);
      else if ((o.active >> j) & 1U) v += Scalar(o.side * cls.signs[static_cast<std::size_t>(j)]) * z;
    }
    return std::max(Scalar(0), v);
  }

  /// M_i = R ||x_i|| (bounded problem): |<w_j, x_i>| <= M_i on the ball, rounded up so the hull
  /// still contains every feasible point.
  Scalar hull_height(Eigen::Index i) const {
    const Scalar norm = sqrt_of(Scalar(s_.x.row(i).squaredNorm()));
    return *scaled_radius_ * norm * (Scalar(1) + Scalar(16) * NumericTraits<Scalar>::epsilon());
  }

  struct Evaluation {
    bool solved = false;
    Vector theta;
    Scalar bound = Scalar(0);
  };

  /// The relaxation's variables at theta: the one-sided samples' v at their smallest feasible value,
  /// the hull samples' u_j = [z_j]_+.
  Vector auxiliary_at(const SearchNode<Scalar>& node, const SignClass& cls, const Vector& theta) const {
    const Eigen::Index ne = static_cast<Eigen::Index>(node.envelope.size());
    Vector x(n_ * k_ + ne + static_cast<Eigen::Index>(node.triangle.size()) * k_);
    x.head(n_ * k_) = theta;
    for (Eigen::Index e = 0; e < ne; ++e) {
      const Eigen::Index i = node.envelope[static_cast<std::size_t>(e)];
      x(n_ * k_ + e) = one_sided_value(cls, one_sided(node, cls, i), i, theta);
    }
    for (std::size_t e = 0; e < node.triangle.size(); ++e)
      for (int j = 0; j < k_; ++j)
        x(n_ * k_ + ne + static_cast<Eigen::Index>(e) * k_ + j) =
            std::max(Scalar(0), s_.x.row(node.triangle[e]).dot(theta.segment(j * n_, n_)));
    return x;
  }

  /// theta with each unit moved into its fixed cells: a unit outside one (the parent's minimiser,
  /// which the child's new activity cuts off) is projected onto the violated hyperplanes cyclically,
  /// a few passes, and set to 0 if it is still outside (also when rounding leaves it a hair outside;
  /// a margin inside was measured worse: colouring triangle 25 -> 29 nodes, planted (40, 3, 2) +9%).
  /// Pulling the whole point to 0 instead starts the relaxation at a vertex where every homogeneous
  /// row of every unit is active (measured: 15-35% less time on tiny searches and planted instances).
  Vector into_cells(const SearchNode<Scalar>& node, Vector theta) const {
    for (int j = 0; j < k_; ++j) {
      auto w = theta.segment(j * n_, n_);
      bool inside = false;
      for (int pass = 0; pass < 4 && !inside; ++pass) {
        inside = true;
        for (int grp = 0; grp < groups_.count(); ++grp) {
          const int v = node.activity[static_cast<std::size_t>(grp * k_ + j)];
          if (v < 0) continue;
          const auto u = groups_.direction.row(grp);
          const Scalar z = (v ? Scalar(1) : Scalar(-1)) * u.dot(w);
          if (z >= Scalar(0)) continue;
          inside = false;
          w -= (u.dot(w) / u.squaredNorm()) * u.transpose();
        }
      }
      if (!inside) w.setZero();
    }
    return theta;
  }

  /// The point of the segment from `anchor` (feasible) to `x` farthest from the anchor that satisfies
  /// C x >= d: a feasible warm start, so the solver needs no phase 1.
  static Vector pull_into(const Matrix& C, const Vector& d, const Vector& anchor, const Vector& x) {
    const Vector dir = x - anchor;
    const Vector slack = C * anchor - d, rate = C * dir;
    Scalar t(1);
    for (Eigen::Index r = 0; r < C.rows(); ++r)
      if (rate(r) < Scalar(0)) t = std::min(t, std::max(Scalar(0), slack(r)) / -rate(r));
    return anchor + t * dir;
  }

  /// Solves the node's relaxation (with lazily added one-sided and hull samples).
  Evaluation evaluate(SearchNode<Scalar>& node, qp::ConvexQp<Scalar>& solver, SquaredHingeCore<Scalar>& hinge,
                      std::uint64_t& qps) const {
    const SignClass& cls = classes_[static_cast<std::size_t>(node.sign_class)];
    const auto& a = cls.signs;
    Evaluation ev;
    for (Eigen::Index round = 0; round <= m_; ++round) {
      const Eigen::Index ne = static_cast<Eigen::Index>(node.envelope.size());
      const Eigen::Index nt = static_cast<Eigen::Index>(node.triangle.size());
      const Eigen::Index tri_base = n_ * k_ + ne;
      const Eigen::Index p = tri_base + nt * k_;
      Matrix H = Matrix::Zero(p, p);
      Vector g = Vector::Zero(p);
      // Hessian and gradient of the fixed samples' pattern terms
      for (Eigen::Index i = 0; i < m_; ++i) {
        const Scalar c = s_.c(i), y = s_.y(i);
        // zero rows and samples not fully fixed add only constants (see relaxation_value)
        if (groups_.group[static_cast<std::size_t>(i)] < 0 || !sample_fixed(node, i)) continue;
        const auto xi = s_.x.row(i);
        for (int j = 0; j < k_; ++j) {
          if (!sample_activity(node, i, j)) continue;
          const Scalar aj = Scalar(a[static_cast<std::size_t>(j)]);
          g.segment(j * n_, n_).noalias() -= Scalar(2) * c * y * aj * xi.transpose();
          for (int l = 0; l < k_; ++l) {
            if (!sample_activity(node, i, l)) continue;
            const Scalar al = Scalar(a[static_cast<std::size_t>(l)]);
            H.block(j * n_, l * n_, n_, n_).noalias() += (Scalar(2) * c * aj * al) * xi.transpose() * xi;
          }
        }
      }
      // one-sided samples: c v^2 with v above every piece of max(0, sum_U [z_j]_+ + b)
      std::vector<OneSided> forms(static_cast<std::size_t>(ne));
      Eigen::Index rows = 0;
      for (int grp = 0; grp < groups_.count(); ++grp)
        for (int j = 0; j < k_; ++j)
          if (node.activity[static_cast<std::size_t>(grp * k_ + j)] >= 0) ++rows;
      for (Eigen::Index e = 0; e < ne; ++e) {
        const Eigen::Index i = node.envelope[static_cast<std::size_t>(e)];
        forms[static_cast<std::size_t>(e)] = one_sided(node, cls, i);
        const OneSided& o = forms[static_cast<std::size_t>(e)];
        H(n_ * k_ + e, n_ * k_ + e) += Scalar(2) * s_.c(i);
        rows += (Eigen::Index{1} << std::popcount(o.unfixed)) + (o.exact ? 0 : 1);
      }
      // triangle samples: c (sum_j a_j u_j - y)^2
      for (Eigen::Index e = 0; e < nt; ++e) {
        const Eigen::Index i = node.triangle[static_cast<std::size_t>(e)];
        const Scalar c = s_.c(i), y = s_.y(i);
        const Eigen::Index base = tri_base + e * k_;
        for (int j = 0; j < k_; ++j) {
          const Scalar aj = Scalar(a[static_cast<std::size_t>(j)]);
          g(base + j) -= Scalar(2) * c * y * aj;
          for (int l = 0; l < k_; ++l) H(base + j, base + l) += Scalar(2) * c * aj * Scalar(a[static_cast<std::size_t>(l)]);
        }
      }
      // constraints: the fixed activities' cells, the one-sided pieces, the hulls
      rows += 3 * nt * k_;
      Matrix C = Matrix::Zero(rows, p);
      Vector d = Vector::Zero(rows);
      Eigen::Index r = 0;
      for (int grp = 0; grp < groups_.count(); ++grp)
        for (int j = 0; j < k_; ++j) {
          const int v = node.activity[static_cast<std::size_t>(grp * k_ + j)];
          if (v < 0) continue;
          C.row(r++).segment(j * n_, n_) = (v ? Scalar(1) : Scalar(-1)) * groups_.direction.row(grp);
        }
      const Eigen::Index cells = r;
      std::vector<Eigen::Index> hinge_rows(static_cast<std::size_t>(ne));
      for (Eigen::Index e = 0; e < ne; ++e) {
        const Eigen::Index i = node.envelope[static_cast<std::size_t>(e)];
        const OneSided& o = forms[static_cast<std::size_t>(e)];
        const Eigen::Index v = n_ * k_ + e;
        hinge_rows[static_cast<std::size_t>(e)] = r;  // the row of S = all unfixed units
        // v - sum_{j in S} z_j - s L >= -s y for every subset S of the unfixed units
        for (std::uint32_t subset = o.unfixed;; subset = (subset - 1) & o.unfixed) {
          C(r, v) = Scalar(1);
          for (int j = 0; j < k_; ++j) {
            if ((subset >> j) & 1U) C.row(r).segment(j * n_, n_) -= s_.x.row(i);
            else if ((o.active >> j) & 1U)
              C.row(r).segment(j * n_, n_) -= Scalar(o.side * a[static_cast<std::size_t>(j)]) * s_.x.row(i);
          }
          d(r++) = -Scalar(o.side) * s_.y(i);
          if (subset == 0) break;
        }
        if (!o.exact) C(r++, v) = Scalar(1);  // v >= 0
      }
      for (Eigen::Index e = 0; e < nt; ++e) {
        const Eigen::Index i = node.triangle[static_cast<std::size_t>(e)];
        const Eigen::Index base = tri_base + e * k_;
        for (int j = 0; j < k_; ++j) {
          C(r++, base + j) = Scalar(1);  // u_j >= 0
          C(r, base + j) = Scalar(1);    // u_j >= <w_j, x_i>
          C.row(r).segment(j * n_, n_) = -s_.x.row(i);
          ++r;
          C(r, base + j) = Scalar(-2);   // 2 u_j <= <w_j, x_i> + M_i
          C.row(r).segment(j * n_, n_) = s_.x.row(i);
          d(r++) = -hull_height(i);
        }
      }
      // Warm start: the parent's (or last round's) minimiser, pulled into this node's cell from
      // w = 0 with the auxiliary variables at their values there, which is always feasible.
      Vector start;
      if (node.warm.size() >= n_ * k_) {
        const Vector anchor = auxiliary_at(node, cls, Vector::Zero(n_ * k_));
        start = pull_into(C, d, anchor, auxiliary_at(node, cls, into_cells(node, node.warm.head(n_ * k_))));
      }
      Vector x;
      // The bound is the objective at the solution less its complementarity gap (weak duality); a gap
      // above a sixteenth of the gap tolerance at that objective asks for a more careful solve.
      Scalar gap(0);
      const auto small_gap = [&](const Vector& xs, const Scalar& gs) {
        return gs <= gap_tolerance(options_, relaxation_value(node, cls, xs), scale_) / Scalar(16);
      };
      const bool solved_in_weights = options_.techniques.weight_space_relaxation && nt == 0 && balls_.empty() &&
                                     solve_in_weight_space(node, forms, hinge_rows, H, g, C, d, cells, start, hinge, qps,
                                                           x, gap, small_gap);
      if (!solved_in_weights) {
        if (start.size() > 0) {
          solver.warm_start_point(start);
          // and the rows active there as the first working set (the solver skips the others)
          std::vector<Eigen::Index> all(static_cast<std::size_t>(rows));
          for (Eigen::Index q = 0; q < rows; ++q) all[static_cast<std::size_t>(q)] = q;
          solver.warm_start(all);
        } else {
          solver.clear_warm_start();
        }
        if (!robust_solve(solver, H, g, C, d, balls_, qps, x, &gap, small_gap)) return ev;
      }
      ev.solved = true;
      ev.theta = x.head(n_ * k_);
      const Scalar value = relaxation_value(node, cls, x);
      ev.bound = value - gap - certificate_slack(value, scale_);
      node.warm = x;
      // Lazily model the samples the minimiser gets wrong: one-sided samples whose bound is positive
      // there (beyond the c y^2 already counted), and, in the bounded problem, samples whose label the
      // triangle hull excludes.
      std::vector<char> modelled(static_cast<std::size_t>(m_), 0);
      for (Eigen::Index i : node.envelope) modelled[static_cast<std::size_t>(i)] = 1;
      for (Eigen::Index i : node.triangle) modelled[static_cast<std::size_t>(i)] = 1;
      const std::size_t old_envelope = node.envelope.size(), old_triangle = node.triangle.size();
      std::vector<std::pair<Scalar, Eigen::Index>> overshooting;  // (excess of its bound, sample)
      for (Eigen::Index i = 0; i < m_; ++i) {
        if (modelled[static_cast<std::size_t>(i)] || sample_fixed(node, i)) continue;
        const OneSided o = options_.techniques.convex_epigraph ? one_sided(node, cls, i) : OneSided{};
        // (an untouched sample of a common sign class whose label has that sign only when asked, and
        // within a budget: its overshoot bound cuts nodes but costs a variable in every relaxation below)
        const bool overshoot = is_overshoot_only(node, o, i);
        if (o.side != 0 && (!overshoot || options_.techniques.overshoot_bound)) {
          const Scalar counted = counts_label(node, cls, i) ? abs_of(s_.y(i)) : Scalar(0);
          const Scalar value = one_sided_value(cls, o, i, ev.theta);
          if (value > counted) {
            if (overshoot)
              overshooting.emplace_back(s_.c(i) * (value * value - counted * counted), i);
            else
              node.envelope.push_back(i);
            continue;
          }
        }
        if (scaled_radius_ && options_.techniques.triangle_relaxation) {
          // the range of sum_j a_j u_j over the hull at the current z
          Scalar low(0), high(0);
          const Scalar top = hull_height(i);
          for (int j = 0; j < k_; ++j) {
            const Scalar z = s_.x.row(i).dot(ev.theta.segment(j * n_, n_));
            const Scalar lo = std::max(Scalar(0), z), hi = std::max(lo, (z + top) / Scalar(2));
            if (a[static_cast<std::size_t>(j)] > 0) { low += lo; high += hi; }
            else { low -= hi; high -= lo; }
          }
          const Scalar y = s_.y(i), margin = Scalar(64) * NumericTraits<Scalar>::epsilon() * (abs_of(y) + top);
          if (y < low - margin || y > high + margin) node.triangle.push_back(i);
        }
      }
      add_overshoot_samples(node, cls, old_envelope, overshooting);
      if (node.envelope.size() == old_envelope && node.triangle.size() == old_triangle) break;
      // A budget ends the refinement: the bound found so far is valid (fewer terms, smaller bound).
      if (elapsed() > options_.time_limit_seconds) {
        node.envelope.resize(old_envelope);
        node.triangle.resize(old_triangle);
        break;
      }
      // Keep the warm start usable: old variables as solved, new ones at their values at theta.
      Vector w = auxiliary_at(node, cls, ev.theta);
      w.head(n_ * k_ + ne) = x.head(n_ * k_ + ne);
      w.segment(n_ * k_ + static_cast<Eigen::Index>(node.envelope.size()), nt * k_) = x.segment(tri_base, nt * k_);
      node.warm = w;
    }
    return ev;
  }

  /// The relaxation without its auxiliary variables, when each one-sided sample's bound is a single
  /// squared hinge c max(0, <x_i, w_j> + b)^2 (one unfixed unit, no fixed active unit, and b = 0 if the
  /// bound is exact): solved in the weights alone (qp/squared_hinge.hpp), then lifted back and accepted only
  /// as a KKT point of the relaxation's QP to the solver's own tolerance, with a small complementarity gap,
  /// so the bound is the one the QP solver would certify. Otherwise false, with x and gap untouched (the
  /// attempt still counts in qps): the caller solves the QP. Measured (callgrind, one thread, same nodes and QPs): Set Cover |U| = 6
  /// 3.37 M -> 1.53 M instructions, |U| = 10 6.04 M -> 2.37 M.
  template <class GoodEnough>
  bool solve_in_weight_space(const SearchNode<Scalar>& node, const std::vector<OneSided>& forms,
                             const std::vector<Eigen::Index>& hinge_rows, const Matrix& H, const Vector& g,
                             const Matrix& C, const Vector& d, Eigen::Index cells, const Vector& start,
                             SquaredHingeCore<Scalar>& hinge, std::uint64_t& qps, Vector& x, Scalar& gap,
                             GoodEnough good_enough) const {
    const Eigen::Index nk = n_ * k_, ne = static_cast<Eigen::Index>(forms.size());
    Matrix A = Matrix::Zero(ne, nk);
    Vector b(ne), c(ne);
    for (Eigen::Index e = 0; e < ne; ++e) {
      const OneSided& o = forms[static_cast<std::size_t>(e)];
      const Eigen::Index i = node.envelope[static_cast<std::size_t>(e)];
      const Scalar offset = -Scalar(o.side) * s_.y(i);
      if (o.active != 0 || std::popcount(o.unfixed) != 1 || (o.exact && offset != Scalar(0))) return false;
      A.row(e).segment(std::countr_zero(o.unfixed) * n_, n_) = s_.x.row(i);
      b(e) = offset;
      c(e) = s_.c(i);
    }
    Vector w = start.size() > 0 ? Vector(start.head(nk)) : Vector::Zero(nk);
    std::vector<Eigen::Index> working(static_cast<std::size_t>(cells));
    for (Eigen::Index q = 0; q < cells; ++q) working[static_cast<std::size_t>(q)] = q;
    Vector cell_multipliers;
    int iterations = 0;
    const Scalar tol = qp::QpOptions<Scalar>{}.tolerance;
    ++qps;
    const CoreOutcome outcome =
        hinge.solve(H.topLeftCorner(nk, nk), g.head(nk), A, b, c, C.topLeftCorner(cells, nk), d.head(cells), tol,
                    static_cast<int>(4 * (nk + cells + ne) + 40), w, working, cell_multipliers, iterations);
    if (outcome != CoreOutcome::optimal) return false;
    Vector lifted(H.rows()), lambda = Vector::Zero(C.rows());
    lifted.head(nk) = w;
    lambda.head(cells) = cell_multipliers;
    for (Eigen::Index e = 0; e < ne; ++e) {
      const Scalar v = std::max(Scalar(0), Scalar(A.row(e).dot(w) + b(e)));
      lifted(nk + e) = v;
      lambda(hinge_rows[static_cast<std::size_t>(e)]) = Scalar(2) * c(e) * v;
    }
    const Vector no_balls;
    const qp::KktResiduals kkt = qp::kkt_residuals(H, g, C, d, balls_, lifted, lambda, no_balls);
    if (!(kkt.max() <= static_cast<double>(Scalar(10000) * tol))) return false;
    const Scalar lifted_gap = complementarity_gap(C, d, balls_, lifted, lambda, no_balls);
    if (!good_enough(lifted, lifted_gap)) return false;
    audit_residuals(kkt);
    x = std::move(lifted);
    gap = lifted_gap;
    return true;
  }

  /// A sample whose one-sided bound is only its overshoot: untouched group, label of the class's
  /// common sign (not convex, so c y^2 does not bound it).
  bool is_overshoot_only(const SearchNode<Scalar>& node, const OneSided& o, Eigen::Index i) const {
    return !o.exact && group_untouched(node, groups_.group[static_cast<std::size_t>(i)]);
  }

  /// Models the overshooting samples with the largest excess, keeping at most 2 n k overshoot-only
  /// samples and 4 n k envelope samples in all in the node's relaxation (the first `existing` envelope
  /// entries were there before). Unbudgeted, each adds a variable to every relaxation below; measured
  /// on planted instances (one thread): (200, 2, 1) 25x and (60, 4, 2) 2x slower. With 2 n k alone,
  /// (1000, 3, 1), whose relaxations already hold many envelope samples, ran 5x slower per node. The
  /// two budgets keep most of the node savings ((40, 3, 2) 7523 -> 1293 nodes, (60, 4, 2) 5574 -> 990,
  /// Set Cover |U| = 10 43 -> 13) and leave (1000, 3, 1) as it was.
  void add_overshoot_samples(SearchNode<Scalar>& node, const SignClass& cls, std::size_t existing,
                             std::vector<std::pair<Scalar, Eigen::Index>>& overshooting) const {
    if (overshooting.empty()) return;
    const std::int64_t nk = static_cast<std::int64_t>(n_) * k_;
    std::int64_t budget = 2 * nk;
    for (std::size_t e = 0; e < existing; ++e)
      if (is_overshoot_only(node, one_sided(node, cls, node.envelope[e]), node.envelope[e])) --budget;
    budget = std::min(budget, 4 * nk - static_cast<std::int64_t>(node.envelope.size()));
    if (budget <= 0) return;
    const auto last = overshooting.begin() + std::min(budget, static_cast<std::int64_t>(overshooting.size()));
    std::partial_sort(overshooting.begin(), last, overshooting.end(),
                      [](const auto& l, const auto& r) { return l.first > r.first || (l.first == r.first && l.second < r.second); });
    for (auto it = overshooting.begin(); it != last; ++it) node.envelope.push_back(it->second);
  }

  /// The relaxation's objective at x = (theta, v, u) in residual form: accurate even when the optimum
  /// is many orders of magnitude below sum c_i y_i^2 (no cancellation against the constant).
  Scalar relaxation_value(const SearchNode<Scalar>& node, const SignClass& cls, const Vector& x) const {
    const auto& a = cls.signs;
    std::vector<char> modelled(static_cast<std::size_t>(m_), 0);
    for (Eigen::Index i : node.envelope) modelled[static_cast<std::size_t>(i)] = 1;
    for (Eigen::Index i : node.triangle) modelled[static_cast<std::size_t>(i)] = 1;
    CompensatedSum<Scalar> sum;
    for (Eigen::Index i = 0; i < m_; ++i) {
      const Scalar c = s_.c(i), y = s_.y(i);
      if (groups_.group[static_cast<std::size_t>(i)] < 0) {
        sum.add(c * y * y);
      } else if (sample_fixed(node, i)) {
        Scalar f(0);
        for (int j = 0; j < k_; ++j)
          if (sample_activity(node, i, j)) f += Scalar(a[static_cast<std::size_t>(j)]) * s_.x.row(i).dot(x.segment(j * n_, n_));
        sum.add(c * (f - y) * (f - y));
      } else if (!modelled[static_cast<std::size_t>(i)] && counts_label(node, cls, i)) {
        sum.add(c * y * y);
      }
    }
    for (std::size_t e = 0; e < node.envelope.size(); ++e) {
      const Scalar v = x(n_ * k_ + static_cast<Eigen::Index>(e));
      sum.add(s_.c(node.envelope[e]) * v * v);
    }
    const Eigen::Index tri_base = n_ * k_ + static_cast<Eigen::Index>(node.envelope.size());
    for (std::size_t e = 0; e < node.triangle.size(); ++e) {
      const Eigen::Index i = node.triangle[e];
      Scalar f(0);
      for (int j = 0; j < k_; ++j)
        f += Scalar(a[static_cast<std::size_t>(j)]) * x(tri_base + static_cast<Eigen::Index>(e) * k_ + j);
      sum.add(s_.c(i) * (f - s_.y(i)) * (f - s_.y(i)));
    }
    return sum.value();
  }

  /// The exact minimiser of the full pattern that theta induces: an upper bound at most theta's loss.
  /// Nearby nodes' minimisers often induce the same pattern; `polished` holds hashes of the patterns
  /// this worker has solved already, which are skipped (a hash collision only skips an upper bound).
  Vector polish(const std::vector<int>& a, const Vector& theta, qp::ConvexQp<Scalar>& solver, std::uint64_t& qps,
                std::unordered_set<std::uint64_t>& polished) const {
    Pattern P(m_, k_);
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the signs and the pattern bits
    const auto mix = [&hash](std::uint64_t v) { hash = (hash ^ v) * 1099511628211ULL; };
    for (int aj : a) mix(static_cast<std::uint64_t>(aj + 2));
    for (Eigen::Index i = 0; i < m_; ++i)
      for (int j = 0; j < k_; ++j) {
        P(i, j) = s_.x.row(i).dot(theta.segment(j * n_, n_)) > Scalar(0);
        mix(P(i, j) ? 1U : 0U);
      }
    if (polished.size() >= polish_memory) polished.clear();
    if (!polished.insert(hash).second) return theta;
    PatternProblem<Scalar> problem(s_, k_);
    problem.assemble(a, P);
    solver.warm_start_point(theta);
    Vector x;
    if (!robust_solve(solver, problem.hessian(), problem.gradient(), problem.constraints(), problem.rhs(), balls_, qps, x))
      return theta;
    return x;
  }

  /// Units of group grp that its next branching fixes: in a mixed sign class, first the units of the
  /// sign its labels favour (then its samples get the one-sided bound), later the others; otherwise
  /// every unfixed unit. Units in `dead` (zero weights at the minimiser) wait, if any other can go.
  std::uint32_t units_to_fix(const SearchNode<Scalar>& node, int grp, std::uint32_t dead) const {
    const SignClass& cls = classes_[static_cast<std::size_t>(node.sign_class)];
    std::uint32_t unfixed = 0;
    for (int j = 0; j < k_; ++j)
      if (node.activity[static_cast<std::size_t>(grp * k_ + j)] < 0) unfixed |= 1U << j;
    std::uint32_t units = unfixed;
    if (cls.common_sign == 0 && options_.techniques.side_branching && unfixed == (1U << k_) - 1U) {
      const int side = label_side_[static_cast<std::size_t>(grp)];
      units = 0;
      for (int j = 0; j < k_; ++j)
        if (cls.signs[static_cast<std::size_t>(j)] == side) units |= 1U << j;
    }
    // A unit with w_j = 0 at the relaxation's minimiser lies in the closure of both of its cells for
    // every sample, so fixing it gives children with the same minimiser and bound: an exponential
    // plateau (seen on planted (100, 3, 2), where one unit dies in the relaxation). Leave such units
    // unfixed while another unit can be fixed, unless a tied partner (symmetry order) is fixed now.
    if (!options_.techniques.defer_dead_units) return units;
    std::uint32_t live = units & ~dead, before = 0;
    while (live != before) {  // ties chain (j, l), (l, m): repeat until nothing is added
      before = live;
      for (int j = 0; j < k_; ++j) {
        const int l = cls.next_same[static_cast<std::size_t>(j)];
        if (l < 0 || !node.tied[static_cast<std::size_t>(j)]) continue;
        const std::uint32_t pair = (1U << j) | (1U << l);
        if ((units & pair) == pair && (live & pair) != 0) live |= pair;
      }
    }
    return live != 0 ? live : units;
  }

  /// Units whose weights at theta are zero up to 1e-9 of the largest weight (none when theta = 0).
  std::uint32_t dead_units(const Vector& theta) const {
    const Scalar top = theta.size() > 0 ? Scalar(theta.cwiseAbs().maxCoeff()) : Scalar(0);
    std::uint32_t dead = 0;
    if (!(top > Scalar(0))) return dead;
    for (int j = 0; j < k_; ++j)
      if (theta.segment(j * n_, n_).cwiseAbs().maxCoeff() <= Scalar(1e-9) * top) dead |= 1U << j;
    return dead;
  }

  /// Children of a node on group grp: activity vectors of units_to_fix() respecting the symmetry
  /// order (units of equal sign are fixed together, so each tied pair is decided at once).
  void branch(const SearchNode<Scalar>& node, int grp, std::uint32_t dead, Scalar bound,
              std::vector<SearchNode<Scalar>>& out) const {
    const SignClass& cls = classes_[static_cast<std::size_t>(node.sign_class)];
    const std::uint32_t units = units_to_fix(node, grp, dead);
    for (std::uint32_t bits = 0; bits < (1U << k_); ++bits) {
      if (bits & ~units) continue;
      bool ok = true;
      for (int j = 0; j < k_ && ok; ++j) {
        const int l = cls.next_same[static_cast<std::size_t>(j)];
        if (l >= 0 && ((units >> j) & 1U) && node.tied[static_cast<std::size_t>(j)] &&
            ((bits >> j) & 1U) < ((bits >> l) & 1U))
          ok = false;
      }
      if (!ok) continue;
      SearchNode<Scalar> child;
      child.sign_class = node.sign_class;
      child.activity = node.activity;
      for (int j = 0; j < k_; ++j)
        if ((units >> j) & 1U)
          child.activity[static_cast<std::size_t>(grp * k_ + j)] = static_cast<std::int8_t>((bits >> j) & 1U);
      child.fixed_order = node.fixed_order;
      child.fixed_order.push_back(grp);
      child.tied = node.tied;
      for (int j = 0; j < k_; ++j) {
        const int l = cls.next_same[static_cast<std::size_t>(j)];
        if (l >= 0 && ((units >> j) & 1U))
          child.tied[static_cast<std::size_t>(j)] =
              node.tied[static_cast<std::size_t>(j)] && (((bits >> j) & 1U) == ((bits >> l) & 1U));
      }
      // The branched group's samples change form: drop their auxiliary variables (they come back lazily).
      child.envelope.clear();
      for (Eigen::Index i : node.envelope)
        if (groups_.group[static_cast<std::size_t>(i)] != grp) child.envelope.push_back(i);
      child.triangle.clear();
      for (Eigen::Index i : node.triangle)
        if (groups_.group[static_cast<std::size_t>(i)] != grp) child.triangle.push_back(i);
      if ((child.envelope.size() == node.envelope.size() && child.triangle.size() == node.triangle.size()) ||
          node.warm.size() < n_ * k_)
        child.warm = node.warm;
      else
        child.warm = node.warm.head(n_ * k_);
      child.bound = bound;
      out.push_back(std::move(child));
    }
  }

  /// Ends the search on every thread; the first failure is kept for run() to rethrow.
  void stop_all(std::exception_ptr failure) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_) failure_ = std::move(failure);
    stop_ = true;
    wake_.notify_all();
  }

  void guarded_worker() {
    try {
      worker();
    } catch (...) {
      stop_all(std::current_exception());
    }
  }

  void worker() {
    qp::ConvexQp<Scalar> solver;
    SquaredHingeCore<Scalar> hinge;
    std::unordered_set<std::uint64_t> polished_patterns;
    std::vector<SearchNode<Scalar>> children;
    for (;;) {
      SearchNode<Scalar> node;
      Scalar incumbent;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
          if (stop_) return;
          if (!open_.empty() || !dive_.empty()) break;
          if (busy_ == 0) {
            stop_ = true;
            wake_.notify_all();
            return;
          }
          wake_.wait(lock);
        }
        if (!check_budgets()) {
          stop_ = true;
          wake_.notify_all();
          return;
        }
        node = take_next();
        incumbent = best_error_;
        if (node.bound >= incumbent - tolerance(incumbent)) {  // pruned by an improved incumbent
          floor_ = std::min(floor_, node.bound);
          continue;
        }
        ++busy_;
        in_progress_bounds_.insert(node.bound);
        ++nodes_;
      }
      std::uint64_t qps = 0;
      const Scalar parent_bound = node.bound;
      Evaluation ev = evaluate(node, solver, hinge, qps);
      const auto& a = classes_[static_cast<std::size_t>(node.sign_class)].signs;
      Scalar node_bound = parent_bound;
      Vector best_here;
      Scalar best_here_error = NumericTraits<Scalar>::infinity();
      int branch_group = -1;
      if (ev.solved) {
        node_bound = std::max(parent_bound, ev.bound);
        const Scalar err = true_error(a, ev.theta);
        best_here = ev.theta;
        best_here_error = err;
        // Branch on the group whose samples' terms the relaxation underestimates most at its minimiser.
        std::vector<Scalar> hurt(static_cast<std::size_t>(groups_.count()), Scalar(0));
        Scalar total_hurt(0);
        const SignClass& cls = classes_[static_cast<std::size_t>(node.sign_class)];
        std::vector<char> enveloped(static_cast<std::size_t>(m_), 0);
        for (Eigen::Index i : node.envelope) enveloped[static_cast<std::size_t>(i)] = 1;
        for (Eigen::Index i = 0; i < m_; ++i) {
          if (sample_fixed(node, i)) continue;
          Scalar f(0);
          for (int j = 0; j < k_; ++j) {
            const Scalar z = s_.x.row(i).dot(ev.theta.segment(j * n_, n_));
            if (z > Scalar(0)) f += Scalar(a[static_cast<std::size_t>(j)]) * z;
          }
          const Scalar r = f - s_.y(i);
          Scalar modelled(0);  // the sample's term in the bound, at theta
          if (enveloped[static_cast<std::size_t>(i)])
            modelled = one_sided_value(cls, one_sided(node, cls, i), i, ev.theta);
          else if (counts_label(node, cls, i))
            modelled = abs_of(s_.y(i));
          const Scalar gap = s_.c(i) * (r * r - modelled * modelled);
          if (!(gap > Scalar(0))) continue;
          hurt[static_cast<std::size_t>(groups_.group[static_cast<std::size_t>(i)])] += gap;
          total_hurt += gap;
        }
        Scalar worst(0);
        for (int grp = 0; grp < groups_.count(); ++grp)
          if (hurt[static_cast<std::size_t>(grp)] > worst) {
            worst = hurt[static_cast<std::size_t>(grp)];
            branch_group = grp;
            if (!options_.techniques.worst_sample_branching) break;  // the first group that needs it
          }
        // theta is optimal in this subtree when the terms the bound underestimates are exact at it
        if (branch_group >= 0 && total_hurt <= tolerance(err) * Scalar(0.5)) branch_group = -1;
        // Polish only a minimiser that already beats the incumbent (and not at a node the incumbent
        // prunes anyway). Polishing minimisers up to 4x the incumbent as well cost QPs (colouring
        // triangle 33 -> 36, 5% more instructions) and changed no final incumbent or node count
        // (measured: 24 planted instances, Set Cover |U| = 6, the triangle, (100, 3, 2) capped at 20 s).
        if (options_.techniques.polish && err > ev.bound + tolerance(err) && err < incumbent - tolerance(incumbent) &&
            node_bound < incumbent - tolerance(incumbent)) {
          const Vector polished = polish(a, ev.theta, solver, qps, polished_patterns);
          const Scalar perr = true_error(a, polished);
          if (perr < best_here_error) {
            best_here = polished;
            best_here_error = perr;
          }
        }
      } else {
        // No bound from this node: branch on the first group not fully fixed that holds a sample whose
        // term the bound does not already model exactly.
        const SignClass& cls = classes_[static_cast<std::size_t>(node.sign_class)];
        for (int grp = 0; grp < groups_.count() && branch_group < 0; ++grp)
          if (!group_fixed(node, grp))
            for (Eigen::Index i : groups_.members[static_cast<std::size_t>(grp)])
              if (!(options_.techniques.convex_epigraph && is_convex_sample(cls, i))) branch_group = grp;
      }
      children.clear();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        qps_ += qps;
        if (!ev.solved) numerical_trouble_ = true;
        if (best_here.size() > 0) consider_incumbent(a, best_here, best_here_error);
        const Scalar tol = tolerance(best_error_);
        if (node_bound >= best_error_ - tol) {
          floor_ = std::min(floor_, node_bound);
        } else if (branch_group < 0) {
          // leaf: the relaxation is exact here (or unsolvable with nothing left to fix)
          floor_ = std::min(floor_, ev.solved ? std::min(node_bound, best_here_error) : node_bound);
          if (!ev.solved) numerical_trouble_ = true;
        }
      }
      const bool expand = branch_group >= 0 && node_bound < best_error_snapshot() - tolerance(best_error_snapshot());
      if (expand) {
        node.warm = ev.solved ? node.warm : Vector();
        branch(node, branch_group, ev.solved ? dead_units(ev.theta) : 0U, node_bound, children);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        store_children(children);
        in_progress_bounds_.erase(in_progress_bounds_.find(parent_bound));
        --busy_;
        report_progress();
        wake_.notify_all();
      }
    }
  }

  /// Memory held by an open node (its vectors' heap blocks included).
  static std::size_t node_bytes(const SearchNode<Scalar>& node) {
    return sizeof(SearchNode<Scalar>) + node.activity.capacity() + node.fixed_order.capacity() * sizeof(int) +
           node.tied.capacity() + (node.envelope.capacity() + node.triangle.capacity()) * sizeof(Eigen::Index) +
           static_cast<std::size_t>(node.warm.size()) * sizeof(Scalar);
  }

  /// Called with the lock held: the next node, from the depth-first stack while it has any.
  SearchNode<Scalar> take_next() {
    SearchNode<Scalar> node;
    if (!dive_.empty()) {
      node = std::move(dive_.back());
      dive_.pop_back();
    } else {
      // (moved out, not copied as priority_queue::top() would, while the other threads wait for the lock)
      std::pop_heap(open_.begin(), open_.end(), NodeOrder<Scalar>{});
      node = std::move(open_.back());
      open_.pop_back();
    }
    open_bytes_ -= std::min(open_bytes_, node_bytes(node));
    return node;
  }

  /// Called with the lock held. Best-first while the open nodes fit in options.memory_limit_bytes;
  /// beyond it, children go on a depth-first stack, which holds at most depth x branching nodes, so
  /// memory stays bounded and the search still ends with the same certificate.
  void store_children(std::vector<SearchNode<Scalar>>& children) {
    std::size_t bytes = 0;
    for (auto& c : children) {
      c.sequence = sequence_++;
      bytes += node_bytes(c);
    }
    if (open_bytes_ + bytes > options_.memory_limit_bytes) {
      for (auto it = children.rbegin(); it != children.rend(); ++it) dive_.push_back(std::move(*it));
    } else {
      for (auto& c : children) push_open(std::move(c));
    }
    open_bytes_ += bytes;
    peak_open_bytes_ = std::max(peak_open_bytes_, open_bytes_);
    peak_open_nodes_ = std::max<std::uint64_t>(peak_open_nodes_, open_.size() + dive_.size());
  }

  /// Called with the lock held.
  void push_open(SearchNode<Scalar> node) {
    open_.push_back(std::move(node));
    std::push_heap(open_.begin(), open_.end(), NodeOrder<Scalar>{});
  }

  /// Smallest bound among the open nodes (infinity when none).
  Scalar open_minimum() const {
    Scalar lb = NumericTraits<Scalar>::infinity();
    if (!open_.empty()) lb = open_.front().bound;
    for (const auto& node : dive_) lb = std::min(lb, node.bound);
    return lb;
  }

  Scalar best_error_snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return best_error_;
  }

  /// Called with the lock held. False when a budget is exhausted (status set).
  bool check_budgets() {
    if (nodes_ >= options_.node_limit) {
      status_ = Status::node_limit;
      return false;
    }
    if (elapsed() > options_.time_limit_seconds) {
      status_ = Status::time_limit;
      return false;
    }
    if ((options_.cancel && options_.cancel()) || options_.stop_token.stop_requested()) {
      status_ = Status::cancelled;
      return false;
    }
    return true;
  }

  void report_progress() {
    if (!options_.progress) return;
    const double t = elapsed();
    if (t - last_progress_ < options_.progress_interval_seconds && nodes_ > 1) return;
    last_progress_ = t;
    Progress p;
    p.nodes = nodes_;
    p.open_nodes = open_.size() + dive_.size();
    p.qps = qps_;
    const Scalar to_loss = s_.label_scale * s_.label_scale / total_weight_;
    Scalar lb = std::min(floor_, open_minimum());
    if (!in_progress_bounds_.empty()) lb = std::min(lb, *in_progress_bounds_.begin());
    lb = std::min(lb, best_error_);
    p.incumbent = static_cast<double>(best_error_ * to_loss);
    p.lower_bound = std::max(0.0, static_cast<double>(lb * to_loss));
    p.gap = p.incumbent - p.lower_bound;
    p.elapsed_seconds = t;
    options_.progress(p);
  }

  const ScaledSamples<Scalar>& s_;
  const TrainOptions<Scalar>& options_;
  int k_;
  Eigen::Index n_, m_;
  SampleGroups<Scalar> groups_;
  std::vector<SignClass> classes_;
  std::vector<int> label_side_;  ///< per group: +1 if its weighted labels sum to >= 0, else -1
  std::optional<Scalar> scaled_radius_;
  std::vector<qp::BallConstraint<Scalar>> balls_;  ///< the radius on each unit's weights, if bounded
  Scalar total_weight_;
  Scalar scale_;  ///< sum c_i y_i^2 (scaled units)

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<SearchNode<Scalar>> open_;  ///< a heap in NodeOrder: the smallest bound at the front
  std::vector<SearchNode<Scalar>> dive_;  ///< depth-first stack, used while open nodes exceed the memory limit
  std::size_t open_bytes_ = 0;
  std::size_t peak_open_bytes_ = 0;
  std::uint64_t peak_open_nodes_ = 0;
  std::multiset<Scalar> in_progress_bounds_;
  int busy_ = 0;
  bool stop_ = false;
  std::exception_ptr failure_;
  std::uint64_t sequence_ = 0;
  std::uint64_t nodes_ = 0;
  std::uint64_t qps_ = 0;
  Scalar floor_ = NumericTraits<Scalar>::infinity();
  Scalar best_error_ = NumericTraits<Scalar>::infinity();
  Vector best_theta_;
  std::vector<int> best_signs_;
  Status status_ = Status::optimal;
  bool numerical_trouble_ = false;
  std::chrono::steady_clock::time_point start_;
  double last_progress_ = -1e300;
};

}  // namespace detail

/// Branch-and-bound global training. Prefer train_exact(samples, options) with Method::branch_and_bound.
/// `initial` networks (e.g. from local search) seed the incumbent.
template <SampleContainer Samples, class Scalar = typename Samples::scalar_type>
TrainResult<Scalar> train_branch_and_bound(const Samples& samples, const TrainOptions<Scalar>& options,
                                           const std::vector<Network<Scalar>>& initial = {}) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  options.validate();
  detail::check_training_samples(samples, "train_exact");
  const auto start = std::chrono::steady_clock::now();
  const auto s = detail::scaled_copy<Scalar>(samples);
  const Eigen::Index n = s.dim();
  const int k = options.units;
  detail::BranchAndBound<Scalar> search(s, options);

  // Incumbents: the zero network, then the caller's networks that fit the signs and radius.
  const auto classes = detail::sign_classes(options.signs, k);
  search.offer(classes.front().signs, Vector::Zero(n * k));
  for (const auto& net : initial) {
    if (net.units() != k || net.dim() != n) continue;
    std::vector<int> a(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) a[static_cast<std::size_t>(j)] = net.signs()(j) > Scalar(0) ? 1 : -1;
    Vector theta(n * k);
    for (int j = 0; j < k; ++j) theta.segment(j * n, n) = net.weights().row(j).transpose() * (s.input_scale / s.label_scale);
    bool admissible = options.signs.kind() == Signs::Kind::free ||
                      (options.signs.kind() == Signs::Kind::all_plus && std::all_of(a.begin(), a.end(), [](int v) { return v == 1; })) ||
                      (options.signs.kind() == Signs::Kind::fixed && a == options.signs.values());
    if (options.radius)
      admissible = admissible && net.row_norms().maxCoeff() <= *options.radius * (Scalar(1) + Scalar(1e-12));
    if (admissible) search.offer(a, theta);
  }

  // (hardware_concurrency reads system files: microseconds, worth skipping when the answer is not used)
  int threads = 1;
  if (!detail::is_tiny_search(static_cast<std::int64_t>(s.size()), k))
    threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  search.run(threads);

  TrainResult<Scalar> result{detail::unscale_network(s, search.best_signs(), search.best_theta()), Scalar(0), Scalar(0)};
  result.loss = loss(result.network, samples);
  const Scalar to_loss = s.label_scale * s.label_scale / s.c.sum();
  const Scalar lb = search.lower_bound() * to_loss;
  result.lower_bound = lb > Scalar(0) ? std::min(lb, result.loss) : Scalar(0);
  result.nodes = search.nodes();
  result.qps = search.qps();
  result.peak_open_nodes = search.peak_open_nodes();
  result.peak_open_bytes = search.peak_open_bytes();
  result.status = search.status();
  if (result.status == Status::optimal) {
    const Scalar allowed = detail::gap_tolerance(options, result.loss, detail::label_scale_loss<Scalar>(samples));
    // A node whose relaxation could not be solved keeps its parent's bound and is still branched,
    // so the bound stays valid; only an open gap withholds the certificate.
    if (result.gap() > allowed) {
      result.status = Status::numerical_issue;
      result.message = search.numerical_trouble()
                           ? "some convex relaxations could not be solved and the gap stayed above the tolerance"
                           : "search ended with a gap above the tolerance";
    }
  } else {
    result.message = std::string("search stopped by ") + to_string(result.status) + "; best network and proven bound returned";
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace krelu
