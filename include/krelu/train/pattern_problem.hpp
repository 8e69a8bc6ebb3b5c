#pragma once
/// \file
/// The convex problem of one sign vector and one activation pattern (Lemma 22; DESIGN.md "One sign
/// pattern is one convex problem"), assembled for qp::ConvexQp.
///
/// With theta = (w_1, ..., w_k) and phi_i = (a_1 P_i1 x_i, ..., a_k P_ik x_i):
///   total error  sum_i c_i (phi_i . theta - y_i)^2 = theta' (H/2) theta + g' theta + sum_i c_i y_i^2,
///   H = 2 sum_i c_i phi_i phi_i',  g = -2 sum_i c_i y_i phi_i,
///   constraints (2 P_ij - 1) <w_j, x_i> >= 0, and ||w_j|| <= radius in the bounded variant.

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "krelu/qp/convex_qp.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/traits.hpp"

namespace krelu::detail {

/// Dense copy of a sample container's data, scaled so the problem is well conditioned: inputs by
/// 1/max|x|, labels by 1/max|y| and weights by 1/max c. The scales are kept to map results back.
template <class Scalar>
struct ScaledSamples {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix x;   ///< m x n, scaled inputs
  Vector y;   ///< scaled labels
  Vector c;   ///< scaled weights
  Scalar input_scale = Scalar(1);   ///< x_true = input_scale * x
  Scalar label_scale = Scalar(1);   ///< y_true = label_scale * y
  Scalar weight_scale = Scalar(1);  ///< c_true = weight_scale * c
  std::vector<bool> zero_row;       ///< x_i = 0: no constraint, ReLU always 0

  Eigen::Index size() const { return y.size(); }
  Eigen::Index dim() const { return x.cols(); }
};

template <class Scalar, SampleContainer Samples>
ScaledSamples<Scalar> scaled_copy(const Samples& s) {
  ScaledSamples<Scalar> out;
  const auto m = static_cast<Eigen::Index>(s.size()), n = static_cast<Eigen::Index>(s.dim());
  out.x = ScaledSamples<Scalar>::Matrix::Zero(m, n);
  out.y.resize(m);
  out.c.resize(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto row = s.row(i);
    if constexpr (detail::is_sparse_expression_v<decltype(row)>) {
      using Plain = typename Eigen::internal::eval<std::decay_t<decltype(row)>>::type;
      const Plain r = row;
      for (typename Plain::InnerIterator it(r, 0); it; ++it) out.x(i, it.index()) = Scalar(it.value());
    } else if constexpr (detail::is_eigen_expression_v<decltype(row)>) {
      for (Eigen::Index j = 0; j < n; ++j) out.x(i, j) = Scalar(row(j));
    } else {
      Eigen::Index j = 0;
      for (const auto& v : row) out.x(i, j++) = Scalar(v);
    }
    out.y(i) = Scalar(s.label(i));
    out.c(i) = Scalar(s.weight(i));
  }
  const Scalar xs = m > 0 ? out.x.cwiseAbs().maxCoeff() : Scalar(0);
  const Scalar ys = m > 0 ? out.y.cwiseAbs().maxCoeff() : Scalar(0);
  const Scalar cs = m > 0 ? out.c.maxCoeff() : Scalar(1);
  if (xs > Scalar(0)) { out.input_scale = xs; out.x /= xs; }
  if (ys > Scalar(0)) { out.label_scale = ys; out.y /= ys; }
  if (cs > Scalar(0)) { out.weight_scale = cs; out.c /= cs; }
  out.zero_row.assign(static_cast<std::size_t>(m), false);
  for (Eigen::Index i = 0; i < m; ++i) out.zero_row[static_cast<std::size_t>(i)] = out.x.row(i).isZero(0);
  return out;
}

/// Builds H, g, C (d = 0) for signs a and pattern P (P(i, j) = unit j active on sample i), in the
/// scaled variables. Rows of C: one per (i, j) with x_i != 0, in order i-major; `row_of` maps them.
template <class Scalar>
class PatternProblem {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Pattern = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>;

