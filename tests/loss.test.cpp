#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>
#include <random>
#include <vector>

namespace {

krelu::Network<double> two_unit_network() {
  Eigen::MatrixXd W(2, 2);
  W << 1, -1, 0.5, 2;
  return krelu::Network<double>(W, Eigen::Vector2d(1, -1));
}

/// A user's own container: a vector of structs, no Eigen storage.
struct Point {
  std::vector<double> x;
  double y;
  double c;
};
struct PointList {
  using scalar_type = double;
  std::vector<Point> points;
  std::size_t size() const { return points.size(); }
  Eigen::Index dim() const { return 2; }
  const std::vector<double>& row(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].x; }
  double label(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].y; }
  double weight(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].c; }
};
static_assert(krelu::SampleContainer<PointList>);
static_assert(krelu::SampleContainer<krelu::SampleSet<double, krelu::Sparse>>);

}  // namespace

TEST_CASE("loss equals a hand computation") {
  // f(x) = [x1 - x2]_+ - [0.5 x1 + 2 x2]_+
  Eigen::MatrixXd X(3, 2);
  X << 1, 0, 0, 1, 2, -1;
  Eigen::Vector3d y(0, 1, 1), c(1, 2, 3);
  // f = 1 - 0.5 = 0.5;  f = 0 - 2 = -2;  f = 3 - 0 = 3.   r = 0.5, -3, 2.
  krelu::SampleSet<double> s(X, y, c);
  const auto net = two_unit_network();
  CHECK(net.evaluate(s).isApprox(Eigen::Vector3d(0.5, -2, 3)));
  CHECK(krelu::residuals(net, s).isApprox(Eigen::Vector3d(0.5, -3, 2)));
  CHECK(krelu::total_loss(net, s) == Approx(0.25 + 18 + 12));
  CHECK(krelu::loss(net, s) == Approx(30.25 / 6));
  CHECK(net(Eigen::Vector2d(2, -1)) == 3.0);
}

TEST_CASE("a weight of c equals c copies") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(5, 2, [&] { return g(rng); });
  Eigen::VectorXd y = Eigen::VectorXd::NullaryExpr(5, [&] { return g(rng); });
  Eigen::VectorXd c(5);
  c << 1, 3, 2, 1, 4;
  krelu::SampleSet<double> weighted(X, y, c);
  krelu::SampleSet<double> copies(2);
  for (int i = 0; i < 5; ++i)
    for (int r = 0; r < c(i); ++r) copies.add_sample(X.row(i).transpose(), y(i));
  const auto net = two_unit_network();
  CHECK(krelu::loss(net, weighted) == Approx(krelu::loss(net, copies)).epsilon(1e-14));
  CHECK(krelu::total_loss(net, weighted) == Approx(krelu::total_loss(net, copies)).epsilon(1e-14));
}

TEST_CASE("dense, sparse and user containers give the same losses") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g;
  std::bernoulli_distribution keep(0.4);
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(40, 2, [&] { return keep(rng) ? g(rng) : 0.0; });
  Eigen::VectorXd y = Eigen::VectorXd::NullaryExpr(40, [&] { return g(rng); });
  Eigen::VectorXd c = Eigen::VectorXd::NullaryExpr(40, [&] { return std::exp(g(rng)); });
  krelu::SampleSet<double> dense(X, y, c);
  krelu::SampleSet<double, krelu::Sparse> sparse(dense);
  PointList mine;
  for (int i = 0; i < 40; ++i) mine.points.push_back({{X(i, 0), X(i, 1)}, y(i), c(i)});
  const auto net = two_unit_network();
  const double reference = krelu::loss(net, dense);
  CHECK(krelu::loss(net, sparse) == Approx(reference).epsilon(1e-14));
  CHECK(krelu::loss(net, mine) == Approx(reference).epsilon(1e-14));
}

TEST_CASE("weights from 1e-20 to 1e20 in one set accumulate stably") {
  // Many tiny-weight samples with large residuals next to one huge-weight sample: a naive running
  // sum loses the tiny ones entirely.
  const int tiny = 1000;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(tiny + 2, 1);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(tiny + 2), c = Eigen::VectorXd::Constant(tiny + 2, 1e-20);
  c(0) = 1e20;
  c(1) = 1.0;
  krelu::SampleSet<double> s(X, y, c);
  krelu::Network<double> zero(Eigen::MatrixXd::Zero(1, 1), Eigen::VectorXd::Ones(1));
  // every residual is -1: total = 1e20 + 1 + 1000 * 1e-20, loss exactly 1
  CHECK(krelu::loss(zero, s) == 1.0);
  const double total = krelu::total_loss(zero, s);
  CHECK(total == 1e20 + 1.0);
  // Residuals that cancel: +-1e10 weight pairs around a unit-weight sample.
  Eigen::MatrixXd X2(3, 1);
  X2 << 1, 1, 1;
  Eigen::Vector3d y2(0, 2, 1), c2(1e20, 1e20, 1);
  krelu::SampleSet<double> s2(X2, y2, c2);
  krelu::Network<double> one(Eigen::MatrixXd::Ones(1, 1), Eigen::VectorXd::Ones(1));
  CHECK(krelu::total_loss(one, s2) == 2e20);
}

TEST_CASE("network validation rejects nonsense") {
  Eigen::MatrixXd W(2, 2);
  W << 1, 2, 3, 4;
  CHECK_THROWS_WITH((krelu::Network<double>(W, Eigen::Vector2d(1, 0))), Catch::Contains("sign of unit 1"));
  CHECK_THROWS_WITH((krelu::Network<double>(Eigen::MatrixXd(0, 2), Eigen::VectorXd(0))), Catch::Contains("k = 0"));
  CHECK_THROWS_AS((krelu::Network<double>(W, Eigen::Vector3d(1, 1, 1))), std::invalid_argument);
  W(1, 0) = std::nan("");
  CHECK_THROWS_WITH((krelu::Network<double>(W, Eigen::Vector2d(1, 1))), Catch::Contains("not finite"));
  const auto net = two_unit_network();
  krelu::SampleSet<double> wrong(Eigen::MatrixXd::Ones(2, 3), Eigen::Vector2d(1, 1));
  CHECK_THROWS_WITH(krelu::loss(net, wrong), Catch::Contains("dimension"));
  CHECK(net.row_norms().isApprox(Eigen::Vector2d(std::sqrt(2.0), std::sqrt(4.25))));
}
