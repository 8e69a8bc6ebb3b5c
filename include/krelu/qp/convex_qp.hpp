#pragma once
/// \file
/// ConvexQp: the exact solver of one convex problem of Lemma 22 (App. F.1; DESIGN.md "One sign pattern is
/// one convex problem"): min 1/2 x'Hx + g'x subject to C x >= d and disjoint Euclidean balls
/// ||x_b|| <= radius_b, with H positive semidefinite and possibly singular.
///
/// Method (linear constraints): the primal active-set method for convex QPs (Nocedal & Wright, Numerical
/// Optimization, 2nd ed., Alg. 16.3) with a rank-revealing reduced Hessian, null-space descent directions
/// for singular faces and a nonnegative-least-squares resolution of degenerate vertices that rules out
/// cycling (details in qp/active_set.hpp). No regularisation: singular H is handled exactly.
/// Feasible start: x = 0 when d <= 0 (always in the trainer, where d = 0), the warm-start point if it is
/// feasible, otherwise an elastic phase 1 (min s s.t. C x + s ||C_k|| >= d, s >= 0, solved by the same
/// method), which also proves infeasibility.
///
/// Method (balls): Lagrangian duality on the balls only. For multipliers mu >= 0 the inner problem
/// min q(x) + sum_b mu_b/2 ||x_b||^2 s.t. C x >= d is solved exactly by the active-set method (warm, from the
/// previous inner solution, or from the feasible start if rounding left that one infeasible); its value
/// theta(mu) is concave and is maximised over mu >= 0 by a globalised Newton iteration: semismooth Newton
/// on the complementarity system
/// min(mu_b radius_b / sigma, radius_b / ||x_b(mu)|| - 1) = 0, i.e. Newton on the secular equations
/// 1/||x_b(mu)|| = 1/radius_b (nearly linear in mu, as in Moré & Sorensen's trust-region method), with
/// derivatives from the inner solution's face; a step is accepted near the solution if it decreases that
/// residual, otherwise if it increases theta (Armijo), falling back to projected Newton ascent on theta.
/// Special cases, each exact: a ball whose block the working face pins moves to the next breakpoint of the
/// parametric multipliers (none, and the ball out of reach of C x >= d: infeasible); where the dual has a
/// kink (a row weakly active at the solution) Newton runs on the face of both neighbouring working sets; a
/// ball with mu_b = 0 violated by one of several inner minimisers is resolved by a nested solve that looks for
/// a minimiser inside the balls. Should this iteration still fail (rare: several balls on problems with a
/// singular H and a linear term outside its range), it is repeated with the tie-break
/// epsilon_b = tolerance * sigma / radius_b added to every ball multiplier, which makes x_b(mu) unique and
/// the dual smooth; its solution is a KKT point to the tolerance. If that fails too, the multipliers of the
/// first iteration's end point up to twice a probe (sqrt(tolerance) sigma / radius_b) are set to zero and the
/// nested solve looks for a minimiser inside their balls (two weakly active balls can take turns: one at
/// mu = 0 while the other's tiny multiplier pushes the minimisers out of it). What was achieved is in kkt().
///
/// \code
/// // min (x0 - 1)^2 + (x1 - 2)^2  s.t.  x0 - x1 >= 0,  ||x|| <= 1
/// Eigen::Matrix2d H = 2 * Eigen::Matrix2d::Identity();
/// Eigen::Vector2d g(-2, -4);
/// Eigen::MatrixXd C(1, 2);  C << 1, -1;
/// Eigen::VectorXd d = Eigen::VectorXd::Zero(1);
/// krelu::qp::ConvexQp<> qp;
/// qp.compute(H, g, C, d, {{0, 2, 1.0}});
/// if (qp.info() == krelu::qp::QpStatus::optimal) {
///   Eigen::VectorXd x = qp.solution();          // (1/sqrt 2, 1/sqrt 2)
///   double residual = qp.kkt().max();           // ~1e-16
///   qp.warm_start(qp.active_set());             // for the next, similar problem
/// }
/// \endcode
/// Multiplier convention: H x + g - C' lambda + sum_b mu_b x_b = 0 with lambda, mu >= 0 (x_b is x restricted
/// to ball b's block, zero elsewhere; the ball is written 1/2 (||x_b||^2 - radius_b^2) <= 0).

#include <Eigen/Dense>
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/qp/active_set.hpp"
#include "krelu/qp/kkt.hpp"
#include "krelu/qp/linear_algebra.hpp"
#include "krelu/qp/types.hpp"
#include "krelu/traits.hpp"

namespace krelu::qp {

/// Reusable exact convex QP solver; see the file comment for the method. Workspace is kept between
/// compute() calls and is not reallocated while the problem sizes repeat.
template <class Scalar = double>
class ConvexQp {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Throws std::invalid_argument if the options are invalid (QpOptions::validate()).
  explicit ConvexQp(QpOptions<Scalar> options = {}) : options_(std::move(options)) { options_.validate(); }

  const QpOptions<Scalar>& options() const { return options_; }

  /// Solves min 1/2 x'Hx + g'x s.t. C x >= d, ||x_b|| <= radius_b. H must be symmetric (to the tolerance;
  /// it is symmetrised) and positive semidefinite. Throws std::invalid_argument naming the argument for
  /// mismatched sizes, non-finite entries, non-symmetric H, a negative diagonal of H, balls out of range,
  /// empty, overlapping or with radius <= 0, and warm starts that do not fit the problem.
  /// Numerical outcomes (infeasible, unbounded, ...) are reported by info().
  ConvexQp& compute(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g,
                    const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d,
                    const std::vector<BallConstraint<Scalar>>& balls = {}) {
    validate(H, g, C, d, balls);
    const Index n = H.rows(), m = C.rows();
    const bool same_sizes =
        solved_ && x_.size() == n && lambda_.size() == m && mu_.size() == static_cast<Index>(balls.size());
    Hs_.resize(n, n);
    for (Index j = 0; j < n; ++j)
      for (Index i = 0; i < n; ++i) Hs_(i, j) = (H(i, j) + H(j, i)) / Scalar(2);
    balls_.assign(balls.begin(), balls.end());
    max_iterations_ = options_.max_iterations > 0 ? options_.max_iterations : static_cast<int>(50 * (n + m) + 1000);
    iterations_ = 0;
    lambda_.setZero(m);

    // working-set guess and starting point
    bool warm = false;
    if (has_hint_active_) {
      working_.assign(hint_active_.begin(), hint_active_.end());
      warm = true;
    } else if (options_.warm_start_from_previous && same_sizes) {
      working_.assign(active_.begin(), active_.end());
      warm = true;
    } else {
      working_.clear();
    }
    bool have_start = false;
    if (has_hint_point_) {
      x_ = hint_point_;
      have_start = warm = true;
    } else if (options_.warm_start_from_previous && same_sizes) {
      have_start = warm = true;  // x_ still holds the previous solution
    }
    bool ok = true;
    const bool zero_feasible = m == 0 || !(d.maxCoeff() > Scalar(0));
    if (have_start && !feasible(C, d, x_)) {
      if (zero_feasible)
        pull_towards_zero(C, d);  // the largest t x_ with t in [0, 1] that is feasible
      else
        ok = phase_one(C, d);
    } else if (!have_start) {
      x_.setZero(n);
      if (m > 0 && d.maxCoeff() > Scalar(0)) ok = phase_one(C, d);
    }
    if (!(warm && mu_.size() == static_cast<Index>(balls_.size()))) mu_.setZero(static_cast<Index>(balls_.size()));
    for (Index b = 0; b < mu_.size(); ++b)
      if (!(mu_(b) > Scalar(0))) mu_(b) = Scalar(0);

    if (ok) {
      if (balls_.empty()) {
        status_ = map(core_.solve(Hs_, g, C, d, options_.tolerance, max_iterations_, x_, working_, lambda_, iterations_,
                                  equalities_));
      } else {
        status_ = solve_balls(g, C, d);
      }
    }
    if (status_ != QpStatus::optimal && status_ != QpStatus::iteration_limit) lambda_.setZero(m);
    active_.assign(working_.begin(), working_.end());
    std::sort(active_.begin(), active_.end());
    hx_.noalias() = Hs_ * x_;
    objective_ = x_.dot(hx_) / Scalar(2) + g.dot(x_);
    g_ = g;  // kept for kkt()
    C_ = C;
    d_ = d;
    kkt_valid_ = false;
    // the certificate: an optimal status always comes with KKT residuals within 10^4 tolerances
    if (status_ == QpStatus::optimal && !(kkt().max() <= kkt_limit())) status_ = QpStatus::numerical_issue;
    has_hint_active_ = has_hint_point_ = false;
    solved_ = true;
    return *this;
  }

