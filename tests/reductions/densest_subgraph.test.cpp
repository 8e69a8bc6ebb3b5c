// Lemma 14 (App. C.1): Densest kappa-Subgraph -> bounded 1-ReLU. Small random instances: the
// samples against their definition, the completeness witness against the proof's formula in
// double, long double and 50-digit arithmetic, the decoder, and the soundness chain as a lower
// bound on the loss of arbitrary weight vectors in the ball.
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <krelu/problems/graph.hpp>
#include <krelu/reductions/densest_subgraph.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#if KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/eigen.hpp>
using mp50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
#define KRELU_DKS_SCALARS double, long double, mp50
#else
#define KRELU_DKS_SCALARS double, long double
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

template <class Scalar>
Scalar tolerance() {
  return Scalar(4096) * krelu::NumericTraits<Scalar>::epsilon();  // 9e-13 for double
}

template <class Scalar>
Scalar relative_difference(const Scalar& a, const Scalar& b) {
  using std::abs;
  using std::max;
  return abs(a - b) / max(abs(a), abs(b));
}

/// A random instance with a kappa-set T of non-isolated vertices (a planted dense set, its
/// isolated members swapped for non-isolated outsiders, which loses no edge).
struct Case {
  kp::Graph graph;
  int kappa = 0;
  std::vector<int> set;
};

std::vector<int> non_isolated(const kp::Graph& g) {
  std::vector<int> out;
  for (int v = 0; v < g.num_vertices(); ++v)
    if (g.degree(v) > 0) out.push_back(v);
  return out;
}

Case random_case(std::mt19937_64& rng, int max_vertices = 40) {
  for (;;) {
    const int n = 6 + static_cast<int>(rng() % static_cast<std::uint64_t>(max_vertices - 5));
    const int d = 1 + static_cast<int>(rng() % 4);
    const int kappa = 2 + static_cast<int>(rng() % static_cast<std::uint64_t>(n / 2));
    const int inside = static_cast<int>(std::min(1LL * kappa * (kappa - 1) / 2, 1LL * kappa * d / 2));
    const int planted_edges = static_cast<int>(rng() % static_cast<std::uint64_t>(inside + 1));
    const int other = static_cast<int>(rng() % static_cast<std::uint64_t>(n * d / 3 + 1));
    kp::PlantedGraph p;
    try {
      p = kp::planted_dense_subgraph(n, d, kappa, planted_edges, other, rng);
    } catch (const std::runtime_error&) {
      continue;
    }
    const auto alive = non_isolated(p.graph);
    if (p.graph.num_edges() == 0 || static_cast<int>(alive.size()) < kappa) continue;
    std::vector<int> set;
    for (const int v : p.planted)
      if (p.graph.degree(v) > 0) set.push_back(v);
    for (const int v : alive) {
      if (static_cast<int>(set.size()) == kappa) break;
      if (std::find(set.begin(), set.end(), v) == set.end()) set.push_back(v);
    }
    std::sort(set.begin(), set.end());
    return {std::move(p.graph), kappa, std::move(set)};
  }
}

template <class Scalar>
Scalar norm2(const krelu::Network<Scalar>& net) {
  return net.weights().row(0).squaredNorm();
}

}  // namespace

