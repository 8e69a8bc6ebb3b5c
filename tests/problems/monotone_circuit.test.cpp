#include <catch2/catch.hpp>
#include <krelu/problems/monotone_circuit.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <vector>

namespace kp = krelu::problems;

namespace {

/// The output value by recursion from the output wire with memoisation (independent of wire_values).
bool evaluate_recursively(const kp::MonotoneCircuit& c, const std::vector<bool>& a, int wire, std::map<int, bool>& memo) {
  if (wire < c.num_inputs()) return a[static_cast<std::size_t>(wire)];
  if (auto it = memo.find(wire); it != memo.end()) return it->second;
  const auto& gate = c.gate(wire - c.num_inputs());
  bool any = false, all = true;
  for (int i : gate.inputs) {
    const bool v = evaluate_recursively(c, a, i, memo);
    any = any || v;
    all = all && v;
  }
  const bool value = gate.kind == kp::GateKind::and_gate ? all : any;
  memo[wire] = value;
  return value;
}

/// Longest path (in gates) from an input to the wire, by recursion (independent of height()).
int longest_path(const kp::MonotoneCircuit& c, int wire) {
  if (wire < c.num_inputs()) return 0;
  int best = 0;
  for (int i : c.gate(wire - c.num_inputs()).inputs) best = std::max(best, longest_path(c, i));
  return best + 1;
}

/// Minimum number of TRUE inputs over all 2^n assignments that satisfy the circuit.
int brute_force_mmcs(const kp::MonotoneCircuit& c) {
  const int n = c.num_inputs();
  int best = n + 1;
  for (std::uint32_t mask = 0; mask < (1U << n); ++mask) {
    std::vector<bool> a(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = (mask >> i & 1U) != 0;
    const int t = kp::count_true(a);
    if (t < best) {
      std::map<int, bool> memo;
      if (evaluate_recursively(c, a, c.output(), memo)) best = t;
    }
  }
  return best;
}

std::vector<bool> random_assignment(int n, double p, std::mt19937_64& rng) {
  std::vector<bool> a(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = std::bernoulli_distribution(p)(rng);
  return a;
}

}  // namespace

TEST_CASE("MonotoneCircuit validates its input") {
  using G = kp::Gate;
  const auto AND = kp::GateKind::and_gate;
  const auto OR = kp::GateKind::or_gate;
  CHECK_THROWS_AS(kp::MonotoneCircuit(0, {}), std::invalid_argument);
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{AND, {}}}), std::invalid_argument);         // fan-in 0
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{AND, {0, 2}}}), std::invalid_argument);      // reads itself
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{OR, {0}}, G{OR, {4}}}), std::invalid_argument);  // reads a later wire
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{OR, {-1}}}), std::invalid_argument);
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{OR, {0, 1}}}, 3), std::invalid_argument);  // no wire 3
  CHECK_THROWS_AS(kp::MonotoneCircuit(2, {G{OR, {0, 1}}}, -1), std::invalid_argument);
  CHECK_THROWS_WITH(kp::MonotoneCircuit(2, {G{OR, {0}}, G{OR, {3}}}),
                    Catch::Contains("gate 1") && Catch::Contains("0..2"));
  const kp::MonotoneCircuit c(2, {G{OR, {1, 0, 1}}});
  CHECK(c.gate(0).inputs == std::vector<int>{0, 1});  // repeated inputs merged, sorted
  CHECK(c.output() == 2);                              // default: the last wire
  CHECK_THROWS_AS(c.evaluate({true}), std::invalid_argument);
  CHECK_THROWS_AS(c.gate(1), std::out_of_range);
  CHECK_THROWS_AS(c.height(3), std::out_of_range);
  const kp::MonotoneCircuit trivial(3, {});  // output = input wire 2
  CHECK(trivial.output() == 2);
  CHECK(trivial.depth() == 0);
  CHECK(trivial.num_wires() == 3);
}

