#pragma once
/// \file
/// local_search: multi-start gradient descent for k-ReLU training, the fast heuristic baseline and
/// the source of incumbents (upper bounds) for the exact searches. It certifies nothing: its loss is
/// an upper bound on the global minimum, never a lower bound.

#include <Eigen/Dense>
#include <Eigen/QR>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "krelu/loss.hpp"
#include "krelu/network.hpp"
#include "krelu/qp/convex_qp.hpp"
#include "krelu/train/qp_audit.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/samples.hpp"
#include "krelu/train/options.hpp"
#include "krelu/traits.hpp"

namespace krelu {

/// The gradient phases run in every restart, before the optional least-squares polish.
enum class LocalSearchStep {
  adam,          ///< Adam (Kingma & Ba 2015) with an exponentially decaying step: explores, not monotone
  backtracking,  ///< (projected) gradient descent with Armijo backtracking: monotone, slow when ill-conditioned
  adam_then_backtracking  ///< Adam for the first half of max_iterations, then backtracking from Adam's best point
};

/// Options of local_search. Defaults: one unit, free signs, 20 restarts.
///
/// Every restart draws W with i.i.d. standard normal entries and multiplies it by one scale s > 0 chosen
/// from the data (the outputs are positively homogeneous in W): the least-squares optimal s when the
/// random outputs correlate positively with the labels, otherwise the s that makes the root mean square
/// output equal to the root mean square label; with a radius, s is capped so that every ||w_j|| <= radius.
/// With free signs the restarts cycle through the k + 1 sign classes a = (+1 x p, -1 x (k - p)),
/// p = k, k - 1, ..., 0 (every a in {-1, +1}^k is one of these up to a permutation of the units), so
/// each class gets restarts / (k + 1) restarts, rounded up for the first classes.
template <class Scalar = double>
struct LocalSearchOptions {
  int units = 1;                 ///< k >= 1 (at most 30, like TrainOptions)
  Signs signs = Signs::free();   ///< free, all_plus or fixed (same meaning as in TrainOptions)
  std::optional<Scalar> radius;  ///< if set: every w_j is projected onto the ball ||w_j|| <= radius after each step
  int restarts = 20;             ///< number of random starts, >= 1
  int max_iterations = 1000;     ///< gradient steps per restart (shared between the phases), >= 0
  LocalSearchStep step = LocalSearchStep::adam_then_backtracking;  ///< see LocalSearchStep
  /// Adam's initial step per weight, relative to the weight scale max(rms entry of W, sqrt(mean c y^2 /
  /// mean c ||x||^2)); > 0. It decays to a tenth over the Adam phase.
  double learning_rate = 0.1;
  double tolerance = 1e-10;  ///< a monotone phase stops when a step decreases the loss by a relative amount below this
  int patience =
      100;  ///< Adam stops when its best loss fell by a relative amount < stall_decrease over this many steps
  double stall_decrease = 1e-3;  ///< see patience; in [0, 1)
  bool polish = true;            ///< finish every restart with Gauss-Newton steps on the active pattern (see below)
  int polish_iterations = 50;    ///< at most this many least-squares solves per restart
  Eigen::Index polish_max_variables = 400;  ///< polish only when n k <= this (dense solves cost (n k)^2 per sample)
  /// The exact pattern problems of the polish (see local_search) run only when m k <= this.
  Eigen::Index polish_max_constraints = 4000;
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< checked between steps; > 0
  std::uint64_t seed = 0;  ///< the whole search is a deterministic function of the seed
  /// Restarts run on this many threads (0: hardware concurrency, at most `restarts`); the result does
  /// not depend on it.
  int threads = 0;
  /// If set, restart 0 starts from this network (its signs are used as they are) instead of a random point:
  /// the result is then never worse than it. Must have `units` units, the samples' dimension, signs allowed
  /// by `signs`, and respect the radius.
  std::optional<Network<Scalar>> initial;

