#pragma once
/// \file
/// The training loss of Definition 2 with sample weights: L = sum_i c_i r_i^2 / sum_i c_i.

#include "krelu/network.hpp"
#include "krelu/sample_container.hpp"
#include "krelu/traits.hpp"

namespace krelu {

/// r_i = f(x_i) - y_i for every sample.
template <class Scalar, SampleContainer Samples>
typename Network<Scalar>::Vector residuals(const Network<Scalar>& net, const Samples& s) {
  typename Network<Scalar>::Vector r = net.evaluate(s);
  for (Eigen::Index i = 0; i < r.size(); ++i) r(i) -= Scalar(s.label(i));
  return r;
}

/// sum_i c_i r_i^2: the paper's "total squared error" when c_i counts copies. Compensated
/// summation keeps it accurate when weights span many orders of magnitude (1e-20 .. 1e20).
template <class Scalar, SampleContainer Samples>
Scalar total_loss(const Network<Scalar>& net, const Samples& s) {
  const auto r = residuals(net, s);
  detail::CompensatedSum<Scalar> sum;
  for (Eigen::Index i = 0; i < r.size(); ++i) sum.add(Scalar(s.weight(i)) * r(i) * r(i));
  return sum.value();
}

/// Weighted average squared error sum_i c_i r_i^2 / sum_i c_i (Definition 2 when all c_i = 1).
/// Throws std::invalid_argument on an empty set.
template <class Scalar, SampleContainer Samples>
Scalar loss(const Network<Scalar>& net, const Samples& s) {
  if (s.size() == 0) throw std::invalid_argument("loss: the sample set is empty");
  detail::CompensatedSum<Scalar> weight;
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(s.size()); ++i) weight.add(Scalar(s.weight(i)));
  return total_loss(net, s) / weight.value();
}

}  // namespace krelu
