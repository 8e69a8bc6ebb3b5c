#pragma once
/// \file
/// Small dense kernels for the active-set QP solver: an updatable QR factorisation of a set of
/// columns, a rank-revealing (pivoted) Cholesky factorisation of a positive semidefinite matrix with
/// minimum-norm solves and null-space directions, and Lawson-Hanson nonnegative least squares.
///
/// Everything works in caller-owned workspace that is only resized when the problem size changes, so
/// repeated solves of equally sized problems do not touch the heap. The kernels are written as plain loops
/// over Eigen storage: the matrices are tiny on the hot path (n <= 12), where generic Eigen decompositions
/// cost more in set-up than in arithmetic, and the same code serves long double and Boost.Multiprecision.

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "krelu/traits.hpp"

namespace krelu::detail {

/// Largest magnitude of an entry (0 when empty).
template <class Derived>
typename Derived::Scalar max_abs(const Eigen::MatrixBase<Derived>& v) {
  using Scalar = typename Derived::Scalar;
  Scalar m(0);
  for (Eigen::Index j = 0; j < v.cols(); ++j)
    for (Eigen::Index i = 0; i < v.rows(); ++i) {
      const Scalar a = abs_of(Scalar(v(i, j)));
      if (a > m) m = a;
    }
  return m;
}

/// Euclidean norm without overflow or underflow: the plain sum of squares when it is in the normal range,
/// a scaled sum otherwise.
template <class Derived>
typename Derived::Scalar stable_norm(const Eigen::MatrixBase<Derived>& v) {
  using Scalar = typename Derived::Scalar;
  const Scalar plain = v.squaredNorm();
  if (plain > std::numeric_limits<Scalar>::min() && plain < std::numeric_limits<Scalar>::max()) return sqrt_of(plain);
  const Scalar scale = max_abs(v);
  if (scale == Scalar(0)) return Scalar(0);
  Scalar s(0);
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const Scalar t = Scalar(v(i)) / scale;
    s += t * t;
  }
  return scale * sqrt_of(s);
}

/// Givens rotation (c, s) with [c s; -s c] [a; b] = [r; 0].
template <class Scalar>
void givens(const Scalar& a, const Scalar& b, Scalar& c, Scalar& s, Scalar& r) {
  if (b == Scalar(0)) {
    c = Scalar(1);
    s = Scalar(0);
    r = a;
    return;
  }
  const Scalar scale = abs_of(a) > abs_of(b) ? abs_of(a) : abs_of(b);
  const Scalar as = a / scale, bs = b / scale;
  r = scale * sqrt_of(as * as + bs * bs);
  c = a / r;
  s = b / r;
}

/// QR factorisation A = Q [R; 0] of an ordered set of t <= n linearly independent columns of length n,
/// with Q (n x n orthogonal) kept explicitly, updated in O(n^2) when a column is appended (one Householder
/// reflection) or removed (Givens rotations); Golub & Van Loan, Matrix Computations, 4th ed., Sec. 6.5.
/// Q's first t columns span the columns (Y), the remaining n - t span their orthogonal complement (Z).
template <class Scalar>
class ColumnQR {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Empty set of columns of length n: Q = I.
  void reset(Index n) {
    n_ = n;
    t_ = 0;
    Q_.resize(n, n);
    Q_.setIdentity();
    R_.resize(n, n);
    w_.resize(n);
    v_.resize(n);
    tmp_.resize(n);
  }
  Index rows() const { return n_; }
  /// Number of columns t.
  Index size() const { return t_; }
  const Matrix& Q() const { return Q_; }
  /// Upper triangular t x t factor, stored in the top-left corner.
  const Matrix& R() const { return R_; }