  /// Guess of the linear constraints active at the solution (e.g. active_set() of a neighbouring problem),
  /// used by the next compute() only. Rows that are inactive at the start or dependent are skipped.
  void warm_start(const std::vector<Index>& active_constraints) {
    for (const Index k : active_constraints)
      if (k < 0)
        throw std::invalid_argument("ConvexQp::warm_start: constraint index " + std::to_string(k) + " is negative");
    hint_active_.assign(active_constraints.begin(), active_constraints.end());
    has_hint_active_ = true;
  }
  /// Starting point for the next compute() only. If it violates C x >= d it is repaired: pulled towards
  /// x = 0 (the largest feasible t x, t in [0, 1]) when d <= 0, otherwise by phase 1 started from it. Ball
  /// multipliers of the previous solve are reused as well.
  void warm_start_point(const Eigen::Ref<const Vector>& x) {
    for (Index i = 0; i < x.size(); ++i)
      if (!is_finite(Scalar(x(i))))
        throw std::invalid_argument("ConvexQp::warm_start_point: entry " + std::to_string(i) + " is not finite");
    hint_point_ = x;
    has_hint_point_ = true;
  }
  /// Forgets pending warm starts.
  void clear_warm_start() { has_hint_active_ = has_hint_point_ = false; }

  QpStatus info() const { return status_; }
  const Vector& solution() const { return x_; }
  /// 1/2 x'Hx + g'x at solution().
  Scalar objective() const { return objective_; }
  /// The final working set, sorted: linearly independent constraints active at the solution that determine
  /// it; every constraint with a positive multiplier is in it. Feed it to warm_start().
  const std::vector<Index>& active_set() const { return active_; }
  /// lambda >= 0 per row of C (0 off the active set); see the file comment for the sign convention.
  const Vector& multipliers() const { return lambda_; }
  /// mu >= 0 per ball: H x + g - C' lambda + sum_b mu_b x_b = 0.
  const Vector& ball_multipliers() const { return mu_; }
  /// Residuals of the returned (x, lambda, mu), as defined at KktResiduals.
  KktResiduals kkt() const {
    if (!kkt_valid_) {
      kkt_ = kkt_residuals(Hs_, g_, C_, d_, balls_, x_, lambda_, mu_, equalities_);
      kkt_valid_ = true;
    }
    return kkt_;
  }
  /// Active-set iterations of the last compute(), over phase 1, every inner solve and the ball iteration
  /// (a ball problem that needs the tie-break pass may use up to twice QpOptions::max_iterations).
  int iterations() const { return iterations_; }

 private:
  static std::string dims(Index r, Index c) { return std::to_string(r) + "x" + std::to_string(c); }

  void validate(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                const Eigen::Ref<const Vector>& d, const std::vector<BallConstraint<Scalar>>& balls) {
    const Index n = H.rows();
    if (n == 0) throw std::invalid_argument("ConvexQp: H is empty, the problem needs at least one variable");
    if (H.cols() != n) throw std::invalid_argument("ConvexQp: H is " + dims(n, H.cols()) + " but must be square");
    if (g.size() != n)
      throw std::invalid_argument("ConvexQp: g has " + std::to_string(g.size()) + " entries but H is " + dims(n, n));
    if (C.cols() != n)
      throw std::invalid_argument("ConvexQp: C has " + std::to_string(C.cols()) + " columns but H is " + dims(n, n));
    if (d.size() != C.rows())
      throw std::invalid_argument("ConvexQp: d has " + std::to_string(d.size()) + " entries but C has " +
                                  std::to_string(C.rows()) + " rows");
    if (!H.allFinite())
      for (Index j = 0; j < n; ++j)
        for (Index i = 0; i < n; ++i)
          if (!is_finite(Scalar(H(i, j))))
            throw std::invalid_argument("ConvexQp: H(" + std::to_string(i) + "," + std::to_string(j) +
                                        ") is not finite");
    const Scalar hmax = detail::max_abs(H);
    // symmetric up to rounding of the data (which may come from double even in a wider type)
    const Scalar sym_tol = (options_.tolerance > Scalar(1e-10) ? options_.tolerance : Scalar(1e-10)) * hmax;
    for (Index j = 0; j < n; ++j) {
      if (H(j, j) < -sym_tol)
        throw std::invalid_argument("ConvexQp: H is not positive semidefinite: H(" + std::to_string(j) + "," +
                                    std::to_string(j) + ") = " + std::to_string(static_cast<double>(H(j, j))) + " < 0");
      for (Index i = j + 1; i < n; ++i)
        if (abs_of(Scalar(H(i, j) - H(j, i))) > sym_tol)
          throw std::invalid_argument("ConvexQp: H is not symmetric: H(" + std::to_string(i) + "," + std::to_string(j) +
                                      ") = " + std::to_string(static_cast<double>(H(i, j))) + " but H(" +
                                      std::to_string(j) + "," + std::to_string(i) +
                                      ") = " + std::to_string(static_cast<double>(H(j, i))));
    }
    if (!g.allFinite())
      for (Index i = 0; i < n; ++i)
        if (!is_finite(Scalar(g(i))))
          throw std::invalid_argument("ConvexQp: g(" + std::to_string(i) + ") is not finite");
    if (!C.allFinite())
      for (Index j = 0; j < n; ++j)
        for (Index k = 0; k < C.rows(); ++k)
          if (!is_finite(Scalar(C(k, j))))
            throw std::invalid_argument("ConvexQp: C(" + std::to_string(k) + "," + std::to_string(j) +
                                        ") is not finite");
    if (!d.allFinite())
      for (Index k = 0; k < d.size(); ++k)
        if (!is_finite(Scalar(d(k))))
          throw std::invalid_argument("ConvexQp: d(" + std::to_string(k) + ") is not finite");
    owner_.assign(static_cast<std::size_t>(n), -1);
    for (std::size_t b = 0; b < balls.size(); ++b) {
      const auto& ball = balls[b];
      const auto name = [b] { return "ConvexQp: balls[" + std::to_string(b) + "]"; };  // only for a message
      if (ball.length < 1)
        throw std::invalid_argument(name() + ".length must be >= 1, got " + std::to_string(ball.length));
      if (ball.start < 0 || ball.start > n - ball.length)
        throw std::invalid_argument(name() + " covers variables [" + std::to_string(ball.start) + ", " +
                                    std::to_string(ball.start + ball.length) + ") but H is " + dims(n, n));
      if (!is_finite(ball.radius) || !(ball.radius > Scalar(0)))
        throw std::invalid_argument(name() + ".radius must be finite and > 0, got " +
                                    std::to_string(static_cast<double>(ball.radius)));
      for (Index i = ball.start; i < ball.start + ball.length; ++i) {
        const long other = owner_[static_cast<std::size_t>(i)];
        if (other >= 0)
          throw std::invalid_argument("ConvexQp: balls[" + std::to_string(other) + "] and balls[" + std::to_string(b) +
                                      "] overlap at variable " + std::to_string(i));
        owner_[static_cast<std::size_t>(i)] = static_cast<long>(b);
      }
    }
    if (has_hint_active_)
      for (const Index k : hint_active_)
        if (k >= C.rows())
          throw std::invalid_argument("ConvexQp: warm-start constraint " + std::to_string(k) +
                                      " is out of range: C has " + std::to_string(C.rows()) + " rows");
    if (has_hint_point_ && hint_point_.size() != n)
      throw std::invalid_argument("ConvexQp: warm-start point has " + std::to_string(hint_point_.size()) +
                                  " entries but H is " + dims(n, n));
  }

