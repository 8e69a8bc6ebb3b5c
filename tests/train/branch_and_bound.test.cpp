// Branch-and-bound against the brute-force reference (Lemma 22 by enumeration).
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <krelu/train/branch_and_bound.hpp>
#include <krelu/train/exact.hpp>

#include <random>
#include <stdexcept>

#include "test_instances.hpp"

using krelu_test::options;

TEST_CASE("branch-and-bound equals enumeration on 300 random instances") {
  std::mt19937_64 rng(31337);
  int agreed = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int k = 1 + trial % 3;
    const int m = k == 1 ? 3 + trial % 8 : (k == 2 ? 2 + trial % 5 : 2 + trial % 3);
    const int n = 1 + (trial / 3) % 3;
    const bool bounded = (trial / 2) % 3 == 0;
    const int signs_kind = (trial / 5) % 3;  // free, all plus, fixed mixed
    krelu::Signs signs = krelu::Signs::free();
    if (signs_kind == 1) signs = krelu::Signs::all_plus();
    if (signs_kind == 2) {
      std::vector<int> a(static_cast<std::size_t>(k), 1);
      a.back() = -1;
      signs = krelu::Signs::fixed(a);
    }
    // a mix of structureless and planted (noisy) instances, some with duplicate rows
    krelu::SampleSet<double> s = trial % 2 == 0 ? krelu_test::random_instance(m, n, rng, trial % 4 == 0)
                                                : krelu_test::planted(m, n, Eigen::VectorXd::Ones(k), 0.1, rng);
    if (trial % 7 == 0) s.add_sample(Eigen::VectorXd(s.row(0).transpose()) * 2.0, s.label(0), 1.0);
    const std::optional<double> radius = bounded ? std::optional<double>(0.7) : std::nullopt;
    const auto ref = krelu::train_exact(s, options(k, signs, radius, krelu::Method::enumerate));
    const auto bnb = krelu::train_exact(s, options(k, signs, radius, krelu::Method::branch_and_bound));
    CAPTURE(trial, m, n, k, bounded, signs_kind, ref.loss, bnb.loss, bnb.lower_bound);
    REQUIRE(ref.status == krelu::Status::optimal);
    REQUIRE(bnb.status == krelu::Status::optimal);
    const double scale = krelu::detail::label_scale_loss<double>(s);
    CHECK(std::abs(bnb.loss - ref.loss) <= 1e-9 * ref.loss + 1e-11 * scale);
    CHECK(bnb.lower_bound <= bnb.loss);
    CHECK(bnb.loss - bnb.lower_bound <= std::max(1e-9 * bnb.loss, 1e-12 * scale) * (1 + 1e-9));
    CHECK(krelu::loss(bnb.network, s) == Approx(bnb.loss).epsilon(1e-12));
    if (bounded) CHECK(bnb.network.row_norms().maxCoeff() <= 0.7 * (1 + 1e-12));
    if (signs_kind == 1) CHECK(bnb.network.signs().minCoeff() == 1.0);
    if (signs_kind == 2) CHECK(bnb.network.signs()(k - 1) == -1.0);
    agreed += std::abs(bnb.loss - ref.loss) <= 1e-9 * ref.loss + 1e-11 * scale;
  }
  CHECK(agreed == 300);
}

TEST_CASE("branch-and-bound visits far fewer QPs than enumeration") {
  std::mt19937_64 rng(99);
  const auto s = krelu_test::planted(12, 3, Eigen::VectorXd::Ones(1), 0.1, rng);
  const auto ref = krelu::train_exact(s, options(1, krelu::Signs::free(), std::nullopt, krelu::Method::enumerate));
  const auto bnb = krelu::train_exact(s, options(1, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound));
  REQUIRE(bnb.status == krelu::Status::optimal);
  CHECK(bnb.loss == Approx(ref.loss).epsilon(1e-9));
  CHECK(bnb.qps * 20 < ref.qps);
}