  /// Appends column a unless its part orthogonal to the current columns has norm <= rel_tol * ||a||
  /// (then a is numerically dependent, nothing changes, and false is returned).
  bool append(const Eigen::Ref<const Vector>& a, const Scalar& rel_tol) {
    if (t_ >= n_) return false;
    w_.noalias() = Q_.transpose() * a;
    const Index k = n_ - t_;
    const Scalar tail = stable_norm(w_.tail(k));
    const Scalar anorm = stable_norm(a);
    if (!(tail > rel_tol * anorm) || tail == Scalar(0)) return false;
    reflector_size_ = k;
    beta_ = Scalar(0);
    if (k > 1) {
      // Householder reflection P = I - beta v v' with P w_tail = alpha e_1, applied as Q_tail <- Q_tail P.
      const Scalar alpha = w_(t_) >= Scalar(0) ? Scalar(-tail) : tail;
      auto v = v_.head(k);
      v = w_.tail(k);
      v(0) -= alpha;
      const Scalar vv = v.squaredNorm();
      if (vv > Scalar(0)) {
        const Scalar beta = Scalar(2) / vv;
        beta_ = beta;
        auto qt = Q_.rightCols(k);
        tmp_.noalias() = qt * v;
        for (Index j = 0; j < k; ++j) {
          const Scalar f = beta * v(j);
          for (Index i = 0; i < n_; ++i) qt(i, j) -= tmp_(i) * f;
        }
      }
      w_(t_) = alpha;
    }
    for (Index i = 0; i <= t_; ++i) R_(i, t_) = w_(i);
    ++t_;
    return true;
  }

  /// The reflection P = I - beta v v' (k x k, k = n - t before the call) by which the last successful
  /// append() turned the old null-space basis Z into [q, Z_new] = Z P; beta = 0 means P = I.
  auto last_reflector() const { return v_.head(reflector_size_); }
  const Scalar& last_beta() const { return beta_; }

  /// The factorisation of the set with column j negated: R's column j changes sign.
  void negate_column(Index j) {
    for (Index i = 0; i <= j; ++i) R_(i, j) = -R_(i, j);
  }

  /// Removes the column at position j (0-based); the later columns move one position forward.
  void remove(Index j) {
    for (Index c = j; c + 1 < t_; ++c)
      for (Index i = 0; i <= c + 1; ++i) R_(i, c) = R_(i, c + 1);
    // R is now upper Hessenberg in columns j..t-2: rotate rows (i, i+1) to clear R(i+1, i).
    for (Index i = j; i + 1 < t_; ++i) {
      Scalar c, s, r;
      givens(Scalar(R_(i, i)), Scalar(R_(i + 1, i)), c, s, r);
      R_(i, i) = r;
      R_(i + 1, i) = Scalar(0);
      for (Index l = i + 1; l + 1 < t_; ++l) {
        const Scalar a = R_(i, l), b = R_(i + 1, l);
        R_(i, l) = c * a + s * b;
        R_(i + 1, l) = c * b - s * a;
      }
      for (Index l = 0; l < n_; ++l) {
        const Scalar a = Q_(l, i), b = Q_(l, i + 1);
        Q_(l, i) = c * a + s * b;
        Q_(l, i + 1) = c * b - s * a;
      }
    }
    --t_;
  }

  /// Least-squares coefficients of v on the columns: solves R z = Y' v into z(0..t-1) (z must have at
  /// least t entries; it is not resized, so that a workspace vector of capacity n can be reused).
  template <class Out>
  void coefficients(const Eigen::Ref<const Vector>& v, Out& z) const {
    for (Index i = 0; i < t_; ++i) z(i) = Q_.col(i).dot(v);
    for (Index i = t_ - 1; i >= 0; --i) {
      Scalar s = z(i);
      for (Index l = i + 1; l < t_; ++l) s -= R_(i, l) * z(l);
      z(i) = s / R_(i, i);
    }
  }

 private:
  Index n_ = 0, t_ = 0;
  Matrix Q_, R_;
  Vector w_, v_, tmp_;
  Index reflector_size_ = 0;
  Scalar beta_ = Scalar(0);
};

