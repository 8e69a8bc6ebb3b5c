#pragma once
/// \file
/// Direction groups: samples whose inputs are positive multiples of each other have the same
/// activity under every weight vector in an open cell of the hyperplane arrangement {x_i^perp},
/// and negative multiples have opposite activity. Branching on a group instead of a sample
/// collapses duplicate and parallel samples (DESIGN.md, "Making the search fast").

#include <Eigen/Dense>
#include <algorithm>
#include <map>
#include <vector>

#include "krelu/traits.hpp"

namespace krelu::detail {

template <class Scalar>
struct SampleGroups {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  /// group of each sample (-1 for x_i = 0, which no unit can activate)
  std::vector<int> group;
  /// +1 if x_i is a positive multiple of its group's direction, -1 if negative
  std::vector<int> orientation;
  /// unit direction of each group (rows)
  Matrix direction;
  /// samples of each group
  std::vector<std::vector<Eigen::Index>> members;

  int count() const { return static_cast<int>(members.size()); }
};

/// Groups the rows of x (m x n) by direction up to sign. Rows count as parallel when their unit
/// vectors agree to `tolerance` in every coordinate (after fixing the sign so that the first
/// nonzero coordinate is positive).
template <class Scalar>
SampleGroups<Scalar> group_by_direction(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& x,
                                        Scalar tolerance = Scalar(64) * NumericTraits<Scalar>::epsilon()) {
  const Eigen::Index m = x.rows(), n = x.cols();
  SampleGroups<Scalar> out;
  out.group.assign(static_cast<std::size_t>(m), -1);
  out.orientation.assign(static_cast<std::size_t>(m), 0);
  std::vector<Eigen::Matrix<Scalar, Eigen::Dynamic, 1>> reps;
  // Sort candidate unit vectors lexicographically so near-equal ones are neighbours.
  std::vector<std::pair<Eigen::Matrix<Scalar, Eigen::Dynamic, 1>, Eigen::Index>> units;
  for (Eigen::Index i = 0; i < m; ++i) {
    const Scalar norm = x.row(i).norm();
    if (!(norm > Scalar(0))) continue;
    Eigen::Matrix<Scalar, Eigen::Dynamic, 1> u = x.row(i).transpose() / norm;
    int sign = 1;
    for (Eigen::Index j = 0; j < n; ++j)
      if (abs_of(u(j)) > tolerance) {
        sign = u(j) > Scalar(0) ? 1 : -1;
        break;
      }
    out.orientation[static_cast<std::size_t>(i)] = sign;
    units.emplace_back(u * Scalar(sign), i);
  }
  std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) {
    for (Eigen::Index j = 0; j < a.first.size(); ++j)
      if (a.first(j) != b.first(j)) return a.first(j) < b.first(j);
    return a.second < b.second;
  });
  for (const auto& [u, i] : units) {
    int found = -1;
    // Compare with the few most recent groups (sorted order puts parallel rows together).
    for (int g = static_cast<int>(reps.size()) - 1; g >= 0 && g >= static_cast<int>(reps.size()) - 4; --g)
      if ((reps[static_cast<std::size_t>(g)] - u).cwiseAbs().maxCoeff() <= tolerance) {
        found = g;
        break;
      }
    if (found < 0) {
      found = static_cast<int>(reps.size());
      reps.push_back(u);
      out.members.emplace_back();
    }
    out.group[static_cast<std::size_t>(i)] = found;
    out.members[static_cast<std::size_t>(found)].push_back(i);
  }
  out.direction.resize(static_cast<Eigen::Index>(reps.size()), n);
  for (std::size_t g = 0; g < reps.size(); ++g) out.direction.row(static_cast<Eigen::Index>(g)) = reps[g].transpose();
  return out;
}

}  // namespace krelu::detail
