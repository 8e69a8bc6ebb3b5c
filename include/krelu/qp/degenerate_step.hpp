#pragma once
/// \file
/// What the two primal active-set methods (qp/active_set.hpp, qp/squared_hinge.hpp) share: the test that
/// a constraint row is active, and the way out of a degenerate face minimiser.
///
/// At a face minimiser with a negative multiplier while rows outside the working set are active too (a
/// degenerate point, e.g. the origin for homogeneous constraints), dropping a row blindly can cycle. Instead
/// the nonnegative least-squares problem min ||C_A' z - grad||, z >= 0, over all active rows A (Lawson &
/// Hanson) is solved: a zero residual proves optimality with multipliers z; otherwise p = C_A' z - grad is a
/// feasible direction of strict descent (C_A p >= 0, grad'p = -||p||^2), so the objective decreases
/// strictly between face minimisers and no working set repeats.

#include <Eigen/Dense>
#include <algorithm>
#include <vector>

#include "krelu/qp/linear_algebra.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// Row k of C x >= d is active when its slack is at most tol * max(|d_k|, ||C_k|| ||x||_inf) (`row_size` is
/// ||C_k|| ||x||_inf): components of x at the rounding level do not count.
template <class Scalar>
bool row_is_active(const Scalar& slack, const Scalar& d_k, const Scalar& row_size, const Scalar& tol) {
  if (slack <= Scalar(0)) return true;
  Scalar scale = abs_of(d_k);
  if (row_size > scale) scale = row_size;
  return slack <= tol * scale;
}

/// The nonnegative least-squares step out of a degenerate face minimiser, in its own workspace.
template <class Scalar>
class DegenerateStep {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Solves the NNLS over the working rows, the other active rows and, for the working rows that are
  /// equations (row < equalities), their negations (an equation's multiplier has either sign). The working
  /// rows with positive multipliers `lw` (in working-set order) warm-start it. On success p = C_A' z - grad
  /// and sigma_z = max(sigma, max_i z_i ||C_i||) (`rownorm` holds ||C_i||), the scale of p's rounding.
  /// Returns false if the NNLS failed numerically.
  bool solve(const Eigen::Ref<const Matrix>& C, const std::vector<Index>& working, const std::vector<Index>& active,
             Index equalities, const Vector& lw, const Vector& grad, const Vector& rownorm, const Scalar& tol,
             const Scalar& sigma, Vector& p, Scalar& sigma_z) {
    const Index n = C.cols();
    rows_.assign(working.begin(), working.end());
    rows_.insert(rows_.end(), active.begin(), active.end());
    for (const Index row : working)
      if (row < equalities) rows_.push_back(-1 - row);
    const Index a = static_cast<Index>(rows_.size());
    if (e_.rows() != n || e_.cols() < a) e_.resize(n, std::max(a, C.rows()));
    if (z_.size() < a) z_.resize(std::max(a, C.rows()));
    for (Index i = 0; i < a; ++i) {
      const Index code = rows_[static_cast<std::size_t>(i)];
      if (code >= 0)
        e_.col(i) = C.row(code).transpose();
      else
        e_.col(i) = -C.row(-1 - code).transpose();
    }
    start_.clear();
    for (std::size_t i = 0; i < working.size(); ++i)
      if (lw(static_cast<Index>(i)) > Scalar(0)) start_.push_back(static_cast<Index>(i));
    if (!nnls_.solve(e_.leftCols(a), grad, tol, z_.head(a), start_)) return false;
    p = -grad;
    p.noalias() += e_.leftCols(a) * z_.head(a);
    sigma_z = sigma;
    for (Index i = 0; i < a; ++i) {
      const Scalar s = z_(i) * rownorm(row_of(i));
      if (s > sigma_z) sigma_z = s;
    }
    return true;
  }

  /// Row of C behind NNLS column i.
  Index row_of(Index i) const {
    const Index code = rows_[static_cast<std::size_t>(i)];
    return code >= 0 ? code : -1 - code;
  }
  /// NNLS columns (positions in the row list) with z_i > 0, linearly independent.
  const std::vector<Index>& passive() const { return nnls_.passive(); }
  /// Hands over the QR factorisation of the passive columns (in passive() order): with no equations these
  /// are rows of C, independent at tol, and so the next working set's factorisation.
  void swap_passive_qr(ColumnQR<Scalar>& qr) { nnls_.swap_passive_qr(qr); }
  /// Marks the rows the NNLS looked at (flags sized to C's rows).
  void mark_rows(std::vector<char>& flags) const {
    std::fill(flags.begin(), flags.end(), char(0));
    for (const Index code : rows_)
      if (code >= 0) flags[static_cast<std::size_t>(code)] = 1;
  }
  /// The NNLS multipliers as multipliers of C's m rows (an equation's two columns combine into one).
  void multipliers(Index m, Vector& lambda) const {
    lambda.setZero(m);
    for (Index i = 0; i < static_cast<Index>(rows_.size()); ++i) {
      if (!(z_(i) > Scalar(0))) continue;
      const Index code = rows_[static_cast<std::size_t>(i)];
      if (code >= 0)
        lambda(code) += z_(i);
      else
        lambda(-1 - code) -= z_(i);
    }
  }

 private:
  Nnls<Scalar> nnls_;
  Matrix e_;  // the active rows as columns
  Vector z_;
  std::vector<Index> rows_;   // row k of C, or -1 - k for the negated equation k
  std::vector<Index> start_;  // warm start of the NNLS
};

/// Projects p onto the directions that keep the rows factored in `qr` active (u: workspace of size >= n).
/// In exact arithmetic an NNLS step is already there; numerically p = C_A' z - grad carries rounding of the
/// size of grad, which a long step along a direction of little curvature turns into a violation of those
/// rows (seen: 5e-7 relative in long double on Densest-Subgraph pattern problems).
template <class Scalar>
void project_to_face(const ColumnQR<Scalar>& qr, Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& p,
                     Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& u) {
  const Eigen::Index k = qr.rows() - qr.size();
  const auto Z = qr.Q().rightCols(k);
  u.head(k).noalias() = Z.transpose() * p;
  p.noalias() = Z * u.head(k);
}

}  // namespace krelu::detail