  /// Throws std::invalid_argument naming the field and its valid range.
  void validate() const {
    using std::isfinite;
    if (units < 1 || units > 30)
      throw std::invalid_argument("LocalSearchOptions.units must be in [1, 30], got " + std::to_string(units));
    signs.validate(units);
    if (radius && (!(*radius > Scalar(0)) || !is_finite(*radius)))
      throw std::invalid_argument("LocalSearchOptions.radius must be finite and > 0 when set");
    if (restarts < 1)
      throw std::invalid_argument("LocalSearchOptions.restarts must be >= 1, got " + std::to_string(restarts));
    if (threads < 0)
      throw std::invalid_argument("LocalSearchOptions.threads must be >= 0 (0 = all cores), got " +
                                  std::to_string(threads));
    if (max_iterations < 0)
      throw std::invalid_argument("LocalSearchOptions.max_iterations must be >= 0, got " +
                                  std::to_string(max_iterations));
    if (!(learning_rate > 0) || !isfinite(learning_rate))
      throw std::invalid_argument("LocalSearchOptions.learning_rate must be finite and > 0");
    if (!(tolerance >= 0) || !isfinite(tolerance))
      throw std::invalid_argument("LocalSearchOptions.tolerance must be finite and >= 0");
    if (patience < 1)
      throw std::invalid_argument("LocalSearchOptions.patience must be >= 1, got " + std::to_string(patience));
    if (!(stall_decrease >= 0) || !(stall_decrease < 1))
      throw std::invalid_argument("LocalSearchOptions.stall_decrease must be in [0, 1)");
    if (polish_iterations < 0)
      throw std::invalid_argument("LocalSearchOptions.polish_iterations must be >= 0, got " +
                                  std::to_string(polish_iterations));
    if (polish_max_variables < 0) throw std::invalid_argument("LocalSearchOptions.polish_max_variables must be >= 0");
    if (polish_max_constraints < 0)
      throw std::invalid_argument("LocalSearchOptions.polish_max_constraints must be >= 0");
    if (!(time_limit_seconds > 0)) throw std::invalid_argument("LocalSearchOptions.time_limit_seconds must be > 0");
    if (initial) {
      if (initial->units() != units)
        throw std::invalid_argument("LocalSearchOptions.initial has " + std::to_string(initial->units()) +
                                    " units but units = " + std::to_string(units));
      for (Eigen::Index j = 0; j < initial->units(); ++j) {
        const int a = initial->signs()(j) > Scalar(0) ? 1 : -1;
        if (signs.kind() == Signs::Kind::all_plus && a != 1)
          throw std::invalid_argument("LocalSearchOptions.initial: unit " + std::to_string(j) +
                                      " has sign -1 but signs = all_plus");
        if (signs.kind() == Signs::Kind::fixed && a != signs.values()[static_cast<std::size_t>(j)])
          throw std::invalid_argument("LocalSearchOptions.initial: sign of unit " + std::to_string(j) +
                                      " differs from the fixed signs");
      }
      if (radius) {
        const auto norms = initial->row_norms();
        for (Eigen::Index j = 0; j < norms.size(); ++j)
          if (norms(j) > *radius * (Scalar(1) + Scalar(1e-12)))
            throw std::invalid_argument("LocalSearchOptions.initial: ||w_" + std::to_string(j) + "|| exceeds radius");
      }
    }
  }
};

/// What local_search found. `loss` equals krelu::loss(network, samples) (it is computed that way).
template <class Scalar = double>
struct LocalSearchResult {
  Network<Scalar> network;                     ///< best network over all restarts
  Scalar loss;                                 ///< its loss: an upper bound on the global minimum
  int best_restart = 0;                        ///< index of the restart that produced it
  std::vector<Scalar> restart_losses;          ///< final loss of every restart (one per restart run)
  std::vector<Scalar> restart_initial_losses;  ///< loss at each restart's starting point (>= the final one)
  std::vector<int> restart_positive_units;     ///< p of each restart's signs (number of +1 entries)
  std::uint64_t iterations = 0;                ///< gradient steps, all restarts
  std::uint64_t least_squares_solves = 0;      ///< polish least-squares solves, all restarts
  std::uint64_t pattern_qps = 0;               ///< polish pattern problems solved exactly, all restarts
  bool time_limit_reached = false;             ///< some restarts were cut short or skipped
  double seconds = 0;
};

namespace detail {

/// SplitMix64 (Steele, Lea & Flood 2014): turns (seed, restart) into independent generator seeds.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Copies a row in any form SampleContainer allows into a dense destination of the right length.
template <class Scalar, class Row, class Dest>
void copy_row_into(const Row& x, Dest&& dest) {
  if constexpr (is_sparse_expression_v<Row>) {
    using Plain = typename Eigen::internal::eval<std::decay_t<Row>>::type;
    const Plain xs = x;
    for (typename Plain::InnerIterator it(xs, 0); it; ++it) dest(it.index()) = Scalar(it.value());
  } else if constexpr (is_eigen_expression_v<Row>) {
    for (Eigen::Index j = 0; j < dest.size(); ++j) dest(j) = Scalar(x(j));
  } else {
    Eigen::Index j = 0;
    for (const auto& v : x) dest(j++) = Scalar(v);
  }
}

/// Any SampleContainer as a dense SampleSet with the given scalar (the search needs matrix products).
template <class Scalar, SampleContainer Samples>
SampleSet<Scalar> to_dense_sample_set(const Samples& s) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  const auto m = static_cast<Eigen::Index>(s.size());
  const auto n = static_cast<Eigen::Index>(s.dim());
  typename SampleSet<Scalar>::DenseMatrix X = SampleSet<Scalar>::DenseMatrix::Zero(m, n);
  Vector y(m), c(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    copy_row_into<Scalar>(s.row(i), X.row(i));
    y(i) = Scalar(s.label(i));
    c(i) = Scalar(s.weight(i));
  }
  return SampleSet<Scalar>(X, y, c);
}

/// The training loss as a function of W (k x n) for fixed signs a, with its gradient and the
/// Gauss-Newton step on the current activation pattern.
template <class Scalar, class Storage>
class ReluObjective {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Set = SampleSet<Scalar, Storage>;