  static QpStatus map(detail::CoreOutcome outcome) {
    switch (outcome) {
      case detail::CoreOutcome::optimal:
        return QpStatus::optimal;
      case detail::CoreOutcome::iteration_limit:
        return QpStatus::iteration_limit;
      case detail::CoreOutcome::unbounded:
        return QpStatus::unbounded;
      default:
        return QpStatus::numerical_issue;
    }
  }

  bool feasible(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d, const Vector& x) const {
    const Scalar xinf = detail::max_abs(x);
    for (Index k = 0; k < C.rows(); ++k) {
      Scalar cx(0), c1(0);
      for (Index j = 0; j < x.size(); ++j) {
        cx += C(k, j) * x(j);
        c1 += abs_of(Scalar(C(k, j)));
      }
      const Scalar terms = c1 * xinf;
      const Scalar scale = abs_of(Scalar(d(k))) > terms ? abs_of(Scalar(d(k))) : terms;
      if (cx - d(k) < -options_.tolerance * scale) return false;
    }
    return true;
  }

  // Repair for d <= 0: x_ <- t x_ with the largest feasible t in [0, 1] (x = 0 is feasible).
  void pull_towards_zero(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d) {
    Scalar t(1);
    for (Index k = 0; k < C.rows(); ++k) {
      const Scalar cx = C.row(k).dot(x_);
      if (cx < d(k)) {
        const Scalar tk = d(k) / cx;  // cx < d_k <= 0
        if (tk < t) t = tk;
      }
    }
    if (t < Scalar(0)) t = Scalar(0);
    x_ *= t;
  }

  // Elastic phase 1 from x_: min s s.t. C x + s ||C_k|| >= d, s >= 0. On success x_ is feasible and
  // working_ holds active rows; otherwise status_ is set (infeasible, or the failure) and false returned.
  // Infeasible means s* > tol * (the largest of |d_k| / ||C_k||, the start's and the end's ||x||_inf and s
  // at the start): s is a distance, compared with the lengths in the problem.
  bool phase_one(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d) {
    const Index n = C.cols(), m = C.rows();
    p1H_.setZero(n + 1, n + 1);
    p1g_.setZero(n + 1);
    p1g_(n) = Scalar(1);
    p1C_.resize(m + 1, n + 1);
    p1C_.topLeftCorner(m, n) = C;
    p1C_.row(m).setZero();
    p1C_(m, n) = Scalar(1);
    p1d_.resize(m + 1);
    p1d_.head(m) = d;
    p1d_(m) = Scalar(0);
    p1x_.resize(n + 1);
    p1x_.head(n) = x_;
    Scalar s0(0), xscale = detail::max_abs(x_);
    const Scalar dmax = detail::max_abs(d);
    for (Index k = 0; k < m; ++k) {
      Scalar nu = detail::stable_norm(C.row(k));
      if (nu == Scalar(0)) {
        // 0 >= d_k: infeasible unless d_k is at the rounding level of the right-hand sides
        if (d(k) > options_.tolerance * dmax) {
          status_ = QpStatus::infeasible;
          return false;
        }
        p1C_(k, n) = Scalar(0);
        continue;
      } else if (abs_of(Scalar(d(k))) / nu > xscale) {
        xscale = abs_of(Scalar(d(k))) / nu;
      }
      p1C_(k, n) = nu;
      const Scalar need = (d(k) - C.row(k).dot(x_)) / nu;
      if (need > s0) s0 = need;
    }
    p1x_(n) = s0;
    if (s0 > xscale) xscale = s0;
    p1w_.clear();
    const auto outcome =
        p1core_.solve(p1H_, p1g_, p1C_, p1d_, options_.tolerance, max_iterations_, p1x_, p1w_, p1l_, iterations_);
    x_ = p1x_.head(n);
    if (outcome != detail::CoreOutcome::optimal) {
      status_ = map(outcome) == QpStatus::iteration_limit ? QpStatus::iteration_limit : QpStatus::numerical_issue;
      return false;
    }
    const Scalar xmax = detail::max_abs(x_);
    if (xmax > xscale) xscale = xmax;
    if (p1x_(n) > options_.tolerance * xscale) {
      status_ = QpStatus::infeasible;
      return false;
    }
    working_.clear();
    for (const Index k : p1w_)
      if (k < m) working_.push_back(k);
    return true;
  }

  // ---- balls -------------------------------------------------------------------------------------------

  // Inner problem at multipliers mu: Hmu_ = Hs_ + diag(mu on the blocks), solved from x_ / working_.
  detail::CoreOutcome inner(const Vector& mu, const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                            const Eigen::Ref<const Vector>& d) {
    // The core needs a feasible start. Rounding can leave the previous inner solution infeasible: after a
    // far excursion along a zero-curvature direction (||x|| ~ 1e12 and back) its rows cancel to residuals
    // of 1e-6; the pass's feasible starting point replaces it then.
    if (!feasible(C, d, x_)) {
      x_ = x_start_;
      working_.assign(start_working_.begin(), start_working_.end());
    }
    Hmu_ = Hs_;
    for (std::size_t b = 0; b < balls_.size(); ++b)
      for (Index i = balls_[b].start; i < balls_[b].start + balls_[b].length; ++i)
        Hmu_(i, i) += mu(static_cast<Index>(b)) + eps_(static_cast<Index>(b));
    return core_.solve(Hmu_, g, C, d, options_.tolerance, max_iterations_, x_, working_, lambda_, iterations_,
                       equalities_);
  }

