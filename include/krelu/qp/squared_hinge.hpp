#pragma once
/// \file
/// The primal active-set iteration for min 1/2 w'Hw + g'w + sum_i c_i max(0, a_i'w + b_i)^2 subject to
/// C w >= d (H positive semidefinite, c_i > 0), started from a feasible point: a convex objective with a
/// continuous gradient and a piecewise constant Hessian.
///
/// Such a problem is a QP once each hinge gets a variable v_i >= 0, v_i >= a_i'w + b_i with cost c_i v_i^2,
/// which is how the branch-and-bound relaxation states its one-sided samples (train/branch_and_bound.hpp).
/// Solving it in w alone keeps the factorisations at the size of w and moves many hinges across their
/// breakpoints in one step, where the lifted active-set method spends two working-set changes per hinge.
/// The method is the one of qp/active_set.hpp with two changes:
/// - the Newton step on a face uses the Hessian of the hinges that are positive at the current point, and
///   the step length is the exact minimiser of the objective along the step (a convex piecewise quadratic
///   in the length, walked through its breakpoints), capped by the first blocking constraint;
/// - a degenerate face minimiser is left along the nonnegative least-squares direction of that file, with
///   the same exact line search.
/// The caller should check the result: it is a KKT point of the lifted QP with v_i = max(0, a_i'w + b_i)
/// and multipliers 2 c_i v_i on the rows v_i >= a_i'w + b_i (see the branch-and-bound relaxation).

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "krelu/qp/active_set.hpp"
#include "krelu/qp/degenerate_step.hpp"
#include "krelu/qp/linear_algebra.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

