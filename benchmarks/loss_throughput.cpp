// loss_throughput: how fast krelu::loss evaluates a 2-ReLU on dense and on sparse SampleSets.
//
// For n = 10, 100, 1000 it builds m = 10^6 samples (10^5 with --quick) with 3 nonzeros per
// row, stores the same matrix once sparse and once dense, and prints the median time of
// krelu::loss over 7 repeats, the throughput in samples x dims per second, and the ratio of
// sparse to dense time. Times are wall clock; the CPU-time medians are printed too, since on a
// shared machine wall time also counts the time other processes held the cores. The target is sparse at least 20x faster than dense at n = 1000
// (the dense work grows with m n, the sparse work with the 3 m nonzeros).
//
// Usage: bench_loss_throughput [--quick] [--repeats R]
// The dense set at n = 1000, m = 10^6 takes 8 GB; it is skipped (and said so) if the machine
// reports less memory available.

#include <krelu/loss.hpp>
#include <krelu/network.hpp>
#include <krelu/samples.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

/// MemAvailable from /proc/meminfo in bytes, or -1 if unknown.
double available_memory() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream s(line.substr(13));
      double kb = 0;
      s >> kb;
      return kb * 1024.0;
    }
  }
  return -1.0;
}

/// m samples of dimension n, `per_row` distinct nonzero coordinates each, N(0,1) values.
krelu::SampleSet<double, krelu::Sparse> sparse_samples(Eigen::Index m, Eigen::Index n, int per_row,
                                                       std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<Eigen::Index> column(0, n - 1);
  Eigen::SparseMatrix<double, Eigen::RowMajor> x(m, n);
  x.reserve(Eigen::VectorXi::Constant(m, per_row));
  std::vector<Eigen::Index> columns;
  for (Eigen::Index i = 0; i < m; ++i) {
    columns.clear();
    while (static_cast<int>(columns.size()) < per_row) {
      const Eigen::Index j = column(rng);
      if (std::find(columns.begin(), columns.end(), j) == columns.end()) columns.push_back(j);
    }
    std::sort(columns.begin(), columns.end());
    for (const Eigen::Index j : columns) x.insert(i, j) = normal(rng);
  }
  x.makeCompressed();
  Eigen::VectorXd y(m);
  for (Eigen::Index i = 0; i < m; ++i) y(i) = normal(rng);
  krelu::SampleSet<double, krelu::Sparse> s(n);
  s.assign(std::move(x), std::move(y), Eigen::VectorXd::Ones(m));
  return s;
}

struct Timing {
  double wall = 0;  ///< median wall-clock seconds
  double cpu = 0;   ///< median process CPU seconds
  double loss = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class Set>
Timing time_loss(const krelu::Network<double>& net, const Set& s, int repeats) {
  Timing t;
  t.loss = krelu::loss(net, s);  // warm-up (page faults, caches)
  std::vector<double> wall, cpu;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    const double value = krelu::loss(net, s);
    cpu.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    wall.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (value != t.loss) std::printf("  warning: loss changed between repeats (%.17g vs %.17g)\n", value, t.loss);
  }
  t.wall = median(wall);
  t.cpu = median(cpu);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int repeats = 7;
  for (int a = 1; a < argc; ++a) {
    if (std::strcmp(argv[a], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[a], "--repeats") == 0 && a + 1 < argc) {
      repeats = std::max(5, std::atoi(argv[++a]));
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--repeats R (>= 5)]\n", argv[0]);
      return 2;
    }
  }
  const Eigen::Index m = quick ? 100'000 : 1'000'000;
  const int per_row = 3;
  std::printf("krelu::loss throughput, 2-ReLU, m = %lld samples, %d nonzeros per row, median of %d runs%s\n",
              static_cast<long long>(m), per_row, repeats, quick ? " (--quick)" : "");
  std::printf("%6s %11s %11s %14s %14s %13s %9s %11s %11s %9s  %s\n", "n", "dense [s]", "sparse [s]",
              "dense [m*n/s]", "sparse [m*n/s]", "sparse/dense", "speed-up", "dense cpu", "sparse cpu", "cpu s-up",
              "loss dense | sparse");

  bool target_met = true;
  for (const Eigen::Index n : {Eigen::Index(10), Eigen::Index(100), Eigen::Index(1000)}) {
    std::mt19937_64 rng(20240607 + static_cast<std::uint64_t>(n));
    const auto sparse = sparse_samples(m, n, per_row, rng);
    std::normal_distribution<double> normal(0.0, 1.0);
    Eigen::MatrixXd w(2, n);
    for (Eigen::Index j = 0; j < 2; ++j)
      for (Eigen::Index l = 0; l < n; ++l) w(j, l) = normal(rng);
    const krelu::Network<double> net(w, Eigen::Vector2d(1, -1));
    const Timing ts = time_loss(net, sparse, repeats);
    const double mn = static_cast<double>(m) * static_cast<double>(n);

    const double dense_bytes = mn * sizeof(double);
    const double available = available_memory();
    if (available >= 0 && dense_bytes > 0.8 * available) {
      std::printf("%6lld %11s %11.4g %14s %14.4g %13s %9s %11s %11.4g %9s  (dense set of %.1f GB skipped: %.1f GB "
                  "available)\n",
                  static_cast<long long>(n), "-", ts.wall, "-", mn / ts.wall, "-", "-", "-", ts.cpu, "-",
                  dense_bytes / 1e9, available / 1e9);
      target_met = target_met && n != 1000;
      continue;
    }
    Timing td;
    {
      const krelu::SampleSet<double, krelu::Dense> dense(sparse);  // the same matrix, stored dense
      td = time_loss(net, dense, repeats);
    }
    const double ratio = ts.wall / td.wall;
    std::printf("%6lld %11.4g %11.4g %14.4g %14.4g %13.4g %8.1fx %11.4g %11.4g %8.1fx  %.17g | %.17g\n",
                static_cast<long long>(n), td.wall, ts.wall, mn / td.wall, mn / ts.wall, ratio, 1.0 / ratio, td.cpu,
                ts.cpu, td.cpu / ts.cpu, td.loss, ts.loss);
    if (n == 1000 && 1.0 / ratio < 20.0) target_met = false;
  }
  std::printf("target (sparse >= 20x faster than dense at n = 1000): %s\n", target_met ? "met" : "NOT met");
  return 0;
}
