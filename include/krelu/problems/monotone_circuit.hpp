#pragma once
/// \file
/// Monotone circuits and Minimum Monotone Circuit Satisfiability (MMCS, App. B.1, Definitions 3
/// and 4): the source problem of Thm 11. A circuit has input wires and AND/OR gates of any fan-in
/// >= 1; MMCS asks for a satisfying input assignment with as few TRUE inputs as possible.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace krelu::problems {

/// The two monotone gate types.
enum class GateKind { and_gate, or_gate };

/// One gate: its type and the wires it reads (indices of earlier wires).
struct Gate {
  GateKind kind = GateKind::and_gate;
  std::vector<int> inputs;
};

/// A monotone circuit (Definition 3). Wires are numbered 0..num_inputs-1 for the input wires, then
/// num_inputs + g for the output wire of gate g. A gate reads earlier wires only, so the circuit is
/// acyclic by construction; one wire is designated the circuit's output.
///
/// \code
/// namespace kp = krelu::problems;
/// // (x0 OR x1) AND x2: wire 3 = OR(0, 1), wire 4 = AND(3, 2), output wire 4.
/// kp::MonotoneCircuit c(3, {{kp::GateKind::or_gate, {0, 1}}, {kp::GateKind::and_gate, {3, 2}}});
/// bool y = c.evaluate({true, false, true});       // true
/// std::vector<bool> best = kp::solve_exact(c);     // two TRUE inputs, e.g. {true, false, true}
/// \endcode
///
/// Size and depth follow the ERRATA for Thm 11: |C| = num_wires() = inputs + gates (one output
/// wire per gate, fan-out adds none); the height of an input wire is 0, of a gate's wire one more
/// than the largest height it reads, and depth() = l is the largest height of any wire.
/// A wire listed twice among one gate's inputs is merged into one occurrence (inputs are a set,
/// stored sorted), which keeps every fan-in below |C| as Proposition 12 assumes.
class MonotoneCircuit {
 public:
  /// Throws std::invalid_argument if num_inputs < 1, a gate has no input, a gate reads a wire
  /// that is not earlier than its own, or output is not a wire. Without `output`, the output is
  /// the last wire (the last gate's wire, or the last input if there are no gates).
  MonotoneCircuit(int num_inputs, std::vector<Gate> gates, std::optional<int> output = std::nullopt)
      : num_inputs_(num_inputs), gates_(std::move(gates)), output_(0) {
    if (num_inputs_ < 1)
      throw std::invalid_argument("MonotoneCircuit: num_inputs must be >= 1, got " + std::to_string(num_inputs_));
    if (gates_.size() > static_cast<std::size_t>(std::numeric_limits<int>::max() - num_inputs_))
      throw std::invalid_argument("MonotoneCircuit: too many gates for int wire indices");
    output_ = output ? *output : num_wires() - 1;
    heights_.assign(static_cast<std::size_t>(num_wires()), 0);
    for (std::size_t g = 0; g < gates_.size(); ++g) {
      auto& in = gates_[g].inputs;
      const int wire = num_inputs_ + static_cast<int>(g);
      if (in.empty())
        throw std::invalid_argument("MonotoneCircuit: gate " + std::to_string(g) + " has no input (fan-in must be >= 1)");
      if (gates_[g].kind != GateKind::and_gate && gates_[g].kind != GateKind::or_gate)
        throw std::invalid_argument("MonotoneCircuit: gate " + std::to_string(g) + " is neither AND nor OR");
      for (int i : in)
        if (i < 0 || i >= wire)
          throw std::invalid_argument("MonotoneCircuit: gate " + std::to_string(g) + " (wire " + std::to_string(wire) +
                                      ") reads wire " + std::to_string(i) + "; a gate may read wires 0.." +
                                      std::to_string(wire - 1) + " only");
      std::sort(in.begin(), in.end());
      in.erase(std::unique(in.begin(), in.end()), in.end());
      int h = 0;
      for (int i : in) h = std::max(h, heights_[static_cast<std::size_t>(i)] + 1);
      heights_[static_cast<std::size_t>(wire)] = h;
    }
    if (output_ < 0 || output_ >= num_wires())
      throw std::invalid_argument("MonotoneCircuit: output must be a wire in 0.." + std::to_string(num_wires() - 1) +
                                  ", got " + std::to_string(output_));
  }

  int num_inputs() const { return num_inputs_; }
  int num_gates() const { return static_cast<int>(gates_.size()); }
  /// |C| = inputs + gates (ERRATA, Thm 11).
  int num_wires() const { return num_inputs_ + num_gates(); }
  int output() const { return output_; }
  const std::vector<Gate>& gates() const { return gates_; }
  /// Gate g (inputs sorted, without repetition); throws std::out_of_range for g outside [0, gates).
  const Gate& gate(int g) const {
    if (g < 0 || g >= num_gates())
      throw std::out_of_range("MonotoneCircuit::gate: index " + std::to_string(g) + " outside 0.." +
                              std::to_string(num_gates() - 1));
    return gates_[static_cast<std::size_t>(g)];
  }
  /// True if the wire is an input wire.
  bool is_input(int wire) const { return wire >= 0 && wire < num_inputs_; }
  /// Height of a wire (inputs 0; a gate one more than its highest input); std::out_of_range if no such wire.
  int height(int wire) const {
    if (wire < 0 || wire >= num_wires())
      throw std::out_of_range("MonotoneCircuit::height: wire " + std::to_string(wire) + " outside 0.." +
                              std::to_string(num_wires() - 1));
    return heights_[static_cast<std::size_t>(wire)];
  }
  /// l: the largest height of any wire (ERRATA, Thm 11).
  int depth() const { return *std::max_element(heights_.begin(), heights_.end()); }