TEST_CASE("Lemma 14 constants: closed forms, identities, validation") {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    const std::int64_t N = 2 + static_cast<std::int64_t>(rng() % 10000000);
    const std::int64_t d = 1 + static_cast<std::int64_t>(rng() % 10);
    const std::int64_t M = std::max<std::int64_t>(
        1, N / 2 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(N * d / 2 - N / 2 + 1)));
    const std::int64_t kappa = 2 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(N - 1));
    const std::int64_t ell = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(M));
    const auto c = kr::densest_subgraph_constants<long double>(N, M, d, kappa, ell);
    const long double s2 = std::sqrt(2.0L);
    CHECK(c.delta * c.delta * c.kappa == Approx(0.25L).epsilon(1e-15));
    CHECK(c.gamma * c.d == Approx(1e-3L).epsilon(1e-15));
    CHECK(c.zeta * c.d * c.d == Approx(1e-10L).epsilon(1e-15));
    // The soundness proof ends at OPT + epsilon = gamma zeta (1 - ell delta/(4 sqrt2 M)) + (1-gamma) zeta (1 - 1/(4
    // sqrt2 delta N)).
    const long double reached = c.gamma * c.zeta * (1 - c.ell * c.delta / (4 * s2 * c.M)) +
                                (1 - c.gamma) * c.zeta * (1 - 1 / (4 * s2 * c.delta * c.N));
    CHECK(relative_difference(c.OPT + c.epsilon, reached) < 1e-15L);
    CHECK(c.OPT > 0);
    CHECK(c.OPT < c.zeta);
    CHECK(c.copies_per_unit_weight == Approx(1e20L * d * d * d * N * M).epsilon(1e-15));
  }
  using C = std::invalid_argument;
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 5, 3, 1, 1), C);   // kappa = 1: edge samples leave the ball
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 5, 3, 11, 1), C);  // kappa > N
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 5, 3, 4, 0), C);
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 5, 3, 4, 6), C);
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 0, 3, 4, 1), C);
  CHECK_THROWS_AS(kr::densest_subgraph_constants(10, 5, 0, 4, 1), C);
  CHECK_THROWS_AS(kr::densest_subgraph_constants(1, 5, 3, 4, 1), C);
}

