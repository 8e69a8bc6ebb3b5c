#pragma once
// Shared checks of the reader fuzz harnesses: bitwise equality of what was read and what was read
// back after writing. A mismatch aborts, so that libFuzzer and the regression runner both report it.
#include <krelu/krelu.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace krelu_fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz harness: %s\n", what);
  std::abort();
}

/// Same bits (so -0 differs from +0; the readers keep the sign of zero).
inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

template <class Storage>
double entry(const krelu::SampleSet<double, Storage>& s, Eigen::Index i, Eigen::Index j) {
  if constexpr (krelu::SampleSet<double, Storage>::is_sparse)
    return s.inputs().coeff(i, j);
  else
    return s.inputs()(i, j);
}

/// Same size, dimension, labels, weights and inputs, bit for bit. Sparse sets also compare their
/// stored entries (a -0 must survive as a stored entry).
template <class StorageA, class StorageB>
bool same_samples(const krelu::SampleSet<double, StorageA>& a, const krelu::SampleSet<double, StorageB>& b) {
  if (a.size() != b.size() || a.dim() != b.dim()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (!same_bits(a.label(i), b.label(i)) || !same_bits(a.weight(i), b.weight(i))) return false;
  }
  if constexpr (krelu::SampleSet<double, StorageA>::is_sparse && krelu::SampleSet<double, StorageB>::is_sparse) {
    if (a.inputs().nonZeros() != b.inputs().nonZeros()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      typename krelu::SampleSet<double, StorageA>::SparseMatrix::InnerIterator ia(a.inputs(), i);
      typename krelu::SampleSet<double, StorageB>::SparseMatrix::InnerIterator ib(b.inputs(), i);
      for (; ia && ib; ++ia, ++ib)
        if (ia.col() != ib.col() || !same_bits(ia.value(), ib.value())) return false;
      if (ia || ib) return false;
    }
    return true;
  } else if constexpr (krelu::SampleSet<double, StorageA>::is_sparse || krelu::SampleSet<double, StorageB>::is_sparse) {
    // mixed storage: compare dense values (a sparse set may store a -0 that reads as 0 via coeff)
    for (Eigen::Index i = 0; i < a.size(); ++i)
      for (Eigen::Index j = 0; j < a.dim(); ++j)
        if (!(entry(a, i, j) == entry(b, i, j))) return false;
    return true;
  } else {
    for (Eigen::Index i = 0; i < a.size(); ++i)
      for (Eigen::Index j = 0; j < a.dim(); ++j)
        if (!same_bits(entry(a, i, j), entry(b, i, j))) return false;
    return true;
  }
}

}  // namespace krelu_fuzz
