// search_effort: how much branch-and-bound work the decision version of Theorem 8's training
// problem takes, on YES and NO questions about the same random Set Cover instances.
//
// For an instance with minimum cover size OPT and gamma = 0.01/M^2, the question "is there a 1-ReLU
// with total squared error <= t gamma^2?" is a YES question for t = OPT (the witness of a minimum
// cover) and a NO question for t = OPT - 1 (ERRATA Thm 8: the optimum is exactly OPT gamma^2).
// The search (one thread, no local-search warm start, so the effort is the search's own) stops as
// soon as it can answer: YES once its incumbent is <= the threshold, NO once its proven lower bound
// exceeds it. Also recorded: the work to certify the optimum itself. Writes one CSV row per
// (instance, question): M, |U|, samples, seed, question, nodes, QPs, seconds, answer; and to the
// second file the geometric means over the seeds per (M, question).
//
//   search_effort rows.csv means.csv
#include <krelu/krelu.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

namespace kp = krelu::problems;
namespace kr = krelu::reductions;

namespace {

struct Effort {
  unsigned long long nodes, qps;
  double seconds;
  std::string answer;
};

// threshold < 0: no question, certify the optimum.
Effort run(const kr::Reduction<double, kp::SetCover>& red, double threshold, bool yes_question) {
  bool decided = false;
  std::string answer = "optimum";
  krelu::TrainOptions<double> o;
  o.units = 1;
  o.signs = krelu::Signs::fixed({1});
  o.method = krelu::Method::branch_and_bound;
  o.threads = 1;
  o.incumbent_restarts = 0;
  o.time_limit_seconds = 120;
  if (threshold >= 0) {
    o.progress_interval_seconds = 0;  // called after every node
    o.progress = [&](const krelu::Progress& p) {
      if (yes_question && p.incumbent <= threshold) decided = true, answer = "yes";
      if (!yes_question && p.lower_bound > threshold) decided = true, answer = "no";
    };
    o.cancel = [&] { return decided; };
  }
  const auto r = krelu::train_exact(red.samples, o);
  if (!decided && threshold >= 0) {  // the search finished before a progress report decided
    if (r.status != krelu::Status::optimal) throw std::runtime_error("search_effort: search not finished");
    answer = r.loss <= threshold ? "yes" : "no";
  }
  if (threshold < 0 && r.status != krelu::Status::optimal) throw std::runtime_error("search_effort: not optimal");
  return {static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.qps), r.seconds, answer};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: search_effort rows.csv means.csv\n");
    return 2;
  }
  FILE* out = std::fopen(argv[1], "w");
  FILE* means = std::fopen(argv[2], "w");
  if (!out || !means) {
    std::fprintf(stderr, "search_effort: cannot open %s or %s\n", argv[1], argv[2]);
    return 1;
  }
  std::fprintf(out, "M,U,samples,seed,question,nodes,qps,seconds,answer\n");
  std::fprintf(means, "M,yes_nodes,no_nodes,optimum_nodes,yes_qps,no_qps,optimum_qps\n");
  int wrong = 0;
  for (int M = 6; M <= 18; M += 2) {
    double log_sum[2][3] = {};  // [nodes, qps][yes, no, optimum]
    const std::uint64_t seeds = 4;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      std::mt19937_64 rng(seed * 1000 + static_cast<std::uint64_t>(M));
      const int U = 2 * M;
      const auto sc = kp::random_set_cover(U, M, 0.2, rng);
      const auto red = kr::reduce(sc);
      const double opt = static_cast<double>(kp::solve_exact(sc).size());
      const double unit = red.constant("gamma") * red.constant("gamma") / red.samples.total_weight();
      // Thresholds between the integers: robust to rounding of the losses.
      const Effort yes = run(red, (opt + 0.5) * unit, true);
      const Effort no = run(red, (opt - 0.5) * unit, false);
      const Effort full = run(red, -1, false);
      wrong += (yes.answer != "yes") + (no.answer != "no");
      const Effort* e3[3] = {&yes, &no, &full};
      for (int q = 0; q < 3; ++q) {
        log_sum[0][q] += std::log(static_cast<double>(std::max(e3[q]->nodes, 1ULL)));
        log_sum[1][q] += std::log(static_cast<double>(std::max(e3[q]->qps, 1ULL)));
      }
      for (const auto& [q, e] : {std::pair{"yes", yes}, std::pair{"no", no}, std::pair{"optimum", full}})
        std::fprintf(out, "%d,%d,%ld,%llu,%s,%llu,%llu,%.6f,%s\n", M, U, static_cast<long>(red.samples.size()),
                     static_cast<unsigned long long>(seed), q, e.nodes, e.qps, e.seconds, e.answer.c_str());
      std::printf("M=%2d seed=%llu OPT=%g  yes: %6llu nodes  no: %6llu nodes  optimum: %6llu nodes (%.2f s)\n", M,
                  static_cast<unsigned long long>(seed), opt, yes.nodes, no.nodes, full.nodes, full.seconds);
    }
    std::fprintf(means, "%d", M);
    for (const auto& kind : log_sum)
      for (const double l : kind) std::fprintf(means, ",%.2f", std::exp(l / static_cast<double>(seeds)));
    std::fprintf(means, "\n");
  }
  std::fclose(out);
  std::fclose(means);
  if (wrong) std::printf("%d questions answered wrongly\n", wrong);
  return wrong == 0 ? 0 : 1;
}
