#include <krelu/train/exact.hpp>
#include <krelu/train/local_search.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace {

/// m points uniform on the unit sphere of R^n, labelled by a random k-ReLU with the given signs
/// (weights with i.i.d. N(0, 1) entries): the global minimum is 0.
krelu::SampleSet<double> planted(int m, int n, const std::vector<int>& signs, std::uint64_t seed,
                                 krelu::Network<double>* teacher = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(m, n, [&] { return g(rng); });
  X.rowwise().normalize();
  const auto k = static_cast<Eigen::Index>(signs.size());
  Eigen::MatrixXd W = Eigen::MatrixXd::NullaryExpr(k, n, [&] { return g(rng); });
  Eigen::VectorXd a(k);
  for (Eigen::Index j = 0; j < k; ++j) a(j) = signs[static_cast<std::size_t>(j)];
  krelu::Network<double> net(W, a);
  if (teacher) *teacher = net;
  Eigen::VectorXd y(m);
  for (int i = 0; i < m; ++i) y(i) = net(Eigen::VectorXd(X.row(i).transpose()));
  return krelu::SampleSet<double>(X, y);
}

/// Gaussian inputs with Gaussian labels (no planted structure): an agnostic instance.
krelu::SampleSet<double> noise(int m, int n, std::uint64_t seed, double label_scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> u(0.5, 2.0);
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(m, n, [&] { return g(rng); });
  Eigen::VectorXd y = Eigen::VectorXd::NullaryExpr(m, [&] { return label_scale * g(rng); });
  Eigen::VectorXd c = Eigen::VectorXd::NullaryExpr(m, [&] { return u(rng); });
  return krelu::SampleSet<double>(X, y, c);
}

double mean_square_label(const krelu::SampleSet<double>& s) {
  return (s.weights().array() * s.labels().array().square()).sum() / s.total_weight();
}

/// A user container (vector of structs) wrapping the same samples.
struct Point {
  std::vector<double> x;
  double y;
  double c;
};
struct PointList {
  using scalar_type = double;
  std::vector<Point> points;
  Eigen::Index n = 0;
  std::size_t size() const { return points.size(); }
  Eigen::Index dim() const { return n; }
  const std::vector<double>& row(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].x; }
  double label(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].y; }
  double weight(Eigen::Index i) const { return points[static_cast<std::size_t>(i)].c; }
};

PointList as_point_list(const krelu::SampleSet<double>& s) {
  PointList p;
  p.n = s.dim();
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    std::vector<double> x(static_cast<std::size_t>(s.dim()));
    for (Eigen::Index j = 0; j < s.dim(); ++j) x[static_cast<std::size_t>(j)] = s.inputs()(i, j);
    p.points.push_back({x, s.label(i), s.weight(i)});
  }
  return p;
}

}  // namespace

TEST_CASE("local_search fits planted noiseless 1-ReLUs and 2-ReLUs to near-zero loss", "[local_search]") {
  struct Case {
    std::vector<int> teacher_signs;
    krelu::Signs signs;
  };
  const std::vector<Case> cases = {
      {{1}, krelu::Signs::free()},    {{1}, krelu::Signs::all_plus()}, {{1, 1}, krelu::Signs::all_plus()},
      {{1, 1}, krelu::Signs::free()}, {{1, -1}, krelu::Signs::free()}, {{1, -1}, krelu::Signs::fixed({1, -1})},
  };
  for (const auto& c : cases) {
    const int k = static_cast<int>(c.teacher_signs.size());
    int fitted = 0;
    const int instances = 12;
    for (int seed = 0; seed < instances; ++seed) {
      const auto s = planted(60, 4, c.teacher_signs, 1000 + 17 * static_cast<std::uint64_t>(seed));
      krelu::LocalSearchOptions<double> lo;
      lo.units = k;
      lo.signs = c.signs;
      lo.seed = static_cast<std::uint64_t>(seed);
      const auto r = krelu::local_search(s, lo);
      CHECK(r.loss == krelu::loss(r.network, s));
      if (r.loss <= 1e-12 * mean_square_label(s)) ++fitted;
    }
    INFO("k = " << k << ", teacher sign sum " << c.teacher_signs.front());
    CHECK(fitted >= instances - 1);
  }
}

