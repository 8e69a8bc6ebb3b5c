#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/hypergraph_coloring.hpp>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/eigen.hpp>
using mp50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
#define KRELU_SCALARS double, long double, mp50
#else
#define KRELU_SCALARS double, long double
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

/// Planted instances over a range of k, t and sizes, with repeated edges sometimes.
struct Instance {
  kp::Hypergraph h;
  std::vector<int> coloring;
  int k;
};

Instance planted(std::uint64_t seed) {
  const int k = 2 + static_cast<int>(seed % 3);
  const int n = 6 + static_cast<int>(seed % 8);
  const int lo = 2, hi = 3 + static_cast<int>(seed % 2);
  auto p = kp::planted_colorable_hypergraph(n, n + static_cast<int>(seed % 5), lo, hi, k, seed);
  if (seed % 4 == 0) {  // a multi-hypergraph: repeat the first edge twice more
    auto edges = p.hypergraph.edges();
    edges.push_back(edges.front());
    auto reversed = edges.front();
    std::reverse(reversed.begin(), reversed.end());
    edges.push_back(reversed);
    return {kp::Hypergraph(n, edges), p.coloring, k};
  }
  return {p.hypergraph, p.coloring, k};
}

/// All 3-subsets of 5 vertices: not 2-colourable.
kp::Hypergraph complete_3_uniform_5() {
  std::vector<std::vector<int>> edges;
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b)
      for (int c = b + 1; c < 5; ++c) edges.push_back({a, b, c});
  return kp::Hypergraph(5, edges);
}

/// A network near witness(red, col): some vertices split their label between two units, the
/// negative weights are replaced by random values in [-1/sqrt n, 0], and Gaussian noise of size
/// `noise` is added. Many of these stay below the soundness threshold, and they decode in
/// non-trivial ways.
krelu::Network<double> perturbed(const kr::Reduction<double, kp::Hypergraph>& red, const std::vector<int>& col,
                                 double noise, double split_probability, std::mt19937_64& rng) {
  auto W = kr::witness(red, col).weights();
  const int k = red.units;
  const double n = red.constant("n"), y = red.constant("vertex_label");
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::normal_distribution<double> gauss;
  for (int i = 0; i < W.cols(); ++i) {
    for (int a = 0; a < k; ++a)
      if (W(a, i) < 0 && unif(rng) < 0.5) W(a, i) = -unif(rng) / std::sqrt(n);
    if (unif(rng) < split_probability) {
      const int a = col[static_cast<std::size_t>(i)];
      const int b = (a + 1 + static_cast<int>(unif(rng) * (k - 1))) % k;
      const double alpha = unif(rng);
      W(a, i) = alpha * y;
      W(b, i) = (1 - alpha) * y;
    }
  }
  for (int a = 0; a < k; ++a)
    for (int i = 0; i < W.cols(); ++i) W(a, i) += noise * gauss(rng);
  return krelu::Network<double>(W, Eigen::VectorXd::Ones(k));
}

}  // namespace

