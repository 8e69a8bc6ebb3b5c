#pragma once
// Shared helpers of the benchmark programs: seeded instances, medians, timing.
#include <krelu/krelu.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

namespace krelu_bench {

/// x uniform on the unit sphere, labels from a random k-ReLU with signs a plus Gaussian noise.
inline krelu::SampleSet<double> planted(int m, int n, const Eigen::VectorXd& a, double noise, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
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
  return krelu::SampleSet<double>(X, y);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

/// Median of `first` and further runs of `again` (each returning its seconds): repeated while the runs
/// so far took under `budget` seconds in all, at most `max_runs` runs. Fast rows get many runs, so the
/// first run's cold caches and allocations do not decide their time.
template <class F>
double median_of_repeats(double first, F&& again, double budget, int max_runs) {
  std::vector<double> times{first};
  double total = first;
  while (total < budget && static_cast<int>(times.size()) < max_runs) {
    times.push_back(again());
    total += times.back();
  }
  return median(times);
}

template <class F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace krelu_bench