TEST_CASE("local_search: the least-squares polish takes the loss to rounding level", "[local_search]") {
  // Few gradient steps leave the loss well above zero; the polish must finish the job.
  int better = 0, fitted_with = 0;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    const auto s = planted(80, 5, {1, 1, 1}, 50 + seed);
    krelu::LocalSearchOptions<double> lo;
    lo.units = 3;
    lo.signs = krelu::Signs::all_plus();
    lo.restarts = 6;
    lo.max_iterations = 30;
    lo.seed = seed;
    const auto with = krelu::local_search(s, lo);
    lo.polish = false;
    const auto without = krelu::local_search(s, lo);
    CHECK(with.least_squares_solves > 0);
    CHECK(without.least_squares_solves == 0);
    if (with.loss < without.loss) ++better;
    if (with.loss <= 1e-20 * mean_square_label(s)) ++fitted_with;
  }
  CHECK(better >= 7);
  CHECK(fitted_with >= 7);
}

TEST_CASE("local_search never ends a restart above its starting loss", "[local_search]") {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto s = noise(40, 3, 300 + seed);
    for (auto step : {krelu::LocalSearchStep::adam, krelu::LocalSearchStep::backtracking,
                      krelu::LocalSearchStep::adam_then_backtracking}) {
      krelu::LocalSearchOptions<double> lo;
      lo.units = 2;
      lo.restarts = 6;
      lo.max_iterations = 200;
      lo.step = step;
      lo.seed = seed;
      const auto r = krelu::local_search(s, lo);
      REQUIRE(r.restart_losses.size() == 6);
      REQUIRE(r.restart_initial_losses.size() == 6);
      for (std::size_t i = 0; i < r.restart_losses.size(); ++i)
        CHECK(r.restart_losses[i] <= r.restart_initial_losses[i]);
      CHECK(r.loss == Approx(*std::min_element(r.restart_losses.begin(), r.restart_losses.end())).epsilon(1e-12));
      CHECK(r.restart_losses[static_cast<std::size_t>(r.best_restart)] ==
            *std::min_element(r.restart_losses.begin(), r.restart_losses.end()));
    }
  }
}

TEST_CASE("local_search from a given initial network is never worse than it", "[local_search]") {
  std::mt19937_64 rng(99);
  std::normal_distribution<double> g;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto s = noise(50, 3, 700 + seed, 3.0);
    Eigen::MatrixXd W = Eigen::MatrixXd::NullaryExpr(2, 3, [&] { return g(rng); });
    const krelu::Network<double> start(W, Eigen::Vector2d(1, -1));
    krelu::LocalSearchOptions<double> lo;
    lo.units = 2;
    lo.restarts = 1;
    lo.initial = start;
    lo.seed = seed;
    const auto r = krelu::local_search(s, lo);
    CHECK(r.restart_initial_losses.front() == Approx(krelu::loss(start, s)).epsilon(1e-13));
    CHECK(r.loss <= krelu::loss(start, s));
    CHECK(r.network.signs() == start.signs());
  }
}

TEST_CASE("local_search with a radius keeps every ||w_j|| <= radius", "[local_search]") {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    // Labels far larger than any network in the ball can produce: the constraint is active.
    const auto s = noise(40, 3, 900 + seed, 10.0);
    for (double radius : {0.05, 0.5, 2.0}) {
      krelu::LocalSearchOptions<double> lo;
      lo.units = 2;
      lo.signs = krelu::Signs::all_plus();
      lo.radius = radius;
      lo.restarts = 4;
      lo.max_iterations = 200;
      lo.seed = seed;
      const auto r = krelu::local_search(s, lo);
      const Eigen::VectorXd norms = r.network.row_norms();
      for (Eigen::Index j = 0; j < norms.size(); ++j) CHECK(norms(j) <= radius * (1 + 1e-12));
      CHECK(norms.maxCoeff() >= 0.5 * radius);  // large labels: some unit should be near the boundary
      CHECK(r.loss <= mean_square_label(s));    // the zero network is feasible, the search beats random starts
    }
  }
}

TEST_CASE("local_search is deterministic for a seed", "[local_search]") {
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto s = noise(30, 3, 40 + seed);
    krelu::LocalSearchOptions<double> lo;
    lo.units = 2;
    lo.restarts = 5;
    lo.seed = seed;
    const auto a = krelu::local_search(s, lo);
    const auto b = krelu::local_search(s, lo);
    CHECK(a.network.weights() == b.network.weights());
    CHECK(a.network.signs() == b.network.signs());
    CHECK(a.loss == b.loss);
    CHECK(a.restart_losses == b.restart_losses);
    CHECK(a.iterations == b.iterations);
    lo.seed = seed + 1000;
    const auto c = krelu::local_search(s, lo);
    CHECK(c.restart_initial_losses != a.restart_initial_losses);  // another seed, other starting points
  }
}

