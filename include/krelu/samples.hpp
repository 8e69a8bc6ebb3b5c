#pragma once
/// \file
/// SampleSet: the paper's labelled multiset S = {(x_i, y_i)} with a positive weight c_i per sample
/// standing for its multiplicity ("number of copies"), never expanded.

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "krelu/traits.hpp"

namespace krelu {

/// Storage tag: inputs held in a dense column-major `Eigen::Matrix`.
struct Dense {};
/// Storage tag: inputs held in a row-major `Eigen::SparseMatrix` (what the reductions emit).
struct Sparse {};

template <class Storage>
inline constexpr bool is_sparse_storage_v = std::is_same_v<Storage, Sparse>;

namespace detail {

inline std::string sample_position(Eigen::Index i) { return "sample " + std::to_string(i); }

}  // namespace detail

/// Labelled samples with weights (Definition 2 with multiplicities).
///
/// \code
/// Eigen::MatrixXd X(3, 2);  X << 1, 0,  0, 1,  1, 1;
/// Eigen::VectorXd y(3);     y << 1, 0, 1;
/// Eigen::VectorXd c(3);     c << 1, 2, 1e6;        // c_i copies of sample i
/// krelu::SampleSet<double> s(X, y, c);
/// auto sparse = krelu::SampleSet<double, krelu::Sparse>(s);   // same samples, sparse storage
/// \endcode
///
/// Every constructor and mutator validates: NaN or Inf anywhere, a weight <= 0 or mismatched
/// sizes throw std::invalid_argument naming the sample, and leave the set untouched.
template <class Scalar = double, class Storage = Dense>
class SampleSet {
  static_assert(std::is_same_v<Storage, Dense> || std::is_same_v<Storage, Sparse>,
                "Storage must be krelu::Dense or krelu::Sparse");

 public:
  using scalar_type = Scalar;
  using storage_type = Storage;
  using Index = Eigen::Index;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using DenseMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using SparseMatrix = Eigen::SparseMatrix<Scalar, Eigen::RowMajor>;
  using InputMatrix = std::conditional_t<is_sparse_storage_v<Storage>, SparseMatrix, DenseMatrix>;
  static constexpr bool is_sparse = is_sparse_storage_v<Storage>;

  /// An empty set of samples of dimension 0.
  SampleSet() = default;

  /// An empty set of samples of the given dimension.
  explicit SampleSet(Index dim) : inputs_(0, dim) {
    if (dim < 0) throw std::invalid_argument("SampleSet: dimension must be >= 0");
  }

  /// Samples with weight 1 each.
  template <class InputDerived, class LabelDerived>
  SampleSet(const Eigen::EigenBase<InputDerived>& inputs, const Eigen::MatrixBase<LabelDerived>& labels)
      : SampleSet(inputs, labels, Vector::Ones(labels.size())) {}

  /// Samples with weights c_i > 0.
  template <class InputDerived, class LabelDerived, class WeightDerived>
  SampleSet(const Eigen::EigenBase<InputDerived>& inputs, const Eigen::MatrixBase<LabelDerived>& labels,
            const Eigen::MatrixBase<WeightDerived>& weights) {
    InputMatrix x;
    using InputStorage = typename Eigen::internal::traits<InputDerived>::StorageKind;
    if constexpr (is_sparse && std::is_same_v<InputStorage, Eigen::Sparse>) {
      x = inputs.derived().template cast<Scalar>();
    } else if constexpr (is_sparse) {
      x = inputs.derived().template cast<Scalar>().sparseView();
    } else {
      x = inputs.derived().template cast<Scalar>();
    }
    assign(std::move(x), labels.derived().template cast<Scalar>(), weights.derived().template cast<Scalar>());
  }

  /// Conversion between dense and sparse storage (same samples, same order).
  template <class OtherStorage, class = std::enable_if_t<!std::is_same_v<OtherStorage, Storage>>>
  explicit SampleSet(const SampleSet<Scalar, OtherStorage>& other) {
    InputMatrix x;
    if constexpr (is_sparse) {
      x = other.inputs().sparseView();
      x.makeCompressed();
    } else {
      x = DenseMatrix(other.inputs());
    }
    inputs_ = std::move(x);
    labels_ = other.labels();
    weights_ = other.weights();
  }