  PatternProblem(const ScaledSamples<Scalar>& s, int units) : s_(s), k_(units) {
    const Eigen::Index n = s.dim(), p = n * units;
    hessian_.resize(p, p);
    gradient_.resize(p);
    Eigen::Index rows = 0;
    for (Eigen::Index i = 0; i < s.size(); ++i)
      if (!s.zero_row[static_cast<std::size_t>(i)]) rows += units;
    constraints_ = Matrix::Zero(rows, p);
    rhs_ = Vector::Zero(rows);
    constant_ = Scalar(0);
    for (Eigen::Index i = 0; i < s.size(); ++i) constant_ += s.c(i) * s.y(i) * s.y(i);
  }

  /// Fills H, g and C for (a, P).
  void assemble(const std::vector<int>& a, const Pattern& P) {
    const Eigen::Index n = s_.dim();
    hessian_.setZero();
    gradient_.setZero();
    Eigen::Index r = 0;
    for (Eigen::Index i = 0; i < s_.size(); ++i) {
      const auto xi = s_.x.row(i);
      for (int j = 0; j < k_; ++j) {
        if (!P(i, j)) continue;
        const Scalar aj = Scalar(a[static_cast<std::size_t>(j)]);
        gradient_.segment(j * n, n).noalias() -= Scalar(2) * s_.c(i) * s_.y(i) * aj * xi.transpose();
        for (int l = 0; l < k_; ++l) {
          if (!P(i, l)) continue;
          const Scalar al = Scalar(a[static_cast<std::size_t>(l)]);
          hessian_.block(j * n, l * n, n, n).noalias() += (Scalar(2) * s_.c(i) * aj * al) * xi.transpose() * xi;
        }
      }
      if (s_.zero_row[static_cast<std::size_t>(i)]) continue;
      for (int j = 0; j < k_; ++j, ++r) {
        constraints_.row(r).setZero();
        constraints_.row(r).segment(j * n, n) = (P(i, j) ? Scalar(1) : Scalar(-1)) * xi;
      }
    }
  }

  /// sum_i c_i (phi_i . theta - y_i)^2 in scaled units, evaluated in residual form (no cancellation).
  Scalar pattern_error(const std::vector<int>& a, const Pattern& P, const Vector& theta) const {
    const Eigen::Index n = s_.dim();
    detail::CompensatedSum<Scalar> sum;
    for (Eigen::Index i = 0; i < s_.size(); ++i) {
      Scalar f(0);
      for (int j = 0; j < k_; ++j)
        if (P(i, j)) f += Scalar(a[static_cast<std::size_t>(j)]) * s_.x.row(i).dot(theta.segment(j * n, n));
      const Scalar r = f - s_.y(i);
      sum.add(s_.c(i) * r * r);
    }
    return sum.value();
  }

  const Matrix& hessian() const { return hessian_; }
  const Vector& gradient() const { return gradient_; }
  const Matrix& constraints() const { return constraints_; }
  const Vector& rhs() const { return rhs_; }
  Scalar constant() const { return constant_; }

 private:
  const ScaledSamples<Scalar>& s_;
  int k_;
  Matrix hessian_;
  Vector gradient_;
  Matrix constraints_;
  Vector rhs_;
  Scalar constant_;
};

/// Ball constraints ||w_j|| <= radius for every unit, in scaled variables (w_scaled = w * input_scale / label_scale).
template <class Scalar>
std::vector<qp::BallConstraint<Scalar>> unit_balls(Eigen::Index n, int units, const Scalar& scaled_radius) {
  std::vector<qp::BallConstraint<Scalar>> balls;
  for (int j = 0; j < units; ++j) balls.push_back({j * n, n, scaled_radius});
  return balls;
}

/// Scales every block of theta that lies outside its ball onto the sphere. Pattern constraints are
/// homogeneous and per unit, so the pattern is kept.
template <class Scalar, class Derived>
void pull_into_balls(const std::vector<qp::BallConstraint<Scalar>>& balls, Eigen::MatrixBase<Derived>& theta) {
  for (const auto& b : balls) {
    const auto norm = theta.segment(b.start, b.length).norm();
    if (norm > b.radius) theta.segment(b.start, b.length) *= b.radius / norm;
  }
}

}  // namespace krelu::detail
