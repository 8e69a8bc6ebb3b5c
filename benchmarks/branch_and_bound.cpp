// Branch-and-bound vs enumeration: one row per instance and method.
// Usage: bench_branch_and_bound [--quick] [--threads T]
#include <krelu/train/exact.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "bench_common.hpp"

namespace {

struct Row {
  std::string name;
  krelu::SampleSet<double> samples;
  int k;
  krelu::Signs signs;
  std::optional<double> radius;
};

void print_header() {
  std::printf("%-22s %5s %4s %2s %-10s %-14s %14s %14s %10s %10s %9s %9s\n", "instance", "m", "n", "k", "method",
              "status", "loss", "lower bound", "nodes", "QPs", "seconds", "speed-up");
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int threads = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
  }
  struct Size { int m, n, k; };
  std::vector<Size> sizes = {{12, 3, 1}, {8, 2, 2}, {20, 3, 1}, {16, 3, 2}, {20, 3, 2}, {30, 5, 2}, {40, 3, 2},
                             {60, 4, 2}, {30, 5, 3}, {200, 2, 1}, {100, 3, 2}, {1000, 3, 1}};
  if (quick) sizes = {{12, 3, 1}, {8, 2, 2}, {20, 3, 1}, {16, 3, 2}, {20, 3, 2}};
  print_header();
  for (const auto& sz : sizes) {
    const auto s = krelu_bench::planted(sz.m, sz.n, Eigen::VectorXd::Ones(sz.k), 0.1, 7000 + sz.m * 31 + sz.n * 7 + sz.k);
    char name[64];
    std::snprintf(name, sizeof name, "planted(%d,%d,%d)", sz.m, sz.n, sz.k);
    krelu::TrainOptions<double> o;
    o.units = sz.k;
    o.threads = threads;
    o.time_limit_seconds = quick ? 60 : 600;
    double enumerate_seconds = -1;
    o.method = krelu::Method::enumerate;
    {
      krelu::TrainResult<double> r = krelu::train_exact(s, o);
      if (r.status != krelu::Status::pattern_limit) {
        enumerate_seconds = r.status == krelu::Status::optimal ? r.seconds : -1;
        std::printf("%-22s %5d %4d %2d %-10s %-14s %14.8e %14.8e %10llu %10llu %9.3f %9s\n", name, sz.m, sz.n, sz.k,
                    "enumerate", krelu::to_string(r.status), static_cast<double>(r.loss), static_cast<double>(r.lower_bound),
                    static_cast<unsigned long long>(r.patterns), static_cast<unsigned long long>(r.qps), r.seconds, "1");
      }
    }
    o.method = krelu::Method::branch_and_bound;
    std::vector<double> times;
    krelu::TrainResult<double> r = krelu::train_exact(s, o);
    times.push_back(r.seconds);
    for (int rep = 0; rep < (quick ? 0 : 2) && r.seconds < 20; ++rep) times.push_back(krelu::train_exact(s, o).seconds);
    const double t = krelu_bench::median(times);
    char speed[32] = "-";
    if (enumerate_seconds > 0) std::snprintf(speed, sizeof speed, "%.0f", enumerate_seconds / t);
    std::printf("%-22s %5d %4d %2d %-10s %-14s %14.8e %14.8e %10llu %10llu %9.3f %9s\n", name, sz.m, sz.n, sz.k, "bnb",
                krelu::to_string(r.status), static_cast<double>(r.loss), static_cast<double>(r.lower_bound),
                static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.qps), t, speed);
    std::fflush(stdout);
  }
}
