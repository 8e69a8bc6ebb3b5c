#pragma once
/// \file
/// Network: the depth-2 ReLU network of Definition 1, f(x) = sum_j a_j [<w_j, x>]_+.

#include <Eigen/Dense>
#include <stdexcept>
#include <string>

#include "krelu/sample_container.hpp"
#include "krelu/samples.hpp"
#include "krelu/traits.hpp"

namespace krelu {

/// A k-ReLU: weights W (k x n, row j is w_j) and output signs a in {-1, +1}^k.
///
/// \code
/// Eigen::MatrixXd W(2, 3);  W << 1, 0, 0,  0, 1, -1;
/// Eigen::VectorXd a(2);     a << 1, -1;
/// krelu::Network<double> net(W, a);
/// double fx = net(Eigen::Vector3d(1, 2, 3));   // [1]_+ - [-1]_+ = 1
/// \endcode
template <class Scalar = double>
class Network {
 public:
  using scalar_type = Scalar;
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// Throws std::invalid_argument if k = 0, sizes differ, a sign is not +1/-1 or a weight is not finite.
  template <class WDerived, class ADerived>
  Network(const Eigen::MatrixBase<WDerived>& weights, const Eigen::MatrixBase<ADerived>& signs)
      : weights_(weights.derived().template cast<Scalar>()), signs_(signs.derived().template cast<Scalar>()) {
    if (weights_.rows() < 1) throw std::invalid_argument("Network: need at least one unit (k >= 1), got k = 0");
    if (signs_.size() != weights_.rows())
      throw std::invalid_argument("Network: " + std::to_string(weights_.rows()) + " weight rows but " +
                                  std::to_string(signs_.size()) + " signs");
    for (Index j = 0; j < signs_.size(); ++j)
      if (signs_(j) != Scalar(1) && signs_(j) != Scalar(-1))
        throw std::invalid_argument("Network: sign of unit " + std::to_string(j) + " must be +1 or -1");
    for (Index j = 0; j < weights_.rows(); ++j)
      for (Index l = 0; l < weights_.cols(); ++l)
        if (!is_finite(weights_(j, l)))
          throw std::invalid_argument("Network: weight " + std::to_string(l) + " of unit " + std::to_string(j) +
                                      " is not finite");
  }

  /// A single ReLU [<w, x>]_+ with sign +1.
  template <class WDerived>
  static Network single(const Eigen::MatrixBase<WDerived>& w) {
    return Network(w.derived().template cast<Scalar>().transpose(), Vector::Ones(1));
  }

  Index units() const { return weights_.rows(); }
  Index dim() const { return weights_.cols(); }
  const Matrix& weights() const { return weights_; }
  const Vector& signs() const { return signs_; }
  /// ||w_j||_2 for each unit.
  Vector row_norms() const { return weights_.rowwise().norm(); }

  /// f(x) for one input (dense Eigen vector, sparse row, or range of scalars of length dim()).
  template <class Input>
  Scalar operator()(const Input& x) const {
    check_input_size(input_size(x));
    Scalar f(0);
    for (Index j = 0; j < units(); ++j) {
      const Scalar z = detail::row_dot(x, weights_.row(j).transpose());
      if (z > Scalar(0)) f += signs_(j) * z;
    }
    return f;
  }

  /// f(x_i) for every sample of a container.
  template <SampleContainer Samples>
  Vector evaluate(const Samples& s) const {
    check_input_size(static_cast<Index>(s.dim()));
    const Index m = static_cast<Index>(s.size());
    if constexpr (requires { s.inputs(); typename Samples::storage_type; }) {
      // SampleSet: one matrix-vector product per unit (a general X W^T packs and streams X
      // several times for the small k of interest, measured 4-5x slower at n = 1000).
      Vector f = Vector::Zero(m);
      Vector z(m);
      for (Index j = 0; j < units(); ++j) {
        z.noalias() = s.inputs() * weights_.row(j).transpose();
        f += signs_(j) * z.cwiseMax(Scalar(0));
      }
      return f;
    } else {
      Vector f(m);
      for (Index i = 0; i < m; ++i) f(i) = (*this)(s.row(i));
      return f;
    }
  }

 private:
  template <class Input>
  static Index input_size(const Input& x) {
    if constexpr (detail::is_eigen_expression_v<Input>)
      return x.size();
    else
      return static_cast<Index>(std::ranges::size(x));
  }
  void check_input_size(Index n) const {
    if (n != dim())
      throw std::invalid_argument("Network: input has dimension " + std::to_string(n) + " but the network has " +
                                  std::to_string(dim()));
  }

  Matrix weights_;
  Vector signs_;
};

}  // namespace krelu