TEST_CASE("local_search gives the same result on any number of threads", "[local_search]") {
  // restarts depend only on (seed, index): results must match bit for bit, polish and balls included
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    const auto s = seed % 2 == 0 ? noise(40, 3, 70 + seed) : planted(30, 4, {1, -1}, 80 + seed);
    krelu::LocalSearchOptions<double> lo;
    lo.units = 2;
    lo.restarts = 7;
    lo.seed = seed;
    if (seed >= 3) lo.radius = 0.8;
    lo.threads = 1;
    const auto one = krelu::local_search(s, lo);
    for (int threads : {2, 3, 16}) {
      lo.threads = threads;
      const auto many = krelu::local_search(s, lo);
      CHECK(many.network.weights() == one.network.weights());
      CHECK(many.network.signs() == one.network.signs());
      CHECK(many.loss == one.loss);
      CHECK(many.best_restart == one.best_restart);
      CHECK(many.restart_losses == one.restart_losses);
      CHECK(many.restart_initial_losses == one.restart_initial_losses);
      CHECK(many.restart_positive_units == one.restart_positive_units);
      CHECK(many.iterations == one.iterations);
      CHECK(many.least_squares_solves == one.least_squares_solves);
      CHECK(many.pattern_qps == one.pattern_qps);
      CHECK_FALSE(many.time_limit_reached);
    }
  }
}

TEST_CASE("local_search with free signs cycles through the k + 1 sign classes", "[local_search]") {
  const auto s = noise(30, 3, 5);
  krelu::LocalSearchOptions<double> lo;
  lo.units = 3;
  lo.restarts = 9;
  lo.max_iterations = 20;
  const auto r = krelu::local_search(s, lo);
  CHECK(r.restart_positive_units == std::vector<int>{3, 2, 1, 0, 3, 2, 1, 0, 3});
  lo.signs = krelu::Signs::fixed({-1, 1, -1});
  const auto f = krelu::local_search(s, lo);
  CHECK(f.network.signs() == Eigen::Vector3d(-1, 1, -1));
  lo.signs = krelu::Signs::all_plus();
  const auto p = krelu::local_search(s, lo);
  CHECK(p.network.signs() == Eigen::Vector3d(1, 1, 1));
}

TEST_CASE("local_search finds the best sign class of a planted negative unit", "[local_search]") {
  // A teacher with a = (1, -1): the all-plus class cannot fit it when the negative unit matters,
  // so a near-zero loss shows the mixed class was searched.
  int fitted = 0;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    const auto s = planted(60, 3, {1, -1}, 4000 + seed);
    krelu::LocalSearchOptions<double> lo;
    lo.units = 2;
    lo.seed = seed;
    const auto r = krelu::local_search(s, lo);
    lo.signs = krelu::Signs::all_plus();
    const auto plus = krelu::local_search(s, lo);
    if (r.loss <= 1e-12 * mean_square_label(s)) {
      ++fitted;
      CHECK(r.network.signs().sum() == 0.0);
    }
    CHECK(r.loss <= plus.loss);
  }
  CHECK(fitted >= 7);
}

TEST_CASE("local_search works on sparse sets and user containers", "[local_search]") {
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto dense = planted(50, 4, {1, 1}, 600 + seed);
    const krelu::SampleSet<double, krelu::Sparse> sparse(dense);
    const auto mine = as_point_list(dense);
    krelu::LocalSearchOptions<double> lo;
    lo.units = 2;
    lo.signs = krelu::Signs::all_plus();
    lo.seed = seed;
    const auto rd = krelu::local_search(dense, lo);
    const auto rs = krelu::local_search(sparse, lo);
    const auto ru = krelu::local_search(mine, lo);
    CHECK(rs.loss == krelu::loss(rs.network, sparse));
    CHECK(ru.loss == krelu::loss(ru.network, mine));
    const double tiny = 1e-12 * mean_square_label(dense);
    CHECK(rd.loss <= tiny);
    CHECK(rs.loss <= tiny);
    CHECK(ru.loss <= tiny);
    // The user container is copied into the same dense matrix: same arithmetic, same result.
    CHECK(ru.network.weights() == rd.network.weights());
  }
}

