// Branch-and-bound vs enumeration: one row per instance and method; then what each search technique
// pays (each switched off in turn, same instances, same run); then Set Cover, colouring and gadget
// reduction instances; then threads.
// Usage: bench_branch_and_bound [--quick] [--threads T] [--time-limit S]
// (--time-limit caps every search, e.g. the unsolved (100,3,2) and (30,5,3) rows, which use 600 s otherwise)
#include <krelu/reductions/set_cover.hpp>
#include <krelu/train/exact.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bench_common.hpp"

namespace {

struct Row {
  std::string name;
  krelu::SampleSet<double> samples;
  int k;
  krelu::Signs signs;
  std::optional<double> radius;
};

/// The speed-up column of a reduction row: enumerate's median time over this row's ("-" where
/// enumerate did not run or did not finish); an enumerate row records its time.
const char* speed_up(krelu::Method method, krelu::Status status, double seconds, double& enumerate_seconds) {
  static char text[32];
  if (method == krelu::Method::enumerate) {
    enumerate_seconds = status == krelu::Status::optimal ? seconds : -1;
    return "1";
  }
  if (enumerate_seconds <= 0 || seconds <= 0) return "-";
  std::snprintf(text, sizeof text, "%.0f", enumerate_seconds / seconds);
  return text;
}

void print_header() {
  std::printf("%-22s %5s %4s %2s %-10s %-14s %14s %14s %10s %10s %9s %9s\n", "instance", "m", "n", "k", "method",
              "status", "loss", "lower bound", "nodes", "QPs", "seconds", "speed-up");
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int threads = 0;
  double cap = 1e9;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) {
      quick = true;
    } else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--time-limit") && i + 1 < argc) {
      cap = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--threads N] [--time-limit SECONDS]\n", argv[0]);
      return std::strcmp(argv[i], "--help") ? 2 : 0;
    }
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
    o.time_limit_seconds = std::min(cap, quick ? 60.0 : 600.0);
    double enumerate_seconds = -1;
    o.method = krelu::Method::enumerate;
    {
      krelu::TrainResult<double> r = krelu::train_exact(s, o);
      if (r.status != krelu::Status::pattern_limit) {
        const double t = krelu_bench::median_of_repeats(
            r.seconds, [&] { return krelu::train_exact(s, o).seconds; }, quick ? 0.5 : 2.0, 5);
        enumerate_seconds = r.status == krelu::Status::optimal ? t : -1;
        std::printf("%-22s %5d %4d %2d %-10s %-14s %14.8e %14.8e %10llu %10llu %9.5f %9s\n", name, sz.m, sz.n, sz.k,
                    "enumerate", krelu::to_string(r.status), static_cast<double>(r.loss), static_cast<double>(r.lower_bound),
                    static_cast<unsigned long long>(r.patterns), static_cast<unsigned long long>(r.qps), t, "1");
      }
    }
    o.method = krelu::Method::branch_and_bound;
    krelu::TrainResult<double> r = krelu::train_exact(s, o);
    const double t = krelu_bench::median_of_repeats(
        r.seconds, [&] { return krelu::train_exact(s, o).seconds; }, quick ? 0.5 : 10.0, 101);
    char speed[32] = "-";
    if (enumerate_seconds > 0) std::snprintf(speed, sizeof speed, "%.0f", enumerate_seconds / t);
    std::printf("%-22s %5d %4d %2d %-10s %-14s %14.8e %14.8e %10llu %10llu %9.5f %9s\n", name, sz.m, sz.n, sz.k, "bnb",
                krelu::to_string(r.status), static_cast<double>(r.loss), static_cast<double>(r.lower_bound),
                static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.qps), t, speed);
    std::fflush(stdout);
  }

  // What each technique pays (each default flipped in turn): nodes and QPs are noise-free counts; seconds are medians of
  // repeated runs (up to 21 or 1 s).
  std::printf("\n%-26s %-24s %-14s %10s %10s %9s %9s\n", "instance", "techniques", "status", "nodes", "QPs", "seconds",
              "x default");
  struct Case { const char* name; krelu::SampleSet<double> s; int k; std::optional<double> radius; };
  std::vector<Case> cases;
  cases.push_back({"planted(20,3,2)", krelu_bench::planted(20, 3, Eigen::Vector2d(1, 1), 0.1, 11), 2, std::nullopt});
  cases.push_back({"planted(16,3,2) mixed", krelu_bench::planted(16, 3, Eigen::Vector2d(1, -1), 0.1, 12), 2, std::nullopt});
  cases.push_back({"planted(16,3,2) R=0.5", krelu_bench::planted(16, 3, Eigen::Vector2d(1, -1), 0.1, 13), 2, 0.5});
  cases.push_back({"planted(32,3,2) 1-unit data", krelu_bench::planted(32, 3, Eigen::VectorXd::Ones(1), 0.1, 15), 2,
                   std::nullopt});
  if (!quick) cases.push_back({"planted(30,3,2) R=0.5", krelu_bench::planted(30, 3, Eigen::Vector2d(1, 1), 0.1, 14), 2, 0.5});
  const krelu::SearchTechniques on{};
  std::vector<std::pair<const char*, krelu::SearchTechniques>> variants = {{"defaults", on}};
  auto v = on; v.symmetry_breaking = false; variants.emplace_back("- symmetry breaking", v);
  v = on; v.convex_epigraph = false; variants.emplace_back("- convex epigraph", v);
  v = on; v.triangle_relaxation = !on.triangle_relaxation;
  variants.emplace_back(on.triangle_relaxation ? "- triangle relaxation" : "+ triangle relaxation", v);
  v = on; v.polish = false; variants.emplace_back("- polish", v);
  v = on; v.worst_sample_branching = false; variants.emplace_back("- worst-sample branching", v);
  v = on; v.side_branching = false; variants.emplace_back("- side branching", v);
  v = on; v.defer_dead_units = false; variants.emplace_back("- dead-unit deferral", v);
  v = on; v.weight_space_relaxation = false; variants.emplace_back("- weight-space relaxation", v);
  v = on; v.overshoot_bound = !on.overshoot_bound;
  variants.emplace_back(on.overshoot_bound ? "- overshoot bound" : "+ overshoot bound", v);
  for (const auto& c : cases) {
    double base = 0;
    for (const auto& [label, techniques] : variants) {
      krelu::TrainOptions<double> o;
      o.units = c.k;
      o.radius = c.radius;
      o.threads = 1;
      o.techniques = techniques;
      o.time_limit_seconds = std::min(cap, quick ? 20.0 : 120.0);
      krelu::TrainResult<double> r = krelu::train_exact(c.s, o);
      const double t = krelu_bench::median_of_repeats(
          r.seconds, [&] { return krelu::train_exact(c.s, o).seconds; }, quick ? 0.2 : 1.0, 21);
      if (base == 0) base = t;
      std::printf("%-26s %-24s %-14s %10llu %10llu %9.3f %9.2f\n", c.name, label, krelu::to_string(r.status),
                  static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.qps), t, t / base);
      std::fflush(stdout);
    }
  }

  // Set Cover reduction instances (Theorem 8): tiny optima, where absolute tolerances fail.
  std::printf("\n%-26s %5s %4s %-10s %-14s %14s %14s %10s %10s %9s %9s\n", "Set Cover (Thm 8)", "m", "n", "method",
              "status", "loss", "OPT gamma^2/m", "nodes", "QPs", "seconds", "speed-up");
  const std::vector<std::pair<int, int>> covers = quick ? std::vector<std::pair<int, int>>{{6, 4}, {10, 6}}
                                                        : std::vector<std::pair<int, int>>{{6, 4}, {10, 6}, {16, 8}, {24, 14}};
  for (const auto& [universe, subsets] : covers) {
    std::mt19937_64 rng(900 + universe);
    const auto sc = krelu::problems::random_set_cover(universe, subsets, 0.35, rng);
    const auto red = krelu::reductions::reduce(sc);
    const auto cover = krelu::problems::solve_exact(sc);
    const double predicted = static_cast<double>(krelu::reductions::predicted_loss(red, cover));
    char name[64];
    std::snprintf(name, sizeof name, "|U|=%d M=%d", universe, subsets);
    double enumerate_seconds = -1;
    for (const auto method : {krelu::Method::enumerate, krelu::Method::branch_and_bound}) {
      krelu::TrainOptions<double> o;
      o.units = red.units;
      o.signs = krelu::Signs::fixed(red.signs);
      o.method = method;
      o.threads = threads;
      o.time_limit_seconds = std::min(cap, quick ? 30.0 : 300.0);
      const auto r = krelu::train_exact(red.samples, o);
      if (r.status == krelu::Status::pattern_limit) continue;
      const double t = krelu_bench::median_of_repeats(
          r.seconds, [&] { return krelu::train_exact(red.samples, o).seconds; }, quick ? 0.5 : 2.0, 101);
      const char* speed = speed_up(method, r.status, t, enumerate_seconds);
      std::printf("%-26s %5lld %4lld %-10s %-14s %14.6e %14.6e %10llu %10llu %9.5f %9s\n", name,
                  static_cast<long long>(red.samples.size()), static_cast<long long>(red.samples.dim()),
                  method == krelu::Method::enumerate ? "enumerate" : "bnb", krelu::to_string(r.status),
                  static_cast<double>(r.loss), predicted, static_cast<unsigned long long>(r.nodes),
                  static_cast<unsigned long long>(r.qps), t, speed);
      std::fflush(stdout);
    }
  }

  // Colouring (Lemma 17: bounded sum of k ReLUs) and sign-gadget (Lemma 21, Theorem 4) instances.
  std::printf("\n%-34s %5s %4s %-8s %-10s %-14s %14s %14s %10s %10s %9s %9s\n", "reduction instance", "m", "n", "signs",
              "method", "status", "loss", "lower bound", "nodes", "QPs", "seconds", "speed-up");
  namespace kp = krelu::problems;
  namespace kr = krelu::reductions;
  struct Reduced {
    std::string name;
    krelu::SampleSet<double, krelu::Sparse> samples;
    std::vector<int> signs;
    std::optional<double> radius;
  };
  std::vector<Reduced> reduced;
  for (const auto& [name, h, k] : std::vector<std::tuple<std::string, kp::Hypergraph, int>>{
           {"colouring: planted 2-col, 8 v",
            kp::planted_colorable_hypergraph(8, 8, 2, 3, 2, std::uint64_t{1}).hypergraph, 2},
           {"colouring: triangle (k = 2)", kp::Hypergraph(3, {{0, 1}, {1, 2}, {0, 2}}), 2},
           {"colouring: K4 (k = 3)", kp::Hypergraph(4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}), 3}}) {
    const auto red = kr::reduce(h, k);
    reduced.push_back({name, red.samples, std::vector<int>(static_cast<std::size_t>(k), 1), red.radius});
  }
  const auto gadget = kr::sign_gadget(2, 0);
  for (const std::vector<int>& a : {std::vector<int>{1, 1}, std::vector<int>{1, -1}})
    reduced.push_back({"gadget k = 2 (two-point)", gadget.samples, a, gadget.radius});
  const auto composed =
      kr::compose_with_gadget(kr::reduce(kp::Hypergraph(4, {{0, 1}, {1, 2}, {2, 3}, {0, 3}}), 2), gadget);
  for (const std::vector<int>& a : {std::vector<int>{1, 1}, std::vector<int>{1, -1}})
    reduced.push_back({"4-cycle + gadget (Thm 4)", composed.samples, a, composed.radius});
  for (const auto& c : reduced) {
    double enumerate_seconds = -1;
    for (const auto method : {krelu::Method::enumerate, krelu::Method::branch_and_bound}) {
      krelu::TrainOptions<double> o;
      o.units = static_cast<int>(c.signs.size());
      o.signs = krelu::Signs::fixed(c.signs);
      o.radius = c.radius;
      o.method = method;
      o.threads = threads;
      o.time_limit_seconds = std::min(cap, quick ? 30.0 : 300.0);
      if (quick) o.pattern_limit = std::uint64_t{1} << 16;  // the composed instance's 2^20 take 15 s
      const auto r = krelu::train_exact(c.samples, o);
      if (r.status == krelu::Status::pattern_limit) continue;
      const double t = krelu_bench::median_of_repeats(
          r.seconds, [&] { return krelu::train_exact(c.samples, o).seconds; }, quick ? 0.5 : 2.0, 101);
      const char* speed = speed_up(method, r.status, t, enumerate_seconds);
      std::string signs = "(";
      for (std::size_t j = 0; j < c.signs.size(); ++j) signs += (j ? "," : "") + std::string(c.signs[j] > 0 ? "+" : "-");
      signs += ")";
      std::printf("%-34s %5lld %4lld %-8s %-10s %-14s %14.6e %14.6e %10llu %10llu %9.5f %9s\n", c.name.c_str(),
                  static_cast<long long>(c.samples.size()), static_cast<long long>(c.samples.dim()), signs.c_str(),
                  method == krelu::Method::enumerate ? "enumerate" : "bnb", krelu::to_string(r.status),
                  static_cast<double>(r.loss), static_cast<double>(r.lower_bound),
                  static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.qps), t, speed);
      std::fflush(stdout);
    }
  }

  // Threads: the same search on 1 and 2 threads, runs interleaved (1, 2, 1, 2, ...) so that drifts in the
  // machine's speed hit both alike; medians of 11 each. The optimal value must not change. "cpu s" is
  // the process's CPU time per search and "busy" cpu / (threads x seconds): a 2-thread cpu time above the
  // 1-thread one with the same nodes means each instruction ran slower (seen on a shared 2-core virtual
  // machine: with both cores busy, one of them at times ran 30% slower), not that the threads waited.
  if (!quick) {
    std::printf("\n%-26s %8s %-14s %14s %10s %9s %9s %6s %9s\n", "instance", "threads", "status", "loss", "nodes",
                "seconds", "cpu s", "busy", "speed-up");
    for (const auto& [m, n] : {std::pair{40, 3}, std::pair{60, 4}}) {
      const auto s = krelu_bench::planted(m, n, Eigen::Vector2d(1, 1), 0.1, 7000 + m * 31 + n * 7 + 2);
      char name[64];
      std::snprintf(name, sizeof name, "planted(%d,%d,2)", m, n);
      std::vector<double> times[2], cpu[2];
      std::optional<krelu::TrainResult<double>> first[2];
      for (int rep = 0; rep < 11; ++rep)
        for (int t : {1, 2}) {
          krelu::TrainOptions<double> o;
          o.units = 2;
          o.threads = t;
          const std::clock_t cpu_start = std::clock();  // the process's CPU time, all threads
          auto r = krelu::train_exact(s, o);
          cpu[t - 1].push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
          times[t - 1].push_back(r.seconds);
          if (!first[t - 1]) first[t - 1] = std::move(r);
        }
      const double one = krelu_bench::median(times[0]);
      for (int t : {1, 2}) {
        const auto& r = *first[t - 1];
        const double med = krelu_bench::median(times[t - 1]), cpu_med = krelu_bench::median(cpu[t - 1]);
        std::printf("%-26s %8d %-14s %14.8e %10llu %9.3f %9.3f %6.2f %9.2f\n", name, t, krelu::to_string(r.status),
                    static_cast<double>(r.loss), static_cast<unsigned long long>(r.nodes), med, cpu_med,
                    cpu_med / (t * med), one / med);
      }
    }
  }
}