/// Rank-revealing factorisation P' M P = L L' of a symmetric positive semidefinite k x k matrix by
/// Cholesky with diagonal pivoting, stopped when the largest remaining pivot is <= a threshold
/// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., Sec. 10.3; LAPACK dpstrf).
/// With L = [L1; L2] (L1 r x r nonsingular) the null space of the factored matrix is spanned by the
/// columns of P N, N = [-S; I], S = L1^{-T} L2'; a right-hand side b is consistent iff N' P' b = 0.
/// Storage grows to the largest k seen and is never shrunk, so equal or smaller sizes do not allocate.
template <class Scalar>
class PsdFactor {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Factors M (only its lower triangle is read). Pivots <= zero_pivot count as zero; the matrix is
  /// reported indefinite when a remaining pivot is < -negative_pivot.
  void compute(const Eigen::Ref<const Matrix>& M, const Scalar& zero_pivot, const Scalar& negative_pivot) {
    const Index k = M.rows();
    k_ = k;
    if (A_.rows() < k) {
      A_.resize(k, k);
      S_.resize(k, k);
      G_.resize(k, k);
      work_.resize(k);
      work2_.resize(k);
      work3_.resize(k);
    }
    for (Index j = 0; j < k; ++j)
      for (Index i = j; i < k; ++i) A_(i, j) = M(i, j);
    perm_.resize(static_cast<std::size_t>(k));
    for (Index i = 0; i < k; ++i) perm_[static_cast<std::size_t>(i)] = i;
    indefinite_ = false;
    have_s_ = false;
    rank_ = k;
    for (Index j = 0; j < k; ++j) {
      Index p = j;
      for (Index i = j + 1; i < k; ++i)
        if (A_(i, i) > A_(p, p)) p = i;
      if (!(A_(p, p) > zero_pivot)) {
        rank_ = j;
        for (Index i = j; i < k; ++i)
          if (A_(i, i) < -negative_pivot) indefinite_ = true;
        break;
      }
      if (p != j) swap_symmetric(j, p);
      const Scalar ljj = sqrt_of(Scalar(A_(j, j)));
      A_(j, j) = ljj;
      for (Index i = j + 1; i < k; ++i) A_(i, j) /= ljj;
      for (Index l = j + 1; l < k; ++l) {
        const Scalar alj = A_(l, j);
        if (alj == Scalar(0)) continue;
        for (Index i = l; i < k; ++i) A_(i, l) -= A_(i, j) * alj;
      }
    }
  }

  Index size() const { return k_; }
  Index rank() const { return rank_; }
  bool indefinite() const { return indefinite_; }

  /// For a right-hand side b (size k): e = N' P' b (size k - rank; zero iff b is in the range), and
  /// u = M^+ b (size k), the minimum-norm least-squares solution: the minimum-norm solution of M u = b for
  /// consistent b, and otherwise that of the system with b projected onto the range.
  void solve(const Eigen::Ref<const Vector>& b, Eigen::Ref<Vector> u, Eigen::Ref<Vector> e) {
    const Index k = k_, r = rank_;
    auto bp = work_.head(k);
    for (Index i = 0; i < k; ++i) bp(i) = b(perm_[static_cast<std::size_t>(i)]);
    forward_and_residual(bp, e);
    if (r < k && r > 0 && max_abs(e) > Scalar(0)) {
      // project b onto the range: b <- b - N (N'N)^{-1} e, then redo the forward solve
      ensure_s();
      const Index q = k - r;
      auto w = work2_.head(q);
      w = e;
      solve_gram(w);
      for (Index i = 0; i < k; ++i) bp(i) = b(perm_[static_cast<std::size_t>(i)]);
      for (Index i = 0; i < r; ++i) {
        Scalar s = bp(i);
        for (Index l = 0; l < q; ++l) s += S_(i, l) * w(l);
        bp(i) = s;
      }
      for (Index i = 0; i < q; ++i) bp(r + i) -= w(i);
      forward_and_residual(bp, work3_.head(q));
    }
    // basic solution ub1 = L1^{-T} y, ub2 = 0
    for (Index i = r - 1; i >= 0; --i) {
      Scalar s = bp(i);
      for (Index l = i + 1; l < r; ++l) s -= A_(l, i) * bp(l);
      bp(i) = s / A_(i, i);
    }
    for (Index i = r; i < k; ++i) bp(i) = Scalar(0);
    if (r < k && r > 0) {
      // minimum norm: remove the component in range(N): w = (N'N)^{-1} N' ub, ub <- ub - N w
      ensure_s();
      const Index q = k - r;
      auto c = work2_.head(q);
      for (Index i = 0; i < q; ++i) {
        Scalar s(0);
        for (Index l = 0; l < r; ++l) s -= S_(l, i) * bp(l);
        c(i) = s;
      }
      solve_gram(c);
      for (Index i = 0; i < r; ++i) {
        Scalar s = bp(i);
        for (Index l = 0; l < q; ++l) s += S_(i, l) * c(l);
        bp(i) = s;
      }
      for (Index i = 0; i < q; ++i) bp(r + i) = -c(i);
    }
    for (Index i = 0; i < k; ++i) u(perm_[static_cast<std::size_t>(i)]) = bp(i);
  }

