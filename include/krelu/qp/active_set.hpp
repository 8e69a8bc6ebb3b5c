#pragma once
/// \file
/// The primal active-set iteration for a convex (positive semidefinite) QP
/// min 1/2 x'Hx + g'x subject to C x >= d, started from a feasible point.
///
/// Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 16.3, in the null-space form of Sec. 16.5,
/// made exact for singular Hessians and safe at degenerate vertices:
/// - the reduced Hessian Z'HZ of the working face is factored by pivoted Cholesky (rank revealing); Z'HZ itself
///   is updated, not recomputed, when a row joins (Householder: a rank-2 update) or leaves (one new column).
///   When the reduced gradient lies in its range the step goes to the face minimiser (minimum-norm Newton
///   step); otherwise it follows a null-space direction of zero curvature and strict descent up to the first
///   blocking constraint, and if none blocks the QP is unbounded below;
/// - at a face minimiser with a negative multiplier and further active constraints outside the working set
///   (a degenerate point, e.g. x = 0 for homogeneous constraints, where every constraint is active) the
///   method does not drop a constraint blindly, which could cycle: it solves the nonnegative least-squares
///   problem min ||C_A' lambda - grad||, lambda >= 0, over all active rows A (Lawson & Hanson; the step of
///   qp/degenerate_step.hpp). A zero residual proves optimality (with those multipliers); otherwise
///   p = C_A' lambda - grad is a feasible direction of strict descent (C_A p >= 0, grad'p = -||p||^2), so the
///   objective decreases strictly between any two face minimisers and no working set can repeat: the method
///   terminates finitely;
/// - ties in the ratio test go to the smallest constraint index (Bland).
/// All tolerances are relative (see ActiveSetCore::solve).

#include <Eigen/Dense>
#include <limits>
#include <vector>

#include "krelu/qp/degenerate_step.hpp"
#include "krelu/qp/linear_algebra.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// How ActiveSetCore::solve ended (`stepped` is internal: a degenerate point was left, go on).
enum class CoreOutcome { optimal, iteration_limit, unbounded, indefinite, numerical_issue, stepped };

