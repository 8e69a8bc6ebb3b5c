#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/monotone_circuit.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <type_traits>
#include <vector>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
using Float50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float_50::backend_type,
                                              boost::multiprecision::et_off>;
#define KRELU_WIDE_SCALARS long double, Float50
#else
#define KRELU_WIDE_SCALARS long double
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;
using Coord = kr::MonotoneCircuitCoordinates;

namespace {

kp::MonotoneCircuit random_circuit(std::mt19937_64& rng, int max_inputs = 9, int max_depth = 4) {
  const int n = std::uniform_int_distribution<int>(1, max_inputs)(rng);
  const int depth = std::uniform_int_distribution<int>(0, max_depth)(rng);
  const int gates = depth == 0 ? 0 : depth + std::uniform_int_distribution<int>(0, 12)(rng);
  return kp::random_monotone_circuit(n, depth, gates, rng, std::uniform_int_distribution<int>(1, 4)(rng));
}

/// Satisfying assignments: the optimum, all-TRUE, and random satisfying ones.
std::vector<std::vector<bool>> some_solutions(const kp::MonotoneCircuit& c, std::mt19937_64& rng) {
  const auto n = static_cast<std::size_t>(c.num_inputs());
  std::vector<std::vector<bool>> out{kp::solve_exact(c), std::vector<bool>(n, true)};
  for (int tries = 0; tries < 40 && out.size() < 5; ++tries) {
    std::vector<bool> a(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = std::bernoulli_distribution(0.6)(rng);
    if (c.evaluate(a)) out.push_back(a);
  }
  return out;
}

/// (row as dense integers, label code) with label code 0: label 0, 1: label 1, 2: label gamma.
using Constraint = std::pair<std::vector<int>, int>;

/// Constraints (6)-(10) written out from the circuit alone, in no particular order.
std::vector<Constraint> expected_constraints(const kp::MonotoneCircuit& c) {
  const int n = c.num_wires() + 1;
  auto unit = [&](std::initializer_list<std::pair<Eigen::Index, int>> entries) {
    std::vector<int> row(static_cast<std::size_t>(n), 0);
    for (auto [j, v] : entries) row[static_cast<std::size_t>(j)] += v;
    return row;
  };
  std::vector<Constraint> out;
  out.emplace_back(unit({{Coord::gamma, 1}}), 2);  // (6)
  for (int i = 0; i < c.num_inputs(); ++i) out.emplace_back(unit({{Coord::gamma, 1}, {Coord::wire(i), -1}}), 2);  // (7)
  out.emplace_back(unit({{Coord::wire(c.output()), 1}}), 1);  // (8)
  for (int g = 0; g < c.num_gates(); ++g) {
    const int j = c.num_inputs() + g;
    const auto& gate = c.gate(g);
    if (gate.kind == kp::GateKind::or_gate) {  // (9)
      auto row = unit({{Coord::wire(j), 1}});
      for (int i : gate.inputs) row[static_cast<std::size_t>(Coord::wire(i))] -= 1;
      out.emplace_back(row, 0);
    } else {  // (10)
      for (int i : gate.inputs) out.emplace_back(unit({{Coord::wire(j), 1}, {Coord::wire(i), -1}}), 0);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool relative_close(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

}  // namespace

TEST_CASE("Monotone circuit reduction: samples are constraints (6)-(10) in {-1,0,1}^n") {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 150; ++trial) {
    const auto c = random_circuit(rng);
    const auto red = kr::reduce(c);
    const int size = c.num_wires(), l = c.depth();
    const long double gamma = std::pow(10.0L * size, -static_cast<long double>(l + 1));
    CHECK(relative_close(red.constant("gamma"), static_cast<double>(gamma), 1e-14));
    CHECK(red.constant("|C|") == size);
    CHECK(red.constant("l") == l);
    CHECK(red.constant("|S|") == red.samples.size());
    CHECK(red.samples.total_weight() == red.samples.size());
    CHECK(red.units == 1);
    CHECK(red.signs == std::vector<int>{1});
    CHECK_FALSE(red.radius.has_value());
    REQUIRE(red.samples.dim() == size + 1);
    REQUIRE(red.coordinate_names.size() == static_cast<std::size_t>(size + 1));
    CHECK(red.coordinate_names[static_cast<std::size_t>(Coord::gamma)] == "w_gamma");
    CHECK(red.coordinate_names[static_cast<std::size_t>(Coord::wire(size - 1))] == "w_" + std::to_string(size - 1));

    const Eigen::MatrixXd X(red.samples.inputs());
    CHECK((X.array() == 0.0 || X.array() == 1.0 || X.array() == -1.0).all());
    std::vector<Constraint> actual;
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
      std::vector<int> row(static_cast<std::size_t>(X.cols()));
      for (Eigen::Index j = 0; j < X.cols(); ++j) row[static_cast<std::size_t>(j)] = static_cast<int>(X(r, j));
      const double y = red.samples.label(r);
      const int code = y == 0 ? 0 : (y == 1 ? 1 : (y == red.constant("gamma") ? 2 : -1));
      CHECK(code >= 0);
      actual.emplace_back(row, code);
    }
    std::sort(actual.begin(), actual.end());
    CHECK(actual == expected_constraints(c));
    CHECK((red.samples.weights().array() == 1.0).all());
  }
}

TEST_CASE("Monotone circuit reduction: witness total error is (TRUE inputs) gamma^2") {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 150; ++trial) {
    const auto c = random_circuit(rng);
    const auto red = kr::reduce(c);
    const double gamma = red.constant("gamma");
    for (const auto& a : some_solutions(c, rng)) {
      const double t = kp::count_true(a);
      const auto net = kr::witness(red, a);
      CHECK(net.units() == 1);
      CHECK(net.signs()(0) == 1);
      const double total = krelu::total_loss(net, red.samples);
      CHECK(relative_close(total, t * gamma * gamma, 1e-12));
      CHECK(relative_close(krelu::loss(net, red.samples), kr::predicted_loss(red, a), 1e-12));
      CHECK(relative_close(kr::predicted_loss(red, a), t * gamma * gamma / red.constant("|S|"), 1e-12));
      // The weights are the wire values, w_gamma = gamma.
      const auto wires = c.wire_values(a);
      const Eigen::VectorXd w = net.weights().row(0).transpose();
      CHECK(w(Coord::gamma) == gamma);
      for (int j = 0; j < c.num_wires(); ++j) CHECK(w(Coord::wire(j)) == (wires[static_cast<std::size_t>(j)] ? 1.0 : 0.0));
      CHECK(kr::decode(red, net) == a);
      CHECK(krelu::loss(net, red.samples) <= kr::decode_threshold(red));
    }
  }
}

TEST_CASE("Monotone circuit reduction: input validation") {
  const kp::MonotoneCircuit c(3, {{kp::GateKind::or_gate, {0, 1}}, {kp::GateKind::and_gate, {3, 2}}});
  const auto red = kr::reduce(c);
  CHECK_THROWS_WITH(kr::witness(red, {true, true, false}), Catch::Contains("does not satisfy"));
  CHECK_THROWS_AS(kr::witness(red, {true, true}), std::invalid_argument);
  CHECK_THROWS_AS(kr::predicted_loss(red, {false, false, true}), std::invalid_argument);
  CHECK_NOTHROW(kr::witness(red, {false, true, true}));
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>::single(Eigen::VectorXd::Zero(5))), std::invalid_argument);
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>(Eigen::MatrixXd::Zero(2, 6), Eigen::Vector2d(1, 1))),
                  std::invalid_argument);
}