  // At the inner solution x_ for multipliers mu: norms_, the complementarity residuals
  // phi_b = min(mu_b radius_b / sigma, radius_b / ||x_b|| - 1), the dual value
  // theta = q(x) + sum_b mu_b (||x_b||^2 - radius_b^2) / 2 and its gradient (||x_b||^2 - radius_b^2) / 2.
  // Returns sum phi_b^2.
  Scalar evaluate(const Vector& mu, const Eigen::Ref<const Vector>& g, Vector& phi, Scalar& theta, Vector& grad) {
    const Index nb = static_cast<Index>(balls_.size());
    hx_.noalias() = Hs_ * x_;
    theta = x_.dot(hx_) / Scalar(2) + g.dot(x_);
    Scalar merit(0);
    for (Index b = 0; b < nb; ++b) {
      const auto& ball = balls_[static_cast<std::size_t>(b)];
      const Scalar norm = detail::stable_norm(x_.segment(ball.start, ball.length));
      norms_(b) = norm;
      grad(b) = (norm - ball.radius) * (norm + ball.radius) / Scalar(2);
      theta += mu(b) * grad(b);
      const Scalar a = mu(b) * ball.radius / sigma_;
      if (norm > Scalar(0)) {
        const Scalar f = ball.radius / norm - Scalar(1);
        phi(b) = a < f ? a : f;
      } else {
        phi(b) = a;
      }
      merit += phi(b) * phi(b);
    }
    return merit;
  }

  // The ball iteration: exact first; if it fails (several balls whose blocks the minimisers do not fix can
  // leave the dual without ascent directions at mu_b = 0), again with the tie-break
  // epsilon_b = tolerance * sigma / radius_b added to every ball's multiplier, which makes each x_b unique
  // and the dual smooth; its solution is a KKT point of the original problem to the tolerance (residual
  // epsilon_b ||x_b|| on the inactive balls, the active ones absorb epsilon_b into mu_b).
  QpStatus solve_balls(const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                       const Eigen::Ref<const Vector>& d) {
    const Index n = Hs_.rows(), nb = static_cast<Index>(balls_.size());
    for (Vector* v : {&norms_, &phi_, &phi_trial_, &mu_trial_, &delta_, &face_delta_, &ascent_, &gtheta_, &gtheta_trial_,
                      &eps_})
      v->resize(nb);
    Scalar hscale(0), rmax(0);
    for (Index i = 0; i < n; ++i)
      if (Hs_(i, i) > hscale) hscale = Hs_(i, i);
    for (const auto& ball : balls_)
      if (ball.radius > rmax) rmax = ball.radius;
    sigma_ = detail::max_abs(g);
    if (hscale * rmax > sigma_) sigma_ = hscale * rmax;
    if (!(sigma_ > Scalar(0))) sigma_ = Scalar(1);
    eps_.setZero();
    x_start_ = x_;
    start_working_.assign(working_.begin(), working_.end());
    const QpStatus exact = solve_balls_pass(g, C, d);
    if (settled(exact)) return exact;
    exact_x_ = x_;
    exact_working_.assign(working_.begin(), working_.end());
    exact_mu_ = mu_;
    for (Index b = 0; b < nb; ++b) eps_(b) = options_.tolerance * sigma_ / balls_[static_cast<std::size_t>(b)].radius;
    x_ = x_start_;
    working_.assign(start_working_.begin(), start_working_.end());
    mu_.setZero();
    max_iterations_ += max_iterations_;
    const QpStatus tie_broken = solve_balls_pass(g, C, d);
    for (Index b = 0; b < nb; ++b)
      if (mu_(b) > Scalar(0)) mu_(b) += eps_(b);
    eps_.setZero();
    if (settled(tie_broken)) return tie_broken;
    x_ = exact_x_;
    working_.assign(exact_working_.begin(), exact_working_.end());
    mu_ = exact_mu_;
    return weak_balls_rescue(g, C, d) ? QpStatus::optimal : tie_broken;
  }

  // A pass's outcome that another attempt cannot change.
  static bool settled(QpStatus status) {
    return status == QpStatus::optimal || status == QpStatus::infeasible || status == QpStatus::unbounded;
  }
  // The small multiplier that makes x_b(mu) unique when ball b's block has zero-curvature directions.
  Scalar probe(Index b) const {
    return sqrt_of(options_.tolerance) * sigma_ / balls_[static_cast<std::size_t>(b)].radius;
  }

  // Last resort after both passes failed. Two weakly active balls can take turns: whenever mu_b = 0, mu_c is
  // tiny (probe size) and every inner minimiser leaves ball b, and the other way round, so the second stage
  // never sees both at zero. Here the multipliers of the exact pass's end point no larger than twice a probe
  // are set to zero and the second stage looks for a minimiser inside their balls. The point is accepted as the
  // iteration accepts one (complementarity residuals within the tolerance, or a KKT point to 10^4
  // tolerances), and compute() still checks its KKT residuals. It uses what is left of the iteration budget.
  bool weak_balls_rescue(const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                         const Eigen::Ref<const Vector>& d) {
    if (equalities_ > 0) return false;
    for (Index b = 0; b < mu_.size(); ++b)
      if (mu_(b) <= Scalar(2) * probe(b)) mu_(b) = Scalar(0);
    if (inner(mu_, g, C, d) != detail::CoreOutcome::optimal) return false;
    Scalar theta(0);
    evaluate(mu_, g, phi_, theta, gtheta_);
    if (detail::max_abs(phi_) <= options_.tolerance) return true;
    if (!zero_multiplier_violated() || !second_stage(g, C, d)) return false;
    evaluate(mu_, g, phi_, theta, gtheta_);
    return detail::max_abs(phi_) <= options_.tolerance || kkt_point(g, C, d);
  }

