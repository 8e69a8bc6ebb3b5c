// krelu train: the global minimum of the training loss (Lemma 22 / branch-and-bound) with a
// certificate, via krelu::train_exact.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "krelu/loss.hpp"
#include "krelu/train/exact.hpp"

namespace krelu::cli {

namespace {

struct TrainArgs {
  std::string data, format, signs = "free", method = "bnb", output;
  int units = 1, threads = 0;
  std::optional<double> radius, time_limit;
  std::uint64_t seed = 0;
  bool json = false;
};

double finite_or_nan(double x) { return std::isfinite(x) ? x : std::nan(""); }

int run_train(const TrainArgs& args) {
  const SampleSet<double> samples = load_samples(args.data, args.format);
  if (samples.size() == 0) throw InputError(args.data + ": the file holds no sample");
  TrainOptions<double> opt;
  opt.units = args.units;
  opt.signs = parse_signs(args.signs);
  opt.radius = checked_radius(args.radius);
  opt.method = args.method == "enumerate" ? Method::enumerate : Method::branch_and_bound;
  opt.threads = args.threads;
  opt.seed = args.seed;
  if (args.time_limit) {
    if (!(*args.time_limit > 0)) throw InputError("--time-limit must be > 0 seconds, got " + num(*args.time_limit));
    opt.time_limit_seconds = *args.time_limit;
  }
  opt.validate();  // before any work: bad --units / --signs combinations exit with code 2

  // A live progress line, only for a person watching a terminal (never in logs or pipes).
  const bool live = stderr_is_terminal();
  if (live) {
    opt.progress = [](const Progress& p) {
      const double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.nodes) / p.elapsed_seconds : 0.0;
      std::fprintf(stderr, "\r\033[Kincumbent %.6g  bound %.6g  gap %.3g  %.0f nodes/s  %.1f s", p.incumbent,
                   p.lower_bound, p.gap, rate, p.elapsed_seconds);
      std::fflush(stderr);
    };
  }
  const TrainResult<double> r = train_exact(samples, opt);
  if (live) std::fprintf(stderr, "\r\033[K");
  if (!args.output.empty()) save_network(args.output, r.network);

  if (args.json) {
    nlohmann::json j = {{"command", "train"},
                        {"status", to_string(r.status)},
                        {"loss", r.loss},
                        {"lower_bound", finite_or_nan(r.lower_bound)},
                        {"gap", finite_or_nan(r.gap())},
                        {"nodes", r.nodes},
                        {"qps", r.qps},
                        {"patterns", r.patterns},
                        {"seconds", r.seconds},
                        {"samples", samples.size()},
                        {"dim", samples.dim()},
                        {"units", args.units},
                        {"signs", args.signs},
                        {"radius", opt.radius ? nlohmann::json(*opt.radius) : nlohmann::json(nullptr)},
                        {"method", opt.method == Method::enumerate ? "enumerate" : "bnb"},
                        {"message", r.message},
                        {"network", network_json(r.network)}};
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  std::cout << "status:       " << to_string(r.status) << '\n'
            << "loss:         " << num(r.loss) << '\n'
            << "lower bound:  " << num(r.lower_bound) << '\n'
            << "gap:          " << num(r.gap()) << '\n'
            << "nodes:        " << r.nodes << '\n'
            << "qps:          " << r.qps << '\n'
            << "patterns:     " << r.patterns << '\n'
            << "seconds:      " << num(r.seconds) << '\n';
  if (!r.message.empty()) std::cout << "note:         " << r.message << '\n';
  print_network(std::cout, r.network);
  return exit_ok;
}

}  // namespace

void add_train_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train a k-ReLU to the global optimum (certified lower bound)");
  cmd->add_option("DATA", args->data, "Samples: .csv (y,weight,x1..xn) or .svm (svmlight)")->required();
  cmd->add_option("--units,-k", args->units, "Number of ReLU units k")->required();
  cmd->add_option("--signs", args->signs, "Output signs: free, plus, or a list like +,-,+ (default free)");
  cmd->add_option("--radius", args->radius, "Bound ||w_j|| <= R (default: unbounded)");
  cmd->add_option("--method", args->method, "bnb (branch-and-bound, default) or enumerate (Lemma 22 literally)")
      ->check(CLI::IsMember({"bnb", "enumerate"}));
  cmd->add_option("--threads", args->threads, "Threads (0: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--time-limit", args->time_limit, "Stop after S seconds with the best network and proven bound");
  cmd->add_option("--seed", args->seed, "Seed of the randomised steps (local-search incumbents)");
  cmd->add_option("--output,-o", args->output, "Write the best network to this file");
  add_format_option(*cmd, args->format);
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args, &run] { run = [args] { return run_train(*args); }; });
}

}  // namespace krelu::cli