TEST_CASE("Monotone circuit reduction: networks below the threshold decode to satisfying assignments") {
  std::mt19937_64 rng(3);
  int below = 0, above = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const auto c = random_circuit(rng);
    const auto red = kr::reduce(c);
    const double gamma = red.constant("gamma");
    const double opt = kp::count_true(kp::solve_exact(c));
    const double threshold = kr::decode_threshold(red);
    const auto solutions = some_solutions(c, rng);
    for (int r = 0; r < 60; ++r) {
      const auto& a = solutions[static_cast<std::size_t>(r) % solutions.size()];
      Eigen::VectorXd w = kr::witness(red, a).weights().row(0).transpose();
      const int kind = r % 3;
      if (kind == 0) {  // Gaussian noise of scale 10^-3 .. 10 times gamma on every coordinate
        std::normal_distribution<double> noise(0, gamma * std::pow(10.0, std::uniform_real_distribution<double>(-3, 1)(rng)));
        for (Eigen::Index j = 0; j < w.size(); ++j) w(j) += noise(rng);
      } else if (kind == 1) {  // inputs to just either side of the decision boundary w_i = w_gamma
        for (int k = std::uniform_int_distribution<int>(1, 2)(rng); k > 0; --k) {
          const int i = std::uniform_int_distribution<int>(0, c.num_inputs() - 1)(rng);
          const double side = std::bernoulli_distribution(0.5)(rng) ? 1 : -1;
          w(Coord::wire(i)) = w(Coord::gamma) + side * gamma * std::uniform_real_distribution<double>(1e-6, 0.5)(rng);
        }
      } else {  // scale the TRUE wires: (8) and (7) trade off against each other
        const double s = 1 + std::uniform_real_distribution<double>(-1, 1)(rng) * std::pow(10.0, -std::uniform_int_distribution<int>(1, 8)(rng));
        for (int j = 0; j < c.num_wires(); ++j) w(Coord::wire(j)) *= s;
      }
      const auto net = krelu::Network<double>::single(w);
      const double total = krelu::total_loss(net, red.samples);
      // Errata, Thm 11: the minimum total error is exactly OPT gamma^2.
      CHECK(total >= opt * gamma * gamma * (1 - 1e-9));
      if (krelu::loss(net, red.samples) > threshold) {
        ++above;
        continue;
      }
      ++below;
      const auto decoded = kr::decode(red, net);
      CHECK(c.evaluate(decoded));
      CHECK(kp::count_true(decoded) <= total / (gamma * gamma) * (1 + 1e-9));
    }
  }
  CHECK(below > 500);
  CHECK(above > 100);
}