TEST_CASE("Lemma 17 instance: samples, weights, labels and constants (ERRATA: m = sum deg + |E|)") {
  for (std::uint64_t seed = 0; seed < 80; ++seed) {
    const auto inst = planted(seed);
    const auto& h = inst.h;
    const int k = inst.k;
    const auto red = kr::reduce(h, k);
    const int n = h.vertices(), t = h.max_edge_size(), M = h.edge_count();
    REQUIRE(red.samples.dim() == n);
    CHECK(red.units == k);
    CHECK(red.signs == std::vector<int>(static_cast<std::size_t>(k), 1));
    REQUIRE(red.radius.has_value());
    CHECK(*red.radius == 1.0);
    CHECK(red.coordinate_names.size() == static_cast<std::size_t>(n));
    CHECK(red.samples.max_row_norm() <= 1.0);
    CHECK(red.samples.labels().minCoeff() >= 0.0);
    CHECK(red.samples.labels().maxCoeff() <= 1.0);

    long long sum_deg = 0;
    int isolated = 0;
    for (int v = 0; v < n; ++v) {
      sum_deg += h.degree(v);
      isolated += h.degree(v) == 0;
    }
    std::map<std::vector<int>, int> multiplicity;
    for (auto e : h.edges()) {
      std::sort(e.begin(), e.end());
      ++multiplicity[e];
    }
    CHECK(red.samples.size() == (n - isolated) + static_cast<int>(multiplicity.size()));
    CHECK(red.samples.total_weight() == Approx(double(sum_deg + M)).epsilon(1e-15));
    CHECK(red.constant("m") == double(sum_deg + M));
    const double y = 1.0 / (t * std::sqrt(double(t) * n));
    CHECK(red.constant("vertex_label") == Approx(y).epsilon(1e-15));
    CHECK(red.constant("decode_threshold") == Approx(y / (2 * k)).epsilon(1e-15));
    CHECK(red.constant("epsilon_per_gamma") == Approx(1.0 / (100.0 * k * k * std::pow(t, 5) * n)).epsilon(1e-14));
    CHECK(red.constant("epsilon") == Approx(1.0 / (100.0 * k * k * std::pow(t, 5) * n * M)).epsilon(1e-14));

    // Every sample is either a vertex sample e_i or an edge sample, with the right weight.
    std::set<int> vertices_seen;
    std::map<std::vector<int>, int> edges_seen;
    for (Eigen::Index s = 0; s < red.samples.size(); ++s) {
      std::vector<int> support;
      std::vector<double> values;
      for (krelu::SampleSet<double, krelu::Sparse>::SparseMatrix::InnerIterator it(red.samples.inputs(), s); it; ++it) {
        support.push_back(static_cast<int>(it.col()));
        values.push_back(it.value());
      }
      if (red.samples.label(s) > 0) {
        REQUIRE(support.size() == 1);
        CHECK(values[0] == 1.0);
        CHECK(red.samples.label(s) == red.constant("vertex_label"));
        CHECK(red.samples.weight(s) == double(h.degree(support[0])));
        CHECK(vertices_seen.insert(support[0]).second);
      } else {
        for (double v : values) CHECK(v == Approx(1.0 / std::sqrt(double(t))).epsilon(1e-15));
        std::sort(support.begin(), support.end());
        REQUIRE(multiplicity.count(support) == 1);
        CHECK(red.samples.weight(s) == double(multiplicity[support]));
        edges_seen[support] += 1;
      }
    }
    CHECK(static_cast<int>(vertices_seen.size()) == n - isolated);
    CHECK(edges_seen.size() == multiplicity.size());
  }
}

TEMPLATE_TEST_CASE("Lemma 17 completeness: the witness of a proper colouring has loss exactly 0", "", KRELU_SCALARS) {
  using Scalar = TestType;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const auto inst = planted(seed);
    const auto red = kr::reduce<Scalar>(inst.h, inst.k);
    const auto net = kr::witness(red, inst.coloring);
    CHECK(krelu::loss(net, red.samples) == Scalar(0));
    CHECK(krelu::total_loss(net, red.samples) == Scalar(0));
    CHECK(kr::predicted_loss(red, inst.coloring) == Scalar(0));
    for (Eigen::Index j = 0; j < net.units(); ++j) CHECK(net.row_norms()(j) <= Scalar(1));
    CHECK(red.samples.max_row_norm() <= Scalar(1));
    const auto back = kr::decode(red, net);
    CHECK(back.coloring == inst.coloring);
    CHECK(back.proper);
    CHECK(back.below_threshold.empty());
    CHECK(back.loss_lower_bound == Scalar(0));
  }
}

TEST_CASE("Lemma 17 witness of any colouring: loss equals the predicted formula") {
  std::mt19937_64 rng(99);
  int improper = 0;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const auto inst = planted(seed);
    const auto red = kr::reduce(inst.h, inst.k);
    std::uniform_int_distribution<int> colour(0, inst.k - 1);
    for (int rep = 0; rep < 10; ++rep) {
      std::vector<int> col(static_cast<std::size_t>(inst.h.vertices()));
      for (auto& c : col) c = colour(rng);
      const auto net = kr::witness(red, col);
      const double l = krelu::loss(net, red.samples);
      const double p = kr::predicted_loss(red, col);
      // independent: (1/m) sum over monochromatic edges of (q / (t^2 sqrt n))^2
      const double t = inst.h.max_edge_size(), n = inst.h.vertices();
      double expected = 0;
      for (const auto& e : inst.h.edges()) {
        std::set<int> cs;
        for (int v : e) cs.insert(col[static_cast<std::size_t>(v)]);
        if (cs.size() == 1) expected += std::pow(e.size() / (t * t * std::sqrt(n)), 2);
      }
      expected /= red.constant("m");
      CHECK(p == Approx(expected).epsilon(1e-12));
      CHECK(l == Approx(p).epsilon(1e-12));
      CHECK((l == 0) == inst.h.is_proper(col, inst.k));
      improper += !inst.h.is_proper(col, inst.k);
      const auto back = kr::decode(red, net);
      CHECK(back.coloring == col);  // the witness decodes to its own colouring
      CHECK(back.monochromatic == inst.h.monochromatic_edges(col));
    }
  }
  CHECK(improper > 100);
}