  explicit ReluObjective(const Set& s) : s_(s), total_weight_(s.total_weight()) {
    label_scale_ = (s.weights().array() * s.labels().array().square()).sum() / total_weight_;
    Scalar x2(0);
    for (Eigen::Index i = 0; i < s.size(); ++i) x2 += s.weight(i) * row_squared_norm(i);
    input_scale_ = x2 / total_weight_;
  }

  /// Mean weighted y^2: the loss of the zero network, the scale every tolerance refers to.
  const Scalar& label_scale() const { return label_scale_; }
  /// Mean weighted ||x||^2.
  const Scalar& input_scale() const { return input_scale_; }
  Eigen::Index samples() const { return s_.size(); }
  Eigen::Index dim() const { return s_.dim(); }

  /// f(x_i) for all i.
  Vector outputs(const Matrix& W, const Vector& a) const {
    const Matrix z = s_.inputs() * W.transpose();
    return z.cwiseMax(Scalar(0)) * a;
  }

  /// Weighted means <f, y>_c and <f, f>_c (divided by sum c) of an output vector f.
  void moments(const Vector& f, Scalar& fy, Scalar& ff) const {
    fy = (s_.weights().array() * f.array() * s_.labels().array()).sum() / total_weight_;
    ff = (s_.weights().array() * f.array().square()).sum() / total_weight_;
  }

  Scalar loss(const Matrix& W, const Vector& a) const {
    const Vector r = outputs(W, a) - s_.labels();
    return (s_.weights().array() * r.array().square()).sum() / total_weight_;
  }

  /// The loss, and in G its gradient (2 / sum c) sum_i c_i r_i a_j 1[<w_j, x_i> > 0] x_i (row j).
  Scalar loss_and_gradient(const Matrix& W, const Vector& a, Matrix& G) const {
    const Matrix z = s_.inputs() * W.transpose();
    const Vector r = z.cwiseMax(Scalar(0)) * a - s_.labels();
    const Vector cr = s_.weights().cwiseProduct(r);
    Matrix M(z.rows(), z.cols());
    for (Eigen::Index j = 0; j < z.cols(); ++j)
      for (Eigen::Index i = 0; i < z.rows(); ++i) M(i, j) = z(i, j) > Scalar(0) ? cr(i) * a(j) : Scalar(0);
    G = (Scalar(2) / total_weight_) * (M.transpose() * s_.inputs());
    return (cr.array() * r.array()).sum() / total_weight_;
  }

  /// <w_j, x_i> for all i (rows) and j (columns).
  Matrix preactivations(const Matrix& W) const { return s_.inputs() * W.transpose(); }

  /// ||x_i||.
  Scalar row_norm(Eigen::Index i) const { return sqrt_of(row_squared_norm(i)); }

  /// The convex problem of signs a and pattern P in loss units: min 1/2 t'Ht + g't (+ constant) subject to
  /// C t >= 0, t = (w_1, ..., w_k): H = (2 / sum c) sum_i c_i phi_i phi_i', g = -(2 / sum c) sum_i c_i y_i phi_i
  /// with phi_i = (a_1 P_i1 x_i, ..., a_k P_ik x_i), and one row (2 P_ij - 1) x_i in block j per (i, j), x_i != 0.
  void pattern_problem(const Vector& a, const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>& P, Matrix& H,
                       Vector& g, Matrix& C) const {
    const Eigen::Index k = a.size(), n = dim(), nk = n * k;
    H = Matrix::Zero(nk, nk);
    g = Vector::Zero(nk);
    Eigen::Index rows = 0;
    for (Eigen::Index i = 0; i < samples(); ++i)
      if (row_squared_norm(i) > Scalar(0)) rows += k;
    C = Matrix::Zero(rows, nk);
    Vector x(n), phi(nk);
    Eigen::Index r = 0;
    for (Eigen::Index i = 0; i < samples(); ++i) {
      dense_row(i, x);
      phi.setZero();
      for (Eigen::Index j = 0; j < k; ++j)
        if (P(i, j)) phi.segment(j * n, n) = a(j) * x;
      const Scalar ci = Scalar(2) * s_.weight(i) / total_weight_;
      H.noalias() += ci * phi * phi.transpose();
      g -= (ci * s_.label(i)) * phi;
      if (!(row_squared_norm(i) > Scalar(0))) continue;
      for (Eigen::Index j = 0; j < k; ++j, ++r)
        C.row(r).segment(j * n, n) = (P(i, j) ? Scalar(1) : Scalar(-1)) * x.transpose();
    }
  }