TEST_CASE("budgets end the search with the best network and a valid bound") {
  std::mt19937_64 rng(5);
  const auto s = krelu_test::planted(40, 3, Eigen::Vector2d(1, -1), 0.3, rng);
  auto full = options(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
  full.threads = 2;
  const auto best = krelu::train_exact(s, full);
  REQUIRE(best.status == krelu::Status::optimal);

  auto o = full;
  o.node_limit = 5;
  const auto r = krelu::train_exact(s, o);
  CHECK(r.status == krelu::Status::node_limit);
  CHECK(r.nodes <= 5 + 2);
  CHECK(r.lower_bound <= best.loss * (1 + 1e-9));
  CHECK(r.loss >= best.loss * (1 - 1e-9));
  CHECK(krelu::loss(r.network, s) == Approx(r.loss).epsilon(1e-12));

  o = full;
  o.time_limit_seconds = 1e-4;
  const auto t = krelu::train_exact(s, o);
  CHECK(t.status == krelu::Status::time_limit);
  CHECK(t.lower_bound <= best.loss * (1 + 1e-9));

  o = full;
  int calls = 0;
  o.cancel = [&] { return ++calls > 10; };
  const auto c = krelu::train_exact(s, o);
  CHECK(c.status == krelu::Status::cancelled);
  CHECK(c.lower_bound <= best.loss * (1 + 1e-9));
  CHECK(c.loss >= best.loss * (1 - 1e-9));
}

TEST_CASE("the optimal value does not depend on the thread count, and one thread is deterministic") {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 4; ++trial) {
    const auto s = krelu_test::planted(24, 3, Eigen::Vector2d(1, 1), 0.2, rng);
    auto o = options(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
    const auto one = krelu::train_exact(s, o);
    const auto again = krelu::train_exact(s, o);
    o.threads = 2;
    const auto two = krelu::train_exact(s, o);
    REQUIRE(one.status == krelu::Status::optimal);
    REQUIRE(two.status == krelu::Status::optimal);
    CHECK(one.loss == again.loss);
    CHECK(one.nodes == again.nodes);
    CHECK(one.network.weights() == again.network.weights());
    CHECK(std::abs(one.loss - two.loss) <= 1e-9 * one.loss + 1e-14);
  }
}

TEST_CASE("progress reports nodes, bounds and gap") {
  std::mt19937_64 rng(23);
  const auto s = krelu_test::planted(30, 3, Eigen::Vector2d(1, -1), 0.2, rng);
  auto o = options(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
  o.progress_interval_seconds = 0;
  std::vector<krelu::Progress> seen;
  o.progress = [&](const krelu::Progress& p) { seen.push_back(p); };
  const auto r = krelu::train_exact(s, o);
  REQUIRE(!seen.empty());
  for (const auto& p : seen) {
    CHECK(p.lower_bound <= p.incumbent + 1e-15);
    CHECK(p.lower_bound <= r.loss * (1 + 1e-9) + 1e-15);
    CHECK(p.incumbent >= r.loss * (1 - 1e-9));
  }
  CHECK(seen.back().nodes <= r.nodes);
}

TEST_CASE("an exception in a callback reaches the caller, on any number of threads") {
  // (a worker thread that let it escape would end the process with std::terminate)
  std::mt19937_64 rng(29);
  const auto s = krelu_test::planted(40, 3, Eigen::Vector2d(1, -1), 0.2, rng);
  for (int threads : {1, 2, 3}) {
    CAPTURE(threads);
    auto o = options(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
    o.threads = threads;
    o.progress_interval_seconds = 0;
    o.progress = [](const krelu::Progress& p) {
      if (p.nodes >= 5) throw std::runtime_error("stop from progress");
    };
    CHECK_THROWS_WITH(krelu::train_exact(s, o), "stop from progress");
    o.progress = nullptr;
    int calls = 0;
    o.cancel = [&calls] {
      if (++calls == 4) throw std::domain_error("stop from cancel");
      return false;
    };
    CHECK_THROWS_AS(krelu::train_exact(s, o), std::domain_error);
    o.cancel = nullptr;
    CHECK(krelu::train_exact(s, o).status == krelu::Status::optimal);  // the options still work
  }
}

TEST_CASE("a memory limit on open nodes switches to depth-first and keeps the optimum") {
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 24; ++trial) {
    const int k = 1 + trial % 2;
    const int m = k == 1 ? 10 + trial % 6 : 8 + trial % 4;
    const auto s = trial % 3 == 0 ? krelu_test::random_instance(m, 2, rng, false)
                                  : krelu_test::planted(m, 2, Eigen::VectorXd::Ones(k), 0.2, rng);
    auto o = options(k, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
    o.incumbent_restarts = 0;  // a weak first incumbent makes the open list grow
    const auto roomy = krelu::train_exact(s, o);
    o.memory_limit_bytes = 1;  // every child beyond the roots goes depth-first
    const auto tight = krelu::train_exact(s, o);
    CAPTURE(trial, m, k, roomy.loss, tight.loss, roomy.peak_open_nodes, tight.peak_open_nodes);
    REQUIRE(roomy.status == krelu::Status::optimal);
    REQUIRE(tight.status == krelu::Status::optimal);
    CHECK(std::abs(tight.loss - roomy.loss) <= 1e-9 * roomy.loss + 1e-14);
    // depth-first holds at most (roots) + (depth <= m groups) x (children per branching <= 2^k)
    CHECK(tight.peak_open_nodes <= static_cast<std::uint64_t>((k + 1) + m * (1 << k)));
    CHECK(roomy.peak_open_bytes > 0);
  }
  krelu::TrainOptions<double> bad;
  bad.memory_limit_bytes = 0;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("memory_limit_bytes"));
}

TEST_CASE("a std::stop_token ends the search like cancel, keeping the best network and bound") {
  std::mt19937_64 rng(6);
  const auto s = krelu_test::planted(40, 3, Eigen::Vector2d(1, -1), 0.3, rng);
  auto o = options(2, krelu::Signs::free(), std::nullopt, krelu::Method::branch_and_bound);
  const auto best = krelu::train_exact(s, o);
  REQUIRE(best.status == krelu::Status::optimal);
  std::stop_source source;
  o.stop_token = source.get_token();
  o.progress_interval_seconds = 0;
  o.progress = [&](const krelu::Progress& p) {
    if (p.nodes >= 3) source.request_stop();
  };
  const auto r = krelu::train_exact(s, o);
  CHECK(r.status == krelu::Status::cancelled);
  CHECK(r.lower_bound <= best.loss * (1 + 1e-9));
  CHECK(r.loss >= best.loss * (1 - 1e-9));
  CHECK(krelu::loss(r.network, s) == Approx(r.loss).epsilon(1e-12));

  std::stop_source before;
  before.request_stop();
  o.progress = nullptr;
  o.stop_token = before.get_token();
  o.method = krelu::Method::enumerate;
  const auto small = krelu_test::planted(6, 2, Eigen::Vector2d(1, 1), 0.1, rng);
  CHECK(krelu::train_exact(small, o).status == krelu::Status::cancelled);
}

TEST_CASE("every search technique can be switched off without changing the optimum") {
  std::mt19937_64 rng(77);
  const auto defaults = krelu::SearchTechniques{};
  std::vector<std::pair<const char*, krelu::SearchTechniques>> variants;
  auto t = defaults; t.symmetry_breaking = false; variants.emplace_back("no symmetry breaking", t);
  t = defaults; t.convex_epigraph = false; variants.emplace_back("no convex epigraph", t);
  t = defaults; t.triangle_relaxation = true; variants.emplace_back("with triangle relaxation", t);
  t = defaults; t.polish = false; variants.emplace_back("no polish", t);
  t = defaults; t.worst_sample_branching = false; variants.emplace_back("first-group branching", t);
  t = defaults; t.side_branching = false; variants.emplace_back("no side branching", t);
  t = defaults; t.defer_dead_units = false; variants.emplace_back("no dead-unit deferral", t);
  t = defaults; t.weight_space_relaxation = false; variants.emplace_back("relaxations as lifted QPs", t);
  t = defaults; t.overshoot_bound = false; variants.emplace_back("no overshoot bound", t);
  t.triangle_relaxation = true; variants.emplace_back("no overshoot bound, with triangle relaxation", t);
  t = krelu::SearchTechniques{false, false, false, false, false, false, false, false, false}; variants.emplace_back("all off", t);
  for (int trial = 0; trial < 36; ++trial) {
    const int k = 1 + trial % 2;
    const int m = k == 1 ? 6 + trial % 5 : 4 + trial % 3;
    const bool bounded = trial % 3 != 2;
    const auto s = krelu_test::planted(m, 2, trial % 4 == 0 ? Eigen::VectorXd(Eigen::VectorXd::Ones(k)) : Eigen::VectorXd(Eigen::VectorXd::LinSpaced(k, 1, -1)),
                                       0.2, rng);
    const std::optional<double> radius = bounded ? std::optional<double>(0.6) : std::nullopt;
    auto o = options(k, krelu::Signs::free(), radius, krelu::Method::branch_and_bound);
    o.incumbent_restarts = trial % 2;
    const auto ref = krelu::train_exact(s, options(k, krelu::Signs::free(), radius, krelu::Method::enumerate));
    REQUIRE(ref.status == krelu::Status::optimal);
    for (const auto& [name, techniques] : variants) {
      o.techniques = techniques;
      const auto r = krelu::train_exact(s, o);
      CAPTURE(trial, m, k, bounded, name, ref.loss, r.loss, r.lower_bound);
      REQUIRE(r.status == krelu::Status::optimal);
      CHECK(std::abs(r.loss - ref.loss) <= 1e-9 * ref.loss + 1e-14);
      CHECK(r.lower_bound <= ref.loss * (1 + 1e-9) + 1e-14);
    }
  }
}

TEST_CASE("leaving units that die in the relaxation unfixed keeps the optimum and saves nodes") {
  // Data from one ReLU, trained with two: relaxations often put w_j = 0 on one unit, which lies in both
  // of that unit's cells for every sample, so fixing its activities only copies nodes. Measured without
  // the overshoot bound: with it (the default) these searches take 855 nodes in all either way, its
  // bound pruning the subtrees where units die before they are expanded.
  std::mt19937_64 rng(2024);
  std::uint64_t with = 0, without = 0;
  for (int trial = 0; trial < 3; ++trial) {
    const auto s = krelu_test::planted(24, 3, Eigen::VectorXd::Ones(1), 0.1, rng);
    auto o = options(2, krelu::Signs::all_plus(), std::nullopt, krelu::Method::branch_and_bound);
    o.threads = 1;
    o.techniques.overshoot_bound = false;
    const auto on = krelu::train_exact(s, o);
    o.techniques.defer_dead_units = false;
    const auto off = krelu::train_exact(s, o);
    CAPTURE(trial, on.nodes, off.nodes, on.loss, off.loss);
    REQUIRE(on.status == krelu::Status::optimal);
    REQUIRE(off.status == krelu::Status::optimal);
    CHECK(std::abs(on.loss - off.loss) <= 1e-9 * off.loss);
    with += on.nodes;
    without += off.nodes;
  }
  CAPTURE(with, without);
  CHECK(with * 5 < without * 4);  // at least 20% fewer in total (measured: 4,228 vs 18,302)
}

TEST_CASE("the triangle relaxation strengthens the bounded problem's bound") {
  // Same instances with and without it: never more nodes in total, and fewer on some.
  std::mt19937_64 rng(4242);
  std::uint64_t with = 0, without = 0;
  for (int trial = 0; trial < 8; ++trial) {
    const auto s = krelu_test::planted(14, 2, Eigen::Vector2d(1, -1), 0.2, rng);
    auto o = options(2, krelu::Signs::free(), 0.5, krelu::Method::branch_and_bound);
    o.incumbent_restarts = 4;
    o.techniques.triangle_relaxation = true;
    const auto on = krelu::train_exact(s, o);
    o.techniques.triangle_relaxation = false;
    const auto off = krelu::train_exact(s, o);
    REQUIRE(on.status == krelu::Status::optimal);
    REQUIRE(off.status == krelu::Status::optimal);
    CHECK(std::abs(on.loss - off.loss) <= 1e-9 * off.loss + 1e-14);
    with += on.nodes;
    without += off.nodes;
  }
  CAPTURE(with, without);
  CHECK(with < without);
}

namespace {

// Both methods on one instance: each must certify, agree with the other, and keep its bound below the
// other's network (a proven lower bound is below every network's loss; only rounding of the loss itself,
// relative, is allowed here, no absolute slack).
void both_methods_certify(const krelu::SampleSet<double>& s, int k, krelu::Signs signs, std::optional<double> radius) {
  const auto ref = krelu::train_exact(s, options(k, signs, radius, krelu::Method::enumerate));
  const auto bnb = krelu::train_exact(s, options(k, signs, radius, krelu::Method::branch_and_bound));
  CAPTURE(krelu::to_string(ref.status), ref.loss, ref.lower_bound, ref.message, krelu::to_string(bnb.status), bnb.loss,
          bnb.lower_bound, bnb.message);
  CHECK(ref.status == krelu::Status::optimal);
  CHECK(bnb.status == krelu::Status::optimal);
  const double scale = krelu::detail::label_scale_loss<double>(s);
  CHECK(std::abs(bnb.loss - ref.loss) <= 1e-9 * ref.loss + 1e-11 * scale);
  CHECK(bnb.lower_bound <= ref.loss * (1 + 1e-12));
  CHECK(ref.lower_bound <= bnb.loss * (1 + 1e-12));
}

}  // namespace

// Instances on which a certificate was withheld (numerical_issue), found by the soak below.

// A triangle relaxation's ball solve: with a ball's multiplier at zero, its block has no curvature and an
// inner solve walked along it to ||x|| ~ 1e12 and back; rounding left C x >= d violated by 1e-6 and no
// KKT point was accepted. Inner solves now restart from a feasible point when that happens.
TEST_CASE("bounded k = 3: a relaxation left infeasible by rounding no longer costs the certificate") {
  Eigen::MatrixXd X(4, 4);
  X << -0x1.2cec81894ec77p+1, 0x1.4225dc20b5d78p-2, -0x1.2907f0b1f4e93p-3, 0x1.8d2d4dfef6475p-1,  //
      0x1.1591a09c4ea76p-1, 0x1.4aa7db701b3d7p-1, -0x1.f817e0d232c7dp-2, -0x1.b37b407087a06p-1,   //
      0x1.34cb91e68ca57p-1, -0x1.70e7b24f9ced9p+0, -0x1.db925a54efd6bp-3, -0x1.68135e84ea2a8p-5,  //
      0x1.c362c24df62b2p+1, -0x1.e338ca3110c34p-2, 0x1.bd8be90aef5dcp-3, -0x1.29e1fa7f38b58p+0;
  Eigen::VectorXd y(4), c(4);
  y << 0x1.99804593a6595p-5, -0x1.063d4f8e83528p-1, -0x1.7da4ecab05165p-1, 0x1.99804593a6595p-5;
  c << 0x1.e3d8ea8fec57p+0, 0x1.19da79940d9fap+1, 0x1.65ad8607dd561p+0, 0x1p+1;
  const krelu::SampleSet<double> s(X, y, c);
  both_methods_certify(s, 3, krelu::Signs::free(), 0.7);
}

// Enumeration's pattern QPs with a weakly active ball (mu_b -> 0 at the solution): the iteration cycled
// between a probe of mu_b and the minimiser outside that ball at mu_b = 0, because the second stage
// (a minimiser inside the balls) was tried only twice, both times far from the solution.
TEST_CASE("bounded k = 3 with a zero sample: pattern QPs with a weakly active ball converge") {
  Eigen::MatrixXd X(5, 4);
  X << 0x1.c484b0b9b4b45p-4, -0x1.b77ef057cc253p-2, 0x1.cbf9834cbe441p-3, 0x1.21955b82c8631p+0,   //
      0x1.b746a63f92a1fp+0, -0x1.d7be4d8515b84p-1, -0x1.cf91b260a14c4p-1, -0x1.4548e54fd1819p+0,  //
      -0x1.ab2fb4d61aad3p-2, 0x1.8cb20acc8d996p+0, 0x1.512e78662795ap-2, -0x1.3ae8120dd3808p-3,   //
      0x1.b44b5ca42f449p+0, 0x1.007a286db2984p-4, -0x1.cad6073785d7fp-3, -0x1.2a442fba7f672p+0,   //
      0.0, 0.0, 0.0, 0.0;
  Eigen::VectorXd y(5);
  y << 0x1.6013b775882e6p-2, -0x1.94e22245ff7dp+0, 0x1.3b5a2682ccaap+0, -0x1.9fb2ac35c2797p-1, 0x1.3333333333333p-2;
  const krelu::SampleSet<double> s(X, y);
  both_methods_certify(s, 3, krelu::Signs::free(), 0.7);
}

// Enumeration's pattern QPs where two weakly active balls take turns: whenever mu_b = 0, mu_c is tiny and
// every minimiser leaves ball b, and the other way round, so the second stage never saw both at zero and
// both passes of the ball iteration failed. The last resort sets multipliers of probe size to zero and looks
// for a minimiser inside those balls.
TEST_CASE("bounded k = 3 with weights and a zero sample: pattern QPs whose weak balls take turns converge") {
  Eigen::MatrixXd X(5, 3);
  X << -0x1.ac8ddd925337ap-2, 0x1.4eaf913cf9c42p+0, 0x1.f27411d206dcdp-5,  //
      -0x1.19a979997aabep-2, 0x1.2c89edfb84e93p+0, 0x1.8c910508d6302p-1,   //
      0x1.6f970227e093fp-2, -0x1.35ebc4ba8c8a2p+0, -0x1.e3f528f5e0e9ap-3,  //
      0x1.4fcdafb2a4cb4p-1, -0x1.e02690ed3dba2p-4, 0x1.31edc37cc8ea1p-2,   //
      0.0, 0.0, 0.0;
  Eigen::VectorXd y(5), c(5);
  y << 0x1.f380bb1baf86cp-2, -0x1.1c22842ad8c7ap-3, -0x1.a2cd21e60ddc2p-1, -0x1.43069873275f5p-2, 0x1.3333333333333p-2;
  c << 0x1.09baaa7db973ap-1, 0x1.51be09b87d275p+1, 0x1.5a5e1702cd9adp+1, 0x1.1a73f47a83259p+0, 1.0;
  const krelu::SampleSet<double> s(X, y, c);
  both_methods_certify(s, 3, krelu::Signs::free(), 0.7);
}

// Enumeration's pattern QPs that no attempt of the ball solver settles (three weakly coupled balls with
// multipliers of 2e-4..3e-3 on a nearly flat objective): they are now bounded by Lagrangian duality on the
// balls, which reaches the best error found, so enumeration certifies.
TEST_CASE("bounded k = 3, signs (-1, +1, -1): patterns the ball solver does not settle are bounded by duality") {
  Eigen::MatrixXd X(4, 4);
  X << -0x1.a1f594f4343dcp+0, 0x1.494524c5155c7p-1, 0x1.55f071eed023cp+0, -0x1.9c7f03fb119dcp-2,  //
      0x1.00cfa86a4bf1fp-3, -0x1.1dd3b7424d6dep+0, 0x1.0e19bb20a0198p+0, 0x1.6b1c474e5e22ap-2,     //
      0x1.1504fa79a2d8bp+0, 0x1.599ed1d0eb563p-2, -0x1.3f1a8c06f4e0fp+0, -0x1.771b5280a28fap-1,    //
      0x1.39782fb7272e5p+1, -0x1.ede7b727a00aap-1, -0x1.007455731c1adp+1, 0x1.355f42fc4d365p-1;
  Eigen::VectorXd y(4), c(4);
  y << 0x1.0a74717994b51p+0, -0x1.4aea477613d92p-1, -0x1.1eb3f18cfa35bp+0, 0x1.0a74717994b51p+0;
  c << 1.0, 1.0, 1.0, 2.0;
  const krelu::SampleSet<double> s(X, y, c);
  both_methods_certify(s, 3, krelu::Signs::fixed({-1, 1, -1}), 0.7);
}

// Realizable data (optimum ~1e-29, S = 0.8): relaxations solved to the QP tolerance tau = 1000 eps resolve
// losses only to about tau^2 S. The search's bound was 5.8e-26, above a network of loss 3.9e-29, and the
// gap stayed above the old floor 4096 eps^2 S, so the certificate was withheld. The slack and the floor
// are now multiples of tau^2 S.
TEST_CASE("realizable k = 3, signs (-1, +1, -1): the bound stays below the optimum and the loss is certified") {
  Eigen::MatrixXd X(3, 3);
  X << -0x1.1b2aba0088a02p-3, 0x1.16d2d590e2cc8p-1, -0x1.a78b64aeda8cap-1,  //
      0x1.05f911ce7e63fp-1, 0x1.1bee04940bd6cp-1, -0x1.5000caa4e458ap-1,    //
      0x1.c554201f9155bp-1, 0x1.800bd93310fb1p-2, -0x1.192bc5422e5c7p-2;
  const Eigen::Vector3d y(0x1.38bf60c3b3d62p-1, 0x1.2c6f6df9c124dp-1, 0x1.4d2375e5d0b5bp+0);
  const krelu::SampleSet<double> s(X, Eigen::VectorXd(y));
  both_methods_certify(s, 3, krelu::Signs::fixed({-1, 1, -1}), std::nullopt);
}

// A longer randomised comparison, hidden from the default suite (under 2 minutes here): run it with
// `test_train_branch_and_bound "[.soak]"`. Shapes the 300-instance test does not cover: two negative units,
// antiparallel, zero and contradicting duplicate rows, labels scaled by 1e-6 or 1e5, two threads.
TEST_CASE("soak: branch-and-bound against enumeration on 2000 further random instances", "[.soak]") {
  std::mt19937_64 rng(20261128);
  std::uniform_int_distribution<int> pick(0, 1 << 20);
  int compared = 0, withheld = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const int k = 1 + pick(rng) % 3;
    const int m = k == 1 ? 3 + pick(rng) % 10 : (k == 2 ? 2 + pick(rng) % 5 : 2 + pick(rng) % 3);
    const int n = 1 + pick(rng) % 4;
    const bool bounded = pick(rng) % 3 == 0;
    const int signs_kind = pick(rng) % 3;  // free, all plus, fixed with one or two negative units
    krelu::Signs signs = krelu::Signs::free();
    if (signs_kind == 1) signs = krelu::Signs::all_plus();
    if (signs_kind == 2) {
      std::vector<int> a(static_cast<std::size_t>(k), 1);
      a.back() = -1;
      if (pick(rng) % 2) a.front() = -1;
      signs = krelu::Signs::fixed(a);
    }
    krelu::SampleSet<double> base = pick(rng) % 2 == 0
                                        ? krelu_test::random_instance(m, n, rng, pick(rng) % 2)
                                        : krelu_test::planted(m, n, Eigen::VectorXd::Ones(k), 0.1 * (pick(rng) % 3), rng);
    const int extra = pick(rng) % 6;
    if (extra == 0) base.add_sample(Eigen::VectorXd(base.row(0).transpose()) * -1.5, base.label(0), 2.0);
    if (extra == 1) base.add_sample(Eigen::VectorXd::Zero(n), 0.3, 1.0);
    if (extra == 2) base.add_sample(Eigen::VectorXd(base.row(0).transpose()), -base.label(0), 1.0);
    const int scaling = pick(rng) % 10;
    const double label_scale = scaling == 0 ? 1e-6 : (scaling == 1 ? 1e5 : 1.0);
    krelu::SampleSet<double> s(n);
    for (Eigen::Index i = 0; i < base.size(); ++i)
      s.add_sample(Eigen::VectorXd(base.row(i).transpose()), base.label(i) * label_scale, base.weight(i));
    const std::optional<double> radius =
        bounded ? std::optional<double>(label_scale > 1 ? 700.0 : 0.7) : std::nullopt;
    auto o = options(k, signs, radius, krelu::Method::branch_and_bound);
    o.threads = 1 + pick(rng) % 2;
    const auto ref = krelu::train_exact(s, options(k, signs, radius, krelu::Method::enumerate));
    const auto bnb = krelu::train_exact(s, o);
    CAPTURE(trial, m, n, k, bounded, signs_kind, extra, label_scale, ref.loss, bnb.loss, bnb.lower_bound,
            krelu::to_string(ref.status), krelu::to_string(bnb.status));
    const double scale = krelu::detail::label_scale_loss<double>(s);
    // whatever the status: the loss is the network's, and the bound is below the optimum
    CHECK(krelu::loss(bnb.network, s) == Approx(bnb.loss).epsilon(1e-12));
    CHECK(bnb.lower_bound <= bnb.loss);
    if (ref.status == krelu::Status::optimal) CHECK(bnb.lower_bound <= ref.loss * (1 + 1e-9) + 1e-12 * scale);
    // and a certificate is never wrong
    if (bnb.status == krelu::Status::optimal && ref.status == krelu::Status::optimal) {
      CHECK(std::abs(bnb.loss - ref.loss) <= 1e-9 * ref.loss + 1e-11 * scale);
      ++compared;
    }
    withheld += bnb.status != krelu::Status::optimal;
  }
  CAPTURE(compared, withheld);
  // Rounding may still cost the certificate (numerical_issue, never a wrong claim): none of 12,000 in a
  // longer run of this generator (other seeds), as against 24 for enumeration.
  CHECK(withheld <= 2);
  CHECK(compared >= 1980);
}