  QpStatus solve_balls_pass(const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                            const Eigen::Ref<const Vector>& d) {
    const Index nb = static_cast<Index>(balls_.size());
    const Scalar tol = options_.tolerance;
    const bool tie_break = eps_.size() > 0 && eps_(0) > Scalar(0);

    // first inner solve; an unbounded inner problem needs positive multipliers on the balls it escapes in
    detail::CoreOutcome outcome = inner(mu_, g, C, d);
    for (int raise = 0; outcome == detail::CoreOutcome::unbounded && raise <= nb; ++raise) {
      if (!raise_for_direction(core_.direction())) return QpStatus::unbounded;
      outcome = inner(mu_, g, C, d);
    }
    if (outcome != detail::CoreOutcome::optimal) return map(outcome);
    Scalar theta(0);
    Scalar merit = evaluate(mu_, g, phi_, theta, gtheta_);
    bool second_stage_tried = false;
    int rescues = 0, second_stages = 0;
    previous_working_.clear();
    const int max_outer = static_cast<int>(100 + 20 * nb);
    // Near the solution of an ill-conditioned problem ||x_b(mu)|| carries noise above the tolerance (its
    // derivative in mu is about ||x_b|| / (mu + the smallest eigenvalue of H)) and the steps bounce around
    // the sphere: after five steps that do not halve the residual, accept a verified KKT point.
    Scalar best_merit = merit;
    int stagnant = 0;
    // The second stage (below) usually fails far from the solution (no minimiser meets the balls yet) and
    // succeeds close to it; with only the first two tries, iterations were seen to cycle through a probe of
    // a weakly active ball (mu_b -> 0, then x_b jumps outside) without end. Eight bound its cost.
    constexpr int kSecondStages = 8;
    for (int outer = 0; outer < max_outer; ++outer) {
      if (detail::max_abs(phi_) <= tol) return QpStatus::optimal;
      if (!tie_break && equalities_ == 0 && !second_stage_tried && second_stages < kSecondStages &&
          zero_multiplier_violated()) {
        second_stage_tried = true;
        ++second_stages;
        if (second_stage(g, C, d)) {
          merit = evaluate(mu_, g, phi_, theta, gtheta_);
          if (detail::max_abs(phi_) <= tol) return QpStatus::optimal;
          // the new minimiser may sit on another face: refresh the inner solver's state from it
          outcome = inner(mu_, g, C, d);
          if (outcome != detail::CoreOutcome::optimal) return map(outcome);
          merit = evaluate(mu_, g, phi_, theta, gtheta_);
        }
      }
      // A violated ball whose multiplier dominates the objective by 1 / tolerance: the inner solutions
      // minimise the ball terms already and the dual keeps growing, so the balls and C x >= d do not meet
      // (up to the tolerance).
      for (Index b = 0; b < nb; ++b)
        if (phi_(b) < -tol && mu_(b) * balls_[static_cast<std::size_t>(b)].radius > sigma_ / tol)
          return QpStatus::infeasible;
      const int kind = newton_directions(C, d);
      if (kind == kInfeasible) return QpStatus::infeasible;
      if (kind == kMoved) {
        outcome = inner(mu_, g, C, d);
        if (outcome != detail::CoreOutcome::optimal) return map(outcome);
        merit = evaluate(mu_, g, phi_, theta, gtheta_);
        second_stage_tried = false;
        continue;
      }
      // Line search on the projected arc mu(t) = max(0, mu + t delta): accept dual ascent (Armijo on the
      // concave dual theta, which makes the iteration globally convergent) or, close to the solution, a fast
      // decrease of the complementarity residual. Every trial starts from the current inner solution.
      x_saved_ = x_;
      working_saved_.assign(working_.begin(), working_.end());
      bool accepted = false;
      if (detail::max_abs(phi_) <= Scalar(1e-2) && !previous_working_.empty() &&
          !std::is_permutation(previous_working_.begin(), previous_working_.end(), working_.begin(), working_.end())) {
        // the last step changed the inner face: try the face of both working sets
        union_.assign(working_.begin(), working_.end());
        for (const Index k : previous_working_)
          if (std::find(union_.begin(), union_.end(), k) == union_.end()) union_.push_back(k);
        if (face_newton(union_, g, C, d)) {
          outcome = inner(mu_trial_, g, C, d);
          if (outcome != detail::CoreOutcome::optimal && outcome != detail::CoreOutcome::unbounded) return map(outcome);
          Scalar theta_trial(0);
          const Scalar trial = outcome == detail::CoreOutcome::optimal
                                   ? evaluate(mu_trial_, g, phi_trial_, theta_trial, gtheta_trial_)
                                   : NumericTraits<Scalar>::infinity();
          if (trial <= (Scalar(1) - Scalar(1e-4)) * merit) {
            accepted = true;
            mu_ = mu_trial_;
            phi_ = phi_trial_;
            gtheta_ = gtheta_trial_;
            theta = theta_trial;
            merit = trial;
          } else {
            x_ = x_saved_;
            working_.assign(working_saved_.begin(), working_saved_.end());
          }
        }
        if (!accepted) evaluate(mu_, g, phi_, theta, gtheta_);  // restore norms_
      }
      previous_working_.assign(working_saved_.begin(), working_saved_.end());
      // attempt 0, close to the solution: Newton with a decrease of the residual (fast local convergence, also
      // across kinks of the dual where a weakly active row changes the inner face); attempts 1 and 2: Newton,
      // then the dual Newton direction, with Armijo ascent on theta (global convergence)
      const bool local = detail::max_abs(phi_) <= Scalar(1e-2);
      for (int attempt = local ? 0 : 1; attempt < 3 && !accepted; ++attempt) {
        const Vector& direction = attempt < 2 ? delta_ : ascent_;
        Scalar slope(0);  // derivative of theta along the projected arc at t = 0+
        for (Index b = 0; b < nb; ++b)
          if (mu_(b) > Scalar(0) || direction(b) > Scalar(0)) slope += gtheta_(b) * direction(b);
        if (attempt > 0 && !(slope > Scalar(0))) continue;
        Scalar t(1);
        for (int search = 0; search < 30 && !accepted; ++search, t /= Scalar(2)) {
          Scalar gain(0);
          for (Index b = 0; b < nb; ++b) {
            // beyond sigma / (tol radius_b) the ball term dominates the objective: cap there (the
            // infeasibility test above decides at the cap)
            const Scalar cap = sigma_ / (tol * balls_[static_cast<std::size_t>(b)].radius);
            Scalar v = mu_(b) + t * direction(b);
            if (v > cap) v = cap * (Scalar(1) + tol);
            mu_trial_(b) = v > Scalar(0) ? v : Scalar(0);
            gain += gtheta_(b) * (mu_trial_(b) - mu_(b));
          }
          x_ = x_saved_;
          working_.assign(working_saved_.begin(), working_saved_.end());
          outcome = inner(mu_trial_, g, C, d);
          if (outcome == detail::CoreOutcome::unbounded) continue;
          if (outcome != detail::CoreOutcome::optimal) return map(outcome);
          Scalar theta_trial(0);
          const Scalar trial = evaluate(mu_trial_, g, phi_trial_, theta_trial, gtheta_trial_);
          const bool ok = attempt == 0 ? trial <= (Scalar(1) - Scalar(1e-4) * t) * merit
                                       : gain > Scalar(0) && theta_trial >= theta + Scalar(1e-4) * gain;
          if (ok) {
            accepted = true;
            mu_ = mu_trial_;
            phi_ = phi_trial_;
            gtheta_ = gtheta_trial_;
            theta = theta_trial;
            merit = trial;
          }
        }
      }
      if (!accepted && !tie_break && rescues < 3) {
        // No ascent from this supergradient: at mu_b = 0 the dual is not differentiable when the inner
        // minimisers differ on ball b. Make every zero multiplier slightly positive (unique x_b, a
        // differentiable dual) and go on; the iteration returns them to zero where they belong.
        bool probed = false;
        for (Index b = 0; b < nb; ++b)
          if (!(mu_(b) > Scalar(0))) {
            mu_(b) = probe(b);
            probed = true;
          }
        if (probed) {
          ++rescues;
          x_ = x_saved_;
          working_.assign(working_saved_.begin(), working_saved_.end());
          outcome = inner(mu_, g, C, d);
          if (outcome != detail::CoreOutcome::optimal) return map(outcome);
          merit = evaluate(mu_, g, phi_, theta, gtheta_);
          second_stage_tried = false;
          continue;
        }
      }
      if (!accepted) {
        x_ = x_saved_;
        working_.assign(working_saved_.begin(), working_saved_.end());
        inner(mu_, g, C, d);
        evaluate(mu_, g, phi_, theta, gtheta_);
        // no progress possible: optimal if (x, lambda, mu) is a KKT point to 10^4 times the tolerance (the
        // inner solutions are only that accurate on ill-conditioned faces), otherwise a numerical failure
        return kkt_point(g, C, d) ? QpStatus::optimal : QpStatus::numerical_issue;
      }
      second_stage_tried = false;
      if (merit < best_merit / Scalar(2)) {
        best_merit = merit;
        stagnant = 0;
      } else if (++stagnant >= 5 && kkt_point(g, C, d)) {
        return QpStatus::optimal;
      }
    }
    return kkt_point(g, C, d) ? QpStatus::optimal : QpStatus::iteration_limit;
  }