  /// The minimum-norm least-squares weights on the activation pattern of W: the network is linear in
  /// W once the pattern P_ij = 1[<w_j, x_i> > 0] is fixed, f(x_i) = sum_j a_j P_ij <w_j, x_i>. Samples with
  /// no active unit are left out (their term does not depend on W). Solved by a complete orthogonal
  /// decomposition of the weighted design matrix, or of the normal equations when that matrix would have
  /// more than max_entries entries. Returns false if no sample has an active unit.
  bool pattern_least_squares(const Matrix& W, const Vector& a, Eigen::Index max_entries, Matrix& solution) const {
    const Eigen::Index k = W.rows(), n = W.cols(), nk = n * k;
    const Matrix z = s_.inputs() * W.transpose();
    std::vector<Eigen::Index> active;
    for (Eigen::Index i = 0; i < z.rows(); ++i)
      if ((z.row(i).array() > Scalar(0)).any()) active.push_back(i);
    if (active.empty()) return false;
    const auto rows = static_cast<Eigen::Index>(active.size());
    Vector theta;
    Vector x(n);
    if (rows * nk <= max_entries) {
      Matrix phi = Matrix::Zero(rows, nk);
      Vector rhs(rows);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const Eigen::Index i = active[static_cast<std::size_t>(r)];
        dense_row(i, x);
        const Scalar w = sqrt_of(s_.weight(i));
        for (Eigen::Index j = 0; j < k; ++j)
          if (z(i, j) > Scalar(0)) phi.block(r, j * n, 1, n) = (w * a(j)) * x.transpose();
        rhs(r) = w * s_.label(i);
      }
      theta = Eigen::CompleteOrthogonalDecomposition<Matrix>(phi).solve(rhs);
    } else {
      Matrix H = Matrix::Zero(nk, nk);
      Vector b = Vector::Zero(nk);
      Vector phi(nk);
      for (const Eigen::Index i : active) {
        dense_row(i, x);
        phi.setZero();
        for (Eigen::Index j = 0; j < k; ++j)
          if (z(i, j) > Scalar(0)) phi.segment(j * n, n) = a(j) * x;
        H.noalias() += s_.weight(i) * phi * phi.transpose();
        b += (s_.weight(i) * s_.label(i)) * phi;
      }
      theta = Eigen::CompleteOrthogonalDecomposition<Matrix>(H).solve(b);
    }
    solution.resize(k, n);
    for (Eigen::Index j = 0; j < k; ++j) solution.row(j) = theta.segment(j * n, n).transpose();
    return true;
  }

 private:
  Scalar row_squared_norm(Eigen::Index i) const {
    if constexpr (Set::is_sparse) {
      Scalar n2(0);
      for (typename Set::SparseMatrix::InnerIterator it(s_.inputs(), i); it; ++it) n2 += it.value() * it.value();
      return n2;
    } else {
      return s_.inputs().row(i).squaredNorm();
    }
  }
  void dense_row(Eigen::Index i, Vector& x) const {
    if constexpr (Set::is_sparse) {
      x.setZero();
      for (typename Set::SparseMatrix::InnerIterator it(s_.inputs(), i); it; ++it) x(it.col()) = it.value();
    } else {
      x = s_.inputs().row(i).transpose();
    }
  }

  const Set& s_;
  Scalar total_weight_;
  Scalar label_scale_;
  Scalar input_scale_;
};

/// The search itself on a SampleSet; local_search() validates and converts containers.
template <class Scalar, class Storage>
class LocalSearcher {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Clock = std::chrono::steady_clock;

  /// `start`: when the search began (its time limit counts from then).
  LocalSearcher(const SampleSet<Scalar, Storage>& s, const LocalSearchOptions<Scalar>& o, Clock::time_point start)
      : f_(s), o_(o), start_(start) {
    // Losses below this are rounding noise of the zero network's loss: stop, the fit is exact.
    floor_ = Scalar(64) * NumericTraits<Scalar>::epsilon() * NumericTraits<Scalar>::epsilon() * f_.label_scale();
  }

  struct Outcome {
    Matrix W;
    Vector a;
    Scalar initial_loss;
    Scalar loss;
  };

  bool out_of_time() const {
    if (std::isinf(o_.time_limit_seconds)) return false;
    return std::chrono::duration<double>(Clock::now() - start_).count() > o_.time_limit_seconds;
  }
  std::uint64_t iterations() const { return iterations_; }
  std::uint64_t solves() const { return solves_; }
  std::uint64_t qps() const { return qps_; }
  bool cut_short() const { return cut_short_; }

  /// The sign vector of restart r: (+1 x p, -1 x (k - p)).
  int positive_units(int restart) const {
    const int k = o_.units;
    switch (o_.signs.kind()) {
      case Signs::Kind::all_plus:
        return k;
      case Signs::Kind::fixed: {
        int p = 0;
        for (int v : o_.signs.values()) p += v == 1 ? 1 : 0;
        return p;
      }
      case Signs::Kind::free:
        break;
    }
    return k - restart % (k + 1);
  }

