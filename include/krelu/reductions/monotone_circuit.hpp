#pragma once
/// \file
/// Thm 11 (App. B.1): Minimum Monotone Circuit Satisfiability -> 1-ReLU training. The minimum
/// total squared error of the produced samples is exactly OPT_MMCS(C) * gamma^2 with
/// gamma = 1 / (10 |C|)^(l+1) (ERRATA, Thm 11), and a satisfying assignment is read off any good
/// enough ReLU as "input i is TRUE iff w_i >= w_gamma".

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "krelu/network.hpp"
#include "krelu/problems/monotone_circuit.hpp"
#include "krelu/reductions/reduction.hpp"
#include "krelu/sample_builder.hpp"
#include "krelu/samples.hpp"

namespace krelu::reductions {

/// Where each variable of Thm 11 sits in the weight vector w in R^{|C|+1}.
struct MonotoneCircuitCoordinates {
  static constexpr Eigen::Index gamma = 0;  ///< w_gamma
  /// w_j, the variable of wire j (inputs first, then one wire per gate, as in MonotoneCircuit)
  static constexpr Eigen::Index wire(int j) { return 1 + static_cast<Eigen::Index>(j); }
};

/// The samples of Thm 11, in this order (all weights 1, all inputs in {-1,0,1}^{|C|+1} as the
/// ERRATA for Thm 11 says; the intended solution has w_j = 1 iff wire j is TRUE, w_gamma = gamma):
/// - row 0, eq. (6): e_gamma, label gamma (pins w_gamma = gamma);
/// - one row per input wire i, eq. (7): e_gamma - e_i, label gamma (a TRUE input costs gamma^2);
/// - one row, eq. (8): e_o for the output wire o, label 1 (the output must be TRUE);
/// - per gate, in gate order, with output wire j and input wires i_1..i_k:
///   OR, eq. (9): e_j - e_{i_1} - ... - e_{i_k}, label 0 (j TRUE needs some input TRUE);
///   AND, eq. (10): k rows e_j - e_{i_r}, label 0 (j TRUE needs every input TRUE).
/// No sample repeats, so every weight is 1 and |S| = 2 + inputs + OR gates + sum of AND fan-ins.
///
/// \code
/// namespace kp = krelu::problems; namespace kr = krelu::reductions;
/// kp::MonotoneCircuit c(3, {{kp::GateKind::or_gate, {0, 1}}, {kp::GateKind::and_gate, {3, 2}}});
/// auto red = kr::reduce(c);                          // |C| = 5, l = 2, gamma = 50^-3
/// auto a = kp::solve_exact(c);                       // two TRUE inputs
/// auto net = kr::witness(red, a);
/// double total = krelu::total_loss(net, red.samples);  // == 2 * gamma^2
/// auto back = kr::decode(red, net);                  // == a
/// \endcode
///
/// Constants: "gamma", "|C|", "l", "|S|" (number of samples = total weight). Coordinate names:
/// "w_gamma", then "w_0", ..., "w_{|C|-1}" (w_j for wire j). units = 1, signs = {+1}, no radius.
/// gamma is computed in Scalar: gamma^2 = (10|C|)^-(2l+2) leaves double's range quickly (|C| = 100,
/// l = 50 already), and std::invalid_argument is thrown if gamma^2 is not a normal number of
/// Scalar (use long double or boost::multiprecision::cpp_bin_float_50 then).
template <class Scalar = double>
Reduction<Scalar, problems::MonotoneCircuit> reduce(const problems::MonotoneCircuit& c) {
  using Entry = typename SampleSetBuilder<Scalar, Sparse>::Entry;
  using Coord = MonotoneCircuitCoordinates;
  const int size = c.num_wires();
  const int l = c.depth();
  Scalar power(1);
  const Scalar base = Scalar(10) * Scalar(size);
  for (int h = 0; h <= l; ++h) power *= base;
  const Scalar gamma = Scalar(1) / power;  // Thm 11: gamma = 1 / (10|C|)^(l+1)
  const Scalar gamma2 = gamma * gamma;
  if (!is_finite(power) || !(gamma2 >= std::numeric_limits<Scalar>::min())) {
    const double digits = 2.0 * (l + 1) * std::log10(10.0 * size);
    throw std::invalid_argument("reduce (monotone circuit): gamma^2 = (10|C|)^-(2l+2) ~ 1e-" +
                                std::to_string(static_cast<long long>(digits)) + " for |C| = " + std::to_string(size) +
                                ", l = " + std::to_string(l) +
                                " is below the normal range of this Scalar type; use long double or "
                                "boost::multiprecision::cpp_bin_float_50");
  }

  SampleSetBuilder<Scalar, Sparse> b(Coord::wire(size));
  std::vector<Entry> row;
  b.add(std::vector<Entry>{{Coord::gamma, Scalar(1)}}, gamma);  // eq. (6): [w_gamma]_+ = gamma
  for (int i = 0; i < c.num_inputs(); ++i)                        // eq. (7): [w_gamma - w_i]_+ = gamma
    b.add(std::vector<Entry>{{Coord::gamma, Scalar(1)}, {Coord::wire(i), Scalar(-1)}}, gamma);
  b.add(std::vector<Entry>{{Coord::wire(c.output()), Scalar(1)}}, Scalar(1));  // eq. (8): [w_o]_+ = 1
  for (int g = 0; g < c.num_gates(); ++g) {
    const auto& gate = c.gates()[static_cast<std::size_t>(g)];
    const Eigen::Index j = Coord::wire(c.num_inputs() + g);
    if (gate.kind == problems::GateKind::or_gate) {  // eq. (9): [w_j - w_i1 - ... - w_ik]_+ = 0
      row.clear();
      row.emplace_back(j, Scalar(1));
      for (int i : gate.inputs) row.emplace_back(Coord::wire(i), Scalar(-1));
      b.add(row, Scalar(0));
    } else {  // eq. (10): [w_j - w_ir]_+ = 0 for r = 1..k
      for (int i : gate.inputs) b.add(std::vector<Entry>{{j, Scalar(1)}, {Coord::wire(i), Scalar(-1)}}, Scalar(0));
    }
  }
  const Eigen::Index samples = b.size();

  Reduction<Scalar, problems::MonotoneCircuit> red{c, std::move(b).build(), {}, {}, 1, {1}, std::nullopt};
  red.constants["gamma"] = gamma;
  red.constants["|C|"] = Scalar(size);
  red.constants["l"] = Scalar(l);
  red.constants["|S|"] = Scalar(samples);
  red.coordinate_names.reserve(static_cast<std::size_t>(size) + 1);
  red.coordinate_names.push_back("w_gamma");
  for (int j = 0; j < size; ++j) red.coordinate_names.push_back("w_" + std::to_string(j));
  return red;
}

}  // namespace krelu::reductions