TEST_CASE("Lemma 14 instance: every sample as the proof defines it, in the unit ball") {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 60; ++trial) {
    const Case k = random_case(rng);
    const int ell = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(k.graph.num_edges()));
    const auto red = kr::reduce(k.graph, k.kappa, ell);
    const auto alive = non_isolated(k.graph);
    const int N = static_cast<int>(alive.size()), M = k.graph.num_edges();
    const double delta = 1 / (2 * std::sqrt(double(k.kappa)));
    const double d = k.graph.max_degree(), gamma = 1 / (1000 * d), zeta = 1 / (1e10 * d * d);
    REQUIRE(red.samples.dim() == N + 1);
    REQUIRE(red.samples.size() == 1 + N + M);
    CHECK(red.samples.inputs().nonZeros() == 1 + 2 * N + 3 * M);
    CHECK(red.units == 1);
    CHECK(red.signs == std::vector<int>{1});
    REQUIRE(red.radius.has_value());
    CHECK(*red.radius == 1.0);
    CHECK(red.constant("N") == N);
    CHECK(red.constant("M") == M);
    CHECK(red.constant("d") == d);
    CHECK(red.constant("kappa") == k.kappa);
    CHECK(red.constant("ell") == ell);
    CHECK(red.constant("delta") == Approx(delta).epsilon(1e-15));
    REQUIRE(static_cast<int>(red.coordinate_names.size()) == N + 1);
    CHECK(red.coordinate_names.back() == "w_*");
    std::vector<int> coordinate(static_cast<std::size_t>(k.graph.num_vertices()), -1);
    for (int i = 0; i < N; ++i) {
      coordinate[static_cast<std::size_t>(alive[static_cast<std::size_t>(i)])] = i;
      CHECK(red.coordinate_names[static_cast<std::size_t>(i)] ==
            "w_" + std::to_string(alive[static_cast<std::size_t>(i)]));
    }
    const Eigen::MatrixXd X = Eigen::MatrixXd(red.samples.inputs());
    const int star = N;
    auto expect_row = [&](int row, const Eigen::VectorXd& x, double y, double c) {
      INFO("row " << row);
      CHECK((X.row(row).transpose() - x).cwiseAbs().maxCoeff() < 1e-15);
      CHECK(red.samples.label(row) == Approx(y).epsilon(1e-15));
      CHECK(red.samples.weight(row) == Approx(c).epsilon(1e-13));
    };
    Eigen::VectorXd x = Eigen::VectorXd::Zero(N + 1);
    x(star) = 1;
    expect_row(0, x, 1 / std::sqrt(2.0), 1 - zeta);
    for (int v = 0; v < N; ++v) {
      x.setZero();
      x(v) = 0.5;
      x(star) = -0.5 * delta;
      expect_row(1 + v, x, 1, (1 - gamma) * zeta / N);
    }
    for (int e = 0; e < M; ++e) {  // ERRATA: x = 1/2 (e_u + e_v - 3.5 delta e_*), label 1
      const auto [u, v] = k.graph.edges()[static_cast<std::size_t>(e)];
      x.setZero();
      x(coordinate[static_cast<std::size_t>(u)]) = 0.5;
      x(coordinate[static_cast<std::size_t>(v)]) = 0.5;
      x(star) = -1.75 * delta;
      expect_row(1 + N + e, x, 1, gamma * zeta / M);
    }
    CHECK(red.samples.total_weight() == Approx(1.0).epsilon(1e-15));
    CHECK(red.samples.max_row_norm() <= 1.0);
    // An edge sample has squared norm 1/2 + 3.0625 delta^2 <= 1 iff kappa >= 2 (ERRATA, Lemma 14 domain).
    CHECK(X.row(1 + N).squaredNorm() == Approx(0.5 + 3.0625 * delta * delta));
  }
  // For kappa = 1 the same edge sample would have norm 1.125: the reduction refuses it.
  CHECK(std::sqrt(0.5 + 3.0625 / 4.0) == Approx(1.125));
  const kp::Graph path(4, {{0, 1}, {1, 2}});
  CHECK_THROWS_AS(kr::reduce(path, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(kr::reduce(path, 4, 1), std::invalid_argument);  // vertex 3 is isolated: N = 3
  CHECK_NOTHROW(kr::reduce(path, 3, 2));
  CHECK_THROWS_AS(kr::reduce(path, 2, 3), std::invalid_argument);  // ell > M
  CHECK_THROWS_AS(kr::reduce(path, 2, 0), std::invalid_argument);
  CHECK_THROWS_AS(kr::reduce(kp::Graph(5, {}), 2, 1), std::invalid_argument);
}

#if KRELU_HAVE_BOOST
TEST_CASE("Lemma 14 weights are the paper's integer copy counts over 10^20 d^3 N M") {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 10; ++trial) {
    const Case k = random_case(rng);
    const auto red = kr::reduce<mp50>(k.graph, k.kappa, 1);
    const mp50 W = red.constant("copies_per_unit_weight");
    const mp50 d = red.constant("d"), N = red.constant("N"), M = red.constant("M");
    const mp50 e10(1e10), e7(1e7);
    CHECK(relative_difference(mp50(red.samples.weight(0) * W), mp50(1e20 * d * d * d * N * M - e10 * d * N * M)) <
          mp50(1e-45));
    CHECK(relative_difference(mp50(red.samples.weight(1) * W), mp50(e10 * d * M - e7 * M)) < mp50(1e-45));
    CHECK(relative_difference(mp50(red.samples.weight(red.samples.size() - 1) * W), mp50(e7 * N)) < mp50(1e-45));
  }
}
#endif

