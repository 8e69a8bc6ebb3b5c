#pragma once
// Seeded instance generators and options shared by the training tests.
#include <krelu/krelu.hpp>
#include <random>

namespace krelu_test {

/// x uniform on the unit sphere, labels from a random k-ReLU with signs a (plus Gaussian noise).
inline krelu::SampleSet<double> planted(int m, int n, const Eigen::VectorXd& a, double noise, std::mt19937_64& rng,
                                        Eigen::MatrixXd* planted_weights = nullptr) {
  std::normal_distribution<double> g;
  Eigen::MatrixXd X(m, n);
  for (int i = 0; i < m; ++i) {
    Eigen::VectorXd v = Eigen::VectorXd::NullaryExpr(n, [&] { return g(rng); });
    X.row(i) = v.normalized().transpose();
  }
  Eigen::MatrixXd W = Eigen::MatrixXd::NullaryExpr(a.size(), n, [&] { return g(rng); });
  krelu::Network<double> net(W, a);
  Eigen::VectorXd y = net.evaluate(krelu::SampleSet<double>(X, Eigen::VectorXd::Zero(m)));
  for (int i = 0; i < m; ++i) y(i) += noise * g(rng);
  if (planted_weights) *planted_weights = W;
  return krelu::SampleSet<double>(X, y);
}

/// Gaussian inputs and labels, positive random weights: no structure at all.
inline krelu::SampleSet<double> random_instance(int m, int n, std::mt19937_64& rng, bool weighted) {
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> u(0.2, 3.0);
  Eigen::MatrixXd X = Eigen::MatrixXd::NullaryExpr(m, n, [&] { return g(rng); });
  Eigen::VectorXd y = Eigen::VectorXd::NullaryExpr(m, [&] { return g(rng); });
  Eigen::VectorXd c = Eigen::VectorXd::NullaryExpr(m, [&] { return weighted ? u(rng) : 1.0; });
  return krelu::SampleSet<double>(X, y, c);
}

/// Training options for one problem (k, signs, radius) and method, on one thread (deterministic).
inline krelu::TrainOptions<double> options(int k, krelu::Signs signs, std::optional<double> radius, krelu::Method method) {
  krelu::TrainOptions<double> o;
  o.units = k;
  o.signs = std::move(signs);
  o.radius = radius;
  o.method = method;
  o.threads = 1;
  return o;
}

}  // namespace krelu_test