  // Whether the current (x_, lambda_, mu_) satisfies the KKT conditions to 10^4 times the tolerance.
  bool kkt_point(const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                 const Eigen::Ref<const Vector>& d) const {
    return kkt_residuals(Hs_, g, C, d, balls_, x_, lambda_, mu_, equalities_).max() <= kkt_limit();
  }

  // The KKT residual an optimal status guarantees: 10^4 * tolerance (2.2e-9 in double by default).
  double kkt_limit() const { return static_cast<double>(Scalar(10000) * options_.tolerance); }

  bool raise_for_direction(const Vector& p) {
    const Scalar pmax = detail::max_abs(p);
    bool raised = false;
    for (std::size_t b = 0; b < balls_.size(); ++b) {
      const auto& ball = balls_[b];
      if (mu_(static_cast<Index>(b)) > Scalar(0)) continue;
      if (detail::max_abs(p.segment(ball.start, ball.length)) > options_.tolerance * pmax) {
        mu_(static_cast<Index>(b)) = sigma_ / ball.radius;
        raised = true;
      }
    }
    return raised;
  }

  bool zero_multiplier_violated() const {
    for (Index b = 0; b < mu_.size(); ++b)
      if (!(mu_(b) > Scalar(0)) && phi_(b) < -options_.tolerance) return true;
    return false;
  }

  // When balls with mu_b = 0 are violated and the inner problem at mu_ has several minimisers, look for one
  // inside those balls: the set of minimisers is X = {x : C x >= d, K x = K x*} with K = Hmu + g g' (a
  // convex QP's minimisers share H x and g'x), so solve min sum_{b: mu_b = 0} ||x_b||^2 / 2 over X and the
  // balls of those blocks with a nested solver (its objective is strictly convex on every ball block, so it
  // needs no such step itself). If it succeeds, x_ is optimal with the current multipliers (the KKT
  // multipliers of a convex QP are shared by all its minimisers); if not, some mu_b must become positive.
  bool second_stage(const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                    const Eigen::Ref<const Vector>& d) {
    const Index n = Hs_.rows(), m = C.rows();
    K_ = Hmu_;
    K_.noalias() += g * g.transpose();
    Scalar kscale(0);
    for (Index i = 0; i < n; ++i)
      if (K_(i, i) > kscale) kscale = K_(i, i);
    kfac_.compute(K_, options_.tolerance * kscale, NumericTraits<Scalar>::infinity());
    const Index q = n - kfac_.rank();
    if (q == 0) return false;
    // do the minimisers differ on a zero-multiplier ball? (null directions of K touching its block)
    N_.resize(n, q);
    unit_.resize(q);
    for (Index j = 0; j < q; ++j) {
      unit_.setZero();
      unit_(j) = Scalar(1);
      kfac_.null_direction(unit_, N_.col(j));
    }
    const Scalar nmax = detail::max_abs(N_);
    bool ambiguous = false;
    balls2_.clear();
    for (std::size_t b = 0; b < balls_.size(); ++b) {
      if (mu_(static_cast<Index>(b)) > Scalar(0)) continue;
      balls2_.push_back(balls_[b]);
      if (detail::max_abs(N_.middleRows(balls_[b].start, balls_[b].length)) > options_.tolerance * nmax)
        ambiguous = true;
    }
    if (!ambiguous) return false;
    kfac_.factor_rows(F_);
    const Index r = F_.rows();
    H2_.setZero(n, n);
    for (const auto& ball : balls2_)
      for (Index i = ball.start; i < ball.start + ball.length; ++i) H2_(i, i) = Scalar(1);
    g2_.setZero(n);
    C2_.resize(r + m, n);
    d2_.resize(r + m);
    C2_.topRows(r) = F_;  // the equations F x = F x*, then C x >= d
    d2_.head(r).noalias() = F_ * x_;
    C2_.bottomRows(m) = C;
    d2_.tail(m) = d;
    if (!stage2_) stage2_ = std::make_unique<ConvexQp<Scalar>>(options_);
    QpOptions<Scalar> nested = options_;
    nested.max_iterations = static_cast<int>(20 * (n + m) + 200);
    stage2_->options_ = nested;
    stage2_->equalities_ = r;
    stage2_->warm_start_point(x_);
    stage2_->compute(H2_, g2_, C2_, d2_, balls2_);
    iterations_ += stage2_->iterations();
    if (stage2_->info() != QpStatus::optimal) return false;
    x_ = stage2_->solution();
    return true;
  }

  static constexpr int kNewton = 0, kMoved = 1, kInfeasible = 2;

  // Search directions for mu from the derivatives of x(mu) on the final face of the last inner solve (which
  // was at mu_): with G = Y' M^+ Y (Y_b = Z' x_b, M the reduced Hessian), d||x_b||/dmu_c = -G_bc / ||x_b||.
  // delta_: semismooth Newton on phi (Newton on the secular equations 1/||x_b|| = 1/radius_b for the balls
  // on their sphere, mu_c -> 0 for the others); ascent_: projected Newton on the concave dual,
  // G_FF ascent_F = grad theta_F on the free set F. A ball whose block the face pins (x_b cannot move) is
  // handled exactly instead: mu_b moves to the next breakpoint of the parametric multipliers (kMoved), or, if
  // it must grow and no breakpoint exists, the problem is infeasible.
  int newton_directions(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d) {
    const Index n = Hs_.rows(), nb = static_cast<Index>(balls_.size());
    const Scalar tol = options_.tolerance;
    core_.refactor(Hmu_);
    const auto Z = core_.null_space();
    const Index k = Z.cols();
    auto& fac = core_.reduced();
    Y_.resize(k, nb);
    MY_.resize(k, nb);
    e_.resize(k);
    in_s_.assign(static_cast<std::size_t>(nb), 0);
    for (Index b = 0; b < nb; ++b) {
      const auto& ball = balls_[static_cast<std::size_t>(b)];
      const Scalar a = mu_(b) * ball.radius / sigma_;
      const bool s = norms_(b) > Scalar(0) && ball.radius / norms_(b) - Scalar(1) < a;
      in_s_[static_cast<std::size_t>(b)] = s ? 1 : 0;
      if (norms_(b) > Scalar(0) && k > 0) {
        Y_.col(b).noalias() = Z.middleRows(ball.start, ball.length).transpose() * x_.segment(ball.start, ball.length);
        fac.solve(Y_.col(b), MY_.col(b), e_.head(k - fac.rank()));
      } else {
        Y_.col(b).setZero();
        MY_.col(b).setZero();
      }
      // pinned ball: exact parametric move of mu_b
      if (s && detail::stable_norm(Y_.col(b)) <= tol * norms_(b)) {
        const bool grow = ball.radius < norms_(b);
        if (!grow && !(mu_(b) > Scalar(0))) continue;
        return parametric_move(b, grow, n, C, d);
      }
    }
    // A violated ball at mu_b = 0 on a face with zero-curvature directions: x_b(mu) is not differentiable at
    // mu_b = 0 (it jumps to the limit of mu_b -> 0+), so probe a small positive mu_b first; from there the
    // secular function 1/||x_b(mu)|| is nearly linear in mu and Newton converges.
    if (fac.rank() < k && !(eps_(0) > Scalar(0))) {
      bool probed = false;
      for (Index b = 0; b < nb; ++b) {
        if (!in_s_[static_cast<std::size_t>(b)] || mu_(b) > Scalar(0)) continue;
        mu_(b) = probe(b);
        probed = true;
      }
      if (probed) return kMoved;
    }
    G_.resize(nb, nb);
    for (Index b = 0; b < nb; ++b)
      for (Index c = 0; c < nb; ++c) G_(b, c) = Y_.col(b).dot(MY_.col(c));
    semismooth_step(mu_, delta_);
    // projected Newton on the dual: free set mu_b > 0 or grad theta_b > 0
    s_index_.clear();
    for (Index b = 0; b < nb; ++b) {
      ascent_(b) = Scalar(0);
      if (mu_(b) > Scalar(0) || gtheta_(b) > Scalar(0)) s_index_.push_back(b);
    }
    reduced_solve(
        s_index_, [&](Index b) { return Scalar(gtheta_(b)); }, ascent_);
    return kNewton;
  }