template <class Scalar>
class SquaredHingeCore {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Runs the iteration from a feasible w (in/out). A (hinges x n), b and c (> 0) define the hinges.
  /// `working` holds the initial working-set guess (rows inactive at w or dependent are skipped) and
  /// receives the final one; `lambda` (size m) receives the multipliers of C w >= d. `tol` is relative, as
  /// in ActiveSetCore::solve. Returns optimal, iteration_limit, unbounded, indefinite or numerical_issue.
  CoreOutcome solve(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g,
                    const Eigen::Ref<const Matrix>& A, const Eigen::Ref<const Vector>& b,
                    const Eigen::Ref<const Vector>& c, const Eigen::Ref<const Matrix>& C,
                    const Eigen::Ref<const Vector>& d, const Scalar& tol, int max_iterations, Vector& w,
                    std::vector<Index>& working, Vector& lambda, int& iterations) {
    const Index n = H.rows(), m = C.rows();
    prepare(n, m, A.rows());
    tol_ = tol;
    for (Index k = 0; k < m; ++k) rownorm_(k) = sqrt_of(Scalar(C.row(k).squaredNorm()));
    cw_.noalias() = C * w;
    lambda.setZero(m);
    init_.assign(working.begin(), working.end());
    working.clear();
    qr_.reset(n);
    std::fill(in_w_.begin(), in_w_.end(), char(0));
    const Scalar winf = max_abs(w);
    for (const Index k : init_) {
      if (k < 0 || k >= m || in_w_[static_cast<std::size_t>(k)] || !is_active(d, winf, k)) continue;
      row_ = C.row(k).transpose();
      if (qr_.append(row_, tol_ / Scalar(2))) {
        working.push_back(k);
        in_w_[static_cast<std::size_t>(k)] = 1;
      }
    }
    bool newton_done = false, stalled = false;
    for (;;) {
      if (iterations >= max_iterations) return CoreOutcome::iteration_limit;
      ++iterations;
      const Scalar sigma = gradient(H, g, A, b, c, w);
      const Index t = qr_.size(), k = n - t;
      if (k > 0) {
        auto Z = qr_.Q().rightCols(k);
        auto r = r_.head(k);
        r.noalias() = Z.transpose() * grad_;
        const Scalar rmax = max_abs(r);
        const bool tiny = sigma * tol_ < std::numeric_limits<Scalar>::min();
        if ((!tiny && rmax > tol_ * sigma) || (!newton_done && rmax > Scalar(0))) {
          // reduced Hessian of H plus the positive hinges on this face
          hz_.leftCols(k).noalias() = hp_ * Z;
          m_.topLeftCorner(k, k).noalias() = Z.transpose() * hz_.leftCols(k);
          Scalar hscale(0);
          for (Index i = 0; i < n; ++i) hscale = std::max(hscale, Scalar(hp_(i, i)));
          Scalar negative = sqrt_of(tol_);
          if (negative < Scalar(1e-8)) negative = Scalar(1e-8);
          fac_.compute(m_.topLeftCorner(k, k), tol_ * hscale, negative * hscale);
          if (fac_.indefinite()) return CoreOutcome::indefinite;
          r = -r;
          const Index q = k - fac_.rank();
          auto e = e_.head(q);
          fac_.solve(r, u_.head(k), e);
          p_.noalias() = Z * u_.head(k);
          bool newton = true;
          if (q > 0 && max_abs(e) > Scalar(0)) {
            fac_.null_direction(e, v_.head(k));
            const Scalar vnorm = stable_norm(v_.head(k));
            const Scalar slope = vnorm > Scalar(0) ? Scalar(e.squaredNorm() / vnorm) : Scalar(0);
            if (slope > tol_ * sigma) {
              newton = false;
              p_.noalias() = Z * v_.head(k);
            }
          }
          // after a Newton step on this face, steps at the rounding level of w do not help
          const Scalar pmax = max_abs(p_);
          const bool negligible = pmax == Scalar(0) || pmax <= tol_ * max_abs(w);
          Scalar alpha(0);
          Index block = -1;
          if (newton && newton_done && negligible) {
            alpha = Scalar(0);
          } else if (!line_search(H, A, c, C, d, false, alpha, block)) {
            return CoreOutcome::unbounded;
          }
          if (!(alpha > Scalar(0)) && block < 0) {
            // no descent left along a direction computed from a gradient at rounding level: a face minimiser
            if (!newton_done && !newton) return CoreOutcome::numerical_issue;
          } else {
            w.noalias() += alpha * p_;
            cw_.noalias() = C * w;
            if (block >= 0) {
              row_ = C.row(block).transpose();
              if (!qr_.append(row_, tol_ / Scalar(2))) return CoreOutcome::numerical_issue;
              working.push_back(block);
              in_w_[static_cast<std::size_t>(block)] = 1;
              newton_done = false;
            } else {
              newton_done = newton;
            }
            continue;
          }
        }
      }
      // face minimiser: multipliers of the working rows
      qr_.coefficients(grad_, lw_);
      Scalar sigma_l = sigma;
      for (Index i = 0; i < t; ++i)
        sigma_l = std::max(sigma_l, Scalar(abs_of(Scalar(lw_(i))) * rownorm_(working[static_cast<std::size_t>(i)])));
      Index drop = -1;
      Scalar worst = -tol_ * sigma_l;
      for (Index i = 0; i < t; ++i) {
        const Scalar s = lw_(i) * rownorm_(working[static_cast<std::size_t>(i)]);
        if (s < worst) {
          worst = s;
          drop = i;
        }
      }
      if (drop < 0) {
        for (Index i = 0; i < t; ++i)
          lambda(working[static_cast<std::size_t>(i)]) = lw_(i) > Scalar(0) ? Scalar(lw_(i)) : Scalar(0);
        return CoreOutcome::optimal;
      }
      active_.clear();
      const Scalar wnorm = max_abs(w);
      for (Index row = 0; row < m; ++row)
        if (!in_w_[static_cast<std::size_t>(row)] && is_active(d, wnorm, row)) active_.push_back(row);
      if (active_.empty()) {
        in_w_[static_cast<std::size_t>(working[static_cast<std::size_t>(drop)])] = 0;
        qr_.remove(drop);
        working.erase(working.begin() + drop);
        newton_done = false;
        continue;
      }
      const CoreOutcome escape = leave_degenerate(H, A, c, C, d, w, working, lambda, sigma, stalled);
      if (escape != CoreOutcome::stepped) return escape;
      newton_done = false;
    }
  }

 private:
  void prepare(Index n, Index m, Index h) {
    if (grad_.size() != n) {
      for (Vector* v : {&grad_, &p_, &row_, &r_, &u_, &e_, &v_, &lw_}) v->resize(n);
      hz_.resize(n, n);
      m_.resize(n, n);
      hp_.resize(n, n);
    }
    cw_.resize(m);
    cp_.resize(m);
    rownorm_.resize(m);
    hinge_.resize(h);
    slope_.resize(h);
    in_w_.resize(static_cast<std::size_t>(m));
    in_a_.resize(static_cast<std::size_t>(m));
  }

