// Median time per solve of ConvexQp on trainer-like problems (one sign pattern of a k-ReLU, DESIGN.md "One
// sign pattern is one convex problem"): H = 2 sum_i c_i phi_i phi_i^T over m samples, homogeneous
// constraints (2 P_ij - 1) <w_j, x_i> >= 0, n = dim * k variables. The problems form a Gray-code-like
// sequence: each one flips the activity P_ij of one (sample, unit), i.e. a rank-1 change of H and g and one
// negated constraint row. Each problem is solved cold (no warm start) and warm (warm_start() with the
// previous problem's active set); the bounded variant adds ||w_j|| <= radius per unit.
//
// Usage: bench_qp_solver [sequence length, default 4000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <krelu/qp/convex_qp.hpp>

namespace {

using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

struct Problem {
  Mat H, C;
  Vec g, d;
};

struct Config {
  int dim, units, samples;
  bool bounded;
};

// The problem of pattern P for samples X, labels y, weights c, signs a.
Problem pattern_problem(const Mat& X, const Vec& y, const Vec& c, const Vec& a, const std::vector<int>& P) {
  const Eigen::Index m = X.rows(), dim = X.cols(), k = a.size(), n = dim * k;
  Problem p;
  p.H = Mat::Zero(n, n);
  p.g = Vec::Zero(n);
  p.C = Mat::Zero(m * k, n);
  p.d = Vec::Zero(m * k);
  Vec phi(n);
  for (Eigen::Index i = 0; i < m; ++i) {
    phi.setZero();
    for (Eigen::Index j = 0; j < k; ++j) {
      const int active = P[static_cast<std::size_t>(i * k + j)];
      if (active) phi.segment(j * dim, dim) = a(j) * X.row(i).transpose();
      p.C.row(i * k + j).segment(j * dim, dim) = (2.0 * active - 1.0) * X.row(i);
    }
    p.H.noalias() += (2 * c(i)) * phi * phi.transpose();
    p.g -= (2 * c(i) * y(i)) * phi;
  }
  return p;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Row {
  double cold_us, warm_us, cold_iterations, warm_iterations, worst_kkt;
  int failures;
};

Row run(const Config& config, int length, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> coin(0, 1);
  const int dim = config.dim, k = config.units, m = config.samples;
  Mat X(m, dim);
  Vec y(m), c(m), a(k);
  for (int i = 0; i < m; ++i) {
    for (int l = 0; l < dim; ++l) X(i, l) = normal(rng);
    y(i) = normal(rng);
    c(i) = 1.0;
  }
  for (int j = 0; j < k; ++j) a(j) = j % 2 ? -1.0 : 1.0;
  std::vector<int> P(static_cast<std::size_t>(m * k));
  for (auto& v : P) v = coin(rng);
  std::uniform_int_distribution<int> pick(0, m * k - 1);
  std::vector<Problem> sequence;
  sequence.reserve(static_cast<std::size_t>(length));
  for (int s = 0; s < length; ++s) {
    sequence.push_back(pattern_problem(X, y, c, a, P));
    P[static_cast<std::size_t>(pick(rng))] ^= 1;
  }
  std::vector<krelu::qp::BallConstraint<double>> balls;
  if (config.bounded)
    for (int j = 0; j < k; ++j) balls.push_back({j * dim, dim, 0.5});

  krelu::qp::ConvexQp<double> cold, warm;
  std::vector<double> cold_times, warm_times;
  cold_times.reserve(sequence.size());
  warm_times.reserve(sequence.size());
  double cold_iterations = 0, warm_iterations = 0, worst_kkt = 0;
  int failures = 0;
  std::vector<Eigen::Index> previous;
  for (const Problem& p : sequence) {
    auto t0 = std::chrono::steady_clock::now();
    cold.compute(p.H, p.g, p.C, p.d, balls);
    auto t1 = std::chrono::steady_clock::now();
    warm.warm_start(previous);
    warm.compute(p.H, p.g, p.C, p.d, balls);
    auto t2 = std::chrono::steady_clock::now();
    previous = warm.active_set();
    cold_times.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    warm_times.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    cold_iterations += cold.iterations();
    warm_iterations += warm.iterations();
    if (cold.info() != krelu::qp::QpStatus::optimal || warm.info() != krelu::qp::QpStatus::optimal) ++failures;
    worst_kkt = std::max({worst_kkt, cold.kkt().max(), warm.kkt().max()});
    // same optimum, relative to the magnitude of the objective's terms at the solution
    const Vec& x = cold.solution();
    const double scale =
        p.g.cwiseProduct(x).cwiseAbs().sum() + 0.5 * x.cwiseAbs().dot(p.H.cwiseAbs() * x.cwiseAbs()) + 1e-300;
    if (std::abs(cold.objective() - warm.objective()) > 1e-9 * scale) ++failures;
  }
  const double count = static_cast<double>(sequence.size());
  return {median(cold_times),      median(warm_times), cold_iterations / count,
          warm_iterations / count, worst_kkt,          failures};
}

}  // namespace

int main(int argc, char** argv) {
  const int length = argc > 1 ? std::atoi(argv[1]) : 4000;
  if (length < 1) {
    std::fprintf(stderr, "usage: bench_qp_solver [sequence length >= 1, default 4000]\n");
    return 2;
  }
  std::mt19937_64 rng(2024);
  const std::vector<Config> configs = {{2, 1, 8, false}, {3, 1, 16, false}, {6, 1, 16, false},
                                       {3, 2, 8, false}, {2, 3, 5, false},  {3, 2, 8, true},
                                       {6, 1, 16, true}, {4, 3, 16, false}, {4, 3, 16, true}};
  std::printf("ConvexQp on trainer-like sequences (%d problems each, one flipped activity per step)\n", length);
  std::printf("%5s %5s %5s %5s %7s | %10s %10s | %8s %8s | %9s %4s\n", "dim", "units", "vars", "rows", "balls",
              "cold us", "warm us", "cold it", "warm it", "worst kkt", "fail");
  for (const Config& config : configs) {
    const Row row = run(config, length, rng);
    std::printf("%5d %5d %5d %5d %7s | %10.2f %10.2f | %8.2f %8.2f | %9.1e %4d\n", config.dim, config.units,
                config.dim * config.units, config.samples * config.units, config.bounded ? "yes" : "no", row.cold_us,
                row.warm_us, row.cold_iterations, row.warm_iterations, row.worst_kkt, row.failures);
  }
  return 0;
}
