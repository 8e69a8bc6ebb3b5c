// Lemma 17 end to end: hypergraph -> samples -> exact training -> decoded colouring, checked against
// the exact colouring solvers and the lemma's bounds.
#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/hypergraph_coloring.hpp>
#include <krelu/train/exact.hpp>

#include <random>
#include <vector>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

krelu::TrainOptions<double> sum_of_relus(int k, krelu::Method method) {
  krelu::TrainOptions<double> o;
  o.units = k;
  o.signs = krelu::Signs::all_plus();
  o.radius = 1.0;
  o.method = method;
  o.threads = 1;
  o.time_limit_seconds = 60;
  return o;
}

kp::Hypergraph random_small(std::mt19937_64& rng, int n, int m) {
  std::uniform_int_distribution<int> size_of(2, 4);  // size 3 for 4, size 2 otherwise: many odd cycles
  std::vector<std::vector<int>> edges;
  for (int e = 0; e < m; ++e) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v) all[static_cast<std::size_t>(v)] = v;
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(static_cast<std::size_t>(std::min(n, size_of(rng) == 4 ? 3 : 2)));
    edges.push_back(all);
  }
  return kp::Hypergraph(n, edges);
}

/// Checks one instance: the training optimum is 0 iff h is k-colourable, lies between the
/// soundness bound and the witness of the best colouring, and decodes as the proof says.
void check_instance(const kp::Hypergraph& h, int k, bool cross_check_enumerate, int& yes, int& no) {
  const auto red = kr::reduce(h, k);
  const auto best = kp::min_monochromatic_coloring(h, k);
  const auto r = krelu::train_exact(red.samples, sum_of_relus(k, krelu::Method::branch_and_bound));
  REQUIRE(r.status == krelu::Status::optimal);
  CHECK(r.network.row_norms().maxCoeff() <= 1.0 + 1e-9);
  CHECK(krelu::loss(r.network, red.samples) == Approx(r.loss).margin(1e-12));
  // Upper bound: the completeness network of an optimal colouring.
  CHECK(r.loss <= kr::predicted_loss(red, best.coloring) + 1e-12);
  const auto back = kr::decode(red, r.network);
  CHECK(r.loss >= back.loss_lower_bound - 1e-12);
  if (best.monochromatic == 0) {
    ++yes;
    CHECK(r.loss <= 1e-10);
    CHECK(back.proper);  // the soundness decoder recovers a proper colouring from the optimum
  } else {
    ++no;
    // Lemma 17 soundness with the exact gap gamma = best.fraction (and with gamma = 1/M).
    CHECK(r.lower_bound > best.fraction * red.constant("epsilon_per_gamma"));
    CHECK(r.lower_bound > red.constant("epsilon"));
    CHECK_FALSE(back.proper);
  }
  if (cross_check_enumerate) {
    const auto e = krelu::train_exact(red.samples, sum_of_relus(k, krelu::Method::enumerate));
    REQUIRE(e.status == krelu::Status::optimal);
    CHECK(e.loss == Approx(r.loss).margin(1e-10));
  }
}

}  // namespace

TEST_CASE("Lemma 17 end to end, k = 2: realizable iff 2-colourable, soundness bound holds") {
  std::mt19937_64 rng(42);
  int yes = 0, no = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 3 + trial % 3;
    const int m = 3 + trial % 4;
    const auto h = random_small(rng, n, m);
    CAPTURE(trial, h.edges());
    const auto red = kr::reduce(h, 2);
    check_instance(h, 2, red.samples.size() <= 6, yes, no);
  }
  // Graphs: odd cycles are not 2-colourable, paths and even cycles are.
  check_instance(kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2, true, yes, no);
  check_instance(kp::Hypergraph(4, {{0, 1}, {1, 2}, {2, 3}, {0, 3}}), 2, false, yes, no);
  INFO("colourable " << yes << ", not colourable " << no);
  CHECK(yes >= 5);
  CHECK(no >= 5);
}

TEST_CASE("Lemma 17 end to end, k = 3, and the corrected App. D.1 padding") {
  int yes = 0, no = 0;
  const kp::Hypergraph triangle(3, {{0, 1}, {1, 2}, {0, 2}});
  const kp::Hypergraph path(3, {{0, 1}, {1, 2}});
  // pad_coloring(triangle, 3) is K4 (not 3-colourable); pad_coloring(path, 3) is K4 minus an edge.
  const auto k4 = kp::pad_coloring(triangle, 3);
  const auto k4_minus = kp::pad_coloring(path, 3);
  REQUIRE(k4.edge_count() == 6);
  check_instance(k4, 3, false, yes, no);
  check_instance(k4_minus, 3, false, yes, no);
  check_instance(kp::Hypergraph(4, {{0, 1, 2}, {1, 2, 3}, {0, 3}}), 3, false, yes, no);
  CHECK(yes == 2);
  CHECK(no == 1);
  // The printed padding of the triangle (the dummy joins every edge) is 3-colourable: realizable.
  const auto printed = kp::pad_coloring_printed(triangle, 3);
  const auto r = krelu::train_exact(kr::reduce(printed, 3).samples, sum_of_relus(3, krelu::Method::branch_and_bound));
  REQUIRE(r.status == krelu::Status::optimal);
  CHECK(r.loss <= 1e-10);
}
