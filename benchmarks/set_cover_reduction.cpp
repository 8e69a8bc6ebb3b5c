// Benchmark: generating a large Thm 8 training instance (Set Cover -> 1-ReLU).
//
// A random Set Cover instance with |U| = 10^5 elements and M = 10^4 subsets (about 10 subsets per
// element) is generated with krelu::problems::random_set_cover and reduced with
// krelu::reductions::reduce. Prints the median over 5 runs of the generation time, the reduction
// time and their sum, and the process's peak resident memory (getrusage ru_maxrss).
//
// Usage: bench_set_cover_reduction [universe_size] [num_subsets] [subsets_per_element] [runs]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <krelu/reductions/set_cover.hpp>

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int universe = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int subsets = argc > 2 ? std::atoi(argv[2]) : 10000;
  const double per_element = argc > 3 ? std::atof(argv[3]) : 10.0;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  if (universe < 1 || subsets < 1 || !(per_element >= 0) || per_element > subsets || runs < 1) {
    std::fprintf(stderr, "usage: %s [universe_size >= 1] [num_subsets >= 1] [subsets_per_element in [0, M]] [runs >= 1]\n",
                 argv[0]);
    return 2;
  }
  const double density = per_element / subsets;

  std::vector<double> generate, reduce, total;
  long long incidences = 0, samples = 0, nonzeros = 0;
  for (int run = 0; run < runs; ++run) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(run));
    const auto t0 = std::chrono::steady_clock::now();
    const auto sc = krelu::problems::random_set_cover(universe, subsets, density, rng);
    const double g = seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const auto red = krelu::reductions::reduce(sc);
    const double r = seconds_since(t1);
    generate.push_back(g);
    reduce.push_back(r);
    total.push_back(g + r);
    incidences = sc.incidences();
    samples = static_cast<long long>(red.samples.size());
    nonzeros = static_cast<long long>(red.samples.inputs().nonZeros());
  }

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("Set Cover -> 1-ReLU (Thm 8): |U| = %d, M = %d, density = %.3g, %d runs\n", universe, subsets, density,
              runs);
  std::printf("  incidences            %lld (%.2f subsets per element)\n", incidences,
              static_cast<double>(incidences) / universe);
  std::printf("  samples x dimension   %lld x %d, %lld nonzeros\n", samples, subsets + 2, nonzeros);
  std::printf("  median random_set_cover  %.3f s\n", median(generate));
  std::printf("  median reduce            %.3f s\n", median(reduce));
  std::printf("  median total             %.3f s\n", median(total));
  std::printf("  peak memory (ru_maxrss)  %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
