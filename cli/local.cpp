// krelu local: multi-start local search (krelu::local_search), the fast heuristic baseline. Its
// loss is an upper bound on the optimum; it proves no lower bound.

#include <iostream>
#include <memory>

#include "common.hpp"
#include "krelu/train/local_search.hpp"

namespace krelu::cli {

namespace {

struct LocalArgs {
  std::string data, format, signs = "free", output;
  int units = 1, restarts = 20, threads = 0;
  std::optional<double> radius, time_limit;
  std::uint64_t seed = 0;
  bool json = false;
};

int run_local(const LocalArgs& args) {
  const SampleSet<double> samples = load_samples(args.data, args.format);
  if (samples.size() == 0) throw InputError(args.data + ": the file holds no sample");
  LocalSearchOptions<double> opt;
  opt.units = args.units;
  opt.signs = parse_signs(args.signs);
  opt.radius = checked_radius(args.radius);
  opt.restarts = args.restarts;
  opt.seed = args.seed;
  opt.threads = args.threads;
  if (args.time_limit) {
    if (!(*args.time_limit > 0)) throw InputError("--time-limit must be > 0 seconds, got " + num(*args.time_limit));
    opt.time_limit_seconds = *args.time_limit;
  }
  opt.validate();
  const LocalSearchResult<double> r = local_search(samples, opt);
  if (!args.output.empty()) save_network(args.output, r.network);
  const char* status = r.time_limit_reached ? "time_limit" : "local_search";
  if (args.json) {
    nlohmann::json j = {{"command", "local"},
                        {"status", status},
                        {"loss", r.loss},
                        {"lower_bound", nullptr},
                        {"gap", nullptr},
                        {"nodes", nullptr},
                        {"qps", r.pattern_qps},
                        {"patterns", nullptr},
                        {"seconds", r.seconds},
                        {"samples", samples.size()},
                        {"dim", samples.dim()},
                        {"units", args.units},
                        {"restarts", r.restart_losses.size()},
                        {"best_restart", r.best_restart},
                        {"iterations", r.iterations},
                        {"network", network_json(r.network)}};
    std::cout << j.dump(2) << '\n';
    return exit_ok;
  }
  std::cout << "status:       " << status << " (no certificate: the loss is an upper bound on the optimum)\n"
            << "loss:         " << num(r.loss) << '\n'
            << "lower bound:  none (use 'krelu train' for a certified bound)\n"
            << "restarts:     " << r.restart_losses.size() << " (best: " << r.best_restart << ")\n"
            << "iterations:   " << r.iterations << '\n'
            << "qps:          " << r.pattern_qps << '\n'
            << "seconds:      " << num(r.seconds) << '\n';
  print_network(std::cout, r.network);
  return exit_ok;
}

}  // namespace

void add_local_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<LocalArgs>();
  CLI::App* cmd = app.add_subcommand("local", "Multi-start local search (fast, no certificate)");
  cmd->add_option("DATA", args->data, "Samples: .csv or .svm")->required();
  cmd->add_option("--units,-k", args->units, "Number of ReLU units k")->required();
  cmd->add_option("--restarts", args->restarts, "Random starts (default 20)");
  cmd->add_option("--signs", args->signs, "Output signs: free, plus, or a list like +,-,+ (default free)");
  cmd->add_option("--radius", args->radius, "Bound ||w_j|| <= R (default: unbounded)");
  cmd->add_option("--time-limit", args->time_limit, "Stop after S seconds");
  cmd->add_option("--threads", args->threads, "Threads for the restarts (0: all cores; the result is the same)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", args->seed, "Seed (the search is a deterministic function of it)");
  cmd->add_option("--output,-o", args->output, "Write the best network to this file");
  add_format_option(*cmd, args->format);
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args, &run] { run = [args] { return run_local(*args); }; });
}

}  // namespace krelu::cli