TEMPLATE_TEST_CASE("local_search in other scalar types", "[local_search]", double, long double) {
  using Scalar = TestType;
  int fitted = 0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto sd = planted(40, 3, {1, 1}, 800 + seed);
    const krelu::SampleSet<Scalar> s(sd.inputs().template cast<Scalar>(), sd.labels().template cast<Scalar>());
    krelu::LocalSearchOptions<Scalar> lo;
    lo.units = 2;
    lo.signs = krelu::Signs::all_plus();
    lo.seed = seed;
    const auto r = krelu::local_search(s, lo);
    CHECK(r.loss == krelu::loss(r.network, s));
    const Scalar scale = s.labels().squaredNorm() / Scalar(s.size());
    if (r.loss <= Scalar(1e-12) * scale) ++fitted;
  }
  CHECK(fitted >= 4);
}

TEST_CASE("local_search with TrainOptions", "[local_search]") {
  const auto s = planted(50, 3, {1}, 77);
  krelu::TrainOptions<double> t;
  t.units = 1;
  t.radius = 100.0;
  t.seed = 3;
  const auto r = krelu::local_search(s, t, 4);
  CHECK(r.restart_losses.size() == 4);
  CHECK(r.loss <= 1e-12 * mean_square_label(s));
  t.units = 0;
  CHECK_THROWS_AS(krelu::local_search(s, t, 4), std::invalid_argument);
}

TEST_CASE("local_search: zero labels give the zero network", "[local_search]") {
  Eigen::MatrixXd X = Eigen::MatrixXd::Random(10, 3);
  const krelu::SampleSet<double> s(X, Eigen::VectorXd::Zero(10));
  krelu::LocalSearchOptions<double> lo;
  lo.units = 2;
  const auto r = krelu::local_search(s, lo);
  CHECK(r.loss == 0.0);
}

TEST_CASE("local_search: the time limit stops the search", "[local_search]") {
  const auto s = noise(400, 6, 1);
  krelu::LocalSearchOptions<double> lo;
  lo.units = 3;
  lo.restarts = 1000;
  lo.time_limit_seconds = 0.05;
  for (int threads : {1, 2}) {
    lo.threads = threads;
    const auto r = krelu::local_search(s, lo);
    CHECK(r.time_limit_reached);
    CHECK(r.restart_losses.size() < 1000);
    CHECK(r.seconds < 2.0);
    CHECK(r.loss == krelu::loss(r.network, s));
    // the restarts run are the first ones, whatever the threads: one entry each, best among them
    CHECK(r.restart_initial_losses.size() == r.restart_losses.size());
    CHECK(static_cast<std::size_t>(r.best_restart) < r.restart_losses.size());
    CHECK(r.restart_losses[static_cast<std::size_t>(r.best_restart)] ==
          *std::min_element(r.restart_losses.begin(), r.restart_losses.end()));
  }
}

TEST_CASE("LocalSearchOptions::validate rejects nonsense", "[local_search]") {
  const auto s = noise(10, 2, 3);
  auto rejects = [&](auto&& edit) {
    krelu::LocalSearchOptions<double> lo;
    edit(lo);
    CHECK_THROWS_AS(krelu::local_search(s, lo), std::invalid_argument);
  };
  rejects([](auto& o) { o.units = 0; });
  rejects([](auto& o) { o.units = 31; });
  rejects([](auto& o) { o.restarts = 0; });
  rejects([](auto& o) { o.threads = -1; });
  rejects([](auto& o) { o.radius = 0.0; });
  rejects([](auto& o) { o.radius = -1.0; });
  rejects([](auto& o) { o.max_iterations = -1; });
  rejects([](auto& o) { o.learning_rate = 0; });
  rejects([](auto& o) { o.tolerance = -1; });
  rejects([](auto& o) { o.patience = 0; });
  rejects([](auto& o) { o.stall_decrease = 1; });
  rejects([](auto& o) { o.time_limit_seconds = 0; });
  rejects([](auto& o) { o.signs = krelu::Signs::fixed({1, 1}); });
  rejects([](auto& o) { o.initial = krelu::Network<double>::single(Eigen::Vector3d(1, 0, 0)); });  // wrong dim
  rejects([](auto& o) {
    o.signs = krelu::Signs::all_plus();
    o.initial = krelu::Network<double>(Eigen::MatrixXd::Ones(1, 2), Eigen::VectorXd::Constant(1, -1));
  });
  rejects([](auto& o) {
    o.radius = 1.0;
    o.initial = krelu::Network<double>::single(Eigen::Vector2d(3, 0));
  });
  const krelu::SampleSet<double> empty(2);
  krelu::LocalSearchOptions<double> lo;
  CHECK_THROWS_AS(krelu::local_search(empty, lo), std::invalid_argument);
}

