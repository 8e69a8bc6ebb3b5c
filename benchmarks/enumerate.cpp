// Lemma 22 by enumeration: patterns, QPs, seconds and microseconds per QP for the reference sizes,
// unbounded and bounded, free signs, one thread. Usage: bench_enumerate [repeats]
#include <krelu/train/exact.hpp>

#include <cstdio>
#include <cstdlib>

#include "bench_common.hpp"

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 3;
  struct Size { int m, n, k; };
  const Size sizes[] = {{12, 3, 1}, {16, 2, 1}, {8, 2, 2}, {6, 3, 2}};
  std::printf("%-12s %-9s %12s %12s %10s %12s %14s %10s\n", "(m,n,k)", "variant", "patterns", "QPs", "seconds",
              "us/QP", "loss", "status");
  for (const auto& sz : sizes) {
    for (int bounded = 0; bounded < 2; ++bounded) {
      const auto s = krelu_bench::planted(sz.m, sz.n, Eigen::VectorXd::Ones(sz.k), 0.1, 1000 + sz.m * 10 + sz.k);
      krelu::TrainOptions<double> o;
      o.units = sz.k;
      o.method = krelu::Method::enumerate;
      if (bounded) o.radius = 1.0;
      std::vector<double> times;
      krelu::TrainResult<double> r = krelu::train_exact(s, o);
      for (int rep = 0; rep < repeats; ++rep) times.push_back(krelu_bench::seconds([&] { r = krelu::train_exact(s, o); }));
      const double t = krelu_bench::median(times);
      char label[32];
      std::snprintf(label, sizeof label, "(%d,%d,%d)", sz.m, sz.n, sz.k);
      std::printf("%-12s %-9s %12llu %12llu %10.3f %12.3f %14.6e %10s\n", label, bounded ? "bounded" : "unbounded",
                  static_cast<unsigned long long>(r.patterns), static_cast<unsigned long long>(r.qps), t,
                  1e6 * t / static_cast<double>(r.qps), static_cast<double>(r.loss), krelu::to_string(r.status));
    }
  }
}