TEST_CASE("Monotone circuit reduction: deep circuits need a wider Scalar than double") {
  std::mt19937_64 rng(5);
  const auto c = kp::random_monotone_circuit(6, 60, 64, rng);  // gamma^2 = 700^-122 ~ 1e-347
  CHECK_THROWS_WITH(kr::reduce<double>(c), Catch::Contains("long double"));
  CHECK_NOTHROW(kr::reduce<long double>(c));
}

TEMPLATE_TEST_CASE("Monotone circuit reduction: witness loss to the Scalar's precision", "", double, KRELU_WIDE_SCALARS) {
  using S = TestType;
  const S eps = std::numeric_limits<S>::epsilon();
  std::mt19937_64 rng(6);
  // Depth up to 60 for the wide types (gamma^2 far below double's range), up to 20 for double.
  const int max_depth = std::is_same_v<S, double> ? 20 : 60;
  for (int trial = 0; trial < 12; ++trial) {
    const int depth = std::uniform_int_distribution<int>(1, max_depth)(rng);
    const auto c = kp::random_monotone_circuit(std::uniform_int_distribution<int>(1, 8)(rng), depth,
                                               depth + std::uniform_int_distribution<int>(0, 10)(rng), rng);
    const auto red = kr::reduce<S>(c);
    S power(1);
    for (int h = 0; h <= c.depth(); ++h) power *= S(10 * c.num_wires());
    const S gamma = S(1) / power;
    CHECK(krelu::abs_of(red.constant("gamma") - gamma) <= 4 * eps * gamma);
    for (const auto& a : some_solutions(c, rng)) {
      const auto net = kr::witness(red, a);
      const S total = krelu::total_loss(net, red.samples);
      const S formula = S(kp::count_true(a)) * gamma * gamma;
      CHECK(krelu::abs_of(total - formula) <= 16 * eps * formula);
      CHECK(krelu::abs_of(krelu::loss(net, red.samples) - kr::predicted_loss(red, a)) <= 16 * eps * formula);
      CHECK(kr::decode(red, net) == a);
      // Soundness at this precision: noise of a tenth of gamma keeps the decoded assignment satisfying.
      typename krelu::Network<S>::Vector w = net.weights().row(0).transpose();
      std::normal_distribution<double> noise(0, 0.1);
      for (Eigen::Index j = 0; j < w.size(); ++j) w(j) += S(noise(rng)) * gamma;
      const auto noisy = krelu::Network<S>::single(w);
      if (krelu::loss(noisy, red.samples) <= kr::decode_threshold(red)) {
        const auto decoded = kr::decode(red, noisy);
        CHECK(c.evaluate(decoded));
        CHECK(S(kp::count_true(decoded)) * gamma * gamma <= krelu::total_loss(noisy, red.samples) * (1 + 1e3 * eps));
      }
    }
  }
}