  /// The rank x k matrix F = (P L)' with M = F'F (up to the pivots counted as zero): M x = M y iff F x = F y.
  template <class Out>
  void factor_rows(Out& F) const {
    F.setZero(rank_, k_);
    for (Index j = 0; j < rank_; ++j)
      for (Index i = j; i < k_; ++i) F(j, perm_[static_cast<std::size_t>(i)]) = A_(i, j);
  }

  /// v = P N e (size k): a null-space direction; for e = N' P' b it satisfies b' v = ||e||^2.
  void null_direction(const Eigen::Ref<const Vector>& e, Eigen::Ref<Vector> v) {
    const Index k = k_, r = rank_;
    if (r > 0) ensure_s();
    for (Index i = 0; i < r; ++i) {
      Scalar s(0);
      for (Index l = 0; l < k - r; ++l) s -= S_(i, l) * e(l);
      v(perm_[static_cast<std::size_t>(i)]) = s;
    }
    for (Index i = r; i < k; ++i) v(perm_[static_cast<std::size_t>(i)]) = e(i - r);
  }

 private:
  void swap_symmetric(Index j, Index p) {
    // symmetric permutation of rows/columns j < p acting on the lower triangle (as LAPACK dpstrf)
    for (Index l = 0; l < j; ++l) std::swap(A_(j, l), A_(p, l));
    std::swap(A_(j, j), A_(p, p));
    for (Index i = j + 1; i < p; ++i) std::swap(A_(i, j), A_(p, i));
    for (Index i = p + 1; i < k_; ++i) std::swap(A_(i, j), A_(i, p));
    std::swap(perm_[static_cast<std::size_t>(j)], perm_[static_cast<std::size_t>(p)]);
  }

  // bp(0..r-1) <- L1^{-1} bp(0..r-1); res = bp(r..k-1) - L2 L1^{-1} bp(0..r-1)
  template <class Res>
  void forward_and_residual(Eigen::VectorBlock<Vector> bp, Res&& res) {
    const Index k = k_, r = rank_;
    for (Index i = 0; i < r; ++i) {
      Scalar s = bp(i);
      for (Index l = 0; l < i; ++l) s -= A_(i, l) * bp(l);
      bp(i) = s / A_(i, i);
    }
    for (Index i = r; i < k; ++i) {
      Scalar s = bp(i);
      for (Index l = 0; l < r; ++l) s -= A_(i, l) * bp(l);
      res(i - r) = s;
    }
  }

  // c <- (N'N)^{-1} c = (I + S'S)^{-1} c through the Cholesky factor G
  template <class V>
  void solve_gram(V&& c) const {
    const Index q = k_ - rank_;
    for (Index i = 0; i < q; ++i) {
      Scalar s = c(i);
      for (Index l = 0; l < i; ++l) s -= G_(i, l) * c(l);
      c(i) = s / G_(i, i);
    }
    for (Index i = q - 1; i >= 0; --i) {
      Scalar s = c(i);
      for (Index l = i + 1; l < q; ++l) s -= G_(l, i) * c(l);
      c(i) = s / G_(i, i);
    }
  }

