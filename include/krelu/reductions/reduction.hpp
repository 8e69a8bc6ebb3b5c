#pragma once
/// \file
/// Reduction: a ReLU training instance produced from a source problem, with the paper's constants
/// and the training problem (units, signs, radius) the theorem is about.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/samples.hpp"

namespace krelu::reductions {

/// The output of `reduce(source, ...)`. `Source` tags which reduction made it, so `witness`,
/// `predicted_loss` and `decode` are overloaded on it.
template <class Scalar, class Source>
struct Reduction {
  using scalar_type = Scalar;
  using source_type = Source;

  Source source;                                ///< the source instance (copied: the reduction is self-contained)
  SampleSet<Scalar, Sparse> samples;            ///< the training instance
  std::map<std::string, Scalar> constants;      ///< the proof's constants for this instance (gamma, OPT, ...)
  std::vector<std::string> coordinate_names;    ///< one name per input coordinate (e.g. "w_T3", "w_gamma")
  int units = 1;                                ///< k of the target training problem
  std::vector<int> signs;                       ///< the signs the theorem fixes (empty: free)
  std::optional<Scalar> radius;                 ///< set for the bounded problem

  /// A constant by name; throws std::out_of_range naming it if this reduction has none.
  const Scalar& constant(const std::string& name) const {
    auto it = constants.find(name);
    if (it == constants.end()) throw std::out_of_range("Reduction: no constant named '" + name + "'");
    return it->second;
  }
};

}  // namespace krelu::reductions
