#pragma once
/// \file
/// Row-by-row assembly of a SampleSet for the file readers: the nonzeros go into compressed
/// sparse row arrays (O(nonzeros) memory and time), the set is built once at the end.
///
/// Unlike SampleSetBuilder, entries are stored bit for bit: a -0 read from a file stays -0 in
/// dense and in sparse storage, so that writing the set again reproduces the file.

#include <Eigen/SparseCore>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "krelu/samples.hpp"

namespace krelu::detail {

template <class Scalar>
class RowAssembly {
 public:
  using Index = Eigen::Index;

  /// Stores x_{i,column} = value for the current row; columns must increase within a row and
  /// fit in 32 bits (the readers check both).
  void add_entry(Index column, const Scalar& value) {
    columns_.push_back(static_cast<std::int32_t>(column));
    values_.push_back(value);
  }

  /// Closes the current row.
  void end_row(const Scalar& label, const Scalar& weight) {
    row_ends_.push_back(static_cast<Index>(values_.size()));
    labels_.push_back(label);
    weights_.push_back(weight);
  }

  Index rows() const { return static_cast<Index>(labels_.size()); }
  Index nonzeros() const { return static_cast<Index>(values_.size()); }
  std::vector<Scalar>& weights() { return weights_; }

  /// Builds the set of dimension `dim` (every stored column must be < dim); validates it.
  template <class Storage>
  SampleSet<Scalar, Storage> build(Index dim) && {
    using Set = SampleSet<Scalar, Storage>;
    const Index m = rows();
    typename Set::InputMatrix x;
    if constexpr (Set::is_sparse) {
      using StorageIndex = typename Set::SparseMatrix::StorageIndex;
      if (nonzeros() > static_cast<Index>(std::numeric_limits<StorageIndex>::max()))
        throw std::invalid_argument("read_samples: " + std::to_string(nonzeros()) +
                                    " nonzeros exceed what sparse storage can index (" +
                                    std::to_string(std::numeric_limits<StorageIndex>::max()) + ")");
      // The compressed arrays are filled in place: assigning an Eigen::Map would go through
      // Eigen's generic sparse assignment, which reserves 2 max(rows, cols) entries, i.e.
      // O(dimension) memory instead of O(nonzeros).
      x.resize(m, dim);
      x.resizeNonZeros(nonzeros());
      StorageIndex* outer = x.outerIndexPtr();
      outer[0] = 0;
      for (Index i = 0; i < m; ++i)
        outer[i + 1] = static_cast<StorageIndex>(row_ends_[static_cast<std::size_t>(i)]);
      for (std::size_t k = 0; k < columns_.size(); ++k) {
        x.innerIndexPtr()[k] = static_cast<StorageIndex>(columns_[k]);
        x.valuePtr()[k] = values_[k];
      }
    } else {
      x = Set::DenseMatrix::Zero(m, dim);
      std::size_t k = 0;
      for (Index i = 0; i < m; ++i)
        for (; k < static_cast<std::size_t>(row_ends_[static_cast<std::size_t>(i)]); ++k) x(i, columns_[k]) = values_[k];
    }
    release(columns_);
    release(values_);
    release(row_ends_);
    typename Set::Vector y = Eigen::Map<const typename Set::Vector>(labels_.data(), m);
    typename Set::Vector c = Eigen::Map<const typename Set::Vector>(weights_.data(), m);
    Set out(dim);
    out.assign(std::move(x), std::move(y), std::move(c));
    return out;
  }

 private:
  template <class T>
  static void release(std::vector<T>& v) {
    std::vector<T>().swap(v);
  }

  std::vector<std::int32_t> columns_;
  std::vector<Scalar> values_;
  std::vector<Index> row_ends_;
  std::vector<Scalar> labels_;
  std::vector<Scalar> weights_;
};

}  // namespace krelu::detail
