// Lemma 14 at scale: time and peak memory to build the Densest kappa-Subgraph -> bounded 1-ReLU
// instance for random graphs of maximum degree 3 with 2 * 10^5 and 2 * 10^6 vertices, then the
// gap epsilon of the closed forms in 50-digit arithmetic at several N (best case kappa = N, ell = M).
//
// Each measurement runs in a child process so that its peak resident memory (getrusage ru_maxrss
// through wait4) belongs to that configuration alone.
#include <krelu/krelu.hpp>
#include <krelu/problems/graph.hpp>
#include <krelu/reductions/densest_subgraph.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#if __has_include(<boost/multiprecision/cpp_bin_float.hpp>)
#include <boost/multiprecision/cpp_bin_float.hpp>
#define KRELU_BENCH_MP 1
using mp50 = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
#endif

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

struct Timing {
  double graph_seconds = 0;
  std::array<double, 3> reduce_seconds{};
  long long samples = 0, nonzeros = 0, edges = 0;
};

template <class Scalar>
Timing measure(int vertices, int degree) {
  using clock = std::chrono::steady_clock;
  Timing t;
  std::mt19937_64 rng(42);
  auto start = clock::now();
  const kp::Graph g = kp::random_regularish_graph(vertices, degree, rng);
  t.graph_seconds = std::chrono::duration<double>(clock::now() - start).count();
  t.edges = g.num_edges();
  const int kappa = (g.num_vertices() - g.num_isolated_vertices()) / 2;
  for (double& seconds : t.reduce_seconds) {
    start = clock::now();
    const auto red = kr::reduce<Scalar>(g, kappa, kappa);
    seconds = std::chrono::duration<double>(clock::now() - start).count();
    t.samples = red.samples.size();
    t.nonzeros = red.samples.inputs().nonZeros();
  }
  return t;
}

/// Runs measure<Scalar> in a child; returns the timing and the child's peak RSS in KiB.
template <class Scalar>
bool measure_in_child(int vertices, int degree, Timing& t, long& peak_kib) {
  int fd[2];
  if (pipe(fd) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fd[0]);
    const Timing r = measure<Scalar>(vertices, degree);
    const ssize_t written = write(fd[1], &r, sizeof r);
    _exit(written == static_cast<ssize_t>(sizeof r) ? 0 : 1);
  }
  close(fd[1]);
  const ssize_t got = read(fd[0], &t, sizeof t);
  close(fd[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || got != static_cast<ssize_t>(sizeof t) || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return false;
  peak_kib = usage.ru_maxrss;
  return true;
}

double median(std::array<double, 3> v) {
  std::sort(v.begin(), v.end());
  return v[1];
}

template <class Scalar>
void report(const char* type, int vertices, int degree) {
  Timing t;
  long peak = 0;
  if (!measure_in_child<Scalar>(vertices, degree, t, peak)) {
    std::printf("%-12s N = %8d: measurement failed\n", type, vertices);
    return;
  }
  std::printf("%-12s %9d %9lld %10lld %11lld %9.3f %11.3f %10.1f %13.1f\n", type, vertices, t.edges, t.samples,
              t.nonzeros, t.graph_seconds, median(t.reduce_seconds), static_cast<double>(peak) / 1024.0,
              static_cast<double>(peak) * 1024.0 / static_cast<double>(t.nonzeros));
}

}  // namespace

int main() {
  std::printf("Lemma 14 instance generation, random graphs of max degree 3 (kappa = N/2, ell = kappa)\n");
  std::printf("%-12s %9s %9s %10s %11s %9s %11s %10s %13s\n", "scalar", "N", "M", "samples", "nonzeros", "graph s",
              "reduce s*", "peak MiB", "peak B/nnz");
  for (const int n : {200000, 2000000}) report<double>("double", n, 3);
  for (const int n : {200000, 2000000}) report<long double>("long double", n, 3);
  std::printf("* median of 3 runs; peak = ru_maxrss of a child process doing graph + 3 reductions\n\n");

#ifdef KRELU_BENCH_MP
  std::printf("epsilon of the closed forms in 50-digit arithmetic, kappa = N, ell = M = d N / 2 (best case)\n");
  std::printf("%2s %12s %14s %14s %14s %14s\n", "d", "N", "OPT", "epsilon", "epsilon/OPT", "eps*sqrt(N)");
  for (const std::int64_t d : {2, 3}) {
    for (const double n : {1e4, 1e5, 5e5, 1e6, 1.1e6, 1.2e6, 2e6, 1e7, 1e8, 1e9}) {
      const auto N = static_cast<std::int64_t>(n);
      const std::int64_t M = N * d / 2;
      const auto c = kr::densest_subgraph_constants<mp50>(N, M, d, N, M);
      const mp50 ratio = c.epsilon / c.OPT, scaled = c.epsilon * sqrt(mp50(N));
      std::printf("%2lld %12lld %14s %14s %14s %14s\n", static_cast<long long>(d), static_cast<long long>(N),
                  c.OPT.str(6, std::ios_base::scientific).c_str(), c.epsilon.str(6, std::ios_base::scientific).c_str(),
                  ratio.str(6, std::ios_base::scientific).c_str(), scaled.str(6, std::ios_base::scientific).c_str());
    }
  }
#else
  std::printf("Boost.Multiprecision not found: epsilon table skipped\n");
#endif
  return 0;
}