namespace krelu::detail {

/// Number of TRUE inputs of an assignment after checking that it satisfies the circuit.
inline int circuit_checked_true_count(const problems::MonotoneCircuit& c, const std::vector<bool>& assignment,
                                      const char* where) {
  if (assignment.size() != static_cast<std::size_t>(c.num_inputs()))
    throw std::invalid_argument(std::string(where) + ": the assignment has " + std::to_string(assignment.size()) +
                                " entries, the circuit has " + std::to_string(c.num_inputs()) + " inputs");
  if (!c.evaluate(assignment))
    throw std::invalid_argument(std::string(where) + ": the assignment does not satisfy the circuit");
  return problems::count_true(assignment);
}

/// Throws unless the network is one ReLU of the given dimension (what Thm 11's decoder reads).
template <class Scalar>
void circuit_check_network(const Network<Scalar>& net, Eigen::Index dim, const char* where) {
  if (net.units() != 1)
    throw std::invalid_argument(std::string(where) + ": the reduction is about a single ReLU, the network has " +
                                std::to_string(net.units()) + " units");
  if (net.dim() != dim)
    throw std::invalid_argument(std::string(where) + ": the network has dimension " + std::to_string(net.dim()) +
                                ", the reduction's samples have dimension " + std::to_string(dim));
}

}  // namespace krelu::detail