  Outcome run_restart(int restart) {
    const Eigen::Index k = o_.units;
    // a fresh solver: it would warm-start from the last restart's working set, and a restart must
    // depend on its index alone (the threads run restarts in any order)
    qp_ = qp::ConvexQp<Scalar>();
    Outcome out;
    if (restart == 0 && o_.initial) {
      out.W = o_.initial->weights();
      out.a = o_.initial->signs();
    } else {
      out.a.resize(k);
      if (o_.signs.kind() == Signs::Kind::fixed) {
        for (Eigen::Index j = 0; j < k; ++j) out.a(j) = Scalar(o_.signs.values()[static_cast<std::size_t>(j)]);
      } else {
        const int p = positive_units(restart);
        for (Eigen::Index j = 0; j < k; ++j) out.a(j) = j < p ? Scalar(1) : Scalar(-1);
      }
      std::mt19937_64 rng(splitmix64(o_.seed ^ splitmix64(static_cast<std::uint64_t>(restart))));
      out.W = random_start(out.a, rng);
    }
    out.initial_loss = f_.loss(out.W, out.a);
    out.loss = out.initial_loss;
    const int adam_steps = o_.step == LocalSearchStep::adam                     ? o_.max_iterations
                           : o_.step == LocalSearchStep::adam_then_backtracking ? o_.max_iterations / 2
                                                                                : 0;
    const int descent_steps = o_.max_iterations - adam_steps;
    if (adam_steps > 0) adam(out, adam_steps);
    if (descent_steps > 0) backtracking(out, descent_steps);
    if (o_.polish && f_.dim() * k <= o_.polish_max_variables) {
      polish(out);
      if (f_.samples() * k <= o_.polish_max_constraints) pattern_walk(out);
    }
    return out;
  }

 private:
  bool done(const Outcome& o) const { return o.loss <= floor_; }

  void project(Matrix& W) const {
    if (!o_.radius) return;
    for (Eigen::Index j = 0; j < W.rows(); ++j) {
      const Scalar norm = W.row(j).norm();
      if (norm > *o_.radius) W.row(j) *= *o_.radius / norm;
    }
  }

  Matrix random_start(const Vector& a, std::mt19937_64& rng) const {
    const Eigen::Index k = a.size(), n = f_.dim();
    std::normal_distribution<double> gauss;
    Matrix G(k, n);
    for (Eigen::Index j = 0; j < k; ++j)
      for (Eigen::Index l = 0; l < n; ++l) G(j, l) = Scalar(gauss(rng));
    if (!(f_.label_scale() > Scalar(0)) || !(f_.input_scale() > Scalar(0))) return Matrix::Zero(k, n);
    Scalar fy(0), ff(0);
    f_.moments(f_.outputs(G, a), fy, ff);
    const Scalar l0 = f_.label_scale();
    Scalar s;
    if (ff > Scalar(0) && fy > Scalar(0))
      s = fy / ff;
    else if (ff > Scalar(0))
      s = sqrt_of(l0 / ff);
    else  // every random unit is dead on every sample: fall back to the data's weight scale
      s = sqrt_of(l0 / f_.input_scale()) / sqrt_of(Scalar(n));
    if (o_.radius) {
      const Scalar largest = G.rowwise().norm().maxCoeff();
      if (largest > Scalar(0) && s * largest > *o_.radius) s = *o_.radius / largest;
    }
    return s * G;
  }

  /// Typical magnitude of one weight: the larger of the current root mean square entry and the
  /// data's scale sqrt(mean c y^2 / mean c ||x||^2) (a weight norm whose outputs match the labels).
  Scalar weight_scale(const Matrix& W) const {
    const Scalar entries = Scalar(static_cast<double>(W.size() > 0 ? W.size() : 1));
    const Scalar rms = W.norm() / sqrt_of(entries);
    const Scalar data = f_.input_scale() > Scalar(0) ? sqrt_of(f_.label_scale() / f_.input_scale()) : Scalar(0);
    const Scalar scale = rms > data ? rms : data;
    return scale > Scalar(0) ? scale : Scalar(1);
  }