TEST_CASE("random_monotone_circuit has the requested size and depth") {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    std::mt19937_64 rng(seed);
    const int n = std::uniform_int_distribution<int>(1, 10)(rng);
    const int depth = std::uniform_int_distribution<int>(0, 6)(rng);
    const int gates = depth == 0 ? 0 : depth + std::uniform_int_distribution<int>(0, 15)(rng);
    const int fan = std::uniform_int_distribution<int>(1, 5)(rng);
    std::mt19937_64 a(seed), b(seed);
    const auto c = kp::random_monotone_circuit(n, depth, gates, a, fan);
    const auto again = kp::random_monotone_circuit(n, depth, gates, b, fan);
    CHECK(c.num_inputs() == n);
    CHECK(c.num_gates() == gates);
    CHECK(c.num_wires() == n + gates);  // |C| = inputs + gates (ERRATA, Thm 11)
    CHECK(c.depth() == depth);
    int largest = 0;
    for (int w = 0; w < c.num_wires(); ++w) {
      CHECK(c.height(w) == longest_path(c, w));
      largest = std::max(largest, longest_path(c, w));
    }
    CHECK(largest == depth);
    if (gates > 0) CHECK(c.height(c.output()) == depth);
    for (const auto& g : c.gates()) {
      CHECK(static_cast<int>(g.inputs.size()) >= 1);
      CHECK(static_cast<int>(g.inputs.size()) <= fan);
    }
    CHECK(c.output() == again.output());
    REQUIRE(c.num_gates() == again.num_gates());
    for (int g = 0; g < gates; ++g) {
      CHECK(c.gate(g).inputs == again.gate(g).inputs);
      CHECK(c.gate(g).kind == again.gate(g).kind);
    }
  }
  std::mt19937_64 rng(0);
  CHECK_THROWS_AS(kp::random_monotone_circuit(0, 1, 1, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_monotone_circuit(3, 4, 3, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_monotone_circuit(3, 0, 2, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_monotone_circuit(3, -1, 2, rng), std::invalid_argument);
  CHECK_THROWS_AS(kp::random_monotone_circuit(3, 2, 2, rng, 0), std::invalid_argument);
}

TEST_CASE("evaluate agrees with a recursive evaluation and is monotone") {
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = std::uniform_int_distribution<int>(1, 12)(rng);
    const int depth = std::uniform_int_distribution<int>(1, 5)(rng);
    const auto c = kp::random_monotone_circuit(n, depth, depth + std::uniform_int_distribution<int>(0, 20)(rng), rng);
    auto a = random_assignment(n, 0.5, rng);
    const auto wires = c.wire_values(a);
    std::map<int, bool> memo;
    for (int w = 0; w < c.num_wires(); ++w) CHECK(wires[static_cast<std::size_t>(w)] == evaluate_recursively(c, a, w, memo));
    CHECK(c.evaluate(a) == wires[static_cast<std::size_t>(c.output())]);
    // Monotone: turning a FALSE input TRUE never turns a TRUE wire FALSE.
    const int flip = std::uniform_int_distribution<int>(0, n - 1)(rng);
    auto b = a;
    b[static_cast<std::size_t>(flip)] = true;
    const auto after = c.wire_values(b);
    for (int w = 0; w < c.num_wires(); ++w)
      if (wires[static_cast<std::size_t>(w)]) CHECK(after[static_cast<std::size_t>(w)]);
    CHECK(c.evaluate(std::vector<bool>(static_cast<std::size_t>(n), true)));
  }
}

TEST_CASE("solve_exact solves MMCS (brute force over all assignments)") {
  std::mt19937_64 rng(4242);
  std::map<int, int> optima;  // how often each optimum occurs: the instances must not be trivial
  for (int trial = 0; trial < 300; ++trial) {
    const int n = std::uniform_int_distribution<int>(1, 12)(rng);
    const int depth = std::uniform_int_distribution<int>(0, 5)(rng);
    const int gates = depth == 0 ? 0 : depth + std::uniform_int_distribution<int>(0, 25)(rng);
    const auto c = kp::random_monotone_circuit(n, depth, gates, rng, std::uniform_int_distribution<int>(1, 4)(rng));
    const auto best = kp::solve_exact(c);
    REQUIRE(static_cast<int>(best.size()) == n);
    CHECK(c.evaluate(best));
    const int expected = brute_force_mmcs(c);
    CHECK(kp::count_true(best) == expected);
    ++optima[expected];
  }
  CHECK(optima.size() >= 3);
}

TEST_CASE("solve_exact on wide OR-of-ANDs circuits (minimum is the smallest AND)") {
  // OR over AND gates of random input sets: the optimum is the smallest AND fan-in, known by construction.
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 24;
    const int terms = std::uniform_int_distribution<int>(1, 8)(rng);
    std::vector<kp::Gate> gates;
    std::vector<int> and_wires;
    std::size_t smallest = 100;
    for (int t = 0; t < terms; ++t) {
      kp::Gate g{kp::GateKind::and_gate, {}};
      std::vector<int> all(n);
      for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
      std::shuffle(all.begin(), all.end(), rng);
      const int k = std::uniform_int_distribution<int>(2, 9)(rng);
      g.inputs.assign(all.begin(), all.begin() + k);
      smallest = std::min(smallest, g.inputs.size());
      and_wires.push_back(n + t);
      gates.push_back(g);
    }
    gates.push_back(kp::Gate{kp::GateKind::or_gate, and_wires});
    const kp::MonotoneCircuit c(n, gates);
    const auto best = kp::solve_exact(c);
    CHECK(c.evaluate(best));
    CHECK(static_cast<std::size_t>(kp::count_true(best)) == smallest);
  }
}