  // S = L1^{-T} L2' (r x q) and the Cholesky factor G of I + S'S (q x q).
  void ensure_s() {
    if (have_s_) return;
    const Index r = rank_, q = k_ - rank_;
    for (Index c = 0; c < q; ++c) {
      for (Index i = r - 1; i >= 0; --i) {
        Scalar s = A_(r + c, i);
        for (Index l = i + 1; l < r; ++l) s -= A_(l, i) * S_(l, c);
        S_(i, c) = s / A_(i, i);
      }
    }
    for (Index c = 0; c < q; ++c)
      for (Index i = c; i < q; ++i) {
        Scalar s = i == c ? Scalar(1) : Scalar(0);
        for (Index l = 0; l < r; ++l) s += S_(l, i) * S_(l, c);
        G_(i, c) = s;
      }
    for (Index j = 0; j < q; ++j) {
      const Scalar gjj = sqrt_of(Scalar(G_(j, j)));
      G_(j, j) = gjj;
      for (Index i = j + 1; i < q; ++i) G_(i, j) /= gjj;
      for (Index l = j + 1; l < q; ++l)
        for (Index i = l; i < q; ++i) G_(i, l) -= G_(i, j) * G_(l, j);
    }
    have_s_ = true;
  }

  Index k_ = 0, rank_ = 0;
  bool indefinite_ = false, have_s_ = false;
  Matrix A_, S_, G_;
  std::vector<Index> perm_;
  Vector work_, work2_, work3_;
};

