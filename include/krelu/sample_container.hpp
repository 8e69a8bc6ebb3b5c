#pragma once
/// \file
/// The SampleContainer concept: what `loss`, the trainers and consumers of reductions need from a
/// set of samples, so users can pass their own containers (SampleSet is the model).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <concepts>
#include <cstddef>
#include <ranges>
#include <type_traits>

namespace krelu {

/// A container of weighted labelled samples.
///
/// Requirements, for `const S& s` and an index `i`:
/// - `typename S::scalar_type`;
/// - `s.size()` and `s.dim()` (convertible to Eigen::Index);
/// - `s.label(i)` and `s.weight(i)` (convertible to scalar_type; weights > 0);
/// - `s.row(i)`: the input x_i as a dense or sparse Eigen row/column vector, or a sized range of
///   scalars of length dim().
template <class S>
concept SampleContainer = requires(const S& s, Eigen::Index i) {
  typename S::scalar_type;
  { s.size() } -> std::convertible_to<Eigen::Index>;
  { s.dim() } -> std::convertible_to<Eigen::Index>;
  { s.label(i) } -> std::convertible_to<typename S::scalar_type>;
  { s.weight(i) } -> std::convertible_to<typename S::scalar_type>;
  s.row(i);
};

namespace detail {

template <class T>
inline constexpr bool is_eigen_expression_v = std::is_base_of_v<Eigen::EigenBase<std::decay_t<T>>, std::decay_t<T>>;

template <class T, bool = is_eigen_expression_v<T>>
struct is_sparse_expression : std::false_type {};
template <class T>
struct is_sparse_expression<T, true>
    : std::is_same<typename Eigen::internal::traits<std::decay_t<T>>::StorageKind, Eigen::Sparse> {};
template <class T>
inline constexpr bool is_sparse_expression_v = is_sparse_expression<T>::value;

/// <x, w> for a row x in any of the forms SampleContainer allows; w a dense vector.
template <class Row, class WDerived>
auto row_dot(const Row& x, const Eigen::MatrixBase<WDerived>& w) {
  using Scalar = typename WDerived::Scalar;
  if constexpr (is_sparse_expression_v<Row>) {
    Scalar s(0);
    using Plain = typename Eigen::internal::eval<std::decay_t<Row>>::type;
    const Plain xs = x;  // a sparse vector: iterate its stored entries
    for (typename Plain::InnerIterator it(xs, 0); it; ++it) s += Scalar(it.value()) * w(it.index());
    return s;
  } else if constexpr (is_eigen_expression_v<Row>) {
    Scalar s(0);
    for (Eigen::Index j = 0; j < w.size(); ++j) s += Scalar(x(j)) * w(j);
    return s;
  } else {
    Scalar s(0);
    Eigen::Index j = 0;
    for (const auto& v : x) s += Scalar(v) * w(j++);
    return s;
  }
}

}  // namespace detail
}  // namespace krelu