  Index size() const { return labels_.size(); }
  Index dim() const { return inputs_.cols(); }
  bool empty() const { return size() == 0; }

  const InputMatrix& inputs() const { return inputs_; }
  const Vector& labels() const { return labels_; }
  const Vector& weights() const { return weights_; }
  Scalar label(Index i) const { return labels_(i); }
  Scalar weight(Index i) const { return weights_(i); }
  /// Row i of the inputs as an Eigen expression (dense row or sparse row).
  auto row(Index i) const { return inputs_.row(i); }

  /// sum_i c_i, accumulated with compensation.
  Scalar total_weight() const {
    detail::CompensatedSum<Scalar> s;
    for (Index i = 0; i < size(); ++i) s.add(weights_(i));
    return s.value();
  }

  /// Largest ||x_i||_2 (0 for an empty set): the bounded problem needs samples in the unit ball.
  Scalar max_row_norm() const {
    Scalar best(0);
    for (Index i = 0; i < size(); ++i) {
      Scalar n2(0);
      if constexpr (is_sparse) {
        for (typename SparseMatrix::InnerIterator it(inputs_, i); it; ++it) n2 += it.value() * it.value();
      } else {
        n2 = inputs_.row(i).squaredNorm();
      }
      const Scalar n = sqrt_of(n2);
      if (n > best) best = n;
    }
    return best;
  }

  /// Appends one sample. Costs O(size) for sparse storage; build large sets with SampleSetBuilder.
  template <class RowDerived>
  SampleSet& add_sample(const Eigen::MatrixBase<RowDerived>& x, const Scalar& y, const Scalar& c = Scalar(1)) {
    if (x.size() != dim())
      throw std::invalid_argument("SampleSet::add_sample: sample has " + std::to_string(x.size()) +
                                  " entries, the set has dimension " + std::to_string(dim()));
    check_sample(x.derived().template cast<Scalar>(), y, c, size());
    const Index m = size();
    if constexpr (is_sparse) {
      SparseMatrix grown(m + 1, dim());
      std::vector<Eigen::Triplet<Scalar>> entries;
      entries.reserve(static_cast<std::size_t>(inputs_.nonZeros() + x.size()));
      append_triplets(inputs_, 0, entries);
      for (Index j = 0; j < x.size(); ++j)
        if (x(j) != Scalar(0)) entries.emplace_back(m, j, Scalar(x(j)));
      grown.setFromTriplets(entries.begin(), entries.end());
      inputs_ = std::move(grown);
    } else {
      inputs_.conservativeResize(m + 1, Eigen::NoChange);
      inputs_.row(m) = x.derived().template cast<Scalar>().transpose();
    }
    labels_.conservativeResize(m + 1);
    weights_.conservativeResize(m + 1);
    labels_(m) = y;
    weights_(m) = c;
    return *this;
  }

  /// Appends every sample of another set of the same dimension.
  SampleSet& append(const SampleSet& other) {
    if (other.dim() != dim())
      throw std::invalid_argument("SampleSet::append: dimensions differ (" + std::to_string(dim()) + " vs " +
                                  std::to_string(other.dim()) + ")");
    const Index m = size(), mo = other.size();
    if constexpr (is_sparse) {
      SparseMatrix grown(m + mo, dim());
      std::vector<Eigen::Triplet<Scalar>> entries;
      entries.reserve(static_cast<std::size_t>(inputs_.nonZeros() + other.inputs_.nonZeros()));
      append_triplets(inputs_, 0, entries);
      append_triplets(other.inputs_, m, entries);
      grown.setFromTriplets(entries.begin(), entries.end());
      inputs_ = std::move(grown);
    } else {
      DenseMatrix grown(m + mo, dim());
      grown.topRows(m) = inputs_;
      grown.bottomRows(mo) = other.inputs_;
      inputs_ = std::move(grown);
    }
    Vector y(m + mo), c(m + mo);
    y << labels_, other.labels_;
    c << weights_, other.weights_;
    labels_ = std::move(y);
    weights_ = std::move(c);
    return *this;
  }