  bool is_active(const Eigen::Ref<const Vector>& d, const Scalar& winf, Index k) const {
    return row_is_active(Scalar(cw_(k) - d(k)), Scalar(d(k)), Scalar(rownorm_(k) * winf), tol_);
  }

  // grad = H w + g + sum_i 2 c_i [l_i]_+ a_i and hp_ = H + sum_{l_i > 0} 2 c_i a_i a_i' at w (hinge_ = l);
  // returns the gradient scale max_j (sum of the magnitudes of the terms of grad_j)
  Scalar gradient(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Vector>& g, const Eigen::Ref<const Matrix>& A,
                  const Eigen::Ref<const Vector>& b, const Eigen::Ref<const Vector>& c, const Vector& w) {
    const Index n = w.size();
    hinge_.noalias() = A * w;
    hinge_ += b;
    grad_ = g;
    hp_ = H;
    Vector& scale = u_;  // scratch of size n
    scale = g.cwiseAbs();
    for (Index j = 0; j < n; ++j) {
      const Scalar wj = w(j);
      if (wj == Scalar(0)) continue;
      for (Index i = 0; i < n; ++i) {
        const Scalar h = H(i, j) * wj;
        grad_(i) += h;
        scale(i) += abs_of(h);
      }
    }
    for (Index i = 0; i < A.rows(); ++i) {
      if (!(hinge_(i) > Scalar(0))) continue;
      const Scalar f = Scalar(2) * c(i);
      const Scalar coef = f * hinge_(i);
      for (Index j = 0; j < n; ++j) {
        const Scalar aj = A(i, j);
        if (aj == Scalar(0)) continue;
        grad_(j) += coef * aj;
        scale(j) += abs_of(Scalar(coef * aj));
        for (Index l = 0; l < n; ++l) hp_(l, j) += f * A(i, l) * aj;
      }
    }
    return max_abs(scale);
  }

  // The exact minimiser alpha of the objective along p_ on [0, first blocking row], and that row (block, -1
  // if the minimiser comes first). The objective along the ray is convex and piecewise quadratic; its slope
  // is piecewise linear with breakpoints where a hinge changes sign. Returns false if it decreases forever.
  // With `lenient`, rows of the last degenerate resolution block only beyond the rounding of the gradient
  // (as in ActiveSetCore::resolve_degenerate, after a step of length 0).
  bool line_search(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Matrix>& A,
                   const Eigen::Ref<const Vector>& c, const Eigen::Ref<const Matrix>& C,
                   const Eigen::Ref<const Vector>& d, bool lenient, Scalar& alpha, Index& block) {
    cp_.noalias() = C * p_;
    const Scalar pnorm = stable_norm(p_);
    const Scalar noise = std::max(stable_norm(grad_), pnorm);
    bool bounded = false;
    Scalar limit(0);
    block = -1;
    for (Index k = 0; k < C.rows(); ++k) {
      if (in_w_[static_cast<std::size_t>(k)]) continue;
      const Scalar scale = lenient && in_a_[static_cast<std::size_t>(k)] ? noise : pnorm;
      if (!(cp_(k) < -tol_ * rownorm_(k) * scale)) continue;
      const Scalar step = std::max(Scalar(0), Scalar(cw_(k) - d(k))) / -cp_(k);
      if (!bounded || step < limit) {
        limit = step;
        block = k;
        bounded = true;
      }
    }
    // slope(t) = a0 + b0 t on the current piece; amag, bmag: magnitudes of their terms, for the rounding
    slope_.noalias() = A * p_;
    hz_.col(0).noalias() = H * p_;
    Scalar a0 = grad_.dot(p_), b0 = p_.dot(hz_.col(0));
    Scalar amag = grad_.cwiseAbs().dot(p_.cwiseAbs()), bmag = p_.cwiseAbs().dot(H.cwiseAbs() * p_.cwiseAbs());
    events_.clear();
    for (Index i = 0; i < A.rows(); ++i) {
      const Scalar l = hinge_(i), s = slope_(i);
      if (l > Scalar(0)) {
        b0 += Scalar(2) * c(i) * s * s;
        bmag += Scalar(2) * c(i) * s * s;
        if (s < Scalar(0)) events_.emplace_back(l / -s, i);  // leaves
      } else if (s > Scalar(0)) {
        if (l == Scalar(0)) {  // enters at once
          b0 += Scalar(2) * c(i) * s * s;
          bmag += Scalar(2) * c(i) * s * s;
        } else {
          events_.emplace_back(-l / s, i);  // enters
        }
      }
    }
    std::sort(events_.begin(), events_.end());
    // descent at t: the slope below the rounding of its terms
    const auto descends = [&](const Scalar& t) { return a0 + b0 * t < -tol_ * (amag + bmag * t); };
    const auto curved = [&] { return b0 > tol_ * bmag; };
    Scalar lo(0);
    for (const auto& [at, i] : events_) {
      if (bounded && at >= limit) break;
      if (!descends(lo)) {
        alpha = lo;
        block = -1;
        return true;
      }
      if (curved() && -a0 / b0 <= at) {
        alpha = -a0 / b0;
        block = -1;
        return true;
      }
      // cross the breakpoint: the hinge's term starts (or stops) adding 2 c (l + t s) s
      const Scalar f = Scalar(2) * c(i) * slope_(i);
      const Scalar sign = hinge_(i) > Scalar(0) ? Scalar(-1) : Scalar(1);
      a0 += sign * f * hinge_(i);
      b0 += sign * f * slope_(i);
      amag += abs_of(Scalar(f * hinge_(i)));
      bmag += abs_of(Scalar(f * slope_(i)));
      lo = at;
    }
    if (!descends(lo)) {
      alpha = lo;
      block = -1;
      return true;
    }
    if (curved() && (!bounded || -a0 / b0 < limit)) {
      alpha = -a0 / b0;
      block = -1;
      return true;
    }
    if (!bounded) return false;
    alpha = limit;
    return true;
  }