  // Semismooth Newton step for phi(mu) = 0 from G_ and norms_ at mu: on S = {b : mu_b radius_b / sigma >
  // radius_b / ||x_b|| - 1} solve sum_{c in S} G_bc delta_c = -n_b^3 F_b + sum_{c not in S} G_bc mu_c with
  // F_b = 1/n_b - 1/radius_b (Newton on the secular equation), and delta_c = -mu_c off S.
  void semismooth_step(const Vector& mu, Vector& delta) {
    const Index nb = static_cast<Index>(balls_.size());
    in_s_.assign(static_cast<std::size_t>(nb), 0);
    s_index_.clear();
    for (Index b = 0; b < nb; ++b) {
      const auto& ball = balls_[static_cast<std::size_t>(b)];
      if (norms_(b) > Scalar(0) && ball.radius / norms_(b) - Scalar(1) < mu(b) * ball.radius / sigma_) {
        in_s_[static_cast<std::size_t>(b)] = 1;
        s_index_.push_back(b);
      }
    }
    for (Index b = 0; b < nb; ++b) delta(b) = -mu(b);
    reduced_solve(
        s_index_,
        [&](Index b) {
          const Scalar nbv = norms_(b);
          Scalar r = -nbv * nbv * (Scalar(1) - nbv / balls_[static_cast<std::size_t>(b)].radius);
          for (Index c = 0; c < nb; ++c)
            if (!in_s_[static_cast<std::size_t>(c)]) r += G_(b, c) * mu(c);
          return r;
        },
        delta);
  }

  // Newton on the secular equations with the inner problem restricted to the affine face {C_W x = d_W} of
  // the given rows (the union of two consecutive working sets): smooth in mu, so it converges quadratically
  // where the dual has a kink (a row active on one side, inactive on the other, weakly active at the
  // solution) and the unrestricted iteration would zig-zag. On success mu_trial_ holds the face's multipliers
  // (to be verified by a full inner solve).
  bool face_newton(const std::vector<Index>& rows, const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& C,
                   const Eigen::Ref<const Vector>& d) {
    const Index n = Hs_.rows(), nb = static_cast<Index>(balls_.size());
    const Scalar tol = options_.tolerance;
    face_qr_.reset(n);
    frow_.resize(n);
    dface_.resize(n);
    Index t = 0;
    for (const Index k : rows) {
      frow_ = C.row(k).transpose();
      if (face_qr_.append(frow_, tol / Scalar(2))) dface_(t++) = d(k);
    }
    // minimum-norm point of the face: x_p = Y R^{-T} d_W
    const auto& R = face_qr_.R();
    for (Index i = 0; i < t; ++i) {
      Scalar v = dface_(i);
      for (Index l = 0; l < i; ++l) v -= R(l, i) * dface_(l);
      dface_(i) = v / R(i, i);
    }
    xp_.noalias() = face_qr_.Q().leftCols(t) * dface_.head(t);
    const Index k = n - t;
    if (k == 0) return false;
    const auto Z = face_qr_.Q().rightCols(k);
    Scalar hscale(0);
    for (Index i = 0; i < n; ++i)
      if (Hs_(i, i) > hscale) hscale = Hs_(i, i);
    mu_trial_ = mu_;
    fz_.resize(k);
    fu_.resize(k);
    Y_.resize(k, nb);
    MY_.resize(k, nb);
    G_.resize(nb, nb);
    for (int iteration = 0; iteration < 30; ++iteration) {
      Hf_ = Hs_;
      for (std::size_t b = 0; b < balls_.size(); ++b)
        for (Index i = balls_[b].start; i < balls_[b].start + balls_[b].length; ++i)
          Hf_(i, i) += mu_trial_(static_cast<Index>(b)) + eps_(static_cast<Index>(b));
      hzf_.noalias() = Hf_ * Z;
      mf_.noalias() = Z.transpose() * hzf_;
      face_fac_.compute(mf_, tol * hscale, NumericTraits<Scalar>::infinity());
      xf_ = g;
      xf_.noalias() += Hf_ * xp_;
      fz_.noalias() = -(Z.transpose() * xf_);
      fe_.resize(k - face_fac_.rank());
      face_fac_.solve(fz_, fu_, fe_);
      if (fe_.size() > 0 && detail::max_abs(fe_) > sqrt_of(tol) * (detail::max_abs(fz_) + Scalar(1))) return false;
      xf_ = xp_;
      xf_.noalias() += Z * fu_;
      Scalar worst(0);
      for (Index b = 0; b < nb; ++b) {
        const auto& ball = balls_[static_cast<std::size_t>(b)];
        norms_(b) = detail::stable_norm(xf_.segment(ball.start, ball.length));
        const Scalar a = mu_trial_(b) * ball.radius / sigma_;
        const Scalar f = norms_(b) > Scalar(0) ? Scalar(ball.radius / norms_(b) - Scalar(1)) : a;
        const Scalar phi = a < f ? a : f;
        if (abs_of(phi) > worst) worst = abs_of(phi);
        if (norms_(b) > Scalar(0)) {
          Y_.col(b).noalias() =
              Z.middleRows(ball.start, ball.length).transpose() * xf_.segment(ball.start, ball.length);
        } else {
          Y_.col(b).setZero();
        }
        fe_.resize(k - face_fac_.rank());
        face_fac_.solve(Y_.col(b), MY_.col(b), fe_);
      }
      if (worst <= tol) return true;
      for (Index b = 0; b < nb; ++b)
        for (Index c = 0; c < nb; ++c) G_(b, c) = Y_.col(b).dot(MY_.col(c));
      semismooth_step(mu_trial_, face_delta_);  // not delta_: the caller's Newton direction must survive a failure
      for (Index b = 0; b < nb; ++b) {
        const Scalar v = mu_trial_(b) + face_delta_(b);
        mu_trial_(b) = v > Scalar(0) ? v : Scalar(0);
      }
    }
    return false;
  }

