#pragma once
/// \file
/// SampleSetBuilder: assembles a SampleSet row by row in O(nonzeros), for readers and reductions
/// that emit millions of samples.

#include <algorithm>
#include <utility>
#include <vector>

#include "krelu/samples.hpp"

namespace krelu {

/// Collects samples, then builds the SampleSet once.
///
/// \code
/// krelu::SampleSetBuilder<double, krelu::Sparse> b(4);      // dimension 4
/// b.add({{0, 1.0}, {3, -1.0}}, /*label*/ 0.0, /*weight*/ 2.0);
/// auto samples = std::move(b).build();
/// \endcode
template <class Scalar = double, class Storage = Dense>
class SampleSetBuilder {
 public:
  using Set = SampleSet<Scalar, Storage>;
  using Index = Eigen::Index;
  using Entry = std::pair<Index, Scalar>;

  explicit SampleSetBuilder(Index dim) : dim_(dim) {
    if (dim < 0) throw std::invalid_argument("SampleSetBuilder: dimension must be >= 0");
  }

  Index dim() const { return dim_; }
  Index size() const { return static_cast<Index>(labels_.size()); }

  void reserve(Index samples, Index nonzeros) {
    labels_.reserve(static_cast<std::size_t>(samples));
    weights_.reserve(static_cast<std::size_t>(samples));
    entries_.reserve(static_cast<std::size_t>(nonzeros));
  }

  /// Adds a sample given by its nonzero coordinates (any order; repeated coordinates are summed).
  SampleSetBuilder& add(const std::vector<Entry>& nonzeros, const Scalar& label, const Scalar& weight = Scalar(1)) {
    const Index i = size();
    for (const auto& [j, v] : nonzeros) {
      if (j < 0 || j >= dim_)
        throw std::invalid_argument("SampleSetBuilder: coordinate " + std::to_string(j) + " of sample " +
                                    std::to_string(i) + " is outside dimension " + std::to_string(dim_));
      entries_.emplace_back(i, j, v);
    }
    labels_.push_back(label);
    weights_.push_back(weight);
    return *this;
  }

  /// Adds a sample given as a dense vector of length dim().
  template <class Derived>
  SampleSetBuilder& add(const Eigen::MatrixBase<Derived>& x, const Scalar& label, const Scalar& weight = Scalar(1)) {
    if (x.size() != dim_)
      throw std::invalid_argument("SampleSetBuilder: sample " + std::to_string(size()) + " has " +
                                  std::to_string(x.size()) + " entries, expected " + std::to_string(dim_));
    const Index i = size();
    for (Index j = 0; j < x.size(); ++j)
      if (x(j) != Scalar(0) || !is_finite(Scalar(x(j)))) entries_.emplace_back(i, j, Scalar(x(j)));
    labels_.push_back(label);
    weights_.push_back(weight);
    return *this;
  }

  /// Validates and builds the set (throws std::invalid_argument on NaN, Inf or weight <= 0).
  Set build() && {
    const Index m = size();
    typename Set::InputMatrix x;
    if constexpr (Set::is_sparse) {
      // Rows arrive in order, so the compressed row-major arrays are filled directly (Eigen's
      // setFromTriplets goes through a transposed temporary: 2-3x the time and memory).
      using StorageIndex = typename Set::SparseMatrix::StorageIndex;
      std::size_t out = 0;
      std::vector<StorageIndex> outer(static_cast<std::size_t>(m) + 1, 0);
      for (std::size_t b = 0; b < entries_.size();) {
        std::size_t e = b;
        while (e < entries_.size() && entries_[e].row() == entries_[b].row()) ++e;
        std::sort(entries_.begin() + static_cast<std::ptrdiff_t>(b), entries_.begin() + static_cast<std::ptrdiff_t>(e),
                  [](const auto& p, const auto& q) { return p.col() < q.col(); });
        for (std::size_t t = b; t < e; ++t) {  // merge repeated coordinates, compacting in place
          if (out > 0 && entries_[out - 1].row() == entries_[t].row() && entries_[out - 1].col() == entries_[t].col())
            entries_[out - 1] = Eigen::Triplet<Scalar>(entries_[t].row(), entries_[t].col(), entries_[out - 1].value() + entries_[t].value());
          else
            entries_[out++] = entries_[t];
        }
        b = e;
      }
      entries_.resize(out);
      for (const auto& t : entries_) ++outer[static_cast<std::size_t>(t.row()) + 1];
      for (std::size_t i = 0; i < static_cast<std::size_t>(m); ++i) outer[i + 1] += outer[i];
      x.resize(m, dim_);
      x.resizeNonZeros(static_cast<Index>(out));
      std::copy(outer.begin(), outer.end(), x.outerIndexPtr());
      for (std::size_t t = 0; t < out; ++t) {
        x.innerIndexPtr()[t] = static_cast<StorageIndex>(entries_[t].col());
        x.valuePtr()[t] = entries_[t].value();
      }
    } else {
      x = Set::DenseMatrix::Zero(m, dim_);
      for (const auto& t : entries_) x(t.row(), t.col()) += t.value();
    }
    entries_.clear();
    entries_.shrink_to_fit();
    typename Set::Vector y = Eigen::Map<const typename Set::Vector>(labels_.data(), m);
    typename Set::Vector c = Eigen::Map<const typename Set::Vector>(weights_.data(), m);
    Set out(dim_);
    out.assign(std::move(x), std::move(y), std::move(c));
    return out;
  }

 private:
  Index dim_;
  std::vector<Eigen::Triplet<Scalar>> entries_;
  std::vector<Scalar> labels_;
  std::vector<Scalar> weights_;
};

}  // namespace krelu