  void adam(Outcome& best, int steps) {
    if (done(best) || steps <= 0) return;
    Matrix W = best.W, G;
    Matrix m1 = Matrix::Zero(W.rows(), W.cols()), m2 = m1;
    const Scalar lr0 = Scalar(o_.learning_rate) * weight_scale(W);
    const Scalar beta1(0.9), beta2(0.999);
    Scalar b1t(1), b2t(1), adam_eps(0);
    Scalar window_start = best.loss;
    for (int t = 0; t < steps; ++t) {
      if (out_of_time()) {
        cut_short_ = true;
        return;
      }
      const Scalar l = f_.loss_and_gradient(W, best.a, G);
      ++iterations_;
      if (l < best.loss) {
        best.loss = l;
        best.W = W;
        if (done(best)) return;
      }
      if (t == 0) {
        const Scalar rms = G.norm() / sqrt_of(Scalar(static_cast<double>(G.size() > 0 ? G.size() : 1)));
        if (!(rms > Scalar(0))) return;  // a stationary point (e.g. all units dead): nothing to follow
        adam_eps = Scalar(1e-8) * rms;
      }
      if ((t + 1) % o_.patience == 0) {
        if (window_start - best.loss <= Scalar(o_.stall_decrease) * window_start) return;
        window_start = best.loss;
      }
      b1t *= beta1;
      b2t *= beta2;
      m1 = beta1 * m1 + (Scalar(1) - beta1) * G;
      m2 = beta2 * m2 + (Scalar(1) - beta2) * G.cwiseAbs2();
      // The step decays to a tenth over the phase so that Adam settles instead of circling.
      const Scalar lr = lr0 * Scalar(std::pow(0.1, static_cast<double>(t) / static_cast<double>(steps)));
      const Scalar c1 = Scalar(1) - b1t, c2 = Scalar(1) - b2t;
      for (Eigen::Index j = 0; j < W.rows(); ++j)
        for (Eigen::Index d = 0; d < W.cols(); ++d)
          W(j, d) -= lr * (m1(j, d) / c1) / (sqrt_of(m2(j, d) / c2) + adam_eps);
      project(W);
    }
    const Scalar l = f_.loss(W, best.a);
    if (l < best.loss) {
      best.loss = l;
      best.W = W;
    }
  }

  /// Projected gradient descent with the Armijo rule L(W+) <= L(W) - (1e-4 / t) ||W+ - W||^2.
  void backtracking(Outcome& best, int steps) {
    if (done(best) || steps <= 0) return;
    Matrix W = best.W, G;
    Scalar l = f_.loss_and_gradient(W, best.a, G);
    Scalar t(0);
    {
      const Scalar gn = G.norm();
      if (!(gn > Scalar(0))) return;
      t = Scalar(0.1) * weight_scale(W) * sqrt_of(Scalar(static_cast<double>(W.size()))) / gn;
    }
    for (int it = 0; it < steps; ++it) {
      if (out_of_time()) {
        cut_short_ = true;
        break;
      }
      bool accepted = false;
      Matrix trial;
      Scalar lt(0);
      for (int h = 0; h < 60; ++h) {
        trial = W - t * G;
        project(trial);
        const Scalar moved = (trial - W).squaredNorm();
        if (!(moved > Scalar(0))) break;
        lt = f_.loss(trial, best.a);
        if (lt <= l - Scalar(1e-4) / t * moved) {
          accepted = true;
          break;
        }
        t /= Scalar(2);
      }
      ++iterations_;
      if (!accepted) break;
      const Scalar decrease = l - lt;
      W = trial;
      l = f_.loss_and_gradient(W, best.a, G);
      if (l < best.loss) {
        best.loss = l;
        best.W = W;
      }
      if (done(best) || decrease <= Scalar(o_.tolerance) * (l + decrease)) break;
      t *= Scalar(2);
    }
  }

  /// Gauss-Newton on the activation pattern: move toward the pattern's least-squares weights,
  /// halving the step until the loss decreases (projected onto the balls when bounded).
  void polish(Outcome& best) {
    for (int it = 0; it < o_.polish_iterations && !done(best); ++it) {
      if (out_of_time()) {
        cut_short_ = true;
        return;
      }
      Matrix target;
      if (!f_.pattern_least_squares(best.W, best.a, Eigen::Index{1} << 23, target)) return;
      ++solves_;
      const Matrix direction = target - best.W;
      Scalar t(1);
      bool accepted = false;
      Matrix trial;
      Scalar lt(0);
      for (int h = 0; h < 40; ++h, t /= Scalar(2)) {
        trial = best.W + t * direction;
        project(trial);
        lt = f_.loss(trial, best.a);
        if (lt < best.loss) {
          accepted = true;
          break;
        }
      }
      if (!accepted) return;
      const Scalar decrease = best.loss - lt;
      best.W = trial;
      best.loss = lt;
      if (decrease <= Scalar(o_.tolerance) * (lt + decrease)) return;
    }
  }

  /// Exact pattern problems: with P the activation pattern of the current point, minimise the loss over
  /// the closure of P's region (the convex problem of Lemma 22 for (a, P), balls included, solved by
  /// qp::ConvexQp from the current point, which is feasible). Where that makes no progress, try the
  /// neighbouring pattern that also activates the (unit, sample) pairs on the boundary <w_j, x_i> = 0.
  /// Points are kept only if the true loss decreases. This settles the kinks where gradient steps stall.
  void pattern_walk(Outcome& best) {
    using Pattern = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>;
    for (int it = 0; it < o_.polish_iterations && !done(best); ++it) {
      if (out_of_time()) {
        cut_short_ = true;
        return;
      }
      const Matrix z = f_.preactivations(best.W);
      const Pattern P = (z.array() > Scalar(0)).matrix();
      Matrix candidate;
      Scalar lc(0);
      bool improved = solve_pattern(best, P, candidate, lc) && lc < best.loss;
      if (!improved) {
        // Boundary pairs: |<w_j, x_i>| tiny relative to ||w_j|| ||x_i||.
        Pattern Q = P;
        bool any = false;
        const Scalar tol = Scalar(1e3) * NumericTraits<Scalar>::epsilon();
        for (Eigen::Index j = 0; j < z.cols(); ++j) {
          const Scalar wn = best.W.row(j).norm();
          for (Eigen::Index i = 0; i < z.rows(); ++i)
            if (!P(i, j) && abs_of(z(i, j)) <= tol * wn * f_.row_norm(i) && f_.row_norm(i) > Scalar(0)) {
              Q(i, j) = true;
              any = true;
            }
        }
        if (!any) return;
        improved = solve_pattern(best, Q, candidate, lc) && lc < best.loss;
      }
      if (!improved) return;
      const Scalar decrease = best.loss - lc;
      best.W = candidate;
      best.loss = lc;
      if (decrease <= Scalar(o_.tolerance) * (lc + decrease)) return;
    }
  }