  /// Multiplies every label by s (finite).
  SampleSet& scale_labels(const Scalar& s) {
    if (!is_finite(s)) throw std::invalid_argument("SampleSet::scale_labels: factor must be finite");
    labels_ *= s;
    return *this;
  }

  /// Multiplies every weight by s > 0 (the loss, a weighted average, is unchanged).
  SampleSet& scale_weights(const Scalar& s) {
    if (!is_finite(s) || !(s > Scalar(0)))
      throw std::invalid_argument("SampleSet::scale_weights: factor must be finite and > 0");
    const Vector scaled = weights_ * s;
    for (Index i = 0; i < size(); ++i)
      if (!is_finite(scaled(i)) || !(scaled(i) > Scalar(0)))
        throw std::invalid_argument("SampleSet::scale_weights: weight of " + detail::sample_position(i) +
                                    " would overflow or underflow to 0");
    weights_ = scaled;
    return *this;
  }

  /// Replaces the data wholesale after validating it (used by builders and readers).
  void assign(InputMatrix inputs, Vector labels, Vector weights) {
    if (labels.size() != inputs.rows())
      throw std::invalid_argument("SampleSet: " + std::to_string(inputs.rows()) + " input rows but " +
                                  std::to_string(labels.size()) + " labels");
    if (weights.size() != inputs.rows())
      throw std::invalid_argument("SampleSet: " + std::to_string(inputs.rows()) + " input rows but " +
                                  std::to_string(weights.size()) + " weights");
    for (Index i = 0; i < labels.size(); ++i) {
      if (!is_finite(labels(i))) throw std::invalid_argument("SampleSet: label of " + detail::sample_position(i) + " is not finite");
      if (!is_finite(weights(i)))
        throw std::invalid_argument("SampleSet: weight of " + detail::sample_position(i) + " is not finite");
      if (!(weights(i) > Scalar(0)))
        throw std::invalid_argument("SampleSet: weight of " + detail::sample_position(i) + " must be > 0");
    }
    if constexpr (is_sparse) {
      inputs.makeCompressed();
      for (Index i = 0; i < inputs.outerSize(); ++i)
        for (typename SparseMatrix::InnerIterator it(inputs, i); it; ++it)
          if (!is_finite(it.value()))
            throw std::invalid_argument("SampleSet: input of " + detail::sample_position(i) + ", coordinate " +
                                        std::to_string(it.col()) + " is not finite");
    } else {
      for (Index j = 0; j < inputs.cols(); ++j)
        for (Index i = 0; i < inputs.rows(); ++i)
          if (!is_finite(inputs(i, j)))
            throw std::invalid_argument("SampleSet: input of " + detail::sample_position(i) + ", coordinate " +
                                        std::to_string(j) + " is not finite");
    }
    inputs_ = std::move(inputs);
    labels_ = std::move(labels);
    weights_ = std::move(weights);
  }

 private:
  template <class RowType>
  static void check_sample(const RowType& x, const Scalar& y, const Scalar& c, Index position) {
    for (Index j = 0; j < x.size(); ++j)
      if (!is_finite(x(j)))
        throw std::invalid_argument("SampleSet: input of " + detail::sample_position(position) + ", coordinate " +
                                    std::to_string(j) + " is not finite");
    if (!is_finite(y)) throw std::invalid_argument("SampleSet: label of " + detail::sample_position(position) + " is not finite");
    if (!is_finite(c) || !(c > Scalar(0)))
      throw std::invalid_argument("SampleSet: weight of " + detail::sample_position(position) + " must be finite and > 0");
  }

  static void append_triplets(const SparseMatrix& m, Index row_offset, std::vector<Eigen::Triplet<Scalar>>& out) {
    for (Index i = 0; i < m.outerSize(); ++i)
      for (typename SparseMatrix::InnerIterator it(m, i); it; ++it)
        out.emplace_back(row_offset + i, it.col(), it.value());
  }