TEST_CASE("local_search: the gradient matches finite differences", "[local_search]") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto s = noise(30, 4, 1200 + seed);
    const krelu::detail::ReluObjective<double, krelu::Dense> f(s);
    Eigen::MatrixXd W = Eigen::MatrixXd::NullaryExpr(3, 4, [&] { return g(rng); });
    const Eigen::Vector3d a(1, -1, 1);
    Eigen::MatrixXd G;
    const double l = f.loss_and_gradient(W, a, G);
    CHECK(l == Approx(krelu::loss(krelu::Network<double>(W, a), s)).epsilon(1e-12));
    const double h = 1e-6;
    for (Eigen::Index j = 0; j < W.rows(); ++j)
      for (Eigen::Index d = 0; d < W.cols(); ++d) {
        Eigen::MatrixXd Wp = W, Wm = W;
        Wp(j, d) += h;
        Wm(j, d) -= h;
        const double numeric = (f.loss(Wp, a) - f.loss(Wm, a)) / (2 * h);
        CHECK(G(j, d) == Approx(numeric).margin(1e-6));
      }
  }
}

TEST_CASE("local_search: each gradient phase alone makes progress (no polish)", "[local_search]") {
  for (auto step : {krelu::LocalSearchStep::adam, krelu::LocalSearchStep::backtracking,
                    krelu::LocalSearchStep::adam_then_backtracking}) {
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
      const auto s = planted(60, 4, {1}, 1500 + seed);
      krelu::LocalSearchOptions<double> lo;
      lo.units = 1;
      lo.signs = krelu::Signs::all_plus();
      lo.restarts = 3;
      lo.polish = false;
      lo.step = step;
      lo.seed = seed;
      const auto r = krelu::local_search(s, lo);
      CHECK(r.least_squares_solves == 0);
      CHECK(r.iterations > 0);
      // A planted single ReLU on the sphere is benign: each gradient method alone fits it.
      CHECK(r.loss <= 1e-10 * mean_square_label(s));
    }
  }
}

TEST_CASE("local_search against the exact optimum of train_exact", "[local_search]") {
  // Small agnostic instances: local search can never beat the global minimum, and with 20 restarts it
  // should reach it on most of them.
  int optimal = 0, instances = 0;
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    const int k = seed % 2 == 0 ? 1 : 2;
    const auto s = noise(k == 1 ? 9 : 6, 2, 3000 + seed);
    krelu::TrainOptions<double> opt;
    opt.units = k;
    opt.method = krelu::Method::enumerate;
    if (seed % 3 == 0) opt.radius = 0.7;
    const auto exact = krelu::train_exact(s, opt);
    REQUIRE(exact.status == krelu::Status::optimal);
    const auto r = krelu::local_search(s, opt, 20);
    INFO("seed " << seed << " k " << k << " local " << r.loss << " exact " << exact.loss << " diff "
                 << r.loss - exact.loss);
    CHECK(r.loss >= exact.lower_bound - 1e-9 * mean_square_label(s));
    ++instances;
    // The exact pattern problems of the polish end every restart at a pattern-wise local minimum:
    // where the search finds the optimal pattern, it matches the optimum to rounding.
    if (r.loss <= exact.loss + 1e-12 * mean_square_label(s)) ++optimal;
    CHECK(r.pattern_qps > 0);
  }
  CHECK(optimal >= instances - 2);
}

TEST_CASE("local_search: the exact pattern problems can be switched off", "[local_search]") {
  const auto s = noise(30, 3, 77);
  krelu::LocalSearchOptions<double> lo;
  lo.units = 2;
  lo.radius = 0.3;
  lo.restarts = 4;
  const auto with = krelu::local_search(s, lo);
  lo.polish_max_constraints = 0;
  const auto without = krelu::local_search(s, lo);
  CHECK(with.pattern_qps > 0);
  CHECK(without.pattern_qps == 0);
  CHECK(without.least_squares_solves > 0);
  CHECK(with.loss <= without.loss * (1 + 1e-12));
}