TEST_CASE("Lemma 17 soundness decoder: networks below epsilon decode to proper colourings") {
  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  int below = 0, below_changed = 0, total = 0;
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const auto inst = planted(seed);
    const auto red = kr::reduce(inst.h, inst.k);
    const double eps = red.constant("epsilon"), per_gamma = red.constant("epsilon_per_gamma");
    const double M = inst.h.edge_count();
    for (int rep = 0; rep < 40; ++rep) {
      const double noise = std::sqrt(eps) * std::pow(10.0, -2.0 + 3.0 * unif(rng));
      const double split = rep % 2 == 0 ? 0.0 : 0.3 * unif(rng);
      const auto net = perturbed(red, inst.coloring, noise, split, rng);
      const double l = krelu::loss(net, red.samples);
      const auto back = kr::decode(red, net);
      ++total;
      // The proof's inequalities hold for every all-plus network.
      CHECK(l >= back.loss_lower_bound * (1 - 1e-12));
      if (back.monochromatic > 0) CHECK(l > back.monochromatic / M * per_gamma);
      if (l <= eps) {
        ++below;
        CHECK(back.proper);
        CHECK(inst.h.is_proper(back.coloring, inst.k));
        below_changed += back.coloring != inst.coloring;
      }
    }
  }
  INFO("networks " << total << ", below epsilon " << below << ", decoded to another colouring " << below_changed);
  CHECK(below > 100);
  CHECK(below_changed > 0);
}

TEST_CASE("Lemma 17 soundness on a non-colourable hypergraph (K5^(3), k = 2)") {
  const auto h = complete_3_uniform_5();
  const auto red = kr::reduce(h, 2);
  const double eps = red.constant("epsilon"), per_gamma = red.constant("epsilon_per_gamma");
  const double gamma = kp::min_monochromatic_fraction(h, 2);  // a 3 + 2 split: 1 of the 10 triples
  CHECK(gamma == Approx(0.1));
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> colour(0, 1);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  for (int rep = 0; rep < 2000; ++rep) {
    std::vector<int> col(5);
    for (auto& c : col) c = colour(rng);
    const auto net = perturbed(red, col, 0.05 * unif(rng), 0.5 * unif(rng), rng);
    const double l = krelu::loss(net, red.samples);
    const auto back = kr::decode(red, net);
    CHECK_FALSE(back.proper);
    CHECK(l >= back.loss_lower_bound * (1 - 1e-12));
    CHECK(l > gamma * per_gamma);  // Lemma 17 soundness with the exact gap
    CHECK(l > eps);
  }
}

TEST_CASE("corrected padding (App. D.1) feeds Lemma 17: padded planted instances are realizable") {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const int k = 3 + static_cast<int>(seed % 3);
    const auto p = kp::planted_colorable_hypergraph(6 + static_cast<int>(seed % 4), 8, 3, 3, 2, seed);
    const auto padded = kp::pad_coloring(p.hypergraph, k);
    std::vector<int> col = p.coloring;
    for (int a = 0; a < k - 2; ++a) col.push_back(2 + a);
    REQUIRE(padded.is_proper(col, k));
    const auto red = kr::reduce(padded, k);
    const auto net = kr::witness(red, col);
    CHECK(krelu::loss(net, red.samples) == 0.0);
    CHECK(red.samples.max_row_norm() <= 1.0);
    // Repeated dummy-pair edges are merged into one weighted sample each.
    const int d = k - 2, n = p.hypergraph.vertices();
    CHECK(red.samples.size() == (n + d) + 8 + d * n + d * (d - 1) / 2);
    const auto back = kr::decode(red, net);
    CHECK(back.coloring == col);
  }
}

TEST_CASE("Lemma 17 reduction rejects bad input") {
  const kp::Hypergraph h(3, {{0, 1}, {1, 2}});
  CHECK_THROWS_AS(kr::reduce(h, 1), std::invalid_argument);
  CHECK_THROWS_AS(kr::reduce(kp::Hypergraph(3, {}), 2), std::invalid_argument);
  const auto red = kr::reduce(h, 2);
  CHECK_THROWS_AS(kr::witness(red, {0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 2}), std::invalid_argument);
  CHECK_THROWS_AS(kr::predicted_loss(red, {0, -1, 0}), std::invalid_argument);
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>(Eigen::MatrixXd::Zero(3, 3), Eigen::VectorXd::Ones(3))),
                  std::invalid_argument);
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>(Eigen::MatrixXd::Zero(2, 4), Eigen::VectorXd::Ones(2))),
                  std::invalid_argument);
  CHECK_THROWS_AS(red.constant("no such constant"), std::out_of_range);
}