  InputMatrix inputs_;
  Vector labels_;
  Vector weights_;
};

/// The union of two sets (a's samples first).
template <class Scalar, class Storage>
SampleSet<Scalar, Storage> concatenate(SampleSet<Scalar, Storage> a, const SampleSet<Scalar, Storage>& b) {
  a.append(b);
  return a;
}

/// Embeds every sample into a larger space: x -> 0_before o x o 0_after (Theorem 4 composes
/// instances with x o 0_k and 0_n o x~). Labels and weights are kept.
template <class Scalar, class Storage>
SampleSet<Scalar, Storage> embed(const SampleSet<Scalar, Storage>& s, Eigen::Index zeros_before,
                                 Eigen::Index zeros_after) {
  if (zeros_before < 0 || zeros_after < 0) throw std::invalid_argument("embed: zero padding must be >= 0");
  using Set = SampleSet<Scalar, Storage>;
  const Eigen::Index n = s.dim() + zeros_before + zeros_after;
  typename Set::InputMatrix x;
  if constexpr (Set::is_sparse) {
    x.resize(s.size(), n);
    std::vector<Eigen::Triplet<Scalar>> entries;
    entries.reserve(static_cast<std::size_t>(s.inputs().nonZeros()));
    for (Eigen::Index i = 0; i < s.inputs().outerSize(); ++i)
      for (typename Set::SparseMatrix::InnerIterator it(s.inputs(), i); it; ++it)
        entries.emplace_back(i, zeros_before + it.col(), it.value());
    x.setFromTriplets(entries.begin(), entries.end());
  } else {
    x = Set::DenseMatrix::Zero(s.size(), n);
    x.middleCols(zeros_before, s.dim()) = s.inputs();
  }
  Set out(n);
  out.assign(std::move(x), s.labels(), s.weights());
  return out;
}

/// Merges samples with identical input and label into one sample whose weight is the sum of
/// theirs (the loss is unchanged). First occurrences keep their order.
template <class Scalar, class Storage>
SampleSet<Scalar, Storage> merge_duplicates(const SampleSet<Scalar, Storage>& s) {
  using Set = SampleSet<Scalar, Storage>;
  using Key = std::vector<std::pair<Eigen::Index, Scalar>>;
  std::map<std::pair<Key, Scalar>, Eigen::Index> first_index;  // (nonzeros, label) -> new position
  std::vector<Eigen::Index> kept;
  std::vector<Scalar> summed;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    Key key;
    if constexpr (Set::is_sparse) {
      for (typename Set::SparseMatrix::InnerIterator it(s.inputs(), i); it; ++it)
        if (it.value() != Scalar(0)) key.emplace_back(it.col(), it.value());
    } else {
      for (Eigen::Index j = 0; j < s.dim(); ++j)
        if (s.inputs()(i, j) != Scalar(0)) key.emplace_back(j, s.inputs()(i, j));
    }
    auto [pos, inserted] = first_index.try_emplace({std::move(key), s.label(i)}, static_cast<Eigen::Index>(kept.size()));
    if (inserted) {
      kept.push_back(i);
      summed.push_back(s.weight(i));
    } else {
      summed[static_cast<std::size_t>(pos->second)] += s.weight(i);
    }
  }
  const auto m = static_cast<Eigen::Index>(kept.size());
  typename Set::Vector y(m), c(m);
  typename Set::InputMatrix x(m, s.dim());
  if constexpr (Set::is_sparse) {
    std::vector<Eigen::Triplet<Scalar>> entries;
    for (Eigen::Index r = 0; r < m; ++r)
      for (typename Set::SparseMatrix::InnerIterator it(s.inputs(), kept[static_cast<std::size_t>(r)]); it; ++it)
        entries.emplace_back(r, it.col(), it.value());
    x.setFromTriplets(entries.begin(), entries.end());
  }
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = kept[static_cast<std::size_t>(r)];
    if constexpr (!Set::is_sparse) x.row(r) = s.inputs().row(i);
    y(r) = s.label(i);
    c(r) = summed[static_cast<std::size_t>(r)];
  }
  Set out(s.dim());
  out.assign(std::move(x), std::move(y), std::move(c));
  return out;
}

}  // namespace krelu