TEMPLATE_TEST_CASE("Lemma 14 completeness: the witness loss is the proof's formula, <= OPT iff |E(T)| >= ell",
                   "[completeness]", KRELU_DKS_SCALARS) {
  using Scalar = TestType;
  std::mt19937_64 rng(4);
  const int trials = std::is_same_v<Scalar, double> ? 80 : 25;
  for (int trial = 0; trial < trials; ++trial) {
    const Case k = random_case(rng);
    // Three kinds of sets: the planted one, an optimum (small graphs) and a random one.
    std::vector<std::vector<int>> sets{k.set};
    if (k.graph.num_vertices() <= 30) sets.push_back(kp::densest_subgraph(k.graph, k.kappa).vertices);
    auto alive = non_isolated(k.graph);
    std::shuffle(alive.begin(), alive.end(), rng);
    std::vector<int> random_set(alive.begin(), alive.begin() + k.kappa);
    std::sort(random_set.begin(), random_set.end());
    sets.push_back(random_set);
    for (const auto& t : sets) {
      const int induced = kp::edges_within(k.graph, t);
      for (const int ell : {induced, induced + 1, 1}) {
        if (ell < 1 || ell > k.graph.num_edges()) continue;
        const auto red = kr::reduce<Scalar>(k.graph, k.kappa, ell);
        const auto net = kr::witness(red, t);
        const Scalar loss = krelu::loss(net, red.samples);
        const Scalar predicted = kr::predicted_loss(red, t);
        INFO("trial " << trial << ", |E(T)| = " << induced << ", ell = " << ell);
        CHECK(relative_difference(loss, predicted) < tolerance<Scalar>());
        CHECK(relative_difference(krelu::total_loss(net, red.samples), predicted) < tolerance<Scalar>());
        // L^* = 0 exactly: the constant sample's residual vanishes.
        CHECK(krelu::residuals(net, red.samples)(0) == Scalar(0));
        // ||w|| = 1, within the radius up to rounding.
        using std::abs;
        CHECK(abs(norm2(net) - Scalar(1)) < Scalar(16) * krelu::NumericTraits<Scalar>::epsilon());
        if (induced >= ell) {
          CHECK(loss <= kr::predicted_loss_bound(red) * (Scalar(1) + tolerance<Scalar>()));
        } else {
          CHECK(loss > kr::predicted_loss_bound(red));
        }
        if (induced == ell) CHECK(relative_difference(predicted, red.constant("OPT")) < tolerance<Scalar>());
        CHECK(kr::decode(red, net) == std::vector<int>(t.begin(), t.end()));
      }
    }
  }
}

TEST_CASE("Lemma 14 witness and predicted_loss validate the set") {
  const kp::Graph g(6, {{0, 1}, {1, 2}, {2, 0}, {3, 4}});  // vertex 5 isolated
  const auto red = kr::reduce(g, 3, 2);
  CHECK(red.samples.dim() == 6);                                        // 5 vertices + w_*
  CHECK_THROWS_AS(kr::witness(red, {0, 1}), std::invalid_argument);     // wrong size
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 1}), std::invalid_argument);  // repeated
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 6}), std::invalid_argument);  // out of range
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 5}), std::invalid_argument);  // isolated: no coordinate
  CHECK_THROWS_AS(kr::predicted_loss(red, {0, 1, 5}), std::invalid_argument);
  const auto net = kr::witness(red, {0, 1, 2});
  CHECK(kr::decode(red, net) == std::vector<int>{0, 1, 2});
  CHECK(krelu::loss(net, red.samples) <= red.constant("OPT") * (1 + 1e-12));
  const auto other = kr::witness(red, {2, 3, 4});  // one edge
  CHECK(krelu::loss(other, red.samples) > red.constant("OPT"));
  CHECK(kr::decode(red, other) == std::vector<int>{2, 3, 4});
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>::single(Eigen::VectorXd::Zero(5))), std::invalid_argument);
  // The instance overload builds the same samples.
  const auto again = kr::reduce(kp::DensestSubgraphInstance{g, 3, 2});
  CHECK(Eigen::MatrixXd(again.samples.inputs()) == Eigen::MatrixXd(red.samples.inputs()));
  CHECK(again.samples.weights() == red.samples.weights());
  CHECK(again.samples.labels() == red.samples.labels());
  CHECK(again.constants == red.constants);
}