  /// Solves the convex problem of (best.a, P) from best.W; false unless the solver reports optimal.
  bool solve_pattern(const Outcome& best, const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>& P,
                     Matrix& candidate, Scalar& candidate_loss) {
    Matrix H;
    Vector g;
    Matrix C;
    f_.pattern_problem(best.a, P, H, g, C);
    const Eigen::Index k = best.W.rows(), n = best.W.cols();
    Vector start(n * k);
    for (Eigen::Index j = 0; j < k; ++j) start.segment(j * n, n) = best.W.row(j).transpose();
    std::vector<qp::BallConstraint<Scalar>> balls;
    if (o_.radius)
      for (Eigen::Index j = 0; j < k; ++j) balls.push_back({j * n, n, *o_.radius});
    qp_.warm_start_point(start);
    qp_.compute(H, g, C, Vector::Zero(C.rows()), balls);
    ++qps_;
    if (qp_.info() != qp::QpStatus::optimal) return false;
    audit_accepted(qp_);
    const Vector& theta = qp_.solution();
    candidate.resize(k, n);
    for (Eigen::Index j = 0; j < k; ++j) candidate.row(j) = theta.segment(j * n, n).transpose();
    project(candidate);
    candidate_loss = f_.loss(candidate, best.a);
    return true;
  }

  ReluObjective<Scalar, Storage> f_;
  const LocalSearchOptions<Scalar> o_;  // a copy: the caller may change its options afterwards
  Clock::time_point start_;
  Scalar floor_;
  std::uint64_t iterations_ = 0;
  std::uint64_t solves_ = 0;
  std::uint64_t qps_ = 0;
  bool cut_short_ = false;
  qp::ConvexQp<Scalar> qp_;
};

template <class Scalar, class Storage, SampleContainer Samples>
LocalSearchResult<Scalar> local_search_on(const SampleSet<Scalar, Storage>& work, const Samples& original,
                                          const LocalSearchOptions<Scalar>& options) {
  using Searcher = LocalSearcher<Scalar, Storage>;
  using Outcome = typename Searcher::Outcome;
  const auto started = std::chrono::steady_clock::now();
  // (hardware_concurrency reads system files: asked only when the options leave the count open)
  const int wanted = options.threads > 0 ? options.threads
                                         : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const int threads = std::min(options.restarts, wanted);
  // Each restart is a function of (seed, restart index) alone, so the threads may run them in any order:
  // the results are the same for every thread count. Restarts are handed out in index order under a
  // lock, and none after the time limit, so the restarts run are always 0, 1, ..., r - 1.
  std::vector<Searcher> searchers;
  searchers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) searchers.emplace_back(work, options, started);
  std::vector<std::optional<Outcome>> outcomes(static_cast<std::size_t>(options.restarts));
  std::mutex hand_out;
  int next = 0;
  bool skipped = false;
  const auto run = [&](Searcher& searcher) {
    for (;;) {
      int r = 0;
      {
        std::lock_guard<std::mutex> lock(hand_out);
        if (skipped || next >= options.restarts) return;
        if (next > 0 && searcher.out_of_time()) {
          skipped = true;
          return;
        }
        r = next++;
      }
      outcomes[static_cast<std::size_t>(r)] = searcher.run_restart(r);
    }
  };
  // the calling thread runs searchers[0]; an exception on any thread stops the others' hand-out and
  // reaches the caller
  std::vector<std::exception_ptr> failures(static_cast<std::size_t>(threads));
  const auto guarded = [&](int t) {
    try {
      run(searchers[static_cast<std::size_t>(t)]);
    } catch (...) {
      failures[static_cast<std::size_t>(t)] = std::current_exception();
      std::lock_guard<std::mutex> lock(hand_out);
      skipped = true;
    }
  };
  std::vector<std::thread> pool;
  try {
    for (int t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  } catch (const std::system_error&) {
    // the system refused another thread: the restarts run on those it has
  }
  guarded(0);
  for (auto& thread : pool) thread.join();
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);
  std::optional<Outcome> best;
  int best_restart = 0;
  std::vector<Scalar> losses, initial_losses;
  std::vector<int> positives;
  for (int r = 0; r < options.restarts; ++r) {
    auto& out = outcomes[static_cast<std::size_t>(r)];
    if (!out) break;
    losses.push_back(out->loss);
    initial_losses.push_back(out->initial_loss);
    int p = 0;
    for (Eigen::Index j = 0; j < out->a.size(); ++j) p += out->a(j) > Scalar(0) ? 1 : 0;
    positives.push_back(p);
    if (!best || out->loss < best->loss) {
      best = std::move(out);
      best_restart = r;
    }
  }
  std::uint64_t iterations = 0, solves = 0, qps = 0;
  bool cut_short = false;
  for (const auto& searcher : searchers) {
    iterations += searcher.iterations();
    solves += searcher.solves();
    qps += searcher.qps();
    cut_short = cut_short || searcher.cut_short();
  }
  Network<Scalar> net(best->W, best->a);
  const Scalar final_loss = krelu::loss(net, original);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  LocalSearchResult<Scalar> result{std::move(net),
                                   final_loss,
                                   best_restart,
                                   std::move(losses),
                                   std::move(initial_losses),
                                   std::move(positives),
                                   iterations,
                                   solves,
                                   qps,
                                   skipped || cut_short,
                                   seconds};
  return result;
}