template <class Scalar>
class ActiveSetCore {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Runs the iteration from a feasible x (in/out). `working` holds the initial working-set guess (rows
  /// not active at x or dependent on earlier ones are skipped) and receives the final working set, a
  /// linearly independent set of active rows; `lambda` (size m) receives the multipliers, zero off the
  /// working set. `tol` is relative: active means slack <= tol * max(|d_k|, ||C_k|| ||x||_inf); a face
  /// minimiser has reduced gradient <= tol * max_i (sum_j |H_ij x_j| + |g_i|); pivots of the reduced
  /// Hessian below tol * max_i H_ii are zero. `iterations` is incremented once per step or multiplier test.
  /// The QR factorisation of the final working set is kept: when the next guess is the same set of rows with
  /// the same (or negated) coefficients, as in the trainer's Gray-code sequences, it is reused.
  /// The first `equalities` rows of C are equations C_k x = d_k: always in the working set, multipliers of
  /// either sign (x must satisfy them on entry).
  CoreOutcome solve(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g,
                    const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d, const Scalar& tol,
                    int max_iterations, Vector& x, std::vector<Index>& working, Vector& lambda, int& iterations,
                    Index equalities = 0) {
    equalities_ = equalities;
    const CoreOutcome outcome = run(H, g, C, d, tol, max_iterations, x, working, lambda, iterations);
    // remember the final working rows for the next call
    const Index n = H.rows(), t = qr_.size();
    last_working_.assign(working.begin(), working.end());
    if (last_rows_.rows() < n || last_rows_.cols() != n) last_rows_.resize(n, n);
    for (Index i = 0; i < t; ++i) last_rows_.row(i) = C.row(working[static_cast<std::size_t>(i)]);
    return outcome;
  }

  /// Unbounded direction (valid after an `unbounded` outcome): C_k p >= 0 on the active rows, g'p < 0.
  const Vector& direction() const { return direction_; }

  /// Factors the reduced Hessian of H on the current working set (after solve() returned optimal), so
  /// that null_space() and reduced() describe the final face.
  void refactor(const Eigen::Ref<const Matrix>& H) {
    if (!factor_valid_) {
      reduced_valid_ = false;
      factor(H);
    }
  }
  /// Least-squares coefficients of v on the working rows (in working-set order) into out(0..t-1).
  void working_coefficients(const Eigen::Ref<const Vector>& v, Vector& out) const { qr_.coefficients(v, out); }
  /// Orthonormal basis Z of the directions that keep the working rows active.
  auto null_space() const { return qr_.Q().rightCols(qr_.rows() - qr_.size()); }
  PsdFactor<Scalar>& reduced() { return fac_; }
  const ColumnQR<Scalar>& working_qr() const { return qr_; }

 private:
  // Reuses the QR of the previous final working set if the guess is that same set of rows and each row is
  // unchanged or negated (its column of R changes sign) and active at x.
  bool reuse_factorisation(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d, const Vector& x,
                           std::vector<Index>& working) {
    const Index n = C.cols(), m = C.rows(), t = static_cast<Index>(last_working_.size());
    if (t == 0 || equalities_ > 0 || qr_.rows() != n || qr_.size() != t || static_cast<Index>(init_.size()) != t)
      return false;
    for (const Index k : init_)
      if (k < 0 || k >= m) return false;
    std::fill(in_w_.begin(), in_w_.end(), char(0));
    for (const Index k : last_working_) {
      if (k >= m) return false;
      in_w_[static_cast<std::size_t>(k)] = 1;
    }
    for (const Index k : init_)
      if (!in_w_[static_cast<std::size_t>(k)]) return false;
    const Scalar xinf = max_abs(x);
    for (Index i = 0; i < t; ++i) {
      const Index k = last_working_[static_cast<std::size_t>(i)];
      if (!is_active(d, xinf, k)) return false;
      bool same = true, negated = true;
      for (Index j = 0; j < n && (same || negated); ++j) {
        same = same && C(k, j) == last_rows_(i, j);
        negated = negated && C(k, j) == -last_rows_(i, j);
      }
      if (!same && !negated) return false;
      sign_[static_cast<std::size_t>(i)] = same ? 1 : -1;
    }
    for (Index i = 0; i < t; ++i)
      if (sign_[static_cast<std::size_t>(i)] < 0) qr_.negate_column(i);
    working.assign(last_working_.begin(), last_working_.end());
    return true;
  }

  CoreOutcome run(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g,
                  const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d, const Scalar& tol,
                  int max_iterations, Vector& x, std::vector<Index>& working, Vector& lambda, int& iterations) {
    const Index n = H.rows(), m = C.rows();
    prepare(n, m);
    tol_ = tol;
    hscale_ = Scalar(0);
    for (Index i = 0; i < n; ++i)
      if (H(i, i) > hscale_) hscale_ = H(i, i);
    for (Index k = 0; k < m; ++k) rownorm_(k) = sqrt_of(Scalar(C.row(k).squaredNorm()));
    cx_.noalias() = C * x;
    lambda.setZero(m);

    // initial working set: active, independent rows of the guess
    init_.assign(working.begin(), working.end());
    working.clear();
    sign_.resize(static_cast<std::size_t>(n));
    if (!reuse_factorisation(C, d, x, working)) {
      working.clear();
      qr_.reset(n);
      std::fill(in_w_.begin(), in_w_.end(), char(0));
      const Scalar xinf0 = max_abs(x);
      for (Index k = 0; k < equalities_; ++k) {
        row_ = C.row(k).transpose();
        if (qr_.append(row_, dependence_tol())) {
          working.push_back(k);
          in_w_[static_cast<std::size_t>(k)] = 1;
        }
      }
      for (const Index k : init_) {
        if (k < equalities_ || k >= m || in_w_[static_cast<std::size_t>(k)]) continue;
        if (!is_active(d, xinf0, k)) continue;
        row_ = C.row(k).transpose();
        if (qr_.append(row_, dependence_tol())) {
          working.push_back(k);
          in_w_[static_cast<std::size_t>(k)] = 1;
        }
      }
    }
    factor_valid_ = false;
    reduced_valid_ = false;
    newton_done_ = false;
    stalled_ = false;

    for (;;) {
      if (iterations >= max_iterations) return CoreOutcome::iteration_limit;
      ++iterations;
      const Scalar sigma = gradient(H, g, x);
      const Index t = qr_.size(), k = n - t;
      if (!factor_valid_) {
        factor(H);
        if (fac_.indefinite()) return CoreOutcome::indefinite;
      }
      bool face_minimum = true;
      bool newton = true, significant = false;
      if (k > 0) {
        auto Z = qr_.Q().rightCols(k);
        auto r = r_.head(k);
        r.noalias() = Z.transpose() * grad_;
        // a face minimiser needs a small reduced gradient and, unless it is exactly zero, one Newton step
        // on this face already taken (a refinement that removes the error of the starting point)
        const Scalar rmax = max_abs(r);
        const bool tiny = sigma * tol_ < std::numeric_limits<Scalar>::min();  // all in the rounding noise
        if ((!tiny && rmax > tol_ * sigma) || (!newton_done_ && rmax > Scalar(0))) {
          face_minimum = false;
          r = -r;
          const Index q = k - fac_.rank();
          auto e = e_.head(q);
          fac_.solve(r, u_.head(k), e);
          p_.noalias() = Z * u_.head(k);
          bool inconsistent = false;
          if (q > 0 && max_abs(e) > Scalar(0)) {
            // slope along the zero-curvature direction, against the gradient scale
            fac_.null_direction(e, v_.head(k));
            const Scalar vnorm = stable_norm(v_.head(k));
            const Scalar slope = vnorm > Scalar(0) ? Scalar(e.squaredNorm() / vnorm) : Scalar(0);
            inconsistent = slope > tol_ * sigma;
            significant = slope > sqrt_of(tol_) * sigma;
          }
          if (inconsistent) {
            newton = false;
            direction_ = p_;  // keep the Newton step in case the direction is not taken
            p_.noalias() = Z * v_.head(k);
          } else if (newton_done_ && negligible(max_abs(p_), max_abs(x))) {
            face_minimum = true;  // ill-conditioned face: steps at rounding level do not help
          }
        }
      }

      Scalar alpha(1);
      Index block = -1;
      bool bounded = true;
      if (!face_minimum) {
        bounded = ratio_test(C, d, newton, alpha, block);
        if (!bounded && !significant) {
          // a slope this small may be rounding in g and H: never conclude unboundedness from it; take the
          // least-squares Newton step, or, if this face had one already, treat the face as minimised
          if (newton_done_) {
            face_minimum = true;
          } else {
            p_ = direction_;
            newton = true;
            bounded = ratio_test(C, d, newton, alpha, block);
          }
        }
      }
      if (!face_minimum) {
        if (!bounded) {
          direction_ = p_;
          return CoreOutcome::unbounded;
        }
        x.noalias() += alpha * p_;
        cx_.noalias() = C * x;
        if (block >= 0) {
          row_ = C.row(block).transpose();
          if (!qr_.append(row_, dependence_tol())) return CoreOutcome::numerical_issue;
          working.push_back(block);
          in_w_[static_cast<std::size_t>(block)] = 1;
          if (reduced_valid_) reduce_after_append();
          factor_valid_ = false;
          newton_done_ = false;
        } else {
          newton_done_ = newton;
        }
        continue;
      }

      // face minimiser: multipliers of the working rows
      qr_.coefficients(grad_, lw_);
      Scalar sigma_l = sigma;
      for (Index i = 0; i < t; ++i) {
        const Scalar s = abs_of(Scalar(lw_(i))) * rownorm_(working[static_cast<std::size_t>(i)]);
        if (s > sigma_l) sigma_l = s;
      }
      Index drop = -1;
      Scalar worst = -tol_ * sigma_l;
      for (Index i = 0; i < t; ++i) {
        const Index row = working[static_cast<std::size_t>(i)];
        if (row < equalities_) continue;
        const Scalar s = lw_(i) * rownorm_(row);
        if (s < worst) {
          worst = s;
          drop = i;
        }
      }
      if (drop < 0) {
        for (Index i = 0; i < t; ++i) {
          const Index row = working[static_cast<std::size_t>(i)];
          lambda(row) = row < equalities_ || lw_(i) > Scalar(0) ? Scalar(lw_(i)) : Scalar(0);
        }
        return CoreOutcome::optimal;
      }
      // degenerate if an active row is outside the working set
      active_.clear();
      const Scalar xinf = max_abs(x);
      for (Index c = equalities_; c < m; ++c)
        if (!in_w_[static_cast<std::size_t>(c)] && is_active(d, xinf, c)) active_.push_back(c);
      if (active_.empty()) {
        const Index row = working[static_cast<std::size_t>(drop)];
        qr_.remove(drop);
        working.erase(working.begin() + drop);
        in_w_[static_cast<std::size_t>(row)] = 0;
        if (reduced_valid_) reduce_after_remove(H);
        factor_valid_ = false;
        newton_done_ = false;
        continue;
      }
      const CoreOutcome escape = resolve_degenerate(H, C, d, x, working, lambda, sigma);
      if (escape != CoreOutcome::stepped) return escape;
    }
  }

  void prepare(Index n, Index m) {
    if (grad_.size() != n) {
      for (Vector* v : {&grad_, &absgrad_, &p_, &row_, &direction_, &r_, &u_, &e_, &v_, &lw_}) v->resize(n);
      hz_.resize(n, n);
      m_.resize(n, n);
    }
    if (cx_.size() != m) {
      cx_.resize(m);
      cp_.resize(m);
      rownorm_.resize(m);
    }
    in_w_.resize(static_cast<std::size_t>(m));
    in_a_.resize(static_cast<std::size_t>(m));
  }

  Scalar dependence_tol() const { return tol_ / Scalar(2); }

  // Step length along p_ (cp_ = C p_ is computed here): the first row outside the working set that p_
  // decreases significantly, ties to the smallest index (Bland); a Newton step is capped at 1. Returns
  // false if nothing bounds the step.
  bool ratio_test(const Eigen::Ref<const Matrix>& C, const Eigen::Ref<const Vector>& d, bool newton, Scalar& alpha,
                  Index& block) {
    cp_.noalias() = C * p_;
    const Scalar pnorm = stable_norm(p_);
    alpha = Scalar(1);
    block = -1;
    bool bounded = newton;
    for (Index c = 0; c < C.rows(); ++c) {
      if (in_w_[static_cast<std::size_t>(c)]) continue;
      if (!(cp_(c) < -tol_ * rownorm_(c) * pnorm)) continue;
      Scalar slack = cx_(c) - d(c);
      if (slack < Scalar(0)) slack = Scalar(0);
      const Scalar a = slack / (-cp_(c));
      if (!bounded || a < alpha) {
        alpha = a;
        block = c;
        bounded = true;
      }
    }
    return bounded;
  }

  // value <= tol * scale, or the scale so small that tol * scale is below the normal range (then rounding
  // dominates everything, e.g. x at the level of subnormal numbers)
  bool negligible(const Scalar& value, const Scalar& scale) const {
    if (value == Scalar(0)) return true;
    if (scale * tol_ < std::numeric_limits<Scalar>::min()) return value <= std::numeric_limits<Scalar>::min();
    return value <= tol_ * scale;
  }

  bool is_active(const Eigen::Ref<const Vector>& d, const Scalar& xinf, Index k) const {
    return row_is_active(Scalar(cx_(k) - d(k)), Scalar(d(k)), Scalar(rownorm_(k) * xinf), tol_);
  }

  // grad = H x + g; returns the gradient scale max_i (sum_j |H_ij x_j| + |g_i|)
  Scalar gradient(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g, const Vector& x) {
    const Index n = x.size();
    grad_ = g;
    for (Index i = 0; i < n; ++i) absgrad_(i) = abs_of(Scalar(g(i)));
    for (Index j = 0; j < n; ++j) {
      const Scalar xj = x(j);
      if (xj == Scalar(0)) continue;
      for (Index i = 0; i < n; ++i) {
        const Scalar h = H(i, j) * xj;
        grad_(i) += h;
        absgrad_(i) += abs_of(h);
      }
    }
    return max_abs(absgrad_);
  }

  void factor(const Eigen::Ref<const Matrix>& H) {
    const Index n = qr_.rows(), k = n - qr_.size();
    if (!reduced_valid_) {
      auto Z = qr_.Q().rightCols(k);
      hz_.leftCols(k).noalias() = H * Z;
      m_.topLeftCorner(k, k).noalias() = Z.transpose() * hz_.leftCols(k);
      reduced_valid_ = true;
    }
    // negative pivots beyond rounding of the data mean H is not positive semidefinite; the data may carry
    // double rounding even in a wider type, hence the lenient threshold
    Scalar negative = sqrt_of(tol_);
    if (negative < Scalar(1e-8)) negative = Scalar(1e-8);
    fac_.compute(m_.topLeftCorner(k, k), tol_ * hscale_, negative * hscale_);
    factor_valid_ = true;
  }

  // The reduced Hessian M = Z'HZ after an append: the new basis is Z P without its first column, so M
  // becomes P M P (a symmetric rank-2 update, O(k^2) instead of the O(n^2 k) product) less its first
  // row and column. With u = M v: P M P = M - w v' - v w', w = beta u - (beta^2 v'u / 2) v.
  void reduce_after_append() {
    const Index k = qr_.last_reflector().size();  // size of the old basis
    const Scalar beta = qr_.last_beta();
    auto M = m_.topLeftCorner(k, k);
    if (beta != Scalar(0)) {
      const auto v = qr_.last_reflector();
      auto u = u_.head(k), w = e_.head(k);
      u.noalias() = M * v;
      w = beta * u - (beta * beta * v.dot(u) / Scalar(2)) * v;
      for (Index j = 0; j < k; ++j)
        for (Index i = 0; i < k; ++i) M(i, j) -= w(i) * v(j) + v(i) * w(j);
    }
    for (Index j = 0; j + 1 < k; ++j)  // drop the first row and column (in place: sources lie ahead)
      for (Index i = 0; i + 1 < k; ++i) M(i, j) = M(i + 1, j + 1);
  }

  // The reduced Hessian after a remove: the basis gains a first column q (the others are unchanged), so
  // M gains the row and column Z_new' H q, one product with H instead of the O(n^2 k) one.
  void reduce_after_remove(const Eigen::Ref<const Matrix>& H) {
    const Index n = qr_.rows(), k = n - qr_.size();  // size of the new basis
    for (Index j = k - 2; j >= 0; --j)  // shift the old M down and right (in place: sources lie behind)
      for (Index i = k - 2; i >= 0; --i) m_(i + 1, j + 1) = m_(i, j);
    auto Z = qr_.Q().rightCols(k);
    auto hq = hz_.col(0);
    hq.noalias() = H * Z.col(0);
    for (Index r = 0; r < k; ++r) m_(r, 0) = m_(0, r) = Z.col(r).dot(hq);
  }

  // At a degenerate face minimiser: the NNLS step of qp/degenerate_step.hpp. Returns optimal (multipliers
  // set), unbounded, numerical_issue, or stepped (moved along a feasible descent direction: continue).
  CoreOutcome resolve_degenerate(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Matrix>& C,
                                 const Eigen::Ref<const Vector>& d, Vector& x, std::vector<Index>& working,
                                 Vector& lambda, const Scalar& sigma) {
    const Index n = x.size(), m = C.rows();
    Scalar sigma_z(0);
    if (!step_.solve(C, working, active_, equalities_, lw_, grad_, rownorm_, tol_, sigma, p_, sigma_z))
      return CoreOutcome::numerical_issue;
    working.clear();
    std::fill(in_w_.begin(), in_w_.end(), char(0));
    if (equalities_ == 0) {
      step_.swap_passive_qr(qr_);
      for (const Index i : step_.passive()) {
        const Index row = step_.row_of(i);
        working.push_back(row);
        in_w_[static_cast<std::size_t>(row)] = 1;
      }
    } else {
      qr_.reset(n);
      for (Index k = 0; k < equalities_; ++k) {  // equations stay
        row_ = C.row(k).transpose();
        if (qr_.append(row_, dependence_tol())) {
          working.push_back(k);
          in_w_[static_cast<std::size_t>(k)] = 1;
        }
      }
      for (const Index i : step_.passive()) {
        const Index row = step_.row_of(i);
        if (row < equalities_) continue;
        row_ = C.row(row).transpose();
        if (qr_.append(row_, dependence_tol())) {
          working.push_back(row);
          in_w_[static_cast<std::size_t>(row)] = 1;
        }
      }
    }
    factor_valid_ = false;
    reduced_valid_ = false;
    newton_done_ = false;
    project_to_face(qr_, p_, u_);
    // feasible descent along p: exact line search on the quadratic, ratio test on the other rows; a residual
    // at the rounding level (or one along which rounding leaves no descent) proves optimality
    const Scalar slope = grad_.dot(p_);
    if (negligible(max_abs(p_), sigma_z) || !(slope < Scalar(0))) {
      step_.multipliers(m, lambda);
      return CoreOutcome::optimal;
    }
    hz_.col(0).noalias() = H * p_;
    const Scalar curvature = p_.dot(hz_.col(0));
    bool bounded = curvature > Scalar(0);
    Scalar alpha = bounded ? Scalar(-slope / curvature) : Scalar(0);
    Index block = -1;
    cp_.noalias() = C * p_;
    const Scalar pnorm = stable_norm(p_);
    // p = C_A' z - grad carries rounding of the size of grad, not of p: on the rows the NNLS looked at,
    // C_k p above -tol ||C_k|| ||grad|| (its own acceptance test) may be zero. Blocking on such a row
    // stops the step at length 0 and the same NNLS can follow: a cycle (seen on Set Cover instances,
    // where p is 1e-4 of grad). So after one such step in this solve those rows no longer block. (Not
    // before: where p is far below the rounding of grad, e.g. weights spanning 1e40, stepping past
    // them would leave the feasible set.)
    const bool lenient = stalled_;
    const Scalar noise = stable_norm(grad_) > pnorm ? stable_norm(grad_) : pnorm;
    step_.mark_rows(in_a_);
    for (Index c = 0; c < m; ++c) {
      if (in_w_[static_cast<std::size_t>(c)]) continue;
      const Scalar scale = lenient && in_a_[static_cast<std::size_t>(c)] ? noise : pnorm;
      if (!(cp_(c) < -tol_ * rownorm_(c) * scale)) continue;
      Scalar slack = cx_(c) - d(c);
      if (slack < Scalar(0)) slack = Scalar(0);
      const Scalar step = slack / (-cp_(c));
      if (!bounded || step < alpha) {
        alpha = step;
        block = c;
        bounded = true;
      }
    }
    if (!bounded) {
      direction_ = p_;
      return CoreOutcome::unbounded;
    }
    x.noalias() += alpha * p_;
    cx_.noalias() = C * x;
    if (!(alpha > Scalar(0))) stalled_ = true;
    if (block >= 0) {
      row_ = C.row(block).transpose();
      if (qr_.append(row_, dependence_tol())) {
        working.push_back(block);
        in_w_[static_cast<std::size_t>(block)] = 1;
      }
    }
    return CoreOutcome::stepped;
  }

  Scalar tol_ = Scalar(0), hscale_ = Scalar(0);
  Index equalities_ = 0;
  bool factor_valid_ = false, newton_done_ = false;
  bool reduced_valid_ = false;  ///< m_ holds Z'HZ for the current working set (both triangles)
  bool stalled_ = false;  ///< a degenerate step of this solve had length 0
  ColumnQR<Scalar> qr_;
  PsdFactor<Scalar> fac_;
  DegenerateStep<Scalar> step_;
  // every buffer has capacity n or m: changing working-set sizes never reallocate
  Vector grad_, absgrad_, p_, row_, direction_, cx_, cp_, rownorm_, r_, u_, e_, v_, lw_;
  Matrix hz_, m_;
  std::vector<char> in_w_, in_a_;  // in the working set; in the degenerate step's active set
  std::vector<Index> init_, active_, last_working_;
  std::vector<int> sign_;
  Matrix last_rows_;
};

}  // namespace krelu::detail