  /// The value of every wire under an input assignment (assignment[i] = value of input wire i).
  /// Throws std::invalid_argument if the assignment does not have num_inputs() entries.
  std::vector<bool> wire_values(const std::vector<bool>& assignment) const {
    check_assignment(assignment, "MonotoneCircuit::wire_values");
    std::vector<bool> v(assignment);
    v.resize(static_cast<std::size_t>(num_wires()));
    for (std::size_t g = 0; g < gates_.size(); ++g) {
      const bool is_and = gates_[g].kind == GateKind::and_gate;
      bool value = is_and;
      for (int i : gates_[g].inputs) {
        if (v[static_cast<std::size_t>(i)] != is_and) {
          value = !is_and;
          break;
        }
      }
      v[static_cast<std::size_t>(num_inputs_) + g] = value;
    }
    return v;
  }

  /// The output wire's value under an input assignment.
  bool evaluate(const std::vector<bool>& assignment) const {
    return wire_values(assignment)[static_cast<std::size_t>(output_)];
  }

 private:
  void check_assignment(const std::vector<bool>& a, const char* where) const {
    if (a.size() != static_cast<std::size_t>(num_inputs_))
      throw std::invalid_argument(std::string(where) + ": assignment has " + std::to_string(a.size()) +
                                  " entries, the circuit has " + std::to_string(num_inputs_) + " inputs");
  }

  int num_inputs_;
  std::vector<Gate> gates_;
  int output_;
  std::vector<int> heights_;
};

/// A random monotone circuit with exactly `num_gates` gates and depth exactly `depth`; the
/// output is the last gate's wire, which has height `depth` (with no gates: a random input wire).
///
/// Every level 1..depth gets at least one gate, the other gates get uniform random levels; a gate
/// on level h reads one random wire of height h - 1 and up to max_fan_in - 1 further distinct
/// random wires of height < h (fan-in uniform in 1..max_fan_in, capped by the wires available);
/// AND or OR with probability 1/2.
/// Throws std::invalid_argument unless num_inputs >= 1, depth >= 0, num_gates >= depth,
/// (depth >= 1 or num_gates == 0) and max_fan_in >= 1.
inline MonotoneCircuit random_monotone_circuit(int num_inputs, int depth, int num_gates, std::mt19937_64& rng,
                                               int max_fan_in = 3) {
  if (num_inputs < 1)
    throw std::invalid_argument("random_monotone_circuit: num_inputs must be >= 1, got " + std::to_string(num_inputs));
  if (depth < 0) throw std::invalid_argument("random_monotone_circuit: depth must be >= 0, got " + std::to_string(depth));
  if (num_gates < depth)
    throw std::invalid_argument("random_monotone_circuit: num_gates must be >= depth (one gate per level), got " +
                                std::to_string(num_gates) + " gates for depth " + std::to_string(depth));
  if (depth == 0 && num_gates != 0)
    throw std::invalid_argument("random_monotone_circuit: depth 0 allows no gate (a gate has height >= 1)");
  if (max_fan_in < 1)
    throw std::invalid_argument("random_monotone_circuit: max_fan_in must be >= 1, got " + std::to_string(max_fan_in));
  if (num_gates == 0) {
    std::uniform_int_distribution<int> any_input(0, num_inputs - 1);
    return MonotoneCircuit(num_inputs, {}, any_input(rng));
  }
  std::vector<int> level(static_cast<std::size_t>(num_gates));
  std::uniform_int_distribution<int> any_level(1, depth);
  for (int g = 0; g < num_gates; ++g) level[static_cast<std::size_t>(g)] = g < depth ? g + 1 : any_level(rng);
  std::sort(level.begin(), level.end());

  std::vector<std::vector<int>> by_height(static_cast<std::size_t>(depth) + 1);
  for (int i = 0; i < num_inputs; ++i) by_height[0].push_back(i);
  std::vector<int> below;  // all wires of height < current level
  for (int i = 0; i < num_inputs; ++i) below.push_back(i);
  std::vector<Gate> gates;
  gates.reserve(static_cast<std::size_t>(num_gates));
  int current = 1;
  std::size_t below_count = below.size();  // wires of height < current
  for (int g = 0; g < num_gates; ++g) {
    const int h = level[static_cast<std::size_t>(g)];
    if (h != current) {
      current = h;
      below_count = below.size();
    }
    const auto& prev = by_height[static_cast<std::size_t>(h - 1)];
    Gate gate;
    gate.kind = std::bernoulli_distribution(0.5)(rng) ? GateKind::and_gate : GateKind::or_gate;
    gate.inputs.push_back(prev[std::uniform_int_distribution<std::size_t>(0, prev.size() - 1)(rng)]);
    const int fan_in = std::min<int>(std::uniform_int_distribution<int>(1, max_fan_in)(rng), static_cast<int>(below_count));
    // Further distinct wires from `below[0 .. below_count)` by rejection (fan_in is small).
    while (static_cast<int>(gate.inputs.size()) < fan_in) {
      const int w = below[std::uniform_int_distribution<std::size_t>(0, below_count - 1)(rng)];
      if (std::find(gate.inputs.begin(), gate.inputs.end(), w) == gate.inputs.end()) gate.inputs.push_back(w);
    }
    const int wire = num_inputs + g;
    by_height[static_cast<std::size_t>(h)].push_back(wire);
    below.push_back(wire);
    gates.push_back(std::move(gate));
  }
  return MonotoneCircuit(num_inputs, std::move(gates));
}

}  // namespace krelu::problems