/// Nonnegative least squares min ||E z - f|| subject to z >= 0 by the active-set algorithm of Lawson and
/// Hanson (Solving Least Squares Problems, 1974, Ch. 23), which terminates finitely; columns may be
/// linearly dependent (the passive columns always stay independent).
template <class Scalar>
class Nnls {
 public:
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Solves the problem into z (size p = E.cols()); `tol` is relative (a column enters when
  /// E_j'(f - E z) > tol ||E_j|| ||f||; dependence test of the QR). Returns false if the iteration budget
  /// ran out. passive() lists the support of z afterwards.
  bool solve(const Eigen::Ref<const Matrix>& E, const Eigen::Ref<const Vector>& f, const Scalar& tol,
             Eigen::Ref<Vector> z, const std::vector<Index>& start = {}) {
    const Index n = E.rows(), p = E.cols();
    z.setZero();
    passive_.clear();
    in_passive_.assign(static_cast<std::size_t>(p), 0);
    rejected_.assign(static_cast<std::size_t>(p), 0);
    qr_.reset(n);
    if (colnorm_.size() < p) {
      colnorm_.resize(p);
      w_.resize(p);
    }
    if (resid_.size() != n) {
      resid_.resize(n);
      coef_.resize(n);
    }
    for (Index j = 0; j < p; ++j) colnorm_(j) = stable_norm(E.col(j));
    const Scalar fnorm = stable_norm(f);
    const int budget = static_cast<int>(3 * (n + p) + 30);
    int iterations = 0;
    // warm start: a guess of the passive set (independent columns first), then the usual inner loop
    for (const Index j : start) {
      if (j < 0 || j >= p || in_passive_[static_cast<std::size_t>(j)]) continue;
      if (!qr_.append(E.col(j), tol)) continue;
      passive_.push_back(j);
      in_passive_[static_cast<std::size_t>(j)] = 1;
    }
    while (!passive_.empty()) {  // drop non-positive coefficients, most negative first
      qr_.coefficients(f, coef_);
      Index worst = -1;
      for (Index i = 0; i < static_cast<Index>(passive_.size()); ++i)
        if (!(coef_(i) > Scalar(0)) && (worst < 0 || coef_(i) < coef_(worst))) worst = i;
      if (worst < 0) {
        for (std::size_t i = 0; i < passive_.size(); ++i) z(passive_[i]) = coef_(static_cast<Index>(i));
        break;
      }
      qr_.remove(worst);
      in_passive_[static_cast<std::size_t>(passive_[static_cast<std::size_t>(worst)])] = 0;
      passive_.erase(passive_.begin() + worst);
    }
    for (;;) {
      resid_ = f;
      for (const Index j : passive_) resid_.noalias() -= z(j) * E.col(j);  // z is zero off the passive set
      w_.head(p).noalias() = E.transpose() * resid_;
      Index best = -1;
      Scalar best_value(0);
      for (Index j = 0; j < p; ++j) {
        if (in_passive_[static_cast<std::size_t>(j)] || rejected_[static_cast<std::size_t>(j)]) continue;
        if (colnorm_(j) == Scalar(0)) continue;
        const Scalar wj = w_(j) / colnorm_(j);
        if (wj > tol * fnorm && wj > best_value) {
          best_value = wj;
          best = j;
        }
      }
      if (best < 0) return true;
      if (++iterations > budget) return false;
      if (!qr_.append(E.col(best), tol)) {
        // numerically in the span of the passive columns: it cannot improve the fit
        rejected_[static_cast<std::size_t>(best)] = 1;
        continue;
      }
      qr_.coefficients(f, coef_);
      if (!(coef_(qr_.size() - 1) > Scalar(0))) {
        // in exact arithmetic the new coefficient is positive (w_best > 0); rounding said otherwise
        qr_.remove(qr_.size() - 1);
        rejected_[static_cast<std::size_t>(best)] = 1;
        continue;
      }
      std::fill(rejected_.begin(), rejected_.end(), 0);
      passive_.push_back(best);
      in_passive_[static_cast<std::size_t>(best)] = 1;
      if (!feasible_step(f, z, budget, iterations, true)) return false;
    }
  }

  /// Indices (columns of E) with z_j > 0, linearly independent.
  const std::vector<Index>& passive() const { return passive_; }
  /// Hands over the QR factorisation of the passive columns (in passive() order) by swapping it with
  /// `other`; this object's factorisation is then unspecified until the next solve().
  void swap_passive_qr(ColumnQR<Scalar>& other) { std::swap(qr_, other); }

 private:
  // Lawson-Hanson inner loop: move z towards the least-squares solution on the passive set, dropping the
  // columns whose coefficients would turn negative, until that solution is positive.
  template <class Z>
  bool feasible_step(const Eigen::Ref<const Vector>& f, Z& z, int budget, int& iterations, bool have_coef) {
    for (bool first = true;; first = false) {
      if (++iterations > budget) return false;
      if (!first || !have_coef) qr_.coefficients(f, coef_);
      Scalar alpha(1);
      Index drop = -1;
      for (std::size_t i = 0; i < passive_.size(); ++i) {
        const Index j = passive_[i];
        const Scalar c = coef_(static_cast<Index>(i));
        if (c <= Scalar(0)) {
          const Scalar denom = z(j) - c;
          const Scalar a = denom > Scalar(0) ? z(j) / denom : Scalar(0);
          if (drop < 0 || a < alpha) {
            alpha = a;
            drop = static_cast<Index>(i);
          }
        }
      }
      if (drop < 0) {
        for (std::size_t i = 0; i < passive_.size(); ++i) z(passive_[i]) = coef_(static_cast<Index>(i));
        return true;
      }
      for (std::size_t i = 0; i < passive_.size(); ++i) {
        const Index j = passive_[i];
        z(j) += alpha * (coef_(static_cast<Index>(i)) - z(j));
      }
      // remove the blocking variable and every other that reached zero
      for (Index i = static_cast<Index>(passive_.size()) - 1; i >= 0; --i) {
        const Index j = passive_[static_cast<std::size_t>(i)];
        if (i == drop || !(z(j) > Scalar(0))) {
          z(j) = Scalar(0);
          qr_.remove(i);
          in_passive_[static_cast<std::size_t>(j)] = 0;
          passive_.erase(passive_.begin() + i);
        }
      }
    }
  }

  ColumnQR<Scalar> qr_;
  std::vector<Index> passive_;
  std::vector<char> in_passive_, rejected_;
  Vector colnorm_, resid_, w_, coef_;  // colnorm_ and w_ have capacity >= p
};

}  // namespace krelu::detail