template <class T>
struct is_sample_set : std::false_type {};
template <class Scalar, class Storage>
struct is_sample_set<SampleSet<Scalar, Storage>> : std::true_type {};

}  // namespace detail

/// Multi-start local search for the k-ReLU training problem (Definition 2, with weights; bounded
/// variant when options.radius is set).
///
/// Each restart runs the gradient phases of `options.step` from its start, then (if `options.polish`)
/// Gauss-Newton steps: fix the activation pattern of the current point, solve the least squares on
/// that pattern exactly (complete orthogonal decomposition, minimum norm) and move toward the solution,
/// halving the step until the loss decreases; then exact pattern problems: the minimum of the loss over
/// the closure of the current activation pattern's region (the convex problem of Lemma 22, solved by
/// qp::ConvexQp, balls included), and over the neighbouring pattern that activates the samples on the
/// boundary, repeated while the loss decreases (when n k <= polish_max_variables and
/// m k <= polish_max_constraints). Gradient steps stall at kinks and at the ball; these steps end each
/// restart at a local minimum over patterns. Every phase only ever keeps points that decrease the loss,
/// so each restart ends no worse than it started.
///
/// \code
/// krelu::LocalSearchOptions<double> lo;
/// lo.units = 2;                      // free signs: restarts cycle through a = (+,+), (+,-), (-,-)
/// lo.seed = 42;
/// auto r = krelu::local_search(samples, lo);
/// double upper_bound = r.loss;       // == krelu::loss(r.network, samples)
/// \endcode
///
/// Works on any SampleContainer: a SampleSet with the options' scalar is used in place (dense or
/// sparse); any other container is first copied into a dense SampleSet. Tolerances are relative:
/// to the loss itself (per-step decrease) and to the mean weighted y^2 (a loss below
/// 64 eps^2 mean(c y^2) counts as an exact fit). Deterministic for a given seed, on any number of
/// threads (options.threads: the restarts run in parallel).
/// Throws std::invalid_argument for invalid options or an empty sample set.
template <class Scalar, SampleContainer Samples>
LocalSearchResult<Scalar> local_search(const Samples& samples, const LocalSearchOptions<Scalar>& options) {
  options.validate();
  if (samples.size() == 0) throw std::invalid_argument("local_search: the sample set is empty");
  if (options.initial && options.initial->dim() != static_cast<Eigen::Index>(samples.dim()))
    throw std::invalid_argument("local_search: LocalSearchOptions.initial has dimension " +
                                std::to_string(options.initial->dim()) + " but the samples have dimension " +
                                std::to_string(static_cast<Eigen::Index>(samples.dim())));
  if constexpr (detail::is_sample_set<Samples>::value && std::is_same_v<typename Samples::scalar_type, Scalar>) {
    return detail::local_search_on(samples, samples, options);
  } else {
    const SampleSet<Scalar> dense = detail::to_dense_sample_set<Scalar>(samples);
    return detail::local_search_on(dense, samples, options);
  }
}

/// local_search with the problem of a TrainOptions (units, signs, radius, seed, time limit) and
/// `restarts` random starts; every other setting at its LocalSearchOptions default.
template <class Scalar, SampleContainer Samples>
LocalSearchResult<Scalar> local_search(const Samples& samples, const TrainOptions<Scalar>& options, int restarts = 20) {
  options.validate();
  LocalSearchOptions<Scalar> lo;
  lo.units = options.units;
  lo.signs = options.signs;
  lo.radius = options.radius;
  lo.seed = options.seed;
  lo.restarts = restarts;
  lo.time_limit_seconds = options.time_limit_seconds;
  lo.threads = options.threads;
  return local_search(samples, lo);
}

}  // namespace krelu
