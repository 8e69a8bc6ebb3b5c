#include <catch2/catch.hpp>
#include <krelu/loss.hpp>
#include <krelu/reductions/set_cover.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#ifdef KRELU_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
using Float50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float_50::backend_type,
                                              boost::multiprecision::et_off>;
#define KRELU_SCALARS double, long double, Float50
#else
#define KRELU_SCALARS double, long double
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;
using Coord = kr::SetCoverCoordinates;

namespace {

/// A random coverable instance of varied shape.
kp::SetCover random_instance(std::mt19937_64& rng, int max_universe = 14, int max_subsets = 10) {
  const int U = std::uniform_int_distribution<int>(1, max_universe)(rng);
  const int M = std::uniform_int_distribution<int>(1, max_subsets)(rng);
  const double density = std::uniform_real_distribution<double>(0.05, 0.5)(rng);
  return kp::random_set_cover(U, M, density, rng);
}

/// A few covers of an instance: the minimum, the greedy one, everything, and random supersets of
/// the minimum with repeated indices.
std::vector<std::vector<int>> some_covers(const kp::SetCover& sc, std::mt19937_64& rng) {
  std::vector<std::vector<int>> covers{kp::solve_exact(sc), kp::greedy_cover(sc)};
  std::vector<int> all(static_cast<std::size_t>(sc.num_subsets()));
  for (int i = 0; i < sc.num_subsets(); ++i) all[static_cast<std::size_t>(i)] = i;
  covers.push_back(all);
  for (int r = 0; r < 2; ++r) {
    auto c = covers.front();
    for (int i = 0; i < sc.num_subsets(); ++i)
      if (std::bernoulli_distribution(0.3)(rng)) c.push_back(i);
    std::shuffle(c.begin(), c.end(), rng);
    covers.push_back(c);
  }
  return covers;
}

std::vector<int> distinct_sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool relative_close(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

}  // namespace

TEST_CASE("Set Cover reduction: samples are eqs. (2)-(5) with +1 entries (ERRATA)") {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    const auto sc = random_instance(rng);
    const int U = sc.universe_size(), M = sc.num_subsets();
    const auto red = kr::reduce(sc);
    const double gamma = 0.01 / (static_cast<double>(M) * M);
    CHECK(red.samples.dim() == M + 2);
    CHECK(red.samples.size() == U + M + 2);
    CHECK(red.samples.total_weight() == U + M + 2);
    CHECK(relative_close(red.constant("gamma"), gamma, 1e-15));
    CHECK(red.constant("M") == M);
    CHECK(red.constant("|U|") == U);
    CHECK(red.constant("|S|") == U + M + 2);
    CHECK(red.units == 1);
    CHECK(red.signs == std::vector<int>{1});
    CHECK_FALSE(red.radius.has_value());
    REQUIRE(red.coordinate_names.size() == static_cast<std::size_t>(M + 2));
    CHECK(red.coordinate_names[0] == "w_1");
    CHECK(red.coordinate_names[1] == "w_gamma");
    CHECK(red.coordinate_names[static_cast<std::size_t>(M + 1)] == "w_T" + std::to_string(M - 1));
    const Eigen::MatrixXd X(red.samples.inputs());
    const Eigen::VectorXd& y = red.samples.labels();
    CHECK((X.array() == 0.0 || X.array() == 1.0).all());  // samples in {0,1}^n
    for (int u = 0; u < U; ++u) {  // (2)
      CHECK(X(u, Coord::one) == 1);
      CHECK(X(u, Coord::gamma) == 0);
      for (int i = 0; i < M; ++i) {
        const bool in = std::binary_search(sc.subset(i).begin(), sc.subset(i).end(), u);
        CHECK(X(u, Coord::subset(i)) == (in ? 1.0 : 0.0));
      }
      CHECK(y(u) == 0);
    }
    for (int i = 0; i < M; ++i) {  // (3)
      Eigen::VectorXd expected = Eigen::VectorXd::Zero(M + 2);
      expected(Coord::gamma) = 1;
      expected(Coord::subset(i)) = 1;
      CHECK(X.row(U + i).transpose() == expected);
      CHECK(y(U + i) == red.constant("gamma"));
    }
    Eigen::VectorXd e1 = Eigen::VectorXd::Zero(M + 2), eg = Eigen::VectorXd::Zero(M + 2);
    e1(Coord::one) = 1;
    eg(Coord::gamma) = 1;
    CHECK(X.row(U + M).transpose() == e1);  // (4)
    CHECK(y(U + M) == 1);
    CHECK(X.row(U + M + 1).transpose() == eg);  // (5)
    CHECK(y(U + M + 1) == red.constant("gamma"));
    CHECK((red.samples.weights().array() == 1.0).all());
  }
}