  // Solves G_II z = rhs_I on the index set I (minimum norm, G positive semidefinite) into out(I); when the
  // equations are inconsistent (balls whose norms cannot move independently) each coordinate takes the
  // diagonal step rhs_b / G_bb instead.
  template <class Rhs>
  void reduced_solve(const std::vector<Index>& index, Rhs rhs_of, Vector& out) {
    const Index ns = static_cast<Index>(index.size());
    if (ns == 0) return;
    Gs_.resize(ns, ns);
    rhs_.resize(ns);
    Scalar gscale(0);
    for (Index i = 0; i < ns; ++i) {
      rhs_(i) = rhs_of(index[static_cast<std::size_t>(i)]);
      for (Index j = 0; j < ns; ++j)
        Gs_(i, j) = G_(index[static_cast<std::size_t>(i)], index[static_cast<std::size_t>(j)]);
      if (Gs_(i, i) > gscale) gscale = Gs_(i, i);
    }
    gfac_.compute(Gs_, options_.tolerance * gscale, NumericTraits<Scalar>::infinity());
    sol_.resize(ns);
    ge_.resize(ns - gfac_.rank());
    gfac_.solve(rhs_, sol_, ge_);
    const bool inconsistent =
        ge_.size() > 0 && detail::max_abs(ge_) > sqrt_of(options_.tolerance) * detail::max_abs(rhs_);
    for (Index i = 0; i < ns; ++i) {
      Scalar step = sol_(i);
      if (!is_finite(step) || inconsistent) step = Gs_(i, i) > Scalar(0) ? Scalar(rhs_(i) / Gs_(i, i)) : Scalar(0);
      out(index[static_cast<std::size_t>(i)]) = step;
    }
  }

  // x_b is fixed by the working face: change mu_b alone along the parametric path on which x stays optimal,
  // lambda(t) = lambda + t rate with rate = coefficients of E_b x on the working rows, to just past the first
  // multiplier that reaches zero, so that the next inner solve leaves the face. Without such a breakpoint,
  // or with the breakpoint at t = 0 (a degenerate face), mu_b is doubled (halved). Before growing, the ball
  // is checked to be reachable at all: min ||x_b|| over C x >= d must not exceed radius_b (else infeasible).
  int parametric_move(Index b, bool grow, Index n, const Eigen::Ref<const Matrix>& C,
                      const Eigen::Ref<const Vector>& d) {
    const auto& ball = balls_[static_cast<std::size_t>(b)];
    ebx_.setZero(n);
    ebx_.segment(ball.start, ball.length) = x_.segment(ball.start, ball.length);
    rate_.resize(n);
    core_.working_coefficients(ebx_, rate_);
    const Scalar sign = grow ? Scalar(1) : Scalar(-1);
    bool found = false;
    Scalar t(0);
    for (std::size_t i = 0; i < working_.size(); ++i) {
      if (working_[i] < equalities_) continue;  // an equation never leaves
      const Scalar r = sign * rate_(static_cast<Index>(i));
      if (r < Scalar(0)) {
        const Scalar ti = lambda_(working_[i]) / (-r);
        if (!found || ti < t) {
          t = ti;
          found = true;
        }
      }
    }
    const Scalar nudge = sqrt_of(options_.tolerance);
    if (grow) {
      if (!reachable(b, C, d)) return kInfeasible;  // exact: min ||x_b|| over C x >= d exceeds the radius
      if (found && t > Scalar(0)) {
        mu_(b) += t * (Scalar(1) + nudge);
      } else {
        const Scalar floor = sigma_ / ball.radius;
        mu_(b) = Scalar(2) * mu_(b) > floor ? Scalar(Scalar(2) * mu_(b)) : floor;
      }
    } else {
      const Scalar v = !found          ? Scalar(0)
                       : t > Scalar(0) ? Scalar(mu_(b) - t * (Scalar(1) + nudge))
                                       : Scalar(mu_(b) / 2);
      mu_(b) = v > Scalar(0) ? v : Scalar(0);
    }
    return kMoved;
  }

  // Whether some x with C x >= d has ||x_b|| <= radius_b: min ||x_b||^2 / 2 over the polyhedron, from x_.
  bool reachable(Index b, const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d) {
    const auto& ball = balls_[static_cast<std::size_t>(b)];
    const Index n = Hs_.rows();
    H2_.setZero(n, n);
    for (Index i = ball.start; i < ball.start + ball.length; ++i) H2_(i, i) = Scalar(1);
    g2_.setZero(n);
    xr_ = x_;
    wr_.assign(working_.begin(), working_.end());
    const auto outcome =
        aux_core_.solve(H2_, g2_, C, d, options_.tolerance, max_iterations_, xr_, wr_, lr_, iterations_, equalities_);
    if (outcome != detail::CoreOutcome::optimal) return true;  // undecided: keep going
    return detail::stable_norm(xr_.segment(ball.start, ball.length)) <= ball.radius * (Scalar(1) + options_.tolerance);
  }

  QpOptions<Scalar> options_;
  // leading rows that are equations: only in the nested solve of second_stage, whose objective is strictly
  // convex on every ball block, so that it needs no second stage itself
  Index equalities_ = 0;
  QpStatus status_ = QpStatus::numerical_issue;
  bool solved_ = false;
  int iterations_ = 0, max_iterations_ = 0;
  Matrix Hs_, Hmu_;
  Vector x_, lambda_, mu_, hx_, x_saved_, x_start_, eps_;
  Scalar objective_ = Scalar(0);
  Vector g_, d_;
  Matrix C_;
  mutable KktResiduals kkt_;
  mutable bool kkt_valid_ = false;
  std::vector<Index> working_, active_, working_saved_, start_working_, previous_working_, union_;
  detail::ColumnQR<Scalar> face_qr_;
  detail::PsdFactor<Scalar> face_fac_;
  Vector frow_, dface_, xp_, xf_, fz_, fu_, fe_, face_delta_;
  Matrix Hf_, hzf_, mf_;
  std::vector<BallConstraint<Scalar>> balls_;
  std::vector<long> owner_;
  // warm starts
  std::vector<Index> hint_active_;
  Vector hint_point_;
  bool has_hint_active_ = false, has_hint_point_ = false;
  // solvers and their workspace
  detail::ActiveSetCore<Scalar> core_, p1core_, aux_core_;
  Vector xr_, lr_;
  std::vector<Index> wr_;
  Matrix p1H_, p1C_;
  Vector p1g_, p1d_, p1x_, p1l_;
  std::vector<Index> p1w_;
  Scalar sigma_ = Scalar(1);
  Vector norms_, phi_, phi_trial_, mu_trial_, delta_, ascent_, gtheta_, gtheta_trial_, e_, rhs_, sol_, ge_, ebx_, rate_,
      unit_, g2_, d2_;
  Vector exact_x_, exact_mu_;  // the first ball pass's end point, for weak_balls_rescue()
  Matrix Y_, MY_, G_, Gs_, K_, N_, F_, H2_, C2_;
  std::vector<BallConstraint<Scalar>> balls2_;
  std::vector<Index> exact_working_;
  std::unique_ptr<ConvexQp<Scalar>> stage2_;
  std::vector<char> in_s_;
  std::vector<Index> s_index_;
  detail::PsdFactor<Scalar> gfac_, kfac_;
};

}  // namespace krelu::qp
