#pragma once
/// \file
/// TrainResult: the best network found, its loss, a proven lower bound on the optimum and how the
/// search ended.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "krelu/network.hpp"

namespace krelu {

/// How a search ended. Only `optimal` certifies loss - lower_bound within the requested gap.
enum class Status {
  optimal,          ///< the gap is closed: network is a global minimiser (to the tolerance)
  time_limit,       ///< stopped by TrainOptions.time_limit_seconds
  pattern_limit,    ///< enumeration refused: more patterns than TrainOptions.pattern_limit
  node_limit,       ///< stopped by TrainOptions.node_limit
  cancelled,        ///< stopped by TrainOptions.cancel or TrainOptions.stop_token
  numerical_issue   ///< a convex subproblem could not be solved reliably; bound not certified
};

inline const char* to_string(Status s) {
  switch (s) {
    case Status::optimal: return "optimal";
    case Status::time_limit: return "time_limit";
    case Status::pattern_limit: return "pattern_limit";
    case Status::node_limit: return "node_limit";
    case Status::cancelled: return "cancelled";
    case Status::numerical_issue: return "numerical_issue";
  }
  return "unknown";
}

template <class Scalar = double>
struct TrainResult {
  TrainResult(Network<Scalar> net, Scalar loss_value, Scalar bound)
      : network(std::move(net)), loss(std::move(loss_value)), lower_bound(std::move(bound)) {}

  Network<Scalar> network;         ///< best network found (its loss is `loss`)
  Scalar loss;                     ///< loss(network, samples)
  Scalar lower_bound;              ///< proven: no network of the class has a smaller loss
  Status status = Status::optimal;
  std::uint64_t patterns = 0;      ///< sign-vector/pattern pairs visited (enumerate)
  std::uint64_t qps = 0;           ///< convex problems solved
  std::uint64_t nodes = 0;         ///< search nodes (branch_and_bound)
  std::uint64_t peak_open_nodes = 0;  ///< most nodes waiting at once (branch_and_bound)
  std::size_t peak_open_bytes = 0;    ///< most memory those nodes held (see TrainOptions.memory_limit_bytes)
  double seconds = 0;
  std::string message;             ///< why the search ended early or was refused (empty when optimal)

  /// loss - lower_bound (>= 0).
  Scalar gap() const { return loss - lower_bound; }
};

}  // namespace krelu