namespace krelu::reductions {

/// The completeness network of Thm 11 for a satisfying assignment (entry i = input wire i):
/// w_gamma = gamma and w_j = 1 if wire j evaluates to TRUE, 0 otherwise; a = +1.
/// Throws std::invalid_argument if the assignment has the wrong size or does not satisfy the circuit.
template <class Scalar>
Network<Scalar> witness(const Reduction<Scalar, problems::MonotoneCircuit>& red, const std::vector<bool>& assignment) {
  using Coord = MonotoneCircuitCoordinates;
  const auto& c = red.source;
  krelu::detail::circuit_checked_true_count(c, assignment, "witness (monotone circuit)");
  const std::vector<bool> wires = c.wire_values(assignment);
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> w = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>::Zero(Coord::wire(c.num_wires()));
  w(Coord::gamma) = red.constant("gamma");
  for (int j = 0; j < c.num_wires(); ++j)
    if (wires[static_cast<std::size_t>(j)]) w(Coord::wire(j)) = Scalar(1);
  return Network<Scalar>::single(w);
}

/// The witness's loss (average over the |S| samples): (number of TRUE inputs) * gamma^2 / |S|.
/// Only the constraints (7) of the TRUE inputs are violated, by gamma each (Thm 11, first part).
/// Throws like witness().
template <class Scalar>
Scalar predicted_loss(const Reduction<Scalar, problems::MonotoneCircuit>& red, const std::vector<bool>& assignment) {
  const int t = krelu::detail::circuit_checked_true_count(red.source, assignment, "predicted_loss (monotone circuit)");
  const Scalar& gamma = red.constant("gamma");
  return gamma * gamma * Scalar(t) / red.constant("|S|");
}

/// The loss below which decode() is proven to return a satisfying assignment: total error
/// delta <= |C| gamma^2, i.e. loss <= |C| gamma^2 / |S|. Then Proposition 12 bounds a FALSE
/// output by (2|C|)^l (gamma + sqrt(delta)) <= 0.1, so (8) would cost >= 0.81 > delta; and each
/// TRUE input costs exactly gamma^2 in (7), so at most delta / gamma^2 inputs are TRUE.
/// Every witness (total <= inputs * gamma^2) lies below it.
template <class Scalar>
Scalar decode_threshold(const Reduction<Scalar, problems::MonotoneCircuit>& red) {
  const Scalar& gamma = red.constant("gamma");
  return red.constant("|C|") * gamma * gamma / red.constant("|S|");
}

/// Thm 11's decoder: input i is TRUE iff w_i >= w_gamma (the proof's "w_epsilon" is w_gamma,
/// ERRATA). For a network with loss <= decode_threshold(red) the assignment satisfies the circuit
/// and has at most total_loss / gamma^2 TRUE inputs. Throws std::invalid_argument unless the
/// network is one ReLU of dimension |C| + 1.
template <class Scalar>
std::vector<bool> decode(const Reduction<Scalar, problems::MonotoneCircuit>& red, const Network<Scalar>& net) {
  using Coord = MonotoneCircuitCoordinates;
  const auto& c = red.source;
  krelu::detail::circuit_check_network(net, Coord::wire(c.num_wires()), "decode (monotone circuit)");
  const auto w = net.weights().row(0);
  std::vector<bool> assignment(static_cast<std::size_t>(c.num_inputs()));
  for (int i = 0; i < c.num_inputs(); ++i) assignment[static_cast<std::size_t>(i)] = w(Coord::wire(i)) >= w(Coord::gamma);
  return assignment;
}

}  // namespace krelu::reductions