namespace krelu::detail {

/// Depth-first branch-and-bound for MMCS. Inputs are decided in index order, FALSE first.
/// Prune: with undecided inputs TRUE the output must be TRUE, and |TRUE| + bound < best where the
/// bound is a lower bound on extra TRUE inputs: 1 per undecided input, min over an OR gate's
/// inputs, max over an AND gate's inputs. A node whose output is already TRUE with every
/// undecided input FALSE is a leaf.
class MmcsSearch {
 public:
  explicit MmcsSearch(const problems::MonotoneCircuit& c)
      : c_(c), state_(static_cast<std::size_t>(c.num_inputs()), -1),
        cost_(static_cast<std::size_t>(c.num_wires()), 0), best_(static_cast<std::size_t>(c.num_inputs()), true),
        best_count_(c.num_inputs()) {}

  std::vector<bool> run() {
    search(0, 0);
    return best_;
  }

 private:
  static constexpr int kInfinity = std::numeric_limits<int>::max() / 2;

  /// Lower bound on the additional TRUE inputs that make the output TRUE (kInfinity: impossible).
  int bound() {
    for (int i = 0; i < c_.num_inputs(); ++i) {
      const int s = state_[static_cast<std::size_t>(i)];
      cost_[static_cast<std::size_t>(i)] = s < 0 ? 1 : (s == 1 ? 0 : kInfinity);
    }
    for (int g = 0; g < c_.num_gates(); ++g) {
      const problems::Gate& gate = c_.gates()[static_cast<std::size_t>(g)];
      const bool is_and = gate.kind == problems::GateKind::and_gate;
      int v = is_and ? 0 : kInfinity;
      for (int i : gate.inputs) {
        const int ci = cost_[static_cast<std::size_t>(i)];
        v = is_and ? std::max(v, ci) : std::min(v, ci);
      }
      cost_[static_cast<std::size_t>(c_.num_inputs() + g)] = v;
    }
    return cost_[static_cast<std::size_t>(c_.output())];
  }

  bool satisfied_with_undecided_false() const {
    std::vector<bool> a(static_cast<std::size_t>(c_.num_inputs()));
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = state_[i] == 1;
    return c_.evaluate(a);
  }

  void search(int next, int count_true) {
    const int lb = bound();
    if (lb >= kInfinity || count_true + lb >= best_count_) return;
    if (satisfied_with_undecided_false()) {
      best_count_ = count_true;
      for (std::size_t i = 0; i < best_.size(); ++i) best_[i] = state_[i] == 1;
      return;
    }
    if (next >= c_.num_inputs()) return;
    const auto k = static_cast<std::size_t>(next);
    state_[k] = 0;
    search(next + 1, count_true);
    state_[k] = 1;
    search(next + 1, count_true + 1);
    state_[k] = -1;
  }

  const problems::MonotoneCircuit& c_;
  std::vector<int> state_;  // -1 undecided, 0 FALSE, 1 TRUE
  std::vector<int> cost_;
  std::vector<bool> best_;
  int best_count_;
};

}  // namespace krelu::detail

namespace krelu::problems {

/// MMCS: a satisfying input assignment (entry i = value of input wire i) with the fewest TRUE
/// inputs, by exact branch-and-bound. Every monotone circuit is satisfied by all-TRUE, so a
/// solution always exists. Exponential in the worst case; practical up to about 35 inputs
/// (measured: vertex-cover circuits, an AND of 2n two-input ORs, take 0.1 s at n = 32 and grow
/// about 4x per 4 more inputs; random circuits with 40 inputs take under a millisecond).
inline std::vector<bool> solve_exact(const MonotoneCircuit& c) { return krelu::detail::MmcsSearch(c).run(); }

/// Number of TRUE entries of an assignment.
inline int count_true(const std::vector<bool>& assignment) {
  return static_cast<int>(std::count(assignment.begin(), assignment.end(), true));
}

}  // namespace krelu::problems