TEST_CASE("Set Cover reduction: witness loss is gamma^2 t / |S| and decodes to the cover") {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    const auto sc = random_instance(rng);
    const auto red = kr::reduce(sc);
    const double gamma = red.constant("gamma");
    for (const auto& cover : some_covers(sc, rng)) {
      const auto distinct = distinct_sorted(cover);
      const double t = static_cast<double>(distinct.size());
      const auto net = kr::witness(red, cover);
      CHECK(net.units() == 1);
      CHECK(net.signs()(0) == 1);
      const double L = krelu::loss(net, red.samples);
      CHECK(relative_close(L, kr::predicted_loss(red, cover), 1e-12));
      CHECK(relative_close(L, gamma * gamma * t / red.constant("|S|"), 1e-12));
      CHECK(relative_close(krelu::total_loss(net, red.samples), gamma * gamma * t, 1e-12));
      // Exactly the t constraints (3) of the cover are violated, each by gamma.
      const auto r = krelu::residuals(net, red.samples);
      int violated = 0;
      for (Eigen::Index i = 0; i < r.size(); ++i)
        if (r(i) != 0) {
          ++violated;
          CHECK(r(i) == -gamma);
        }
      CHECK(violated == static_cast<int>(distinct.size()));
      CHECK(kr::decode(red, net) == distinct);
      CHECK(L <= kr::decode_threshold(red));
    }
  }
}

TEST_CASE("Set Cover reduction: the printed prose (-1 in the T_i coordinates) breaks the witness (ERRATA)") {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 20; ++trial) {
    const auto sc = random_instance(rng);
    const auto red = kr::reduce(sc);
    const auto cover = kp::solve_exact(sc);
    const auto net = kr::witness(red, cover);
    // The prose's samples: the same rows with the T_i coordinates negated.
    Eigen::VectorXd flip = Eigen::VectorXd::Constant(red.samples.dim(), -1.0);
    flip(Coord::one) = flip(Coord::gamma) = 1;
    const Eigen::MatrixXd printed = Eigen::MatrixXd(red.samples.inputs()) * flip.asDiagonal();
    const krelu::SampleSet<double> prose(printed, red.samples.labels(), red.samples.weights());
    // Each (2) row now costs (1 + c_u)^2 with c_u the cover sets containing u, each cover set's (3) row costs 1.
    double expected = static_cast<double>(cover.size());
    for (int u = 0; u < sc.universe_size(); ++u) {
      int c = 0;
      for (int i : cover) c += std::binary_search(sc.subset(i).begin(), sc.subset(i).end(), u) ? 1 : 0;
      expected += (1.0 + c) * (1.0 + c);
    }
    CHECK(krelu::total_loss(net, prose) == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("Set Cover reduction: witness and predicted_loss reject non-covers") {
  const kp::SetCover sc(4, {{0, 1}, {2}, {3}, {1, 2}});
  const auto red = kr::reduce(sc);
  CHECK_THROWS_WITH(kr::witness(red, {0, 1}), Catch::Contains("element 3"));
  CHECK_THROWS_AS(kr::predicted_loss(red, {1, 2, 3}), std::invalid_argument);  // element 0 missing
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 2, 4}), std::invalid_argument);     // index out of range
  CHECK_NOTHROW(kr::witness(red, {0, 1, 2}));
  // decode needs one ReLU of dimension M + 2.
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>::single(Eigen::VectorXd::Zero(5))), std::invalid_argument);
  CHECK_THROWS_AS(kr::decode(red, krelu::Network<double>(Eigen::MatrixXd::Zero(2, 6), Eigen::Vector2d(1, 1))),
                  std::invalid_argument);
  CHECK_THROWS_AS(red.constant("OPT"), std::out_of_range);
}