TEST_CASE("Lemma 14 decode: the kappa largest w_v, stable under small perturbations") {
  std::mt19937_64 rng(6);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 40; ++trial) {
    const Case k = random_case(rng);
    const auto red = kr::reduce(k.graph, k.kappa, 1);
    const auto net = kr::witness(red, k.set);
    const double gap = red.constant("delta") * std::sqrt(2.0);  // w_v on T minus w_v off T
    for (int rep = 0; rep < 10; ++rep) {
      Eigen::VectorXd w = net.weights().row(0).transpose();
      for (Eigen::Index i = 0; i < w.size(); ++i)
        w(i) += 0.3 * gap * (2 * (g(rng) > 0) - 1) * std::min(1.0, std::abs(g(rng)) / 4);
      const auto noisy = krelu::Network<double>::single(w);
      // Off-T entries stay below 0.3 gap < on-T entries above 0.7 gap.
      CHECK(kr::decode(red, noisy) == k.set);
    }
    // A random w: the decoder returns the kappa largest coordinates, checked by sorting.
    Eigen::VectorXd w = Eigen::VectorXd::NullaryExpr(red.samples.dim(), [&] { return g(rng); });
    const auto back = kr::decode(red, krelu::Network<double>::single(w));
    const auto alive = non_isolated(k.graph);
    std::vector<std::pair<double, int>> ranked;
    for (std::size_t i = 0; i < alive.size(); ++i) ranked.emplace_back(-w(static_cast<Eigen::Index>(i)), alive[i]);
    std::sort(ranked.begin(), ranked.end());
    std::vector<int> expected;
    for (int i = 0; i < k.kappa; ++i) expected.push_back(ranked[static_cast<std::size_t>(i)].second);
    std::sort(expected.begin(), expected.end());
    CHECK(back == expected);
  }
}

TEMPLATE_TEST_CASE("Lemma 14 soundness chain: loss(w) >= the proof's lower bound for every w in the ball",
                   "[soundness]", KRELU_DKS_SCALARS) {
  using Scalar = TestType;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> u01;
  const int trials = std::is_same_v<Scalar, double> ? 60 : 15;
  int tight = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const Case k = random_case(rng);
    const int ell = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(k.graph.num_edges()));
    const auto red = kr::reduce<Scalar>(k.graph, k.kappa, ell);
    const Eigen::Index n = red.samples.dim();
    const Scalar delta = red.constant("delta");
    const Vector witness = kr::witness(red, k.set).weights().row(0).transpose();
    for (int rep = 0; rep < 40; ++rep) {
      Vector w(n);
      switch (rep % 4) {
        case 0:  // witness plus noise of random scale
          w = witness + Vector::NullaryExpr(n, [&] { return Scalar(g(rng) * std::pow(10.0, -2 - 8 * u01(rng))); });
          break;
        case 1: {  // w_* anywhere in [0, 1], a random number of vertices at a common level
          w.setZero();
          w(n - 1) = Scalar(u01(rng));
          const Scalar level = delta * Scalar(3 * u01(rng));
          for (Eigen::Index i = 0; i + 1 < n; ++i)
            if (u01(rng) < 0.5) w(i) = level;
          break;
        }
        case 2:  // random nonnegative direction
          w = Vector::NullaryExpr(n, [&] { return Scalar(std::abs(g(rng))); });
          break;
        default:  // random direction
          w = Vector::NullaryExpr(n, [&] { return Scalar(g(rng)); });
      }
      if (w.norm() > Scalar(1)) w /= w.norm();
      const auto net = krelu::Network<Scalar>::single(w);
      const auto s = kr::soundness_analysis(red, net);
      const Scalar loss = krelu::loss(net, red.samples);
      INFO("trial " << trial << ", rep " << rep);
      CHECK(loss >= s.lower_bound);
      if (s.w_star >= Scalar(1) / Scalar(3)) {
        CHECK(s.above_lambda1 < 36 * k.kappa);
        CHECK(static_cast<int>(s.middle.size()) <= s.above_lambda1);
        CHECK(s.middle_edges == kp::edges_within(k.graph, s.middle));
        if (loss < Scalar(2) * red.constant("OPT")) ++tight;  // the interesting regime: near the witness
      }
    }
  }
  CHECK(tight > trials);  // the bound was exercised near the optimum, not only far away
}
