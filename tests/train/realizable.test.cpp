// fit_realizable: zero-loss 1-ReLU as a feasibility problem, with Farkas certificates.
#include <catch2/catch.hpp>
#include <krelu/krelu.hpp>

#include <random>

#include "test_instances.hpp"

TEST_CASE("planted realizable data is fitted with zero loss, either sign") {
  std::mt19937_64 rng(41);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 2 + trial % 4, m = 5 + trial % 20;
    Eigen::VectorXd a = Eigen::VectorXd::Constant(1, trial % 2 ? -1.0 : 1.0);
    const auto s = krelu_test::planted(m, n, a, 0.0, rng);
    const auto r = krelu::fit_realizable(s);
    CAPTURE(trial, m, n);
    REQUIRE(r.realizable);
    REQUIRE(r.network.has_value());
    const double scale = s.labels().squaredNorm() / m + 1e-300;
    CHECK(krelu::loss(*r.network, s) <= 1e-20 * scale + 1e-28);
    if (s.labels().maxCoeff() > 0) CHECK(r.sign == 1);
    if (s.labels().minCoeff() < 0) CHECK(r.sign == -1);
  }
}

TEST_CASE("non-realizable data gets a valid Farkas certificate, checked independently") {
  std::mt19937_64 rng(43);
  int infeasible = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 2 + trial % 2, m = 6 + trial % 6;
    auto s = krelu_test::planted(m, n, Eigen::VectorXd::Ones(1), 0.3, rng);
    // make all labels >= 0 so the question is the linear system, not the signs
    Eigen::VectorXd y = s.labels().cwiseAbs();
    krelu::SampleSet<double> t(s.inputs(), y);
    const auto r = krelu::fit_realizable(t);
    // independent check through the exact trainer: realizable iff the optimum is 0
    krelu::TrainOptions<double> o;
    o.signs = krelu::Signs::fixed({1});
    o.method = krelu::Method::branch_and_bound;
    o.threads = 1;
    const auto best = krelu::train_exact(t, o);
    CAPTURE(trial, best.loss);
    REQUIRE(best.status == krelu::Status::optimal);
    CHECK(r.realizable == (best.loss <= 1e-20 * y.squaredNorm()));
    if (r.realizable) continue;
    ++infeasible;
    CHECK(r.reason == "infeasible");
    // sum_i (u_i + lambda_i) x_i = 0 with lambda >= 0 on zero labels, and sum u_i y_i < 0
    const Eigen::VectorXd combo = t.inputs().transpose() * (r.u + r.lambda);
    CHECK(combo.norm() <= 1e-9 * (r.u.norm() + r.lambda.norm()) * t.inputs().norm());
    CHECK(r.lambda.minCoeff() >= 0);
    CHECK(r.u.dot(y) < 0);
    for (int i = 0; i < m; ++i) {
      if (y(i) == 0) CHECK(r.u(i) == 0);
      if (y(i) != 0) CHECK(r.lambda(i) == 0);
    }
  }
  CHECK(infeasible > 20);
}

TEST_CASE("mixed label signs cannot be fitted by one ReLU") {
  Eigen::MatrixXd X(2, 2);
  X << 1, 0, 0, 1;
  krelu::SampleSet<double> s(X, Eigen::Vector2d(1, -1));
  const auto r = krelu::fit_realizable(s);
  CHECK_FALSE(r.realizable);
  CHECK(r.reason == "mixed_signs");
  CHECK(s.label(r.positive_sample) > 0);
  CHECK(s.label(r.negative_sample) < 0);
}