TEST_CASE("Set Cover reduction: networks below the threshold decode to covers (Thm 8, NO case)") {
  std::mt19937_64 rng(3);
  int below = 0, above = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const auto sc = random_instance(rng, 12, 9);
    const auto red = kr::reduce(sc);
    const int M = sc.num_subsets();
    const double gamma = red.constant("gamma");
    const double opt = static_cast<double>(kp::solve_exact(sc).size());
    const double threshold = kr::decode_threshold(red);
    const auto covers = some_covers(sc, rng);
    for (int r = 0; r < 60; ++r) {
      const auto& cover = covers[static_cast<std::size_t>(r) % covers.size()];
      Eigen::VectorXd w = kr::witness(red, cover).weights().row(0).transpose();
      const int kind = r % 3;
      if (kind == 0) {  // Gaussian noise on every coordinate, scale 10^-2 .. 10^-8
        const double sigma = std::pow(10.0, -std::uniform_real_distribution<double>(2, 8)(rng));
        std::normal_distribution<double> noise(0, sigma);
        for (Eigen::Index j = 0; j < w.size(); ++j) w(j) += noise(rng);
      } else if (kind == 1) {  // move some w_Ti to just either side of the decision boundary -w_gamma
        for (int k = std::uniform_int_distribution<int>(1, 3)(rng); k > 0; --k) {
          const int i = std::uniform_int_distribution<int>(0, M - 1)(rng);
          const double side = std::bernoulli_distribution(0.5)(rng) ? 1 : -1;
          w(Coord::subset(i)) = -w(Coord::gamma) + side * gamma * std::uniform_real_distribution<double>(1e-6, 0.5)(rng);
        }
      } else {  // rescale the weights: w_1 and the w_Ti move together
        const double s = 1 + std::uniform_real_distribution<double>(-1, 1)(rng) * std::pow(10.0, -std::uniform_int_distribution<int>(1, 6)(rng));
        w(Coord::one) *= s;
        for (int i = 0; i < M; ++i) w(Coord::subset(i)) *= s;
      }
      const auto net = krelu::Network<double>::single(w);
      const double L = krelu::loss(net, red.samples);
      const double total = krelu::total_loss(net, red.samples);
      // Errata, Thm 8: the minimum total error is OPT gamma^2, so no network does better.
      CHECK(total >= opt * gamma * gamma * (1 - 1e-9));
      if (L > threshold) {
        ++above;
        continue;
      }
      ++below;
      const auto family = kr::decode(red, net);
      CHECK(sc.is_cover(family));
      CHECK(static_cast<double>(family.size()) <= total / (gamma * gamma) * (1 + 1e-9));
    }
  }
  CHECK(below > 500);
  CHECK(above > 100);
  // Above the threshold the decoder promises nothing: the zero network decodes to the empty family.
  const kp::SetCover sc(3, {{0, 1, 2}});
  const auto red = kr::reduce(sc);
  const auto zero = krelu::Network<double>::single(Eigen::VectorXd::Zero(3));
  CHECK(krelu::loss(zero, red.samples) > kr::decode_threshold(red));
  CHECK(kr::decode(red, zero).empty());
}

TEST_CASE("Set Cover reduction: instances without a cover still reduce") {
  const kp::SetCover sc(4, {{0, 1}, {}, {1}});  // elements 2, 3 in no subset
  const auto red = kr::reduce(sc);
  CHECK(red.samples.size() == 4 + 3 + 2);
  const Eigen::MatrixXd X(red.samples.inputs());
  CHECK(X.row(2).sum() == 1);  // x_u = e_1 alone: (2) conflicts with (4)
  CHECK(X.row(2)(Coord::one) == 1);
  CHECK_THROWS_AS(kr::witness(red, {0, 1, 2}), std::invalid_argument);
}

TEMPLATE_TEST_CASE("Set Cover reduction: witness loss to the Scalar's precision", "", KRELU_SCALARS) {
  using S = TestType;
  const S eps = std::numeric_limits<S>::epsilon();
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 15; ++trial) {
    const auto sc = random_instance(rng, 40, 30);
    const auto red = kr::reduce<S>(sc);
    const S M(sc.num_subsets());
    const S gamma = S(1) / (S(100) * M * M);
    CHECK(krelu::abs_of(red.constant("gamma") - gamma) <= 4 * eps * gamma);
    for (const auto& cover : some_covers(sc, rng)) {
      const auto net = kr::witness(red, cover);
      const S t(static_cast<long long>(distinct_sorted(cover).size()));
      const S formula = gamma * gamma * t / red.constant("|S|");
      const S L = krelu::loss(net, red.samples);
      CHECK(krelu::abs_of(L - formula) <= 16 * eps * formula);
      CHECK(krelu::abs_of(kr::predicted_loss(red, cover) - formula) <= 16 * eps * formula);
      CHECK(kr::decode(red, net) == distinct_sorted(cover));
    }
  }
}