  // At a degenerate face minimiser: the NNLS step of qp/degenerate_step.hpp, as ActiveSetCore takes it.
  CoreOutcome leave_degenerate(const Eigen::Ref<const Matrix>& H, const Eigen::Ref<const Matrix>& A,
                               const Eigen::Ref<const Vector>& c, const Eigen::Ref<const Matrix>& C,
                               const Eigen::Ref<const Vector>& d, Vector& w, std::vector<Index>& working, Vector& lambda,
                               const Scalar& sigma, bool& stalled) {
    const Index m = C.rows();
    Scalar sigma_z(0);
    if (!step_.solve(C, working, active_, 0, lw_, grad_, rownorm_, tol_, sigma, p_, sigma_z))
      return CoreOutcome::numerical_issue;
    working.clear();
    std::fill(in_w_.begin(), in_w_.end(), char(0));
    step_.swap_passive_qr(qr_);
    for (const Index i : step_.passive()) {
      const Index row = step_.row_of(i);
      working.push_back(row);
      in_w_[static_cast<std::size_t>(row)] = 1;
    }
    project_to_face(qr_, p_, u_);
    const Scalar pmax = max_abs(p_);
    if (pmax == Scalar(0) || pmax <= tol_ * sigma_z || !(grad_.dot(p_) < Scalar(0))) {
      step_.multipliers(m, lambda);
      return CoreOutcome::optimal;
    }
    step_.mark_rows(in_a_);
    Scalar alpha(0);
    Index block = -1;
    if (!line_search(H, A, c, C, d, stalled, alpha, block)) return CoreOutcome::unbounded;
    w.noalias() += alpha * p_;
    cw_.noalias() = C * w;
    if (!(alpha > Scalar(0))) stalled = true;
    if (block >= 0) {
      row_ = C.row(block).transpose();
      if (qr_.append(row_, tol_ / Scalar(2))) {
        working.push_back(block);
        in_w_[static_cast<std::size_t>(block)] = 1;
      }
    }
    return CoreOutcome::stepped;
  }

  Scalar tol_ = Scalar(0);
  ColumnQR<Scalar> qr_;
  PsdFactor<Scalar> fac_;
  DegenerateStep<Scalar> step_;
  Vector grad_, p_, row_, r_, u_, e_, v_, lw_, cw_, cp_, rownorm_, hinge_, slope_;
  Matrix hz_, m_, hp_;
  std::vector<char> in_w_, in_a_;
  std::vector<Index> init_, active_;
  std::vector<std::pair<Scalar, Index>> events_;
};

}  // namespace krelu::detail
